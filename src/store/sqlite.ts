/**
 * The Store on bun:sqlite: WAL, a busy timeout, immediate write transactions, one connection per
 * process. Everything SQLite-specific (`LIMIT -1`, `rowid`, constraint error codes) stays in the
 * sqlite-*.ts files; callers see the Store interface. Statements run synchronously; the gate
 * (sqlite-gate.ts) keeps them out of another caller's open transaction.
 *
 * The queries live in sqlite-accounts.ts, sqlite-queue.ts and sqlite-records.ts; this class adds what
 * only the store as a whole does: opening and migrating, transactions, the key, closing.
 */
import { Database } from "bun:sqlite";
import { realpathSync } from "node:fs";
import { UserError } from "../core/errors.ts";
import { KEY_CHECK, KEY_CHECK_VALUE, sealPlainEnvRow } from "./credentials.ts";
import { migrations, pendingMigrations } from "./migrations.ts";
import type { RequestLog } from "./requests.ts";
import type { Row } from "./rows.ts";
import { type Cipher, KEY_ENV, KEY_FILE } from "./secrets.ts";
import type { SqliteConn } from "./sqlite-base.ts";
import { gateFor } from "./sqlite-gate.ts";
import { SqliteQueries } from "./sqlite-records.ts";
import type { Store, StoreTx } from "./store.ts";

export type { NewEvent } from "./store.ts";

export interface SqliteOptions {
  /** Unix seconds, for record times (default: the wall clock; derived from `clock` when only that is given). */
  now?: () => number;
  /** Milliseconds, for leases (default: derived from `now`, else the wall clock). */
  clock?: () => number;
  cipher?: Cipher;
}

export class SqliteStore extends SqliteQueries implements Store {
  private readonly releaseGate: () => void;

  constructor(path: string, opts: SqliteOptions = {}) {
    const { conn, release } = openConnection(path, opts);
    super(conn);
    this.releaseGate = release;
    try {
      this.migrate();
      if (opts.cipher) this.unlockNow(opts.cipher);
    } catch (e) {
      this.db.close();
      this.releaseGate();
      throw e;
    }
  }

  private migrate(): void {
    this.db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)",
    );
    const done = new Set(
      (this.db.query("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version),
    );
    for (const m of pendingMigrations(migrations, done)) {
      this.db
        .transaction(() => {
          this.db.exec(m.sql);
          this.db
            .query("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)")
            .run(m.version, m.name, this.now());
        })
        .immediate();
    }
  }

  async close(): Promise<void> {
    await this.gate.run(this.inTx, () => this.db.close());
    this.releaseGate();
  }

  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.inTx) return fn(this);
    return this.gate.hold(async () => {
      this.db.exec("BEGIN IMMEDIATE");
      try {
        const r = await fn(this.txHandle);
        this.db.exec("COMMIT");
        return r;
      } catch (e) {
        // Some errors (disk full, I/O) end the transaction themselves.
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw e;
      }
    });
  }

  /** This store seen from inside its open transaction: the same connection and methods, past the gate. */
  private get txHandle(): StoreTx {
    const tx = Object.create(this) as SqliteStore & { inTx: boolean; requests: RequestLog };
    Object.defineProperty(tx, "inTx", { value: true });
    Object.defineProperty(tx, "requests", { value: this.requests.forTransaction() });
    return tx;
  }
  // --- stored credentials (sealed with a key kept outside this database)

  secretsSealed(): Promise<boolean> {
    return this.q(() => this.getValue(KEY_CHECK) !== undefined);
  }

  unlock(cipher: Cipher): Promise<{ sealed: number; scrubbed: boolean }> {
    return this.q(() => this.unlockNow(cipher));
  }

  private unlockNow(cipher: Cipher): { sealed: number; scrubbed: boolean } {
    let sealed = 0;
    this.db
      .transaction(() => {
        const check = this.getValue(KEY_CHECK);
        if (check !== undefined) {
          if (cipher.tryOpen(check, KEY_CHECK) !== KEY_CHECK_VALUE) {
            throw new UserError(
              `${cipher.source} is not the key the credentials in ${this.db.filename} were encrypted with`,
              {
                hint: `use the original key: restore the data dir's ${KEY_FILE} or set ${KEY_ENV} to it`,
              },
            );
          }
          return;
        }
        const rows = this.db.query("SELECT name, repo_token, flux_receiver_token FROM environments").all() as Row[];
        const q = this.db.query("UPDATE environments SET repo_token = ?, flux_receiver_token = ? WHERE name = ?");
        for (const r of rows) {
          const s = sealPlainEnvRow(cipher, r);
          sealed += s.sealed;
          q.run(s.repoToken, s.fluxReceiverToken, r.name as string);
        }
        this.setValue(KEY_CHECK, cipher.seal(KEY_CHECK_VALUE, KEY_CHECK));
      })
      .immediate();
    this.cipher = cipher;
    if (!sealed) return { sealed, scrubbed: true };
    try {
      this.db.exec("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
      const r = this.db.query("PRAGMA wal_checkpoint(TRUNCATE)").get() as { busy: number };
      return { sealed, scrubbed: r.busy === 0 };
    } catch {
      return { sealed, scrubbed: false };
    }
  }
  // --- the key check (internal: not part of the Store interface)

  private getValue(key: string): string | undefined {
    return (this.db.query("SELECT value FROM key_values WHERE key = ?").get(key) as { value: string } | null)?.value;
  }

  private setValue(key: string, value: string): void {
    this.db
      .query("INSERT INTO key_values (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
      .run(key, value);
  }
}

function openConnection(path: string, opts: SqliteOptions): { conn: SqliteConn; release: () => void } {
  const db = new Database(path, { strict: true, create: true });
  db.exec(
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
  );
  const clock = opts.clock ?? (opts.now ? () => opts.now!() * 1000 : Date.now);
  const now = opts.now ?? (() => Math.floor(clock() / 1000));
  const file = path && path !== ":memory:" ? realpathSync(path) : undefined;
  const { gate, release } = gateFor(file);
  return { conn: { db, now, clock, gate }, release };
}
