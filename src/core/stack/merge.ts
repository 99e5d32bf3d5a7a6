/**
 * Planning a regenerate as a 3-way merge, per file: the user's file on disk ("ours"), what the
 * previous generation wrote (the base, rendered again from `.stack/old`) and what this generation
 * renders ("theirs"). Where only one side changed a region, that side wins; where both changed
 * the same lines differently, it is a conflict, reported with both sides. Labels are the
 * original's: "Your custom settings" / "From stack generate".
 *
 * The merge itself is node-diff3's (Khanna–Kunal–Pierce diff3 over lines).
 */
import { diff3Merge } from "node-diff3";
import type { StackFiles } from "./render.ts";

export const oursLabel = "Your custom settings";
export const theirsLabel = "From stack generate";

export interface ConflictHunk {
  /** 1-based line in the user's file where the conflicting region starts. */
  line: number;
  ours: string;
  base: string;
  theirs: string;
}

export type FileAction =
  /** Nothing to do: the file already has the right content (or stays deleted). */
  | { path: string; action: "unchanged" }
  | { path: string; action: "write"; content: string; reason: "new" | "merged" | "regenerated" | "recreated" }
  | { path: string; action: "delete" }
  /** The user's version stays as it is, and why. */
  | { path: string; action: "keep"; reason: "edited-not-generated" | "deleted-by-user" | "no-baseline" }
  /** Both sides changed the same lines; `content` carries conflict markers. */
  | { path: string; action: "conflict"; content: string; hunks: ConflictHunk[] };

export interface RegeneratePlan {
  files: FileAction[];
  conflicts: Extract<FileAction, { action: "conflict" }>[];
  /** Files that would change on disk (writes, deletes, conflicts). */
  changes: number;
}

export interface RegenerateInput {
  /** The previous generation; undefined when there is no `.stack/old` (the original then kept every file as it is). */
  previous: StackFiles | undefined;
  next: StackFiles;
  /** path → the file on disk, for every path of `previous` and `next` (undefined when absent). */
  current: Record<string, string | undefined>;
}

/** Lines with their line ends, so a merge keeps `\r\n` and a missing final newline as they were. */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const endLine = (s: string) => (s === "" || s.endsWith("\n") ? s : `${s}\n`);

export interface MergeResult {
  content: string;
  hunks: ConflictHunk[];
}

/** Merges one file; `content` has conflict markers where `hunks` are. */
export function merge3(ours: string, base: string, theirs: string): MergeResult {
  const regions = diff3Merge(splitLines(ours), splitLines(base), splitLines(theirs), { excludeFalseConflicts: true });
  let content = "";
  const hunks: ConflictHunk[] = [];
  for (const r of regions) {
    if (r.ok) content += r.ok.join("");
    else if (r.conflict) {
      const c = r.conflict;
      const o = c.a.join("");
      const t = c.b.join("");
      hunks.push({ line: c.aIndex + 1, ours: o, base: c.o.join(""), theirs: t });
      content += `<<<<<<< ${oursLabel}\n${endLine(o)}=======\n${endLine(t)}>>>>>>> ${theirsLabel}\n`;
    }
  }
  return { content, hunks };
}

function planOne(
  path: string,
  previous: StackFiles | undefined,
  next: string | undefined,
  current: string | undefined,
): FileAction {
  const base = previous?.[path];
  if (next === undefined) {
    if (current === undefined) return { path, action: "unchanged" };
    if (base === undefined) return { path, action: "unchanged" }; // never ours: not generated before either
    return current === base ? { path, action: "delete" } : { path, action: "keep", reason: "edited-not-generated" };
  }
  if (current === next) return { path, action: "unchanged" };
  if (current === undefined) {
    // Removed by hand and the stack did not change it since: the removal is the user's edit.
    if (base !== undefined && base === next) return { path, action: "keep", reason: "deleted-by-user" };
    return { path, action: "write", content: next, reason: base === undefined ? "new" : "recreated" };
  }
  if (previous === undefined) return { path, action: "keep", reason: "no-baseline" };
  if (current === base) return { path, action: "write", content: next, reason: "regenerated" };
  const m = merge3(current, base ?? "", next);
  if (m.hunks.length) return { path, action: "conflict", content: m.content, hunks: m.hunks };
  return m.content === current
    ? { path, action: "unchanged" }
    : { path, action: "write", content: m.content, reason: "merged" };
}

/** Decides, for every file generated before or now, what a regenerate does with it. */
export function planRegenerate(input: RegenerateInput): RegeneratePlan {
  const paths = [...new Set([...Object.keys(input.previous ?? {}), ...Object.keys(input.next)])].sort();
  const files = paths.map((p) => planOne(p, input.previous, input.next[p], input.current[p]));
  const conflicts = files.filter((f): f is Extract<FileAction, { action: "conflict" }> => f.action === "conflict");
  const changes = files.filter((f) => f.action === "write" || f.action === "delete" || f.action === "conflict").length;
  return { files, conflicts, changes };
}
