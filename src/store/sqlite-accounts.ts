/** SQLite queries for who may do what: users, API tokens, passwords, browser sessions, environments. */
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { openEnv, sealCredential } from "./credentials.ts";
import { type Row, toEnv } from "./rows.ts";
import { isUniqueViolation, SqliteBase } from "./sqlite-base.ts";
import { checkGivenToken, hashToken, newToken } from "./tokens.ts";
import type { Environment, Role, Session, TokenInfo, User } from "./types.ts";

export class SqliteAccounts extends SqliteBase {
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

  // --- environments (credentials sealed with the store's cipher)

  private seal(value: string, context: string): string {
    return sealCredential(this.cipher, value, context);
  }

  private toEnvOpen(r: Row): Environment {
    return openEnv(this.cipher, toEnv(r));
  }

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

  deleteEnv(name: string): Promise<{ users: string[] }> {
    return this.q(() =>
      this.db.transaction(() => {
        if (!this.db.query("SELECT 1 FROM environments WHERE name = ?").get(name)) {
          throw new NotFoundError(`environment ${JSON.stringify(name)} does not exist`);
        }
        const users = this.db.query("SELECT login FROM users WHERE env = ? ORDER BY login").all(name) as Row[];
        this.db.query("DELETE FROM users WHERE env = ?").run(name);
        this.db.query("DELETE FROM releases WHERE env = ?").run(name);
        this.db.query("DELETE FROM agent_states WHERE env = ?").run(name);
        this.db.query("DELETE FROM release_steps WHERE env = ?").run(name);
        this.db.query("DELETE FROM environments WHERE name = ?").run(name);
        return { users: users.map((u) => String(u.login)) };
      })(),
    );
  }

  envs(): Promise<Environment[]> {
    return this.q(() =>
      (this.db.query("SELECT * FROM environments ORDER BY name").all() as Row[]).map((r) => this.toEnvOpen(r)),
    );
  }
}
