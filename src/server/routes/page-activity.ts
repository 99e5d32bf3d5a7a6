/** The activity feed: every queued request with its targets and Flux's word on its commits. */
import type { Context, Hono } from "hono";
import { may } from "../../core/access.ts";
import { UserError } from "../../core/errors.ts";
import * as ops from "../../ops/index.ts";
import type { EventStatus } from "../../store/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { ownScope } from "../policy.ts";
import { can, type PageEnv } from "../web-auth.ts";
import { intQuery, type PageKit, pageSize } from "./page-kit.ts";

export function activityPages(app: Hono<PageEnv>, k: PageKit): void {
  const { o, guard, viewer, now } = k;

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
}
