/**
 * The Store on bun:sqlite: WAL, a busy timeout, immediate write transactions, one connection per
 * process. Every query (and everything SQLite-specific: `LIMIT -1`, `rowid`, constraint error codes)
 * lives here; callers see the Store interface. Statements run synchronously; the gate (sqlite-gate.ts)
 * keeps them out of another caller's open transaction.
 */
import { Database } from "bun:sqlite";
import { realpathSync } from "node:fs";
import { ConflictError, NotFoundError, UserError } from "../core/errors.ts";
import { KEY_CHECK, KEY_CHECK_VALUE, openEnv, sealCredential, sealPlainEnvRow } from "./credentials.ts";
import { migrations, pendingMigrations } from "./migrations.ts";
import { RequestLog } from "./requests.ts";
import { checkLease, type Row, toEnv, toEvent, toRelease } from "./rows.ts";
import { type Cipher, KEY_ENV, KEY_FILE } from "./secrets.ts";
import { type Gate, gateFor } from "./sqlite-gate.ts";
import type { FinalStatus, Held, Lease, NewEvent, ReleaseFilter, ReleaseRow, Store, StoreTx } from "./store.ts";
import { checkGivenToken, hashToken, newToken } from "./tokens.ts";
import type {
  ArtifactFilter,
  Environment,
  EventFilter,
  EventRecord,
  GitopsCommit,
  Role,
  Session,
  TokenInfo,
  User,
} from "./types.ts";

export type { NewEvent } from "./store.ts";

/** A UNIQUE or PRIMARY KEY violation, told by SQLite's extended error code (never by message text). */
function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "SQLITE_CONSTRAINT_UNIQUE" || code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

export interface SqliteOptions {
  /** Unix seconds, for record times (default: the wall clock; derived from `clock` when only that is given). */
  now?: () => number;
  /** Milliseconds, for leases (default: derived from `now`, else the wall clock). */
  clock?: () => number;
  cipher?: Cipher;
}

export class SqliteStore implements Store {
  readonly db: Database;
  private readonly now: () => number;
  private readonly clock: () => number;
  private readonly gate: Gate;
  private readonly releaseGate: () => void;
  /** True on a transaction's handle (see transaction()): its statements run inside the open transaction. */
  private readonly inTx: boolean = false;
  /** Webhook deliveries, idempotency keys and artifact digests. */
  readonly requests: RequestLog;
  /** Seals and opens stored credentials; without one, the store refuses to hold any. */
  private cipher?: Cipher;

  constructor(path: string, opts: SqliteOptions = {}) {
    this.db = new Database(path, { strict: true, create: true });
    this.db.exec(
      "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
    );
    const { now, clock } = opts;
    this.clock = clock ?? (now ? () => now() * 1000 : Date.now);
    this.now = now ?? (() => Math.floor(this.clock() / 1000));
    const file = path && path !== ":memory:" ? realpathSync(path) : undefined;
    const g = gateFor(file);
    this.gate = g.gate;
    this.releaseGate = g.release;
    this.requests = new RequestLog(this.db, this.now, this.gate);
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

  /** Runs a synchronous body when the connection is ours (see Gate). */
  private q<T>(fn: () => T): Promise<T> {
    return this.gate.run(this.inTx, fn);
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

  // --- users and tokens

  createUser(login: string, role: Role, env = ""): Promise<User> {
    return this.q(() => {
      try {
        this.db
          .query("INSERT INTO users (login, role, env, created) VALUES (?, ?, ?, ?)")
          .run(login, role, env, this.now());
      } catch (e) {
        if (isUniqueViolation(e)) throw new ConflictError(`user ${JSON.stringify(login)} already exists`);
        throw e;
      }
      return this.userNow(login)!;
    });
  }

  private userNow(login: string): User | undefined {
    return (
      (this.db.query("SELECT id, login, role, env, created FROM users WHERE login = ?").get(login) as User | null) ??
      undefined
    );
  }

  private mustUser(login: string): User {
    const u = this.userNow(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    return u;
  }

  user(login: string): Promise<User | undefined> {
    return this.q(() => this.userNow(login));
  }

  users(): Promise<User[]> {
    return this.q(
      () => this.db.query("SELECT id, login, role, env, created FROM users ORDER BY login").all() as User[],
    );
  }

  deleteUser(login: string): Promise<void> {
    return this.q(() => {
      if (this.db.query("DELETE FROM users WHERE login = ?").run(login).changes === 0) {
        throw new NotFoundError(`no user ${JSON.stringify(login)}`);
      }
    });
  }

  async issueToken(login: string): Promise<string> {
    return (await this.issueTokenWithId(login)).token;
  }

  issueTokenWithId(login: string, given?: string): Promise<{ id: number; token: string }> {
    return this.q(() => {
      const u = this.mustUser(login);
      const token = given === undefined ? newToken() : checkGivenToken(given);
      const r = this.db
        .query("INSERT INTO tokens (user_id, hash, created) VALUES (?, ?, ?)")
        .run(u.id, hashToken(token), this.now());
      return { id: Number(r.lastInsertRowid), token };
    });
  }

  tokens(login: string): Promise<TokenInfo[]> {
    return this.q(() => {
      const u = this.mustUser(login);
      return this.db
        .query("SELECT id, created, last_used AS lastUsed FROM tokens WHERE user_id = ? AND revoked = 0 ORDER BY id")
        .all(u.id) as TokenInfo[];
    });
  }

  revokeToken(id: number): Promise<string> {
    return this.q(() => {
      const r = this.db
        .query("SELECT u.login FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ? AND t.revoked = 0")
        .get(id) as { login: string } | null;
      if (!r) throw new NotFoundError(`no valid token with id ${id}`, { hint: "gimlet user tokens LOGIN lists them" });
      this.db.query("UPDATE tokens SET revoked = 1 WHERE id = ?").run(id);
      return r.login;
    });
  }

  authenticate(token: string): Promise<User | undefined> {
    return this.q(() => {
      const row = this.db
        .query(
          "SELECT u.id, u.login, u.role, u.env, u.created, t.id AS tokenId, t.last_used AS lastUsed " +
            "FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked = 0",
        )
        .get(hashToken(token)) as (User & { tokenId: number; lastUsed: number }) | null;
      if (!row) return undefined;
      const { tokenId, lastUsed, ...user } = row;
      // At most one write a minute per token: "last used" stays cheap on a busy API.
      const now = this.now();
      if (now - lastUsed >= 60) this.db.query("UPDATE tokens SET last_used = ? WHERE id = ?").run(now, tokenId);
      return user;
    });
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

  private seal(value: string, context: string): string {
    return sealCredential(this.cipher, value, context);
  }

  private toEnvOpen(r: Row): Environment {
    return openEnv(this.cipher, toEnv(r));
  }

  // --- environments

  createEnv(e: Omit<Environment, "created" | "fluxReceiverUrl" | "fluxReceiverToken">): Promise<Environment> {
    return this.q(() => {
      const token = this.seal(e.repoToken, `environments.repo_token:${e.name}`);
      try {
        this.db
          .query(
            "INSERT INTO environments (name, repo_url, repo_token, builtin, repo_per_env, branch, created) " +
              "VALUES (?, ?, ?, ?, ?, ?, ?)",
          )
          .run(e.name, e.repoUrl, token, e.builtin ? 1 : 0, e.repoPerEnv ? 1 : 0, e.branch, this.now());
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`environment ${JSON.stringify(e.name)} already exists`);
        throw err;
      }
      return this.envNow(e.name)!;
    });
  }

  private envNow(name: string): Environment | undefined {
    const r = this.db.query("SELECT * FROM environments WHERE name = ?").get(name) as Row | null;
    return r ? this.toEnvOpen(r) : undefined;
  }

  env(name: string): Promise<Environment | undefined> {
    return this.q(() => this.envNow(name));
  }

  setReceiver(name: string, url: string, token: string): Promise<void> {
    return this.q(() => {
      this.db
        .query("UPDATE environments SET flux_receiver_url = ?, flux_receiver_token = ? WHERE name = ?")
        .run(url, this.seal(token, `environments.flux_receiver_token:${name}`), name);
    });
  }

  envs(): Promise<Environment[]> {
    return this.q(() =>
      (this.db.query("SELECT * FROM environments ORDER BY name").all() as Row[]).map((r) => this.toEnvOpen(r)),
    );
  }

  // --- events (the durable queue)

  insertEvent(e: NewEvent): Promise<EventRecord> {
    return this.q(() => {
      try {
        this.db
          .query(
            `INSERT INTO events (id, created, type, blob, repository, branch, event, source_branch, target_branch, tag, sha,
               artifact_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            e.id,
            this.now(),
            e.type,
            e.blob,
            e.repository ?? "",
            e.branch ?? "",
            e.event ?? "",
            e.sourceBranch ?? "",
            e.targetBranch ?? "",
            e.tag ?? "",
            e.sha ?? "",
            e.artifactId ?? "",
          );
      } catch (err) {
        if (isUniqueViolation(err)) throw new ConflictError(`event ${JSON.stringify(e.id)} already exists`);
        throw err;
      }
      return this.eventNow(e.id)!;
    });
  }

  private eventNow(id: string): EventRecord | undefined {
    const r = this.db.query("SELECT * FROM events WHERE id = ?").get(id) as Row | null;
    return r ? toEvent(r) : undefined;
  }

  event(id: string): Promise<EventRecord | undefined> {
    return this.q(() => this.eventNow(id));
  }

  artifactEvent(artifactId: string): Promise<EventRecord | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT * FROM events WHERE type = 'artifact' AND artifact_id = ?")
        .get(artifactId) as Row | null;
      return r ? toEvent(r) : undefined;
    });
  }

  claimNext(lease: Lease): Promise<EventRecord | undefined> {
    return this.q(() => {
      checkLease(lease);
      const now = this.clock();
      // One statement, so atomic across connections: a new event has lease_expires 0, so one test
      // finds both new events and those whose worker stopped renewing.
      const r = this.db
        .query(
          `UPDATE events SET status = 'processing', attempts = attempts + 1, lease_owner = ?, lease_expires = ?
           WHERE seq = (SELECT seq FROM events WHERE status IN ('new', 'processing') AND lease_expires <= ?
                        ORDER BY seq LIMIT 1)
           RETURNING *`,
        )
        .get(lease.owner, now + lease.ms, now) as Row | null;
      return r ? toEvent(r) : undefined;
    });
  }

  renewLease(id: string, lease: Lease): Promise<boolean> {
    return this.q(() => {
      checkLease(lease);
      return (
        this.db
          .query("UPDATE events SET lease_expires = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?")
          .run(this.clock() + lease.ms, id, lease.owner).changes === 1
      );
    });
  }

  releaseLease(held: Held): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query("UPDATE events SET lease_expires = 0 WHERE id = ? AND status = 'processing' AND lease_owner = ?")
          .run(held.id, held.leaseOwner).changes === 1
      );
    });
  }

  expireLeases(prefix: string, keep: string): Promise<number> {
    return this.q(() => {
      return this.db
        .query(
          `UPDATE events SET lease_expires = 0 WHERE status = 'processing' AND lease_expires > 0
             AND substr(lease_owner, 1, length(?)) = ? AND lease_owner <> ?`,
        )
        .run(prefix, prefix, keep).changes;
    });
  }

  recordProgress(held: Held, gitopsHashes: string[], results: unknown[]): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query(
            "UPDATE events SET gitops_hashes = ?, results = ? WHERE id = ? AND status = 'processing' AND lease_owner = ?",
          )
          .run(JSON.stringify(gitopsHashes), JSON.stringify(results), held.id, held.leaseOwner).changes === 1
      );
    });
  }

  finishEvent(
    held: Held,
    status: FinalStatus,
    desc: string,
    gitopsHashes: string[],
    results: unknown[],
  ): Promise<boolean> {
    return this.q(() => {
      return (
        this.db
          .query(
            `UPDATE events SET status = ?, status_desc = ?, gitops_hashes = ?, results = ?, lease_expires = 0
           WHERE id = ? AND status = 'processing' AND lease_owner = ?`,
          )
          .run(status, desc, JSON.stringify(gitopsHashes), JSON.stringify(results), held.id, held.leaseOwner)
          .changes === 1
      );
    });
  }

  queueDepth(): Promise<number> {
    return this.q(
      () =>
        (this.db.query("SELECT count(*) AS n FROM events WHERE status IN ('new', 'processing')").get() as { n: number })
          .n,
    );
  }

  eventCounts(): Promise<{ type: string; status: string; n: number }[]> {
    return this.q(
      () =>
        this.db
          .query("SELECT type, status, count(*) AS n FROM events GROUP BY type, status ORDER BY type, status")
          .all() as {
          type: string;
          status: string;
          n: number;
        }[],
    );
  }

  artifacts(f: ArtifactFilter): Promise<EventRecord[]> {
    return this.q(() => {
      const where = ["type = 'artifact'"];
      const args: (string | number)[] = [];
      const eq = (col: string, v: string | undefined) => {
        if (v) {
          where.push(`${col} = ?`);
          args.push(v);
        }
      };
      eq("repository", f.repository);
      eq("branch", f.branch);
      eq("event", f.event);
      eq("source_branch", f.sourceBranch);
      if (f.sha?.length) {
        where.push(`sha IN (${f.sha.map(() => "?").join(",")})`);
        args.push(...f.sha);
      }
      if (f.since !== undefined) {
        where.push("created >= ?");
        args.push(f.since);
      }
      if (f.until !== undefined) {
        where.push("created <= ?");
        args.push(f.until);
      }
      // SQLite's "no limit" is -1 (an OFFSET needs a LIMIT).
      const limit = f.limit || (f.offset ? -1 : 10);
      const sql = `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created DESC, seq DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, limit, f.offset ?? 0) as Row[]).map(toEvent);
    });
  }

  // --- gitops commit statuses (from Flux events)

  upsertGitopsCommit(c: Omit<GitopsCommit, "created">): Promise<void> {
    return this.q(() => {
      this.db
        .query(
          `INSERT INTO gitops_commits (sha, env, status, status_desc, created) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(sha) DO UPDATE SET status = excluded.status, status_desc = excluded.status_desc,
             env = CASE WHEN excluded.env = '' THEN env ELSE excluded.env END`,
        )
        .run(c.sha, c.env, c.status, c.statusDesc, this.now());
    });
  }

  gitopsCommit(sha: string): Promise<GitopsCommit | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits WHERE sha = ?")
        .get(sha) as GitopsCommit | null;
      return r ?? undefined;
    });
  }

  gitopsCommits(limit: number): Promise<GitopsCommit[]> {
    return this.q(
      () =>
        this.db
          .query(
            "SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits " +
              "ORDER BY created DESC, rowid DESC LIMIT ?",
          )
          .all(limit) as GitopsCommit[],
    );
  }

  // --- release history mirror (rebuildable from git: gimlet serve --reindex)

  putReleases(env: string, rows: ReleaseRow[]): Promise<void> {
    return this.q(() => {
      const q = this.db.query(
        `INSERT INTO releases (env, app, gitops_ref, created, rolled_back, repository, blob) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT(env, gitops_ref, app) DO UPDATE SET rolled_back = excluded.rolled_back, blob = excluded.blob`,
      );
      // Inside an open transaction bun:sqlite makes this a savepoint.
      this.db
        .transaction(() => {
          for (const r of rows) q.run(env, r.app, r.gitopsRef, r.created, r.rolledBack ? 1 : 0, r.repository, r.blob);
        })
        .immediate();
    });
  }

  clearReleases(env: string): Promise<void> {
    return this.q(() => {
      this.db.query("DELETE FROM releases WHERE env = ?").run(env);
    });
  }

  countReleases(env: string): Promise<number> {
    return this.q(
      () => (this.db.query("SELECT count(*) AS n FROM releases WHERE env = ?").get(env) as { n: number }).n,
    );
  }

  releases(f: ReleaseFilter): Promise<{ blob: string; created: number; rolledBack: boolean; gitopsRef: string }[]> {
    return this.q(() => {
      const where = ["env = ?"];
      const args: (string | number)[] = [f.env];
      if (f.app) where.push("app = ?"), args.push(f.app);
      if (f.since !== undefined) where.push("created >= ?"), args.push(f.since);
      if (f.until !== undefined) where.push("created <= ?"), args.push(f.until);
      if (f.repository) where.push("repository = ?"), args.push(f.repository);
      const sql = `SELECT blob, created, rolled_back, gitops_ref FROM releases WHERE ${where.join(" AND ")}
                   ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, f.limit, f.offset) as Row[]).map(toRelease);
    });
  }

  // --- the agents' last known live state

  putAgentState(env: string, state: string): Promise<void> {
    return this.q(() => {
      this.db
        .query(
          `INSERT INTO agent_states (env, state, updated) VALUES (?, ?, ?)
           ON CONFLICT(env) DO UPDATE SET state = excluded.state, updated = excluded.updated`,
        )
        .run(env, state, this.now());
    });
  }

  agentState(env: string): Promise<{ state: string; updated: number } | undefined> {
    return this.q(() => {
      const r = this.db.query("SELECT state, updated FROM agent_states WHERE env = ?").get(env);
      return (r as { state: string; updated: number } | null) ?? undefined;
    });
  }

  // --- passwords and browser sessions

  setPasswordHash(login: string, hash: string): Promise<void> {
    return this.q(() => {
      if (this.db.query("UPDATE users SET password_hash = ? WHERE login = ?").run(hash, login).changes === 0) {
        throw new NotFoundError(`no user ${JSON.stringify(login)}`);
      }
    });
  }

  passwordHash(login: string): Promise<{ user: User; hash: string } | undefined> {
    return this.q(() => {
      const r = this.db
        .query("SELECT id, login, role, env, created, password_hash AS hash FROM users WHERE login = ?")
        .get(login) as (User & { hash: string }) | null;
      if (!r) return undefined;
      const { hash, ...user } = r;
      return { user, hash };
    });
  }

  createSession(s: { idHash: string; login: string; csrf: string; expires: number }): Promise<void> {
    return this.q(() => {
      const u = this.mustUser(s.login);
      const now = this.now();
      this.db.query("DELETE FROM sessions WHERE expires <= ?").run(now);
      this.db
        .query("INSERT INTO sessions (id_hash, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)")
        .run(s.idHash, u.id, s.csrf, now, s.expires);
    });
  }

  session(idHash: string): Promise<Session | undefined> {
    return this.q(() => {
      const r = this.db
        .query(
          "SELECT u.id, u.login, u.role, u.env, u.created, s.csrf, s.created AS sCreated, s.expires " +
            "FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.expires > ?",
        )
        .get(idHash, this.now()) as (User & { csrf: string; sCreated: number; expires: number }) | null;
      if (!r) return undefined;
      const { csrf, sCreated, expires, ...user } = r;
      return { user, csrf, created: sCreated, expires };
    });
  }

  deleteSession(idHash: string): Promise<boolean> {
    return this.q(() => this.db.query("DELETE FROM sessions WHERE id_hash = ?").run(idHash).changes > 0);
  }

  deleteSessions(login: string): Promise<number> {
    return this.q(() => {
      const u = this.mustUser(login);
      return this.db.query("DELETE FROM sessions WHERE user_id = ?").run(u.id).changes;
    });
  }

  events(f: EventFilter): Promise<EventRecord[]> {
    return this.q(() => {
      const where: string[] = [];
      const args: (string | number)[] = [];
      if (f.type) {
        where.push("type = ?");
        args.push(f.type);
      }
      if (f.status) {
        where.push("status = ?");
        args.push(f.status);
      }
      const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const sql = `SELECT * FROM events ${cond} ORDER BY seq DESC LIMIT ? OFFSET ?`;
      return (this.db.query(sql).all(...args, f.limit, f.offset ?? 0) as Row[]).map(toEvent);
    });
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
