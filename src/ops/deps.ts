/** What the use cases run on; every transport (API, worker, CLI) builds one. */
import type { QueueRequest } from "../core/queue.ts";
import type { Store } from "../store/index.ts";
import type { DataDir } from "./data-dir.ts";

export interface OpsDeps {
  store: Store;
  /** The data dir: hosted repos, remote clones and their open handles. */
  repos: DataDir;
  /** Unix seconds. */
  now?: () => number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
  /** Called after a request was queued (the server wakes its worker and publishes the event). */
  onQueued?: (id: string, request: QueueRequest) => void;
  /**
   * Runs `fn` with every other writer holding the same key kept out, across processes (replicas on
   * one Postgres take an advisory lock); absent, a process's own per-repo mutex is all there is.
   */
  exclusive?: <T>(key: string, fn: () => Promise<T>) => Promise<T>;
}

export const nowOf = (d: Pick<OpsDeps, "now">): number => d.now?.() ?? Math.floor(Date.now() / 1000);
