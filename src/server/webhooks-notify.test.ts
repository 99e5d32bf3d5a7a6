import { afterAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { channelFor, Notifier } from "./notify.ts";
import { adminToken, cleanUp, testServer } from "./test-kit.ts";

afterAll(cleanUp);

/** A local stand-in for Slack/Discord/webhook receivers: records what it is sent. */
function receiver(failFirst = 0) {
  const got: { path: string; auth: string | null; body: any }[] = [];
  let fails = failFirst;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      if (fails-- > 0) return new Response("busy", { status: 503 });
      got.push({ path: new URL(req.url).pathname, auth: req.headers.get("authorization"), body: await req.json() });
      return Response.json({ ok: true });
    },
  });
  return { url: `http://127.0.0.1:${server.port}`, got, stop: () => server.stop(true) };
}

async function setup(notifier?: Notifier) {
  const { store, repos, worker, app } = await testServer({
    prefix: "server-hooks-",
    worker: { notifier },
    app: { notifier, webhookSecret: "s3cret" },
  });
  return { store, repos, worker, app, token: await adminToken(store) };
}

const sign = (body: string) => `sha256=${createHmac("sha256", "s3cret").update(body).digest("hex")}`;

describe("POST /api/webhooks/git", () => {
  test("a signed branch deletion runs the cleanup policy of that branch's preview app", async () => {
    const s = await setup();
    const preview = {
      app: "web-{{ .BRANCH | sanitizeDNSName }}",
      env: "staging",
      namespace: "default",
      deploy: { branch: "feature/*", event: "push" },
      cleanup: { app: "web-{{ .BRANCH | sanitizeDNSName }}", event: "branchDeleted", branch: "feature/*" },
      values: { image: { repository: "nginx", tag: "x" } },
    };
    const art = {
      version: { repositoryName: "acme/web", sha: "abc", branch: "feature/login", event: "push" },
      environments: [preview],
    };
    await s.app.request("/api/artifact", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.token}` },
      body: JSON.stringify(art),
    });
    while (await s.worker.runOnce());
    const g = await s.repos.get((await s.store.env("staging"))!);
    expect(Object.keys(await g.status({ env: "staging" }))).toContain("web-feature-login");
    const body = JSON.stringify({ ref: "feature/login", ref_type: "branch", repository: { full_name: "acme/web" } });
    const r = await s.app.request("/api/webhooks/git", {
      method: "POST",
      headers: { "X-GitHub-Event": "delete", "X-Hub-Signature-256": sign(body) },
      body,
    });
    expect(r.status).toBe(201);
    while (await s.worker.runOnce());
    expect(Object.keys(await g.status({ env: "staging" }))).not.toContain("web-feature-login");
  });

  test("refuses a bad signature and an oversized body", async () => {
    const s = await setup();
    const body = JSON.stringify({ ref: "x", ref_type: "branch", repository: { full_name: "a/b" } });
    expect(
      (
        await s.app.request("/api/webhooks/git", {
          method: "POST",
          headers: { "X-GitHub-Event": "delete", "X-Hub-Signature-256": "sha256=00" },
          body,
        })
      ).status,
    ).toBe(401);
    expect(
      (await s.app.request("/api/webhooks/git", { method: "POST", headers: { "X-GitHub-Event": "delete" }, body }))
        .status,
    ).toBe(401);
    const big = "x".repeat(2 * 1024 * 1024);
    expect(
      (
        await s.app.request("/api/webhooks/git", {
          method: "POST",
          headers: { "X-Hub-Signature-256": sign(big) },
          body: big,
        })
      ).status,
    ).toBe(413);
    expect(await s.store.queueDepth()).toBe(0);
  });
});

describe("notifications", () => {
  test("maps envs to channels", () => {
    expect(
      channelFor(
        { provider: "slack", channelMapping: "staging=stg, production=prod", defaultChannel: "all" },
        "production",
      ),
    ).toBe("prod");
    expect(channelFor({ provider: "slack", channelMapping: "staging=stg", defaultChannel: "all" }, "dev")).toBe("all");
  });

  test("a deploy posts a Slack chat.postMessage to the env's channel, retrying a failing receiver", async () => {
    const rx = receiver(1);
    const n = new Notifier({ provider: "slack", token: "xoxb-1", url: rx.url, channelMapping: "staging=deploys" });
    const s = await setup(n);
    const art = {
      version: { repositoryName: "acme/web", sha: "abc", branch: "main", event: "push" },
      environments: [
        { app: "web", env: "staging", namespace: "default", deploy: { branch: "main", event: "push" }, values: {} },
      ],
    };
    await s.app.request("/api/artifact", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.token}` },
      body: JSON.stringify(art),
    });
    while (await s.worker.runOnce());
    for (let i = 0; i < 50 && rx.got.length === 0; i++) await Bun.sleep(50);
    rx.stop();
    expect(rx.got[0]).toMatchObject({
      path: "/api/chat.postMessage",
      auth: "Bearer xoxb-1",
      body: { channel: "deploys", text: "Policy based rollout of web on staging" },
    });
  });

  test("a receiver that never answers does not block or fail the release", async () => {
    const n = new Notifier({ provider: "webhook", url: "http://127.0.0.1:1/nothing" }, () => {}, 0);
    const s = await setup(n);
    const art = {
      version: { repositoryName: "acme/web", sha: "abc", branch: "main", event: "push" },
      environments: [
        { app: "web", env: "staging", namespace: "default", deploy: { branch: "main", event: "push" }, values: {} },
      ],
    };
    await s.app.request("/api/artifact", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.token}` },
      body: JSON.stringify(art),
    });
    while (await s.worker.runOnce());
    expect(await s.store.eventCounts()).toEqual([{ type: "artifact", status: "processed", n: 1 }]);
  });
});
