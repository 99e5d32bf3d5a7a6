/**
 * The access policy (core/access.ts) applied to HTTP requests: every router asks it, here or through
 * `authorize`, and a refusal is a ForbiddenError that http-errors.ts renders (JSON for the API, plain
 * text for git). Authentication (who is asking) stays in auth.ts.
 */
import type { Context, MiddlewareHandler } from "hono";
import { authorize, may, type Action, type Principal, type Resource, type Role } from "../core/access.ts";
import type { HubEvent } from "../core/events.ts";
import type { Role as StoredRole } from "../store/index.ts";
import type { AppEnv } from "./auth.ts";

export { authorize, may };

// The roles the store keeps and the roles the table has columns for are one set.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rolesAgree: Same<StoredRole, Role> = true;
void rolesAgree;

/** The env a principal's grants reach at best: its own when bound, else none in particular. */
export function ownScope(p: Principal): Resource {
  return p.env ? { env: p.env } : {};
}

/**
 * Middleware: the caller must be allowed `action` on the resource `resourceOf` reads from the
 * request (the path or query; never the body, which is not read yet). Without `resourceOf` it asks
 * whether the caller may `action` at all within its scope; a route that learns the env from the body
 * then calls `authorize` again with it.
 */
export function allow(action: Action, resourceOf?: (c: Context<AppEnv>) => Resource): MiddlewareHandler<AppEnv> {
  return async function allow(c, next) {
    const user = c.get("user");
    authorize(user, action, resourceOf ? resourceOf(c) : ownScope(user));
    c.set("action", action);
    await next();
  };
}

/**
 * Middleware before every authenticated route: a route that answers without having asked the policy
 * (no `allow`) is a bug, so its answer becomes a 500 instead of data nobody decided to show.
 */
export const policyAsked: MiddlewareHandler<AppEnv> = async function policyAsked(c, next) {
  await next();
  if (c.res.status < 400 && !c.get("action")) {
    throw new Error(`${c.req.method} ${c.req.routePath} answered without asking the access policy (policy.ts allow)`);
  }
};

/**
 * What of an event the principal may see on the event stream: the event narrowed to the envs it
 * may `events.subscribe` to, or undefined. A bound principal sees only events naming its env (an
 * event naming none, such as a branch deletion, may concern any env).
 */
export function eventFor(p: Principal, e: HubEvent): HubEvent | undefined {
  const sees = (env: string) => may(p, "events.subscribe", { env });
  if (!may(p, "events.subscribe", ownScope(p))) return undefined;
  if (!p.env) return e;
  switch (e.type) {
    case "release.queued": {
      const targets = e.targets.filter((t) => sees(t.env));
      return targets.length ? { ...e, targets } : undefined;
    }
    case "release.processed":
    case "release.failed": {
      const targets = e.targets.filter((t) => sees(t.env));
      const results = e.results.filter((r) => sees(r.env));
      if (!targets.length && !results.length) return undefined;
      const hashes = new Set(results.map((r) => r.hash));
      return { ...e, targets, results, gitopsHashes: e.gitopsHashes.filter((h) => hashes.has(h)) };
    }
    case "artifact.received": {
      const envs = e.envs.filter(sees);
      return envs.length ? { ...e, envs } : undefined;
    }
    case "gitops.commit-status":
    case "env.created":
    case "agent.connected":
    case "agent.disconnected":
    case "app.state":
    case "release.step":
      return e.env && sees(e.env) ? e : undefined;
  }
}
