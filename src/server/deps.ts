/** What the server is built from; tests pass their own. */
import type { SqliteStore } from "../store/index.ts";
import type { Notifier } from "./notify.ts";
import type { Repos } from "./repos.ts";
import type { Worker } from "./worker.ts";

export interface ServerDeps {
  store: SqliteStore;
  repos: Repos;
  worker?: Worker;
  /** Largest request body accepted, bytes. */
  maxBodyBytes?: number;
  now?: () => number;
  notifier?: Notifier;
  /** Shared secret of POST /api/webhooks/git (HMAC-SHA256). */
  webhookSecret?: string;
  /** Serves `<dataDir>/repos/*.git` at /git/ when set. */
  dataDir?: string;
  maxPushBytes?: number;
  log?: (msg: string, fields?: Record<string, unknown>) => void;
}
