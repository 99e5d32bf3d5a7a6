/**
 * The environments list, one env's apps table and one app's page (live state, history, logs,
 * rollback and restart), with the fragments htmx refetches for each.
 */
import { resolve } from "node:path";
import type { Context, Hono } from "hono";
import { may } from "../../core/access.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { classify } from "../http-errors.ts";
import { ownScope } from "../policy.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { logsForm, logsHandler, logsPanel } from "./page-logs.ts";
import { intQuery, noticeOf, type PageKit, pageSize, serverUrl } from "./page-kit.ts";

const historySize = 20;

/** Absolute, so the `env bootstrap` command the page shows works from any directory on the server. */
/**
 * How `gimlet env bootstrap` finds this server's state when run beside it: the data dir, and on a
 * shared database its URL — by variable, as the page must not show the password.
 */
const localFlags = (d: { dataDir?: string; sharedDatabase?: boolean }) =>
  d.dataDir
    ? `--data-dir ${resolve(d.dataDir)}${d.sharedDatabase ? ' --database "$GIMLET_DATABASE_URL"' : ""}`
    : undefined;

export function envPages(app: Hono<PageEnv>, k: PageKit): void {
  const { d, o, live, guard, viewer, now, envParam, appParam } = k;

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
      local: localFlags(d),
      canCreate: may(c.get("user"), "env.create"),
      notice: noticeOf(c),
    };
    return c.html(ui.page(ui.EnvsPage(props)));
  });

  app.get("/fragments/envs", ...guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    const props = { envs: await envSummaries(c), now: now(), serverUrl: serverUrl(c), local: localFlags(d) };
    return c.html(ui.fragment(ui.EnvCards(props)));
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
    // Applied when the app's newest commit is the agent's applied revision or an ancestor of it (after a
    // rollback, the revert commit that restored the release): computed once for the page, not per row.
    const applied = ui.revisionSha(ui.envKustomization(view.state.flux, env)?.appliedRevision);
    const refs = [...latest].map(([app, h]) => ({ app, ref: h.gitopsRef }));
    const reached = applied ? await ops.appliedApps(o, env, applied, refs) : new Set<string>();
    rows.items = rows.items.map((r) => {
      const h = latest.get(r.name);
      if (!h || !r.release) return r;
      const flux = reached.has(r.name) ? "applied" : ui.fluxLabel(h.gitopsCommitStatus, h.gitopsCommitStatusDesc);
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
    const steps = await ops.deliverySteps(o, env, shown);
    const history = shown.map((x) => ({ ...x, delivery: steps.get(x.gitopsRef) })) as ui.ReleaseEntry[];
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
          canDetails: may(user, "app.details", { env }),
          canReconcile: may(user, "flux.reconcile", { env }),
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
    const canDetails = may(c.get("user"), "app.details", { env });
    const props = { env, app: name, state, live: view, now: now(), viewer: viewer(c), canRestart, canDetails };
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
      (p) => ({ files: p.files, summary: p.summary }),
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
}
