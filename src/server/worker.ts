/**
 * The release worker: the loop around the durable queue. It claims one event at a time, hands it to
 * the use case (ops/process-event.ts: deploy, release, rollback, delete, cleanup) and then feeds the
 * latency histogram, notifications and `onProcessed`. Manifests come from untrusted artifacts, so
 * they render on the render thread (renderer.ts), never on this one.
 */
import { maxAttempts, processEvent, type ManifestRenderer } from "../ops/index.ts";
import type { QueueResult } from "../core/queue.ts";
import type { DataDir } from "../ops/index.ts";
import { hostname } from "node:os";
import {
  defaultLeaseMs,
  LeaseKeeper,
  leaseOwner,
  nodePrefix,
  type EventRecord,
  type Lease,
  type Store,
} from "../store/index.ts";
import { Histogram } from "./metrics.ts";
import type { Notifier } from "./notify.ts";
import { Renderer } from "./renderer.ts";

export { maxAttempts };
/** What processing did to one app in one env (the queue's result type). */
export type Result = QueueResult;

export interface WorkerDeps {
  store: Store;
  /**
   * Names this worker's node in its queue leases (default: the host name). Unique among live
   * workers sharing a store; a restarted node takes back its earlier incarnation's events at once.
   */
  leaseNode?: string;
  /** How long a claim holds without renewal, ms (default 5 s); renewed at a third of it. */
  leaseMs?: number;
  repos: DataDir;
  notifier?: Notifier;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  onProcessed?: (e: EventRecord) => void;
  /** Hard deadline of one event's rendering, in ms (default 10 s); ignored when `renderer` is given. */
  renderTimeoutMs?: number;
  renderer?: Renderer | ManifestRenderer;
  /** Outbound HTTP (Flux's receiver); tests pass their own. */
  fetch?: typeof fetch;
  /** Keeps other replicas' writes to a gitops repo out while this one checks and writes (see OpsDeps). */
  exclusive?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
}

export class Worker {
  private running = false;
  private wake?: () => void;
  private stopped = false;
  private idle?: Promise<void>;
  readonly latency = new Histogram([0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
  readonly renderer: ManifestRenderer & { close?: () => void };
  readonly lease: Lease;
  private readonly node: string;
  /** Leases of this node's earlier incarnations ended (once, before the first claim). */
  private recovered?: Promise<unknown>;

  constructor(private readonly d: WorkerDeps) {
    this.renderer = d.renderer ?? new Renderer({ timeoutMs: d.renderTimeoutMs, log: d.log });
    this.node = d.leaseNode ?? hostname();
    this.lease = { owner: leaseOwner(this.node), ms: d.leaseMs ?? defaultLeaseMs };
  }

  /** Processes queued events until stopped; `notify()` wakes it at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.loop();
  }

  notify(): void {
    this.wake?.();
  }

  /**
   * Finishes the event in progress, then returns. A render in progress is cut short: its event
   * stays `processing` and is taken again (as one more attempt) at the next start.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    this.renderer.close?.();
    await this.idle;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      // A store that is down for a while (a Postgres restart) pauses the loop; it never ends it.
      const processed = await this.runOnce().catch((e) => {
        this.d.log?.("worker: queue unavailable, retrying", { error: (e as Error).message });
        return false;
      });
      if (!processed && !this.stopped) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, 1000)));
    }
  }

  /** Processes one event; false when the queue is empty. */
  async runOnce(): Promise<boolean> {
    // A failed attempt is retried at the next claim rather than remembered.
    await (this.recovered ??= this.d.store.expireLeases(nodePrefix(this.node), this.lease.owner).catch((e) => {
      this.recovered = undefined;
      throw e;
    }));
    const e = await this.d.store.claimNext(this.lease);
    if (!e) return false;
    const keeper = new LeaseKeeper(this.d.store, e, this.lease, this.d.log);
    let done: EventRecord | undefined;
    try {
      done = await processEvent({ ...this.d, renderer: this.renderer }, e, { stopping: () => this.stopped });
    } finally {
      await keeper.stop();
    }
    // Cut short by stop(): give the event back so whichever worker starts next takes it at once.
    if (!done && this.stopped && !keeper.lost) await this.d.store.releaseLease(e);
    if (!done) return true;
    if (done.attempts <= maxAttempts) {
      this.latency.observe(Math.max(0, Date.now() / 1000 - done.created));
      this.notify_(done);
    }
    this.d.onProcessed?.(done);
    return true;
  }

  private notify_(e: EventRecord): void {
    const n = this.d.notifier;
    if (!n) return;
    for (const r of e.results as Result[]) {
      if (r.status === "skipped" || (!r.hash && r.status === "success")) continue;
      const by = e.type === "artifact" ? "Policy based" : "Requested";
      const kind =
        r.status === "failure"
          ? "deployFailed"
          : e.type === "rollback"
            ? "rollback"
            : e.type === "delete" || e.type === "branchDeleted"
              ? "delete"
              : "deploy";
      const text =
        kind === "deployFailed"
          ? `Failed to roll out ${r.app} on ${r.env}: ${r.statusDesc}`
          : kind === "rollback"
            ? `🔙 Rolling back ${r.app} on ${r.env}`
            : kind === "delete"
              ? `${by} deletion of ${r.app} on ${r.env}`
              : `${by} rollout of ${r.app} on ${r.env}`;
      void n.send({
        kind,
        env: r.env,
        app: r.app,
        text,
        fields: r.hash ? { "📎 gitops commit": r.hash.slice(0, 12) } : {},
      });
    }
  }
}
