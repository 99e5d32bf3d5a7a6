/**
 * From manifest text to typed manifests: template the text (cleanup excluded, as the original
 * does), parse every document, check its shape. Positions in errors point at the source file.
 */
import { isMap, isScalar, type Document, type LineCounter, type Node } from "yaml";
import { UserError, ValidationError, type SourcePos } from "../errors.ts";
import { renderTemplate, TemplateError, sanitizeDNSName } from "../gotemplate/index.ts";
import { docToJs, parseYamlDocs } from "../yaml.ts";
import type { CleanupPolicy, Manifest } from "./model.ts";
import { checkShape, manifestShape } from "./shape.ts";
import type { Vars } from "./vars.ts";

export interface LoadedManifest {
  manifest: Manifest;
  file: string;
  /** 0-based index of the document in a multi-document file. */
  index: number;
  /** Source position of a field path like ["values", "image", "tag"], best effort. */
  posOf(path: readonly (string | number)[]): SourcePos;
}

export interface LoadOptions {
  file?: string;
  vars?: Vars;
  /** "error" (default, like the original), or "zero" to tolerate missing variables (lint). */
  missingKey?: "error" | "zero";
  now?: () => Date;
}

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Loads every manifest in `text`. Throws UserError / ValidationError with positions. */
export function loadManifests(text: string, opts: LoadOptions = {}): LoadedManifest[] {
  const file = opts.file ?? "<stdin>";
  const vars = opts.vars ?? {};
  const source = parseYamlDocs(text, file);
  const cleanups: (unknown | undefined)[] = [];
  const blanked = blankCleanup(text, source.docs, cleanups);

  let templated: string;
  try {
    templated = renderTemplate(blanked, vars, { name: file, missingKey: opts.missingKey === "zero" ? "zero" : "error", now: opts.now });
  } catch (e) {
    if (e instanceof TemplateError) throw e;
    throw new UserError(`template failed: ${(e as Error).message}`, { pos: { file }, cause: e });
  }

  const { docs, lines } = parseYamlDocs(templated, file);
  const out: LoadedManifest[] = [];
  const problems: UserError[] = [];
  docs.forEach((doc, index) => {
    if (doc.contents === null) return; // an empty document between `---` lines
    const at = posFinder(doc, lines, file);
    for (const p of checkShape(doc.contents as Node, manifestShape)) {
      problems.push(new UserError(p.message, { pos: offsetPos(lines, file, p.offset), path: p.path, hint: p.hint }));
    }
    if (problems.length) return;
    const manifest = docToJs(doc, file) as Manifest;
    manifest.namespace ||= "default";
    for (const field of ["app", "env", "namespace"] as const) {
      const v = manifest[field];
      if (!dnsLabel.test(v) || v.length > 63) {
        problems.push(
          new UserError(`${JSON.stringify(v)} is not a valid name`, {
            pos: at([field]),
            path: field,
            hint: `use lowercase letters, digits and '-', at most 63 characters (e.g. ${JSON.stringify(sanitizeDNSName(v) || "my-" + field)})`,
          }),
        );
      }
    }
    const cleanup = cleanups[index];
    if (cleanup !== undefined && cleanup !== null) manifest.cleanup = resolveCleanup(cleanup, vars, file, opts.now);
    out.push({ manifest, file, index, posOf: at });
  });
  if (problems.length === 1) throw problems[0]!;
  if (problems.length > 1) throw new ValidationError(problems);
  if (out.length === 0) throw new UserError("no manifest found", { pos: { file }, hint: "the file is empty" });
  return out;
}

/**
 * The cleanup policy is templated on its own, later, with only BRANCH known; blank it out of the
 * text (spaces, newlines kept) so the main pass neither sees it nor shifts any position.
 */
function blankCleanup(text: string, docs: Document.Parsed[], cleanups: unknown[]): string {
  let out = text;
  for (const doc of docs) {
    const contents = doc.contents;
    if (!isMap(contents)) {
      cleanups.push(undefined);
      continue;
    }
    const pair = contents.items.find((p) => isScalar(p.key) && p.key.value === "cleanup");
    if (!pair) {
      cleanups.push(undefined);
      continue;
    }
    cleanups.push((pair.value as Node | null)?.toJS(doc, { maxAliasCount: 10 }) ?? null);
    const start = (pair.key as Node).range![0];
    const end = (pair.value as Node | null)?.range?.[1] ?? (pair.key as Node).range![1];
    out = out.slice(0, start) + out.slice(start, end).replace(/[^\n]/g, " ") + out.slice(end);
  }
  return out;
}

function resolveCleanup(raw: unknown, vars: Vars, file: string, now?: () => Date): CleanupPolicy {
  const data = { BRANCH: vars.BRANCH ?? "" };
  const resolve = (v: unknown) => (typeof v === "string" ? renderTemplate(v, data, { name: `${file} (cleanup)`, missingKey: "default", now }) : v);
  const c = raw as Record<string, unknown>;
  return { ...(c as unknown as CleanupPolicy), app: resolve(c.app) as string, ...(c.branch !== undefined ? { branch: resolve(c.branch) as string } : {}) };
}

function offsetPos(lines: LineCounter, file: string, offset: number): SourcePos {
  const p = lines.linePos(offset);
  return { file, line: p.line, column: p.col };
}

function posFinder(doc: Document.Parsed, lines: LineCounter, file: string) {
  return (path: readonly (string | number)[]): SourcePos => {
    // Walk up the path until a node exists: a missing key is reported at its parent.
    for (let n = path.length; n >= 0; n--) {
      const node = (n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true)) as Node | undefined;
      if (node?.range) return offsetPos(lines, file, node.range[0]);
    }
    return { file };
  };
}
