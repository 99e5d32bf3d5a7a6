/**
 * serve() with a metrics listener, over real HTTP: the metrics port answers /metrics without a token
 * and nothing else, the main port still wants one, and the text parses as Prometheus exposition format.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "./start.ts";

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/**
 * The Prometheus text format (0.0.4), strictly: HELP/TYPE comments before a family's samples, one
 * TYPE per family, names and labels by the spec's grammar, float values. Throws naming the line.
 */
function parsePrometheus(text: string): { samples: Sample[]; types: Map<string, string> } {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a newline");
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  const label = `([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`;
  const sampleRe = new RegExp(`^(${name})(?:\\{((?:${label},?)*)\\})? (\\S+)(?: -?\\d+)?$`);
  const suffixes: Record<string, string[]> = { histogram: ["_bucket", "_sum", "_count"], summary: ["_sum", "_count"] };
  text
    .slice(0, -1)
    .split("\n")
    .forEach((line, i) => {
      const where = `line ${i + 1}: ${JSON.stringify(line)}`;
      if (line === "") return;
      const meta = new RegExp(`^# (HELP|TYPE) (${name}) (.*)$`).exec(line);
      if (meta) {
        if (meta[1] === "TYPE") {
          if (types.has(meta[2]!)) throw new Error(`${where}: second TYPE for ${meta[2]}`);
          const known = ["counter", "gauge", "histogram", "summary", "untyped"];
          if (!known.includes(meta[3]!)) throw new Error(`${where}: type`);
          types.set(meta[2]!, meta[3]!);
        }
        return;
      }
      if (line.startsWith("#")) return;
      const m = sampleRe.exec(line);
      if (!m) throw new Error(`${where}: not a sample`);
      const raw = m[m.length - 1]!;
      const value = raw === "+Inf" ? Infinity : raw === "-Inf" ? -Infinity : Number(raw);
      if (Number.isNaN(value) && raw !== "NaN") throw new Error(`${where}: value is not a float`);
      const ofFamily = (f: string) => f === m[1] || (suffixes[types.get(f)!] ?? []).some((s) => f + s === m[1]);
      const family = [...types.keys()].find(ofFamily);
      if (!family) throw new Error(`${where}: sample before its TYPE`);
      const labels: Record<string, string> = {};
      for (const l of (m[2] ?? "").matchAll(new RegExp(label, "g"))) labels[l[1]!] = l[2]!;
      samples.push({ name: m[1]!, labels, value });
    });
  return { samples, types };
}

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-metrics-"));
let server: Awaited<ReturnType<typeof serve>>;
let main = "";
let metrics = "";
let token = "";

beforeAll(async () => {
  const logs: string[] = [];
  server = await serve({
    dataDir,
    hostname: "127.0.0.1",
    port: 0,
    metricsListen: { hostname: "127.0.0.1", port: 0 },
    logFormat: "text",
    log: (l) => logs.push(l),
  });
  main = `http://127.0.0.1:${server.port}`;
  metrics = `http://127.0.0.1:${server.metricsPort}`;
  token = /Admin token: (\S+)/.exec(logs.join("\n"))![1]!;
  expect(logs.join("\n")).toContain(`metrics listening url="${metrics}/metrics"`);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("--metrics-listen", () => {
  test("the metrics port answers /metrics without a token; the main port still requires one", async () => {
    const open = await fetch(`${metrics}/metrics`);
    expect(open.status).toBe(200);
    expect(open.headers.get("content-type")).toStartWith("text/plain; version=0.0.4");
    expect(await open.text()).toContain("gimlet_queue_depth 0");
    expect((await fetch(`${main}/metrics`)).status).toBe(401);
    const authed = await fetch(`${main}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
    expect(authed.status).toBe(200);
    expect(await authed.text()).toContain("process_resident_memory_bytes");
  });

  test("the metrics port serves nothing but /metrics", async () => {
    for (const path of ["/api/users", "/api/artifacts", "/healthz", "/git/staging-apps.git/info/refs", "/metrics/x"]) {
      const res = await fetch(`${metrics}${path}`, { headers: { Authorization: `Bearer ${token}` } });
      expect(res.status, path).toBe(404);
      expect((await res.json()).error).toContain("only /metrics");
    }
    expect((await fetch(`${metrics}/metrics`, { method: "POST" })).status).toBe(404);
  });

  test("the output parses as Prometheus text with plausible process values", async () => {
    await Bun.sleep(600); // one event-loop lag sample
    const { samples, types } = parsePrometheus(await (await fetch(`${metrics}/metrics`)).text());
    const one = (name: string) => {
      const s = samples.filter((x) => x.name === name);
      expect(s.length, name).toBe(1);
      return s[0]!.value;
    };
    expect(one("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(one("process_open_fds")).toBeGreaterThan(0);
    expect(one("process_cpu_seconds_total")).toBeGreaterThan(0);
    expect(one("nodejs_heap_size_used_bytes")).toBeGreaterThan(0);
    expect(one("process_start_time_seconds")).toBeLessThanOrEqual(Date.now() / 1000);
    const lag = one("nodejs_eventloop_lag_seconds");
    expect(lag).toBeGreaterThanOrEqual(0);
    expect(lag).toBeLessThan(5);
    expect(types.get("process_cpu_seconds_total")).toBe("counter");
    expect(types.get("gimlet_release_latency_seconds")).toBe("histogram");
    expect(samples.find((s) => s.name === "gimlet_release_latency_seconds_bucket")?.labels.le).toBe("0.05");
  });

  test("the parser check rejects what Prometheus would reject", () => {
    expect(() => parsePrometheus("x 1\n")).toThrow("before its TYPE");
    expect(() => parsePrometheus("# TYPE x gauge\nx one\n")).toThrow("not a float");
    expect(() => parsePrometheus("# TYPE x gauge\nx{a=b} 1\n")).toThrow("not a sample");
    expect(() => parsePrometheus("# TYPE x gauge\n# TYPE x gauge\n")).toThrow("second TYPE");
    expect(() => parsePrometheus("# TYPE x gauge\nx 1")).toThrow("newline");
    expect(parsePrometheus('# TYPE x gauge\nx{a="b\\"c",d="e"} +Inf\n').samples[0]).toEqual({
      name: "x",
      labels: { a: 'b\\"c', d: "e" },
      value: Infinity,
    });
  });
});
