/**
 * The routers ask the access policy: every route of the app (read from Hono's route table, so a new
 * route is covered without touching this file) refuses what the table refuses, with the API's JSON
 * 401/403 or git's plain-text ones; the event stream shows an env-bound token only its env.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { Role } from "../core/access.ts";
import type { HubEvent } from "../core/events.ts";
import { SseParser, type SseMessage } from "../core/sse.ts";
import { createApp } from "./app.ts";
import type { AppEnv } from "./auth.ts";
import { EventHub } from "./event-hub.ts";
import { onError } from "./http-errors.ts";
import { allow, policyAsked } from "./policy.ts";
import { cleanUp, dataDir } from "./test-kit.ts";

afterAll(cleanUp);

async function setup() {
  const { dir, store, repos } = await dataDir({ prefix: "policy-", envs: ["staging", "prod"] });
  const events = new EventHub();
  const app = createApp({ store, repos, events, dataDir: dir, webhookSecret: "s" });
  const token = async (login: string, role: Role, env = "") => {
    await store.createUser(login, role, env);
    return await store.issueToken(login);
  };
  const tokens = {
    admin: await token("root", "admin"),
    user: await token("dev", "user"),
    userStaging: await token("dev-staging", "user", "staging"),
    fluxStaging: await token("flux-staging", "flux", "staging"),
    agentStaging: await token("agent-staging", "agent", "staging"),
  };
  const req = (method: string, path: string, tok?: string, headers: Record<string, string> = {}) =>
    app.request(path, { method, headers: { ...(tok ? { Authorization: `Bearer ${tok}` } : {}), ...headers } });
  return { app, store, events, tokens, req };
}

/** Every method + path the app answers but the signed webhook and the health probes, params filled. */
function routes(app: { routes: { method: string; path: string }[] }): { method: string; path: string }[] {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) {
    if (r.method === "ALL" || r.path.startsWith("/api/webhooks") || /^\/(healthz|readyz)$/.test(r.path)) continue;
    const path = r.path
      .replace(":name", "staging-apps.git")
      .replace(":login", "dev")
      .replace(":id", "1")
      .replace(":env", "staging")
      .replace(":app", "web")
      .replace(/^(\/agent\/(register|state|commands\/1\/result|logs\/1))$/, "$1?name=staging")
      .replace("/info/refs", "/info/refs?service=git-upload-pack");
    seen.set(`${r.method} ${path}`, { method: r.method, path });
  }
  return [...seen.values()];
}

describe("every route asks the access policy", () => {
  test("an agent token is refused everywhere but its env's /agent routes, with the reason", async () => {
    const s = await setup();
    const all = routes(s.app);
    expect(all.length).toBeGreaterThan(20);
    const own = (path: string) => path.startsWith("/agent/");
    const got: string[] = [];
    for (const { method, path } of all) {
      const r = await s.req(method, path, s.tokens.agentStaging);
      if (own(path)) {
        // The register downlink never ends: only its status is read.
        await r.body?.cancel();
        got.push(`${method} ${path} ${r.status === 401 || r.status === 403 ? r.status : "passes"}`);
        continue;
      }
      const text = await r.text();
      got.push(`${method} ${path} ${r.status} ${text.includes("agent role may not") ? "says why" : text.slice(0, 80)}`);
    }
    expect(got).toEqual(all.map(({ method, path }) => `${method} ${path} ${own(path) ? "passes" : "403 says why"}`));
    const prod = await s.req("POST", "/agent/state?name=prod", s.tokens.agentStaging);
    expect([prod.status, await prod.json()]).toEqual([
      403,
      { error: "the token of agent-staging may agent.state only for env staging" },
    ]);
  });

  test("a flux token bound to staging posts Flux events and reads staging's repo, nothing else", async () => {
    const s = await setup();
    const allowed = new Set([
      "POST /api/flux-events",
      "GET /git/staging-apps.git/info/refs?service=git-upload-pack",
      "POST /git/staging-apps.git/git-upload-pack",
    ]);
    const got: string[] = [];
    for (const { method, path } of routes(s.app)) {
      const r = await s.req(method, path, s.tokens.fluxStaging);
      const want = allowed.has(`${method} ${path}`) ? "not 401/403" : "403";
      const status = r.status === 401 || r.status === 403 ? String(r.status) : "not 401/403";
      got.push(`${method} ${path} ${status === want ? "ok" : `${r.status}: ${(await r.text()).slice(0, 80)}`}`);
    }
    expect(got.filter((g) => !g.endsWith(" ok"))).toEqual([]);
    const prodRepo = await s.req("GET", "/git/prod-apps.git/info/refs?service=git-upload-pack", s.tokens.fluxStaging);
    expect([prodRepo.status, await prodRepo.text()]).toEqual([
      403,
      'the token of flux-staging is scoped to env staging; it may not act on env "prod"\n',
    ]);
  });

  test("no token: the API answers 401 JSON with a Bearer challenge, git 401 text with a Basic one", async () => {
    const s = await setup();
    for (const { method, path } of routes(s.app)) {
      const r = await s.req(method, path);
      const git = path.startsWith("/git/");
      expect({ path, status: r.status, type: r.headers.get("content-type")?.split(";")[0] }).toEqual({
        path,
        status: 401,
        type: git ? "text/plain" : "application/json",
      });
      expect(r.headers.get("www-authenticate")).toBe(git ? 'Basic realm="gimlet"' : 'Bearer realm="gimlet"');
    }
  });

  test("users deploy and read but manage no users or tokens; an env-bound user stays in its env", async () => {
    const s = await setup();
    for (const [method, path] of [
      ["GET", "/api/users"],
      ["POST", "/api/user"],
      ["DELETE", "/api/user/dev"],
      ["POST", "/api/user/dev/token"],
      ["GET", "/api/user/dev/tokens"],
      ["DELETE", "/api/tokens/1"],
    ] as const) {
      const r = await s.req(method, path, s.tokens.user);
      expect({ path, status: r.status, error: ((await r.json()) as { error: string }).error }).toEqual({
        path,
        status: 403,
        error: expect.stringMatching(/^the user role may not (user|token)\.manage$/),
      });
    }
    expect((await s.req("GET", "/api/status?env=prod", s.tokens.user)).status).toBe(200);
    expect((await s.req("GET", "/metrics", s.tokens.user)).status).toBe(200);
    expect((await s.req("GET", "/api/status?env=staging", s.tokens.userStaging)).status).toBe(200);
    for (const path of ["/api/status?env=prod", "/api/releases?env=prod", "/api/gitopsRepo?env=prod"]) {
      const r = await s.req("GET", path, s.tokens.userStaging);
      expect({ path, status: r.status }).toEqual({ path, status: 403 });
    }
    const repo = await s.req("GET", "/api/gitopsRepo", s.tokens.userStaging);
    expect(await repo.json()).toEqual({ gitopsRepo: "builtin/staging-apps" });
    const names = async (tok: string) =>
      ((await (await s.req("GET", "/api/envs", tok)).json()) as { name: string }[]).map((e) => e.name).sort();
    expect([await names(s.tokens.admin), await names(s.tokens.user), await names(s.tokens.userStaging)]).toEqual([
      ["prod", "staging"],
      ["prod", "staging"],
      ["staging"],
    ]);
    const create = await s.app.request("/api/envs", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.tokens.user}`, "Content-Type": "application/json" },
      body: JSON.stringify({ name: "qa", builtin: true }),
    });
    expect([create.status, ((await create.json()) as { error: string }).error]).toEqual([
      403,
      "the user role may not env.create",
    ]);
  });

  test("hosted git: users may not read, flux may not push; refusals are plain text git prints", async () => {
    const s = await setup();
    const refs = (service: string, repo = "staging") => `/git/${repo}-apps.git/info/refs?service=${service}`;
    const read = await s.req("GET", refs("git-upload-pack"), s.tokens.user);
    expect([read.status, read.headers.get("content-type"), await read.text()]).toEqual([
      403,
      "text/plain; charset=utf-8",
      "the user role may not git.read\n",
    ]);
    const push = await s.req("GET", refs("git-receive-pack"), s.tokens.fluxStaging);
    expect([push.status, await push.text()]).toEqual([403, "the flux role may not git.write\n"]);
    expect((await s.req("GET", refs("git-receive-pack"), s.tokens.admin)).status).toBe(200);
    const basic = { Authorization: `Basic ${btoa("gimlet:wrong")}` };
    const bad = await s.req("GET", refs("git-upload-pack"), undefined, basic);
    expect([bad.status, bad.headers.get("www-authenticate"), await bad.text()]).toEqual([
      401,
      'Basic realm="gimlet"',
      "invalid or revoked token\n",
    ]);
    const missing = await s.req("GET", refs("git-upload-pack", "nowhere"), s.tokens.admin);
    expect([missing.status, await missing.text()]).toEqual([404, "not found\n"]);
  });

  test("a route that never asked the policy does not answer (500), however it was reached", async () => {
    const app = new Hono<AppEnv>();
    app.onError(onError);
    app.use(async (c, next) => {
      c.set("user", { id: 1, login: "root", role: "admin", env: "", created: 0 });
      await next();
    });
    app.use(policyAsked);
    app.get("/asked", allow("status.read"), (c) => c.json({ ok: true }));
    app.get("/forgot", (c) => c.json({ secret: true }));
    expect((await app.request("/asked")).status).toBe(200);
    const forgot = await app.request("/forgot");
    expect([forgot.status, await forgot.json()]).toEqual([500, { error: "internal error" }]);
  });
});

describe("GET /api/events and env-bound tokens", () => {
  test("a token bound to staging gets staging's events only, narrowed to staging's part", async () => {
    const s = await setup();
    const res = await s.req("GET", "/api/events", s.tokens.userStaging);
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parser = new SseParser();
    const got: SseMessage[] = [];
    const both = [
      { env: "staging", app: "web" },
      { env: "prod", app: "web" },
    ];
    const result = (env: string, hash: string) => ({ app: "web", env, hash, status: "success", statusDesc: "" });
    const published: HubEvent[] = [
      { type: "env.created", env: "prod", builtin: true },
      { type: "release.queued", eventId: "e1", kind: "artifact", targets: both },
      { type: "gitops.commit-status", sha: "a".repeat(40), env: "prod", status: "ReconciliationSucceeded", desc: "" },
      {
        type: "release.processed",
        eventId: "e1",
        kind: "artifact",
        targets: both,
        status: "processed",
        statusDesc: "",
        gitopsHashes: ["s1", "p1"],
        results: [result("staging", "s1"), result("prod", "p1")],
      },
      { type: "release.queued", eventId: "e2", kind: "branchDeleted", targets: [] },
      { type: "gitops.commit-status", sha: "b".repeat(40), env: "staging", status: "ReconciliationFailed", desc: "" },
    ];
    for (const e of published) s.events.publish(e);
    const dec = new TextDecoder();
    while (got.length < 3) {
      const { value, done } = await reader.read();
      if (done) break;
      got.push(...parser.push(dec.decode(value, { stream: true })));
    }
    await reader.cancel();
    const data = got.map((m) => {
      const { time: _, ...rest } = JSON.parse(m.data) as HubEvent & { time: number };
      return rest;
    });
    expect(data).toEqual([
      { type: "release.queued", eventId: "e1", kind: "artifact", targets: [both[0]!] },
      {
        type: "release.processed",
        eventId: "e1",
        kind: "artifact",
        targets: [both[0]!],
        status: "processed",
        statusDesc: "",
        gitopsHashes: ["s1"],
        results: [result("staging", "s1")],
      },
      published[5]!,
    ]);
  });

  test("?env= of another env is a 403 for a bound token", async () => {
    const s = await setup();
    const r = await s.req("GET", "/api/events?env=prod", s.tokens.userStaging);
    expect(r.status).toBe(403);
  });
});
