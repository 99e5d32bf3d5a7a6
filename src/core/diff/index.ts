/**
 * @module The diff a gitops write would make, as data: per file the unified text diff, per
 * Kubernetes object a summary line. Secret values are masked in both before anything is compared
 * as text, so no diff, summary or JSON field carries them.
 */
import { isPlainObject } from "../k8s.ts";
import { parseYamlAll, toMultiDocYaml } from "../yaml.ts";
import { isSecret, objectChanges, objectsByKey, type ObjectChange, type ObjectRef } from "./objects.ts";
import { unifiedDiff } from "./unified.ts";

export { unifiedDiff } from "./unified.ts";
export type { FieldChange, ObjectChange } from "./objects.ts";

export interface FileDiff {
  path: string;
  /** "added", "deleted" or "modified". */
  change: "added" | "deleted" | "modified";
  /** Unified diff of the masked texts. */
  diff: string;
}

export interface ChangeDiff {
  files: FileDiff[];
  summary: ObjectChange[];
  /** Every file's diff, in path order. */
  diff: string;
}

/** Files by repo path → text; a missing path does not exist on that side. */
export type Files = ReadonlyMap<string, string>;

const isYamlPath = (p: string) => /\.ya?ml$/i.test(p);

/** The diff from `before` to `after`; only paths whose text differs appear. */
export function diffFiles(before: Files, after: Files): ChangeDiff {
  const paths = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p)).sort();
  const docsA = parseSide(before);
  const docsB = parseSide(after);
  const secretsA = secretsOf(docsA);
  const secretsB = secretsOf(docsB);
  const files: FileDiff[] = [];
  for (const path of paths) {
    const a = before.has(path) ? masked(before.get(path)!, docsA.get(path), secretsB, "old") : undefined;
    const b = after.has(path) ? masked(after.get(path)!, docsB.get(path), secretsA, "new") : undefined;
    const change = a === undefined ? "added" : b === undefined ? "deleted" : "modified";
    // Texts equal once masked still differ underneath: a Secret value changed in place.
    files.push({ path, change, diff: unifiedDiff(path, a, b) || `--- a/${path}\n+++ b/${path}\n` });
  }
  const summary = objectChanges(allObjects(docsA, paths), allObjects(docsB, paths));
  return { files, summary, diff: files.map((f) => f.diff).join("") };
}

/** The summary lines, then the text diff: what the CLI prints. */
export function renderChangeDiff(d: ChangeDiff): string {
  if (d.files.length === 0) return "No changes.\n";
  const lines = d.summary.map((s) => `${s.text}\n`).join("");
  return `${lines}${lines ? "\n" : ""}${d.diff}`;
}

type Side = Map<string, unknown[] | "unparsable">;

function parseSide(files: Files): Side {
  const out: Side = new Map();
  for (const [path, text] of files) {
    if (!isYamlPath(path)) continue;
    try {
      out.set(
        path,
        parseYamlAll(text, path).filter((d) => d !== null && d !== undefined),
      );
    } catch {
      out.set(path, "unparsable");
    }
  }
  return out;
}

const secretKey = (o: Record<string, unknown>) => {
  const m = isPlainObject(o.metadata) ? o.metadata : {};
  return `${String(m.namespace ?? "")}/${String(m.name ?? "")}`;
};

function secretsOf(side: Side): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (const docs of side.values()) {
    if (docs === "unparsable") continue;
    for (const d of docs)
      if (isSecret(d)) out.set(secretKey(d as Record<string, unknown>), d as Record<string, unknown>);
  }
  return out;
}

/** The text with every Secret value replaced; whether a value changed stays visible. */
function masked(
  text: string,
  docs: unknown[] | "unparsable" | undefined,
  other: Map<string, Record<string, unknown>>,
  side: Label,
): string {
  if (docs === "unparsable")
    return /\bkind:\s*["']?Secret\b/.test(text) ? "# (not valid YAML and may hold a Secret: hidden)\n" : text;
  if (!docs?.some(isSecret)) return text;
  return toMultiDocYaml(
    docs.map((d) =>
      isSecret(d)
        ? maskSecret(d as Record<string, unknown>, other.get(secretKey(d as Record<string, unknown>)), side)
        : d,
    ),
  );
}

type Label = "old" | "new";

/** Equal values on both sides mask alike; a changed one reads `<masked: old value>` → `<masked: new value>`. */
function maskSecret(
  s: Record<string, unknown>,
  other: Record<string, unknown> | undefined,
  side: Label,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...s };
  for (const field of ["data", "stringData"]) {
    const values = s[field];
    if (!isPlainObject(values)) continue;
    const theirs = other && isPlainObject(other[field]) ? (other[field] as Record<string, unknown>) : {};
    out[field] = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [
        k,
        k in theirs && theirs[k] === v ? "<masked>" : `<masked: ${side} value>`,
      ]),
    );
  }
  return out;
}

function allObjects(side: Side, paths: string[]): Map<string, ObjectRef> {
  const docs: unknown[] = [];
  for (const p of paths) {
    const d = side.get(p);
    if (d && d !== "unparsable") docs.push(...d);
  }
  return objectsByKey(docs);
}
