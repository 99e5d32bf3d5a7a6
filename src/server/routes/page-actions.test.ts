/**
 * The dashboard's actions through app.request with a real store, hosted repos and an AgentHub whose
 * agent answers from the test: details and reconcile (CSRF, roles, the agent's answer escaped, no
 * agent / no answer / agent error as readable fragments), deleting users and envs behind their
 * confirmations, and the notification settings with their secrets kept out of the page.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AgentCommand, CommandResult } from "../../core/agent/wire.ts";
import { AgentHub, createUser } from "../../ops/index.ts";
import { createApp } from "../app.ts";
import { EventHub } from "../event-hub.ts";
import { Notifier, type NotifierConfig } from "../notify.ts";
import { Repos } from "../repos.ts";
import { browser, cleanUp, dataDir } from "../test-kit.ts";

afterAll(cleanUp);

type Answer = (cmd: AgentCommand) => CommandResult | undefined;

const pod = (name: string) => ({ name, status: "Running", ready: "1/1", restarts: 0, node: "n1" });
const liveState = {
  env: "staging",
  apps: [
    {
      key: "default/web",
      name: "web",
      namespace: "default",
      service: "web",
      workload: {
        kind: "Deployment" as const,
        name: "web",
        image: "nginx:1",
        replicas: { desired: 1, updated: 1, ready: 1, available: 1 },
        rollout: { status: "complete" as const },
      },
      pods: [pod("web-7d9f-a1")],
      ingresses: [],
      events: [],
    },
  ],
  flux: [{ kind: "Kustomization" as const, namespace: "flux-system", name: "gimlet-staging", ready: "True" }],
};

async function setup(o: { answer?: Answer; connect?: boolean; notify?: NotifierConfig; timeoutMs?: number } = {}) {
  const { dir, store, repos } = await dataDir({ prefix: "page-actions-", envs: [] });
  const deps = { store, repos };
  const { createEnv } = await import("../../ops/index.ts");
  await createEnv(deps, { name: "staging", builtin: true });
  const events = new EventHub();
  const agents = new AgentHub({ store, commandTimeoutMs: o.timeoutMs ?? 2000 });
  const commands: AgentCommand[] = [];
  if (o.connect !== false) {
    agents.connect("staging", undefined, {
      send: (cmd) => {
        commands.push(cmd);
        const r = o.answer?.(cmd);
        if (r && "id" in cmd) queueMicrotask(() => agents.result("staging", cmd.id, r));
      },
      close: () => {},
    });
  }
  await agents.snapshot({ v: 1, env: "staging", epoch: "e1", seq: 0, state: liveState });
  const notifier = o.notify ? new Notifier(o.notify) : undefined;
  const app = createApp({ store, repos, events, agents, notifier, sseHeartbeatMs: 50 });
  await createUser(deps, { login: "ann", role: "admin", password: "correct horse" });
  await createUser(deps, { login: "bob", role: "user", password: "battery staple" });
  return { store, app, dir, commands };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** A signed-in client whose posts carry the session's CSRF token. */
async function client(s: Setup, login: string, password: string) {
  const b = await browser(s, login, password);
  const csrf = await b.csrfOf();
  const post = (path: string, fields: Record<string, string>, h: Record<string, string> = {}) =>
    b.post(path, { _csrf: csrf, ...fields }, h);
  return { get: (path: string) => b.get(path), post, csrf };
}

const htmx = { "HX-Request": "true" };
const described = {
  kind: "Pod",
  namespace: "default",
  name: "web-7d9f-a1",
  createdAt: "2023-11-14T22:00:00Z",
  labels: { app: "web" },
  annotations: {},
  conditions: [{ type: "Ready", status: "False", reason: "ContainersNotReady", message: "<b>not ready</b>" }],
  containers: [
    {
      name: "web",
      image: "nginx:1",
      ports: ["80/TCP"],
      resources: { limits: { memory: "128Mi" } },
      ready: false,
      restarts: 4,
      state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s" } },
    },
  ],
  events: [{ type: "Warning", reason: "BackOff", message: "<script>alert(1)</script>", count: 5 }],
  phase: "Running",
  node: "n1",
};

describe("details and reconcile through the agent", () => {
  test("a user gets a pod's details as a fragment: conditions, containers, events, the agent's text escaped", async () => {
    const s = await setup({ answer: (cmd) => (cmd.action === "details" ? { ok: true, data: described } : undefined) });
    const bob = await client(s, "bob", "battery staple");
    const page = await (await bob.get("/envs/staging/apps/web")).text();
    expect(page).toContain('hx-post="/envs/staging/apps/web/details"');
    expect(page).toContain('name="pod" value="web-7d9f-a1"');
    expect(page).toContain('id="details-panel"');
    expect(page).toContain('hx-post="/envs/staging/reconcile"');

    const r = await bob.post("/envs/staging/apps/web/details", { pod: "web-7d9f-a1" }, htmx);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).not.toContain("<html");
    expect(html).toContain("ContainersNotReady");
    expect(html).toContain("waiting: CrashLoopBackOff, back-off 40s");
    expect(html).toContain("4 restarts");
    expect(html).toContain("limits memory=128Mi");
    expect(html).toContain("&lt;script>alert(1)&lt;/script>");
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<b>not ready");
    expect(s.commands).toMatchObject([{ action: "details", kind: "Pod", namespace: "default", name: "web-7d9f-a1" }]);

    // Without JavaScript the same answer comes as a page with a way back.
    const plain = await bob.post("/envs/staging/apps/web/details", {});
    expect(plain.status).toBe(200);
    const full = await plain.text();
    expect(full).toStartWith("<!doctype html>");
    expect(full).toContain('href="/envs/staging/apps/web"');
    expect(s.commands[1]).toMatchObject({ action: "details", kind: "Deployment", name: "web" });
  });

  test("without the CSRF token: 403 and nothing is sent to the agent", async () => {
    const s = await setup({ answer: () => ({ ok: true, data: {} }) });
    const bob = await client(s, "bob", "battery staple");
    for (const path of ["/envs/staging/apps/web/details", "/envs/staging/reconcile"]) {
      const r = await bob.post(path, { _csrf: "forged" }, htmx);
      expect(r.status).toBe(403);
      expect(await r.text()).toContain("CSRF");
    }
    expect(s.commands).toEqual([]);
  });

  test("reconcile asks Flux through the agent and says which objects", async () => {
    const s = await setup({ answer: () => ({ ok: true, data: { requestedAt: "2024-01-01T00:00:00Z" } }) });
    const bob = await client(s, "bob", "battery staple");
    const r = await bob.post("/envs/staging/reconcile", {}, htmx);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain("Reconcile requested for");
    expect(html).toContain("Kustomization <code>flux-system/gimlet-staging</code>");
    expect(s.commands).toMatchObject([{ action: "reconcile", kind: "Kustomization", name: "gimlet-staging" }]);
  });

  test("no agent → 409, no answer → 504, the agent's error → 502, each a readable fragment in place", async () => {
    const offline = await setup({ connect: false });
    const a = await client(offline, "bob", "battery staple");
    const r409 = await a.post("/envs/staging/apps/web/details", { pod: "web-7d9f-a1" }, htmx);
    expect(r409.status).toBe(409);
    const t409 = await r409.text();
    expect(t409).toContain("Details of pod web-7d9f-a1");
    expect(t409).toContain("no agent of env staging is connected");
    expect(t409).toContain("gimlet agent manifests --env staging");
    expect(t409).not.toContain("<html");

    const silent = await setup({ answer: () => undefined, timeoutMs: 50 });
    const b = await client(silent, "bob", "battery staple");
    const r504 = await b.post("/envs/staging/reconcile", {}, htmx);
    expect(r504.status).toBe(504);
    expect(await r504.text()).toContain("did not answer the reconcile command within 50 ms");

    const failing = await setup({ answer: () => ({ ok: false, error: 'pods "x" is forbidden', status: 403 }) });
    const c = await client(failing, "bob", "battery staple");
    const r502 = await c.post("/envs/staging/apps/web/details", {}, htmx);
    expect(r502.status).toBe(502);
    const t502 = await r502.text();
    expect(t502).toContain("the agent could not describe Deployment default/web");
    expect(t502).toContain("is forbidden (API server status 403)");
  });
});

describe("deleting users and envs from settings", () => {
  test("a user may not delete users or envs: 403 and both still there", async () => {
    const s = await setup();
    const bob = await client(s, "bob", "battery staple");
    expect((await bob.get("/settings/envs/staging/delete")).status).toBe(403);
    expect((await bob.post("/settings/envs/staging/delete", { confirm: "staging" })).status).toBe(403);
    expect((await bob.post("/settings/users/ann/delete", {})).status).toBe(403);
    expect(await s.store.env("staging")).toBeDefined();
    expect(await s.store.user("ann")).toBeDefined();
    const html = await (await bob.get("/settings")).text();
    expect(html).not.toContain("/delete");
  });

  test("admin: the confirmation names repos, releases and users; a wrong name or no CSRF deletes nothing", async () => {
    const s = await setup();
    await createUser(
      { store: s.store, repos: new Repos(s.dir) },
      { login: "agent-staging", role: "agent", env: "staging" },
    );
    const ann = await client(s, "ann", "correct horse");
    const confirm = await (await ann.get("/settings/envs/staging/delete")).text();
    expect(confirm).toContain(join(s.dir, "repos/staging-apps.git"));
    expect(confirm).toContain("deletes the 0 stored releases of its history mirror");
    expect(confirm).toContain("agent-staging");
    expect(confirm).toContain('name="keepRepo"');

    const wrong = await ann.post("/settings/envs/staging/delete", { confirm: "stagin" });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("Type staging exactly to confirm; nothing was deleted.");
    const forged = await ann.post("/settings/envs/staging/delete", { confirm: "staging", _csrf: "x" });
    expect(forged.status).toBe(403);
    expect(await s.store.env("staging")).toBeDefined();
    expect(existsSync(join(s.dir, "repos/staging-apps.git"))).toBe(true);

    const ok = await ann.post("/settings/envs/staging/delete", { confirm: "staging", keepRepo: "1" });
    expect(ok.status).toBe(303);
    expect(ok.headers.get("location")).toBe("/settings?done=env-deleted");
    expect(await s.store.env("staging")).toBeUndefined();
    expect(await s.store.user("agent-staging")).toBeUndefined();
    expect(existsSync(join(s.dir, "repos/staging-apps.git"))).toBe(false);
    expect(existsSync(join(s.dir, "deleted"))).toBe(true);
    expect(await (await ann.get("/settings?done=env-deleted")).text()).toContain("Environment deleted.");
  });

  test("admin deletes a user after confirming; never themself, nor the last admin", async () => {
    const s = await setup();
    const ann = await client(s, "ann", "correct horse");
    const settings = await (await ann.get("/settings")).text();
    expect(settings).toContain('href="/settings/users/bob/delete"');
    expect(settings).not.toContain('href="/settings/users/ann/delete"');
    expect(settings).toContain("(you: not deletable here)");
    expect(await (await ann.get("/settings/users/bob/delete")).text()).toContain("Delete user bob?");

    const self = await ann.post("/settings/users/ann/delete", {}, htmx);
    expect(self.status).toBe(409);
    expect(await self.text()).toContain("ann cannot delete their own account");
    expect((await ann.post("/settings/users/bob/delete", {})).status).toBe(303);
    expect(await s.store.user("bob")).toBeUndefined();
    expect(await s.store.user("ann")).toBeDefined();
  });
});

describe("notification settings", () => {
  test("provider, host and channels are shown; the token and the webhook URL's secret path never are", async () => {
    const s = await setup({
      notify: {
        provider: "slack",
        token: "xoxb-1234-SECRETTOKEN",
        url: "https://hooks.slack.example/services/T000/B000/XXXXSECRETPATH?key=QUERYSECRET",
        defaultChannel: "#deploys",
        channelMapping: "staging=#staging-deploys,prod=#prod",
      },
    });
    for (const who of [
      ["ann", "correct horse"],
      ["bob", "battery staple"],
    ] as const) {
      const html = await (await (await client(s, who[0], who[1])).get("/settings")).text();
      expect(html).toContain("Slack");
      expect(html).toContain("https://hooks.slack.example/…");
      expect(html).toContain("set (not shown)");
      expect(html).toContain("#staging-deploys");
      expect(html).toContain("#deploys");
      for (const secret of ["SECRETTOKEN", "xoxb", "XXXXSECRETPATH", "T000", "QUERYSECRET"]) {
        expect(html).not.toContain(secret);
      }
    }
    const none = await setup();
    const html = await (await (await client(none, "ann", "correct horse")).get("/settings")).text();
    expect(html).toContain("No notifications are configured.");
  });
});
