/**
 * The one place errors become HTTP responses: `{"error": "..."}` with the right status for the API,
 * and the same statuses as plain text for git clients (which print the body and, on a 401 with
 * `WWW-Authenticate: Basic`, ask for credentials).
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  TimeoutError,
  UnavailableError,
  UpstreamError,
  UserError,
  ValidationError,
} from "../core/errors.ts";

/** 401 (no or bad credentials) or 403 (known caller, not allowed: the policy throws ForbiddenError). */
export class AuthError extends HTTPException {
  constructor(status: 401 | 403, message: string) {
    super(status, { message });
  }
}

type Status = 400 | 401 | 403 | 404 | 409 | 413 | 500 | 502 | 503 | 504;

/** Status and message of an error; `undefined` for one nobody meant to show (a bug: 500). */
export function classify(err: Error): { status: Status; message: string } | undefined {
  if (err instanceof HTTPException) return { status: err.status as Status, message: err.message };
  if (err instanceof ForbiddenError) return { status: 403, message: err.describe() };
  if (err instanceof NotFoundError) return { status: 404, message: err.describe() };
  if (err instanceof ConflictError) return { status: 409, message: err.describe() };
  if (err instanceof TimeoutError) return { status: 504, message: err.describe() };
  if (err instanceof UpstreamError) return { status: 502, message: err.describe() };
  if (err instanceof UnavailableError) return { status: 503, message: err.describe() };
  if (err instanceof UserError) return { status: 400, message: err.describe() };
  return undefined;
}

/** A 503 says when to try again: clients (and load balancers) back off instead of hammering. */
export function retryAfter(err: Error, headers: Headers): void {
  if (err instanceof UnavailableError) headers.set("Retry-After", String(err.retryAfterSeconds));
}

function logUnhandled(err: Error): void {
  console.error(JSON.stringify({ level: "error", msg: "unhandled", error: err.message, stack: err.stack }));
}

export function onError(err: Error, c: Context): Response {
  const e = classify(err);
  if (!e) {
    logUnhandled(err);
    return c.json({ error: "internal error" }, 500);
  }
  const body =
    err instanceof ValidationError
      ? { error: e.message, problems: err.problems.map((p) => p.describe()) }
      : { error: e.message };
  const res = c.json(body, e.status);
  if (e.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="gimlet"');
  retryAfter(err, res.headers);
  return res;
}

/** onError for git smart HTTP: plain text, and a Basic challenge so git prompts for the token. */
export function onGitError(err: Error, c: Context): Response {
  const e = classify(err);
  if (!e) logUnhandled(err);
  const headers: Record<string, string> = { "Content-Type": "text/plain; charset=utf-8" };
  if (e?.status === 401) headers["WWW-Authenticate"] = 'Basic realm="gimlet"';
  if (err instanceof UnavailableError) headers["Retry-After"] = String(err.retryAfterSeconds);
  return c.text(`${e?.message ?? "internal error"}\n`, e?.status ?? 500, headers);
}
