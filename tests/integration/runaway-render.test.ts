/**
 * Runaway templates in posted artifacts against a real `gimlet serve` (serve() with Bun.serve on a
 * port, the real worker and render thread, a real builtin gitops repo): the server keeps answering,
 * the event ends as error naming the limit or the timeout, and the next artifact deploys.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDataStore } from "../../src/server/data-dir.ts";
import { Repos } from "../../src/server/repos.ts";
import { serve } from "../../src/server/start.ts";
import { hostedEnv } from "../../src/server/test-kit.ts";
import { maxAttempts } from "../../src/server/worker.ts";
import { webArtifact } from "../support/artifacts.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-runaway-"));
let server: { stop: () => Promise<void>; port: number } | undefined;
let url = "";
let token = "";
const logs: string[] = [];

async function start(): Promise<void> {
  server = await serve({
    dataDir,
    hostname: "127.0.0.1",
    port: 0,
    logFormat: "text",
    renderTimeoutMs: 2000,
    log: (l) => logs.push(l),
  });
  url = `http://127.0.0.1:${server.port}`;
}

beforeAll(async () => {
  const store = await openDataStore(dataDir, () => {});
  await hostedEnv({ store, repos: new Repos(dataDir) });
  await store.createUser("admin", "admin");
  await store.createUser("ci", "user");
  token = await store.issueToken("ci");
  await store.close();
  await start();
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const auth = () => ({ Authorization: `Bearer ${token}`, "Content-Type": "application/json" });

async function postArtifact(sha: string, tag: string): Promise<string> {
  const body = webArtifact(sha, tag);
  const r = await fetch(`${url}/api/artifact`, { method: "POST", headers: auth(), body: JSON.stringify(body) });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

async function track(id: string): Promise<{ status: string; statusDesc: string }> {
  const r = await fetch(`${url}/api/eventArtifactTrack?id=${encodeURIComponent(id)}`, { headers: auth() });
  return (await r.json()) as { status: string; statusDesc: string };
}

async function settled(id: string, ms: number): Promise<{ status: string; statusDesc: string }> {
  const deadline = Date.now() + ms;
  for (;;) {
    const t = await track(id);
    if (t.status === "processed" || t.status === "error" || Date.now() > deadline) return t;
    await Bun.sleep(100);
  }
}

/** The slowest of several /healthz round trips spread over `ms`. */
async function slowestHealthz(ms: number): Promise<number> {
  let worst = 0;
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const t0 = performance.now();
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
    expect(r.status).toBe(200);
    worst = Math.max(worst, performance.now() - t0);
    await Bun.sleep(100);
  }
  return worst;
}

async function headOf(): Promise<string> {
  const p = Bun.spawn(["git", "--git-dir", join(dataDir, "repos", "staging-apps.git"), "log", "-1", "--format=%H %s"], {
    stdout: "pipe",
  });
  return (await new Response(p.stdout).text()).trim();
}

// Exponential backtracking in a JS regex (JSC gives up after ~2 s), a hundred times over: the
// engine's step and size limits do not see it; only the render timeout stops it.
const backtracking = '{{ range until 100 }}{{ regexMatch "^(a+)+$" (printf "%s!" (repeat 40 "a")) }}{{ end }}';

describe("a runaway template never hangs gimlet serve", () => {
  test("nested ranges over until 1000000: the event ends as error naming the step limit, /healthz stays fast", async () => {
    const id = await postArtifact("r1", "{{ range until 1000000 }}{{ range until 1000000 }}{{ end }}{{ end }}");
    expect(await slowestHealthz(500)).toBeLessThan(1000);
    const t = await settled(id, 10_000);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain("staging/web: artifact");
    expect(t.statusDesc).toContain("step limit of 1,000,000");
    if (process.env.SHOW_DESC) console.log(t.statusDesc);
  }, 20_000);

  test("repeat 400000000: refused by the output cap before it allocates", async () => {
    const id = await postArtifact("r2", '{{ repeat 400000000 "x" }}');
    const t = await settled(id, 10_000);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain("output limit");
    expect(t.statusDesc).toContain("repeat would be 400,000,000");
  }, 20_000);

  test("a render no limit catches is stopped at the hard timeout; health and git stay responsive; the next artifact deploys", async () => {
    const before = await headOf();
    const id = await postArtifact("r3", backtracking);
    const git = await fetch(`${url}/git/staging-apps.git/info/refs?service=git-upload-pack`, {
      headers: { Authorization: `Basic ${btoa(`x:${token}`)}` },
      signal: AbortSignal.timeout(1000),
    });
    expect(git.status).toBeLessThan(500);
    expect(await slowestHealthz(1500)).toBeLessThan(1000);
    const t = await settled(id, 10_000);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain("took longer than 2 s (the render timeout)");
    if (process.env.SHOW_DESC) console.log(t.statusDesc);
    // The terminated render thread is replaced: a good artifact deploys.
    const good = await postArtifact("g1", "{{ .SHA }}");
    expect((await settled(good, 10_000)).status).toBe("processed");
    const head = await headOf();
    expect(head).not.toBe(before);
    expect(head).toContain("[Gimlet] staging/web automated deploy");
  }, 30_000);
});

describe("poison events", () => {
  test(`an event left in progress by ${maxAttempts} crashes ends as error on the next start; the server listens first`, async () => {
    const id = await postArtifact("p1", backtracking);
    await server!.stop();
    server = undefined;
    // What ${maxAttempts} kill -9s in the middle of it leave behind.
    const db = new Database(join(dataDir, "gimlet.db"));
    db.query("UPDATE events SET status = 'processing', attempts = ? WHERE artifact_id = ?").run(maxAttempts, id);
    db.close();
    logs.length = 0;
    await start();
    expect(logs.findIndex((l) => l.includes("listening"))).toBeGreaterThanOrEqual(0);
    expect(await slowestHealthz(300)).toBeLessThan(1000);
    const t = await settled(id, 10_000);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain(`given up after ${maxAttempts} attempts`);
    expect(logs.some((l) => l.includes("event given up"))).toBe(true);
  }, 30_000);
});
