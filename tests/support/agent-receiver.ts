/**
 * A stand-in for `gimlet serve`'s agent routes (the wire format in src/core/agent/wire.ts) until
 * the server implements them: SSE downlink with commands, gzip snapshots and updates with the
 * seq check, command results and log chunks. Keeps the env's state as the server would.
 */
import { applyChanges } from "../../src/core/agent/changes.ts";
import type { EnvState } from "../../src/core/agent/state.ts";
import type { AgentSnapshot, AgentUpdate, CommandResult, LogChunk } from "../../src/core/agent/wire.ts";

export interface Receiver {
  url: string;
  port: number;
  token: string;
  state: EnvState | undefined;
  snapshots: number;
  /** performance.now() of the first snapshot. */
  firstSnapshotAt?: number;
  updates: { at: number; body: AgentUpdate; bytes: number }[];
  results: Map<string, CommandResult>;
  logs: Map<string, LogChunk[]>;
  registers: URL[];
  /** Answer log posts for these ids with 410 (the viewer left). */
  goneLogs: Set<string>;
  send(cmd: unknown): void;
  connected(): boolean;
  stop(): void;
}

export function startReceiver(opts: { token?: string; env?: string; port?: number } = {}): Receiver {
  const token = opts.token ?? "agent-token";
  const env = opts.env ?? "staging";
  const streams = new Set<ReadableStreamDefaultController<Uint8Array>>();
  let epoch = "";
  let seq = 0;
  const enc = new TextEncoder();
  const r = {
    token,
    state: undefined as EnvState | undefined,
    snapshots: 0,
    updates: [] as Receiver["updates"],
    results: new Map<string, CommandResult>(),
    logs: new Map<string, LogChunk[]>(),
    registers: [] as URL[],
    goneLogs: new Set<string>(),
  } as Receiver;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: opts.port ?? 0,
    idleTimeout: 0,
    async fetch(req) {
      const url = new URL(req.url);
      if (req.headers.get("authorization") !== `Bearer ${token}`) return new Response("unauthorized", { status: 401 });
      if (url.pathname === "/agent/register") {
        r.registers.push(url);
        let ctl!: ReadableStreamDefaultController<Uint8Array>;
        return new Response(
          new ReadableStream<Uint8Array>({
            start(c) {
              ctl = c;
              streams.add(c);
              c.enqueue(enc.encode(": ping\n\n"));
            },
            cancel() {
              streams.delete(ctl);
            },
          }),
          { headers: { "Content-Type": "text/event-stream" } },
        );
      }
      const raw = new Uint8Array(await req.arrayBuffer());
      const gzip = req.headers.get("content-encoding") === "gzip";
      const body = JSON.parse(new TextDecoder().decode(gzip ? Bun.gunzipSync(raw) : raw));
      if (url.pathname === "/agent/state" && url.searchParams.get("name") === env) {
        const s = body as AgentSnapshot;
        r.state = s.state;
        epoch = s.epoch;
        seq = s.seq;
        r.snapshots++;
        r.firstSnapshotAt ??= performance.now();
        return new Response(null, { status: 204 });
      }
      if (url.pathname === `/agent/state/${env}/update`) {
        const u = body as AgentUpdate;
        if (!r.state || u.epoch !== epoch || u.seq !== seq + 1) return new Response("gap", { status: 409 });
        seq = u.seq;
        r.state = applyChanges(r.state, u);
        r.updates.push({ at: performance.now(), body: u, bytes: raw.byteLength });
        return new Response(null, { status: 204 });
      }
      let m = /^\/agent\/commands\/([^/]+)\/result$/.exec(url.pathname);
      if (m) {
        r.results.set(decodeURIComponent(m[1]!), body as CommandResult);
        return new Response(null, { status: 204 });
      }
      m = /^\/agent\/logs\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const id = decodeURIComponent(m[1]!);
        if (r.goneLogs.has(id)) return new Response("gone", { status: 410 });
        r.logs.set(id, [...(r.logs.get(id) ?? []), body as LogChunk]);
        return new Response(null, { status: 204 });
      }
      return new Response("not found", { status: 404 });
    },
  });
  r.port = server.port!;
  r.url = `http://127.0.0.1:${server.port}`;
  r.send = (cmd) => {
    for (const c of streams) c.enqueue(enc.encode(`data: ${JSON.stringify(cmd)}\n\n`));
  };
  r.connected = () => streams.size > 0;
  r.stop = () => {
    for (const c of streams) {
      try {
        c.close();
      } catch {
        // already closed by the client
      }
    }
    streams.clear();
    server.stop(true);
  };
  return r;
}
