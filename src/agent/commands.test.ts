/**
 * Pod log streaming against an API server stand-in whose log endpoint we control (the test
 * cluster's kwok pods have no logs): tail and container reach the server, lines arrive in
 * batches, the stream stops on `stopPodLogs` or when the viewer is gone, errors carry the API
 * server's message. Restart/details/reconcile run against the real cluster in
 * tests/integration/cluster/agent.test.ts.
 */
import { afterEach, expect, test } from "bun:test";
import type { CommandResult, LogChunk } from "../core/agent/wire.ts";
import { KubeClient } from "../kube/index.ts";
import { Commands } from "./commands.ts";

const servers: ReturnType<typeof Bun.serve>[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.stop(true);
});

interface LogServer {
  requests: URL[];
  push(line: string): void;
  end(): void;
  cancelled: boolean;
}

function apiServer(): { client: KubeClient; log: LogServer } {
  const log: LogServer = { requests: [], push: () => {}, end: () => {}, cancelled: false };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    fetch(req) {
      const url = new URL(req.url);
      if (url.pathname.endsWith("/pods/missing/log")) {
        return Response.json(
          { kind: "Status", code: 404, reason: "NotFound", message: 'pods "missing" not found' },
          { status: 404 },
        );
      }
      log.requests.push(url);
      const enc = new TextEncoder();
      return new Response(
        new ReadableStream<Uint8Array>({
          start(c) {
            log.push = (line) => {
              if (!log.cancelled) c.enqueue(enc.encode(line + "\n"));
            };
            log.end = () => c.close();
            c.enqueue(enc.encode("old 1\nold 2\n"));
          },
          cancel() {
            log.cancelled = true;
          },
        }),
        { headers: { "Content-Type": "text/plain" } },
      );
    },
  });
  servers.push(server);
  const client = new KubeClient({
    server: `http://127.0.0.1:${server.port}`,
    source: "test",
    tls: {},
    authHeaders: async () => ({}),
  });
  return { client, log };
}

function sink(opts: { goneAfter?: number } = {}) {
  const s = {
    results: new Map<string, CommandResult>(),
    chunks: [] as LogChunk[],
    async sendResult(id: string, r: CommandResult) {
      s.results.set(id, r);
    },
    async sendLogs(_id: string, c: LogChunk) {
      s.chunks.push(c);
      return opts.goneAfter === undefined || s.chunks.length < opts.goneAfter;
    },
  };
  return s;
}

async function until(what: string, f: () => boolean, ms = 3000): Promise<void> {
  const t = Date.now();
  while (!f()) {
    if (Date.now() - t > ms) throw new Error(`timed out: ${what}`);
    await Bun.sleep(5);
  }
}

const lines = (chunks: LogChunk[]) => chunks.flatMap((c) => c.lines);

test("follow with tail and container: lines stream in batches until the container's log ends", async () => {
  const { client, log } = apiServer();
  const s = sink();
  const cmds = new Commands(client, s, { fluxResource: () => undefined, logBatchMs: 20 });
  await cmds.handle({
    action: "podLogs",
    id: "L",
    namespace: "shop",
    pod: "web-0",
    container: "main",
    tailLines: 50,
    follow: true,
  });
  expect(s.results.get("L")).toEqual({ ok: true });
  expect(log.requests[0]!.pathname).toBe("/api/v1/namespaces/shop/pods/web-0/log");
  expect(Object.fromEntries(log.requests[0]!.searchParams)).toEqual({
    follow: "true",
    tailLines: "50",
    container: "main",
  });
  await until("old lines", () => lines(s.chunks).length === 2);
  for (let i = 0; i < 10; i++) log.push(`new ${i}`);
  await until("new lines", () => lines(s.chunks).length === 12);
  // Ten lines pushed at once travel together, not one post each.
  expect(s.chunks.length).toBeLessThanOrEqual(3);
  log.end();
  await until("done", () => s.chunks.at(-1)?.done === true);
  expect(lines(s.chunks)).toEqual(["old 1", "old 2", ...Array.from({ length: 10 }, (_, i) => `new ${i}`)]);
  expect(cmds.activeLogStreams).toBe(0);
});

test("stopPodLogs ends the stream and closes the request to the API server", async () => {
  const { client, log } = apiServer();
  const s = sink();
  const cmds = new Commands(client, s, { fluxResource: () => undefined, logBatchMs: 10 });
  await cmds.handle({ action: "podLogs", id: "L", namespace: "shop", pod: "web-0", follow: true });
  await until("old lines", () => lines(s.chunks).length === 2);
  await cmds.handle({ action: "stopPodLogs", id: "L" });
  await until("closed", () => log.cancelled && cmds.activeLogStreams === 0);
  expect(s.chunks.at(-1)).toEqual({ lines: [], done: true });
});

test("the server saying nobody watches (sendLogs → false) stops the stream", async () => {
  const { client, log } = apiServer();
  const s = sink({ goneAfter: 1 });
  const cmds = new Commands(client, s, { fluxResource: () => undefined, logBatchMs: 10 });
  await cmds.handle({ action: "podLogs", id: "L", namespace: "shop", pod: "web-0", follow: true });
  await until("closed", () => log.cancelled && cmds.activeLogStreams === 0);
  log.push("after");
  await Bun.sleep(50);
  expect(s.chunks).toHaveLength(1);
});

test("a log request the API server refuses is a failed result with its message and status", async () => {
  const { client } = apiServer();
  const s = sink();
  const cmds = new Commands(client, s, { fluxResource: () => undefined });
  await cmds.handle({ action: "podLogs", id: "L", namespace: "shop", pod: "missing", tailLines: 50 });
  expect(s.results.get("L")).toEqual({ ok: false, error: 'pods "missing" not found', status: 404 });
});

test("reconcile of a kind the cluster does not serve is refused without a request", async () => {
  const { client, log } = apiServer();
  const s = sink();
  const cmds = new Commands(client, s, { fluxResource: () => undefined });
  await cmds.handle({ action: "reconcile", id: "R", kind: "HelmRelease", namespace: "flux-system", name: "x" });
  expect(s.results.get("R")).toEqual({
    ok: false,
    error: "this cluster does not serve Flux HelmRelease objects (CRD not installed)",
    status: 404,
  });
  expect(log.requests).toHaveLength(0);
});
