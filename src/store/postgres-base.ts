/**
 * What every Postgres query class shares: the connection (the pool, or one transaction's), the store's
 * clocks and cipher, and the request log. The queries are split by what they keep (postgres-accounts.ts,
 * postgres-queue.ts, postgres-records.ts), each class extending the one before, so that one object
 * serves as both the store and a transaction's handle.
 */
import type { SQL } from "bun";
import { PgRequestLog } from "./postgres-requests.ts";
import type { Cipher } from "./secrets.ts";

/** What the queries of a store and of its transactions share; the cipher is set once unlocked. */
export interface Ctx {
  now: () => number;
  clock: () => number;
  cipher?: Cipher;
  /** The database, password redacted, for messages. */
  where: string;
}

/** A unique or primary key violation, told by its SQLSTATE. */
export function isUniqueViolation(e: unknown): boolean {
  return (e as { errno?: unknown } | null)?.errno === "23505";
}

export class PgBase {
  readonly requests: PgRequestLog;

  constructor(
    protected readonly sql: SQL,
    protected readonly ctx: Ctx,
    /** True on a transaction's handle: nested all-or-nothing writes take a savepoint. */
    protected readonly inTx: boolean,
  ) {
    this.requests = new PgRequestLog(sql, ctx.now);
  }
}
