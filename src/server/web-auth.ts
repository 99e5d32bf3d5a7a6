/**
 * The dashboard's browser security: the session cookie (HttpOnly, SameSite=Lax, Secure behind
 * https), the CSRF check of every state-changing request, the rate limit of sign-in attempts and the
 * headers every page carries. API tokens stay in auth.ts; a session ends up as the same `user`.
 */
import { timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import { getCookie, setCookie, deleteCookie } from "hono/cookie";
import type { Action, Resource } from "../core/access.ts";
import { sessionOf } from "../ops/index.ts";
import type { OpsDeps } from "../ops/index.ts";
import { contentSecurityPolicy } from "../ui/assets.ts";
import type { AppEnv } from "./auth.ts";
import { AuthError } from "./http-errors.ts";
import { authorize } from "./policy.ts";

export const sessionCookie = "gimlet_session";
export const loginCsrfCookie = "gimlet_login_csrf";

/** What a page route knows: the signed-in user (as API routes do), the session's CSRF token, the parsed form. */
export type PageEnv = {
  Variables: AppEnv["Variables"] & {
    csrf: string;
    sessionId: string;
    form?: FormData;
    since?: string;
    /** The browser's side is https: set by schemeOf. */
    https?: boolean;
    publicUrl?: string;
  };
};

/** What decides the browser's scheme: the public URL, else a trusted proxy's X-Forwarded-Proto. */
export interface SchemeTrust {
  publicUrl?: string;
  trustProxy?: boolean;
}

/**
 * Whether the browser reached us over https. An https public URL says so for every request (the
 * proxy in front terminates TLS). Without one, X-Forwarded-Proto counts only from a trusted proxy:
 * any client can send the header, and a Secure cookie the browser then drops breaks sign-in.
 */
export function browserHttps(c: Context, t: SchemeTrust): boolean {
  if (t.publicUrl) return /^https:/i.test(t.publicUrl);
  const fwd = t.trustProxy ? c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase() : undefined;
  if (fwd) return fwd === "https";
  return new URL(c.req.url).protocol === "https:";
}

/** Decides the scheme once per page request, for the cookies and the URLs a page shows. */
export function schemeOf(t: SchemeTrust): MiddlewareHandler<PageEnv> {
  const origin = t.publicUrl && URL.canParse(t.publicUrl) ? new URL(t.publicUrl).origin : undefined;
  return async (c, next) => {
    c.set("https", browserHttps(c, t));
    if (origin) c.set("publicUrl", origin);
    await next();
  };
}

export function isHttps(c: Context): boolean {
  return (c as Context<PageEnv>).get("https") === true;
}

export function setSessionCookie(c: Context, id: string, maxAgeSeconds: number): void {
  const secure = isHttps(c);
  setCookie(c, sessionCookie, id, { httpOnly: true, sameSite: "Lax", secure, path: "/", maxAge: maxAgeSeconds });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookie, { path: "/", secure: isHttps(c) });
}

export function setLoginCsrfCookie(c: Context, value: string): void {
  const secure = isHttps(c);
  setCookie(c, loginCsrfCookie, value, { httpOnly: true, sameSite: "Strict", secure, path: "/login", maxAge: 3600 });
}

export function sameSecret(a: unknown, b: string): boolean {
  if (typeof a !== "string" || !b || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

const htmx = (c: Context) => c.req.header("hx-request") === "true";

/** Where to come back to after signing in: a path of this site only (no `//host`, no scheme). */
export function safeNext(v: unknown): string {
  return typeof v === "string" && /^\/(?![/\\])[^\s\\]*$/.test(v) && v.length < 2000 ? v : "/";
}

/**
 * Signs the request in by its session cookie. Without a valid one: a page request is sent to
 * /login (and comes back after), an htmx request gets 401 with `HX-Redirect`, anything else 401.
 */
export function webSession(d: OpsDeps): MiddlewareHandler<PageEnv> {
  return async function webSession(c, next) {
    const id = getCookie(c, sessionCookie);
    const s = await sessionOf(d, id);
    if (!s) {
      const u = new URL(c.req.url);
      const login = `/login?next=${encodeURIComponent(safeNext(u.pathname + u.search))}`;
      if (htmx(c)) {
        const html = `<p class="error-box" role="alert">Your session ended. <a href="${login}">Sign in again</a>.</p>`;
        return c.html(html, 401, { "HX-Redirect": login });
      }
      if (c.req.method === "GET" && !u.pathname.startsWith("/ui/")) return c.redirect(login, 302);
      throw new AuthError(401, "not signed in: sign in at /login");
    }
    c.set("user", s.user);
    c.set("csrf", s.csrf);
    c.set("sessionId", id!);
    await next();
  };
}

/**
 * Every request that changes something carries the session's CSRF token as the form field `_csrf`
 * and, when the browser sends one, an Origin of this site. The parsed form is kept for the route.
 */
export const requireCsrf: MiddlewareHandler<PageEnv> = async function requireCsrf(c, next) {
  if (c.req.method === "GET" || c.req.method === "HEAD") return next();
  checkOrigin(c);
  const form = await readForm(c);
  if (!sameSecret(form.get("_csrf"), c.get("csrf"))) {
    throw new AuthError(403, "missing or stale CSRF token: reload the page and try again");
  }
  c.set("form", form);
  await next();
};

export function checkOrigin(c: Context): void {
  const origin = c.req.header("origin");
  if (!origin || origin === "null") {
    if (origin === "null") throw new AuthError(403, "cross-site request refused (Origin: null)");
    return;
  }
  const host = c.req.header("x-forwarded-host") ?? c.req.header("host") ?? new URL(c.req.url).host;
  let originHost = "";
  try {
    originHost = new URL(origin).host;
  } catch {
    // An unreadable Origin is refused below like a foreign one.
  }
  if (originHost !== host) throw new AuthError(403, `cross-site request refused (Origin ${origin.slice(0, 100)})`);
}

const maxFormBytes = 64 * 1024;

export async function readForm(c: Context): Promise<FormData> {
  if (Number(c.req.header("content-length") ?? 0) > maxFormBytes) throw new AuthError(403, "form too large");
  const type = c.req.header("content-type") ?? "";
  if (!/^(application\/x-www-form-urlencoded|multipart\/form-data)/.test(type)) {
    throw new AuthError(403, "expected a form post (application/x-www-form-urlencoded)");
  }
  const form = await c.req.raw.formData().catch(() => undefined);
  if (!form) throw new AuthError(403, "the form could not be read");
  return form;
}

/** The access policy for a page route: asks, records the action (policyAsked checks it was asked). */
export function can(c: Context<PageEnv>, action: Action, r: Resource = {}): void {
  authorize(c.get("user"), action, r);
  c.set("action", action);
}

/** Headers of every dashboard response: no inline code, no framing, no referrer to other sites. */
export const pageHeaders: MiddlewareHandler = async function pageHeaders(c, next) {
  await next();
  c.header("Content-Security-Policy", contentSecurityPolicy);
  c.header("X-Frame-Options", "DENY");
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "same-origin");
  if (!c.res.headers.has("Cache-Control")) c.header("Cache-Control", "no-store");
};

/**
 * Failed sign-ins per client address and per login name, in a sliding window: past the limit the
 * next attempt is refused before a password is checked, so guessing costs the guesser time.
 */
export class LoginLimiter {
  private readonly fails = new Map<string, number[]>();
  constructor(
    private readonly max = 10,
    private readonly windowMs = 15 * 60_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Seconds until `keys` may try again; 0 = now. */
  retryAfter(keys: string[]): number {
    const now = this.clock();
    let wait = 0;
    for (const k of keys) {
      const ts = (this.fails.get(k) ?? []).filter((t) => now - t < this.windowMs);
      if (ts.length) this.fails.set(k, ts);
      else this.fails.delete(k);
      if (ts.length >= this.max) wait = Math.max(wait, Math.ceil((ts[0]! + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(keys: string[]): void {
    const now = this.clock();
    for (const k of keys) this.fails.set(k, [...(this.fails.get(k) ?? []), now].slice(-this.max));
    // Bounded memory: a flood of distinct keys drops the oldest.
    while (this.fails.size > 10_000) this.fails.delete(this.fails.keys().next().value!);
  }

  succeed(keys: string[]): void {
    for (const k of keys) this.fails.delete(k);
  }
}
