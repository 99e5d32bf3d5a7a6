/**
 * diffTrees against the obvious diff (every entry decoded into a map), on raw trees big enough for
 * its native long-run skipping, with random additions, removals, id and mode changes.
 */
import { expect, test } from "bun:test";
import { diffTrees, entryName, entryOid, findEntry } from "./tree-diff.ts";

interface E {
  mode: string;
  name: string;
  oid: string;
}

/** A raw tree in git's order (a tree's name sorts as if it ended in "/"). */
function raw(entries: E[]): Uint8Array {
  const key = (e: E) => (e.mode === "40000" ? `${e.name}/` : e.name);
  const sorted = [...entries].sort((x, y) => Buffer.compare(Buffer.from(key(x)), Buffer.from(key(y))));
  return Buffer.concat(sorted.flatMap((e) => [Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, "hex")]));
}

let seed = 7;
const rand = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const oid = () => Array.from({ length: 20 }, () => rand(256).toString(16).padStart(2, "0")).join("");
const mode = () => ["100644", "100755", "40000"][rand(3)]!;

function naive(after: E[], before: E[]): string[] {
  const a = new Map(after.map((e) => [e.name, e]));
  const b = new Map(before.map((e) => [e.name, e]));
  const out: string[] = [];
  for (const [name, e] of a) {
    const o = b.get(name);
    if (!o) out.push(`+${name}`);
    else if (o.oid !== e.oid || o.mode !== e.mode) out.push(`~${name}`);
  }
  for (const name of b.keys()) if (!a.has(name)) out.push(`-${name}`);
  return out.sort();
}

function ours(after: E[], before: E[]): string[] {
  const [a, b] = [raw(after), raw(before)];
  const out: string[] = [];
  diffTrees(a, b, (ai, anul, bj, bnul) => {
    if (ai < 0) out.push(`-${entryName(b, bj, bnul)}`);
    else if (bj < 0) out.push(`+${entryName(a, ai, anul)}`);
    else {
      expect(entryName(a, ai, anul)).toBe(entryName(b, bj, bnul));
      out.push(`~${entryName(a, ai, anul)}`);
    }
  });
  return out.sort();
}

test("big trees: the same changes as a decoded diff, whatever mix of edits", () => {
  for (let round = 0; round < 200; round++) {
    // Names that collide in git's order: "a", "a-", "a.b", "a/" (tree), "a0".
    const before: E[] = [];
    const names = new Set<string>();
    const size = 20 + rand(400);
    while (names.size < size) names.add(["a", "a-", "a.b", "a0", `app-${rand(5000)}`, `x${rand(100)}`][rand(6)]!);
    for (const name of names) before.push({ mode: mode(), name, oid: oid() });
    const after = before.map((e) => ({ ...e }));
    for (let k = rand(6); k > 0; k--) {
      const at = rand(after.length);
      const kind = rand(4);
      if (kind === 0) after.splice(at, 1);
      else if (kind === 1) after[at]!.oid = oid();
      else if (kind === 2) after[at]!.mode = after[at]!.mode === "40000" ? "100644" : "40000";
      else if (!after.some((e) => e.name === `new-${at}`)) after.push({ mode: mode(), name: `new-${at}`, oid: oid() });
    }
    expect(ours(after, before)).toEqual(naive(after, before));
    expect(ours(before, after)).toEqual(naive(before, after));
    expect(ours(after, after)).toEqual([]);
    expect(ours(after, [])).toEqual(naive(after, []));
  }
  // 200 rounds take ~1.3 s alone; bun's default 5 s is too tight on a loaded 2-core machine.
}, 30_000);

test("findEntry finds each entry by name, and nothing for a prefix of one", () => {
  const entries: E[] = Array.from({ length: 300 }, (_, i) => ({
    mode: i % 2 ? "40000" : "100644",
    name: `app-${i}`,
    oid: oid(),
  }));
  const t = raw(entries);
  for (const e of entries) {
    const at = findEntry(t, e.name)!;
    expect(entryOid(t, at.nul)).toBe(e.oid);
  }
  expect(findEntry(t, "app-")).toBeUndefined();
  expect(findEntry(t, "app-3000")).toBeUndefined();
});
