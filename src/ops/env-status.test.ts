/**
 * The cached env status equals a fresh read of git after releases, a delete and a rollback; the
 * snapshot a restart starts from; one read for pages asking at once; the start-up read.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Repos } from "../server/repos.ts";
import { dataDir, hostedEnv } from "../server/test-kit.ts";
import { SqliteStore } from "../store/index.ts";
import { currentReleases, warmCurrentReleases } from "./env-status.ts";
import { releaseStatus } from "./releases.ts";

const dir = mkdtempSync(join(tmpdir(), "env-status-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("after each write the cached status is the status git has; only changed folders are read again", async () => {
  const { store, repos } = await dataDir({ dir, envs: [] });
  const env = await hostedEnv({ store, repos });
  const d = { store, repos };
  const g = await repos.get(env);
  const release = (app: string, sha: string) => ({
    path: `staging/${app}/release.json`,
    content: `${JSON.stringify({ app, env: "staging", gitopsRef: "", version: { repositoryName: "x", sha } })}\n`,
  });
  const write = (files: { path: string; content: string }[], replace: string[] = []) =>
    g.writeChangeSet({ replace, write: files }, "w");
  const same = async () =>
    expect(await currentReleases(d, "staging")).toEqual(await releaseStatus(d, { env: "staging" }));

  const worker = { path: "staging/worker/deployment.yaml", content: "kind: Deployment\n" };
  await write([release("web", "a1"), release("api", "b1"), worker]);
  await same();
  const first = await currentReleases(d, "staging");
  expect(await currentReleases(d, "staging")).toBe(first); // same head: no read at all
  await write([release("web", "a2")]);
  await write([release("new", "c1")]);
  await same();
  expect((await currentReleases(d, "staging")).web?.version?.sha).toBe("a2");
  await write([], ["staging/api"]);
  await same();
  expect(await currentReleases(d, "staging")).not.toHaveProperty("api");
  await write([release("worker", "w1")]);
  await same();
  await store.close();
});

/** An env of three apps in its own data dir; `restart` gives fresh repo handles and caches on it. */
async function envOfThree(name: string) {
  const root = mkdtempSync(join(dir, `${name}-`));
  const store = new SqliteStore(join(root, "gimlet.db"));
  const restart = () => ({ store, repos: new Repos(root) });
  let d = restart();
  const env = await hostedEnv(d, name);
  const g = await d.repos.get(env);
  const release = (app: string, sha: string) => ({
    path: `${name}/${app}/release.json`,
    content: `${JSON.stringify({ app, env: name, gitopsRef: "", version: { repositoryName: "x", sha } })}\n`,
  });
  await g.writeChangeSet({ replace: [], write: ["web", "api", "db"].map((a) => release(a, `${a}1`)) }, "w");
  const snapshot = join(g.repo.gitdir, "gimlet", `status-v1-${name}.json`);
  return {
    store,
    snapshot,
    release,
    get d() {
      return d;
    },
    restart: () => (d = restart()),
    write: async (files: { path: string; content: string }[]) =>
      (await d.repos.get(env)).writeChangeSet({ replace: [], write: files }, "w"),
  };
}

test("a restarted server starts from the saved status of the same commit, and moves it on from there", async () => {
  const e = await envOfThree("snap");
  const fresh = await currentReleases(e.d, "snap");
  expect(fresh.web?.version?.sha).toBe("web1");
  // Edited on disk at the same commit: a restart that answers with the edit read the snapshot, not git.
  const saved = JSON.parse(readFileSync(e.snapshot, "utf8"));
  saved.status.db.version.sha = "from the snapshot";
  writeFileSync(e.snapshot, JSON.stringify(saved));
  e.restart();
  expect((await currentReleases(e.d, "snap")).db?.version?.sha).toBe("from the snapshot");
  // A new commit after the restart: only its folder is read again, the rest comes from the snapshot.
  e.restart();
  await e.write([e.release("web", "web2")]);
  const moved = await currentReleases(e.d, "snap");
  expect(moved.web?.version?.sha).toBe("web2");
  expect(moved.db?.version?.sha).toBe("from the snapshot");
  await e.store.close();
});

test("a torn, foreign or unreachable snapshot is ignored and the status read from git", async () => {
  const e = await envOfThree("bad");
  const truth = await releaseStatus(e.d, { env: "bad" });
  expect(await currentReleases(e.d, "bad")).toEqual(truth); // saves the snapshot
  const saved = readFileSync(e.snapshot, "utf8");
  const cases = [
    saved.slice(0, saved.length / 2),
    saved.replace('"env":"bad"', '"env":"other"'),
    saved.replace(/"head":"[0-9a-f]{40}"/, `"head":"${"0".repeat(40)}"`),
    "[]",
  ];
  for (const text of cases) {
    writeFileSync(e.snapshot, text);
    e.restart();
    expect(await currentReleases(e.d, "bad")).toEqual(truth);
  }
  // The full read saved a sound snapshot again.
  expect(JSON.parse(readFileSync(e.snapshot, "utf8")).status).toEqual(truth);
  await e.store.close();
});

test("pages asking at once share one read; the start-up read fills the cache and names a broken env", async () => {
  const e = await envOfThree("warm");
  const [a, b] = await Promise.all([currentReleases(e.d, "warm"), currentReleases(e.d, "warm")]);
  expect(a).toBe(b);
  rmSync(e.snapshot);
  e.restart();
  expect(await warmCurrentReleases(e.d)).toEqual([]);
  expect(existsSync(e.snapshot)).toBe(true); // read in full at start, and saved
  await e.write([{ path: "warm/api/release.json", content: "{ broken" }]);
  rmSync(e.snapshot);
  e.restart();
  const failed = await warmCurrentReleases(e.d);
  expect(failed).toEqual([{ env: "warm", error: "release.json is not valid JSON" }]);
  await e.store.close();
});
