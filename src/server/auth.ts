/**
 * Token auth: `Authorization: Bearer <token>`, or HTTP basic with the token as the password (what
 * git and Flux's `secretRef` send). Tokens are looked up by their sha256, so no token is ever
 * compared or stored in the clear.
 *
 * `?access_token=` is accepted only on the routes listed in `queryTokenPaths`: a token in a URL ends
 * up in proxy and access logs, and only the original's Flux provider address needs it.
 */
import type { MiddlewareHandler } from "hono";
import type { Action } from "../core/access.ts";
import type { Store, User } from "../store/index.ts";
import { AuthError } from "./http-errors.ts";

/** `action`: what the route asked the access policy (policy.ts `allow`); a route that asked nothing fails. */
export type AppEnv = { Variables: { user: User; action?: Action } };

/** Routes that take `?access_token=` (the Flux generic provider URL of the original). */
export const queryTokenPaths: ReadonlySet<string> = new Set(["/api/flux-events"]);

/** What the Authorization header holds: a token, nothing, or why it cannot be read. */
export function credentialOf(req: Request): { token?: string; problem?: string } {
  const h = req.headers.get("authorization");
  if (h === null) return {};
  const [scheme = "", ...rest] = h.trim().split(/\s+/);
  const value = rest.join(" ");
  switch (scheme.toLowerCase()) {
    case "bearer":
      return value ? { token: value } : { problem: "the Bearer token is empty" };
    case "basic": {
      let decoded: string;
      try {
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value)) throw new Error();
        decoded = atob(value);
      } catch {
        return { problem: "Basic credentials are not base64" };
      }
      const colon = decoded.indexOf(":");
      if (colon < 0) return { problem: "Basic credentials must be user:token" };
      // git clients send the token as the basic-auth password
      const token = decoded.slice(colon + 1);
      return token ? { token } : { problem: "the Basic password (the token) is empty" };
    }
    default:
      return { problem: `unsupported authorization scheme ${JSON.stringify(scheme.slice(0, 20))}` };
  }
}

export function authenticate(store: Pick<Store, "authenticate">): MiddlewareHandler<AppEnv> {
  return async function authenticate(c, next) {
    const { token, problem } = credentialOf(c.req.raw);
    if (problem)
      throw new AuthError(401, `malformed Authorization header: ${problem}; send Authorization: Bearer <token>`);
    const queryToken = new URL(c.req.url).searchParams.get("access_token");
    if (queryToken !== null && !queryTokenPaths.has(c.req.path)) {
      throw new AuthError(
        401,
        `access_token in the query string is accepted only on ${[...queryTokenPaths].join(", ")}: send Authorization: Bearer <token>`,
      );
    }
    const t = token ?? queryToken;
    if (!t) throw new AuthError(401, "missing token: send Authorization: Bearer <token>");
    const user = await store.authenticate(t);
    if (!user) throw new AuthError(401, "invalid or revoked token");
    c.set("user", user);
    await next();
  };
}
