/**
 * `release track --wait` and `artifact track --wait` follow GET /api/events: the compiled binary as
 * server and CLI, with a counting proxy in between that shows how often the CLI read the state.
 * The poll interval is set to 60 s, so an exit within seconds of Flux's event cannot come from polling.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SseParser } from "../../src/core/sse.ts";
import { webArtifactFile } from "../support/artifacts.ts";
import { gimlet, scratch } from "../support/bin.ts";
import { deployedCommit, postFluxEvent } from "../support/deploys.ts";

const box = scratch("gimlet-track-");
const dataDir = box.temp();
const work = box.temp();
let upstream = "";
let token = "";
let fluxToken = "";

/** Counts requests by path; can hide /api/events (an older server) or cut event streams. */
const counts = new Map<string, number>();
const proxyMode = { noEvents: false, cutStreamsAfterMs: 0 };
const proxy = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    const u = new URL(req.url);
    counts.set(u.pathname, (counts.get(u.pathname) ?? 0) + 1);
    if (u.pathname === "/api/events" && proxyMode.noEvents)
      return Response.json({ error: "no route" }, { status: 404 });
    const res = await fetch(upstream + u.pathname + u.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    if (u.pathname !== "/api/events" || !proxyMode.cutStreamsAfterMs || !res.body) {
      return new Response(res.body, { status: res.status, headers: res.headers });
    }
    // Pass the stream on, then end it early: what a restarting server or a proxy timeout does.
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    const from = res.body.getReader();
    const stop = Bun.sleep(proxyMode.cutStreamsAfterMs).then(() => "stop" as const);
    void (async () => {
      try {
        for (;;) {
          const got = await Promise.race([from.read(), stop]);
          if (got === "stop" || got.done) break;
          await writer.write(got.value);
        }
      } catch {
        // the CLI went away first
      }
      await from.cancel().catch(() => {});
      await writer.close().catch(() => {});
    })();
    return new Response(readable, { status: res.status, headers: res.headers });
  },
});
const proxyUrl = `http://127.0.0.1:${proxy.port}`;

afterAll(async () => {
  proxy.stop(true);
  await box.cleanUp();
});

beforeAll(async () => {
  const serve = await box.serve(dataDir);
  upstream = serve.url;
  token = serve.token;
  if (!token) throw new Error(`server did not start: ${serve.output}`);
  const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir]);
  if (env.code) throw new Error(env.stderr);
  const flux = await gimlet(["user", "create", "flux-staging", "--role", "flux"], {
    env: { GIMLET_SERVER: upstream, GIMLET_TOKEN: token },
  });
  fluxToken = flux.stdout.trim();
  if (!fluxToken) throw new Error(flux.stderr);
});

/** The CLI through the proxy; a 60 s poll interval would make any polling obvious. */
const cli = (args: string[], interval = "60000") =>
  gimlet(args, { env: { GIMLET_SERVER: proxyUrl, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: interval } });

function artifactFile(sha: string, policy: boolean): string {
  const values = { image: { repository: "nginx", tag: "{{ .SHA }}" } };
  return webArtifactFile(work, sha, values, { url: "https://x", created: 1700000000 }, policy);
}

/** The gitops commit that deployed `sha` (the image tag), waiting for the worker to write it. */
const commitFor = (sha: string) => deployedCommit(dataDir, sha);
const fluxEvent = (hash: string, reason: string) => postFluxEvent(upstream, fluxToken, hash, reason);

const reads = (path: string) => counts.get(path) ?? 0;

describe("track --wait follows the event stream", () => {
  test("artifact track --wait: reads the state once (again on the worker's event), exits on Flux's", async () => {
    counts.clear();
    const push = await cli(["artifact", "push", "-f", artifactFile("aaa111", true), "-o", "json"]);
    expect(push.code, push.stderr).toBe(0);
    const id = JSON.parse(push.stdout).id as string;
    // Started at once: the request may still be queued, so the worker's event is followed too.
    const waiting = cli(["artifact", "track", id, "--wait", "--timeout", "30s"]);
    const hash = await commitFor("aaa111");
    await Bun.sleep(300);
    const sent = performance.now();
    await fluxEvent(hash, "ReconciliationSucceeded");
    const tr = await waiting;
    const after = performance.now() - sent;
    console.log(
      `artifact track --wait exited ${after.toFixed(0)} ms after Flux's event;`,
      `reads ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    expect(tr.code, tr.stderr).toBe(0);
    expect(after).toBeLessThan(3000);
    expect(reads("/api/events")).toBe(1);
    // The first read, plus at most one when the worker's release.processed arrived.
    expect(reads("/api/eventArtifactTrack")).toBeGreaterThanOrEqual(1);
    expect(reads("/api/eventArtifactTrack")).toBeLessThanOrEqual(2);
  }, 40_000);

  test("release track --wait: exits 0 on the events, reading the state at most twice", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("bbb222", false), "-o", "json"]);
    const artifactId = JSON.parse(push.stdout).id as string;
    counts.clear();
    const make = await cli([
      "release",
      "make",
      "--env",
      "staging",
      "--app",
      "web",
      "--artifact",
      artifactId,
      "-o",
      "json",
    ]);
    expect(make.code, make.stderr).toBe(0);
    const id = JSON.parse(make.stdout).id as string;
    const waiting = cli(["release", "track", id, "--wait", "--timeout", "30s"]);
    const hash = await commitFor("bbb222");
    await Bun.sleep(300);
    const sent = performance.now();
    await fluxEvent(hash, "ReconciliationSucceeded");
    const tr = await waiting;
    const after = performance.now() - sent;
    console.log(
      `release track --wait exited ${after.toFixed(0)} ms after Flux's event;`,
      `reads ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    expect(tr.code, tr.stderr).toBe(0);
    expect(after).toBeLessThan(3000);
    expect(tr.stderr).toContain("ReconciliationSucceeded");
    expect(reads("/api/eventReleaseTrack")).toBeLessThanOrEqual(2);
  }, 40_000);

  test("a Flux failure arrives as an event: exit 1 naming it", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("ccc333", true), "-o", "json"]);
    const id = JSON.parse(push.stdout).id as string;
    const hash = await commitFor("ccc333");
    const waiting = cli(["artifact", "track", id, "--wait", "--timeout", "30s"]);
    await Bun.sleep(500);
    await fluxEvent(hash, "ReconciliationFailed");
    const tr = await waiting;
    expect(tr.code).toBe(1);
    expect(tr.stderr).toContain("the release failed: ReconciliationFailed");
  }, 40_000);

  test("a dropped stream is reopened and the state read again; the exit still follows the event", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("ddd444", true), "-o", "json"]);
    const id = JSON.parse(push.stdout).id as string;
    const hash = await commitFor("ddd444");
    counts.clear();
    proxyMode.cutStreamsAfterMs = 700;
    try {
      const waiting = cli(["artifact", "track", id, "--wait", "--timeout", "30s"]);
      await Bun.sleep(1000);
      await fluxEvent(hash, "ReconciliationSucceeded");
      const tr = await waiting;
      expect(tr.code, tr.stderr).toBe(0);
      expect(tr.stderr).toContain("lost the event stream; reconnecting");
      expect(reads("/api/events")).toBeGreaterThanOrEqual(2);
      expect(reads("/api/eventArtifactTrack")).toBeGreaterThanOrEqual(2);
    } finally {
      proxyMode.cutStreamsAfterMs = 0;
    }
  }, 40_000);

  test("--timeout still bounds the wait: no Flux event, exit 1 after about that long", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("fff666", true), "-o", "json"]);
    const id = JSON.parse(push.stdout).id as string;
    await commitFor("fff666");
    const t0 = performance.now();
    const tr = await cli(["artifact", "track", id, "--wait", "--timeout", "1500ms"]);
    const took = performance.now() - t0;
    expect(tr.code).toBe(1);
    expect(tr.stderr).toContain("timed out after 1500ms");
    expect(took).toBeGreaterThan(1400);
    expect(took).toBeLessThan(5000);
  }, 40_000);

  test("against a server without /api/events (404) it falls back to polling", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("eee555", true), "-o", "json"]);
    const id = JSON.parse(push.stdout).id as string;
    const hash = await commitFor("eee555");
    counts.clear();
    proxyMode.noEvents = true;
    try {
      const waiting = cli(["artifact", "track", id, "--wait", "--timeout", "30s"], "200");
      await Bun.sleep(1000);
      await fluxEvent(hash, "ReconciliationSucceeded");
      const tr = await waiting;
      expect(tr.code, tr.stderr).toBe(0);
      expect(reads("/api/events")).toBe(1);
      expect(reads("/api/eventArtifactTrack")).toBeGreaterThanOrEqual(4);
    } finally {
      proxyMode.noEvents = false;
    }
  }, 40_000);
});

describe("GET /api/events on the binary", () => {
  test("an env created with `env create --data-dir` while the server runs is announced as env.created", async () => {
    const ctl = new AbortController();
    const headers = { Authorization: `Bearer ${token}` };
    const res = await fetch(`${upstream}/api/events`, { headers, signal: ctl.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const parser = new SseParser();
    const created = await gimlet(["env", "create", "preview", "--builtin", "--data-dir", dataDir]);
    expect(created.code, created.stderr).toBe(0);
    const t0 = performance.now();
    let event: { type: string; env: string } | undefined;
    while (!event && performance.now() - t0 < 10_000) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const m of parser.push(new TextDecoder().decode(value))) {
        if (m.event === "env.created") event = JSON.parse(m.data);
      }
    }
    ctl.abort();
    expect(event).toMatchObject({ type: "env.created", env: "preview", builtin: true });
  }, 20_000);
});
