/** Signing in (password or token, rate-limited, double-submit CSRF) and out of the dashboard. */
import { randomBytes } from "node:crypto";
import type { Context, Hono } from "hono";
import { getCookie } from "hono/cookie";
import * as ops from "../../ops/index.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { ownScope } from "../policy.ts";
import {
  LoginLimiter,
  can,
  checkOrigin,
  clearSessionCookie,
  loginCsrfCookie,
  readForm,
  safeNext,
  sameSecret,
  setLoginCsrfCookie,
  setSessionCookie,
  type PageEnv,
} from "../web-auth.ts";
import { noticeOf, type PageKit } from "./page-kit.ts";

export function loginPages(app: Hono<PageEnv>, k: PageKit): void {
  const { o, d } = k;
  const limiter = d.loginLimiter ?? new LoginLimiter();

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

  app.post("/logout", ...k.guard, async (c) => {
    can(c, "dashboard.view", ownScope(c.get("user")));
    await ops.endSession(o, c.get("sessionId"));
    clearSessionCookie(c);
    return c.redirect("/login?done=signed-out", 303);
  });
}
