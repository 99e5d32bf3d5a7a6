/**
 * A pushed pack waits in a quarantine directory (as git's receive-pack does with
 * `objects/tmp_objdir-incoming-*`) until its push is accepted: until then no reader of the
 * repository sees its objects, and a rejected push leaves nothing behind.
 */
import git from "isomorphic-git";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { GitRepo } from "../repo.ts";
import { ObjectStore, type ObjectReader, type RawObject } from "../store/objects.ts";

export const quarantinePrefix = "tmp_objdir-incoming-";

/** A pack that cannot be taken in: the text goes to the client as `unpack <reason>`. */
export class UnpackError extends Error {
  override name = "UnpackError";
}

export class Quarantine implements ObjectReader {
  private constructor(
    private readonly repo: GitRepo,
    readonly dir: string,
    readonly store: ObjectStore | undefined,
    /** Objects of the pushed pack. */
    readonly oids: Set<string>,
  ) {}

  /** Takes in `pack` (the raw bytes after the commands) and checks every object in it. */
  static async receive(repo: GitRepo, pack: Uint8Array): Promise<Quarantine> {
    if (pack.length < 32 || new TextDecoder().decode(pack.subarray(0, 4)) !== "PACK")
      throw new UnpackError("not a pack");
    const view = new DataView(pack.buffer, pack.byteOffset, pack.byteLength);
    const version = view.getUint32(4);
    if (version !== 2 && version !== 3) throw new UnpackError(`pack version ${version} not supported`);
    const count = view.getUint32(8);
    const trailer = Buffer.from(pack.subarray(pack.length - 20)).toString("hex");
    const sum = createHash("sha1")
      .update(pack.subarray(0, pack.length - 20))
      .digest("hex");
    if (sum !== trailer) throw new UnpackError("pack checksum mismatch");
    const dir = join(repo.gitdir, "objects", `${quarantinePrefix}${randomBytes(6).toString("hex")}`);
    // An empty pack (a push of objects the server has) leaves no file at all.
    if (count === 0) return new Quarantine(repo, dir, undefined, new Set());
    try {
      await mkdir(join(dir, "pack"), { recursive: true });
      await writeFile(join(dir, "pack", `pack-${trailer}.pack`), pack);
      // The quarantine is its own gitdir: a delta on a base outside the pack (a thin pack, which
      // this server does not advertise) finds no base and fails here.
      const { oids } = await git.indexPack({
        fs: repo.fs,
        dir,
        gitdir: dir,
        filepath: `pack/pack-${trailer}.pack`,
        cache: {},
      });
      const store = new ObjectStore(dir, dir);
      const q = new Quarantine(repo, dir, store, new Set(oids));
      if (q.oids.size !== count)
        throw new UnpackError(
          `pack declares ${count} objects, only ${q.oids.size} could be read: a delta is corrupt or its base is missing`,
        );
      for (const oid of q.oids) verify(store, oid);
      return q;
    } catch (e) {
      await rm(dir, { recursive: true, force: true });
      if (e instanceof UnpackError) throw e;
      // isomorphic-git's messages are about itself, not the pack: say what is wrong with the pack.
      throw new UnpackError(
        "pack could not be indexed: an entry is corrupt or a delta's base is missing (thin packs are not accepted)",
      );
    }
  }

  has(oid: string): boolean {
    return this.oids.has(oid);
  }

  read(oid: string): RawObject {
    if (!this.store || !this.oids.has(oid)) throw new Error(`object ${oid} not in the pushed pack`);
    return this.store.read(oid);
  }

  /** Moves the pack into the repository: the .pack before the .idx, so no reader sees an index without its pack. */
  async accept(): Promise<void> {
    if (!this.store) return;
    const packDir = join(this.repo.gitdir, "objects", "pack");
    await mkdir(packDir, { recursive: true });
    const files = await readdir(join(this.dir, "pack"));
    for (const ext of [".pack", ".idx"]) {
      for (const f of files.filter((x) => x.endsWith(ext))) await rename(join(this.dir, "pack", f), join(packDir, f));
    }
    await this.discard();
  }

  async discard(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Re-reads an object through our own reader (deltas applied) and checks its id. */
function verify(store: ObjectStore, oid: string): void {
  const o = store.read(oid);
  const h = createHash("sha1").update(`${o.type} ${o.data.length}\0`).update(o.data).digest("hex");
  if (h !== oid) throw new UnpackError(`object ${oid} does not match its content`);
}

/** The accepted objects with a push's quarantine on top: what checks of that push read. */
export function overlay(main: ObjectReader, q: ObjectReader): ObjectReader {
  return {
    has: (oid) => q.has(oid) || main.has(oid),
    read: (oid) => (q.has(oid) ? q.read(oid) : main.read(oid)),
  };
}
