/**
 * Object selection and the pack writer, judged by the git CLI: the objects a clone or a fetch gets
 * are the ones `git rev-list --objects` names, and the pack (OFS_DELTA or REF_DELTA, stored deltas
 * reused) is one `git index-pack` accepts.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { concatBytes } from "../../core/bytes.ts";
import { ObjectStore } from "../store/objects.ts";
import { packChunks } from "../store/pack-writer.ts";
import { workingCopy } from "../test-kit.ts";
import { selectObjects } from "./objects.ts";

const { root, wc, git, init, write, commit: commitAll, remove } = workingCopy("select-");
const commits: string[] = [];

function commit(msg: string): void {
  commitAll(msg);
  commits.push(git(["rev-parse", "HEAD"]).trim());
}

beforeAll(() => {
  init();
  // Names whose order differs between plain bytes and git's tree order ("a" the tree sorts as "a/").
  write("a.b", "1");
  write("a/x", "1");
  write("a-", "1");
  write("env/app-1/deployment.yaml", "one");
  write("env/app-2/deployment.yaml", "two");
  write("env/release.json", "{}");
  commit("first");
  write("env/app-1/deployment.yaml", "one v2");
  write("env/release.json", '{"v":2}');
  commit("change in a nested tree");
  write("env/app-0/deployment.yaml", "zero"); // added before the others
  write("env/app-3/deployment.yaml", "three"); // and after
  rmSync(join(wc, "env/app-2"), { recursive: true });
  commit("add and remove folders");
  rmSync(join(wc, "a"), { recursive: true });
  write("a", "a is a file now"); // same name, tree → blob
  write("env/app-1/deployment.yaml", "one"); // back to an object sent earlier
  commit("a tree becomes a blob, a file goes back");
  rmSync(join(wc, "a"));
  write("a/y", "a is a tree again");
  write("env/app-1/service.yaml", "svc");
  commit("a blob becomes a tree");
  commit("no change at all");
  // Packed with deltas, as a long-lived repository is.
  git(["gc", "-q", "--aggressive"]);
  // Dozens of git processes: a loaded CI machine needs more than the default 5 s.
}, 60_000);
afterAll(remove);

const objects = (args: string[]) =>
  new Set(
    git(["rev-list", "--objects", ...args])
      .trim()
      .split("\n")
      .map((l) => l.slice(0, 40)),
  );

describe("selectObjects", () => {
  test("a clone gets exactly the objects git rev-list --objects names", async () => {
    const store = new ObjectStore(join(wc, ".git"));
    const sel = await selectObjects(store, { wants: [commits.at(-1)!], haves: [], clientShallow: new Set() });
    expect(new Set(sel.oids)).toEqual(objects([commits.at(-1)!]));
    expect(sel.oids.length).toBe(new Set(sel.oids).size);
  });

  test("a fetch from each older commit gets what git would send, nothing the client has", async () => {
    const store = new ObjectStore(join(wc, ".git"));
    for (const have of commits.slice(0, -1)) {
      const sel = await selectObjects(store, { wants: [commits.at(-1)!], haves: [have], clientShallow: new Set() });
      const want = objects([commits.at(-1)!, `^${have}`]);
      // git also leaves out what the client's own trees hold (the edge trees), so do we.
      expect(new Set(sel.oids)).toEqual(want);
    }
  });
});

async function packOf(store: ObjectStore, oids: string[], ofsDelta: boolean): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const c of packChunks(store, oids, { ofsDelta, chunk: 1000 })) parts.push(c);
  return concatBytes(parts);
}

describe("packChunks", () => {
  for (const ofsDelta of [true, false]) {
    test(`${ofsDelta ? "OFS_DELTA" : "REF_DELTA"}: git index-pack accepts the pack, with the stored deltas reused`, async () => {
      const store = new ObjectStore(join(wc, ".git"));
      const sel = await selectObjects(store, { wants: [commits.at(-1)!], haves: [], clientShallow: new Set() });
      const pack = await packOf(store, sel.oids, ofsDelta);
      const dest = join(root, `dest-${ofsDelta}`);
      git(["init", "-q", "--bare", dest], root);
      const file = join(dest, "objects/pack/tmp.pack");
      writeFileSync(file, pack);
      git(["index-pack", file], dest);
      const verify = git(["verify-pack", "-v", file.replace(/\.pack$/, ".idx")], dest);
      const deltas = verify.split("\n").filter((l) => /^[0-9a-f]{40} \w+ +\d+ \d+ \d+ \d+ [0-9a-f]{40}$/.test(l));
      expect(deltas.length).toBeGreaterThan(0);
      renameSync(file, join(dest, "objects/pack/pack-x.pack"));
      renameSync(file.replace(/\.pack$/, ".idx"), join(dest, "objects/pack/pack-x.idx"));
      git(["update-ref", "refs/heads/main", commits.at(-1)!], dest);
      git(["fsck", "--strict"], dest);
    }, 30_000);
  }
});

describe("ObjectStore", () => {
  test("the inflated-object cache stays within its byte budget, however many objects are read", () => {
    const store = new ObjectStore(join(wc, ".git"), undefined, { cacheBytes: 300 });
    const all = [...store.packedOids()];
    const total = all.reduce((n, oid) => n + store.read(oid).data.length, 0);
    expect(total).toBeGreaterThan(600);
    expect(store.cachedBytes()).toBeGreaterThan(0);
    expect(store.cachedBytes()).toBeLessThanOrEqual(300);
    // Evicted objects read back the same.
    const again = new ObjectStore(join(wc, ".git"));
    for (const oid of all) expect(store.read(oid).data).toEqual(again.read(oid).data);
  });
});
