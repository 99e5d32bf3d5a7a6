/**
 * The dashboard: server-rendered pages and the fragments htmx refetches, behind a browser session.
 * Each route parses its input, asks the access policy, gathers data through the use cases (ops),
 * and renders a pure page function from src/ui/dashboard. Every page works without JavaScript;
 * state-changing requests are form posts with the session's CSRF token, answered by a redirect
 * (post/redirect/get) or, when something must be shown once (a new token), by the page itself.
 */
import { Hono } from "hono";
import { assets } from "../../ui/assets.ts";
import * as ui from "../../ui/dashboard/index.ts";
import { ErrorBox } from "../../ui/dashboard/index.ts";
import { classify, retryAfter } from "../http-errors.ts";
import { pageHeaders, type PageEnv, schemeOf } from "../web-auth.ts";
import { activityPages } from "./page-activity.ts";
import { loginPages } from "./page-auth.ts";
import { envPages } from "./page-envs.ts";
import { liveActionPages } from "./page-live-actions.ts";
import { repoPages } from "./page-repos.ts";
import { isHtmx, type PageDeps, pageKit } from "./page-kit.ts";
import { settingsPages } from "./page-settings.ts";
import { uiEventsHandler } from "./ui-events.ts";

export type { PageDeps } from "./page-kit.ts";

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

export function pageRoutes(d: PageDeps): Hono<PageEnv> {
  const k = pageKit(d);
  const app = new Hono<PageEnv>();
  app.use(pageHeaders);
  app.use(schemeOf(d));
  app.onError((err, c) => {
    const e = classify(err);
    if (!e) {
      const line = { level: "error", msg: "unhandled in a page", error: err.message, stack: err.stack };
      console.error(JSON.stringify(line));
    }
    const status = e?.status ?? 500;
    const message = e?.message ?? "internal error: the server log has the details";
    const res = isHtmx(c)
      ? c.html(ui.fragment(ErrorBox({ message, status })), status)
      : c.html(ui.page(ui.ErrorPage({ status, message, signedIn: !!c.get("user") })), status);
    retryAfter(err, res.headers);
    return res;
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

  loginPages(app, k);
  app.get("/ui/events", ...k.guard, uiEventsHandler(d));
  envPages(app, k);
  liveActionPages(app, k);
  activityPages(app, k);
  repoPages(app, k);
  settingsPages(app, k);
  return app;
}
