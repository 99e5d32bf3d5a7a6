/** The activity feed and the repositories page, from which an artifact is deployed to an env. */
import type { Context, Hono } from "hono";
import { may } from "../../core/access.ts";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { EventStatus } from "../../store/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { classify } from "../http-errors.ts";
import { ownScope } from "../policy.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { intQuery, type PageKit, pageSize } from "./page-kit.ts";
import { withRenderer } from "./releases.ts";
import { safeName } from "./util.ts";

export function activityPages(app: Hono<PageEnv>, k: PageKit): void {
  const { d, o, guard, viewer, now } = k;

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
}
