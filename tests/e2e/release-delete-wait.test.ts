/**
 * `gimlet release delete` when the server answers before the delete is processed: the compiled binary
 * as server and CLI, the server's wait cut to 200 ms (GIMLET_DELETE_WAIT_MS) and its worker held busy
 * by a runaway template (stopped at a 2 s render timeout), so the delete waits in the queue. A proxy
 * records what the server answered and that the CLI then followed /api/events; the poll interval is
 * 60 s, so an exit within seconds cannot come from polling.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { webArtifact } from "../support/artifacts.ts";
import { gimlet, scratch } from "../support/bin.ts";
import { run } from "../support/git-server.ts";

const box = scratch("gimlet-delete-wait-");
const dataDir = box.temp();
const gitdir = join(dataDir, "repos", "staging-apps.git");
let upstream = "";
let token = "";

/** What the server answered to each POST /api/delete, and how often /api/events was opened. */
const seen = { deletes: [] as number[], events: 0 };
const proxy = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    const u = new URL(req.url);
    if (u.pathname === "/api/events") seen.events++;
    const res = await fetch(upstream + u.pathname + u.search, {
      method: req.method,
      headers: req.headers,
      body: req.body,
    });
    if (u.pathname === "/api/delete") seen.deletes.push(res.status);
    return new Response(res.body, { status: res.status, headers: res.headers });
  },
});

beforeAll(async () => {
  const env = { GIMLET_RENDER_TIMEOUT_MS: "2000", GIMLET_DELETE_WAIT_MS: "200" };
  const started = await box.serve(dataDir, { env });
  upstream = started.url;
  token = started.token;
  const made = await cli(["env", "create", "staging", "--builtin"]);
  expect(made.code, made.stderr).toBe(0);
}, 20_000);

afterAll(async () => {
  proxy.stop(true);
  await box.cleanUp();
});

const cli = (args: string[]) =>
  gimlet(args, {
    env: { GIMLET_SERVER: `http://127.0.0.1:${proxy.port}`, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "60000" },
  });

async function postArtifact(sha: string, tag: string): Promise<string> {
  const r = await fetch(`${upstream}/api/artifact`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify(webArtifact(sha, tag)),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

async function processed(id: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const r = await fetch(`${upstream}/api/eventArtifactTrack?id=${encodeURIComponent(id)}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    const t = (await r.json()) as { status: string; statusDesc: string };
    if (t.status === "processed") return;
    if (t.status === "error" || Date.now() > deadline) throw new Error(`artifact ${id}: ${t.status} ${t.statusDesc}`);
    await Bun.sleep(100);
  }
}

const head = () => run(["git", "--git-dir", gitdir, "rev-parse", "main"]).then((s) => s.trim());
const webFiles = () => run(["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only", "main", "staging/web"]);

// Exponential backtracking in a JS regex: only the render timeout stops it, so the worker is busy 2 s.
const runaway = '{{ range until 100 }}{{ regexMatch "^(a+)+$" (printf "%s!" (repeat 40 "a")) }}{{ end }}';

describe("release delete when the server answers first", () => {
  test("the CLI follows the request's events to the commit: prints its hash, exits 0", async () => {
    await processed(await postArtifact("g1", "g1"));
    expect(await webFiles()).toContain("staging/web/deployment.yaml");
    await postArtifact("busy1", runaway);
    const before = { ...seen, deletes: [...seen.deletes] };
    const t0 = performance.now();
    const r = await cli(["release", "delete", "--env", "staging", "--app", "web"]);
    const took = performance.now() - t0;
    expect(r.code, r.stderr).toBe(0);
    // The server answered "still queued"; the CLI then followed /api/events until the worker got to it.
    expect(seen.deletes.slice(before.deletes.length)).toEqual([202]);
    expect(seen.events).toBeGreaterThan(before.events);
    expect(took).toBeGreaterThan(1000);
    expect(took).toBeLessThan(15_000);
    const hash = await head();
    expect(r.stdout).toBe(`Application instance deleted (gitops commit ${hash.slice(0, 12)})\n`);
    expect(await webFiles()).toBe("");
    const subject = await run(["git", "--git-dir", gitdir, "log", "-1", "--format=%s", hash]);
    expect(subject).toContain("web");
  }, 30_000);

  test("a delete that fails after the answer: exit 1 with the reason, nothing committed", async () => {
    await processed(await postArtifact("g2", "g2"));
    const deployed = await head();
    await postArtifact("busy2", runaway);
    // Another writer holds the branch (a fresh lock is not taken over): the worker's delete fails.
    const lock = join(gitdir, "refs", "heads", "main.lock");
    writeFileSync(lock, "");
    const before = seen.deletes.length;
    const r = await cli(["release", "delete", "--env", "staging", "--app", "web"]);
    rmSync(lock, { force: true });
    expect(seen.deletes.slice(before)).toEqual([202]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: the delete failed: branch refs/heads/main is locked by another writer\n");
    expect(await head()).toBe(deployed);
    expect(await webFiles()).toContain("staging/web/deployment.yaml");
  }, 30_000);
});
