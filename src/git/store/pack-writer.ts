/** Writes a pack (version 2, undeltified objects) with the runtime's native zlib and SHA-1. */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { concatBytes } from "../../core/bytes.ts";
import type { ObjectStore } from "./objects.ts";

/** Fast compression: on the wire between gimlet and Flux, CPU matters more than bytes. */
const packLevel = Number(process.env.GIMLET_PACK_LEVEL ?? 1);

const typeCodes = { commit: 1, tree: 2, blob: 3, tag: 4 } as const;

function entryHeader(type: number, size: number): Uint8Array {
  const bytes: number[] = [];
  let b = (type << 4) | (size & 15);
  size = Math.floor(size / 16);
  while (size > 0) {
    bytes.push(b | 0x80);
    b = size & 0x7f;
    size = Math.floor(size / 128);
  }
  bytes.push(b);
  return Uint8Array.from(bytes);
}

export interface PackOptions {
  /** The client reads OFS_DELTA (its `ofs-delta` capability): deltas name their base by offset. */
  ofsDelta?: boolean;
  /** Bytes per chunk yielded (side-band-64k carries at most 65515 per packet). */
  chunk?: number;
}

function ofsBack(back: number): Uint8Array {
  const bytes = [back & 0x7f];
  while ((back = Math.floor(back / 128)) > 0) bytes.unshift(0x80 | (--back & 0x7f));
  return Uint8Array.from(bytes);
}

/**
 * The pack of `oids`, in the order given (git's order, commits first, is a good one), as a stream of
 * chunks of `chunk` bytes: memory stays bounded by the object cache, whatever the size of the
 * clone. The SHA-1 trailer is computed as the bytes go out.
 */
export async function* packChunks(
  store: ObjectStore,
  oids: readonly string[],
  opts: PackOptions = {},
): AsyncGenerator<Uint8Array> {
  const chunk = opts.chunk ?? 65515;
  const hash = createHash("sha1");
  let buf = new Uint8Array(chunk);
  let fill = 0;
  let written = 0;
  /** Copies `b` into the current chunk; returns the chunks that filled up. */
  const put = (b: Uint8Array, full: Uint8Array[]) => {
    written += b.length;
    for (let at = 0; at < b.length; ) {
      const n = Math.min(chunk - fill, b.length - at);
      buf.set(b.subarray(at, at + n), fill);
      fill += n;
      at += n;
      if (fill === chunk) {
        hash.update(buf);
        full.push(buf);
        buf = new Uint8Array(chunk);
        fill = 0;
      }
    }
  };
  const header = new Uint8Array(12);
  header.set([0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2]);
  new DataView(header.buffer).setUint32(8, oids.length);
  const full: Uint8Array[] = [];
  put(header, full);
  // Where each stored entry went in this pack, by its place in the store. A delta is reused only
  // when its base already went out: some clients (isomorphic-git) resolve bases in one forward pass.
  const sentAt = new Map<number, number>();
  for (let i = 0; i < oids.length; i++) {
    // Reuse what the repository stores: compressed bytes as they are, and deltas whose base is in
    // this pack too. Only loose objects and deltas on bases the client has are rebuilt.
    const s = store.stored(oids[i]!);
    const start = written;
    const baseOut = s?.kind === "delta" && s.baseAt !== undefined ? sentAt.get(s.baseAt) : undefined;
    if (s?.kind === "full") {
      put(entryHeader(typeCodes[s.type!], s.size), full);
      put(s.compressed, full);
    } else if (s && baseOut !== undefined) {
      if (opts.ofsDelta) {
        put(entryHeader(6, s.size), full);
        put(ofsBack(start - baseOut), full);
      } else {
        put(entryHeader(7, s.size), full);
        put(s.baseSha!, full);
      }
      put(s.compressed, full);
    } else {
      const o = store.read(oids[i]!);
      put(entryHeader(typeCodes[o.type], o.data.length), full);
      put(new Uint8Array(deflateSync(o.data, { level: packLevel })), full);
    }
    if (s) sentAt.set(s.at, start);
    if (full.length) {
      yield* full;
      full.length = 0;
    }
    // Let the event loop breathe (other requests, the socket) when many entries are rebuilt.
    if (i % 512 === 511) await new Promise((r) => setImmediate(r));
  }
  const last = buf.subarray(0, fill);
  hash.update(last);
  yield concatBytes([last, new Uint8Array(hash.digest())]);
}
