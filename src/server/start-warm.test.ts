/**
 * `gimlet serve` reads every hosted env's current releases right after it listens: the snapshot a
 * later start begins from is saved without any page asked, and an env whose release.json is broken
 * is named in a warning, while the server keeps serving.
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDataStore, prepareDataDir, Repos } from "./index.ts";
import { serve } from "./start.ts";
import { hostedEnv } from "./test-kit.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-start-warm-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function envWithRelease(name: string, releaseJson: string) {
  const store = await openDataStore(dataDir, () => {});
  const repos = new Repos(dataDir);
  const env = await hostedEnv({ store, repos }, name);
  const g = await repos.get(env);
  await g.writeChangeSet({ replace: [], write: [{ path: `${name}/web/release.json`, content: releaseJson }] }, "w");
  await store.close();
  return join(g.repo.gitdir, "gimlet", `status-v1-${name}.json`);
}

test("the start reads each hosted env once: a snapshot saved, a broken env named, the server up", async () => {
  prepareDataDir(dataDir, () => {});
  const good = await envWithRelease("prod", `${JSON.stringify({ app: "web", env: "prod", version: { sha: "1" } })}\n`);
  const bad = await envWithRelease("broken", "{ not json");
  const logs: string[] = [];
  const s = await serve({ dataDir, hostname: "127.0.0.1", port: 0, logFormat: "text", log: (l) => logs.push(l) });
  try {
    const deadline = Date.now() + 10_000;
    const warned = () => logs.some((l) => l.includes("env broken: current releases not read at start"));
    while ((!existsSync(good) || !warned()) && Date.now() < deadline) await Bun.sleep(20);
    expect(existsSync(good)).toBe(true);
    expect(statSync(good).mode & 0o077).toBe(0); // private, as every file of the data dir
    expect(existsSync(bad)).toBe(false);
    expect(logs.find((l) => l.includes("env broken"))).toContain("release.json is not valid JSON");
    expect((await fetch(`http://127.0.0.1:${s.port}/healthz`)).status).toBe(200);
  } finally {
    await s.stop();
  }
});
