/** GET /api/events over real HTTP: Bun.serve, a real store, fetch as the client. */
import { afterAll, describe, expect, test } from "bun:test";
import type { HubEvent } from "../../core/events.ts";
import { SseParser, type SseMessage } from "../../core/sse.ts";
import { EventHub } from "../event-hub.ts";
import { builtinEnv, cleanUp, dataDir, listen, onCleanUp } from "../test-kit.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";

afterAll(cleanUp);

async function start(o: { heartbeatMs?: number; idleTimeout?: number; liftTimeout?: boolean } = {}) {
  const { store, repos } = await dataDir({ prefix: "events-", envs: [] });
  onCleanUp(() => store.close());
  const hub = new EventHub();
  const { url } = listen(
    { store, repos, events: hub, sseHeartbeatMs: o.heartbeatMs },
    { idleTimeout: o.idleTimeout ?? 30, liftTimeout: o.liftTimeout },
  );
  const tokens: Record<string, string> = {};
  for (const role of ["admin", "user", "flux", "agent"] as const) {
    await store.createUser(`${role}-1`, role);
    tokens[role] = await store.issueToken(`${role}-1`);
  }
  return { url, hub, store, tokens };
}

/** An SSE client that keeps the raw text too (to see comments) and can be closed. */
async function open(url: string, token: string, headers: Record<string, string> = {}) {
  const ctl = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, ...headers }, signal: ctl.signal });
  const reader = res.body!.getReader();
  const parser = new SseParser();
  const dec = new TextDecoder();
  const queue: SseMessage[] = [];
  let raw = "";
  let ended = false;
  const more = async () => {
    // A connection the server cut ends the stream (an error for fetch's reader, not `done`).
    const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
    if (done) return void (ended = true);
    const text = dec.decode(value, { stream: true });
    raw += text;
    queue.push(...parser.push(text));
  };
  return {
    res,
    raw: () => raw,
    ended: () => ended,
    async next(): Promise<SseMessage> {
      while (!queue.length && !ended) await more();
      if (!queue.length) throw new Error("stream ended");
      return queue.shift()!;
    },
    async until(pred: () => boolean, ms = 5000) {
      const deadline = Date.now() + ms;
      while (!pred() && !ended && Date.now() < deadline) await Promise.race([more(), Bun.sleep(50)]);
    },
    close: () => ctl.abort(),
  };
}

const ev = (n: number, env = "staging"): HubEvent => ({
  type: "gitops.commit-status",
  sha: String(n).padStart(40, "0"),
  env,
  status: "Progressing",
  desc: `#${n}`,
});
const desc = (m: SseMessage) => (JSON.parse(m.data) as { desc: string }).desc;

describe("GET /api/events", () => {
  test("admin and user tokens stream; no token 401, flux and agent 403, a bad env name 400", async () => {
    const s = await start();
    const get = (tok?: string, q = "") =>
      fetch(`${s.url}/api/events${q}`, { headers: tok ? { Authorization: `Bearer ${tok}` } : {} });
    const codes: Record<string, number> = {};
    for (const role of ["flux", "agent"]) codes[role] = (await get(s.tokens[role])).status;
    codes.none = (await get()).status;
    codes.badEnv = (await get(s.tokens.admin, "?env=Not_An_Env")).status;
    expect(codes).toEqual({ flux: 403, agent: 403, none: 401, badEnv: 400 });
    for (const role of ["admin", "user"]) {
      const c = await open(`${s.url}/api/events`, s.tokens[role]!);
      expect(c.res.status).toBe(200);
      expect(c.res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      expect(c.res.headers.get("cache-control")).toBe("no-cache");
      expect(c.res.headers.get("x-accel-buffering")).toBe("no");
      c.close();
    }
  });

  test("events arrive as id/event/data lines in publish order", async () => {
    const s = await start();
    const c = await open(`${s.url}/api/events`, s.tokens.user!);
    await c.until(() => c.raw().includes(": subscribed"));
    for (let n = 1; n <= 3; n++) s.hub.publish(ev(n));
    s.hub.publish({ type: "env.created", env: "prod", builtin: true });
    const got = [await c.next(), await c.next(), await c.next(), await c.next()];
    expect(got.map((m) => m.id)).toEqual([1, 2, 3, 4].map((n) => s.hub.wireId(n)));
    expect(got.map((m) => m.event)).toEqual([
      "gitops.commit-status",
      "gitops.commit-status",
      "gitops.commit-status",
      "env.created",
    ]);
    expect(JSON.parse(got[3]!.data)).toMatchObject({ type: "env.created", env: "prod", builtin: true });
    expect(c.raw()).toContain(
      `id: ${s.hub.wireId(1)}\nevent: gitops.commit-status\ndata: {"type":"gitops.commit-status"`,
    );
    c.close();
  });

  test("Last-Event-ID resumes with exactly the missed events; one older than the buffer gets resync", async () => {
    const s = await start();
    const a = await open(`${s.url}/api/events`, s.tokens.admin!);
    await a.until(() => a.raw().includes(": subscribed"));
    for (let n = 1; n <= 3; n++) s.hub.publish(ev(n));
    const seen = [await a.next(), await a.next(), await a.next()];
    a.close();
    for (let n = 4; n <= 6; n++) s.hub.publish(ev(n));
    const b = await open(`${s.url}/api/events`, s.tokens.admin!, { "Last-Event-ID": seen[2]!.id! });
    expect([desc(await b.next()), desc(await b.next()), desc(await b.next())]).toEqual(["#4", "#5", "#6"]);
    s.hub.publish(ev(7));
    expect(desc(await b.next())).toBe("#7");
    b.close();

    for (let n = 8; n <= 1200; n++) s.hub.publish(ev(n));
    const c = await open(`${s.url}/api/events`, s.tokens.admin!, { "Last-Event-ID": seen[2]!.id! });
    s.hub.publish(ev(1201));
    const first = await c.next();
    expect(first.event).toBe("resync");
    expect(first.id).toBeUndefined();
    expect(JSON.parse(first.data)).toEqual({
      type: "resync",
      reason: `event ${seen[2]!.id} is older than the 1000 events kept`,
    });
    expect(desc(await c.next())).toBe("#1201");
    c.close();
  });

  test("?env= keeps only that env's events", async () => {
    const s = await start();
    const c = await open(`${s.url}/api/events?env=staging`, s.tokens.user!);
    await c.until(() => c.raw().includes(": subscribed"));
    s.hub.publish(ev(1, "prod"));
    s.hub.publish(ev(2, "staging"));
    s.hub.publish({ type: "release.queued", eventId: "x", kind: "release", targets: [{ env: "prod", app: "web" }] });
    s.hub.publish({ type: "release.queued", eventId: "y", kind: "release", targets: [{ env: "staging", app: "web" }] });
    expect(desc(await c.next())).toBe("#2");
    expect(JSON.parse((await c.next()).data)).toMatchObject({ eventId: "y" });
    c.close();
  });

  test("a quiet stream gets `: ping` comments; the subscriber goes when the client does", async () => {
    const s = await start({ heartbeatMs: 300, idleTimeout: 1 });
    const c = await open(`${s.url}/api/events`, s.tokens.user!);
    await c.until(() => (c.raw().match(/: ping\n\n/g) ?? []).length >= 2);
    expect(c.raw()).toMatch(/^retry: 2000\n: subscribed\n\n(: ping\n\n)+$/);
    expect(s.hub.stats().subscribers).toBe(1);
    const metrics = await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${s.tokens.admin}` } });
    expect(await metrics.text()).toContain("\ngimlet_event_stream_subscribers 1\n");
    c.close();
    for (let i = 0; i < 50 && s.hub.stats().subscribers; i++) await Bun.sleep(20);
    expect(s.hub.stats().subscribers).toBe(0);
  }, 10_000);

  test("server.timeout(req, 0) lifts Bun's idleTimeout: a silent stream lives on, and without it is cut", async () => {
    // Heartbeats off (1 h) and idleTimeout 1 s (Bun checks it about every 4 s).
    const lifted = await start({ heartbeatMs: 3_600_000, idleTimeout: 1 });
    const cut = await start({ heartbeatMs: 3_600_000, idleTimeout: 1, liftTimeout: false });
    const a = await open(`${lifted.url}/api/events`, lifted.tokens.user!);
    const b = await open(`${cut.url}/api/events`, cut.tokens.user!);
    await Promise.all([b.until(() => b.ended(), 9000), Bun.sleep(6000)]);
    expect(b.ended()).toBe(true);
    lifted.hub.publish(ev(1));
    expect(desc(await a.next())).toBe("#1");
    a.close();
  }, 20_000);

  test("the routes publish: a queued release, the artifact received and a Flux commit status", async () => {
    const s = await start();
    await s.store.createEnv(builtinEnv("staging"));
    const c = await open(`${s.url}/api/events`, s.tokens.admin!);
    await c.until(() => c.raw().includes(": subscribed"));
    const art = await fetch(`${s.url}/api/artifact`, {
      method: "POST",
      headers: { Authorization: `Bearer ${s.tokens.admin}` },
      body: JSON.stringify(stagingWebArtifact("abc123", {}, { message: "m", url: "https://x" }, false)),
    });
    expect(art.status).toBe(201);
    const artifactId = ((await art.json()) as { id: string }).id;
    const queued = await c.next();
    expect(queued.event).toBe("release.queued");
    expect(JSON.parse(queued.data)).toMatchObject({
      kind: "artifact",
      artifactId,
      targets: [{ env: "staging", app: "web" }],
    });
    // The repository pages' event: what was stored, for whom (its envs).
    expect(JSON.parse((await c.next()).data)).toMatchObject({
      type: "artifact.received",
      artifactId,
      repo: "acme/web",
      branch: "main",
      envs: ["staging"],
    });

    const rel = await fetch(`${s.url}/api/releases`, {
      method: "POST",
      headers: { Authorization: `Bearer ${s.tokens.user}` },
      body: JSON.stringify({ env: "staging", app: "web", artifactId }),
    });
    expect(rel.status).toBe(201);
    const relId = ((await rel.json()) as { id: string }).id;
    expect(JSON.parse((await c.next()).data)).toMatchObject({
      type: "release.queued",
      eventId: relId,
      kind: "release",
      targets: [{ env: "staging", app: "web" }],
    });

    const sha = "a".repeat(40);
    const flux = await fetch(`${s.url}/api/flux-events?env=staging&access_token=${s.tokens.flux}`, {
      method: "POST",
      body: JSON.stringify({
        reason: "ReconciliationSucceeded",
        message: "applied",
        metadata: { revision: `main@sha1:${sha}` },
      }),
    });
    expect(flux.status).toBe(200);
    expect(JSON.parse((await c.next()).data)).toMatchObject({
      type: "gitops.commit-status",
      sha,
      env: "staging",
      status: "ReconciliationSucceeded",
      desc: "applied",
    });
    c.close();
  });
});
