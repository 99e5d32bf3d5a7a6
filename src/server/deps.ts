/** What the server is built from; tests pass their own. */
import type { AgentHub, OpsDeps } from "../ops/index.ts";
import type { Store } from "../store/index.ts";
import type { EnvWatch } from "./env-watch.ts";
import type { EventHub } from "./event-hub.ts";
import { artifactReceived, queuedEvent } from "./hub-events.ts";
import type { Notifier } from "./notify.ts";
import type { LoopLagSampler } from "./process-metrics.ts";
import type { Repos } from "./repos.ts";
import type { Worker } from "./worker.ts";

export interface ServerDeps {
  store: Store;
  repos: Repos;
  worker?: Worker;
  /** How long POST /api/delete waits for the worker before answering 202, ms (50 s). */
  deleteWaitMs?: number;
  /** Largest request body accepted, bytes. */
  maxBodyBytes?: number;
  now?: () => number;
  notifier?: Notifier;
  /** Shared secret of POST /api/webhooks/git (HMAC-SHA256). */
  webhookSecret?: string;
  /** The public URL (`--host`): its scheme decides whether the dashboard's cookies are Secure. */
  publicUrl?: string;
  /** Believe X-Forwarded-Proto (`--trust-proxy`): only a proxy in front may say what the browser used. */
  trustProxy?: boolean;
  /** Serves `<dataDir>/repos/*.git` at /git/ when set. */
  dataDir?: string;
  /** The store is a database other replicas share (Postgres), not the data dir's SQLite. */
  sharedDatabase?: boolean;
  maxPushBytes?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Release, gitops and env events for GET /api/events; createApp makes one when absent. */
  events?: EventHub;
  /** Bun's `server.timeout(req, seconds)`: 0 lifts the idle timeout for an SSE stream. */
  requestTimeout?: (req: Request, seconds: number) => void;
  /** Comment line sent on a quiet SSE stream, milliseconds (15 s). */
  sseHeartbeatMs?: number;
  /** Announces envs that appear in the store; POST /api/envs has it look at once. */
  envWatch?: EnvWatch;
  /** Event-loop lag for /metrics; without one the lag gauges are left out. */
  loopLag?: LoopLagSampler;
  /** The envs' agents and live state; createApp makes one when absent. */
  agents?: AgentHub;
  /** Comment line on an agent's downlink, milliseconds (30 s): how soon a dead agent is noticed. */
  agentPingMs?: number;
  /** Caps of agent request bodies: bytes on the wire (16 MiB) and inflated (64 MiB). */
  agentBody?: { maxBytes?: number; maxInflatedBytes?: number };
}

/** The use cases' deps from the server's: a queued request wakes the worker and is announced on the hub. */
export function opsOf(d: ServerDeps): OpsDeps {
  return {
    store: d.store,
    repos: d.repos,
    now: d.now,
    log: d.log,
    onQueued: (id, request) => {
      d.worker?.notify();
      d.events?.publish(queuedEvent(id, request));
      if (request.type === "artifact") d.events?.publish(artifactReceived(request.artifact));
    },
  };
}
