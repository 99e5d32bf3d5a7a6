/** The rollout recorder against a real store and a real hosted gitops repo, fed known agent states. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AppState, PodState } from "../core/agent/state.ts";
import type { HubEvent, ReleaseStepRecorded } from "../core/events.ts";
import type { GitopsRepo } from "../git/index.ts";
import type { Repos } from "../server/repos.ts";
import { dataDir, hostedEnv } from "../server/test-kit.ts";
import type { SqliteStore } from "../store/index.ts";
import { mirrorReleases } from "./history.ts";
import { processEvent } from "./process-event.ts";
import { requestRollback } from "./releases.ts";
import { rolloutDone, rolloutFailure, RolloutWatch, runs, sameSha, troubled, workloadImage } from "./rollout-watch.ts";

const dir = mkdtempSync(join(tmpdir(), "rollout-watch-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SHA1 = "a".repeat(40);
const SHA2 = "b".repeat(40);

/** An agent's state of app `web`: by default rolled out, 2 of 2 replicas, the workload annotated with `sha`. */
function web(
  o: {
    sha?: string;
    image?: string;
    status?: "progressing" | "complete" | "failed";
    reason?: string;
    available?: number;
    pods?: PodState[];
  } = {},
) {
  const app: AppState = {
    key: "default/web",
    name: "web",
    namespace: "default",
    service: "web",
    pods: o.pods ?? [],
    ingresses: [],
    events: [],
    workload: {
      kind: "Deployment",
      name: "web",
      ...(o.sha ? { sha: o.sha } : {}),
      ...(o.image ? { image: o.image } : {}),
      replicas: { desired: 2, updated: 2, ready: 2, available: o.available ?? 2 },
      rollout: { status: o.status ?? "complete", ...(o.reason ? { reason: o.reason } : {}) },
    },
  };
  return { type: "app.state", env: "staging", app: app.key, state: app } satisfies HubEvent;
}

const deployment = (image: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n` +
  `      - name: web\n        image: ${image}\n`;

let store: SqliteStore;
let repos: Repos;
let g: GitopsRepo;
let now = 1_800_000_000;

beforeAll(async () => {
  ({ store, repos } = await dataDir({ dir, envs: [] }));
  g = await repos.get(await hostedEnv({ store, repos }));
});

/** Writes a release of `web` the way the worker does, then refreshes the history mirror. */
async function release(eventId: string, sha: string, image: string): Promise<void> {
  const env = (await store.env("staging"))!;
  await g.writeRelease(
    { env: "staging", repoPerEnv: false },
    "web",
    [{ path: "deployment.yaml", content: deployment(image) }],
    {
      app: "web",
      env: "staging",
      eventId,
      version: { repositoryName: "acme/web", sha },
      gitopsRef: "",
      gitopsRepo: "",
    },
  );
  await mirrorReleases({ store }, env, g, { limit: 10 });
}

function watcher(maxAgeS = 1e9) {
  const published: ReleaseStepRecorded[] = [];
  const w = new RolloutWatch({ store, repos, now: () => now }, { publish: (e) => published.push(e), maxAgeS });
  return { w, published };
}

const pod = (status: string, createdAt: number): PodState => ({
  name: "web-1",
  status,
  ready: "0/1",
  restarts: 3,
  createdAt: new Date(createdAt * 1000).toISOString(),
});

const stepOf = async (id: string, step: string) => (await store.releaseSteps(id)).find((s) => s.step === step);
const failedStep = (id: string) => stepOf(id, "rollout failed");
/** The newest release's gitops commit time (real time: the test clock `now` is moved next to it). */
const committedAt = async () => (await store.releases({ env: "staging", app: "web", limit: 1, offset: 0 }))[0]!.created;

const rollout = async (id: string) => (await store.releaseSteps(id)).find((s) => s.step === "rollout complete");

describe("the pure checks", () => {
  test("done only when complete with every desired replica updated and available", () => {
    expect(rolloutDone(web().state)).toBe(true);
    expect(rolloutDone(web({ status: "progressing" }).state)).toBe(false);
    expect(rolloutDone(web({ available: 1 }).state)).toBe(false);
    expect(rolloutDone({ ...web().state, workload: undefined })).toBe(false);
  });

  test("a sha matches in full or abbreviated to 7+ characters; without shas the image decides", () => {
    expect(sameSha("ABCDEF1", "abcdef1234")).toBe(true);
    expect(sameSha("abcdef", "abcdef1234")).toBe(false);
    expect(runs(web({ sha: SHA1, image: "x:1" }).state, { sha: SHA1.slice(0, 8), image: "x:2" })).toBe(true);
    expect(runs(web({ sha: SHA2, image: "x:1" }).state, { sha: SHA1, image: "x:1" })).toBe(false);
    expect(runs(web({ image: "x:1" }).state, { sha: SHA1, image: "x:1" })).toBe(true);
    expect(runs(web({ image: "x:1" }).state, { sha: SHA1 })).toBe(false);
    expect(runs(web().state, { sha: SHA1, image: "x:1" })).toBe(false);
  });

  test("the image is the first container's of the first Deployment or StatefulSet", () => {
    expect(workloadImage(["kind: Service\n", `${deployment("nginx:1")}---\n${deployment("nginx:2")}`])).toBe("nginx:1");
    expect(workloadImage(["kind: [unclosed", "kind: ConfigMap\n"])).toBeUndefined();
  });
});

describe("recording rollout complete", () => {
  test("recorded at the time the state first matches; a progressing or older state is not it", async () => {
    await release("ev1", SHA1, "nginx:aaa");
    const { w, published } = watcher();
    await w.handle(web({ sha: SHA1, status: "progressing" }));
    await w.handle(web({ sha: SHA1, available: 1 }));
    expect(await rollout("ev1")).toBeUndefined();
    now += 5;
    await w.handle(web({ sha: SHA1 }));
    expect(await rollout("ev1")).toEqual({
      eventId: "ev1",
      env: "staging",
      app: "web",
      step: "rollout complete",
      at: now,
    });
    expect(published).toEqual([
      { type: "release.step", eventId: "ev1", env: "staging", app: "web", step: "rollout complete", at: now },
    ]);
    const first = now;
    now += 60;
    await w.handle(web({ sha: SHA1 }));
    expect((await rollout("ev1"))!.at).toBe(first);
    expect(published).toHaveLength(1);

    await release("ev2", SHA2, "nginx:bbb");
    await w.handle(web({ sha: SHA1 }));
    expect(await rollout("ev2")).toBeUndefined();
    now += 3;
    await w.handle(web({ sha: SHA2 }));
    expect((await rollout("ev2"))!.at).toBe(now);
    expect(published.map((p) => p.eventId)).toEqual(["ev1", "ev2"]);
  });

  test("without a sha on the workload, the image the release wrote decides", async () => {
    await release("ev3", "c".repeat(40), "nginx:ccc");
    const { w } = watcher();
    await w.handle(web({ image: "nginx:bbb" }));
    expect(await rollout("ev3")).toBeUndefined();
    await w.handle(web({ image: "nginx:ccc" }));
    expect((await rollout("ev3"))!.at).toBe(now);
  });

  test("a state that matches the release before too is no evidence: a redeploy of one version is not timed", async () => {
    await release("ev4", "c".repeat(40), "nginx:ccc2");
    const { w, published } = watcher();
    await w.handle(web({ sha: "c".repeat(40) }));
    expect(await rollout("ev4")).toBeUndefined();
    expect(published).toEqual([]);
    await w.handle(web({ image: "nginx:ccc2" }));
    expect(await rollout("ev4")).toBeDefined();
  });

  test("another replica seeing the same state records nothing and announces nothing", async () => {
    await release("ev5", "d".repeat(40), "nginx:ddd");
    const a = watcher();
    const b = watcher();
    await Promise.all([a.w.handle(web({ sha: "d".repeat(40) })), b.w.handle(web({ sha: "d".repeat(40) }))]);
    expect(a.published.length + b.published.length).toBe(1);
    expect((await store.releaseSteps("ev5")).length).toBe(1);
  });

  test("a release older than maxAgeS is left alone (its rollout happened while no server watched)", async () => {
    await release("ev6", "e".repeat(40), "nginx:eee");
    const created = (await store.releases({ env: "staging", app: "web", limit: 1, offset: 0 }))[0]!.created;
    now = created + 100;
    const { w } = watcher(60);
    await w.handle(web({ sha: "e".repeat(40) }));
    expect(await rollout("ev6")).toBeUndefined();
    await watcher(3600).w.handle(web({ sha: "e".repeat(40) }));
    expect(await rollout("ev6")).toBeDefined();
  });

  test("other events, removed apps and apps without releases are ignored", async () => {
    const { w, published } = watcher();
    await w.handle({ type: "agent.connected", env: "staging" });
    await w.handle({ type: "app.state", env: "staging", app: "default/web", removed: true });
    await w.handle({ ...web({ sha: SHA1 }), state: { ...web({ sha: SHA1 }).state, name: "nothing-released" } });
    expect(published).toEqual([]);
  });
});

describe("recording rollout failed", () => {
  test("a failed rollout status or a pod of the release stuck past the threshold is a failure", () => {
    const t = 1_800_000_000;
    expect(rolloutFailure(web({ status: "failed", reason: "ProgressDeadlineExceeded" }).state, t, t, 300)).toBe(
      "ProgressDeadlineExceeded",
    );
    const stuck = (status: string, created: number) =>
      web({ status: "progressing", pods: [pod(status, created)] }).state;
    expect(rolloutFailure(stuck("CrashLoopBackOff", t), t, t + 299, 300)).toBeUndefined();
    expect(rolloutFailure(stuck("CrashLoopBackOff", t), t, t + 300, 300)).toBe("pod web-1 CrashLoopBackOff for 300s");
    expect(rolloutFailure(stuck("Init:ImagePullBackOff", t + 10), t, t + 400, 300)).toContain("Init:ImagePullBackOff");
    // A pod older than the release is the version before it; a running or pending pod is not stuck.
    expect(rolloutFailure(stuck("CrashLoopBackOff", t - 1), t, t + 900, 300)).toBeUndefined();
    expect(rolloutFailure(stuck("Running", t), t, t + 900, 300)).toBeUndefined();
    expect(rolloutFailure(stuck("ContainerCreating", t), t, t + 900, 300)).toBeUndefined();
    expect(troubled(stuck("ErrImagePull", t))).toBe(true);
    expect(troubled(stuck("Running", t))).toBe(false);
  });

  test("recorded once at the first failed state of the release; a later completion is recorded too", async () => {
    await release("ev7", "f".repeat(40), "nginx:fff");
    now = (await committedAt()) + 600;
    const { w, published } = watcher();
    await w.handle(web({ sha: SHA1, status: "failed", reason: "ProgressDeadlineExceeded" }));
    expect(await failedStep("ev7")).toBeUndefined();
    await w.handle(web({ sha: "f".repeat(40), status: "failed", reason: "ProgressDeadlineExceeded" }));
    const first = now;
    expect(await failedStep("ev7")).toEqual({
      eventId: "ev7",
      env: "staging",
      app: "web",
      step: "rollout failed",
      at: first,
    });
    expect(published).toEqual([
      { type: "release.step", eventId: "ev7", env: "staging", app: "web", step: "rollout failed", at: first },
    ]);
    now += 60;
    await w.handle(web({ sha: "f".repeat(40), status: "failed", reason: "ReplicaFailure" }));
    await watcher().w.handle(web({ sha: "f".repeat(40), status: "failed" }));
    expect((await failedStep("ev7"))!.at).toBe(first);
    now += 60;
    await w.handle(web({ sha: "f".repeat(40) }));
    expect((await rollout("ev7"))!.at).toBe(now);
    expect(published.map((p) => p.step)).toEqual(["rollout failed", "rollout complete"]);
  });

  test("a crash-looping pod of the release fails the rollout only once stuck for stuckS", async () => {
    await release("ev8", "1".repeat(40), "nginx:111");
    const released = await committedAt();
    now = released + 100;
    const { w } = watcher();
    const state = () =>
      web({ sha: "1".repeat(40), status: "progressing", pods: [pod("CrashLoopBackOff", released + 5)] });
    await w.handle(state());
    expect(await failedStep("ev8")).toBeUndefined();
    now = released + 305;
    await w.handle(state());
    expect((await failedStep("ev8"))!.at).toBe(now);
  });

  test("a rollout recorded complete is not failed afterwards, even by a replica that did not see it", async () => {
    await release("ev9", "2".repeat(40), "nginx:222");
    now = (await committedAt()) + 30;
    const a = watcher();
    await a.w.handle(web({ sha: "2".repeat(40) }));
    expect(await rollout("ev9")).toBeDefined();
    now += 600;
    const crashing = web({ sha: "2".repeat(40), status: "failed", pods: [pod("CrashLoopBackOff", now - 500)] });
    await a.w.handle(crashing);
    const b = watcher();
    await b.w.handle(crashing);
    expect(await failedStep("ev9")).toBeUndefined();
    expect([...a.published, ...b.published].map((p) => p.step)).toEqual(["rollout complete"]);
  });
});

describe("a rollback's rollout", () => {
  const renderer = {
    load: () => Promise.reject(new Error("a rollback renders nothing")),
  };

  /** Rolls `web` back to the release of `eventId` through the queue, as the worker does; the rollback's id. */
  async function rollBack(eventId: string): Promise<string> {
    const rows = await store.releases({ env: "staging", app: "web", limit: 50, offset: 0 });
    const to = rows.find((r) => (JSON.parse(r.blob) as { eventId: string }).eventId === eventId)!.gitopsRef;
    const { id } = await requestRollback({ store, repos }, { env: "staging", app: "web", sha: to, triggeredBy: "ann" });
    const claimed = (await store.claimNext({ owner: "test/1", ms: 60_000 }))!;
    expect(claimed.id).toBe(id);
    const done = await processEvent({ store, repos, renderer }, claimed);
    expect(done).toMatchObject({ status: "processed" });
    return id;
  }

  /** The store with its rollback look-ups counted. */
  function counted() {
    const n = { events: 0 };
    const s = new Proxy(store, {
      get(t, k) {
        if (k === "events") n.events++;
        const v = Reflect.get(t, k);
        return typeof v === "function" ? v.bind(t) : v;
      },
    });
    return { s, n };
  }

  test("recorded under the rollback's id once the restored version is complete; the original untouched", async () => {
    const [old, bad] = ["3".repeat(40), "4".repeat(40)];
    await release("ev10", old, "nginx:333");
    await release("ev11", bad, "nginx:444");
    now = (await committedAt()) + 10;
    const { s, n } = counted();
    const published: ReleaseStepRecorded[] = [];
    const w = new RolloutWatch({ store: s, repos, now: () => now }, { publish: (e) => published.push(e) });
    await w.handle(web({ sha: bad }));
    expect((await rollout("ev11"))!.at).toBe(now);

    const id = await rollBack("ev10");
    now += 20;
    // Still the version rolled back from, then the restored one on its way: neither is the rollback's rollout.
    await w.handle(web({ sha: bad }));
    await w.handle(web({ sha: old, status: "progressing" }));
    await w.handle(web({ sha: old, available: 1 }));
    expect(await rollout(id)).toBeUndefined();
    now += 7;
    await w.handle(web({ sha: old }));
    expect(await rollout(id)).toEqual({ eventId: id, env: "staging", app: "web", step: "rollout complete", at: now });
    expect(published.map((p) => [p.eventId, p.step])).toEqual([
      ["ev11", "rollout complete"],
      [id, "rollout complete"],
    ]);
    // The rollback was looked up once, however many states came after it.
    expect(n.events).toBe(1);
    const first = now;
    now += 60;
    await w.handle(web({ sha: old }));
    // A restarted server (empty caches) records nothing new either, and never on the original request.
    const fresh = watcher();
    await fresh.w.handle(web({ sha: old }));
    expect(fresh.published).toEqual([]);
    expect((await rollout(id))!.at).toBe(first);
    expect(await store.releaseSteps("ev10")).toEqual([]);
    expect(n.events).toBe(1);
  });

  test("a restored version that does not come up fails the rollback's rollout, not the original's", async () => {
    const [good, broken] = ["5".repeat(40), "6".repeat(40)];
    await release("ev12", broken, "nginx:666");
    await release("ev13", good, "nginx:555");
    now = (await committedAt()) + 10;
    const { w, published } = watcher();
    await w.handle(web({ sha: good }));
    const id = await rollBack("ev12");
    now += 30;
    await w.handle(web({ sha: broken, status: "failed", reason: "ProgressDeadlineExceeded" }));
    expect((await failedStep(id))!.at).toBe(now);
    expect(await store.releaseSteps("ev12")).toEqual([]);
    expect(published.map((p) => [p.eventId, p.step])).toEqual([
      ["ev13", "rollout complete"],
      [id, "rollout failed"],
    ]);
  });

  test("a new release after the rollback is timed as its own again", async () => {
    const sha = "7".repeat(40);
    await release("ev14", sha, "nginx:777");
    now = (await committedAt()) + 5;
    const { w } = watcher();
    await w.handle(web({ sha }));
    expect((await rollout("ev14"))!.at).toBe(now);
  });
});
