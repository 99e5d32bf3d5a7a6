/**
 * Browser sessions of the dashboard: sign in with a password or an API token, look a session up by
 * its cookie value, sign out. The id and the CSRF token are random; the store keeps only the id's
 * sha256, so a copy of the database opens no session.
 */
import { randomBytes } from "node:crypto";
import { may } from "../core/access.ts";
import { hashToken, type Session, type User } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { nowOf } from "./deps.ts";

export const sessionTtlSeconds = 7 * 24 * 3600;

/** Verified against when the login is unknown, so an unknown login takes as long as a wrong password. */
let dummyHash: Promise<string> | undefined;

/** The user a login and password name, if the password is theirs and they may use the dashboard. */
export async function checkPassword(d: OpsDeps, login: string, password: string): Promise<User | undefined> {
  const found = login && password ? await d.store.passwordHash(login) : undefined;
  if (!found?.hash) {
    dummyHash ??= Bun.password.hash("not a password of anyone", { algorithm: "argon2id" });
    await Bun.password.verify(password || "x", await dummyHash).catch(() => false);
    return undefined;
  }
  const ok = await Bun.password.verify(password, found.hash).catch(() => false);
  const scope = found.user.env ? { env: found.user.env } : {};
  return ok && may(found.user, "dashboard.view", scope) ? found.user : undefined;
}

/** The user of an API token, if it is valid and its role may use the dashboard. */
export async function checkToken(d: OpsDeps, token: string): Promise<User | undefined> {
  const u = token ? await d.store.authenticate(token.trim()) : undefined;
  return u && may(u, "dashboard.view", u.env ? { env: u.env } : {}) ? u : undefined;
}

export interface NewSession {
  /** The cookie value: shown to the browser once, stored only hashed. */
  id: string;
  csrf: string;
  /** Unix seconds. */
  expires: number;
}

export async function startSession(d: OpsDeps, login: string): Promise<NewSession> {
  const id = randomBytes(32).toString("base64url");
  const csrf = randomBytes(24).toString("base64url");
  const expires = nowOf(d) + sessionTtlSeconds;
  await d.store.createSession({ idHash: hashToken(id), login, csrf, expires });
  return { id, csrf, expires };
}

export async function sessionOf(d: OpsDeps, id: string | undefined): Promise<Session | undefined> {
  if (!id || id.length > 200) return undefined;
  return d.store.session(hashToken(id));
}

export async function endSession(d: OpsDeps, id: string): Promise<void> {
  await d.store.deleteSession(hashToken(id));
}

/** Signs a user out everywhere (after a password change, or on request). */
export function endAllSessions(d: OpsDeps, login: string): Promise<number> {
  return d.store.deleteSessions(login);
}
