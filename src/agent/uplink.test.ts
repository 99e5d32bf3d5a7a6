/**
 * The uplink against a small receiver on Bun.serve that speaks the wire format of
 * src/core/agent/wire.ts the way `gimlet serve` will: SSE downlink, gzip JSON posts, seq checks.
 */
import { afterEach, expect, test } from "bun:test";
import { applyChanges, diffState } from "../core/agent/changes.ts";
import type { AppState, EnvState } from "../core/agent/state.ts";
import type { AgentCommand, AgentSnapshot, AgentUpdate } from "../core/agent/wire.ts";
import { Backoff } from "../core/backoff.ts";
import type { StateSource } from "./state-keeper.ts";
import { Uplink } from "./uplink.ts";

const app = (name: string, sha: string, pods = 1): AppState => ({
  key: `default/${name}`,
  name,
  namespace: "default",
  service: name,
  sha,
  pods: Array.from({ length: pods }, (_, i) => ({
    name: `${name}-${i}`,
    status: "Running",
    ready: "1/1",
    restarts: 0,
  })),
  ingresses: [],
  events: [],
});

/** A state source over a plain EnvState: what the StateKeeper does, minus the cluster. */
class MemorySource implements StateSource {
  state: EnvState = { env: "staging", apps: [], flux: [] };
  private sent: EnvState = this.state;
  private cb: (() => void) | undefined;
  set(apps: AppState[]): void {
    this.state = { ...this.state, apps: [...apps].sort((a, b) => a.key.localeCompare(b.key)) };
    this.cb?.();
  }
  snapshot(): EnvState {
    return (this.sent = this.state);
  }
  takeChanges() {
    const d = diffState(this.sent, this.state);
    this.sent = this.state;
    return d;
  }
  onDirty(cb: () => void): void {
    this.cb = cb;
  }
  async whenSynced(): Promise<void> {}
}

interface Received {
  kind: "snapshot" | "update" | "result";
  encoding: string | null;
  auth: string | null;
  body: AgentSnapshot | AgentUpdate | Record<string, unknown>;
  at: number;
}

/** The server side, as `gimlet serve` will implement it. */
function receiver(port = 0) {
  const r = {
    received: [] as Received[],
    registers: [] as URL[],
    state: undefined as EnvState | undefined,
    epoch: "",
    seq: 0,
    streams: new Set<ReadableStreamDefaultController<Uint8Array>>(),
    answer409Once: false,
    hangUpdates: false,
    ping: true,
    server: undefined as unknown as ReturnType<typeof Bun.serve>,
    send(cmd: unknown) {
      for (const c of r.streams) c.enqueue(new TextEncoder().encode(`data: ${JSON.stringify(cmd)}\n\n`));
    },
    stop() {
      for (const c of r.streams) c.close();
      r.streams.clear();
      r.server.stop(true);
    },
  };
  r.server = Bun.serve({
    hostname: "127.0.0.1",
    port,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.headers.get("authorization") !== "Bearer tok") return new Response("bad token", { status: 401 });
      if (url.pathname === "/agent/register") {
        r.registers.push(url);
        let ctl!: ReadableStreamDefaultController<Uint8Array>;
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            ctl = c;
            r.streams.add(c);
            if (r.ping) c.enqueue(new TextEncoder().encode(": ping\n\n"));
          },
          cancel() {
            r.streams.delete(ctl);
          },
        });
        return new Response(body, { headers: { "Content-Type": "text/event-stream" } });
      }
      const raw = new Uint8Array(await req.arrayBuffer());
      const encoding = req.headers.get("content-encoding");
      const body = JSON.parse(new TextDecoder().decode(encoding === "gzip" ? Bun.gunzipSync(raw) : raw));
      const rec = (kind: Received["kind"]) =>
        r.received.push({ kind, encoding, auth: req.headers.get("authorization"), body, at: performance.now() });
      if (url.pathname === "/agent/state" && url.searchParams.get("name") === "staging") {
        const s = body as AgentSnapshot;
        r.state = s.state;
        r.epoch = s.epoch;
        r.seq = s.seq;
        rec("snapshot");
        return new Response(null, { status: 204 });
      }
      if (url.pathname === "/agent/state/staging/update") {
        const u = body as AgentUpdate;
        rec("update");
        if (r.hangUpdates) return new Promise<Response>(() => {});
        if (r.answer409Once || !r.state || u.epoch !== r.epoch || u.seq !== r.seq + 1) {
          r.answer409Once = false;
          return new Response("gap", { status: 409 });
        }
        r.seq = u.seq;
        r.state = applyChanges(r.state, u);
        return new Response(null, { status: 204 });
      }
      if (url.pathname.startsWith("/agent/commands/")) {
        rec("result");
        return new Response(null, { status: 204 });
      }
      return new Response("not found", { status: 404 });
    },
  });
  return r;
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface SetupOptions {
  port?: number;
  silenceMs?: number;
  postTimeoutMs?: number;
  heartbeatMs?: number;
  commands?: AgentCommand[];
}

function setup(opts: SetupOptions = {}) {
  const rx = receiver(opts.port);
  cleanups.push(() => rx.stop());
  const source = new MemorySource();
  const uplink = new Uplink({
    server: `http://127.0.0.1:${rx.server.port}/`,
    token: "tok",
    env: "staging",
    namespace: "apps",
    source,
    onCommand: (c) => opts.commands?.push(c),
    backoff: new Backoff({ baseMs: 20, capMs: 100 }),
    silenceMs: opts.silenceMs,
    postTimeoutMs: opts.postTimeoutMs,
    heartbeatMs: opts.heartbeatMs,
  });
  cleanups.push(() => uplink.stop());
  return { rx, source, uplink };
}

async function until(what: string, f: () => boolean, ms = 5000): Promise<void> {
  const t = Date.now();
  while (!f()) {
    if (Date.now() - t > ms) throw new Error(`timed out: ${what}`);
    await Bun.sleep(5);
  }
}

test("connects, then sends the full state as a gzip snapshot with the token", async () => {
  const { rx, source, uplink } = setup();
  source.set([app("web", "a"), app("api", "b")]);
  uplink.start();
  await until("snapshot accepted", () => rx.received.length === 1 && uplink.connected);
  expect(rx.registers[0]!.search).toBe("?name=staging&namespace=apps&heartbeat=10");
  const [s] = rx.received;
  expect(s!.kind).toBe("snapshot");
  expect(s!.encoding).toBe("gzip");
  expect(s!.auth).toBe("Bearer tok");
  expect((s!.body as AgentSnapshot).seq).toBe(1);
  expect(rx.state).toEqual(source.state);
});

test("a quiet agent posts an empty update every heartbeat, declared at register; a busy one needs none", async () => {
  const { rx, source, uplink } = setup({ heartbeatMs: 150 });
  source.set([app("web", "a")]);
  uplink.start();
  await until("snapshot accepted", () => rx.received.length === 1 && uplink.connected);
  // 150 ms rounds up to the wire's 1 s minimum.
  expect(rx.registers[0]!.searchParams.get("heartbeat")).toBe("1");
  await Bun.sleep(500);
  const beats = rx.received.filter((r) => r.kind === "update");
  expect(beats.length).toBeGreaterThanOrEqual(2);
  expect(beats.length).toBeLessThanOrEqual(4);
  expect(beats.map((b) => (b.body as AgentUpdate).upserts.length + (b.body as AgentUpdate).removed.length)).toEqual(
    beats.map(() => 0),
  );
  // In sequence, so the server accepts them as updates.
  expect(rx.seq).toBe(1 + beats.length);
  // While changes flow every 50 ms, they are the heartbeat: no empty update is added.
  const before = rx.received.length;
  for (let i = 0; i < 8; i++) {
    source.set([app("web", `b${i}`)]);
    await Bun.sleep(50);
  }
  await Bun.sleep(60);
  const during = rx.received.slice(before).map((r) => (r.body as AgentUpdate).upserts.length);
  expect(during.filter((n) => n === 0).length).toBeLessThanOrEqual(1);
});

test("many changes within the window become one update per app, newest state, next seq", async () => {
  const { rx, source, uplink } = setup();
  source.set([app("web", "a"), app("api", "a")]);
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  for (let i = 1; i <= 20; i++) source.set([app("web", `a${i}`, 1 + (i % 3)), app("api", "a")]);
  source.set([app("web", "final", 3)]);
  await until("update", () => rx.received.length === 2);
  await Bun.sleep(150);
  expect(rx.received).toHaveLength(2);
  const u = rx.received[1]!.body as AgentUpdate;
  expect(u.seq).toBe(2);
  expect(u.upserts.map((a) => [a.key, a.sha])).toEqual([["default/web", "final"]]);
  expect(u.removed).toEqual(["default/api"]);
  expect(rx.state).toEqual(source.state);
});

test("an update reaches the server within the 100 ms window", async () => {
  const { rx, source, uplink } = setup();
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  const t = performance.now();
  source.set([app("web", "x")]);
  await until("update", () => rx.received.length === 2);
  // The window is 100 ms; the rest is slack for a busy CI machine.
  expect(rx.received[1]!.at - t).toBeLessThan(350);
});

test("a 409 (the server saw a gap) is answered with a snapshot, and the states converge", async () => {
  const { rx, source, uplink } = setup();
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  rx.answer409Once = true;
  source.set([app("web", "1")]);
  await until("second snapshot", () => rx.received.filter((x) => x.kind === "snapshot").length === 2);
  expect(rx.received.map((x) => x.kind)).toEqual(["snapshot", "update", "snapshot"]);
  expect(rx.state).toEqual(source.state);
  expect(uplink.stats.gaps).toBe(1);
});

test("refetch asks for a snapshot; other commands go to the handler; a malformed one is ignored", async () => {
  const commands: AgentCommand[] = [];
  const { rx, uplink } = setup({ commands });
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  rx.send({ action: "bogus" });
  rx.send({ action: "podLogs", id: "L1", namespace: "default", pod: "web-0", tailLines: 50 });
  rx.send({ action: "refetch" });
  await until("refetch snapshot", () => rx.received.length === 2 && commands.length === 1);
  expect(rx.received[1]!.kind).toBe("snapshot");
  expect(commands).toEqual([{ action: "podLogs", id: "L1", namespace: "default", pod: "web-0", tailLines: 50 }]);
});

test("server gone: nothing queues; after it is back the agent reconnects and sends one snapshot of the newest state", async () => {
  const { rx, source, uplink } = setup();
  source.set([app("web", "1")]);
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  const port = rx.server.port;
  rx.stop();
  await until("disconnected", () => !uplink.connected);
  for (let i = 0; i < 500; i++) source.set([app("web", `v${i}`), app(`app${i % 7}`, "x")]);
  await Bun.sleep(200);
  const rx2 = receiver(port);
  cleanups.push(() => rx2.stop());
  await until("reconnected", () => rx2.received.length >= 1, 5000);
  await Bun.sleep(150);
  expect(rx2.received.map((x) => x.kind)).toEqual(["snapshot"]);
  expect(rx2.state).toEqual(source.state);
  expect((rx2.received[0]!.body as AgentSnapshot).seq).toBeGreaterThan(1);
  expect(uplink.stats.connects).toBe(2);
});

test("a downlink silent after its first ping counts as dead: the agent reconnects and snapshots again", async () => {
  const { rx, uplink } = setup({ silenceMs: 150 });
  uplink.start();
  await until("two registers", () => rx.registers.length >= 2, 3000);
  await until("two snapshots", () => rx.received.filter((x) => x.kind === "snapshot").length >= 2, 3000);
});

test("a server that never answers register is given up on after the silence window", async () => {
  const { rx, uplink } = setup({ silenceMs: 150 });
  rx.ping = false;
  uplink.start();
  await until("two registers", () => rx.registers.length >= 2, 3000);
  expect(rx.received).toHaveLength(0);
});

test("command results wait (bounded) while the server is away and arrive after reconnecting", async () => {
  const { rx, uplink } = setup();
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  const port = rx.server.port;
  rx.stop();
  await until("disconnected", () => !uplink.connected);
  for (let i = 0; i < 105; i++) await uplink.sendResult(`c${i}`, { ok: true });
  const rx2 = receiver(port);
  cleanups.push(() => rx2.stop());
  await until("results", () => rx2.received.filter((x) => x.kind === "result").length === 100, 5000);
  expect(uplink.stats.droppedResults).toBe(5);
});

test("a wrong token never gets past register; the agent keeps retrying with backoff", async () => {
  const rx = receiver();
  cleanups.push(() => rx.stop());
  const lines: string[] = [];
  const uplink = new Uplink({
    server: `http://127.0.0.1:${rx.server.port}`,
    token: "wrong",
    env: "staging",
    source: new MemorySource(),
    onCommand: () => {},
    backoff: new Backoff({ baseMs: 10, capMs: 40 }),
    log: (l) => lines.push(l),
  });
  cleanups.push(() => uplink.stop());
  uplink.start();
  await until("three attempts", () => lines.length >= 3);
  expect(lines[0]).toMatch(/^uplink: register: 401 bad token; reconnecting in /);
  expect(rx.received).toHaveLength(0);
});

test("a post the server never answers times out; the agent reconnects and starts over with a snapshot", async () => {
  const { rx, source, uplink } = setup({ postTimeoutMs: 150 });
  uplink.start();
  await until("snapshot", () => rx.received.length === 1);
  rx.hangUpdates = true;
  source.set([app("web", "1")]);
  await until("a second snapshot", () => rx.received.filter((x) => x.kind === "snapshot").length === 2, 3000);
  expect(rx.state).toEqual(source.state);
  expect(uplink.stats.connects).toBe(2);
});
