/**
 * The dashboard: server-rendered pages and the fragments htmx refetches, behind a browser session.
 * Each route parses its input, asks the access policy, gathers data through the use cases (ops),
 * and renders a pure page function from src/ui/dashboard. Every page works without JavaScript;
 * state-changing requests are form posts with the session's CSRF token, answered by a redirect
 * (post/redirect/get) or, when something must be shown once (a new token), by the page itself.
 */
import { randomBytes } from "node:crypto";
import { Hono, type Context, type MiddlewareHandler } from "hono";
import { getCookie } from "hono/cookie";
import { may } from "../../core/access.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { AgentHub } from "../../ops/index.ts";
import type { EventStatus } from "../../store/index.ts";
import { assets } from "../../ui/assets.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { ErrorBox } from "../../ui/dashboard/index.ts";
import { opsOf, type ServerDeps } from "../deps.ts";
import type { EventHub } from "../event-hub.ts";
import { classify } from "../http-errors.ts";
import { ownScope, policyAsked } from "../policy.ts";
import {
  LoginLimiter,
  can,
  checkOrigin,
  clearSessionCookie,
  loginCsrfCookie,
  pageHeaders,
  readForm,
  requireCsrf,
  safeNext,
  sameSecret,
  setLoginCsrfCookie,
  setSessionCookie,
  webSession,
  type PageEnv,
} from "../web-auth.ts";
import { logsForm, logsHandler, logsPanel } from "./page-logs.ts";
import { withRenderer } from "./releases.ts";
import { uiEventsHandler } from "./ui-events.ts";
import { safeName } from "./util.ts";

/** The paths app.ts hands to this router (everything else stays the API's). */
export const pagePaths = [
  "/",
  "/login",
  "/logout",
  "/assets/*",
  "/fragments/*",
  "/envs/*",
  "/activity",
  "/activity/*",
  "/settings",
  "/settings/*",
  "/repos",
  "/repos/*",
  "/ui/*",
  "/favicon.ico",
];

export type PageDeps = ServerDeps & { events: EventHub; agents: AgentHub; loginLimiter?: LoginLimiter };

const pageSize = 50;
const historySize = 20;

/** What `?done=` may say: fixed sentences, so a crafted link cannot put words on the page. */
const notices: Record<string, string> = {
  rollback: "Rollback queued: the history shows it once it is committed.",
  restart: "Restart requested: new pods appear in a moment.",
  revoked: "Token revoked.",
  env: "Environment created.",
  everywhere: "Every other session of yours has ended.",
  deploy: "Release queued.",
  "signed-out": "You are signed out.",
};
const noticeOf = (c: Context) => notices[c.req.query("done") ?? ""];

const isHtmx = (c: Context) => c.req.header("hx-request") === "true";

function intQuery(c: Context, name: string, dflt: number, max = 1_000_000): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return dflt;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    throw new UserError(`${name} must be a whole number up to ${max}`, { path: name });
  }
  return Number(raw);
}

/** The URL clusters and CLIs reach this server at, as the browser sees it. */
function serverUrl(c: Context): string {
  const u = new URL(c.req.url);
  const proto = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() || u.protocol.replace(":", "");
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? u.host;
  return `${proto}://${host}`;
}

export function pageRoutes(d: PageDeps): Hono<PageEnv> {
  const o = opsOf(d);
  const live = { store: d.store, agents: d.agents };
  const limiter = d.loginLimiter ?? new LoginLimiter();
  const app = new Hono<PageEnv>();
  app.use(pageHeaders);
  app.onError((err, c) => {
    const e = classify(err);
    if (!e) {
      const line = { level: "error", msg: "unhandled in a page", error: err.message, stack: err.stack };
      console.error(JSON.stringify(line));
    }
    const status = e?.status ?? 500;
    const message = e?.message ?? "internal error: the server log has the details";
    if (isHtmx(c)) return c.html(ui.fragment(ErrorBox({ message, status })), status);
    return c.html(ui.page(ui.ErrorPage({ status, message, signedIn: !!c.get("user") })), status);
  });

  app.notFound((c) => {
    const message = `no page at ${c.req.path.slice(0, 200)}`;
    if (isHtmx(c)) return c.html(ui.fragment(ErrorBox({ message, status: 404 })), 404);
    return c.html(ui.page(ui.ErrorPage({ status: 404, message, signedIn: false })), 404);
  });

  app.get("/assets/:name", (c) => {
    const a = assets[c.req.param("name")];
    if (!a) return c.text("not found", 404);
    const headers = { "Content-Type": a.contentType, "Cache-Control": "max-age=3600" };
    return new Response(Bun.file(a.file), { headers });
  });
  app.get("/favicon.ico", (c) => c.body(null, 204));

  // --- signing in and out

  type LoginProps = { error?: string; login?: string; next?: string };
  const loginPage = (c: Context<PageEnv>, props: LoginProps, status: 200 | 401 | 403 | 429) => {
    const csrf = randomBytes(18).toString("base64url");
    setLoginCsrfCookie(c, csrf);
    const next = safeNext(props.next ?? c.req.query("next"));
    const page = ui.LoginPage({ csrf, next, error: props.error, login: props.login, notice: noticeOf(c) });
    return c.html(ui.page(page), status);
  };

  app.get("/login", (c) => loginPage(c, {}, 200));

  app.post("/login", async (c) => {
    checkOrigin(c);
    const form = await readForm(c);
    const next = safeNext(form.get("next"));
    // Double submit: a page of another site cannot read our cookie to copy it into its form.
    if (!sameSecret(form.get("_csrf"), getCookie(c, loginCsrfCookie) ?? "")) {
      return loginPage(c, { error: "The sign-in form expired: try again.", next }, 403);
    }
    const login = String(form.get("login") ?? "")
      .trim()
      .toLowerCase();
    const token = String(form.get("token") ?? "");
    const bun = c.env as { requestIP?: (r: Request) => { address: string } | null } | undefined;
    const ip = bun?.requestIP?.(c.req.raw)?.address ?? "local";
    const keys = [`ip:${ip}`, ...(login ? [`login:${login}`] : [])];
    const wait = limiter.retryAfter(keys);
    if (wait > 0) {
      c.header("Retry-After", String(wait));
      const error = `Too many failed attempts: try again in ${Math.ceil(wait / 60)} min.`;
      return loginPage(c, { error, login, next }, 429);
    }
    const password = String(form.get("password") ?? "");
    const user = token ? await ops.checkToken(o, token) : await ops.checkPassword(o, login, password);
    if (!user) {
      limiter.fail(keys);
      const error = token
        ? "That token is not valid, or its role cannot use the dashboard."
        : "Wrong user or password.";
      return loginPage(c, { error, login, next }, 401);
    }
    limiter.succeed(keys);
    const s = await ops.startSession(o, user.login);
    setSessionCookie(c, s.id, ops.sessionTtlSeconds);
    return c.redirect(next, 303);
  });

  // --- everything below needs a session; the policy must be asked (policyAsked)
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

  app.post("/logout", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    await ops.endSession(o, c.get("sessionId"));
    clearSessionCookie(c);
    return c.redirect("/login?done=signed-out", 303);
  });

  app.get("/ui/events", ...guard, uiEventsHandler(d));

  // --- environments

  async function envSummaries(c: Context<PageEnv>): Promise<ui.EnvSummary[]> {
    const user = c.get("user");
    const envs = (await ops.listEnvs(o)).filter((e) => may(user, "dashboard.view", { env: e.name }));
    return Promise.all(envs.map(async (e) => ({ ...e, live: await d.agents.view(e.name) })));
  }

  app.get("/", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const props = {
      viewer: viewer(c),
      envs: await envSummaries(c),
      now: now(),
      serverUrl: serverUrl(c),
      canCreate: may(c.get("user"), "env.create"),
      notice: noticeOf(c),
    };
    return c.html(ui.page(ui.EnvsPage(props)));
  });

  app.get("/fragments/envs", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    return c.html(ui.fragment(ui.EnvCards({ envs: await envSummaries(c), now: now(), serverUrl: serverUrl(c) })));
  });

  /** The env's apps table: status (git) ⋈ live state, filtered and paged, the page's rows enriched. */
  async function envTable(c: Context<PageEnv>, env: string) {
    const query: ui.AppQuery = {
      q: c.req.query("q")?.slice(0, 200) || undefined,
      failing: c.req.query("failing") === "1",
      repo: c.req.query("repo") || undefined,
      page: intQuery(c, "page", 1),
      size: pageSize,
    };
    const [status, view] = await Promise.all([ops.currentReleases(o, env), ops.envState(live, env)]);
    const all = ui.appRows(status, view);
    const rows = ui.filterApps(all, query);
    const latest = await ops.latestReleases(
      o,
      env,
      rows.items.filter((r) => r.release).map((r) => r.name),
    );
    const applied = ui.revisionSha(ui.envKustomization(view.state.flux, env)?.appliedRevision);
    rows.items = rows.items.map((r) => {
      const h = latest.get(r.name);
      if (!h || !r.release) return r;
      const flux = applied && h.gitopsRef === applied ? "applied" : ui.fluxLabel(h.gitopsCommitStatus);
      return { ...r, release: { ...r.release, created: h.created, gitopsRef: h.gitopsRef }, flux };
    });
    const repos = [...new Set(all.map((r) => r.repo).filter((x): x is string => !!x))].sort();
    return { rows, query, view, repos };
  }

  app.get("/envs/:env", ...guard, async (c) => {
    const env = envParam(c);
    can(c, "dashboard.view", { env });
    const t = await envTable(c, env);
    const props = { viewer: viewer(c), env, now: now(), live: t.view, rows: t.rows, query: t.query, repos: t.repos };
    return c.html(ui.page(ui.EnvPage(props)));
  });

  app.get("/envs/:env/apps-table", ...guard, async (c) => {
    const env = envParam(c);
    can(c, "dashboard.view", { env });
    const t = await envTable(c, env);
    return c.html(ui.fragment(ui.AppsTable({ env, rows: t.rows, query: t.query, now: now() })));
  });

  // --- one app

  async function appData(c: Context<PageEnv>, env: string, app: string) {
    const offset = intQuery(c, "offset", 0);
    const [h, view] = await Promise.all([
      ops.releaseHistory(o, { env, app, limit: historySize + 1, offset }),
      ops.envState(live, env),
    ]);
    const state = view.state.apps.find((a) => a.name === app || a.service === app);
    const shown = h.slice(0, historySize);
    const times = await ops.deliveryTimes(o, shown);
    const history = shown.map((x) => ({ ...x, delivery: times.get(x.gitopsRef) })) as ui.ReleaseEntry[];
    return { history, more: h.length > historySize, offset, view, state };
  }

  app.get("/envs/:env/apps/:app", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "dashboard.view", { env });
    const a = await appData(c, env, name);
    const user = c.get("user");
    return c.html(
      ui.page(
        ui.AppPage({
          viewer: viewer(c),
          env,
          app: name,
          now: now(),
          history: a.history,
          more: a.more,
          offset: a.offset,
          live: a.view,
          state: a.state,
          canRollback: may(user, "rollback", { env }),
          canRestart: may(user, "app.restart", { env }),
          canLogs: may(user, "app.logs", { env }),
          notice: noticeOf(c),
        }),
      ),
    );
  });

  app.get("/envs/:env/apps/:app/live", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "dashboard.view", { env });
    const view: EnvStateView = await ops.envState(live, env);
    const state = view.state.apps.find((a) => a.name === name || a.service === name);
    const canRestart = may(c.get("user"), "app.restart", { env });
    const props = { env, app: name, state, live: view, now: now(), viewer: viewer(c), canRestart };
    return c.html(ui.fragment(ui.LiveCard(props)));
  });

  app.get("/envs/:env/apps/:app/history", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "dashboard.view", { env });
    const a = await appData(c, env, name);
    const canRollback = may(c.get("user"), "rollback", { env });
    const rollout = ui.rolloutOf(a.history, a.state);
    const props = { env, app: name, history: a.history, now: now(), canRollback, more: a.more, offset: a.offset };
    return c.html(ui.fragment(ui.History({ ...props, rollout })));
  });

  app.get("/envs/:env/apps/:app/logs.txt", ...guard, logsHandler({ ...live, ...d }, "text"));
  app.get("/envs/:env/apps/:app/logs-stream", ...guard, logsHandler({ ...live, ...d }, "html"));
  app.get("/envs/:env/apps/:app/logs-panel", ...guard, logsPanel);
  app.get("/envs/:env/apps/:app/logs-form", ...guard, (c) => logsForm(live, c));

  app.get("/envs/:env/apps/:app/rollback", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "rollback", { env });
    const to = c.req.query("to") ?? "";
    if (!/^[0-9a-f]{4,40}$/.test(to)) throw new UserError("to must be the gitops commit of a release", { path: "to" });
    const h = (await ops.releaseHistory(o, { env, app: name, limit: 200, offset: 0 })) as ui.ReleaseEntry[];
    const i = h.findIndex((r) => r.gitopsRef.startsWith(to));
    if (i < 0) throw new UserError(`no release of ${name} in ${env} has gitops commit ${to}`, { path: "to" });
    // The same reverts the worker would build, in memory: a conflict shows here instead of failing later.
    const preview = await ops.previewRollbackRequest(o, { env, app: name, sha: h[i]!.gitopsRef }).then(
      (p) => ({ files: p.files }),
      (e: Error) => ({ previewError: classify(e)?.message ?? `the rollback cannot be previewed: ${e.message}` }),
    );
    const props = {
      viewer: viewer(c),
      env,
      app: name,
      now: now(),
      target: h[i]!,
      current: h.find((r) => !r.rolledBack),
      reverted: h.slice(0, i).filter((r) => !r.rolledBack),
      ...preview,
    };
    return c.html(ui.page(ui.RollbackConfirm(props)));
  });

  app.post("/envs/:env/apps/:app/rollback", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "rollback", { env });
    const sha = String(c.get("form")?.get("to") ?? "");
    await ops.requestRollback(o, { env, app: name, sha, triggeredBy: c.get("user").login });
    return c.redirect(`/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(name)}?done=rollback`, 303);
  });

  app.post("/envs/:env/apps/:app/restart", ...guard, async (c) => {
    const env = envParam(c);
    const name = appParam(c);
    can(c, "app.restart", { env });
    await ops.restartApp(live, { env, app: name });
    return c.redirect(`/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(name)}?done=restart`, 303);
  });

  // --- activity

  async function activity(c: Context<PageEnv>) {
    const user = c.get("user");
    const status = c.req.query("status") || undefined;
    if (status && !["new", "processing", "processed", "error"].includes(status)) {
      throw new UserError("status must be one of new, processing, processed, error", { path: "status" });
    }
    const filter: ui.ActivityFilter = {
      env: c.req.query("env") || undefined,
      app: c.req.query("app") || undefined,
      status,
      offset: intQuery(c, "offset", 0, 5000),
    };
    const r = await ops.recentActivity(
      o,
      {
        env: filter.env,
        app: filter.app,
        status: status as EventStatus | undefined,
        limit: pageSize,
        offset: filter.offset,
      },
      (env) => may(user, "dashboard.view", { env }),
    );
    return { filter, ...r };
  }

  app.get("/activity", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const a = await activity(c);
    const props = { viewer: viewer(c), now: now(), items: a.items, filter: a.filter, more: a.more };
    return c.html(ui.page(ui.ActivityPage(props)));
  });

  app.get("/activity/list", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const a = await activity(c);
    return c.html(ui.fragment(ui.ActivityList({ items: a.items, now: now(), filter: a.filter, more: a.more })));
  });

  // --- repositories

  app.get("/repos", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const user = c.get("user");
    const repos = await ops.recentRepos(o);
    const visible = [...repos].map(([name, commits]) => ({
      name,
      commits: commits
        .map((x) => ({ ...x, targets: x.targets.filter((t) => may(user, "dashboard.view", { env: t.env })) }))
        .slice(0, 20),
    }));
    const canDeploy = may(user, "release.request", ownScope(user));
    return c.html(ui.page(ui.ReposPage({ viewer: viewer(c), now: now(), repos: visible, canDeploy })));
  });

  app.get("/repos/deploy", ...guard, async (c) => {
    const env = safeName(c.req.query("env") ?? "", "env");
    const name = safeName(c.req.query("app") ?? "", "app");
    can(c, "release.request", { env });
    const artifactId = c.req.query("artifact") ?? "";
    const artifact = await ops.artifactSummary(o, artifactId);
    const dryRun = (renderer: ops.ManifestRenderer) =>
      ops.previewRelease({ ...o, renderer }, { env, app: name, artifactId });
    const preview = await withRenderer(d, dryRun).then(
      (p) => ({ files: p.files }),
      (e: Error) => ({ previewError: classify(e)?.message ?? `the release cannot be previewed: ${e.message}` }),
    );
    return c.html(ui.page(ui.DeployConfirm({ viewer: viewer(c), artifact, env, app: name, ...preview })));
  });

  app.post("/repos/deploy", ...guard, async (c) => {
    const form = c.get("form")!;
    const env = safeName(String(form.get("env") ?? ""), "env");
    const name = safeName(String(form.get("app") ?? ""), "app");
    can(c, "release.request", { env });
    const artifactId = String(form.get("artifact") ?? "");
    await ops.requestRelease(o, { env, app: name, artifactId, triggeredBy: c.get("user").login });
    return c.redirect(`/envs/${encodeURIComponent(env)}/apps/${encodeURIComponent(name)}?done=deploy`, 303);
  });

  // --- settings

  type SettingsExtra = { notice?: string; newToken?: { login: string; token: string } };
  async function settings(c: Context<PageEnv>, extra: SettingsExtra = {}) {
    const user = c.get("user");
    const isAdmin = may(user, "user.manage");
    const users = isAdmin
      ? await Promise.all(
          (await ops.listUsers(o)).map(async (u) => ({ ...u, tokens: await ops.listTokens(o, u.login) })),
        )
      : [];
    const envs = (await ops.listEnvs(o)).filter((e) => may(user, "dashboard.view", { env: e.name }));
    const notice = extra.notice ?? noticeOf(c);
    const props = { viewer: viewer(c), now: now(), users, envs, serverUrl: serverUrl(c), isAdmin, notice };
    return c.html(ui.page(ui.SettingsPage({ ...props, newToken: extra.newToken })));
  }

  app.get("/settings", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    return settings(c);
  });

  app.post("/settings/users", ...guard, async (c) => {
    can(c, "user.manage");
    const f = c.get("form")!;
    const password = String(f.get("password") ?? "");
    const u = await ops.createUser(o, {
      login: String(f.get("login") ?? "").trim(),
      role: String(f.get("role") ?? "user"),
      env: String(f.get("env") ?? "").trim() || undefined,
      ...(password ? { password } : {}),
    });
    return settings(c, { notice: `User ${u.login} created.`, newToken: { login: u.login, token: u.token } });
  });

  app.post("/settings/users/:login/token", ...guard, async (c) => {
    can(c, "token.manage");
    const login = c.req.param("login");
    const t = await ops.issueToken(o, login);
    return settings(c, { newToken: { login, token: t.token } });
  });

  app.post("/settings/tokens/:id/revoke", ...guard, async (c) => {
    can(c, "token.manage");
    await ops.revokeToken(o, ops.tokenId(c.req.param("id")));
    return c.redirect("/settings?done=revoked", 303);
  });

  app.post("/settings/sessions/revoke", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    await ops.endAllSessions(o, c.get("user").login);
    // This session ended with the others; a fresh one keeps this browser signed in.
    const s = await ops.startSession(o, c.get("user").login);
    setSessionCookie(c, s.id, ops.sessionTtlSeconds);
    return c.redirect("/settings?done=everywhere", 303);
  });

  app.post("/settings/envs", ...guard, async (c) => {
    can(c, "env.create");
    const f = c.get("form")!;
    const remote = f.get("kind") === "remote";
    await ops.createEnv(o, {
      name: String(f.get("name") ?? "").trim(),
      ...(remote
        ? { repoUrl: String(f.get("repoUrl") ?? "").trim(), repoToken: String(f.get("repoToken") ?? "") || undefined }
        : { builtin: true }),
    });
    await d.envWatch?.check();
    return c.redirect("/?done=env", 303);
  });

  return app;
}
