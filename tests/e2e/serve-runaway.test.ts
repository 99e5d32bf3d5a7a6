/**
 * The compiled binary under runaway templates: its render thread (a separate entrypoint of the
 * binary) is stopped at the timeout while /healthz answers, and an event that was in progress
 * through three kill -9s ends as error at the next start instead of blocking the server.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimlet, startServe } from "../support/bin.ts";
import { run } from "../support/git-server.ts";
import { webArtifact } from "../support/artifacts.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-runaway-e2e-"));
const gitdir = join(dataDir, "repos", "staging-apps.git");
let server: ReturnType<typeof Bun.spawn> | undefined;
let url = "";
let admin = "";
let token = "";
afterAll(() => {
  server?.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

/** Starts the binary and returns the ms from spawn to the "listening" line. */
async function startServer(): Promise<number> {
  const t0 = performance.now();
  const started = await startServe(dataDir, { env: { GIMLET_RENDER_TIMEOUT_MS: "4000" } });
  server = started.proc;
  url = started.url;
  if (started.token) admin = started.token;
  return performance.now() - t0;
}

async function postArtifact(sha: string, tag: string): Promise<string> {
  const body = webArtifact(sha, tag);
  const r = await fetch(`${url}/api/artifact`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(2000),
  });
  expect(r.status).toBe(201);
  return ((await r.json()) as { id: string }).id;
}

async function track(id: string): Promise<{ status: string; statusDesc: string }> {
  const r = await fetch(`${url}/api/eventArtifactTrack?id=${encodeURIComponent(id)}`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  return (await r.json()) as { status: string; statusDesc: string };
}

async function settled(id: string): Promise<{ status: string; statusDesc: string }> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const t = await track(id);
    if (t.status === "processed" || t.status === "error" || Date.now() > deadline) return t;
    await Bun.sleep(100);
  }
}

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

// Exponential backtracking in a JS regex (JSC gives up after ~2 s), a hundred times over: the
// engine's step and size limits do not see it; only the render timeout stops it.
const backtracking = '{{ range until 100 }}{{ regexMatch "^(a+)+$" (printf "%s!" (repeat 40 "a")) }}{{ end }}';

describe("gimlet serve (binary) under runaway templates", () => {
  test("setup: env and a user-role token", async () => {
    await startServer();
    expect((await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir])).code).toBe(0);
    const u = await gimlet(["user", "create", "ci", "--role", "user"], {
      env: { GIMLET_SERVER: url, GIMLET_TOKEN: admin },
    });
    expect(u.code, u.stderr).toBe(0);
    token = u.stdout.trim();
    expect(token).toMatch(/^glt_/);
  });

  test("a render stuck in the render thread is stopped at the timeout, /healthz answers within 1 s meanwhile, the next artifact deploys", async () => {
    const id = await postArtifact("r1", backtracking);
    expect(await slowestHealthz(2500)).toBeLessThan(1000);
    const t = await settled(id);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain("took longer than 4 s (the render timeout)");
    const good = await postArtifact("g1", "{{ .SHA }}");
    expect((await settled(good)).status).toBe("processed");
    expect(await run(["git", "--git-dir", gitdir, "show", "main:staging/web/deployment.yaml"])).toContain(
      "image: nginx:g1",
    );
  }, 30_000);

  test("an event in progress through 3 kill -9s ends as error on the 4th start, which listens at once; the next artifact deploys", async () => {
    const id = await postArtifact("p1", backtracking);
    for (let crash = 1; crash <= 3; crash++) {
      await Bun.sleep(700);
      expect((await track(id)).status).toBe("processing");
      server!.kill("SIGKILL");
      await server!.exited;
      await startServer();
    }
    expect(await slowestHealthz(300)).toBeLessThan(1000);
    const t = await settled(id);
    expect(t.status).toBe("error");
    expect(t.statusDesc).toContain("given up after 3 attempts");
    const good = await postArtifact("g2", "{{ .SHA }}");
    expect((await settled(good)).status).toBe("processed");
    expect(await run(["git", "--git-dir", gitdir, "show", "main:staging/web/deployment.yaml"])).toContain(
      "image: nginx:g2",
    );
  }, 60_000);

  test("SIGTERM during a stuck render stops the server promptly", async () => {
    await postArtifact("t1", backtracking);
    await Bun.sleep(500);
    const t0 = performance.now();
    server!.kill("SIGTERM");
    await server!.exited;
    expect(performance.now() - t0).toBeLessThan(3000);
    server = undefined;
  }, 20_000);
});
