import { describe, expect, test } from "bun:test";
import { LoopLagSampler, openFds, processMetrics } from "./process-metrics.ts";

const value = (lines: string[], name: string) => {
  const line = lines.find((l) => l.startsWith(`${name} `));
  if (!line) throw new Error(`${name} missing in:\n${lines.join("\n")}`);
  return Number(line.slice(name.length + 1));
};

describe("process metrics", () => {
  test("resident memory, heap, CPU, fds and start time are plausible for this process", () => {
    const lines = processMetrics();
    expect(value(lines, "process_resident_memory_bytes")).toBeGreaterThan(1024 * 1024);
    expect(value(lines, "nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(value(lines, "process_cpu_seconds_total")).toBeGreaterThan(0);
    const start = value(lines, "process_start_time_seconds");
    expect(start).toBeLessThanOrEqual(Date.now() / 1000);
    expect(start).toBeGreaterThan(Date.now() / 1000 - 3600);
    // stdin, stdout and stderr at least.
    expect(value(lines, "process_open_fds")).toBeGreaterThanOrEqual(3);
    expect(lines.some((l) => l.startsWith("nodejs_eventloop_lag"))).toBe(false);
  });

  test("open fds follow a file opened and closed", async () => {
    const { openSync, closeSync } = await import("node:fs");
    const before = openFds()!;
    const fds = [openSync("/proc/self/status", "r"), openSync("/proc/self/status", "r")];
    expect(openFds()).toBe(before + 2);
    for (const fd of fds) closeSync(fd);
    expect(openFds()).toBe(before);
  });

  test("a busy loop shows as lag; the max is kept until the next read", async () => {
    const lag = new LoopLagSampler(20).start();
    try {
      await Bun.sleep(60);
      const until = performance.now() + 250;
      while (performance.now() < until) {
        // Blocks the event loop, as a synchronous render would.
      }
      await Bun.sleep(60);
      const first = lag.read();
      expect(first.max).toBeGreaterThan(0.2);
      expect(first.max).toBeLessThan(1);
      const lines = processMetrics(lag);
      expect(value(lines, "nodejs_eventloop_lag_max_seconds")).toBeLessThan(0.2);
      expect(value(lines, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    } finally {
      lag.stop();
    }
  });

  test("a running sampler does not keep the process alive", async () => {
    const script = `import { LoopLagSampler } from ${JSON.stringify(import.meta.dir + "/process-metrics.ts")};
new LoopLagSampler(10).start(); console.log("started");`;
    const t0 = performance.now();
    const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill(), 5000);
    const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    clearTimeout(timer);
    expect(out.trim()).toBe("started");
    expect(code).toBe(0);
    expect(performance.now() - t0).toBeLessThan(4000);
  });
});
