/**
 * What every dashboard route shares: the deps, the session guard, the viewer, the bounded query
 * parsers and the fixed notices. Built once per router by pageKit and handed to each group of pages.
 */
import type { Context, MiddlewareHandler } from "hono";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { AgentHub } from "../../ops/index.ts";
import type * as ui from "../../ui/dashboard/index.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import type { EventHub } from "../event-hub.ts";
import { policyAsked } from "../policy.ts";
import { isHttps, type LoginLimiter, type PageEnv, requireCsrf, webSession } from "../web-auth.ts";
import { safeName } from "./util.ts";

export type PageDeps = ServerDeps & { events: EventHub; agents: AgentHub; loginLimiter?: LoginLimiter };

export const pageSize = 50;

/** What `?done=` may say: fixed sentences, so a crafted link cannot put words on the page. */
const notices: Record<string, string> = {
  rollback: "Rollback queued: the history shows it once it is committed.",
  restart: "Restart requested: new pods appear in a moment.",
  revoked: "Token revoked.",
  env: "Environment created.",
  "env-deleted": "Environment deleted.",
  "user-deleted": "User deleted.",
  everywhere: "Every other session of yours has ended.",
  deploy: "Release queued.",
  "signed-out": "You are signed out.",
};
export const noticeOf = (c: Context) => notices[c.req.query("done") ?? ""];

export const isHtmx = (c: Context) => c.req.header("hx-request") === "true";

export function intQuery(c: Context, name: string, dflt: number, max = 1_000_000): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return dflt;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    throw new UserError(`${name} must be a whole number up to ${max}`, { path: name });
  }
  return Number(raw);
}

/** The URL clusters and CLIs reach this server at, as the browser sees it. */
export function serverUrl(c: Context): string {
  const given = (c as Context<PageEnv>).get("publicUrl");
  if (given) return given;
  const u = new URL(c.req.url);
  const proto = isHttps(c) ? "https" : u.protocol.replace(":", "");
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? u.host;
  return `${proto}://${host}`;
}

export function pageKit(d: PageDeps) {
  const o = opsOf(d);
  const live = { store: d.store, agents: d.agents };
  // Everything behind the guard needs a session; the policy must be asked (policyAsked).
  const session = webSession(o);
  const mark: MiddlewareHandler<PageEnv> = async (c, next) => {
    c.set("since", d.events.wireId(d.events.stats().published));
    await next();
  };
  const guard = [mark, session, requireCsrf, policyAsked as unknown as typeof requireCsrf] as const;
  // The hub's position is read when the request starts, before the page's data: see Viewer.since.
  const hubPosition = () => d.events.wireId(d.events.stats().published);
  const since = (c: Context<PageEnv>) => (c.get("since") as string | undefined) ?? hubPosition();
  const viewer = (c: Context<PageEnv>): ui.Viewer => ({
    login: c.get("user").login,
    role: c.get("user").role,
    csrf: c.get("csrf"),
    since: since(c),
  });
  const now = () => ops.nowOf(o);
  const envParam = (c: Context<PageEnv>) => safeName(c.req.param("env") ?? "", "env");
  const appParam = (c: Context<PageEnv>) => safeName(c.req.param("app") ?? "", "app");
  return { d, o, live, guard, viewer, now, envParam, appParam };
}

export type PageKit = ReturnType<typeof pageKit>;
