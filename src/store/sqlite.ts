/**
 * The store on bun:sqlite: WAL, a busy timeout, immediate write transactions, one connection per
 * process. Every query lives here; callers see typed records.
 */
import { Database } from "bun:sqlite";
import { createHash, randomBytes } from "node:crypto";
import { ConflictError, NotFoundError, UserError } from "../core/errors.ts";
import { migrations } from "./migrations.ts";
import { RequestLog } from "./requests.ts";
import { Cipher, KEY_ENV, KEY_FILE } from "./secrets.ts";
import type { ArtifactFilter, Environment, EventRecord, EventStatus, EventType, GitopsCommit, Role, TokenInfo, User } from "./types.ts";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** 32 random bytes, url-safe; only its sha256 is stored. */
export function newToken(): string {
  return `glt_${randomBytes(32).toString("base64url")}`;
}

type Row = Record<string, unknown>;

/** A known value sealed with the key, so a wrong key is caught at open. */
const KEY_CHECK = "secrets.key_check";
const KEY_CHECK_VALUE = "gimlet-encryption-key-check-v1";

function toEvent(r: Row): EventRecord {
  return {
    seq: r.seq as number,
    id: r.id as string,
    created: r.created as number,
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
    attempts: (r.attempts as number | undefined) ?? 0,
  };
}

function toEnv(r: Row): Environment {
  return {
    name: r.name as string,
    repoUrl: r.repo_url as string,
    repoToken: r.repo_token as string,
    builtin: !!r.builtin,
    repoPerEnv: !!r.repo_per_env,
    branch: r.branch as string,
    created: r.created as number,
    fluxReceiverUrl: (r.flux_receiver_url as string) ?? "",
    fluxReceiverToken: (r.flux_receiver_token as string) ?? "",
  };
}

export interface NewEvent {
  id: string;
  type: EventType;
  blob: string;
  repository?: string;
  branch?: string;
  event?: string;
  sourceBranch?: string;
  targetBranch?: string;
  tag?: string;
  sha?: string;
  artifactId?: string;
}

export class SqliteStore {
  readonly db: Database;
  private readonly now: () => number;
  /** Webhook deliveries, idempotency keys and artifact digests. */
  readonly requests: RequestLog;
  /** Seals and opens stored credentials; without one, the store refuses to hold any. */
  private cipher?: Cipher;

  constructor(path: string, opts: { now?: () => number; cipher?: Cipher } = {}) {
    this.db = new Database(path, { strict: true, create: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;");
    this.now = opts.now ?? (() => Math.floor(Date.now() / 1000));
    this.migrate();
    this.requests = new RequestLog(this.db, this.now);
    if (opts.cipher) this.unlock(opts.cipher);
  }

  private migrate(): void {
    this.db.exec("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)");
    const done = new Set((this.db.query("SELECT version FROM schema_migrations").all() as { version: number }[]).map((r) => r.version));
    // By version, not by position: migrations added on different branches may land in any order.
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.query("INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)").run(m.version, m.name, this.now());
      }).immediate();
    }
  }

  close(): void {
    this.db.close();
  }

  // --- users and tokens

  createUser(login: string, role: Role, env = ""): User {
    try {
      this.db.query("INSERT INTO users (login, role, env, created) VALUES (?, ?, ?, ?)").run(login, role, env, this.now());
    } catch (e) {
      if (String(e).includes("UNIQUE")) throw new ConflictError(`user ${JSON.stringify(login)} already exists`);
      throw e;
    }
    return this.user(login)!;
  }

  user(login: string): User | undefined {
    return (this.db.query("SELECT id, login, role, env, created FROM users WHERE login = ?").get(login) as User | null) ?? undefined;
  }

  users(): User[] {
    return this.db.query("SELECT id, login, role, env, created FROM users ORDER BY login").all() as User[];
  }

  deleteUser(login: string): void {
    if (this.db.query("DELETE FROM users WHERE login = ?").run(login).changes === 0) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
  }

  /** Issues a new token for the user; the plain token is returned once and never stored. */
  issueToken(login: string): string {
    return this.issueTokenWithId(login).token;
  }

  /** Like issueToken, with the token's id (what lists show and revocation takes). */
  issueTokenWithId(login: string): { id: number; token: string } {
    const u = this.user(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    const token = newToken();
    const r = this.db.query("INSERT INTO tokens (user_id, hash, created) VALUES (?, ?, ?)").run(u.id, hashToken(token), this.now());
    return { id: Number(r.lastInsertRowid), token };
  }

  /** The user's valid tokens: ids and times, never a value or hash. */
  tokens(login: string): TokenInfo[] {
    const u = this.user(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    return this.db
      .query("SELECT id, created, last_used AS lastUsed FROM tokens WHERE user_id = ? AND revoked = 0 ORDER BY id")
      .all(u.id) as TokenInfo[];
  }

  /** Revokes one token by id; the user's other tokens stay valid. Returns whose token it was. */
  revokeToken(id: number): string {
    const r = this.db.query("SELECT u.login FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ? AND t.revoked = 0").get(id) as
      | { login: string }
      | null;
    if (!r) throw new NotFoundError(`no valid token with id ${id}`, { hint: "gimlet user tokens LOGIN lists them" });
    this.db.query("UPDATE tokens SET revoked = 1 WHERE id = ?").run(id);
    return r.login;
  }

  /** Revokes every token of the user. */
  revokeTokens(login: string): number {
    const u = this.user(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    return this.db.query("UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0").run(u.id).changes;
  }

  /** The user a token belongs to, if it is valid. Lookup is by hash: the token itself is never compared. */
  authenticate(token: string): User | undefined {
    const row = this.db
      .query(
        "SELECT u.id, u.login, u.role, u.env, u.created, t.id AS tokenId, t.last_used AS lastUsed FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ? AND t.revoked = 0",
      )
      .get(hashToken(token)) as (User & { tokenId: number; lastUsed: number }) | null;
    if (!row) return undefined;
    const { tokenId, lastUsed, ...user } = row;
    // At most one write a minute per token: "last used" stays cheap on a busy API.
    const now = this.now();
    if (now - lastUsed >= 60) this.db.query("UPDATE tokens SET last_used = ? WHERE id = ?").run(now, tokenId);
    return user;
  }

  // --- stored credentials (sealed with a key kept outside this database)

  /** Whether credentials were ever sealed here: then only the same key may open this store. */
  secretsSealed(): boolean {
    return this.getValue(KEY_CHECK) !== undefined;
  }

  /**
   * Checks the key against the one credentials were sealed with (a wrong key is refused here, at
   * open, not later as a garbage token), and seals credentials still stored in plain text.
   * Returns how many it sealed, and whether the file was rewritten so no free page or WAL frame
   * still holds the plain values (that needs a moment without other readers).
   */
  unlock(cipher: Cipher): { sealed: number; scrubbed: boolean } {
    let sealed = 0;
    this.db.transaction(() => {
      const check = this.getValue(KEY_CHECK);
      if (check !== undefined) {
        if (cipher.tryOpen(check, KEY_CHECK) !== KEY_CHECK_VALUE) {
          throw new UserError(`${cipher.source} is not the key the credentials in ${this.db.filename} were encrypted with`, {
            hint: `use the original key: restore the data dir's ${KEY_FILE} or set ${KEY_ENV} to it`,
          });
        }
        return;
      }
      const rows = this.db.query("SELECT name, repo_token, flux_receiver_token FROM environments").all() as Row[];
      const q = this.db.query("UPDATE environments SET repo_token = ?, flux_receiver_token = ? WHERE name = ?");
      for (const r of rows) {
        const name = r.name as string;
        const seal = (col: string) => {
          const v = r[col] as string;
          if (!v || Cipher.isSealed(v)) return v;
          sealed++;
          return cipher.seal(v, `environments.${col}:${name}`);
        };
        q.run(seal("repo_token"), seal("flux_receiver_token"), name);
      }
      this.setValue(KEY_CHECK, cipher.seal(KEY_CHECK_VALUE, KEY_CHECK));
    }).immediate();
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
    if (!value) return "";
    if (!this.cipher) throw new Error(`refusing to store ${context} without an encryption key (open the store with a cipher)`);
    return this.cipher.seal(value, context);
  }

  private open(value: string, context: string): string {
    if (!value) return "";
    if (!this.cipher) throw new Error(`${context} is encrypted and this store was opened without the key`);
    return this.cipher.open(value, context);
  }

  private toEnvOpen(r: Row): Environment {
    const e = toEnv(r);
    return {
      ...e,
      repoToken: this.open(e.repoToken, `environments.repo_token:${e.name}`),
      fluxReceiverToken: this.open(e.fluxReceiverToken ?? "", `environments.flux_receiver_token:${e.name}`),
    };
  }

  // --- environments

  createEnv(e: Omit<Environment, "created" | "fluxReceiverUrl" | "fluxReceiverToken">): Environment {
    try {
      this.db
        .query("INSERT INTO environments (name, repo_url, repo_token, builtin, repo_per_env, branch, created) VALUES (?, ?, ?, ?, ?, ?, ?)")
        .run(e.name, e.repoUrl, this.seal(e.repoToken, `environments.repo_token:${e.name}`), e.builtin ? 1 : 0, e.repoPerEnv ? 1 : 0, e.branch, this.now());
    } catch (err) {
      if (String(err).includes("UNIQUE")) throw new ConflictError(`environment ${JSON.stringify(e.name)} already exists`);
      throw err;
    }
    return this.env(e.name)!;
  }

  env(name: string): Environment | undefined {
    const r = this.db.query("SELECT * FROM environments WHERE name = ?").get(name) as Row | null;
    return r ? this.toEnvOpen(r) : undefined;
  }

  setReceiver(name: string, url: string, token: string): void {
    this.db.query("UPDATE environments SET flux_receiver_url = ?, flux_receiver_token = ? WHERE name = ?").run(url, this.seal(token, `environments.flux_receiver_token:${name}`), name);
  }

  envs(): Environment[] {
    return (this.db.query("SELECT * FROM environments ORDER BY name").all() as Row[]).map((r) => this.toEnvOpen(r));
  }

  // --- events (the durable queue)

  insertEvent(e: NewEvent): EventRecord {
    this.db
      .query(
        `INSERT INTO events (id, created, type, blob, repository, branch, event, source_branch, target_branch, tag, sha, artifact_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(e.id, this.now(), e.type, e.blob, e.repository ?? "", e.branch ?? "", e.event ?? "", e.sourceBranch ?? "", e.targetBranch ?? "", e.tag ?? "", e.sha ?? "", e.artifactId ?? "");
    return this.event(e.id)!;
  }

  event(id: string): EventRecord | undefined {
    const r = this.db.query("SELECT * FROM events WHERE id = ?").get(id) as Row | null;
    return r ? toEvent(r) : undefined;
  }

  artifactEvent(artifactId: string): EventRecord | undefined {
    const r = this.db.query("SELECT * FROM events WHERE type = 'artifact' AND artifact_id = ?").get(artifactId) as Row | null;
    return r ? toEvent(r) : undefined;
  }

  /**
   * Claims the oldest unfinished event and counts the attempt. Events left `processing` by a crash
   * are claimed again: the worker's idempotency check (event id in release.json) keeps them from
   * running twice, and the count lets it give up on an event that keeps crashing it.
   */
  claimNext(): EventRecord | undefined {
    return this.db.transaction(() => {
      const r = this.db.query("SELECT * FROM events WHERE status IN ('new', 'processing') ORDER BY seq LIMIT 1").get() as Row | null;
      if (!r) return undefined;
      this.db.query("UPDATE events SET status = 'processing', attempts = attempts + 1 WHERE seq = ?").run(r.seq as number);
      return toEvent({ ...r, status: "processing", attempts: (r.attempts as number) + 1 });
    }).immediate();
  }

  finishEvent(id: string, status: Extract<EventStatus, "processed" | "error">, desc: string, gitopsHashes: string[], results: unknown[]): void {
    this.db
      .query("UPDATE events SET status = ?, status_desc = ?, gitops_hashes = ?, results = ? WHERE id = ?")
      .run(status, desc, JSON.stringify(gitopsHashes), JSON.stringify(results), id);
  }

  /** Records progress while an event runs, so a crash keeps what was done. */
  recordProgress(id: string, gitopsHashes: string[], results: unknown[]): void {
    this.db.query("UPDATE events SET gitops_hashes = ?, results = ? WHERE id = ?").run(JSON.stringify(gitopsHashes), JSON.stringify(results), id);
  }

  queueDepth(): number {
    return (this.db.query("SELECT count(*) AS n FROM events WHERE status IN ('new', 'processing')").get() as { n: number }).n;
  }

  eventCounts(): { type: string; status: string; n: number }[] {
    return this.db.query("SELECT type, status, count(*) AS n FROM events GROUP BY type, status ORDER BY type, status").all() as { type: string; status: string; n: number }[];
  }

  artifacts(f: ArtifactFilter): EventRecord[] {
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
    const limit = f.limit || (f.offset ? -1 : 10);
    const sql = `SELECT * FROM events WHERE ${where.join(" AND ")} ORDER BY created DESC, seq DESC LIMIT ? OFFSET ?`;
    return (this.db.query(sql).all(...args, limit, f.offset ?? 0) as Row[]).map(toEvent);
  }

  // --- gitops commit statuses (from Flux events)

  upsertGitopsCommit(c: Omit<GitopsCommit, "created">): void {
    this.db
      .query(
        `INSERT INTO gitops_commits (sha, env, status, status_desc, created) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(sha) DO UPDATE SET status = excluded.status, status_desc = excluded.status_desc, env = CASE WHEN excluded.env = '' THEN env ELSE excluded.env END`,
      )
      .run(c.sha, c.env, c.status, c.statusDesc, this.now());
  }

  gitopsCommit(sha: string): GitopsCommit | undefined {
    const r = this.db.query("SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits WHERE sha = ?").get(sha) as GitopsCommit | null;
    return r ?? undefined;
  }

  /** The newest gitops commits Flux reported on (GET /api/gitopsCommits). */
  gitopsCommits(limit: number): GitopsCommit[] {
    return this.db.query("SELECT sha, env, status, status_desc AS statusDesc, created FROM gitops_commits ORDER BY created DESC, rowid DESC LIMIT ?").all(limit) as GitopsCommit[];
  }

  // --- release history mirror (rebuildable from git: gimlet serve --reindex)

  putReleases(env: string, rows: { app: string; gitopsRef: string; created: number; rolledBack: boolean; repository: string; blob: string }[]): void {
    const q = this.db.query(
      `INSERT INTO releases (env, app, gitops_ref, created, rolled_back, repository, blob) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(env, gitops_ref, app) DO UPDATE SET rolled_back = excluded.rolled_back, blob = excluded.blob`,
    );
    this.db.transaction(() => {
      for (const r of rows) q.run(env, r.app, r.gitopsRef, r.created, r.rolledBack ? 1 : 0, r.repository, r.blob);
    }).immediate();
  }

  markRolledBack(env: string, refs: string[]): void {
    const q = this.db.query("UPDATE releases SET rolled_back = 1 WHERE env = ? AND gitops_ref = ?");
    this.db.transaction(() => refs.forEach((r) => q.run(env, r))).immediate();
  }

  clearReleases(env: string): void {
    this.db.query("DELETE FROM releases WHERE env = ?").run(env);
  }

  countReleases(env: string): number {
    return (this.db.query("SELECT count(*) AS n FROM releases WHERE env = ?").get(env) as { n: number }).n;
  }

  releases(f: { env: string; app?: string; limit: number; offset: number; since?: number; until?: number; repository?: string }): { blob: string; created: number; rolledBack: boolean; gitopsRef: string }[] {
    const where = ["env = ?"];
    const args: (string | number)[] = [f.env];
    if (f.app) (where.push("app = ?"), args.push(f.app));
    if (f.since !== undefined) (where.push("created >= ?"), args.push(f.since));
    if (f.until !== undefined) (where.push("created <= ?"), args.push(f.until));
    if (f.repository) (where.push("repository = ?"), args.push(f.repository));
    return (
      this.db.query(`SELECT blob, created, rolled_back, gitops_ref FROM releases WHERE ${where.join(" AND ")} ORDER BY created DESC, rowid DESC LIMIT ? OFFSET ?`).all(...args, f.limit, f.offset) as {
        blob: string;
        created: number;
        rolled_back: number;
        gitops_ref: string;
      }[]
    ).map((r) => ({ blob: r.blob, created: r.created, rolledBack: !!r.rolled_back, gitopsRef: r.gitops_ref }));
  }

  // --- key/values

  getValue(key: string): string | undefined {
    return (this.db.query("SELECT value FROM key_values WHERE key = ?").get(key) as { value: string } | null)?.value;
  }

  setValue(key: string, value: string): void {
    this.db.query("INSERT INTO key_values (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value").run(key, value);
  }
}
