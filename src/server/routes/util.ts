/** Small request helpers shared by the API routes. */
import type { Context } from "hono";
import { UserError } from "../../core/errors.ts";
import { assertSafeName } from "../../core/gitops/index.ts";
import { isPlainObject } from "../../core/k8s.ts";
import { parseUnixTime, parseWholeNumber } from "../../core/params.ts";

/**
 * Deepest nesting of arrays and objects a request body may have. Real manifests stay far below;
 * a deeper body would overflow the stack of whatever walks it recursively after parsing.
 */
export const maxJsonDepth = 100;

export async function jsonBody(c: Context): Promise<unknown> {
  return parseJson(await c.req.text(), "the request body");
}

/** JSON.parse with a nesting limit checked first, in one linear pass over the text. */
export function parseJson(text: string, what: string): unknown {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92 /* \ */) i++;
      else if (ch === 34 /* " */) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 91 /* [ */ || ch === 123 /* { */) {
      if (++depth > maxJsonDepth) throw new UserError(`${what} nests deeper than ${maxJsonDepth} levels`);
    } else if (ch === 93 || ch === 125) depth--;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UserError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/**
 * A JSON object whose fields have the given types: a missing optional field is fine, an unknown
 * field or a wrong type is a 400 naming the field.
 */
export function fields<S extends Record<string, FieldType>>(
  body: unknown,
  shape: S,
  what = "the request body",
): { [K in keyof S]?: FieldValue<S[K]> } {
  if (!isPlainObject(body)) throw new UserError(`${what} must be a JSON object`);
  for (const [k, v] of Object.entries(body)) {
    const t = shape[k];
    if (!t)
      throw new UserError(`unknown field ${JSON.stringify(k)}`, {
        path: k,
        hint: `${what} takes ${Object.keys(shape).join(", ")}`,
      });
    if (v !== undefined && v !== null && typeof v !== t)
      throw new UserError(`must be a ${t}, got ${Array.isArray(v) ? "a list" : typeof v}`, { path: k });
  }
  return body as { [K in keyof S]?: FieldValue<S[K]> };
}
type FieldType = "string" | "boolean" | "number";
type FieldValue<T extends FieldType> = T extends "string" ? string : T extends "boolean" ? boolean : number;

/** A required query parameter, or 400. */
export function need(c: Context, name: string): string {
  const v = c.req.query(name);
  if (!v) throw new UserError(`the ${name} parameter is required`);
  return v;
}

/** An env or app name from a request: the core check, so reserved names are refused here too. */
export function safeName(v: string, what: "env" | "app"): string {
  return assertSafeName(v, what);
}

/** Page sizes and offsets: whole numbers up to `max`, so SQLite never sees a float or an overflow. */
export function intParam(c: Context, name: string, dflt: number, max = 1_000_000_000): number {
  const v = c.req.query(name);
  return v === undefined || v === "" ? dflt : parseWholeNumber(v, name, max);
}

export function timeParam(c: Context, name: string): number | undefined {
  const v = c.req.query(name);
  return v ? parseUnixTime(v, name) : undefined;
}
