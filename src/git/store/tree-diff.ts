/**
 * The entries that differ between two raw tree objects, found by comparing bytes. Consecutive
 * versions of a big tree share almost every entry; decoding every name and id of both (a Map per
 * tree) was most of the time of a full clone and of a cold history index. Here a shared entry costs
 * a byte comparison, and only the differing ones are reported, as positions in the raw trees.
 */

const TREE = 0x34; // mode "40000"
const empty = new Uint8Array(0);

/** Is the entry starting at `at` a tree? */
export const isTreeEntry = (d: Uint8Array, at: number) => d[at] === TREE;

/** Is the entry starting at `at` a gitlink (a submodule commit, mode 160000)? */
export const isGitlinkEntry = (d: Uint8Array, at: number) => d[at] === 0x31 && d[at + 1] === 0x36;

/** The id of the entry whose name ends at `nul`, as hex. */
export function entryOid(d: Uint8Array, nul: number): string {
  return Buffer.from(d.buffer, d.byteOffset + nul + 1, 20).toString("hex");
}

const dec = new TextDecoder();

/** The name of the entry at `at` (its NUL at `nul`). */
export function entryName(d: Uint8Array, at: number, nul: number): string {
  return dec.decode(d.subarray(d.indexOf(0x20, at) + 1, nul));
}

/** git's order of two entry names (a tree's name sorts as if it ended in "/"). */
function compareNames(
  a: Uint8Array,
  as: number,
  ae: number,
  aTree: boolean,
  b: Uint8Array,
  bs: number,
  be: number,
  bTree: boolean,
): number {
  const n = Math.min(ae - as, be - bs);
  for (let k = 0; k < n; k++) {
    const d = a[as + k]! - b[bs + k]!;
    if (d) return d;
  }
  const ca = ae - as > n ? a[as + n]! : aTree ? 0x2f : 0;
  const cb = be - bs > n ? b[bs + n]! : bTree ? 0x2f : 0;
  return ca - cb;
}

/**
 * Calls `changed` for each entry of `after` not byte-identical in `before` (added, or changed in
 * id or mode: `bj` is then the old entry of that name, else -1) and for each entry of `before` gone
 * from `after` (`ai` = -1). Positions are entry starts; `anul`/`bnul` where their names end.
 * Only an exact byte match counts as unchanged, so a misjudged order can only report too much.
 */
export function diffTrees(
  after: Uint8Array | undefined,
  before: Uint8Array | undefined,
  changed: (ai: number, anul: number, bj: number, bnul: number) => void,
): void {
  const a = after ?? empty;
  const b = before ?? empty;
  const A = Buffer.from(a.buffer, a.byteOffset, a.length);
  const B = Buffer.from(b.buffer, b.byteOffset, b.length);
  let i = 0;
  let j = 0;
  while (i < a.length) {
    if (j >= b.length) {
      const nul = a.indexOf(0, i);
      changed(i, nul, -1, -1);
      i = nul + 21;
      continue;
    }
    // Long identical runs (most of a big tree) are found natively, then stepped over one NUL
    // search per entry: from matching entry starts, equal bytes are equal entries.
    if (a.length - i > 512 && b.length - j > 512) {
      const stop = i + commonRun(A, i, B, j);
      for (;;) {
        const end = A.indexOf(0, i) + 21;
        if (end <= i || end > stop) break;
        j += end - i;
        i = end;
        if (i >= a.length) break;
      }
      if (i >= a.length || j >= b.length) continue;
    }
    // Fast path: the same mode and name at both cursors (the common case), compared in place.
    let p = i;
    let q = j;
    while (a[p] === b[q] && a[p] !== 0 && p < a.length) {
      p++;
      q++;
    }
    if (a[p] === 0 && b[q] === 0) {
      for (let t = 1; t <= 20; t++) {
        if (a[p + t] !== b[q + t]) {
          changed(i, p, j, q);
          break;
        }
      }
      i = p + 21;
      j = q + 21;
      continue;
    }
    // Slow path: different names (an entry added or removed) or a changed mode.
    const nul = a.indexOf(0, i);
    const bnul = b.indexOf(0, j);
    const c = compareNames(
      a,
      a.indexOf(0x20, i) + 1,
      nul,
      isTreeEntry(a, i),
      b,
      b.indexOf(0x20, j) + 1,
      bnul,
      isTreeEntry(b, j),
    );
    if (c > 0) {
      changed(-1, -1, j, bnul);
      j = bnul + 21;
    } else if (c < 0) {
      changed(i, nul, -1, -1);
      i = nul + 21;
    } else {
      changed(i, nul, j, bnul);
      i = nul + 21;
      j = bnul + 21;
    }
  }
  while (j < b.length) {
    const bnul = b.indexOf(0, j);
    changed(-1, -1, j, bnul);
    j = bnul + 21;
  }
}

/** How many bytes from `i` in A equal those from `j` in B (native comparisons, binary search). */
function commonRun(A: Buffer, i: number, B: Buffer, j: number): number {
  let lo = 0;
  let hi = Math.min(A.length - i, B.length - j);
  if (B.compare(A, i, i + hi, j, j + hi) === 0) return hi;
  // Invariant: the first `lo` bytes match, the first `hi` do not.
  while (hi - lo > 64) {
    const mid = (lo + hi) >>> 1;
    if (B.compare(A, i, i + mid, j, j + mid) === 0) lo = mid;
    else hi = mid;
  }
  while (lo < hi && A[i + lo] === B[j + lo]) lo++;
  return lo;
}

/** The entry named `name` in a raw tree: its start and where its name ends, or undefined. */
export function findEntry(d: Uint8Array, name: string): { at: number; nul: number } | undefined {
  const want = Buffer.from(name);
  let i = 0;
  while (i < d.length) {
    const sp = d.indexOf(0x20, i);
    const nul = d.indexOf(0, sp);
    if (nul - sp - 1 === want.length) {
      let k = 0;
      while (k < want.length && d[sp + 1 + k] === want[k]) k++;
      if (k === want.length) return { at: i, nul };
    }
    i = nul + 21;
  }
  return undefined;
}
