/**
 * A database that goes away in the middle of an event (a Postgres restart cuts the connection the
 * deploy was using) does not end the event as an error: the attempt stops, its lease runs out, and
 * the event is taken again once the database answers. The outage is injected on one store call of a
 * real SQLite store, as a lost Postgres connection surfaces there (UnavailableError).
 */
import { afterEach, expect, test } from "bun:test";
import { join } from "node:path";
import { UnavailableError } from "../core/errors.ts";
import type { Artifact } from "../core/release/index.ts";
import { DataDir, enqueue } from "../ops/index.ts";
import { openStore, type Store } from "../store/index.ts";
import { Renderer } from "./renderer.ts";
import { cleanUp, hostedEnv, onCleanUp, tempDir } from "./test-kit.ts";
import { Worker } from "./worker.ts";

afterEach(cleanUp);

const artifact: Artifact = {
  id: "acme/web-outage",
  created: Math.floor(Date.now() / 1000),
  version: { repositoryName: "acme/web", sha: "sha-outage", branch: "main", event: "push", message: "change" },
  environments: [
    {
      app: "web",
      env: "staging",
      namespace: "default",
      deploy: { branch: "main", event: "push" },
      values: { image: { repository: "nginx", tag: "v1" } },
    },
  ],
} as Artifact;

test("a lost database connection mid-deploy: the attempt stops, the event is retaken and processed once", async () => {
  const dir = tempDir("worker-outage-");
  const store = await openStore({ kind: "sqlite", path: join(dir, "gimlet.db") });
  const repos = new DataDir(dir);
  const renderer = new Renderer({ timeoutMs: 10_000 });
  onCleanUp(() => store.close());
  onCleanUp(() => renderer.close());
  await hostedEnv({ store, repos });
  // The env lookup inside the deploy is the call that meets the outage, once.
  let outages = 1;
  const flaky: Store = Object.assign(Object.create(store) as Store, {
    env: async (name: string) => {
      if (outages-- > 0) throw new UnavailableError("database unavailable: Connection closed");
      return store.env(name);
    },
  });
  const logs: string[] = [];
  const worker = new Worker({ store: flaky, repos, renderer, leaseNode: "n", leaseMs: 200, log: (m) => logs.push(m) });
  const id = await enqueue({ store, repos }, { type: "artifact", artifact });

  const first = await worker.runOnce().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(first).toBeInstanceOf(UnavailableError);
  // Not finished as an error: still this attempt's, waiting for its lease to run out.
  expect(await store.event(id)).toMatchObject({ status: "processing", attempts: 1 });

  await Bun.sleep(300);
  expect(await worker.runOnce()).toBe(true);
  const done = (await store.event(id))!;
  expect([done.status, done.attempts, done.statusDesc]).toEqual(["processed", 2, ""]);
  const g = await repos.get((await store.env("staging"))!);
  expect((await g.history({ env: "staging", app: "web", limit: 10 })).length).toBe(1);
});
