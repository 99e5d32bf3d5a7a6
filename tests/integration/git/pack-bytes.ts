/** Hand-made packs for tests: the broken ones no git client would send. */
import { createHash } from "node:crypto";
import { deflateSync } from "node:zlib";

export type Entry =
  | { type: "commit" | "tree" | "blob" | "tag"; data: Uint8Array }
  | { type: "ofs-delta"; back: number; delta: Uint8Array }
  | { type: "ref-delta"; base: string; delta: Uint8Array };

const codes = { commit: 1, tree: 2, blob: 3, tag: 4, "ofs-delta": 6, "ref-delta": 7 } as const;

function header(type: number, size: number): number[] {
  const out: number[] = [];
  let b = (type << 4) | (size & 15);
  size = Math.floor(size / 16);
  while (size > 0) {
    out.push(b | 0x80);
    b = size & 0x7f;
    size = Math.floor(size / 128);
  }
  out.push(b);
  return out;
}

function ofs(back: number): number[] {
  const bytes = [back & 0x7f];
  back >>= 7;
  while (back) {
    back--;
    bytes.unshift(0x80 | (back & 0x7f));
    back >>= 7;
  }
  return bytes;
}

/** A pack of `entries`, with offsets of each (for OFS_DELTA `back` values) and a valid checksum. */
export function packOf(entries: Entry[]): { pack: Uint8Array; offsets: number[] } {
  const parts: number[] = [0x50, 0x41, 0x43, 0x4b, 0, 0, 0, 2, 0, 0, 0, entries.length];
  const offsets: number[] = [];
  for (const e of entries) {
    offsets.push(parts.length);
    const data = "data" in e ? e.data : e.delta;
    parts.push(...header(codes[e.type], data.length));
    if (e.type === "ofs-delta") parts.push(...ofs(e.back));
    if (e.type === "ref-delta") parts.push(...Buffer.from(e.base, "hex"));
    parts.push(...deflateSync(data));
  }
  const body = Uint8Array.from(parts);
  const sum = createHash("sha1").update(body).digest();
  const pack = new Uint8Array(body.length + 20);
  pack.set(body);
  pack.set(sum, body.length);
  return { pack, offsets };
}

export function oidOf(type: string, data: Uint8Array): string {
  return createHash("sha1").update(`${type} ${data.length}\0`).update(data).digest("hex");
}

export const text = (s: string) => new TextEncoder().encode(s);

/** A raw tree: entries written as given (no sorting, no checks). */
export function treeOf(entries: { mode: string; name: string; oid: string }[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const e of entries) parts.push(text(`${e.mode} ${e.name}\0`), Buffer.from(e.oid, "hex"));
  return Buffer.concat(parts);
}

export function commitOf(tree: string, parents: string[], msg = "m"): Uint8Array {
  const who = "t <t@t> 1700000000 +0000";
  return text(
    `tree ${tree}\n${parents.map((p) => `parent ${p}\n`).join("")}author ${who}\ncommitter ${who}\n\n${msg}\n`,
  );
}

/** A delta that rebuilds `size` bytes by one copy from the base at `offset`. */
export function copyDelta(baseSize: number, size: number, offset = 0): Uint8Array {
  const varint = (n: number) => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  return Uint8Array.from([...varint(baseSize), ...varint(size), 0x80 | 0x01 | 0x10, offset & 0xff, size & 0xff]);
}
