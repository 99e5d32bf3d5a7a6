/**
 * The entries of a git index file (`.git/index`, versions 2 and 3) under some folders: path, mode
 * and blob id. Enough to prove a few folders of a working copy clean without isomorphic-git's
 * statusMatrix, which read and compared the whole repository (most of a rollback's time).
 * Version 4 (prefix-compressed paths) is not read: callers fall back to the full check.
 */
import { readFileSync } from "node:fs";

export interface IndexEntry {
  path: string;
  mode: number;
  oid: string;
  /** Merge stage: 0 normally, 1–3 during a conflicted merge. */
  stage: number;
}

/** The index entries whose path is `prefix` or under `prefix/` for one of `prefixes`; undefined when unreadable. */
export function readIndexEntries(file: string, prefixes: string[]): IndexEntry[] | undefined {
  let d: Buffer;
  try {
    d = readFileSync(file);
  } catch {
    return [];
  }
  if (d.length < 12 || d.toString("latin1", 0, 4) !== "DIRC") return undefined;
  const version = d.readUInt32BE(4);
  if (version !== 2 && version !== 3) return undefined;
  const count = d.readUInt32BE(8);
  const wanted = prefixes.map((p) => Buffer.from(p));
  const out: IndexEntry[] = [];
  let at = 12;
  for (let n = 0; n < count; n++) {
    if (at + 62 > d.length) return undefined;
    const flags = d.readUInt16BE(at + 60);
    const extended = version === 3 && (flags & 0x4000) !== 0;
    const pathAt = at + 62 + (extended ? 2 : 0);
    const nul = d.indexOf(0, pathAt);
    if (nul < 0) return undefined;
    if (wanted.some((w) => under(d, pathAt, nul, w))) {
      out.push({
        path: d.toString("utf8", pathAt, nul),
        mode: d.readUInt32BE(at + 24),
        oid: d.toString("hex", at + 40, at + 60),
        stage: (flags >> 12) & 3,
      });
    }
    // Entries are padded with 1–8 NULs to a multiple of 8 bytes.
    at += Math.floor((nul - at + 8) / 8) * 8;
  }
  return out;
}

function under(d: Buffer, from: number, to: number, prefix: Buffer): boolean {
  const len = to - from;
  if (len < prefix.length) return false;
  if (d.compare(prefix, 0, prefix.length, from, from + prefix.length) !== 0) return false;
  return len === prefix.length || d[from + prefix.length] === 0x2f;
}
