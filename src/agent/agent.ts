/** `gimlet agent`: watches, derives, streams to `gimlet serve`, runs its commands, answers probes. */
import { UserError } from "../core/errors.ts";
import { KubeApiError, KubeClient, type KubeTarget } from "../kube/index.ts";
import { Commands } from "./commands.ts";
import { StateKeeper } from "./state-keeper.ts";
import { Uplink } from "./uplink.ts";

export interface AgentOptions {
  server: string;
  token: string;
  env: string;
  /** Watch this namespace only; otherwise the whole cluster. */
  namespace?: string;
  kube: KubeTarget;
  healthListen?: { hostname: string; port: number };
  coalesceMs?: number;
  /** Seconds between the uplink's heartbeats (10); the server drops a downlink quiet for 3 of them. */
  heartbeatSeconds?: number;
  fluxDiscoveryMs?: number;
  log?: (line: string) => void;
}

export interface RunningAgent {
  keeper: StateKeeper;
  uplink: Uplink;
  commands: Commands;
  /** The health server's port, when one was asked for. */
  healthPort?: number;
  readiness(): { ready: boolean; kubernetes: boolean; server: boolean };
  stop(): Promise<void>;
}

export async function startAgent(opts: AgentOptions): Promise<RunningAgent> {
  const client = new KubeClient(opts.kube);
  await probe(client, opts);
  const { env, namespace, fluxDiscoveryMs, log } = opts;
  const keeper = new StateKeeper(client, { env, namespace, fluxDiscoveryMs, log });
  let commands: Commands | undefined;
  const uplink = new Uplink({
    server: opts.server,
    token: opts.token,
    env: opts.env,
    namespace: opts.namespace,
    source: keeper,
    coalesceMs: opts.coalesceMs,
    ...(opts.heartbeatSeconds ? { heartbeatMs: opts.heartbeatSeconds * 1000 } : {}),
    onCommand: (c) => void commands?.handle(c),
    log: opts.log,
  });
  commands = new Commands(client, uplink, { fluxResource: (k) => keeper.flux.get(k)?.resource, log: opts.log });
  const readiness = () => {
    const kubernetes = keeper.ready;
    const server = uplink.connected;
    return { ready: kubernetes && server, kubernetes, server };
  };
  const health = opts.healthListen
    ? Bun.serve({
        ...opts.healthListen,
        fetch(req) {
          const path = new URL(req.url).pathname;
          if (path === "/healthz") return new Response("ok\n");
          if (path === "/readyz") {
            const r = readiness();
            return Response.json(r, { status: r.ready ? 200 : 503 });
          }
          return new Response("not found\n", { status: 404 });
        },
      })
    : undefined;
  keeper.start();
  uplink.start();
  const scope = opts.namespace ? `namespace ${opts.namespace}` : "all namespaces";
  opts.log?.(`agent for env ${opts.env} watching ${scope} via ${opts.kube.source}`);
  return {
    keeper,
    uplink,
    commands,
    healthPort: health?.port,
    readiness,
    async stop() {
      commands.stopAll();
      await uplink.stop();
      await keeper.stop();
      health?.stop(true);
    },
  };
}

/** Bad credentials are a configuration mistake worth stopping for; an unreachable server is retried. */
async function probe(client: KubeClient, opts: AgentOptions): Promise<void> {
  try {
    await client.get("/version");
  } catch (e) {
    if (e instanceof KubeApiError && (e.status === 401 || e.status === 403)) {
      const { server, source } = opts.kube;
      throw new UserError(`the API server at ${server} refused the credentials from ${source}: ${e.message}`);
    }
    opts.log?.(`API server ${opts.kube.server} not reachable yet (${(e as Error).message}); retrying`);
  }
}
