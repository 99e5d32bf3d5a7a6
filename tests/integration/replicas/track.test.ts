/**
 * `track --wait` across replicas: three `gimlet serve` processes on one PostgreSQL. The artifact is
 * pushed to replica A, the CLI waits on replica B, Flux's event is posted to replica C, and the wait
 * ends within seconds of it: the worker's event and Flux's reach B's event stream through Postgres
 * NOTIFY. The poll interval is 60 s, so an exit that quick cannot come from polling.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { webArtifactFile } from "../../support/artifacts.ts";
import { deployedCommit, postFluxEvent } from "../../support/deploys.ts";
import { startPostgres, type TestPostgres } from "../../support/postgres.ts";
import { gimletCli, type Replica, startReplica, stopReplicas } from "../../support/replica.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-track-replicas-"));
const work = mkdtempSync(join(tmpdir(), "gimlet-track-replicas-work-"));
let pg: TestPostgres;
let replicas: Replica[] = [];
let token = "";
let fluxToken = "";

const on = (r: Replica) => ({ GIMLET_SERVER: r.url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "60000" });

function artifactFile(sha: string, policy: boolean): string {
  const values = { image: { repository: "nginx", tag: "{{ .SHA }}" } };
  return webArtifactFile(work, sha, values, { message: sha, url: undefined, created: 1700000000 }, policy);
}

/** The gitops commit that deployed `sha` (the image tag) on the shared volume, once written. */
const commitFor = (sha: string) => deployedCommit(dataDir, sha, 200);
const fluxEvent = (r: Replica, hash: string, reason: string) => postFluxEvent(r.url, fluxToken, hash, reason);

beforeAll(async () => {
  pg = await startPostgres();
  const db = await pg.createDatabase("track");
  replicas = await Promise.all([0, 1, 2].map(() => startReplica(dataDir, db)));
  const admin = replicas.find((r) => r.adminToken)?.adminToken ?? "";
  expect(admin).toMatch(/^glt_/);
  const [a, b] = replicas as [Replica, Replica];
  const env = await gimletCli(["env", "create", "staging", "--builtin"], { GIMLET_SERVER: a.url, GIMLET_TOKEN: admin });
  expect(env.code, env.stderr).toBe(0);
  const asAdmin = { GIMLET_SERVER: b.url, GIMLET_TOKEN: admin };
  const user = await gimletCli(["user", "create", "ci", "--role", "user"], asAdmin);
  expect(user.code, user.stderr).toBe(0);
  token = user.stdout.trim();
  const flux = await gimletCli(["user", "create", "flux-staging", "--role", "flux"], asAdmin);
  expect(flux.code, flux.stderr).toBe(0);
  fluxToken = flux.stdout.trim();
}, 90_000);

afterAll(async () => {
  await stopReplicas(replicas);
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("track --wait across replicas", () => {
  test("artifact pushed to A, tracked on B, Flux's event posted to C: B's wait ends on it", async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const push = await gimletCli(["artifact", "push", "-f", artifactFile("aaa111", true), "-o", "json"], on(a));
    expect(push.code, push.stderr).toBe(0);
    const id = JSON.parse(push.stdout).id as string;
    // Started at once: the request may still be queued, so the worker's event (from any replica) is followed too.
    const waiting = gimletCli(["artifact", "track", id, "--wait", "--timeout", "60s"], on(b));
    const hash = await commitFor("aaa111");
    await Bun.sleep(1500); // the CLI (run from source without GIMLET_BIN) is subscribed by now
    const sent = performance.now();
    await fluxEvent(c, hash, "ReconciliationSucceeded");
    const tr = await waiting;
    const after = performance.now() - sent;
    console.log(`artifact track --wait on B exited ${after.toFixed(0)} ms after Flux's event on C`);
    expect(tr.code, tr.stderr).toBe(0);
    expect(tr.stderr).toContain(`web -> staging ${hash.slice(0, 12)} ReconciliationSucceeded`);
    expect(tr.stderr).not.toContain("lost the event stream");
    expect(after).toBeLessThan(5000);
  }, 90_000);

  test("behind a round-robin balancer that cuts event streams: each reconnect lands on another replica", async () => {
    const [a, , c] = replicas as [Replica, Replica, Replica];
    // A load balancer without sticky sessions, with a short stream timeout: a reconnect reaches
    // another replica, whose event ids are of another epoch, so it answers `resync` and the CLI re-reads.
    let turn = 0;
    const seen: string[] = [];
    const lb = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      idleTimeout: 0,
      async fetch(req) {
        const u = new URL(req.url);
        const to = replicas[turn++ % replicas.length]!;
        if (u.pathname === "/api/events") seen.push(to.url);
        const res = await fetch(to.url + u.pathname + u.search, {
          method: req.method,
          headers: req.headers,
          body: req.body,
        });
        if (u.pathname !== "/api/events" || !res.body) return res;
        const cut = new AbortController();
        setTimeout(() => cut.abort(), 700);
        const reader = res.body.getReader();
        const body = new ReadableStream<Uint8Array>({
          async pull(ctl) {
            const got = await Promise.race([
              reader.read(),
              new Promise<{ done: true }>((r) => cut.signal.addEventListener("abort", () => r({ done: true }))),
            ]);
            if (got.done) {
              await reader.cancel().catch(() => undefined);
              ctl.close();
            } else ctl.enqueue(got.value);
          },
        });
        return new Response(body, { status: res.status, headers: res.headers });
      },
    });
    try {
      const push = await gimletCli(["artifact", "push", "-f", artifactFile("ccc333", true), "-o", "json"], on(a));
      expect(push.code, push.stderr).toBe(0);
      const id = JSON.parse(push.stdout).id as string;
      const env = { ...on(a), GIMLET_SERVER: `http://127.0.0.1:${lb.port}` };
      const waiting = gimletCli(["artifact", "track", id, "--wait", "--timeout", "60s"], env);
      const hash = await commitFor("ccc333");
      await Bun.sleep(2500); // several cut streams and reconnects
      await fluxEvent(c, hash, "ReconciliationSucceeded");
      const tr = await waiting;
      expect(tr.code, tr.stderr).toBe(0);
      expect(tr.stderr).toContain("lost the event stream; reconnecting");
      expect(tr.stderr).toContain(`web -> staging ${hash.slice(0, 12)} ReconciliationSucceeded`);
      expect(new Set(seen).size).toBeGreaterThan(1);
    } finally {
      lb.stop(true);
    }
  }, 90_000);

  test("release made on C, tracked on A, Flux's failure posted to B: A's wait exits 1 naming it", async () => {
    const [a, b, c] = replicas as [Replica, Replica, Replica];
    const push = await gimletCli(["artifact", "push", "-f", artifactFile("bbb222", false), "-o", "json"], on(b));
    expect(push.code, push.stderr).toBe(0);
    const artifactId = JSON.parse(push.stdout).id as string;
    const make = await gimletCli(
      ["release", "make", "--env", "staging", "--app", "web", "--artifact", artifactId, "-o", "json"],
      on(c),
    );
    expect(make.code, make.stderr).toBe(0);
    const id = JSON.parse(make.stdout).id as string;
    const waiting = gimletCli(["release", "track", id, "--wait", "--timeout", "60s"], on(a));
    const hash = await commitFor("bbb222");
    await Bun.sleep(1500);
    const sent = performance.now();
    await fluxEvent(b, hash, "ReconciliationFailed");
    const tr = await waiting;
    const after = performance.now() - sent;
    console.log(`release track --wait on A exited ${after.toFixed(0)} ms after Flux's failure on B`);
    expect(tr.code).toBe(1);
    expect(tr.stderr).toContain("the release failed: ReconciliationFailed");
    expect(after).toBeLessThan(5000);
  }, 90_000);
});
