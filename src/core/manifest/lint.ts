/** `manifest lint`: every problem in a manifest file, without stopping at the first. */
import { UserError, ValidationError } from "../errors.ts";
import { TemplateError } from "../template/index.ts";
import { parseYamlDocs } from "../yaml.ts";
import { yaml11Differences } from "../yaml11.ts";
import { loadManifests, type LoadedManifest, type LoadOptions } from "./load.ts";
import { renderManifest, valuesProblems } from "./render.ts";
import type { Vars } from "./vars.ts";

export interface LintResult {
  problems: UserError[];
  /** Variables the file uses that were not given; linted with a placeholder value. */
  missingVars: string[];
  /** Not errors: plain scalars YAML 1.1 and 1.2 read differently (`yes`, `0644`), to quote. */
  warnings: UserError[];
}

const missingKeyRe = /no entry for key "([^"]+)"/;
/** A placeholder that is valid where YAML expects a number and where it expects a string. */
const placeholder = "0";

export function lintManifestText(
  text: string,
  file: string,
  vars: Vars,
  opts: Pick<LoadOptions, "limits"> = {},
): LintResult {
  const missingVars: string[] = [];
  const data = { ...vars };
  let loaded: LoadedManifest[] | undefined;
  // A manifest written for CI uses variables (SHA, BRANCH) that are unknown locally; lint what
  // the file would be with them set, and say which were missing.
  for (let attempt = 0; attempt < 100 && !loaded; attempt++) {
    try {
      loaded = loadManifests(text, { file, vars: data, ...(opts.limits ? { limits: opts.limits } : {}) });
    } catch (e) {
      const key = e instanceof TemplateError ? missingKeyRe.exec(e.message)?.[1] : undefined;
      if (key && !(key in data)) {
        missingVars.push(key);
        data[key] = placeholder;
        continue;
      }
      return { problems: flatten(e), missingVars, warnings: yaml11Warnings(text, file) };
    }
  }
  const problems: UserError[] = [];
  for (const l of loaded ?? []) {
    problems.push(...cleanupProblems(l));
    const vp = valuesProblems(l);
    problems.push(...vp);
    if (vp.length) continue;
    try {
      renderManifest(l);
    } catch (e) {
      problems.push(...flatten(e));
    }
  }
  return { problems, missingVars, warnings: yaml11Warnings(text, file) };
}

const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : String(v));

/**
 * gimlet reads manifests as the original did, as YAML 1.1 (`on` is true, `0644` is 420); an editor
 * or another tool reading YAML 1.2 sees the text. Each such plain scalar is named, to be quoted.
 */
export function yaml11Warnings(text: string, file: string): UserError[] {
  let parsed;
  try {
    parsed = parseYamlDocs(text, file, 0, { yaml11: true });
  } catch {
    return [];
  }
  const out: UserError[] = [];
  for (const doc of parsed.docs) {
    for (const d of yaml11Differences(doc)) {
      const p = parsed.lines.linePos(d.offset);
      const what = d.isKey ? `key ${d.source}` : d.source;
      out.push(
        new UserError(
          `${what} is read as ${show(d.yaml11)} (YAML 1.1, as Kubernetes, helm and the original Gimlet read it), as ${show(d.yaml12)} by YAML 1.2`,
          {
            pos: { file, line: p.line, column: p.col },
            path:
              d.path
                .map((k) => (typeof k === "number" ? `[${k}]` : `.${k}`))
                .join("")
                .slice(1)
                .replace(/\.\[/g, "[") || "(manifest)",
            hint: `quote it ("${d.source}") if you mean the text${typeof d.yaml11 === "number" || typeof d.yaml11 === "boolean" ? `, or write ${show(d.yaml11)}` : ""}`,
          },
        ),
      );
    }
  }
  return out;
}

/** A cleanup policy that loads but can never fire (deploys accept it, as the original did). */
function cleanupProblems(l: LoadedManifest): UserError[] {
  const c = l.manifest.cleanup;
  if (!c) return [];
  const missing = (["app", "branch"] as const).filter((k) => !c[k]);
  return missing.map(
    (k) =>
      new UserError(`cleanup has no ${k}, so it never deletes anything`, {
        pos: l.posOf(["cleanup"]),
        path: `cleanup.${k}`,
        hint:
          k === "app"
            ? "name the app to delete, e.g. app: myapp-{{ .BRANCH | sanitizeDNSName }}"
            : "add a branch glob, e.g. branch: feature/*",
      }),
  );
}

function flatten(e: unknown): UserError[] {
  if (e instanceof ValidationError) return e.problems;
  if (e instanceof UserError) return [e];
  throw e;
}
