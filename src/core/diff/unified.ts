/**
 * Unified diff text (as `git diff` prints it) of one file. The longest common subsequence is
 * node-diff3's (already core's 3-way merge library); only the hunk layout is done here.
 */
import { diffIndices } from "node-diff3";

/** Lines of a text, each without its newline; `noEol` when the last line has none. */
function linesOf(text: string): { lines: string[]; noEol: boolean } {
  if (text === "") return { lines: [], noEol: false };
  const noEol = !text.endsWith("\n");
  const lines = (noEol ? text : text.slice(0, -1)).split("\n");
  return { lines, noEol };
}

interface Change {
  /** Start and length of the changed run in the old and the new lines. */
  a: [number, number];
  b: [number, number];
}

/**
 * The unified diff of `path` from `before` to `after` (undefined: the file does not exist on that
 * side); "" when equal. `context` lines surround each change, as `diff -U`.
 */
export function unifiedDiff(path: string, before: string | undefined, after: string | undefined, context = 3): string {
  if (before === after) return "";
  const a = linesOf(before ?? "");
  const b = linesOf(after ?? "");
  // A missing final newline makes the last line differ, as in git.
  const keyA = a.lines.map((l, i) => (a.noEol && i === a.lines.length - 1 ? `${l}\u0000noeol` : l));
  const keyB = b.lines.map((l, i) => (b.noEol && i === b.lines.length - 1 ? `${l}\u0000noeol` : l));
  const changes: Change[] = diffIndices(keyA, keyB).map((d) => ({ a: d.buffer1, b: d.buffer2 }));
  const head = `--- ${before === undefined ? "/dev/null" : `a/${path}`}\n+++ ${after === undefined ? "/dev/null" : `b/${path}`}\n`;
  if (changes.length === 0) return "";
  let out = head;
  let i = 0;
  while (i < changes.length) {
    // Changes closer than 2×context share a hunk.
    let j = i;
    while (j + 1 < changes.length && changes[j + 1]!.a[0] - (changes[j]!.a[0] + changes[j]!.a[1]) <= 2 * context) j++;
    const first = changes[i]!;
    const last = changes[j]!;
    const startA = Math.max(0, first.a[0] - context);
    const startB = first.b[0] - (first.a[0] - startA);
    const endA = Math.min(a.lines.length, last.a[0] + last.a[1] + context);
    const endB = last.b[0] + last.b[1] + (endA - (last.a[0] + last.a[1]));
    const lenA = endA - startA;
    const lenB = endB - startB;
    out += `@@ -${lenA === 0 ? startA : startA + 1}${lenA === 1 ? "" : `,${lenA}`} +${lenB === 0 ? startB : startB + 1}${lenB === 1 ? "" : `,${lenB}`} @@\n`;
    let pa = startA;
    const emit = (sign: string, side: typeof a, idx: number) => {
      out += `${sign}${side.lines[idx]}\n`;
      if (side.noEol && idx === side.lines.length - 1) out += "\\ No newline at end of file\n";
    };
    for (let k = i; k <= j; k++) {
      const c = changes[k]!;
      for (; pa < c.a[0]; pa++) emit(" ", a, pa);
      for (let x = c.a[0]; x < c.a[0] + c.a[1]; x++) emit("-", a, x);
      for (let x = c.b[0]; x < c.b[0] + c.b[1]; x++) emit("+", b, x);
      pa = c.a[0] + c.a[1];
    }
    for (; pa < endA; pa++) emit(" ", a, pa);
    i = j + 1;
  }
  return out;
}
