/**
 * The settings page: users, tokens, sessions, new environments and what notifications go where
 * (admin parts shown by role); deleting a user or an env goes through a confirmation page.
 */
import type { Context, Hono } from "hono";
import { may } from "../../core/access.ts";
import * as ops from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { ownScope } from "../policy.ts";
import { can, setSessionCookie, type PageEnv } from "../web-auth.ts";
import { noticeOf, type PageKit, serverUrl } from "./page-kit.ts";

export function settingsPages(app: Hono<PageEnv>, k: PageKit): void {
  const { d, o, guard, viewer, now } = k;

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
    const notifications = d.notifier?.summary();
    return c.html(ui.page(ui.SettingsPage({ ...props, newToken: extra.newToken, notifications })));
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

  app.get("/settings/users/:login/delete", ...guard, async (c) => {
    can(c, "user.manage");
    const u = await ops.getUser(o, c.req.param("login"));
    const tokens = (await ops.listTokens(o, u.login)).length;
    return c.html(ui.page(ui.UserDeleteConfirm({ viewer: viewer(c), user: { ...u, tokens } })));
  });

  app.post("/settings/users/:login/delete", ...guard, async (c) => {
    can(c, "user.manage");
    await ops.deleteUser(o, c.req.param("login"), { by: c.get("user").login });
    return c.redirect("/settings?done=user-deleted", 303);
  });

  app.get("/settings/envs/:env/delete", ...guard, async (c) => {
    can(c, "env.delete");
    const plan = await ops.planEnvDeletion(o, k.envParam(c));
    return c.html(ui.page(ui.EnvDeleteConfirm({ viewer: viewer(c), plan })));
  });

  app.post("/settings/envs/:env/delete", ...guard, async (c) => {
    can(c, "env.delete");
    const env = k.envParam(c);
    const f = c.get("form")!;
    if (String(f.get("confirm") ?? "").trim() !== env) {
      // Shown on the confirmation page again, so the admin sees what they were about to delete.
      const plan = await ops.planEnvDeletion(o, env);
      const error = `Type ${env} exactly to confirm; nothing was deleted.`;
      return c.html(ui.page(ui.EnvDeleteConfirm({ viewer: viewer(c), plan, error })), 400);
    }
    await ops.deleteEnv(o, { name: env, keepRepo: f.get("keepRepo") === "1" }, d.agents);
    return c.redirect("/settings?done=env-deleted", 303);
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
}
