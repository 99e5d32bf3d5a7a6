/**
 * Doing a thing once (issue 9): webhook deliveries are not replayed and artifacts are idempotent.
 * Real store, real bare repos, real worker, through app.request.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { retention, SqliteStore } from "../store/index.ts";
import { createApp } from "./app.ts";
import { artifact, secret, setup, sign } from "./api-hardening-setup.ts";
import { cleanUp } from "./test-kit.ts";

afterAll(cleanUp);

describe("webhook replays (issue 9 #12)", () => {
  test("a delivery id is acted on once, also after a restart, and forgotten after the retention", async () => {
    const s = await setup();
    const body = JSON.stringify({ ref: "feature/a", ref_type: "branch", repository: { full_name: "acme/web" } });
    const post = (app = s.app, delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") =>
      app.request("/api/webhooks/git", {
        method: "POST",
        headers: { "X-GitHub-Event": "delete", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sign(body) },
        body,
      });
    const first = await post();
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id });
    // A fresh server on the same data dir still knows the delivery.
    const store2 = new SqliteStore(join(s.dir, "gimlet.db"), { now: () => s.clock.now });
    const app2 = createApp({ store: store2, repos: s.repos, webhookSecret: secret });
    expect((await post(app2)).status).toBe(200);
    expect((await post(app2, "another-delivery")).status).toBe(201);
    expect(await s.store.eventCounts()).toEqual([{ type: "branchDeleted", status: "new", n: 2 }]);
    s.clock.now += retention.deliveries + 1;
    expect((await post()).status).toBe(201);
  });
});

describe("idempotent artifacts (issue 9 #16)", () => {
  test("the same Idempotency-Key gets the same artifact back and queues nothing twice", async () => {
    const s = await setup();
    const headers = { "Idempotency-Key": "ci-run-42" };
    const first = await s.req("POST", "/api/artifact", { body: artifact(), headers });
    expect(first.status).toBe(201);
    const stored = await first.text();
    const retry = await s.req("POST", "/api/artifact", { body: artifact(), headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(stored);
    expect(await s.store.queueDepth()).toBe(1);
    const other = await s.req("POST", "/api/artifact", {
      body: artifact({ version: { repositoryName: "acme/web", sha: "other" } }),
      headers,
    });
    expect(other.status).toBe(409);
    expect(
      (
        await s.req("POST", "/api/artifact", {
          body: artifact(),
          headers: { "Idempotency-Key": "bad key with spaces" },
        })
      ).status,
    ).toBe(400);
    expect(await s.store.queueDepth()).toBe(1);
  });

  test("an identical artifact for the same repo and sha within the window is not queued again", async () => {
    const s = await setup();
    const first = (await (await s.req("POST", "/api/artifact", { body: artifact() })).json()) as { id: string };
    // Same content, keys in another order.
    const reordered = {
      environments: artifact().environments,
      version: { event: "push", message: "change", branch: "main", sha: "abc123", repositoryName: "acme/web" },
    };
    const dup = await s.req("POST", "/api/artifact", { body: reordered });
    expect(dup.status).toBe(200);
    expect(((await dup.json()) as { id: string }).id).toBe(first.id);
    expect(await s.store.queueDepth()).toBe(1);
    // Another sha is another artifact; after the window the same one is new again.
    expect(
      (await s.req("POST", "/api/artifact", { body: artifact({ version: { ...artifact().version, sha: "def" } }) }))
        .status,
    ).toBe(201);
    s.clock.now += retention.artifactDigests + 1;
    expect((await s.req("POST", "/api/artifact", { body: artifact() })).status).toBe(201);
    expect(await s.store.queueDepth()).toBe(3);
  });
});
