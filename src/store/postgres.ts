/**
 * The Store on PostgreSQL, for several `gimlet serve` replicas sharing one database. Bun's built-in
 * client (`Bun.SQL`): a pool, transactions, LISTEN/NOTIFY with reconnection and SQLSTATE codes are
 * all there, so no dependency is added. Every dialect detail stays in the postgres-*.ts files.
 *
 * What several connections need, and how it is met here:
 * - a claim is one statement: `FOR UPDATE SKIP LOCKED` picks the oldest free row nobody is claiming;
 * - `transaction` first takes one transaction-scoped advisory lock, so check-then-write transactions
 *   run one at a time across every replica, as SQLite's BEGIN IMMEDIATE does in one file;
 * - lease and record times come from the store's clock as parameters, never from the server's now();
 * - `exclusive(key, fn)` holds a session advisory lock on a reserved connection: one writer per
 *   gitops repo across replicas; a replica that dies loses its connection and with it the lock.
 *
 * The queries live in postgres-accounts.ts, postgres-queue.ts and postgres-records.ts; this class adds
 * what only the store as a whole does: opening, transactions, the key, locks and notifications.
 */
import { SQL } from "bun";
import { UserError } from "../core/errors.ts";
import { KEY_CHECK, KEY_CHECK_VALUE, sealPlainEnvRow } from "./credentials.ts";
import { pendingMigrations } from "./migrations.ts";
import type { Ctx } from "./postgres-base.ts";
import { mapConnectionErrors } from "./postgres-errors.ts";
import { pgMigrations } from "./postgres-migrations.ts";
import { PgQueries } from "./postgres-records.ts";
import { num, type Row } from "./rows.ts";
import { type Cipher, KEY_ENV, KEY_FILE } from "./secrets.ts";
import type { Store, StoreTx } from "./store.ts";

/** Advisory lock keys (first half of the two-int form): a namespace per purpose. */
const LOCK_MIGRATE = 0x67696d01;
const LOCK_TX = 0x67696d02;
const LOCK_EXCLUSIVE = 0x67696d03;
/** NOTIFY payloads are capped at 8000 bytes by the server. */
export const NOTIFY_MAX_BYTES = 7900;

export interface PostgresOptions {
  /** Unix seconds, for record times (default: derived from `clock`, else the wall clock). */
  now?: () => number;
  /** Milliseconds, for leases (default: derived from `now`, else the wall clock). */
  clock?: () => number;
  cipher?: Cipher;
  /** Pool size (default 10). */
  max?: number;
}

export class PostgresStore extends PgQueries implements Store {
  private constructor(sql: SQL, ctx: Ctx) {
    super(sql, ctx, false);
  }

  /** Connects, applies the migrations this database lacks (one replica at a time) and sets the cipher. */
  static async open(url: string, opts: PostgresOptions = {}): Promise<PostgresStore> {
    const clock = opts.clock ?? (opts.now ? () => opts.now!() * 1000 : Date.now);
    const now = opts.now ?? (() => Math.floor(clock() / 1000));
    const sql = new SQL({ url, max: opts.max ?? 10, idleTimeout: 60, connectionTimeout: 10 });
    const store = new PostgresStore(sql, { now, clock, where: redact(url) });
    try {
      await store.migrate();
      if (opts.cipher) await store.unlock(opts.cipher);
    } catch (e) {
      await sql.close().catch(() => undefined);
      throw describeConnectError(e, url);
    }
    // From here on a lost database is a 503 for the request that met it, not an internal error.
    return mapConnectionErrors(store);
  }

  private async migrate(): Promise<void> {
    await this.sql.begin(async (tx) => {
      // Replicas starting together: the first migrates, the others wait here and then find it done.
      await tx`SELECT pg_advisory_xact_lock(${LOCK_MIGRATE}, 0)`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`;
      const done = new Set<number>((await tx`SELECT version FROM schema_migrations`).map((r: Row) => num(r.version)));
      for (const m of pendingMigrations(pgMigrations, done)) {
        await tx.unsafe(m.sql);
        await tx`INSERT INTO schema_migrations (version, name, applied) VALUES (${m.version}, ${m.name}, ${this.ctx.now()})`;
      }
    });
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_TX}, 0)`;
      return fn(new PgQueries(tx, this.ctx, true));
    }) as Promise<T>;
  }

  async secretsSealed(): Promise<boolean> {
    const [r] = await this.sql`SELECT 1 FROM key_values WHERE key = ${KEY_CHECK}`;
    return !!r;
  }

  async unlock(cipher: Cipher): Promise<{ sealed: number; scrubbed: boolean }> {
    let sealed = 0;
    await this.sql.begin(async (tx) => {
      await tx`SELECT pg_advisory_xact_lock(${LOCK_TX}, 0)`;
      const [check] = await tx`SELECT value FROM key_values WHERE key = ${KEY_CHECK}`;
      if (check) {
        if (cipher.tryOpen(check.value as string, KEY_CHECK) !== KEY_CHECK_VALUE) {
          throw new UserError(
            `${cipher.source} is not the key the credentials in ${this.ctx.where} were encrypted with`,
            {
              hint: `use the original key: every replica needs the same one (set ${KEY_ENV}, or share the data dir's ${KEY_FILE})`,
            },
          );
        }
        return;
      }
      for (const r of await tx`SELECT name, repo_token, flux_receiver_token FROM environments FOR UPDATE`) {
        const s = sealPlainEnvRow(cipher, r);
        sealed += s.sealed;
        await tx`UPDATE environments SET repo_token = ${s.repoToken}, flux_receiver_token = ${s.fluxReceiverToken}
          WHERE name = ${r.name}`;
      }
      await tx`INSERT INTO key_values (key, value) VALUES (${KEY_CHECK}, ${cipher.seal(KEY_CHECK_VALUE, KEY_CHECK)})`;
    });
    this.ctx.cipher = cipher;
    // Old row versions keep plain copies until VACUUM (and in the WAL until recycled).
    return { sealed, scrubbed: sealed === 0 };
  }

  /**
   * Runs `fn` while holding the advisory lock named by `key`, across every replica on this database.
   * The lock lives on a reserved connection: if this process dies, Postgres ends the session and the
   * lock with it, so a crash never leaves a repo locked.
   */
  async exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const conn = await this.sql.reserve();
    try {
      await conn`SELECT pg_advisory_lock(${LOCK_EXCLUSIVE}, hashtext(${key}))`;
      try {
        return await fn();
      } finally {
        await conn`SELECT pg_advisory_unlock(${LOCK_EXCLUSIVE}, hashtext(${key}))`.catch(() => undefined);
      }
    } finally {
      conn.release();
    }
  }

  /** NOTIFY on a channel (payloads up to {@link NOTIFY_MAX_BYTES}). */
  async notify(channel: string, payload: string): Promise<void> {
    await this.sql.notify(channel, payload);
  }

  /**
   * LISTEN on a channel. The client re-subscribes after a lost connection and runs `onListen` again:
   * notifications sent while it was away are gone, which `onListen` is the place to make up for.
   */
  listen(
    channel: string,
    onPayload: (payload: string) => void,
    onListen?: () => void,
  ): Promise<{ unlisten(): Promise<void> }> {
    return this.sql.listen(channel, onPayload, onListen);
  }

  async close(): Promise<void> {
    await this.sql.close();
  }
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "the database URL";
  }
}

function describeConnectError(e: unknown, url: string): unknown {
  if (e instanceof UserError) return e;
  const err = e as { code?: string; errno?: string; message?: string };
  if (err?.errno) return e; // the server answered: a schema or permission problem, reported as it is
  return new UserError(`cannot connect to PostgreSQL at ${redact(url)}: ${err?.message ?? String(e)}`, {
    path: "--database",
    hint: "check the URL (postgres://USER:PASSWORD@HOST:PORT/DB) and that the server is reachable",
  });
}
