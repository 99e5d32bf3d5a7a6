/**
 * Token auth: `Authorization: Bearer <token>` or `?access_token=` (what Flux providers use).
 * Tokens are looked up by their sha256, so no token is ever compared or stored in the clear.
 */
import type { MiddlewareHandler } from "hono";
import type { Role, SqliteStore, User } from "../store/index.ts";
import { AuthError } from "./http-errors.ts";

export type AppEnv = { Variables: { user: User } };

export function tokenOf(req: Request): string | undefined {
  const h = req.headers.get("authorization");
  if (h?.toLowerCase().startsWith("bearer ")) return h.slice(7).trim();
  if (h?.toLowerCase().startsWith("basic ")) {
    // git clients send the token as the basic-auth password
    const decoded = atob(h.slice(6).trim());
    return decoded.slice(decoded.indexOf(":") + 1);
  }
  return new URL(req.url).searchParams.get("access_token") ?? undefined;
}

export function authenticate(store: SqliteStore): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const token = tokenOf(c.req.raw);
    if (!token) throw new AuthError(401, "missing token: send Authorization: Bearer <token>");
    const user = store.authenticate(token);
    if (!user) throw new AuthError(401, "invalid or revoked token");
    c.set("user", user);
    await next();
  };
}

/** Allows only the given roles past this point. */
export function requireRole(...roles: Role[]): MiddlewareHandler<AppEnv> {
  return async function requireRole(c, next) {
    const user = c.get("user");
    if (!roles.includes(user.role)) throw new AuthError(403, `the ${user.role} role may not do this`);
    await next();
  };
}
