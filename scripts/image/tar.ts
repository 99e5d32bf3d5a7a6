/**
 * A reproducible tar writer: ustar entries in the order given (the caller sorts), owners and
 * times as set on each entry and nothing taken from the host, so one input gives one digest.
 */

export type TarEntry =
  | { type: "dir"; path: string; mode: number; uid?: number; gid?: number }
  | { type: "file"; path: string; mode: number; data: Uint8Array; uid?: number; gid?: number }
  | { type: "symlink"; path: string; target: string };

const enc = new TextEncoder();

function put(h: Uint8Array, offset: number, len: number, s: string, what: string): void {
  const b = enc.encode(s);
  if (b.length > len) throw new Error(`tar: ${what} ${JSON.stringify(s)} is longer than ${len} bytes`);
  h.set(b, offset);
}

function octal(h: Uint8Array, offset: number, len: number, n: number): void {
  // len-1 octal digits and a NUL, as GNU tar writes them.
  put(h, offset, len, n.toString(8).padStart(len - 1, "0") + "\0", "number");
}

function header(e: TarEntry, size: number, mtime: number): Uint8Array {
  const h = new Uint8Array(512);
  const name = e.type === "dir" ? `${e.path}/` : e.path;
  // ustar splits long names into prefix + name; the image's paths are all short.
  put(h, 0, 100, name, "path");
  octal(h, 100, 8, e.type === "symlink" ? 0o777 : e.mode);
  octal(h, 108, 8, e.type === "symlink" ? 0 : (e.uid ?? 0));
  octal(h, 116, 8, e.type === "symlink" ? 0 : (e.gid ?? 0));
  octal(h, 124, 12, size);
  octal(h, 136, 12, mtime);
  h.fill(0x20, 148, 156);
  h[156] = (e.type === "file" ? "0" : e.type === "dir" ? "5" : "2").charCodeAt(0);
  if (e.type === "symlink") put(h, 157, 100, e.target, "link target");
  put(h, 257, 8, "ustar\u000000", "magic");
  let sum = 0;
  for (const b of h) sum += b;
  put(h, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ", "checksum");
  return h;
}

/** The archive's bytes; every entry gets `mtime` (seconds since the epoch). */
export function tar(entries: TarEntry[], mtime: number): Uint8Array {
  const seen = new Set<string>();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (const e of entries) {
    if (e.path.startsWith("/") || e.path.endsWith("/") || seen.has(e.path)) {
      throw new Error(`tar: bad or duplicate path ${JSON.stringify(e.path)}`);
    }
    seen.add(e.path);
    const data = e.type === "file" ? e.data : new Uint8Array(0);
    const padded = Math.ceil(data.length / 512) * 512;
    parts.push(header(e, data.length, mtime), data, new Uint8Array(padded - data.length));
    total += 512 + padded;
  }
  parts.push(new Uint8Array(1024));
  total += 1024;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Sorted by path, parents before children (a directory's path is a prefix of its entries'). */
export function sortEntries(entries: TarEntry[]): TarEntry[] {
  const key = (e: TarEntry) => (e.type === "dir" ? `${e.path}/` : e.path);
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
