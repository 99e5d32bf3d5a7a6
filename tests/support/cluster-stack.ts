/**
 * The hosted-env stack of the cluster tests: the compiled `gimlet serve` on a data dir, Flux
 * bootstrapped against its builtin env "staging", and the real `gimlet agent` reporting to it.
 * Serve's and the agent's stderr go to one log file, tagged, so a failure shows what they said.
 */
import { expect } from "bun:test";
import { appendFileSync } from "node:fs";
import type { AppState } from "../../src/core/agent/state.ts";
import type { EnvStateView } from "../../src/core/agent/view.ts";
import { gimlet, gimletBin, type ServeProcess, startServe } from "./bin.ts";
import { type Cluster, eventually } from "./cluster.ts";
import { bootstrapBuiltinStaging } from "./flux-bootstrap.ts";

type Proc = ReturnType<typeof Bun.spawn>;

/** Pipes a process's stderr into `logFile`, each chunk tagged `[tag]`. */
export function logTo(logFile: string, tag: string, p: Proc): void {
  void (async () => {
    for await (const c of p.stderr as ReadableStream<Uint8Array>) {
      appendFileSync(logFile, `[${tag}] ${new TextDecoder().decode(c)}`);
    }
  })();
}

/** Waits until Flux serves the staging env's Receiver (it comes from the gitops repo itself). */
export async function receiverServed(cluster: Cluster, what = "the Receiver served"): Promise<void> {
  const path = ["-n", "flux-system", "get", "receiver", "gitops-repo-staging", "-o", "jsonpath={.status.webhookPath}"];
  await eventually(what, async () => (await cluster.kubectl(path)).startsWith("/hook/"), 90_000);
}

/** The pods of app web in namespace default, as kubectl returns them. */
export async function webPods<Pod>(cluster: Cluster): Promise<Pod[]> {
  const sel = ["-l", "app.kubernetes.io/instance=web", "-o", "json"];
  return JSON.parse(await cluster.kubectl(["-n", "default", "get", "pods", ...sel])).items as Pod[];
}

/**
 * One test file's stack. `start` (from beforeAll) brings it all up; `startServe` and `startAgent`
 * also restart one part; `stop` (from afterAll) kills the agent, then serve.
 */
export class HostedStaging {
  url = "";
  admin = "";
  agentToken = "";
  serve?: Proc;
  agent?: Proc;

  constructor(
    readonly cluster: Cluster,
    readonly data: string,
    readonly logFile: string,
    /** A fixed port (kept across serve restarts), extra `gimlet agent` flags. */
    private readonly opts: { port?: number; agentArgs?: string[] } = {},
  ) {}

  /** The CLI as the admin, tracking every 500 ms. */
  cli = (args: string[], stdin?: string) =>
    gimlet(args, {
      stdin,
      env: { GIMLET_SERVER: this.url, GIMLET_TOKEN: this.admin, GIMLET_TRACK_INTERVAL_MS: "500" },
    });

  /** Starts `gimlet serve`; the admin token is the first start's. */
  async startServe(): Promise<ServeProcess> {
    const started = await startServe(this.data, {
      port: this.opts.port,
      onOutput: (chunk) => appendFileSync(this.logFile, `[serve] ${chunk}`),
    });
    this.serve = started.proc;
    this.url = started.url;
    this.admin ||= started.token;
    return started;
  }

  startAgent(): Proc {
    const args = ["agent", "--server", this.url, "--token", this.agentToken, "--env", "staging"];
    const p = Bun.spawn([gimletBin, ...args, ...(this.opts.agentArgs ?? []), "--kubeconfig", this.cluster.kubeconfig], {
      stdout: "ignore",
      stderr: "pipe",
      env: { PATH: process.env.PATH ?? "", HOME: this.data },
    });
    logTo(this.logFile, "agent", p);
    this.agent = p;
    return p;
  }

  /** Serve, Flux bootstrapped and its Receiver served, an agent user and the agent connected and live. */
  async start(): Promise<void> {
    await this.startServe();
    await bootstrapBuiltinStaging(this.cluster, this.data, this.url);
    await receiverServed(this.cluster);
    const u = await this.cli(["user", "create", "agent-staging", "--role", "agent", "--env", "staging", "-o", "json"]);
    expect(u.code, u.stderr).toBe(0);
    this.agentToken = (JSON.parse(u.stdout) as { token: string }).token;
    this.startAgent();
    await eventually(
      "the agent connected and live",
      async () => {
        const v = await this.view();
        return v.agent.connected && !v.stale;
      },
      30_000,
    );
  }

  async stop(): Promise<void> {
    for (const p of [this.agent, this.serve]) {
      p?.kill("SIGKILL");
      await p?.exited;
    }
  }

  /** GET /api/envs/staging/state as the admin. */
  async view(): Promise<EnvStateView> {
    const r = await fetch(`${this.url}/api/envs/staging/state`, { headers: { Authorization: `Bearer ${this.admin}` } });
    if (!r.ok) throw new Error(`GET state: ${r.status} ${await r.text()}`);
    return (await r.json()) as EnvStateView;
  }

  web = async (): Promise<AppState | undefined> => (await this.view()).state.apps.find((a) => a.key === "default/web");

  /** `artifact push` of the file; must exit 0. Returns the artifact id. */
  async push(file: string): Promise<string> {
    const r = await this.cli(["artifact", "push", "-f", file, "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { id: string }).id;
  }
}
