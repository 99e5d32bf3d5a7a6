/**
 * The objects of a tree that are new relative to an older version of it. A full clone walks one
 * root tree per commit; consecutive versions share almost every entry, and looking each shared
 * entry up by hex id cost seconds on 10,000 commits. Entries whose bytes match the older tree are
 * skipped by a byte comparison, without making an id string or touching a set. Only that exact
 * match skips anything: a misjudged name order merely walks an entry in full.
 */
import type { ObjectReader } from "../store/objects.ts";
import type { Budget } from "./limits.ts";

const TREE = 0x34; // mode "40000"

const isGitlink = (d: Uint8Array, at: number) => d[at] === 0x31 && d[at + 1] === 0x36; // "160000"

function hexAt(d: Uint8Array, at: number): string {
  return Buffer.from(d.buffer, d.byteOffset + at, 20).toString("hex");
}

/** git's order of two tree entry names (a tree's name sorts as if it ended in "/"). */
function compareNames(a: Uint8Array, as: number, ae: number, aTree: boolean, b: Uint8Array, bs: number, be: number, bTree: boolean): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = a[as + k]! - b[bs + k]!;
    if (d) return d;
  }
  const ca = ae - as > n ? a[as + n]! : aTree ? 0x2f : 0;
  const cb = be - bs > n ? b[bs + n]! : bTree ? 0x2f : 0;
  return ca - cb;
}

export interface WalkSets {
  /** Objects the client has (never sent). */
  skip: Set<string>;
  /** Objects going out; a tree in here has all its objects in out ∪ skip. */
  out: Set<string>;
}

/** Whether everything under `tree` is already in `out` ∪ `skip` (trees are added only once walked). */
const covered = (s: WalkSets, tree: string) => s.out.has(tree) || s.skip.has(tree);

/** Every tree and blob under `tree` not in `skip`, added to `out`. Gitlinks are skipped. */
export function addTree(repo: ObjectReader, tree: string, s: WalkSets, budget?: Budget): void {
  addTreeSince(repo, tree, undefined, s, budget);
}

/**
 * Like addTree, but `base` (an older version of the same path, already covered) lets the walk
 * descend only into entries that differ from it.
 */
export function addTreeSince(repo: ObjectReader, tree: string, base: string | undefined, s: WalkSets, budget?: Budget): void {
  if (covered(s, tree)) return;
  const a = repo.read(tree).data;
  const b = base !== undefined && covered(s, base) ? repo.read(base).data : new Uint8Array(0);
  s.out.add(tree);
  budget?.tick();
  let i = 0;
  let j = 0;
  while (i < a.length) {
    // Fast path: the same mode and name at both cursors (the common case), compared in place.
    let p = i;
    let q = j;
    if (j < b.length) {
      while (a[p] === b[q] && a[p] !== 0 && p < a.length) {
        p++;
        q++;
      }
    }
    if (j < b.length && a[p] === 0 && b[q] === 0) {
      let same = true;
      for (let t = 1; t <= 20; t++) {
        if (a[p + t] !== b[q + t]) {
          same = false;
          break;
        }
      }
      if (!same) visit(repo, a, i, p, b, j, q, s, budget);
      i = p + 21;
      j = q + 21;
      continue;
    }
    // Slow path: different names (an entry added or removed) or a changed mode.
    const sp = a.indexOf(0x20, i);
    const nul = a.indexOf(0, sp);
    if (j >= b.length) {
      visit(repo, a, i, nul, b, -1, -1, s, budget);
      i = nul + 21;
      continue;
    }
    const bsp = b.indexOf(0x20, j);
    const bnul = b.indexOf(0, bsp);
    const c = compareNames(a, sp + 1, nul, a[i] === TREE, b, bsp + 1, bnul, b[j] === TREE);
    if (c > 0) {
      j = bnul + 21; // removed in the new version
      continue;
    }
    visit(repo, a, i, nul, b, c === 0 ? j : -1, bnul, s, budget);
    i = nul + 21;
    if (c === 0) j = bnul + 21;
  }
}

/** The entry of `a` at `i` (its NUL at `nul`); `j`/`bnul` the older entry of the same name, or -1. */
function visit(repo: ObjectReader, a: Uint8Array, i: number, nul: number, b: Uint8Array, j: number, bnul: number, s: WalkSets, budget?: Budget): void {
  if (isGitlink(a, i)) return;
  const oid = hexAt(a, nul + 1);
  if (covered(s, oid)) return;
  if (a[i] !== TREE) s.out.add(oid);
  else addTreeSince(repo, oid, j >= 0 && b[j] === TREE ? hexAt(b, bnul + 1) : undefined, s, budget);
}
