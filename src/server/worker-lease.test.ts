/**
 * The worker's queue lease with two workers (two "nodes") on one database: the lease is renewed
 * through a long event, and a worker that lost its lease writes nothing of its result.
 */
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { enqueue, DataDir, type ManifestRenderer, type RenderJob } from "../ops/index.ts";
import type { Artifact } from "../core/release/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { Renderer } from "./renderer.ts";
import { cleanUp, hostedEnv, onCleanUp, tempDir } from "./test-kit.ts";
import { Worker } from "./worker.ts";

afterEach(cleanUp);

async function setup() {
  const dir = tempDir("worker-lease-");
  const path = join(dir, "gimlet.db");
  const a = await openStore({ kind: "sqlite", path });
  const b = await openStore({ kind: "sqlite", path });
  const repos = new DataDir(dir);
  await hostedEnv({ store: a, repos });
  const renderer = new Renderer({ timeoutMs: 10_000 });
  onCleanUp(() => a.close());
  onCleanUp(() => b.close());
  onCleanUp(() => renderer.close());
  return { a, b, repos, renderer };
}

/** A render that waits until released: an event that takes as long as the test wants. */
function held(real: ManifestRenderer) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const s = {
    started: false,
    release,
    renderer: { load: async (job: RenderJob) => ((s.started = true), await gate, real.load(job)) },
  };
  return s;
}

const artifact = (tag: string): Artifact =>
  ({
    id: `acme/web-${tag}`,
    created: Math.floor(Date.now() / 1000),
    version: { repositoryName: "acme/web", sha: `sha-${tag}`, branch: "main", event: "push", message: "change" },
    environments: [
      {
        app: "web",
        env: "staging",
        namespace: "default",
        deploy: { branch: "main", event: "push" },
        values: { image: { repository: "nginx", tag } },
      },
    ],
  }) as Artifact;

async function until(what: () => boolean | Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > end) throw new Error("timed out");
    await Bun.sleep(10);
  }
}

test("a worker renews its lease through a long event; another node's worker takes nothing meanwhile", async () => {
  const { a, b, repos, renderer } = await setup();
  const slow = held(renderer);
  const wa = new Worker({ store: a, repos, renderer: slow.renderer, leaseNode: "node-a", leaseMs: 300 });
  const wb = new Worker({ store: b, repos, renderer, leaseNode: "node-b", leaseMs: 300 });
  const id = await enqueue({ store: a, repos }, { type: "artifact", artifact: artifact("1") });
  const running = wa.runOnce();
  await until(() => slow.started);
  const end = Date.now() + 1200; // four lease lengths
  while (Date.now() < end) {
    expect(await wb.runOnce()).toBe(false);
    await Bun.sleep(50);
  }
  slow.release();
  expect(await running).toBe(true);
  const e = (await b.event(id))!;
  expect([e.status, e.attempts, e.leaseOwner]).toEqual(["processed", 1, wa.lease.owner]);
});

test("a worker that lost its lease writes nothing and logs it; the new owner's result stands", async () => {
  const { a, b, repos, renderer } = await setup();
  // Worker A's database is cut off for renewals (a stalled process, a partition) while its render runs.
  let heal!: () => void;
  const healed = new Promise<void>((r) => (heal = r));
  const partitioned: Store = Object.assign(Object.create(a) as Store, {
    renewLease: async (...args: Parameters<Store["renewLease"]>) => (await healed, a.renewLease(...args)),
  });
  const logs: string[] = [];
  const slow = held(renderer);
  const processedByA: string[] = [];
  const wa = new Worker({
    store: partitioned,
    repos,
    renderer: slow.renderer,
    leaseNode: "node-a",
    leaseMs: 200,
    log: (m) => logs.push(m),
    onProcessed: (e) => processedByA.push(e.id),
  });
  const wb = new Worker({ store: b, repos, renderer, leaseNode: "node-b", leaseMs: 200 });
  const id = await enqueue({ store: a, repos }, { type: "artifact", artifact: artifact("2") });
  const running = wa.runOnce();
  await until(() => slow.started);
  await until(() => wb.runOnce());
  const taken = (await b.event(id))!;
  expect([taken.status, taken.attempts, taken.leaseOwner]).toEqual(["processed", 2, wb.lease.owner]);
  heal();
  await until(() => logs.includes("queue lease lost"));
  slow.release();
  expect(await running).toBe(true);
  expect(logs).toContain("queue lease lost: result not written");
  expect(processedByA).toEqual([]);
  expect(await a.event(id)).toMatchObject({
    status: "processed",
    attempts: 2,
    leaseOwner: wb.lease.owner,
    statusDesc: "",
  });
  const g = await repos.get((await a.env("staging"))!);
  expect((await g.history({ env: "staging", app: "web" })).length).toBe(1); // one commit, written once
});
