/**
 * A pack's `.idx` (version 2) parsed once, its `.pack` mapped: id → offset lookups, and the entries
 * in pack order for where an entry ends and which object an OFS_DELTA base is.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export interface Pack {
  /** Entry offsets in pack order, and the sha index of each, for entry ends and OFS_DELTA bases. */
  sorted?: Sorted;
  name: string;
  data: Uint8Array;
  fanout: Uint32Array;
  shas: Uint8Array;
  offsets: DataView;
  large: DataView | undefined;
  count: number;
}

/** Entry offsets in pack order and the index (.idx position) of each: typed arrays, 12 bytes an object. */
export interface Sorted {
  offsets: Float64Array;
  index: Uint32Array;
}

/** Native hex decoding: object lookups sit on every hot path of a clone. */
export const oidBytes = (oid: string): Uint8Array => Buffer.from(oid, "hex");

/** Where an entry is in a store: pack number × 2^40 + offset. */
export const packKey = (n: number, offset: number) => n * 2 ** 40 + offset;

const hexTable = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(b: Uint8Array, at = 0): string {
  let s = "";
  for (let i = at; i < at + 20; i++) s += hexTable[b[i]!];
  return s;
}

export function loadPack(dir: string, name: string): Pack {
  const idx = readFileSync(join(dir, `${name}.idx`));
  const dv = new DataView(idx.buffer, idx.byteOffset, idx.byteLength);
  if (dv.getUint32(0) !== 0xff744f63 || dv.getUint32(4) !== 2)
    throw new Error(`${name}.idx: unsupported index version`);
  const fanout = new Uint32Array(256);
  for (let i = 0; i < 256; i++) fanout[i] = dv.getUint32(8 + i * 4);
  const count = fanout[255]!;
  const shasAt = 8 + 1024;
  const offsetsAt = shasAt + count * 20 + count * 4;
  const largeAt = offsetsAt + count * 4;
  return {
    name,
    // Mapped, not read: the kernel pages it in as entries are used, and can drop it again.
    data: Bun.mmap(join(dir, `${name}.pack`)),
    fanout,
    shas: new Uint8Array(idx.buffer, idx.byteOffset + shasAt, count * 20),
    offsets: new DataView(idx.buffer, idx.byteOffset + offsetsAt, count * 4),
    large:
      idx.byteLength - 20 * 2 > largeAt
        ? new DataView(idx.buffer, idx.byteOffset + largeAt, idx.byteLength - 40 - largeAt)
        : undefined,
    count,
  };
}

export function findOffset(p: Pack, sha: Uint8Array): number | undefined {
  let lo = sha[0]! === 0 ? 0 : p.fanout[sha[0]! - 1]!;
  let hi = p.fanout[sha[0]!]!;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    let c = 0;
    for (let i = 0; i < 20 && c === 0; i++) c = p.shas[mid * 20 + i]! - sha[i]!;
    if (c === 0) {
      const off = p.offsets.getUint32(mid * 4);
      if (off & 0x80000000) return Number(p.large!.getBigUint64((off & 0x7fffffff) * 8));
      return off;
    }
    if (c < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

export function sortedOffsets(p: Pack): Sorted {
  if (p.sorted) return p.sorted;
  const offsets = new Float64Array(p.count);
  const index = new Uint32Array(p.count);
  for (let i = 0; i < p.count; i++) {
    const off = p.offsets.getUint32(i * 4);
    offsets[i] = off & 0x80000000 ? Number(p.large!.getBigUint64((off & 0x7fffffff) * 8)) : off;
    index[i] = i;
  }
  // Offset and index in one number, sorted natively, while both fit in 53 bits; else a comparator.
  if (p.count < 2 ** 21 && offsets.every((o) => o < 2 ** 32)) {
    const keys = offsets.map((o, i) => o * 2 ** 21 + i).sort();
    for (let k = 0; k < keys.length; k++) {
      index[k] = keys[k]! % 2 ** 21;
      offsets[k] = Math.floor(keys[k]! / 2 ** 21);
    }
  } else {
    const byOffset = Array.from(index).sort((a, b) => offsets[a]! - offsets[b]!);
    const sortedOffs = Float64Array.from(byOffset, (i) => offsets[i]!);
    offsets.set(sortedOffs);
    index.set(byOffset);
  }
  p.sorted = { offsets, index };
  return p.sorted;
}

/** Position of `offset` in the sorted offsets (the last one at or before it). */
export function positionOf(s: Sorted, offset: number): number {
  let lo = 0;
  let hi = s.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (s.offsets[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
