/** Small request helpers shared by the API routes. */
import type { Context } from "hono";
import { UserError } from "../../core/errors.ts";
import { isSafeName } from "../../core/gitops/index.ts";

export async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new UserError("the request body is not valid JSON");
  }
}

/** A required query parameter, or 400. */
export function need(c: Context, name: string): string {
  const v = c.req.query(name);
  if (!v) throw new UserError(`the ${name} parameter is required`);
  return v;
}

export function safeName(v: string, what: "env" | "app"): string {
  if (!isSafeName(v)) throw new UserError(`${JSON.stringify(v)} is not a valid ${what} name`, { hint: "lowercase letters, digits and '-'" });
  return v;
}

export function intParam(c: Context, name: string, dflt: number): number {
  const v = c.req.query(name);
  if (v === undefined || v === "") return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UserError(`${name} must be a whole number`);
  return n;
}

export function timeParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  if (!v) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UserError(`${name} must be an RFC 3339 time`);
  return Math.floor(t / 1000);
}
