/**
 * The agent protocol over real HTTP (Bun.serve): a fake agent written from the wire format registers,
 * posts its state, gets a restart command and answers it; a log stream reaches an SSE viewer and is
 * stopped at the agent when the viewer leaves; a killed agent is noticed within the ping interval.
 */
import { afterAll, expect, test } from "bun:test";
import type { EnvStateView } from "../core/agent/view.ts";
import { SseParser, type SseMessage } from "../core/sse.ts";
import { FakeAgent, app as appState, envState } from "../../tests/support/fake-agent.ts";
import { builtinEnv, cleanUp, dataDir, listen, onCleanUp } from "./test-kit.ts";

afterAll(cleanUp);

async function serve() {
  const { store, repos } = await dataDir({ prefix: "agent-http-", envs: [] });
  onCleanUp(() => store.close());
  await store.createEnv(builtinEnv("staging"));
  await store.createUser("root", "admin");
  await store.createUser("agent-staging", "agent", "staging");
  const admin = await store.issueToken("root");
  const agentToken = await store.issueToken("agent-staging");
  const { url } = listen({ store, repos, agentPingMs: 200 }, { idleTimeout: 10 });
  const api = (path: string, init: RequestInit = {}) =>
    fetch(url + path, { ...init, headers: { Authorization: `Bearer ${admin}`, ...init.headers } });
  return { url, api, agent: new FakeAgent(url, agentToken, "staging") };
}

/** Reads SSE messages of a response as they come. */
function sse(res: Response) {
  const reader = res.body!.getReader();
  const parser = new SseParser();
  const queue: SseMessage[] = [];
  return {
    async next(ms = 5000): Promise<SseMessage> {
      const end = Date.now() + ms;
      while (!queue.length) {
        const r = await Promise.race([
          reader.read(),
          Bun.sleep(Math.max(0, end - Date.now())).then(() => "timeout" as const),
        ]);
        if (r === "timeout") throw new Error("no SSE message in time");
        if (r.done) throw new Error("stream ended");
        queue.push(...parser.push(new TextDecoder().decode(r.value)));
      }
      return queue.shift()!;
    },
    cancel: () => reader.cancel(),
  };
}

test("register, state, a restart answered, logs relayed and stopped when the viewer leaves", async () => {
  const s = await serve();
  await s.agent.register();
  expect(s.agent.raw).toStartWith(": ping\n\n");
  expect((await s.agent.snapshot(envState("staging", [appState("web")]))).status).toBe(200);
  const view = (await (await s.api("/api/envs/staging/state")).json()) as EnvStateView;
  expect([view.stale, view.agent.connected, view.state.apps[0]!.pods.map((p) => p.status)]).toEqual([
    false,
    true,
    ["Running", "Running"],
  ]);

  // restart: the API call waits for the agent's result
  const restart = s.api("/api/envs/staging/apps/web/restart", { method: "POST" });
  const cmd = await s.agent.next("restartDeployment");
  expect(cmd).toMatchObject({ namespace: "default", name: "web", kind: "Deployment" });
  expect((await s.agent.result(cmd.id, { ok: true, data: { restartedAt: "2024-05-01T10:00:00Z" } })).status).toBe(200);
  const res = await restart;
  expect([res.status, await res.json()]).toEqual([
    200,
    {
      env: "staging",
      app: "web",
      namespace: "default",
      kind: "Deployment",
      name: "web",
      restartedAt: "2024-05-01T10:00:00Z",
    },
  ]);

  // an error from the API server comes back as a 502 with its message
  const failing = s.api("/api/envs/staging/apps/web/details?pod=web-7d9f-a1");
  const det = await s.agent.next("details");
  expect(det).toMatchObject({ kind: "Pod", namespace: "default", name: "web-7d9f-a1" });
  await s.agent.result(det.id, { ok: false, error: 'pods "web-7d9f-a1" is forbidden', status: 403 });
  const f = await failing;
  expect([f.status, await f.json()]).toEqual([
    502,
    {
      error:
        'the agent could not describe Pod default/web-7d9f-a1: pods "web-7d9f-a1" is forbidden (API server status 403)',
    },
  ]);

  // logs: one podLogs command per pod; lines reach the viewer; leaving stops both streams at the agent
  const viewer = await s.api("/api/envs/staging/apps/web/logs?follow=1&tail=5&container=app");
  expect([viewer.status, viewer.headers.get("content-type")]).toEqual([200, "text/event-stream; charset=utf-8"]);
  const events = sse(viewer);
  expect(await events.next()).toEqual({
    event: "start",
    data: JSON.stringify({ pods: ["web-7d9f-a1", "web-7d9f-b2"] }),
  });
  const a = await s.agent.next("podLogs");
  const b = await s.agent.next("podLogs");
  expect([a, b].map((c) => [c.pod, c.follow, c.tailLines, c.container]).sort()).toEqual([
    ["web-7d9f-a1", true, 5, "app"],
    ["web-7d9f-b2", true, 5, "app"],
  ]);
  await s.agent.result(a.id, { ok: true });
  await s.agent.result(b.id, { ok: true });
  expect((await s.agent.logs(a.id, { lines: ["hello", "world"] })).status).toBe(200);
  const m = await events.next();
  expect([m.event, JSON.parse(m.data)]).toEqual(["log", { pod: a.pod, lines: ["hello", "world"] }]);
  await events.cancel();
  const stops = [await s.agent.next("stopPodLogs"), await s.agent.next("stopPodLogs")].map((c) => c.id).sort();
  expect(stops).toEqual([a.id, b.id].sort());
  // Lines posted after the viewer left are refused: the agent's cue to stop.
  expect((await s.agent.logs(b.id, { lines: ["late"] })).status).toBe(410);
  s.agent.disconnect();
});

test("a log stream that ends at the agent ends the viewer's stream", async () => {
  const s = await serve();
  await s.agent.register();
  await s.agent.snapshot(
    envState("staging", [appState("api", { pods: [{ name: "api-1", status: "Running", ready: "1/1", restarts: 0 }] })]),
  );
  const viewer = await s.api("/api/envs/staging/apps/api/logs?tail=2");
  const events = sse(viewer);
  expect((await events.next()).event).toBe("start");
  const c = await s.agent.next("podLogs");
  expect(c.follow).toBeUndefined();
  await s.agent.result(c.id, { ok: true });
  await s.agent.logs(c.id, { lines: ["a", "b"], done: true });
  const got = [await events.next(), await events.next(), await events.next()].map((m) => [m.event, JSON.parse(m.data)]);
  expect(got).toEqual([
    ["log", { pod: "api-1", lines: ["a", "b"] }],
    ["pod-end", { pod: "api-1" }],
    ["end", {}],
  ]);
  s.agent.disconnect();
});

test("a killed agent is marked disconnected within the ping interval", async () => {
  const s = await serve();
  await s.agent.register();
  await s.agent.snapshot(envState("staging", [appState("web")]));
  const connected = async () =>
    ((await (await s.api("/api/envs")).json()) as { agent: { connected: boolean } }[])[0]!.agent.connected;
  expect(await connected()).toBe(true);
  // Pings keep coming while it is up.
  await Bun.sleep(450);
  expect(s.agent.raw.split(": ping").length - 1).toBeGreaterThanOrEqual(3);
  const t0 = performance.now();
  s.agent.disconnect();
  while (await connected()) await Bun.sleep(10);
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(200 + 100);
  const view = (await (await s.api("/api/envs/staging/state")).json()) as EnvStateView;
  expect([view.stale, view.state.apps.length]).toEqual([true, 1]);
});

test("an agent that declared heartbeats and went quiet (frozen: no FIN) is dropped after three", async () => {
  const s = await serve();
  const auth = { Authorization: `Bearer ${s.agent.token}` };
  const res = await fetch(`${s.url}/agent/register?name=staging&namespace=&heartbeat=1`, { headers: auth });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const ended = (async () => {
    while (!(await reader.read()).done);
    return performance.now();
  })();
  const t0 = performance.now();
  const connected = async () =>
    ((await (await s.api("/api/envs/staging/state")).json()) as EnvStateView).agent.connected;
  expect(await connected()).toBe(true);
  await Bun.sleep(2000);
  // Quiet for two periods: not yet.
  expect(await connected()).toBe(true);
  while (await connected()) await Bun.sleep(50);
  const s1 = (performance.now() - t0) / 1000;
  expect(s1).toBeGreaterThan(3);
  expect(s1).toBeLessThan(4.5);
  // The server ended the stream, so a thawed agent reconnects.
  expect(((await ended) - t0) / 1000).toBeLessThan(4.6);
}, 10_000);

test("a bad heartbeat at register is a 400 naming the field", async () => {
  const s = await serve();
  const auth = { Authorization: `Bearer ${s.agent.token}` };
  for (const v of ["0", "abc", "3601"]) {
    const res = await fetch(`${s.url}/agent/register?name=staging&heartbeat=${v}`, { headers: auth });
    const text = await res.text();
    expect([v, res.status]).toEqual([v, 400]);
    expect(text).toContain("heartbeat");
  }
});
