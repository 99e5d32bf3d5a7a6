/**
 * The agent routes through app.request: who may speak for which env, body caps (on the wire and
 * inflated), bad bodies stored nowhere, sequence gaps answered with 409 + `refetch`, the persisted
 * state shown stale after a restart, and a dropped downlink noticed.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvStateView } from "../../core/agent/view.ts";
import type { HubEvent } from "../../core/events.ts";
import { SseParser } from "../../core/sse.ts";
import { AgentHub } from "../../ops/index.ts";
import { SqliteStore } from "../../store/index.ts";
import { app as appState, envState } from "../../../tests/support/fake-agent.ts";
import { createApp } from "../app.ts";
import { EventHub } from "../event-hub.ts";
import { Repos } from "../repos.ts";
import { builtinEnv } from "../test-kit.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function setup(o: { dir?: string; maxBytes?: number; maxInflatedBytes?: number } = {}) {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "agent-routes-"));
  if (!o.dir) dirs.push(dir);
  const store = new SqliteStore(join(dir, "gimlet.db"));
  const repos = new Repos(dir);
  const tokens: Record<string, string> = {};
  if (!o.dir) {
    for (const name of ["staging", "prod"]) {
      await store.createEnv(builtinEnv(name));
    }
    const mk = async (login: string, role: "admin" | "user" | "agent", env = "") => {
      await store.createUser(login, role, env);
      tokens[login] = await store.issueToken(login);
    };
    await mk("root", "admin");
    await mk("dev", "user");
    await mk("agent-staging", "agent", "staging");
    await mk("agent-unbound", "agent");
  } else {
    for (const login of ["root", "agent-staging"]) tokens[login] = await store.issueToken(login);
  }
  const events = new EventHub();
  const published: HubEvent[] = [];
  const agents = new AgentHub({
    store,
    publish: (e) => (published.push(e), events.publish(e)),
    commandTimeoutMs: 300,
    coalesceMs: 30,
    persistMs: 20,
  });
  const app = createApp({
    store,
    repos,
    events,
    agents,
    agentBody: { maxBytes: o.maxBytes ?? 64 * 1024, maxInflatedBytes: o.maxInflatedBytes ?? 256 * 1024 },
  });
  const post = (path: string, body: unknown, tok: string, gzip = true) =>
    app.request(path, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${tok}`,
        "Content-Type": "application/json",
        ...(gzip ? { "Content-Encoding": "gzip" } : {}),
      },
      body: (typeof body === "string" || body instanceof Uint8Array
        ? body
        : gzip
          ? Bun.gzipSync(new TextEncoder().encode(JSON.stringify(body)))
          : JSON.stringify(body)) as BodyInit,
    });
  const get = (path: string, tok = tokens.root!) => app.request(path, { headers: { Authorization: `Bearer ${tok}` } });
  const view = async (env = "staging") => (await (await get(`/api/envs/${env}/state`)).json()) as EnvStateView;
  /** Opens a downlink; returns its commands as they arrive and a way to drop it. */
  const register = async (tok = tokens["agent-staging"]!, env = "staging") => {
    const abort = new AbortController();
    const res = await app.request(`/agent/register?name=${env}&namespace=`, {
      headers: { Authorization: `Bearer ${tok}` },
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parser = new SseParser();
    let raw = "";
    const commands: unknown[] = [];
    const pump = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          const text = new TextDecoder().decode(value);
          raw += text;
          for (const m of parser.push(text)) commands.push(JSON.parse(m.data));
        }
      } catch {}
    })();
    return {
      commands,
      raw: () => raw,
      async drop() {
        abort.abort();
        await reader.cancel().catch(() => {});
        await pump;
      },
    };
  };
  const snap = (seq: number, state = envState("staging", [appState("web")]), epoch = "e1") => ({
    v: 1,
    env: state.env,
    epoch,
    seq,
    state,
  });
  return { dir, store, app, agents, tokens, post, get, view, register, snap, published, events };
}

const until = async (ok: () => boolean | Promise<boolean>, ms = 3000) => {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await Bun.sleep(10);
  }
};

describe("who may speak for an env", () => {
  test("only the env's agent token (or an admin) posts its state; others get 401/403 with the reason", async () => {
    const s = await setup();
    const body = s.snap(1);
    const cases: [string, string | undefined, number][] = [
      ["staging", s.tokens["agent-staging"], 200],
      ["staging", s.tokens.root, 200],
      ["prod", s.tokens["agent-staging"], 403],
      ["staging", s.tokens.dev, 403],
      ["staging", s.tokens["agent-unbound"], 403],
      ["staging", "not-a-token", 401],
    ];
    const got = [];
    for (const [env, tok, want] of cases) {
      const r = await s.post(
        `/agent/state?name=${env}`,
        env === "staging" ? body : s.snap(1, envState("prod", [])),
        tok!,
      );
      const text = await r.text();
      got.push([env, r.status, want === 200 ? "" : JSON.parse(text).error]);
    }
    expect(got).toEqual([
      ["staging", 200, ""],
      ["staging", 200, ""],
      ["prod", 403, "the token of agent-staging may agent.state only for env staging"],
      ["staging", 403, "the user role may not agent.state"],
      ["staging", 403, "the token of agent-unbound may agent.state only once bound to an env (user create --env)"],
      ["staging", 401, "invalid or revoked token"],
    ]);
    const upd = await s.post(
      "/agent/state/prod/update",
      { v: 1, env: "prod", epoch: "e", seq: 2, upserts: [], removed: [] },
      s.tokens["agent-staging"]!,
    );
    expect(upd.status).toBe(403);
    const reg = await s.get("/agent/register?name=prod", s.tokens["agent-staging"]!);
    expect(reg.status).toBe(403);
    expect((await s.view("prod")).state.apps).toEqual([]);
  });

  test("an env that does not exist is a 404 naming it", async () => {
    const s = await setup();
    const r = await s.post("/agent/state?name=qa", s.snap(1, envState("qa", [])), s.tokens.root!);
    expect([r.status, ((await r.json()) as { error: string }).error]).toEqual([
      404,
      'environment "qa" does not exist (gimlet env create qa)',
    ]);
  });
});

describe("bodies", () => {
  test("over the wire cap or inflating past its cap: 413, nothing stored", async () => {
    const s = await setup({ maxBytes: 4096, maxInflatedBytes: 64 * 1024 });
    const noise = crypto.getRandomValues(new Uint8Array(8192));
    const big = await s.post("/agent/state?name=staging", noise, s.tokens["agent-staging"]!);
    expect([big.status, await big.json()]).toEqual([413, { error: "request body larger than 4 KiB" }]);
    // A small gzip bomb: 1 MiB of spaces is about 1 KiB on the wire.
    const bomb = Bun.gzipSync(new TextEncoder().encode(`{"v":1,"x":"${" ".repeat(1024 * 1024)}"}`));
    expect(bomb.byteLength).toBeLessThan(4096);
    const r = await s.post("/agent/state?name=staging", bomb, s.tokens["agent-staging"]!);
    expect([r.status, await r.json()]).toEqual([413, { error: "request body inflates to more than 64 KiB" }]);
    expect(await s.store.agentState("staging")).toBeUndefined();
  });

  test("malformed JSON, bad gzip, a wrong shape: 400 naming the problem, nothing stored", async () => {
    const s = await setup();
    const tok = s.tokens["agent-staging"]!;
    const bad = async (body: unknown, gzip = true) => {
      const r = await s.post("/agent/state?name=staging", body, tok, gzip);
      return [r.status, ((await r.json()) as { error: string }).error];
    };
    expect(await bad(Bun.gzipSync(new TextEncoder().encode('{"v":1,')))).toEqual([
      400,
      expect.stringMatching(new RegExp("^" + RegExp.escape("the request body is not valid JSON"))),
    ]);
    expect(await bad(new TextEncoder().encode("not gzip at all"))).toEqual([
      400,
      expect.stringMatching(new RegExp("^" + RegExp.escape("the request body is not valid gzip"))),
    ]);
    const noApps = s.snap(1);
    delete (noApps.state as Partial<typeof noApps.state>).apps;
    expect(await bad(noApps)).toEqual([400, "body.state.apps: must be a list"]);
    const badPod = s.snap(1, envState("staging", [appState("web", { pods: [{ name: "p" } as never] })]));
    expect(await bad(badPod)).toEqual([400, "body.state.apps[0].pods[0].status: must be a string"]);
    expect(await bad({ ...s.snap(1), env: "prod" })).toEqual([
      400,
      'body.env: is "prod" but the request is for env "staging"',
    ]);
    expect(await bad({ ...s.snap(1), v: 2 })).toEqual([
      400,
      "body.v: must be 1 (this server speaks wire version 1), got 2",
    ]);
    const dup = s.snap(1, envState("staging", [appState("web"), appState("web")]));
    expect(await bad(dup)).toEqual([400, 'body.state.apps[1].key: "default/web" appears twice']);
    expect(await s.store.agentState("staging")).toBeUndefined();
    expect((await s.view()).state.apps).toEqual([]);
    // Plain JSON without Content-Encoding is accepted too.
    const plain = await s.post("/agent/state?name=staging", s.snap(1), tok, false);
    expect(plain.status).toBe(200);
  });
});

describe("sequence", () => {
  test("updates apply in order; a gap or another epoch is a 409 and the downlink gets refetch", async () => {
    const s = await setup();
    const tok = s.tokens["agent-staging"]!;
    const link = await s.register();
    expect((await s.post("/agent/state?name=staging", s.snap(1), tok)).status).toBe(200);
    const web2 = appState("web", { sha: "def5678" });
    const upd = (seq: number, epoch = "e1", upserts = [web2], removed: string[] = []) =>
      s.post("/agent/state/staging/update", { v: 1, env: "staging", epoch, seq, upserts, removed }, tok);
    expect((await upd(2)).status).toBe(200);
    expect((await upd(3, "e1", [appState("api")])).status).toBe(200);
    expect((await s.view()).state.apps.map((a) => `${a.name}@${a.sha}`)).toEqual(["api@abc1234", "web@def5678"]);
    const gap = await upd(5, "e1", [], ["default/web"]);
    expect([gap.status, await gap.json()]).toEqual([
      409,
      { error: "update refused: sequence gap: expected 4, got 5; send a full snapshot (POST /agent/state)" },
    ]);
    expect((await upd(4, "other")).status).toBe(409);
    await until(() => link.commands.length === 2);
    expect(link.commands).toEqual([{ action: "refetch" }, { action: "refetch" }]);
    // Nothing of the refused updates was applied.
    expect((await s.view()).state.apps.map((a) => a.name)).toEqual(["api", "web"]);
    expect((await upd(4, "e1", [], ["default/api"])).status).toBe(200);
    expect((await s.view()).state.apps.map((a) => a.name)).toEqual(["web"]);
    await link.drop();
  });

  test("an update before any snapshot (a restarted server) is a 409", async () => {
    const s = await setup();
    const r = await s.post(
      "/agent/state/staging/update",
      { v: 1, env: "staging", epoch: "e", seq: 9, upserts: [], removed: [] },
      s.tokens["agent-staging"]!,
    );
    expect([r.status, await r.json()]).toEqual([
      409,
      { error: "update refused: no snapshot from this agent yet; send a full snapshot (POST /agent/state)" },
    ]);
  });
});

describe("connection and staleness", () => {
  test("after a restart the last state shows, stale, until the agent reconnects and sends a snapshot", async () => {
    const s = await setup();
    const tok = s.tokens["agent-staging"]!;
    const link = await s.register();
    await s.post("/agent/state?name=staging", s.snap(1), tok);
    await s.post(
      "/agent/state/staging/update",
      { v: 1, env: "staging", epoch: "e1", seq: 2, upserts: [appState("api")], removed: [] },
      tok,
    );
    const live = await s.view();
    expect([live.stale, live.agent.connected, live.state.apps.map((a) => a.name)]).toEqual([
      false,
      true,
      ["api", "web"],
    ]);
    await link.drop();
    await s.agents.stop();
    s.store.close();

    const t = await setup({ dir: s.dir });
    const before = await t.view();
    expect([before.stale, before.agent.connected, before.state.apps.map((a) => a.name)]).toEqual([
      true,
      false,
      ["api", "web"],
    ]);
    expect(before.updated).toBeGreaterThan(0);
    const back = await t.register(t.tokens["agent-staging"]);
    expect((await t.view()).stale).toBe(true);
    await t.post(
      "/agent/state?name=staging",
      t.snap(1, envState("staging", [appState("web")]), "e2"),
      t.tokens["agent-staging"]!,
    );
    const after = await t.view();
    expect([after.stale, after.agent.connected, after.state.apps.map((a) => a.name)]).toEqual([false, true, ["web"]]);
    await back.drop();
    await t.agents.stop();
  });

  test("GET /api/envs shows each env's agent; a dropped downlink is noticed and announced", async () => {
    const s = await setup();
    const envs = async () =>
      (
        (await (await s.get("/api/envs")).json()) as {
          name: string;
          agent: { connected: boolean; lastSeen?: number };
        }[]
      ).map((e) => [e.name, e.agent.connected, typeof e.agent.lastSeen]);
    expect(await envs()).toEqual([
      ["prod", false, "undefined"],
      ["staging", false, "undefined"],
    ]);
    const link = await s.register();
    expect(link.raw()).toStartWith(": ping\n\n");
    expect(await envs()).toEqual([
      ["prod", false, "undefined"],
      ["staging", true, "number"],
    ]);
    await link.drop();
    await until(async () => (await envs())[1]![1] === false);
    expect(await envs()).toEqual([
      ["prod", false, "undefined"],
      ["staging", false, "number"],
    ]);
    expect(s.published.filter((e) => e.type.startsWith("agent."))).toEqual([
      { type: "agent.connected", env: "staging" },
      { type: "agent.disconnected", env: "staging" },
    ]);
  });

  test("a second agent of the env replaces the first; the first's close does not disconnect the env", async () => {
    const s = await setup();
    const first = await s.register();
    const second = await s.register();
    await first.drop();
    expect((await s.view()).agent.connected).toBe(true);
    await second.drop();
    await until(async () => !(await s.view()).agent.connected);
  });
});

describe("app state events", () => {
  test("changes are published per app, coalesced: a burst of updates to one app is one event", async () => {
    const s = await setup();
    const tok = s.tokens["agent-staging"]!;
    await s.post("/agent/state?name=staging", s.snap(1, envState("staging", [appState("web"), appState("api")])), tok);
    await until(() => s.published.filter((e) => e.type === "app.state").length === 2);
    s.published.length = 0;
    for (let seq = 2; seq <= 6; seq++) {
      const web = appState("web", { sha: `sha${seq}` });
      const r = await s.post(
        "/agent/state/staging/update",
        { v: 1, env: "staging", epoch: "e1", seq, upserts: [web], removed: [] },
        tok,
      );
      expect(r.status).toBe(200);
    }
    await s.post(
      "/agent/state/staging/update",
      { v: 1, env: "staging", epoch: "e1", seq: 7, upserts: [], removed: ["default/api"] },
      tok,
    );
    await Bun.sleep(100);
    const got = s.published
      .filter((e) => e.type === "app.state")
      .map((e) => (e.type === "app.state" ? [e.app, e.removed ?? false, e.state?.sha ?? null] : []));
    expect(got.sort()).toEqual([
      ["default/api", true, null],
      ["default/web", false, "sha6"],
    ]);
  });
});

describe("commands", () => {
  test("no agent: 409 saying so; an agent that never answers: 504 naming the command; a late result: 404", async () => {
    const s = await setup();
    const tok = s.tokens["agent-staging"]!;
    await s.post("/agent/state?name=staging", s.snap(1), tok);
    const restart = () =>
      s.app.request("/api/envs/staging/apps/web/restart", {
        method: "POST",
        headers: { Authorization: `Bearer ${s.tokens.root}` },
      });
    const none = await restart();
    expect([none.status, ((await none.json()) as { error: string }).error]).toEqual([
      409,
      "no agent of env staging is connected (deploy one with gimlet agent manifests --env staging)",
    ]);
    const link = await s.register();
    const silent = await restart();
    expect([silent.status, ((await silent.json()) as { error: string }).error]).toEqual([
      504,
      expect.stringMatching(
        new RegExp(
          "^" + RegExp.escape("the agent of env staging did not answer the restartDeployment command within 300 ms"),
        ),
      ),
    ]);
    const cmd = link.commands.find((c) => (c as { action: string }).action === "restartDeployment") as { id: string };
    expect(cmd).toMatchObject({ action: "restartDeployment", namespace: "default", name: "web", kind: "Deployment" });
    const late = await s.post(`/agent/commands/${cmd.id}/result?name=staging`, { ok: true }, tok);
    expect(late.status).toBe(404);
    const missing = await s.app.request("/api/envs/staging/apps/nope/restart", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.tokens.root}` },
    });
    expect([missing.status, ((await missing.json()) as { error: string }).error]).toEqual([
      404,
      'env staging has no app "nope" (apps: web)',
    ]);
    await link.drop();
  });

  test("a user bound to another env may not restart; the agent token may not use the API", async () => {
    const s = await setup();
    await s.store.createUser("dev-prod", "user", "prod");
    const tok = await s.store.issueToken("dev-prod");
    const r = await s.app.request("/api/envs/staging/apps/web/restart", {
      method: "POST",
      headers: { Authorization: `Bearer ${tok}` },
    });
    expect(r.status).toBe(403);
    expect((await s.get("/api/envs/staging/state", s.tokens["agent-staging"]!)).status).toBe(403);
  });
});
