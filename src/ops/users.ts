/** Users and their API tokens. A token is returned once, when issued, and stored only hashed. */
import { ConflictError, NotFoundError, UserError } from "../core/errors.ts";
import { assertSafeName } from "../core/gitops/index.ts";
import type { Role, TokenInfo, User } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";

export const roles: readonly Role[] = ["admin", "user", "flux", "agent"];

/** A user as lists show it: the original's `admin` boolean beside the role. */
export type UserView = User & { admin: boolean };
const view = (u: User): UserView => ({ ...u, admin: u.role === "admin" });

export interface CreateUserInput {
  login: unknown;
  role?: unknown;
  /** The original's flag, when no role is given. */
  admin?: boolean;
  /** The one env the user's tokens may act on ("" or absent: every env). */
  env?: string;
  /** A password for the dashboard's login (admin and user roles only). */
  password?: string;
}

export async function createUser(d: OpsDeps, input: CreateUserInput): Promise<UserView & { token: string }> {
  const login = input.login;
  if (typeof login !== "string" || !/^[a-z0-9][a-z0-9._-]{0,62}$/.test(login)) {
    throw new UserError("login is required: lowercase letters, digits, . _ -");
  }
  const role = (input.role ?? (input.admin ? "admin" : "user")) as Role;
  if (!roles.includes(role)) throw new UserError(`role must be one of ${roles.join(", ")}`, { path: "role" });
  // The scope: one existing env, or none. A typo would otherwise make a token that acts nowhere.
  const env = input.env ?? "";
  if (role === "agent" && !env) {
    // The policy gives an unbound agent token nothing: it would fail on every request.
    throw new UserError("an agent user must be bound to the env its agent reports for", {
      path: "env",
      hint: `gimlet user create ${login} --role agent --env ENV`,
    });
  }
  if (env) {
    if (role === "admin")
      throw new UserError("an admin acts on every env and cannot be scoped to one", { path: "env" });
    if (!(await d.store.env(assertSafeName(env, "env")))) {
      throw new NotFoundError(`environment ${JSON.stringify(env)} does not exist`, {
        path: "env",
        hint: "gimlet env create",
      });
    }
  }
  // Checked and hashed before the user exists: a refused password leaves nothing half-made.
  const hash = input.password === undefined ? "" : await hashPassword(input.password, role);
  const u = await d.store.createUser(login, role, env);
  if (hash) await d.store.setPasswordHash(u.login, hash);
  return { ...view(u), token: await d.store.issueToken(u.login) };
}

export async function listUsers(d: OpsDeps): Promise<UserView[]> {
  return (await d.store.users()).map(view);
}

/** A user; with `withToken`, a new token of theirs too (the original's impersonation). */
export async function getUser(d: OpsDeps, login: string, withToken = false): Promise<UserView & { token?: string }> {
  const u = await d.store.user(login);
  if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
  return { ...view(u), ...(withToken ? { token: await d.store.issueToken(u.login) } : {}) };
}

/**
 * Deletes a user with its tokens and sessions. The last admin is never deleted, by anyone: no one
 * could then manage users or envs through the server. `by` (the dashboard's signed-in user) may not
 * delete itself either: another admin does that, so a click never ends the session it came from.
 */
export async function deleteUser(d: OpsDeps, login: string, opts: { by?: string } = {}): Promise<void> {
  if (opts.by === login) {
    throw new ConflictError(`${login} cannot delete their own account`, { hint: "ask another admin to delete it" });
  }
  await d.store.transaction(async (tx) => {
    const u = await tx.user(login);
    if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
    if (u.role === "admin" && (await tx.users()).filter((x) => x.role === "admin").length <= 1) {
      throw new ConflictError(`${login} is the last admin and cannot be deleted`, {
        hint: "create another admin first (gimlet user create NAME --role admin), then delete this one",
      });
    }
    await tx.deleteUser(login);
  });
}

export function issueToken(d: OpsDeps, login: string): Promise<{ id: number; token: string }> {
  return d.store.issueTokenWithId(login);
}

export function listTokens(d: OpsDeps, login: string): Promise<TokenInfo[]> {
  return d.store.tokens(login);
}

/** Parses a token id as users type it. */
export function tokenId(raw: string, path?: string): number {
  if (!/^\d{1,15}$/.test(raw)) {
    throw new UserError(`token id must be a number, got ${JSON.stringify(raw.slice(0, 40))}`, {
      path,
      hint: "gimlet user tokens LOGIN lists them",
    });
  }
  return Number(raw);
}

/** Revokes one token; the user's other tokens stay valid. */
export async function revokeToken(d: OpsDeps, id: number): Promise<{ id: number; login: string; revoked: true }> {
  return { id, login: await d.store.revokeToken(id), revoked: true };
}

/** Roles that sign in to the dashboard; flux and agent users only ever use tokens. */
const passwordRoles: readonly Role[] = ["admin", "user"];

/** Checks a password's shape and hashes it with argon2id (Bun.password). */
async function hashPassword(password: string, role: Role): Promise<string> {
  if (!passwordRoles.includes(role)) {
    throw new UserError(`a ${role} user signs in with tokens only, not with a password`, { path: "password" });
  }
  if (password.length < 8) throw new UserError("the password must have at least 8 characters", { path: "password" });
  if (password.length > 1024)
    throw new UserError("the password must have at most 1024 characters", { path: "password" });
  return Bun.password.hash(password, { algorithm: "argon2id" });
}

/** Sets (or replaces) a user's dashboard password; their open sessions end. */
export async function setPassword(d: OpsDeps, login: string, password: string): Promise<void> {
  const u = await d.store.user(login);
  if (!u) throw new NotFoundError(`no user ${JSON.stringify(login)}`);
  await d.store.setPasswordHash(login, await hashPassword(password, u.role));
  await d.store.deleteSessions(login);
}
