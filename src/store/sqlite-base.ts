/**
 * What every SQLite query class shares: the one connection, the gate that keeps statements out of
 * another caller's open transaction (sqlite-gate.ts), the store's clocks and cipher, and the request log.
 * The queries are split by what they keep (sqlite-accounts.ts, sqlite-queue.ts, sqlite-records.ts),
 * each class extending the one before, so that one object serves as both the store and a transaction's
 * handle. Statements run synchronously inside q().
 */
import type { Database } from "bun:sqlite";
import { RequestLog } from "./requests.ts";
import type { Cipher } from "./secrets.ts";
import type { Gate } from "./sqlite-gate.ts";

/** A UNIQUE or PRIMARY KEY violation, told by SQLite's extended error code (never by message text). */
export function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

/** An open connection with the clocks its records and leases are timed by. */
export interface SqliteConn {
  db: Database;
  /** Unix seconds, for record times. */
  now: () => number;
  /** Milliseconds, for leases. */
  clock: () => number;
  gate: Gate;
}

export class SqliteBase {
  readonly db: Database;
  protected readonly now: () => number;
  protected readonly clock: () => number;
  protected readonly gate: Gate;
  /** True on a transaction's handle (see transaction()): its statements run inside the open transaction. */
  protected readonly inTx: boolean = false;
  /** Webhook deliveries, idempotency keys and artifact digests. */
  readonly requests: RequestLog;
  /** Seals and opens stored credentials; without one, the store refuses to hold any. */
  protected cipher?: Cipher;

  constructor(c: SqliteConn) {
    this.db = c.db;
    this.now = c.now;
    this.clock = c.clock;
    this.gate = c.gate;
    this.requests = new RequestLog(c.db, c.now, c.gate);
  }

  /** Runs a synchronous body when the connection is ours (see Gate). */
  protected q<T>(fn: () => T): Promise<T> {
    return this.gate.run(this.inTx, fn);
  }
}
