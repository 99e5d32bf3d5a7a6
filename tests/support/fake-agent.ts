/**
 * A fake `gimlet agent` for tests: speaks the wire format of src/core/agent/wire.ts over real HTTP
 * (register downlink, gzip snapshots and updates, command results, log lines), with the state and
 * the answers under the test's control. The real agent's Uplink is not used on purpose: this is the
 * server's check against the documented format, written from the format alone.
 */
import type { AppState, EnvState } from "../../src/core/agent/state.ts";
import type { AgentCommand, CommandResult, LogChunk } from "../../src/core/agent/wire.ts";
import { SseParser } from "../../src/core/sse.ts";

export function app(name: string, more: Partial<AppState> = {}): AppState {
  return {
    key: `default/${name}`,
    name,
    namespace: "default",
    service: name,
    repo: "acme/" + name,
    sha: "abc1234",
    workload: {
      kind: "Deployment",
      name,
      sha: "abc1234",
      image: `ghcr.io/acme/${name}:abc1234`,
      replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
      rollout: { status: "complete" },
    },
    pods: [
      { name: `${name}-7d9f-a1`, status: "Running", ready: "1/1", restarts: 0, node: "node-1" },
      { name: `${name}-7d9f-b2`, status: "Running", ready: "1/1", restarts: 2, node: "node-2" },
    ],
    ingresses: [{ name, url: `https://${name}.example.com` }],
    events: [],
    ...more,
  };
}

export function envState(env: string, apps: AppState[]): EnvState {
  return {
    env,
    apps,
    flux: [{ kind: "Kustomization", namespace: "flux-system", name: `gimlet-${env}`, ready: "True" }],
  };
}

export class FakeAgent {
  readonly epoch = crypto.randomUUID();
  seq = 0;
  readonly commands: AgentCommand[] = [];
  private abort = new AbortController();
  private waiters: (() => void)[] = [];
  /** Raw bytes read from the downlink, for ping checks. */
  raw = "";
  closed: Promise<void> = Promise.resolve();

  constructor(
    readonly server: string,
    readonly token: string,
    readonly env: string,
  ) {}

  private headers(gzip = true): Record<string, string> {
    return {
      Authorization: `Bearer ${this.token}`,
      "Content-Type": "application/json",
      ...(gzip ? { "Content-Encoding": "gzip" } : {}),
    };
  }

  async register(namespace = ""): Promise<void> {
    const url = `${this.server}/agent/register?name=${this.env}&namespace=${namespace}`;
    const res = await fetch(url, { headers: this.headers(false), signal: this.abort.signal });
    if (res.status !== 200) throw new Error(`register: ${res.status} ${await res.text()}`);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    const reader = res.body!.getReader();
    let first!: () => void;
    const gotFirst = new Promise<void>((r) => (first = r));
    this.closed = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const text = decoder.decode(value, { stream: true });
          this.raw += text;
          first();
          for (const m of parser.push(text)) {
            this.commands.push(JSON.parse(m.data) as AgentCommand);
            this.waiters.splice(0).forEach((w) => w());
          }
        }
      } catch {}
    })();
    await gotFirst;
  }

  /** Drops the downlink as a killed agent would. */
  disconnect(): void {
    this.abort.abort();
    this.abort = new AbortController();
  }

  async post(path: string, body: unknown, gzip = true): Promise<Response> {
    const text = JSON.stringify(body);
    return fetch(this.server + path, {
      method: "POST",
      headers: this.headers(gzip),
      body: gzip ? Bun.gzipSync(new TextEncoder().encode(text)) : text,
    });
  }

  snapshot(state: EnvState): Promise<Response> {
    return this.post(`/agent/state?name=${this.env}`, {
      v: 1,
      env: this.env,
      epoch: this.epoch,
      seq: ++this.seq,
      state,
    });
  }

  update(upserts: AppState[], removed: string[] = [], seq = ++this.seq): Promise<Response> {
    return this.post(`/agent/state/${this.env}/update`, {
      v: 1,
      env: this.env,
      epoch: this.epoch,
      seq,
      upserts,
      removed,
    });
  }

  result(id: string, r: CommandResult): Promise<Response> {
    return this.post(`/agent/commands/${id}/result?name=${this.env}`, r);
  }

  logs(id: string, chunk: LogChunk): Promise<Response> {
    return this.post(`/agent/logs/${id}?name=${this.env}`, chunk);
  }

  /** The next command matching `pred` (already received or arriving within `ms`). */
  async next<A extends AgentCommand["action"]>(action: A, ms = 5000): Promise<Extract<AgentCommand, { action: A }>> {
    const deadline = Date.now() + ms;
    for (;;) {
      const i = this.commands.findIndex((c) => c.action === action);
      if (i >= 0) return this.commands.splice(i, 1)[0] as Extract<AgentCommand, { action: A }>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${action} command within ${ms} ms; got ${JSON.stringify(this.commands)}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiters.push(() => (clearTimeout(t), r()));
      });
    }
  }
}
