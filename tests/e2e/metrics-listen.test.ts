/** `gimlet serve --metrics-listen` on the compiled binary: a token-free scrape port beside the API port. */
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, gimlet, gimletBin } from "../support/bin.ts";

const dirs: string[] = [];
const procs: ReturnType<typeof Bun.spawn>[] = [];
afterAll(() => {
  for (const p of procs) p.kill("SIGKILL");
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function waitFor(url: string): Promise<Response> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await fetch(url);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await Bun.sleep(50);
    }
  }
}

describe("gimlet serve --metrics-listen", () => {
  test("GIMLET_METRICS_LISTEN: a port serving only /metrics, no token; the API port still wants one", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "gimlet-metrics-e2e-"));
    dirs.push(dataDir);
    const [port, metricsPort] = [freePort(), freePort()];
    const proc = Bun.spawn([gimletBin, "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
      env: { PATH: process.env.PATH ?? "", GIMLET_METRICS_LISTEN: `127.0.0.1:${metricsPort}` },
      stdout: "ignore",
      stderr: "ignore",
    });
    procs.push(proc);
    const res = await waitFor(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    const rss = Number(/^process_resident_memory_bytes (\S+)$/m.exec(text)?.[1]);
    expect(rss).toBeGreaterThan(1024 * 1024);
    expect(Number(/^process_open_fds (\S+)$/m.exec(text)?.[1])).toBeGreaterThan(3);
    expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/api/users`)).status).toBe(404);
    proc.kill("SIGTERM");
    expect(await proc.exited).toBe(0);
  });

  test("a malformed address exits 1 naming the flag, before anything is created", async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), "gimlet-metrics-bad-")), "data");
    dirs.push(dataDir);
    const r = await gimlet(["serve", "--data-dir", dataDir, "--metrics-listen", "localhost"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--metrics-listen");
    expect(r.stderr).toContain("HOST:PORT");
    expect(await Bun.file(join(dataDir, "gimlet.db")).exists()).toBe(false);
  });
});
