/**
 * The replica link of the agents' live state, two replicas in one process: each its own AgentHub,
 * its own PostgresStore connection to one real database, LISTEN/NOTIFY between them. What the
 * three-process test (tests/integration/replicas/agent-live.test.ts) cannot steer: a lost
 * notification, a delta too large to send, two downlinks of one agent, timeouts and a clean stop.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import type { AgentCommand } from "../core/agent/wire.ts";
import { ConflictError, TimeoutError } from "../core/errors.ts";
import type { HubEvent } from "../core/events.ts";
import { AgentHub } from "../ops/index.ts";
import { PostgresStore } from "../store/index.ts";
import { startPostgres, type TestPostgres } from "../../tests/support/postgres.ts";
import { app, envState } from "../../tests/support/fake-agent.ts";
import { type AgentBridge, bridgeAgents } from "./agent-bridge.ts";
import type { Bus } from "./event-bridge.ts";

let pg: TestPostgres;
beforeAll(async () => {
  pg = await startPostgres();
}, 60_000);
afterAll(async () => {
  await pg?.stop();
});

type Opts = { maxBytes?: number; commandTimeoutMs?: number; expireMs?: number };

interface Replica {
  name: string;
  hub: AgentHub;
  bridge: AgentBridge;
  store: PostgresStore;
  /** Events delivered to this replica's viewers: the hub's own and the bridge's local ones. */
  events: HubEvent[];
  /** Drops this replica's outgoing notifications of a kind while it returns true. */
  drop?: (kind: string) => boolean;
  /** The kinds of this replica's outgoing notifications, in order. */
  sent: string[];
}

const open: Replica[] = [];
afterEach(async () => {
  for (const r of open.splice(0)) {
    await r.bridge.stop();
    await r.hub.stop();
    await r.store.close();
  }
});

async function replica(name: string, url: string, o: Opts = {}) {
  const store = await PostgresStore.open(url, { max: 4 });
  const events: HubEvent[] = [];
  const { maxBytes, expireMs, ...hubOpts } = o;
  const hub = new AgentHub({ store, publish: (e) => events.push(e), persistMs: 50, coalesceMs: 10, ...hubOpts });
  const r = { name, hub, store, events, sent: [] } as unknown as Replica;
  const bus: Bus = {
    notify: (ch, payload) => {
      const kind = payload.startsWith("z:") ? "z" : (/"k":"(\w+)"/.exec(payload)?.[1] ?? "");
      r.sent.push(kind);
      return r.drop?.(kind) ? Promise.resolve() : store.notify(ch, payload);
    },
    listen: (ch, on, onListen) => store.listen(ch, on, onListen),
  };
  r.bridge = await bridgeAgents(hub, bus, {
    name,
    store,
    deliver: (e) => events.push(e),
    heartbeatMs: 100,
    expireMs: expireMs ?? 500,
    ...(maxBytes ? { maxBytes } : {}),
  });
  open.push(r);
  return r;
}

function downlink() {
  const d = { sent: [] as AgentCommand[], closed: false };
  return { d, link: { send: (c: AgentCommand) => void d.sent.push(c), close: () => void (d.closed = true) } };
}

async function eventually<T>(what: string, f: () => Promise<T> | T, ok: (v: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; last ${JSON.stringify(v).slice(0, 400)}`);
    await Bun.sleep(20);
  }
}

const appsOn = async (r: Replica) =>
  (await r.hub.view("staging")).state.apps
    .map((a) => a.name)
    .sort()
    .join(",");

/** Waits until `r` mirrors the other replica's agent: connected, synced, live. */
async function mirrored(r: Replica) {
  const v = await eventually(
    "mirror",
    () => r.hub.view("staging"),
    (v) => v.agent.connected && !v.stale,
  );
  expect(v.state.apps.length).toBeGreaterThan(0);
}

async function pair(o: Opts = {}) {
  const url = await pg.createDatabase();
  const a = await replica("a:1", url, o);
  const b = await replica("b:2", url, o);
  return { a, b };
}

async function agentOn(r: Replica, apps = [app("web"), app("api")]) {
  const { d, link } = downlink();
  const disconnect = r.hub.connect("staging", "", link);
  await r.hub.snapshot({ v: 1, env: "staging", epoch: "e1", seq: 1, state: envState("staging", apps) });
  return { d, disconnect, seq: 1 };
}

describe("agents' live state across replicas", () => {
  test("a lost delta is noticed by the holder's next heartbeat and healed from the store", async () => {
    const { a, b } = await pair();
    await agentOn(a);
    await mirrored(b);
    a.drop = (k) => k === "d";
    const u = { v: 1 as const, env: "staging", epoch: "e1", seq: 2, upserts: [app("worker")], removed: [] };
    expect(await a.hub.update(u)).toEqual({ ok: true });
    a.drop = undefined;
    const healed = await eventually(
      "healed",
      () => appsOn(b),
      (v) => v === "api,web,worker",
    );
    expect(healed).toBe("api,web,worker");
    expect((await b.hub.view("staging")).stale).toBe(false);
  });

  for (const [what, uuids, path] of [
    ["in parts", 40, "part"],
    ["through the store", 400, "stored"],
  ] as const) {
    test(`a delta too large for one notification reaches the mirror ${what}`, async () => {
      const { a, b } = await pair({ maxBytes: 600 });
      await agentOn(a);
      await mirrored(b);
      // Random text hardly compresses: 40 UUIDs need a few parts of 400 characters, 400 more than 16.
      const noise = Array.from({ length: uuids }, () => crypto.randomUUID()).join("");
      const big = app("big", { image: noise } as never);
      a.sent.length = 0;
      const u = { v: 1 as const, env: "staging", epoch: "e1", seq: 2, upserts: [big], removed: ["default/api"] };
      expect(await a.hub.update(u)).toEqual({ ok: true });
      await eventually(
        "big",
        () => appsOn(b),
        (v) => v === "big,web",
      );
      const bigApp = (await b.hub.view("staging")).state.apps.find((x) => x.name === "big");
      expect(JSON.stringify(bigApp)).toContain(noise);
      expect(a.sent).toContain(path);
      expect(a.sent).not.toContain(path === "part" ? "stored" : "part");
    });
  }

  test("the agent connects to a second replica while the first still holds it: the older downlink yields quietly", async () => {
    const { a, b } = await pair();
    const first = await agentOn(a);
    await mirrored(b);
    const second = await agentOn(b, [app("web")]);
    await eventually(
      "yielded",
      () => first.d.closed,
      (v) => v,
    );
    expect(a.events.filter((e) => e.type === "agent.disconnected")).toEqual([]);
    for (const r of [a, b]) {
      await eventually(
        `${r.name} shows b's state`,
        () => appsOn(r),
        (v) => v === "web",
      );
      expect((await r.hub.view("staging")).agent.connected).toBe(true);
    }
    // Commands now reach b's downlink, from either replica.
    const cmd = a.hub.command("staging", { action: "restartDeployment", namespace: "default", name: "web" });
    const sent = await eventually(
      "sent",
      () => second.d.sent,
      (s) => s.length === 1,
    );
    expect(first.d.sent).toEqual([]);
    expect(b.hub.result("staging", (sent[0] as { id: string }).id, { ok: true, data: { n: 1 } })).toBe(true);
    expect(await cmd).toEqual({ ok: true, data: { n: 1 } });
  });

  test("a forwarded command the holder's agent never answers times out on the asking replica (504)", async () => {
    const { a, b } = await pair({ commandTimeoutMs: 300 });
    const agent = await agentOn(a);
    await mirrored(b);
    const err = await b.hub
      .command("staging", { action: "details", kind: "Deployment", namespace: "default", name: "web" })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect(agent.d.sent.map((c) => c.action)).toEqual(["details"]);
  });

  test("a command to a replica whose agent just left fails as not connected (409), never as a timeout", async () => {
    const { a, b } = await pair({ commandTimeoutMs: 5000 });
    const agent = await agentOn(a);
    await mirrored(b);
    // b still believes a holds the agent: the command travels to a, which answers "gone".
    a.drop = (k) => k === "disc" || k === "hb";
    agent.disconnect();
    const started = Date.now();
    const err = await b.hub
      .command("staging", { action: "restartDeployment", namespace: "default", name: "web" })
      .catch((e: Error) => e);
    expect(err).toBeInstanceOf(ConflictError);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("logs watched on one replica are relayed from the agent on another, and stopping them stops the agent's", async () => {
    const { a, b } = await pair();
    const agent = await agentOn(a);
    await mirrored(b);
    const got: string[] = [];
    const sink = {
      lines: (pod: string, lines: string[], dropped?: number) => got.push(`${pod}: ${lines.join("|")} ${dropped ?? 0}`),
      podEnd: (pod: string, error?: string) => got.push(`${pod} ended ${error ?? ""}`),
    };
    const pod = { namespace: "default", name: "web-1" };
    const starting = b.hub.streamPodLogs("staging", pod, { follow: true }, sink);
    const sent = await eventually(
      "podLogs",
      () => agent.d.sent,
      (s) => s.length === 1,
    );
    const id = (sent[0] as { id: string }).id;
    expect(sent[0]).toMatchObject({ action: "podLogs", pod: "web-1", follow: true });
    a.hub.result("staging", id, { ok: true });
    const stop = await starting;
    // A long line in a chunk of many: parts, or halves, but every line arrives, in order.
    const many = Array.from({ length: 200 }, (_, i) => `line ${i} ${crypto.randomUUID()}`);
    expect(a.hub.logChunk("staging", id, { lines: many, dropped: 3 })).toBe(true);
    await eventually(
      "lines",
      () => got.join("\n"),
      (t) => t.includes("line 199"),
    );
    expect(got).toEqual([`web-1: ${many.join("|")} 3`]);
    stop();
    const stopped = await eventually(
      "stopPodLogs",
      () => agent.d.sent,
      (s) => s.length === 2,
    );
    expect(stopped[1]).toEqual({ action: "stopPodLogs", id });
    // The agent's next lines find nobody watching: it is told to stop (410 at the route).
    expect(a.hub.logChunk("staging", id, { lines: ["late"] })).toBe(false);
  });

  test("the viewer's replica goes silent: the holder stops the agent's log stream", async () => {
    const { a, b } = await pair();
    const agent = await agentOn(a);
    await mirrored(b);
    const sink = { lines: () => {}, podEnd: () => {} };
    const starting = b.hub.streamPodLogs("staging", { namespace: "default", name: "web-1" }, { follow: true }, sink);
    const sent = await eventually(
      "podLogs",
      () => agent.d.sent,
      (s) => s.length === 1,
    );
    const id = (sent[0] as { id: string }).id;
    a.hub.result("staging", id, { ok: true });
    await starting;
    await Bun.sleep(300);
    expect(agent.d.sent).toHaveLength(1);
    b.drop = () => true;
    const stopped = await eventually(
      "stopPodLogs",
      () => agent.d.sent,
      (s) => s.length === 2,
      3000,
    );
    expect(stopped[1]).toEqual({ action: "stopPodLogs", id });
  });

  test("a relayed log stream ends on the viewer's side when the agent's does, with its error", async () => {
    const { a, b } = await pair();
    const agent = await agentOn(a);
    await mirrored(b);
    const ends: string[] = [];
    const sink = { lines: () => {}, podEnd: (pod: string, error?: string) => void ends.push(`${pod}: ${error}`) };
    const starting = b.hub.streamPodLogs("staging", { namespace: "default", name: "web-1" }, {}, sink);
    const sent = await eventually(
      "podLogs",
      () => agent.d.sent,
      (s) => s.length === 1,
    );
    a.hub.result("staging", (sent[0] as { id: string }).id, { ok: false, error: 'pods "web-1" not found' });
    await starting;
    expect(ends).toEqual(['web-1: pods "web-1" not found']);
  });

  test("the holder stops cleanly: the other replica shows the agent disconnected at once, with an event", async () => {
    const { a, b } = await pair({ expireMs: 10_000 });
    await agentOn(a);
    await mirrored(b);
    const stopped = Date.now();
    await a.hub.stop();
    await a.bridge.stop();
    await eventually(
      "gone",
      () => b.hub.presence("staging").connected,
      (v) => !v,
      2000,
    );
    // Well before the 10 s expiry: the stop said so.
    expect(Date.now() - stopped).toBeLessThan(2000);
    expect(b.events).toContainEqual({ type: "agent.disconnected", env: "staging" });
    const v = await b.hub.view("staging");
    expect(v.stale).toBe(true);
    expect(await appsOn(b)).toBe("api,web");
  });

  test("a holder silent past the expiry shows disconnected; when it speaks again, connected", async () => {
    const { a, b } = await pair();
    await agentOn(a);
    await mirrored(b);
    a.drop = () => true;
    await eventually(
      "expired",
      () => b.events.some((e) => e.type === "agent.disconnected"),
      (v) => v,
      2000,
    );
    expect(b.hub.presence("staging").connected).toBe(false);
    a.drop = undefined;
    await eventually(
      "back",
      () => b.hub.presence("staging").connected,
      (v) => v,
      2000,
    );
    expect(b.events).toContainEqual({ type: "agent.connected", env: "staging" });
    expect(await appsOn(b)).toBe("api,web");
  });
});
