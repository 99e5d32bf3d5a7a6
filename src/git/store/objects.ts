/**
 * A fast read-only view of a repository's objects: pack indexes parsed once, entries inflated with
 * the runtime's native zlib, deltas resolved with a small cache. isomorphic-git reads objects
 * about ten times slower, which matters when serving a clone of thousands of objects.
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { loosePath, readLooseObject } from "./loose-objects.ts";
import { ObjectCache } from "./object-cache.ts";
import { applyDelta, entryHeaderAt, inflate, typeNames } from "./pack-entry.ts";
import {
  bytesToHex,
  findOffset,
  loadPack,
  oidBytes,
  type Pack,
  packKey,
  positionOf,
  sortedOffsets,
} from "./pack-index.ts";

export { parseCommit, parseTree, type TreeEntry, treeChildren } from "./object-parse.ts";
export { bytesToHex };

export type ObjectType = "commit" | "tree" | "blob" | "tag";
export interface RawObject {
  type: ObjectType;
  data: Uint8Array;
}

const oidRe = /^[0-9a-f]{40}$/;

/** Inflated objects kept per store, in bytes: big trees made an entry-count bound cost 100s of MB. */
const cacheBudget = Number(process.env.GIMLET_OBJECT_CACHE_MB ?? 8) * 1024 * 1024;

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
  /** Delta chains resolve from their cached base. */
  private readonly cache: ObjectCache;

  private readonly objectsDir: string;
  private readonly trusted: boolean;

  /**
   * `objectsDir` defaults to `<gitdir>/objects`; a push's quarantine directory is read the same way,
   * as untrusted input.
   */
  constructor(gitdir: string, objectsDir?: string, opts: { cacheBytes?: number } = {}) {
    this.objectsDir = objectsDir ?? join(gitdir, "objects");
    this.trusted = objectsDir === undefined;
    this.cache = new ObjectCache(opts.cacheBytes ?? cacheBudget);
    this.refresh();
  }

  /** Bytes of inflated objects this store holds now. */
  cachedBytes(): number {
    return this.cache.bytes();
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
    return existsSync(loosePath(this.objectsDir, oid));
  }

  read(oid: string): RawObject {
    const sha = oidBytes(oid);
    for (let n = 0; n < this.packs.length; n++) {
      const off = findOffset(this.packs[n]!, sha);
      if (off !== undefined) return this.readEntry(n, off);
    }
    const hit = this.cache.recall(oid);
    if (hit) return hit;
    const obj = this.readLoose(oid);
    this.cache.remember(oid, obj);
    return obj;
  }

  private readLoose(oid: string): RawObject {
    const loose = readLooseObject(this.objectsDir, oid);
    if (loose) return loose;
    // A fetch may have added a pack since this store looked.
    const before = this.packs.length;
    this.refresh();
    for (let n = before; n < this.packs.length; n++) {
      const off = findOffset(this.packs[n]!, oidBytes(oid));
      if (off !== undefined) return this.readEntry(n, off);
    }
    throw new Error(`object ${oid} not found`);
  }

  private readEntry(n: number, offset: number): RawObject {
    const key = packKey(n, offset);
    const hit = this.cache.recall(key);
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
    this.cache.remember(key, obj);
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
