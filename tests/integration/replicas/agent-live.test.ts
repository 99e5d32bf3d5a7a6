/**
 * An agent's live state across `gimlet serve` replicas on one PostgreSQL: the agent (the fake agent
 * of tests/support, speaking the wire format over real HTTP) connects to replica A; replica B shows
 * the same apps within a second of an update, relays a restart and log lines from A's agent, shows the agent after
 * it moved to B, and after A is killed with -9 shows it disconnected with the last state, stale.
 * Real processes (GIMLET_BIN, else `bun src/main.ts`) and a real server (tests/support/postgres.ts).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvStateView } from "../../../src/core/agent/view.ts";
import { app, envState, FakeAgent } from "../../support/fake-agent.ts";
import { startPostgres, type TestPostgres } from "../../support/postgres.ts";
import { type Replica, startReplica, stopReplicas } from "../../support/replica.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-agent-replicas-"));

let pg: TestPostgres;
let dbUrl = "";
let admin = "";
let agentToken = "";
const replicas: Replica[] = [];
const agents: FakeAgent[] = [];

const auth = (t = admin) => ({ Authorization: `Bearer ${t}` });

async function stateOn(r: Replica): Promise<EnvStateView> {
  const res = await fetch(`${r.url}/api/envs/staging/state`, { headers: auth() });
  expect(res.status).toBe(200);
  return (await res.json()) as EnvStateView;
}

/** Polls `r`'s state until `ok` holds; returns it and how long it took. */
async function until(r: Replica, ok: (v: EnvStateView) => boolean, ms: number) {
  const start = Date.now();
  let v = await stateOn(r);
  while (!ok(v)) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms on ${r.url}: ${JSON.stringify(v).slice(0, 600)}`);
    await Bun.sleep(25);
    v = await stateOn(r);
  }
  return { v, ms: Date.now() - start };
}

const appNames = (v: EnvStateView) => v.state.apps.map((a) => a.name).join(",");

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase("agentlive");
  replicas.push(...(await Promise.all(Array.from({ length: 2 }, () => startReplica(dataDir, dbUrl)))));
  admin = replicas.find((r) => r.adminToken)?.adminToken ?? "";
  expect(admin).toMatch(/^glt_/);
  const env = await fetch(`${replicas[0]!.url}/api/envs`, {
    method: "POST",
    headers: auth(),
    body: JSON.stringify({ name: "staging", builtin: true }),
  });
  expect(env.status, await env.clone().text()).toBe(201);
  const u = await fetch(`${replicas[1]!.url}/api/user`, {
    method: "POST",
    headers: auth(),
    body: JSON.stringify({ login: "agent-staging", role: "agent", env: "staging" }),
  });
  expect(u.status, await u.clone().text()).toBe(201);
  agentToken = ((await u.json()) as { token: string }).token;
}, 90_000);

afterAll(async () => {
  for (const a of agents) a.disconnect();
  await stopReplicas(replicas);
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("an agent's live state on every replica", () => {
  test("agent on A: B shows its apps within a second of each update, live, and A's agent runs B's restart", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const agent = new FakeAgent(a.url, agentToken, "staging");
    agents.push(agent);
    await agent.register();
    expect((await agent.snapshot(envState("staging", [app("web"), app("api")]))).status).toBe(200);
    const first = await until(b, (v) => v.agent.connected && !v.stale && appNames(v) === "api,web", 2000);
    console.log(`snapshot on A seen on B after ${first.ms} ms`);

    // An update on A: B has it within a second, and agrees with A on every app.
    const worker = app("worker", { sha: "def5678" });
    expect((await agent.update([worker], ["default/api"])).status).toBe(200);
    const upd = await until(b, (v) => appNames(v) === "web,worker", 1000);
    console.log(`update on A seen on B after ${upd.ms} ms`);
    expect(upd.v.state.apps).toEqual((await stateOn(a)).state.apps);
    expect(upd.v.stale).toBe(false);

    // A command sent to B reaches the agent on A; its result comes back through B.
    const restart = fetch(`${b.url}/api/envs/staging/apps/web/restart`, { method: "POST", headers: auth() });
    const sent = await agent.next("restartDeployment", 5000);
    expect(sent).toMatchObject({ namespace: "default", name: "web", kind: "Deployment" });
    const at = "2026-01-01T00:00:00Z";
    expect((await agent.result(sent.id, { ok: true, data: { restartedAt: at } })).status).toBe(200);
    const res = await restart;
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ app: "web", name: "web", restartedAt: at });

    // The agent's own error comes back as the agent's error (502), not as a timeout.
    const details = fetch(`${b.url}/api/envs/staging/apps/web/details`, { headers: auth() });
    const d = await agent.next("details", 5000);
    await agent.result(d.id, { ok: false, error: 'deployments.apps "web" is forbidden', status: 403 });
    const dres = await details;
    expect(dres.status).toBe(502);
    expect(await dres.text()).toContain("is forbidden");

    // Logs watched on B come from the agent on A, pod by pod, and the stream ends when they do.
    const ac = new AbortController();
    const logs = await fetch(`${b.url}/api/envs/staging/apps/web/logs?tail=10`, { headers: auth(), signal: ac.signal });
    expect(logs.status).toBe(200);
    const body = logs.text();
    for (let i = 0; i < 2; i++) {
      const l = await agent.next("podLogs", 5000);
      expect(l.tailLines).toBe(10);
      await agent.result(l.id, { ok: true });
      expect((await agent.logs(l.id, { lines: [`${l.pod} line 1`, `${l.pod} line 2`] })).status).toBe(200);
      await agent.logs(l.id, { lines: [], done: true });
    }
    const text = await body;
    for (const pod of ["web-7d9f-a1", "web-7d9f-b2"]) {
      expect(text).toContain(`"pod":"${pod}","lines":["${pod} line 1","${pod} line 2"]`);
      expect(text).toContain(`event: pod-end\ndata: {"pod":"${pod}"}`);
    }
    expect(text).toContain("event: end");
  }, 30_000);

  test("the agent moves to B: both replicas show it connected with its new state", async () => {
    const [a, b] = replicas as [Replica, Replica];
    agents[0]!.disconnect();
    await until(a, (v) => !v.agent.connected, 3000);
    const moved = new FakeAgent(b.url, agentToken, "staging");
    agents.push(moved);
    await moved.register();
    await moved.snapshot(envState("staging", [app("web"), app("billing")]));
    for (const r of [a, b]) await until(r, (v) => v.agent.connected && !v.stale && appNames(v) === "billing,web", 2000);
    // Commands now go the other way: sent to A, run by the agent on B.
    const reconcile = fetch(`${a.url}/api/envs/staging/reconcile`, { method: "POST", headers: auth() });
    const r = await moved.next("reconcile", 5000);
    await moved.result(r.id, { ok: true, data: { requestedAt: "2026-01-01T00:00:01Z" } });
    expect((await reconcile).status).toBe(200);
  }, 30_000);

  test("the replica holding the agent is killed: the other shows it disconnected and the last state, stale", async () => {
    const [a, b] = replicas as [Replica, Replica];
    const holder = agents[1]!;
    expect((await holder.update([app("billing", { sha: "fff0001" })])).status).toBe(200);
    await until(a, (v) => v.state.apps.find((x) => x.name === "billing")?.sha === "fff0001", 1000);
    b.proc.kill("SIGKILL");
    const killedAt = Date.now();
    const gone = await until(a, (v) => !v.agent.connected, 10_000);
    console.log(`holder killed: the other replica shows the agent disconnected after ${Date.now() - killedAt} ms`);
    expect(gone.v.stale).toBe(true);
    expect(appNames(gone.v)).toBe("billing,web");
    expect(gone.v.state.apps.find((x) => x.name === "billing")?.sha).toBe("fff0001");
    // No agent anywhere: a command is a 409 at once, not a timeout.
    const res = await fetch(`${a.url}/api/envs/staging/apps/web/restart`, { method: "POST", headers: auth() });
    expect(res.status).toBe(409);
  }, 30_000);
});
