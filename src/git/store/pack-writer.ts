/** Writes a pack (version 2, undeltified objects) with the runtime's native zlib and SHA-1. */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";
import { concatBytes, hexToBytes } from "../../core/bytes.ts";
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

/**
 * The pack of `oids`, in the order given (git's order, commits first, is a good one), as a stream of
 * chunks of about `chunk` bytes: memory stays bounded by the object cache, whatever the size of the
 * clone. The SHA-1 trailer is computed as the bytes go out.
 */
export async function* packChunks(store: ObjectStore, oids: readonly string[], chunk = 65515): AsyncGenerator<Uint8Array> {
  const hash = createHash("sha1");
  let buf: Uint8Array[] = [];
  let size = 0;
  const flush = function* () {
    if (size === 0) return;
    const out = concatBytes(buf);
    buf = [];
    size = 0;
    hash.update(out);
    yield out;
  };
  const header = new Uint8Array(12);
  header.set([0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2]);
  new DataView(header.buffer).setUint32(8, oids.length);
  buf.push(header);
  size += 12;
  // A delta is reused only when its base already went out: some clients (isomorphic-git) resolve
  // REF_DELTA bases in one forward pass.
  const sent = new Set<string>();
  for (let i = 0; i < oids.length; i++) {
    // Reuse what the repository stores: compressed bytes as they are, and deltas (as REF_DELTA)
    // whose base is in this pack too. Only loose objects and deltas on outside bases are rebuilt.
    const s = store.stored(oids[i]!);
    let h: Uint8Array;
    let z: Uint8Array;
    if (s?.kind === "full") {
      h = entryHeader(typeCodes[s.type!], s.size);
      z = s.compressed;
    } else if (s?.kind === "delta" && sent.has(s.base!)) {
      h = concatBytes([entryHeader(7, s.size), hexToBytes(s.base!)]);
      z = s.compressed;
    } else {
      const o = store.read(oids[i]!);
      h = entryHeader(typeCodes[o.type], o.data.length);
      z = new Uint8Array(deflateSync(o.data, { level: packLevel }));
    }
    sent.add(oids[i]!);
    buf.push(h, z);
    size += h.length + z.length;
    if (size >= chunk) yield* flush();
    // Let the event loop breathe (other requests, the socket) on big packs.
    if (i % 512 === 511) await new Promise((r) => setTimeout(r, 0));
  }
  yield* flush();
  yield new Uint8Array(hash.digest());
}
