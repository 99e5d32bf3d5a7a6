/** The settings page: users, tokens, sessions and new environments (admin parts shown by role). */
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
}
