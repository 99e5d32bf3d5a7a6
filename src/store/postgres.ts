/**
 * The Store on PostgreSQL, for several `gimlet serve` replicas sharing one database. Bun's built-in
 * client (`Bun.SQL`): a pool, transactions, LISTEN/NOTIFY with reconnection and SQLSTATE codes are
 * all there, so no dependency is added. Every dialect detail stays in this file and its migrations.
 *
 * What several connections need, and how it is met here:
 * - a claim is one statement: `FOR UPDATE SKIP LOCKED` picks the oldest free row nobody is claiming;
 * - `transaction` first takes one transaction-scoped advisory lock, so check-then-write transactions
 *   run one at a time across every replica, as SQLite's BEGIN IMMEDIATE does in one file;
 * - lease and record times come from the store's clock as parameters, never from the server's now();
 * - `exclusive(key, fn)` holds a session advisory lock on a reserved connection: one writer per
 *   gitops repo across replicas; a replica that dies loses its connection and with it the lock.
 */
import { SQL, type TransactionSQL } from "bun";
import { ConflictError, NotFoundError, UserError } from "../core/errors.ts";
import { pgMigrations } from "./postgres-migrations.ts";
import { PgRequestLog } from "./postgres-requests.ts";
import { Cipher, KEY_ENV, KEY_FILE } from "./secrets.ts";
import { checkGivenToken, hashToken, newToken } from "./sqlite.ts";
import type { FinalStatus, Held, Lease, NewEvent, ReleaseFilter, ReleaseRow, Store, StoreTx } from "./store.ts";
import type {
  ArtifactFilter,
  Environment,
  EventFilter,
  EventRecord,
  EventStatus,
  EventType,
  GitopsCommit,
  Role,
  Session,
  TokenInfo,
  User,
} from "./types.ts";

type Row = Record<string, unknown>;

const KEY_CHECK = "secrets.key_check";
const KEY_CHECK_VALUE = "gimlet-encryption-key-check-v1";
/** Advisory lock keys (first half of the two-int form): a namespace per purpose. */
const LOCK_MIGRATE = 0x67696d01;
const LOCK_TX = 0x67696d02;
const LOCK_EXCLUSIVE = 0x67696d03;
/** NOTIFY payloads are capped at 8000 bytes by the server. */
export const NOTIFY_MAX_BYTES = 7900;

const num = (v: unknown): number => Number(v);

function toUser(r: Row): User {
  return {
    id: num(r.id),
    login: r.login as string,
    role: r.role as Role,
    env: r.env as string,
    created: num(r.created),
  };
}

function toEvent(r: Row): EventRecord {
  return {
    seq: num(r.seq),
    id: r.id as string,
    created: num(r.created),
    type: r.type as EventType,
    blob: r.blob as string,
    status: r.status as EventStatus,
    statusDesc: r.status_desc as string,
    repository: r.repository as string,
    branch: r.branch as string,
    event: r.event as string,
    sourceBranch: r.source_branch as string,
    targetBranch: r.target_branch as string,
    tag: r.tag as string,
    sha: r.sha as string,
    artifactId: r.artifact_id as string,
    gitopsHashes: JSON.parse(r.gitops_hashes as string) as string[],
    results: JSON.parse(r.results as string) as unknown[],
    attempts: num(r.attempts),
    leaseOwner: r.lease_owner as string,
    leaseExpires: num(r.lease_expires),
  };
}

function toCommit(r: Row): GitopsCommit {
  return {
    sha: r.sha as string,
    env: r.env as string,
    status: r.status as string,
    statusDesc: r.status_desc as string,
    created: num(r.created),
  };
}

/** A unique or primary key violation, told by its SQLSTATE. */
function isUniqueViolation(e: unknown): boolean {
  return (e as { errno?: unknown } | null)?.errno === "23505";
}

function checkLease(lease: Lease): void {
  if (!lease.owner) throw new Error("a lease needs an owner");
  if (!(lease.ms > 0)) throw new Error(`a lease lasts a positive number of ms, got ${lease.ms}`);
}

export interface PostgresOptions {
  /** Unix seconds, for record times (default: derived from `clock`, else the wall clock). */
  now?: () => number;
  /** Milliseconds, for leases (default: derived from `now`, else the wall clock). */
  clock?: () => number;
  cipher?: Cipher;
  /** Pool size (default 10). */
  max?: number;
}

/** What the queries of a store and of its transactions share; the cipher is set once unlocked. */
interface Ctx {
  now: () => number;
  clock: () => number;
  cipher?: Cipher;
  where: string;
}

/** Every query, on a pool or on one transaction's connection. */
class PgQueries implements StoreTx {
  readonly requests: PgRequestLog;

  constructor(
    protected readonly sql: SQL,
    protected readonly ctx: Ctx,
    private readonly inTx: boolean,
  ) {
    this.requests = new PgRequestLog(sql, ctx.now);
  }

  // --- users and tokens

  async createUser(login: string, role: Role, env = ""): Promise<User> {
    try {
      const [r] = await this
        .sql`INSERT INTO users (login, role, env, created) VALUES (${login}, ${role}, ${env}, ${this.ctx.now()})
        RETURNING id, login, role, env, created`;
      return toUser(r);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError(`user ${JSON.stringify(login)} already exists`);
      throw e;
    }
  }

  async user(login: string): Promise<User | undefined> {
    const [r] = await this.sql`SELECT id, login, role, env, created FROM users WHERE login = ${login}`;
    return r ? toUser(r) : undefined;
  }

  private async mustUser(login: string): Promise<User> {
    const u = await this.user(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    return u;
  }

  async users(): Promise<User[]> {
    return (await this.sql`SELECT id, login, role, env, created FROM users ORDER BY login`).map(toUser);
  }

  async deleteUser(login: string): Promise<void> {
    const r = await this.sql`DELETE FROM users WHERE login = ${login}`;
    if (r.count === 0) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
  }

  async issueToken(login: string): Promise<string> {
    return (await this.issueTokenWithId(login)).token;
  }

  async issueTokenWithId(login: string, given?: string): Promise<{ id: number; token: string }> {
    const u = await this.mustUser(login);
    const token = given === undefined ? newToken() : checkGivenToken(given);
    const [r] = await this
      .sql`INSERT INTO tokens (user_id, hash, created) VALUES (${u.id}, ${hashToken(token)}, ${this.ctx.now()})
      RETURNING id`;
    return { id: num(r.id), token };
  }

  async tokens(login: string): Promise<TokenInfo[]> {
    const u = await this.mustUser(login);
    const rows = await this
      .sql`SELECT id, created, last_used FROM tokens WHERE user_id = ${u.id} AND NOT revoked ORDER BY id`;
    return rows.map((r: Row) => ({ id: num(r.id), created: num(r.created), lastUsed: num(r.last_used) }));
  }

  async revokeToken(id: number): Promise<string> {
    const [r] = await this.sql`UPDATE tokens t SET revoked = true FROM users u
      WHERE u.id = t.user_id AND t.id = ${id} AND NOT t.revoked RETURNING u.login`;
    if (!r) throw new NotFoundError(`no valid token with id ${id}`, { hint: "gimlet user tokens LOGIN lists them" });
    return r.login as string;
  }

  async authenticate(token: string): Promise<User | undefined> {
    const [r] = await this.sql`SELECT u.id, u.login, u.role, u.env, u.created, t.id AS token_id, t.last_used
      FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ${hashToken(token)} AND NOT t.revoked`;
    if (!r) return undefined;
    // At most one write a minute per token: "last used" stays cheap on a busy API.
    const now = this.ctx.now();
    if (now - num(r.last_used) >= 60) await this.sql`UPDATE tokens SET last_used = ${now} WHERE id = ${r.token_id}`;
    return toUser(r);
  }

  // --- passwords and browser sessions

  async setPasswordHash(login: string, hash: string): Promise<void> {
    const r = await this.sql`UPDATE users SET password_hash = ${hash} WHERE login = ${login}`;
    if (r.count === 0) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
  }

  async passwordHash(login: string): Promise<{ user: User; hash: string } | undefined> {
    const [r] = await this.sql`SELECT id, login, role, env, created, password_hash FROM users WHERE login = ${login}`;
    return r ? { user: toUser(r), hash: r.password_hash as string } : undefined;
  }

  async createSession(s: { idHash: string; login: string; csrf: string; expires: number }): Promise<void> {
    const u = await this.mustUser(s.login);
    const now = this.ctx.now();
    await this.sql`DELETE FROM sessions WHERE expires <= ${now}`;
    await this.sql`INSERT INTO sessions (id_hash, user_id, csrf, created, expires)
      VALUES (${s.idHash}, ${u.id}, ${s.csrf}, ${now}, ${s.expires})`;
  }

  async session(idHash: string): Promise<Session | undefined> {
    const [r] = await this.sql`SELECT u.id, u.login, u.role, u.env, u.created, s.csrf, s.created AS s_created, s.expires
      FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id_hash = ${idHash} AND s.expires > ${this.ctx.now()}`;
    return r
      ? { user: toUser(r), csrf: r.csrf as string, created: num(r.s_created), expires: num(r.expires) }
      : undefined;
  }

  async deleteSession(idHash: string): Promise<boolean> {
    return (await this.sql`DELETE FROM sessions WHERE id_hash = ${idHash}`).count > 0;
  }

  async deleteSessions(login: string): Promise<number> {
    const u = await this.mustUser(login);
    return (await this.sql`DELETE FROM sessions WHERE user_id = ${u.id}`).count;
  }

  // --- environments (credentials sealed with the store's cipher)

  protected seal(value: string, context: string): string {
    if (!value) return "";
    if (!this.ctx.cipher)
      throw new Error(`refusing to store ${context} without an encryption key (open the store with a cipher)`);
    return this.ctx.cipher.seal(value, context);
  }

  private open(value: string, context: string): string {
    if (!value) return "";
    if (!this.ctx.cipher) throw new Error(`${context} is encrypted and this store was opened without the key`);
    return this.ctx.cipher.open(value, context);
  }

  private toEnv(r: Row): Environment {
    const name = r.name as string;
    return {
      name,
      repoUrl: r.repo_url as string,
      repoToken: this.open(r.repo_token as string, `environments.repo_token:${name}`),
      builtin: !!r.builtin,
      repoPerEnv: !!r.repo_per_env,
      branch: r.branch as string,
      created: num(r.created),
      fluxReceiverUrl: (r.flux_receiver_url as string) ?? "",
      fluxReceiverToken: this.open((r.flux_receiver_token as string) ?? "", `environments.flux_receiver_token:${name}`),
    };
  }

  async createEnv(e: Omit<Environment, "created" | "fluxReceiverUrl" | "fluxReceiverToken">): Promise<Environment> {
    const token = this.seal(e.repoToken, `environments.repo_token:${e.name}`);
    try {
      const [r] = await this
        .sql`INSERT INTO environments (name, repo_url, repo_token, builtin, repo_per_env, branch, created)
        VALUES (${e.name}, ${e.repoUrl}, ${token}, ${e.builtin}, ${e.repoPerEnv}, ${e.branch}, ${this.ctx.now()}) RETURNING *`;
      return this.toEnv(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`environment ${JSON.stringify(e.name)} already exists`);
      throw err;
    }
  }

  async env(name: string): Promise<Environment | undefined> {
    const [r] = await this.sql`SELECT * FROM environments WHERE name = ${name}`;
    return r ? this.toEnv(r) : undefined;
  }

  async envs(): Promise<Environment[]> {
    return (await this.sql`SELECT * FROM environments ORDER BY name`).map((r: Row) => this.toEnv(r));
  }

  async setReceiver(name: string, url: string, token: string): Promise<void> {
    const sealed = this.seal(token, `environments.flux_receiver_token:${name}`);
    await this
      .sql`UPDATE environments SET flux_receiver_url = ${url}, flux_receiver_token = ${sealed} WHERE name = ${name}`;
  }

  // --- the durable event queue

  async insertEvent(e: NewEvent): Promise<EventRecord> {
    try {
      const [r] = await this.sql`INSERT INTO events (id, created, type, blob, repository, branch, event, source_branch,
          target_branch, tag, sha, artifact_id)
        VALUES (${e.id}, ${this.ctx.now()}, ${e.type}, ${e.blob}, ${e.repository ?? ""}, ${e.branch ?? ""}, ${e.event ?? ""},
          ${e.sourceBranch ?? ""}, ${e.targetBranch ?? ""}, ${e.tag ?? ""}, ${e.sha ?? ""}, ${e.artifactId ?? ""})
        RETURNING *`;
      return toEvent(r);
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`event ${JSON.stringify(e.id)} already exists`);
      throw err;
    }
  }

  async event(id: string): Promise<EventRecord | undefined> {
    const [r] = await this.sql`SELECT * FROM events WHERE id = ${id}`;
    return r ? toEvent(r) : undefined;
  }

  async artifactEvent(artifactId: string): Promise<EventRecord | undefined> {
    const [r] = await this
      .sql`SELECT * FROM events WHERE type = 'artifact' AND artifact_id = ${artifactId} ORDER BY seq LIMIT 1`;
    return r ? toEvent(r) : undefined;
  }

  async claimNext(lease: Lease): Promise<EventRecord | undefined> {
    checkLease(lease);
    const now = this.ctx.clock();
    // SKIP LOCKED passes over a row another claim is taking right now; a row that stopped matching
    // once its lock was granted is rechecked and skipped too, so LIMIT 1 yields the next free one.
    const [r] = await this.sql`UPDATE events SET status = 'processing', attempts = attempts + 1,
        lease_owner = ${lease.owner}, lease_expires = ${now + lease.ms}
      WHERE seq = (SELECT seq FROM events WHERE status IN ('new', 'processing') AND lease_expires <= ${now}
                   ORDER BY seq LIMIT 1 FOR UPDATE SKIP LOCKED)
      RETURNING *`;
    return r ? toEvent(r) : undefined;
  }

  async renewLease(id: string, lease: Lease): Promise<boolean> {
    checkLease(lease);
    const r = await this.sql`UPDATE events SET lease_expires = ${this.ctx.clock() + lease.ms}
      WHERE id = ${id} AND status = 'processing' AND lease_owner = ${lease.owner}`;
    return r.count === 1;
  }

  async releaseLease(held: Held): Promise<boolean> {
    const r = await this.sql`UPDATE events SET lease_expires = 0
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async expireLeases(prefix: string, keep: string): Promise<number> {
    const r = await this.sql`UPDATE events SET lease_expires = 0 WHERE status = 'processing' AND lease_expires > 0
      AND left(lease_owner, length(${prefix})) = ${prefix} AND lease_owner <> ${keep}`;
    return r.count;
  }

  async recordProgress(held: Held, gitopsHashes: string[], results: unknown[]): Promise<boolean> {
    const r = await this
      .sql`UPDATE events SET gitops_hashes = ${JSON.stringify(gitopsHashes)}, results = ${JSON.stringify(results)}
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async finishEvent(
    held: Held,
    status: FinalStatus,
    desc: string,
    gitopsHashes: string[],
    results: unknown[],
  ): Promise<boolean> {
    const r = await this.sql`UPDATE events SET status = ${status}, status_desc = ${desc},
        gitops_hashes = ${JSON.stringify(gitopsHashes)}, results = ${JSON.stringify(results)}, lease_expires = 0
      WHERE id = ${held.id} AND status = 'processing' AND lease_owner = ${held.leaseOwner}`;
    return r.count === 1;
  }

  async queueDepth(): Promise<number> {
    const [r] = await this.sql`SELECT count(*) AS n FROM events WHERE status IN ('new', 'processing')`;
    return num(r.n);
  }

  async eventCounts(): Promise<{ type: string; status: string; n: number }[]> {
    const rows = await this
      .sql`SELECT type, status, count(*) AS n FROM events GROUP BY type, status ORDER BY type, status`;
    return rows.map((r: Row) => ({ type: r.type as string, status: r.status as string, n: num(r.n) }));
  }

  async events(f: EventFilter): Promise<EventRecord[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (cond: string, v: unknown) => (args.push(v), where.push(cond.replace("?", `$${args.length}`)));
    if (f.type) add("type = ?", f.type);
    if (f.status) add("status = ?", f.status);
    const cond = where.length ? `WHERE ${where.join(" AND ")}` : "";
    args.push(f.limit, f.offset ?? 0);
    const rows = await this.sql.unsafe(
      `SELECT * FROM events ${cond} ORDER BY seq DESC LIMIT $${args.length - 1} OFFSET $${args.length}`,
      args,
    );
    return rows.map(toEvent);
  }

  async artifacts(f: ArtifactFilter): Promise<EventRecord[]> {
    const where = ["type = 'artifact'"];
    const args: unknown[] = [];
    const p = (v: unknown) => (args.push(v), `$${args.length}`);
    for (const [col, v] of [
      ["repository", f.repository],
      ["branch", f.branch],
      ["event", f.event],
      ["source_branch", f.sourceBranch],
    ]) {
      if (v) where.push(`${col} = ${p(v)}`);
    }
    if (f.sha?.length) where.push(`sha IN (${f.sha.map(p).join(", ")})`);
    if (f.since !== undefined) where.push(`created >= ${p(f.since)}`);
    if (f.until !== undefined) where.push(`created <= ${p(f.until)}`);
    // Postgres' "no limit" is LIMIT ALL (NULL does the same).
    const limit = f.limit || (f.offset ? null : 10);
    const sql = `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created DESC, seq DESC LIMIT ${p(limit)} OFFSET ${p(f.offset ?? 0)}`;
    return (await this.sql.unsafe(sql, args)).map(toEvent);
  }

  // --- gitops commit statuses

  async upsertGitopsCommit(c: Omit<GitopsCommit, "created">): Promise<void> {
    await this.sql`INSERT INTO gitops_commits (sha, env, status, status_desc, created)
      VALUES (${c.sha}, ${c.env}, ${c.status}, ${c.statusDesc}, ${this.ctx.now()})
      ON CONFLICT (sha) DO UPDATE SET status = excluded.status, status_desc = excluded.status_desc,
        env = CASE WHEN excluded.env = '' THEN gitops_commits.env ELSE excluded.env END`;
  }

  async gitopsCommit(sha: string): Promise<GitopsCommit | undefined> {
    const [r] = await this.sql`SELECT sha, env, status, status_desc, created FROM gitops_commits WHERE sha = ${sha}`;
    return r ? toCommit(r) : undefined;
  }

  async gitopsCommits(limit: number): Promise<GitopsCommit[]> {
    const rows = await this.sql`SELECT sha, env, status, status_desc, created FROM gitops_commits
      ORDER BY created DESC, seq DESC LIMIT ${limit}`;
    return rows.map(toCommit);
  }

  // --- the release-history mirror

  async putReleases(env: string, rows: ReleaseRow[]): Promise<void> {
    const put = async (sql: SQL) => {
      for (const r of rows) {
        await sql`INSERT INTO releases (env, app, gitops_ref, created, rolled_back, repository, blob)
          VALUES (${env}, ${r.app}, ${r.gitopsRef}, ${r.created}, ${r.rolledBack}, ${r.repository}, ${r.blob})
          ON CONFLICT (env, gitops_ref, app) DO UPDATE SET rolled_back = excluded.rolled_back, blob = excluded.blob`;
      }
    };
    // All or nothing: its own transaction, or a savepoint inside the caller's.
    if (this.inTx) await (this.sql as TransactionSQL).savepoint((sp: SQL) => put(sp));
    else await this.sql.begin((tx) => put(tx));
  }

  async clearReleases(env: string): Promise<void> {
    await this.sql`DELETE FROM releases WHERE env = ${env}`;
  }

  async countReleases(env: string): Promise<number> {
    const [r] = await this.sql`SELECT count(*) AS n FROM releases WHERE env = ${env}`;
    return num(r.n);
  }

  async releases(
    f: ReleaseFilter,
  ): Promise<{ blob: string; created: number; rolledBack: boolean; gitopsRef: string }[]> {
    const args: unknown[] = [f.env];
    const where = ["env = $1"];
    const p = (v: unknown) => (args.push(v), `$${args.length}`);
    if (f.app) where.push(`app = ${p(f.app)}`);
    if (f.since !== undefined) where.push(`created >= ${p(f.since)}`);
    if (f.until !== undefined) where.push(`created <= ${p(f.until)}`);
    if (f.repository) where.push(`repository = ${p(f.repository)}`);
    const sql = `SELECT blob, created, rolled_back, gitops_ref FROM releases WHERE ${where.join(" AND ")}
                 ORDER BY created DESC, seq DESC LIMIT ${p(f.limit)} OFFSET ${p(f.offset)}`;
    const rows = await this.sql.unsafe(sql, args);
    return rows.map((r: Row) => ({
      blob: r.blob as string,
      created: num(r.created),
      rolledBack: !!r.rolled_back,
      gitopsRef: r.gitops_ref as string,
    }));
  }

  // --- the agents' last known live state

  async putAgentState(env: string, state: string): Promise<void> {
    await this.sql`INSERT INTO agent_states (env, state, updated) VALUES (${env}, ${state}, ${this.ctx.now()})
      ON CONFLICT (env) DO UPDATE SET state = excluded.state, updated = excluded.updated`;
  }

  async agentState(env: string): Promise<{ state: string; updated: number } | undefined> {
    const [r] = await this.sql`SELECT state, updated FROM agent_states WHERE env = ${env}`;
    return r ? { state: r.state as string, updated: num(r.updated) } : undefined;
  }
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
    return store;
  }

  private async migrate(): Promise<void> {
    await this.sql.begin(async (tx) => {
      // Replicas starting together: the first migrates, the others wait here and then find it done.
      await tx`SELECT pg_advisory_xact_lock(${LOCK_MIGRATE}, 0)`;
      await tx`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied BIGINT NOT NULL)`;
      const done = new Set((await tx`SELECT version FROM schema_migrations`).map((r: Row) => num(r.version)));
      for (const m of [...pgMigrations].sort((a, b) => a.version - b.version)) {
        if (done.has(m.version)) continue;
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
        const name = r.name as string;
        const seal = (col: string) => {
          const v = r[col] as string;
          if (!v || Cipher.isSealed(v)) return v;
          sealed++;
          return cipher.seal(v, `environments.${col}:${name}`);
        };
        await tx`UPDATE environments SET repo_token = ${seal("repo_token")}, flux_receiver_token = ${seal("flux_receiver_token")}
          WHERE name = ${name}`;
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
