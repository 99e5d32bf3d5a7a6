/** The one place errors become HTTP responses: `{"error": "..."}` with the right status. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConflictError, NotFoundError, UserError, ValidationError } from "../core/errors.ts";

export class AuthError extends HTTPException {
  constructor(status: 401 | 403, message: string) {
    super(status, { message });
  }
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof HTTPException) {
    const res = c.json({ error: err.message }, err.status);
    if (err.status === 401) res.headers.set("WWW-Authenticate", 'Bearer realm="gimlet"');
    return res;
  }
  if (err instanceof NotFoundError) return c.json({ error: err.describe() }, 404);
  if (err instanceof ConflictError) return c.json({ error: err.describe() }, 409);
  if (err instanceof ValidationError) return c.json({ error: err.describe(), problems: err.problems.map((p) => p.describe()) }, 400);
  if (err instanceof UserError) return c.json({ error: err.describe() }, 400);
  console.error(JSON.stringify({ level: "error", msg: "unhandled", error: err.message, stack: err.stack }));
  return c.json({ error: "internal error" }, 500);
}
