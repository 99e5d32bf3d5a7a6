/**
 * The connection to `gimlet serve` (wire format in src/core/agent/wire.ts). The SSE downlink
 * is the heartbeat: while it is up the agent posts state; when it drops (or a post fails) the
 * agent reconnects with jittered exponential backoff and starts over with a full snapshot.
 * Changes are pulled from the state source at most every `coalesceMs`, so a burst of pod events
 * becomes one update per app, and nothing piles up while the server is away: the source keeps
 * one dirty mark per app, pending results and log lines are capped.
 */
import { Backoff } from "../core/backoff.ts";
import { SseParser } from "../core/sse.ts";
import {
  decodeCommand,
  type AgentCommand,
  type AgentSnapshot,
  type AgentUpdate,
  type CommandResult,
  type LogChunk,
} from "../core/agent/wire.ts";
import { isEmptyChange } from "../core/agent/state.ts";
import type { StateSource } from "./state-keeper.ts";

export interface UplinkOptions {
  /** Base URL of `gimlet serve`. */
  server: string;
  token: string;
  env: string;
  namespace?: string;
  source: StateSource;
  onCommand: (cmd: AgentCommand) => void;
  coalesceMs?: number;
  /** No byte on the downlink for this long = a dead connection (the server pings every 30 s). */
  silenceMs?: number;
  backoff?: Backoff;
  /**
   * An empty update is posted when nothing else was for this long (10 s), and the period is told
   * to the server at register: a frozen agent or a cut network sends no FIN, so only the missing
   * heartbeats tell the server that the agent is gone.
   */
  heartbeatMs?: number;
  maxPendingResults?: number;
  postTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface UplinkStats {
  connects: number;
  snapshots: number;
  updates: number;
  gaps: number;
  /** Compressed bytes posted (bodies only). */
  bytes: number;
  droppedResults: number;
}

export class Uplink {
  /** The downlink is up and the last snapshot was accepted. */
  connected = false;
  readonly epoch = crypto.randomUUID();
  seq = 0;
  readonly stats: UplinkStats = { connects: 0, snapshots: 0, updates: 0, gaps: 0, bytes: 0, droppedResults: 0 };
  private stopped = true;
  private abort: AbortController | undefined;
  private loop: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private sending: Promise<void> | undefined;
  private needSnapshot = true;
  /** Post an update even when nothing changed (a heartbeat is due). */
  private beat = false;
  private lastPost = 0;
  /** The register stream answered; posts are pointless without it. */
  private downlink = false;
  private pendingResults: { id: string; result: CommandResult }[] = [];
  private readonly backoff: Backoff;
  private wake: (() => void) | undefined;
  /** Called with each update/snapshot after the server accepted it (for latency measurements). */
  onSent: ((kind: "snapshot" | "update", body: AgentSnapshot | AgentUpdate) => void) | undefined;

  constructor(private readonly opts: UplinkOptions) {
    this.backoff = opts.backoff ?? new Backoff({ baseMs: 500, capMs: 30_000 });
    opts.source.onDirty(() => this.schedule());
  }

  private get heartbeatMs(): number {
    return this.opts.heartbeatMs ?? 10_000;
  }

  private get base(): string {
    return this.opts.server.replace(/\/+$/, "");
  }

  private q(name = this.opts.env): string {
    return encodeURIComponent(name);
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.abort?.abort();
    this.wake?.();
    await this.loop;
    await this.sending;
  }

  private async run(): Promise<void> {
    await this.opts.source.whenSynced();
    while (!this.stopped) {
      const abort = (this.abort = new AbortController());
      try {
        const heartbeat = Math.max(1, Math.round(this.heartbeatMs / 1000));
        const ns = this.q(this.opts.namespace ?? "");
        const url = `${this.base}/agent/register?name=${this.q()}&namespace=${ns}&heartbeat=${heartbeat}`;
        // The silence guard covers the wait for the answer too: a server that never sends a
        // byte must not hold the agent forever.
        const silenceMs = this.opts.silenceMs ?? 75_000;
        const silent = setTimeout(() => abort.abort(new Error("no answer from the server")), silenceMs);
        const headers = { Authorization: `Bearer ${this.opts.token}` };
        const res = await fetch(url, { headers, signal: abort.signal }).finally(() => clearTimeout(silent));
        if (!res.ok || !res.body) throw new Error(`register: ${res.status} ${(await res.text()).slice(0, 200)}`);
        this.stats.connects++;
        this.downlink = true;
        this.needSnapshot = true;
        await this.flush();
        if (!this.connected) throw new Error("snapshot not accepted");
        this.backoff.reset();
        this.opts.log?.(`connected to ${this.base} as env ${this.opts.env}`);
        const beats = setInterval(() => {
          if (Date.now() - this.lastPost < this.heartbeatMs - 50) return;
          this.beat = true;
          this.schedule(0);
        }, this.heartbeatMs);
        await this.read(res.body, abort).finally(() => clearInterval(beats));
        if (!this.stopped) throw new Error("server closed the stream");
      } catch (e) {
        this.connected = this.downlink = false;
        abort.abort();
        if (this.stopped) break;
        const wait = this.backoff.next();
        this.opts.log?.(`uplink: ${(e as Error).message}; reconnecting in ${(wait / 1000).toFixed(1)} s`);
        await this.sleep(wait);
      }
    }
    this.connected = false;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  private async read(body: ReadableStream<Uint8Array>, abort: AbortController): Promise<void> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const silence = this.opts.silenceMs ?? 75_000;
    let guard = setTimeout(() => abort.abort(new Error("no ping from the server")), silence);
    try {
      for await (const chunk of body) {
        clearTimeout(guard);
        guard = setTimeout(() => abort.abort(new Error("no ping from the server")), silence);
        for (const msg of parser.push(decoder.decode(chunk, { stream: true }))) {
          let cmd: AgentCommand;
          try {
            cmd = decodeCommand(msg.data);
          } catch (e) {
            this.opts.log?.(`ignoring a command: ${(e as Error).message}`);
            continue;
          }
          if (cmd.action === "refetch") {
            this.needSnapshot = true;
            this.schedule(0);
          } else {
            this.opts.onCommand(cmd);
          }
        }
      }
    } finally {
      clearTimeout(guard);
    }
  }

  /** Pulls changes after at most `coalesceMs`; one timer, however many dirty marks arrive. */
  private schedule(ms = this.opts.coalesceMs ?? 100): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
  }

  /** Sends a snapshot or the pending changes; one request at a time, so seq order holds. */
  private flush(): Promise<void> {
    if (this.sending) {
      // Whatever became dirty meanwhile goes out right after the request in flight.
      return this.sending.then(() => this.schedule(0));
    }
    this.sending = this.send().finally(() => (this.sending = undefined));
    return this.sending;
  }

  private async send(): Promise<void> {
    if (!this.downlink) return;
    try {
      if (this.needSnapshot) {
        const state = this.opts.source.snapshot();
        const body: AgentSnapshot = { v: 1, env: this.opts.env, epoch: this.epoch, seq: ++this.seq, state };
        await this.post(`/agent/state?name=${this.q()}`, body);
        this.stats.snapshots++;
        this.needSnapshot = false;
        this.connected = true;
        this.onSent?.("snapshot", body);
        await this.flushResults();
        return;
      }
      if (!this.connected) return;
      const c = this.opts.source.takeChanges();
      if (isEmptyChange(c) && !this.beat) return;
      this.beat = false;
      const { upserts, removed } = c;
      const body: AgentUpdate = { v: 1, env: this.opts.env, epoch: this.epoch, seq: ++this.seq, upserts, removed };
      if (c.flux) body.flux = c.flux;
      const status = await this.post(`/agent/state/${this.q()}/update`, body, [409]);
      if (status === 409) {
        // The server lost track (restart, missed update): start over with the whole state.
        this.stats.gaps++;
        this.needSnapshot = true;
        this.schedule(0);
        return;
      }
      this.stats.updates++;
      this.onSent?.("update", body);
    } catch (e) {
      // The changes taken are lost with this request; a snapshot after reconnecting covers them.
      this.opts.log?.(`uplink post failed: ${(e as Error).message}`);
      this.needSnapshot = true;
      this.connected = false;
      this.abort?.abort();
    }
  }

  private async post(path: string, body: unknown, accept: number[] = []): Promise<number> {
    const gz = Bun.gzipSync(new TextEncoder().encode(JSON.stringify(body)));
    this.stats.bytes += gz.byteLength;
    const res = await fetch(this.base + path, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${this.opts.token}`,
        "Content-Type": "application/json",
        "Content-Encoding": "gzip",
      },
      body: gz,
      // A server that accepts the connection and then hangs must not stall the sender forever.
      signal: AbortSignal.timeout(this.opts.postTimeoutMs ?? 30_000),
    });
    this.lastPost = Date.now();
    if (!res.ok && !accept.includes(res.status)) {
      throw new Error(`POST ${path}: ${res.status} ${(await res.text()).slice(0, 200)}`);
    }
    await res.body?.cancel();
    return res.status;
  }

  /** Delivers a command's result; kept (bounded, oldest dropped) while the server is away. */
  async sendResult(id: string, result: CommandResult): Promise<void> {
    this.pendingResults.push({ id, result });
    const max = this.opts.maxPendingResults ?? 100;
    while (this.pendingResults.length > max) {
      this.pendingResults.shift();
      this.stats.droppedResults++;
    }
    if (this.connected) await this.flushResults();
  }

  private async flushResults(): Promise<void> {
    while (this.pendingResults.length && this.connected) {
      const { id, result } = this.pendingResults[0]!;
      try {
        await this.post(`/agent/commands/${encodeURIComponent(id)}/result?name=${this.q()}`, result, [404, 410]);
      } catch {
        return;
      }
      this.pendingResults.shift();
    }
  }

  /** Posts log lines; false when nobody watches any more (404/410) and the stream should stop. */
  async sendLogs(id: string, chunk: LogChunk): Promise<boolean> {
    const status = await this.post(`/agent/logs/${encodeURIComponent(id)}?name=${this.q()}`, chunk, [404, 410]);
    return status !== 404 && status !== 410;
  }
}
