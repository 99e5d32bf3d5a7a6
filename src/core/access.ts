/**
 * The one access policy: which role may do what, on which env. Pure data and a pure decision, in core
 * so that every transport (API, hosted git, /metrics, the event stream, the agent routes) and the
 * dashboard's pages (which show only the buttons a viewer may press) read the same table. Enforcing
 * it, i.e. calling `authorize` with the principal of a request, is the transports' job; the
 * operations they call trust their caller.
 *
 * A principal is a role and an env binding ("" = unbound). A binding limits every grant: a token
 * bound to `staging` never acts on `prod`, whatever its role. A resource names the env it is about,
 * or none when it spans envs (a list, a tracked request, the event stream): the route then shows a
 * bound principal only its env's part.
 */
import { ForbiddenError } from "./errors.ts";

export const roles = ["admin", "user", "flux", "agent"] as const;
export type Role = (typeof roles)[number];

/** Every action a route may ask about; the agent and dashboard routes use the last eight. */
export const actions = [
  "artifact.push",
  "artifact.read",
  "release.request",
  "release.read",
  "rollback",
  "delete",
  "status.read",
  "history.read",
  "env.create",
  "env.delete",
  "env.list",
  "env.bootstrap",
  "user.manage",
  "token.manage",
  "flux.event",
  "git.read",
  "git.write",
  "events.subscribe",
  "metrics.read",
  "agent.state",
  "agent.commands",
  "app.logs",
  "app.restart",
  "app.details",
  "flux.reconcile",
  "dashboard.view",
] as const;
export type Action = (typeof actions)[number];

/**
 * `any`: on every env (a bound principal: its own env, or a resource that spans envs).
 * `own`: only on the env the principal is bound to; an unbound principal gets nothing, so an agent
 *        token made without `--env` cannot speak for every cluster.
 * `-`:   never.
 */
export type Grant = "any" | "own" | "-";

/** THE table. Columns in the order of `roles`. */
// prettier-ignore
export const policy: Readonly<Record<Action, readonly [admin: Grant, user: Grant, flux: Grant, agent: Grant]>> = {
  //                     admin  user   flux   agent
  "artifact.push": ["any", "any", "-", "-"],
  "artifact.read": ["any", "any", "-", "-"],
  "release.request": ["any", "any", "-", "-"],
  "release.read": ["any", "any", "-", "-"],
  rollback: ["any", "any", "-", "-"],
  delete: ["any", "any", "-", "-"],
  "status.read": ["any", "any", "-", "-"],
  "history.read": ["any", "any", "-", "-"],
  "env.create": ["any", "-", "-", "-"],
  "env.delete": ["any", "-", "-", "-"],
  "env.list": ["any", "any", "-", "-"],
  "env.bootstrap": ["any", "-", "-", "-"],
  "user.manage": ["any", "-", "-", "-"],
  "token.manage": ["any", "-", "-", "-"],
  "flux.event": ["any", "-", "any", "-"],
  "git.read": ["any", "-", "any", "-"],
  "git.write": ["any", "-", "-", "-"],
  "events.subscribe": ["any", "any", "-", "-"],
  "metrics.read": ["any", "any", "-", "-"],
  "agent.state": ["any", "-", "-", "own"],
  "agent.commands": ["any", "-", "-", "own"],
  "app.logs": ["any", "any", "-", "-"],
  "app.restart": ["any", "any", "-", "-"],
  "app.details": ["any", "any", "-", "-"],
  "flux.reconcile": ["any", "any", "-", "-"],
  "dashboard.view": ["any", "any", "-", "-"],
};

/** Who asks: what a token authenticates as (the store's user record fits). */
export interface Principal {
  login?: string;
  role: Role;
  /** The env the token is bound to; "" = every env its role allows. */
  env: string;
}

/** What is asked about. No env: a resource that spans envs or belongs to none. */
export interface Resource {
  env?: string;
}

export type Decision = { allow: true } | { allow: false; reason: string };

const allowed: Decision = { allow: true };

/** The table's answer, with the reason a refusal gives its caller. */
export function decide(p: Principal, action: Action, r: Resource = {}): Decision {
  const row = (policy as Record<string, readonly Grant[] | undefined>)[action];
  if (!row) return { allow: false, reason: `unknown action ${JSON.stringify(action)}` };
  const col = roles.indexOf(p.role);
  if (col < 0) return { allow: false, reason: `unknown role ${JSON.stringify(p.role)}` };
  const who = p.login ? `the token of ${p.login}` : `a ${p.role} token`;
  const grant = row[col]!;
  if (grant === "-") return { allow: false, reason: `the ${p.role} role may not ${action}` };
  if (grant === "own") {
    if (!p.env) return { allow: false, reason: `${who} may ${action} only once bound to an env (user create --env)` };
    if (r.env !== p.env) return { allow: false, reason: `${who} may ${action} only for env ${p.env}` };
  }
  if (p.env && r.env !== undefined && r.env !== p.env) {
    return { allow: false, reason: `${who} is scoped to env ${p.env}; it may not act on env ${JSON.stringify(r.env)}` };
  }
  return allowed;
}

export function may(p: Principal, action: Action, r: Resource = {}): boolean {
  return decide(p, action, r).allow;
}

/** `decide`, throwing `ForbiddenError` (a 403 in every transport) on a refusal. */
export function authorize(p: Principal, action: Action, r: Resource = {}): void {
  const d = decide(p, action, r);
  if (!d.allow) throw new ForbiddenError(d.reason);
}
