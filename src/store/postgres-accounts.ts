/** Postgres queries for who may do what: users, API tokens, passwords, browser sessions, environments. */
import type { SQL, TransactionSQL } from "bun";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { openEnv, sealCredential } from "./credentials.ts";
import { isUniqueViolation, PgBase } from "./postgres-base.ts";
import { num, type Row, toEnv, toUser } from "./rows.ts";
import { checkGivenToken, hashToken, newToken } from "./tokens.ts";
import type { Environment, Role, Session, TokenInfo, User } from "./types.ts";

export class PgAccounts extends PgBase {
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

  private toEnv(r: Row): Environment {
    return openEnv(this.ctx.cipher, toEnv(r));
  }

  async createEnv(e: Omit<Environment, "created" | "fluxReceiverUrl" | "fluxReceiverToken">): Promise<Environment> {
    const token = sealCredential(this.ctx.cipher, e.repoToken, `environments.repo_token:${e.name}`);
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

  async deleteEnv(name: string): Promise<{ users: string[] }> {
    const del = async (sql: SQL) => {
      const [found] = await sql`SELECT 1 FROM environments WHERE name = ${name} FOR UPDATE`;
      if (!found) throw new NotFoundError(`environment ${JSON.stringify(name)} does not exist`);
      const users = await sql`DELETE FROM users WHERE env = ${name} RETURNING login`;
      await sql`DELETE FROM releases WHERE env = ${name}`;
      await sql`DELETE FROM agent_states WHERE env = ${name}`;
      await sql`DELETE FROM release_steps WHERE env = ${name}`;
      await sql`DELETE FROM environments WHERE name = ${name}`;
      return { users: users.map((u: Row) => String(u.login)).sort() };
    };
    // All or nothing: its own transaction, or a savepoint inside the caller's.
    if (this.inTx) return (this.sql as TransactionSQL).savepoint((sp: SQL) => del(sp));
    return this.sql.begin((tx) => del(tx));
  }

  async setReceiver(name: string, url: string, token: string): Promise<void> {
    const sealed = sealCredential(this.ctx.cipher, token, `environments.flux_receiver_token:${name}`);
    await this
      .sql`UPDATE environments SET flux_receiver_url = ${url}, flux_receiver_token = ${sealed} WHERE name = ${name}`;
  }
}
