/** Decoding one pack entry: its header, its zlib stream, and git's delta format. */
import { inflateSync } from "node:zlib";
import { bytesToHex } from "./pack-index.ts";
import type { ObjectType } from "./objects.ts";

export const typeNames: Record<number, ObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };

/**
 * One zlib stream. The repository's own packs were checked when they arrived, so their entries are
 * inflated in one native call; an untrusted pack (a push in quarantine) is capped at the size its
 * header states, so a small entry cannot inflate into gigabytes.
 */
export function inflate(z: Uint8Array, size: number, trusted: boolean): Uint8Array {
  if (trusted) {
    // The input is the rest of the pack: hand over only what a stream of `size` bytes can take
    // (zlib's deflateBound, with room for other encoders), else the whole rest is copied per call.
    const bound = Math.min(z.length, size + (size >>> 2) + 64);
    try {
      return Bun.inflateSync(
        z.subarray(0, bound) as Uint8Array<ArrayBuffer>,
        { windowBits: 15 } as Parameters<typeof Bun.inflateSync>[1],
      );
    } catch {
      return Bun.inflateSync(z as Uint8Array<ArrayBuffer>, { windowBits: 15 } as Parameters<typeof Bun.inflateSync>[1]);
    }
  }
  return new Uint8Array(inflateSync(z, { maxOutputLength: Math.max(size, 1) }));
}

export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
  let i = 0;
  const varint = () => {
    let v = 0;
    let shift = 0;
    let b: number;
    do {
      b = delta[i++]!;
      v += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    return v;
  };
  // A corrupt delta (a pushed pack is untrusted) must fail here, never yield a wrong object.
  if (varint() !== base.length) throw new Error("delta base size mismatch");
  const out = new Uint8Array(varint());
  let o = 0;
  while (i < delta.length) {
    const op = delta[i++]!;
    if (op & 0x80) {
      let off = 0;
      let size = 0;
      for (let k = 0; k < 4; k++) if (op & (1 << k)) off |= delta[i++]! << (8 * k);
      for (let k = 0; k < 3; k++) if (op & (0x10 << k)) size |= delta[i++]! << (8 * k);
      if (size === 0) size = 0x10000;
      off >>>= 0;
      if (i > delta.length || off + size > base.length || o + size > out.length)
        throw new Error("delta copy out of range");
      out.set(base.subarray(off, off + size), o);
      o += size;
    } else {
      if (op === 0 || i + op > delta.length || o + op > out.length) throw new Error("delta insert out of range");
      out.set(delta.subarray(i, i + op), o);
      i += op;
      o += op;
    }
  }
  if (o !== out.length) throw new Error("delta result size mismatch");
  return out;
}

/**
 * The header of the pack entry at `offset`: its type, uncompressed size, where its data starts,
 * and for deltas where the base is (an offset back for OFS_DELTA, an oid for REF_DELTA).
 */
export function entryHeaderAt(
  d: Uint8Array,
  offset: number,
): { type: number; size: number; data: number; back?: number; baseOid?: string } {
  let i = offset;
  let b = d[i++]!;
  const type = (b >> 4) & 7;
  let size = b & 15;
  let shift = 4;
  while (b & 0x80) {
    b = d[i++]!;
    size += (b & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type === 6) {
    b = d[i++]!;
    let back = b & 0x7f;
    while (b & 0x80) {
      b = d[i++]!;
      back = (back + 1) * 128 + (b & 0x7f);
    }
    return { type, size, data: i, back };
  }
  if (type === 7) return { type, size, data: i + 20, baseOid: bytesToHex(d, i) };
  return { type, size, data: i };
}
