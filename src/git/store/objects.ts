/**
 * A fast read-only view of a repository's objects: pack indexes parsed once, entries inflated with
 * the runtime's native zlib, deltas resolved with a small cache. isomorphic-git reads objects
 * about ten times slower, which matters when serving a clone of thousands of objects.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

export type ObjectType = "commit" | "tree" | "blob" | "tag";
export interface RawObject {
  type: ObjectType;
  data: Uint8Array;
}

const oidRe = /^[0-9a-f]{40}$/;

/** Native hex decoding: object lookups sit on every hot path of a clone. */
const oidBytes = (oid: string): Uint8Array => Buffer.from(oid, "hex");

/** Inflated objects kept per store, in bytes: big trees made an entry-count bound cost 100s of MB. */
const cacheBudget = Number(process.env.GIMLET_OBJECT_CACHE_MB ?? 8) * 1024 * 1024;

/**
 * One zlib stream. The repository's own packs were checked when they arrived, so their entries are
 * inflated in one native call; an untrusted pack (a push in quarantine) is capped at the size its
 * header states, so a small entry cannot inflate into gigabytes.
 */
function inflate(z: Uint8Array, size: number, trusted: boolean): Uint8Array {
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
const typeNames: Record<number, ObjectType> = { 1: "commit", 2: "tree", 3: "blob", 4: "tag" };

interface Pack {
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

function loadPack(dir: string, name: string): Pack {
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

const hexTable = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

export function bytesToHex(b: Uint8Array, at = 0): string {
  let s = "";
  for (let i = at; i < at + 20; i++) s += hexTable[b[i]!];
  return s;
}

function findOffset(p: Pack, sha: Uint8Array): number | undefined {
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

function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array {
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

/** A packed entry as stored: enough to copy it into another pack without inflating it. */
export interface StoredEntry {
  kind: "full" | "delta";
  /** commit/tree/blob/tag for full entries. */
  type?: ObjectType;
  /** Uncompressed size from the entry header (the delta's size for deltas). */
  size: number;
  /** Where the entry is in this store (pack number × 2^40 + offset): a key for its deltas to name it. */
  at: number;
  /** For deltas: where the base is in this store, when it is packed here. */
  baseAt?: number;
  /** For deltas: the base object's id, 20 bytes. */
  baseSha?: Uint8Array;
  compressed: Uint8Array;
}

const packKey = (n: number, offset: number) => n * 2 ** 40 + offset;

/** Entry offsets in pack order and the index (.idx position) of each: typed arrays, 12 bytes an object. */
interface Sorted {
  offsets: Float64Array;
  index: Uint32Array;
}

function sortedOffsets(p: Pack): Sorted {
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
function positionOf(s: Sorted, offset: number): number {
  let lo = 0;
  let hi = s.offsets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (s.offsets[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The header of the pack entry at `offset`: its type, uncompressed size, where its data starts,
 * and for deltas where the base is (an offset back for OFS_DELTA, an oid for REF_DELTA).
 */
function entryHeaderAt(
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

/** What object selection and checks need from a store: a pushed pack in quarantine is one too. */
export interface ObjectReader {
  has(oid: string): boolean;
  read(oid: string): RawObject;
}

export class ObjectStore implements ObjectReader {
  /** The entry of `oid` as stored in a pack, or undefined for loose objects. */
  stored(oid: string): StoredEntry | undefined {
    const sha = oidBytes(oid);
    for (let n = 0; n < this.packs.length; n++) {
      const p = this.packs[n]!;
      const off = findOffset(p, sha);
      if (off === undefined) continue;
      const s = sortedOffsets(p);
      const lo = positionOf(s, off);
      const end = lo + 1 < s.offsets.length ? s.offsets[lo + 1]! : p.data.length - 20;
      const h = entryHeaderAt(p.data, off);
      const compressed = p.data.subarray(h.data, end);
      const at = packKey(n, off);
      if (h.back !== undefined) {
        const k = positionOf(s, off - h.back);
        if (s.offsets[k] !== off - h.back) return undefined;
        const baseIdx = s.index[k]!;
        return {
          kind: "delta",
          size: h.size,
          at,
          baseAt: packKey(n, off - h.back),
          baseSha: p.shas.subarray(baseIdx * 20, baseIdx * 20 + 20),
          compressed,
        };
      }
      if (h.baseOid)
        return {
          kind: "delta",
          size: h.size,
          at,
          baseAt: this.position(h.baseOid),
          baseSha: oidBytes(h.baseOid),
          compressed,
        };
      return { kind: "full", type: typeNames[h.type], size: h.size, at, compressed };
    }
    return undefined;
  }

  /** Where `oid` is packed in this store (as StoredEntry.at), or undefined. */
  position(oid: string): number | undefined {
    const sha = oidBytes(oid);
    for (let n = 0; n < this.packs.length; n++) {
      const off = findOffset(this.packs[n]!, sha);
      if (off !== undefined) return packKey(n, off);
    }
    return undefined;
  }

  private packs: Pack[] = [];
  private packNames = new Set<string>();
  /**
   * Recently inflated objects by position (pack number × 2^40 + offset; a loose object by id), least
   * recently used first, within `cacheBudget` bytes: delta chains resolve from their cached base.
   */
  private readonly cache = new Map<number | string, RawObject>();
  private cached = 0;

  private readonly objectsDir: string;
  private readonly trusted: boolean;
  private readonly budget: number;

  /**
   * `objectsDir` defaults to `<gitdir>/objects`; a push's quarantine directory is read the same way,
   * as untrusted input.
   */
  constructor(gitdir: string, objectsDir?: string, opts: { cacheBytes?: number } = {}) {
    this.objectsDir = objectsDir ?? join(gitdir, "objects");
    this.trusted = objectsDir === undefined;
    this.budget = opts.cacheBytes ?? cacheBudget;
    this.refresh();
  }

  /** Bytes of inflated objects this store holds now. */
  cachedBytes(): number {
    return this.cached;
  }

  private remember(key: number | string, obj: RawObject): void {
    this.cache.set(key, obj);
    this.cached += obj.data.length;
    if (this.cached <= this.budget) return;
    for (const [k, v] of this.cache) {
      if (this.cached <= this.budget || k === key) break;
      this.cache.delete(k);
      this.cached -= v.data.length;
    }
  }

  private recall(key: number | string): RawObject | undefined {
    const hit = this.cache.get(key);
    if (hit) {
      // most recently used last
      this.cache.delete(key);
      this.cache.set(key, hit);
    }
    return hit;
  }

  /** The packs this store reads, oldest first: a quarantine holds the one pack of its push. */
  packFiles(): string[] {
    return this.packs.map((p) => p.name);
  }

  /** Every object id in the packs. */
  *packedOids(): Generator<string> {
    for (const p of this.packs) for (let i = 0; i < p.count; i++) yield bytesToHex(p.shas, i * 20);
  }

  /** Picks up packs written since (a push). */
  refresh(): void {
    const dir = join(this.objectsDir, "pack");
    if (!existsSync(dir)) return;
    for (const f of readdirSync(dir)) {
      if (!f.endsWith(".idx")) continue;
      const name = f.slice(0, -4);
      if (this.packNames.has(name) || !existsSync(join(dir, `${name}.pack`))) continue;
      this.packs.push(loadPack(dir, name));
      this.packNames.add(name);
    }
  }

  has(oid: string): boolean {
    if (!oidRe.test(oid)) return false;
    const sha = oidBytes(oid);
    if (this.packs.some((p) => findOffset(p, sha) !== undefined)) return true;
    return existsSync(join(this.objectsDir, oid.slice(0, 2), oid.slice(2)));
  }

  read(oid: string): RawObject {
    const sha = oidBytes(oid);
    for (let n = 0; n < this.packs.length; n++) {
      const off = findOffset(this.packs[n]!, sha);
      if (off !== undefined) return this.readEntry(n, off);
    }
    const hit = this.recall(oid);
    if (hit) return hit;
    const obj = this.readLoose(oid);
    this.remember(oid, obj);
    return obj;
  }

  private readLoose(oid: string): RawObject {
    const file = join(this.objectsDir, oid.slice(0, 2), oid.slice(2));
    if (!existsSync(file)) {
      // A fetch may have added a pack since this store looked.
      const before = this.packs.length;
      this.refresh();
      for (let n = before; n < this.packs.length; n++) {
        const off = findOffset(this.packs[n]!, oidBytes(oid));
        if (off !== undefined) return this.readEntry(n, off);
      }
      throw new Error(`object ${oid} not found`);
    }
    const raw = new Uint8Array(inflateSync(readFileSync(file)));
    const sp = raw.indexOf(0x20);
    const nul = raw.indexOf(0);
    return { type: new TextDecoder().decode(raw.subarray(0, sp)) as ObjectType, data: raw.subarray(nul + 1) };
  }

  private readEntry(n: number, offset: number): RawObject {
    const key = packKey(n, offset);
    const hit = this.recall(key);
    if (hit) return hit;
    const p = this.packs[n]!;
    const d = p.data;
    const h = entryHeaderAt(d, offset);
    let obj: RawObject;
    if (h.back !== undefined || h.baseOid) {
      const base = h.back !== undefined ? this.readEntry(n, offset - h.back) : this.read(h.baseOid!);
      const delta = inflate(d.subarray(h.data), h.size, this.trusted);
      if (delta.length !== h.size)
        throw new Error(`pack ${p.name}: delta at ${offset} is ${delta.length} bytes, header says ${h.size}`);
      obj = { type: base.type, data: applyDelta(base.data, delta) };
    } else {
      const type = typeNames[h.type];
      if (!type) throw new Error(`pack ${p.name}: entry at ${offset} has invalid type ${h.type}`);
      obj = { type, data: inflate(d.subarray(h.data), h.size, this.trusted) };
      if (obj.data.length !== h.size)
        throw new Error(`pack ${p.name}: object at ${offset} is ${obj.data.length} bytes, header says ${h.size}`);
    }
    this.remember(key, obj);
    this.churn(obj.data.length);
    return obj;
  }

  private inflated = 0;
  /**
   * Counts bytes inflated and asks for a collection every `gcEvery`: a clone inflates every tree
   * version (hundreds of MB, garbage at once), and left to its own pace the collector let the
   * server's private memory reach several times what it holds live.
   */
  private churn(bytes: number): void {
    this.inflated += bytes;
    if (this.inflated < gcEvery) return;
    this.inflated = 0;
    Bun.gc(true);
  }
}

const gcEvery = Number(process.env.GIMLET_GC_EVERY_MB ?? 64) * 1024 * 1024;

/**
 * The object store of a repo handle (GitRepo.owned), shared by everything that reads through it:
 * one cache, one byte budget per repository.
 */
export function objectsOf(repo: { gitdir: string; owned?: { objects?: ObjectStore } }): ObjectStore {
  return ((repo.owned ??= {}).objects ??= new ObjectStore(repo.gitdir));
}

/** tree / parents of a commit, from its raw text. */
export function parseCommit(data: Uint8Array): { tree: string; parents: string[]; time: number; message: string } {
  const text = new TextDecoder().decode(data);
  const headerEnd = text.indexOf("\n\n");
  const lines = (headerEnd < 0 ? text : text.slice(0, headerEnd)).split("\n");
  let tree = "";
  const parents: string[] = [];
  let time = 0;
  for (const l of lines) {
    if (l.startsWith("tree ")) tree = l.slice(5);
    else if (l.startsWith("parent ")) parents.push(l.slice(7));
    else if (l.startsWith("committer ")) time = Number(l.split(" ").at(-2));
  }
  return { tree, parents, time, message: headerEnd < 0 ? "" : text.slice(headerEnd + 2) };
}

export interface TreeEntry {
  mode: string;
  name: string;
  oid: string;
}

export function parseTree(data: Uint8Array): TreeEntry[] {
  const out: TreeEntry[] = [];
  let i = 0;
  const dec = new TextDecoder();
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const nul = data.indexOf(0, sp);
    out.push({
      mode: dec.decode(data.subarray(i, sp)),
      name: dec.decode(data.subarray(sp + 1, nul)),
      oid: bytesToHex(data, nul + 1),
    });
    i = nul + 21;
  }
  return out;
}

/** Children of a tree without decoding names: what object selection needs, fast. */
export function treeChildren(data: Uint8Array): { oid: string; kind: "tree" | "blob" | "gitlink" }[] {
  const out: { oid: string; kind: "tree" | "blob" | "gitlink" }[] = [];
  // Native hex conversion per entry: trees of thousands of entries are read once per commit in a
  // full clone, and a JavaScript loop per byte dominated the clone.
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  while (i < data.length) {
    // mode: "40000" tree, "160000" gitlink, else blob/symlink
    const kind = data[i] === 0x34 ? "tree" : data[i] === 0x31 && data[i + 1] === 0x36 ? "gitlink" : "blob";
    const nul = data.indexOf(0, i);
    out.push({ oid: buf.toString("hex", nul + 1, nul + 21), kind });
    i = nul + 21;
  }
  return out;
}
