/** The cached env status equals a fresh read of git after releases, a delete and a rollback. */
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Repos } from "../server/repos.ts";
import { SqliteStore } from "../store/index.ts";
import { currentReleases } from "./env-status.ts";
import { releaseStatus } from "./releases.ts";

const dir = mkdtempSync(join(tmpdir(), "env-status-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("after each write the cached status is the status git has; only changed folders are read again", async () => {
  const store = new SqliteStore(join(dir, "gimlet.db"));
  const repos = new Repos(dir);
  const env = await store.createEnv({
    name: "staging",
    repoUrl: "",
    repoToken: "",
    builtin: true,
    repoPerEnv: false,
    branch: "main",
  });
  await repos.createBuiltin(env);
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
