/** deliveryStats against a real store and hosted gitops repo: the agent's recorded rollout steps decide. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GitopsRepo } from "../git/index.ts";
import { cleanUp, dataDir, hostedEnv, tempDir } from "../server/test-kit.ts";
import type { SqliteStore } from "../store/index.ts";
import type { Repos } from "../server/repos.ts";
import { mirrorReleases } from "./history.ts";
import { deliveryStats } from "./stats.ts";

let store: SqliteStore;
let repos: Repos;
let g: GitopsRepo;

beforeAll(async () => {
  ({ store, repos } = await dataDir({ dir: tempDir("ops-stats-"), envs: [] }));
  g = await repos.get(await hostedEnv({ store, repos }));
});
afterAll(cleanUp);

/** Writes a release of `app` the way the worker does; returns its gitops commit time. */
async function release(app: string, eventId: string, sha: string): Promise<number> {
  const env = (await store.env("staging"))!;
  await g.writeRelease(
    { env: "staging", repoPerEnv: false },
    app,
    [{ path: "deployment.yaml", content: `kind: ConfigMap\nmetadata:\n  name: ${app}-${sha}\n` }],
    { app, env: "staging", eventId, version: { repositoryName: `acme/${app}`, sha }, gitopsRef: "", gitopsRepo: "" },
  );
  await mirrorReleases({ store }, env, g, { limit: 10 });
  return (await store.releases({ env: "staging", app, limit: 1, offset: 0 }))[0]!.created;
}

const step = (eventId: string, app: string, name: "rollout failed" | "rollout complete", at: number) =>
  store.recordReleaseStep({ eventId, env: "staging", app, step: name, at });

describe("deliveryStats()", () => {
  test("a recorded failed rollout fails the release; the next one's rollout complete restores it", async () => {
    const bad = await release("web", "ev1", "a".repeat(40));
    await step("ev1", "web", "rollout failed", bad + 300);
    // "Later" is a later commit second: the fix lands in the next one.
    await Bun.sleep(1000 - (Date.now() % 1000) + 10);
    const good = await release("web", "ev2", "b".repeat(40));
    expect(good).toBeGreaterThan(bad);
    await step("ev2", "web", "rollout complete", good + 500);
    // One request may release several apps: its api rollout failing is not web's.
    await release("api", "ev2", "c".repeat(40));
    await step("ev2", "api", "rollout failed", good + 10);

    const d = { store, repos, now: () => good + 3600 };
    const s = await deliveryStats(d, { env: "staging", app: "web", since: bad - 60 });
    expect(s).toMatchObject({ deployments: 2, failedDeployments: 1, changeFailureRate: 0.5, failureWindow: 86_400 });
    expect(s.timeToRestore).toEqual({ count: 1, p50: good + 500 - bad, p90: good + 500 - bad, open: 0 });
    const all = await deliveryStats(d, { env: "staging", since: bad - 60 });
    expect(all).toMatchObject({ deployments: 3, failedDeployments: 2 });
  });

  test("since after until is refused naming the field", async () => {
    await expect(deliveryStats({ store, repos }, { since: 200, until: 100 })).rejects.toThrow("since");
  });
});
