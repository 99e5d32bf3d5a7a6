/**
 * Numbers and times typed by people, in CLI flags and query strings: one reading and one error
 * wording whichever door they came in by. `name`, what the user typed it as (`--limit`, `limit`),
 * is the error's path, so the message reads `--limit: must be …`.
 */
import { UserError } from "./errors.ts";

/** A whole number from 0 to `max` (default 10^9: SQLite never sees a float or an overflow). */
export function parseWholeNumber(v: string, name: string, max = 1_000_000_000): number {
  const n = /^\d{1,10}$/.test(v) ? Number(v) : NaN;
  if (!(n <= max)) {
    const got = JSON.stringify(v.slice(0, 40));
    throw new UserError(`must be a whole number from 0 to ${max}, got ${got}`, { path: name });
  }
  return n;
}

/** A point in time as Unix seconds, from an RFC 3339 time (what Date.parse reads is accepted too). */
export function parseUnixTime(v: string, name: string): number {
  const t = Date.parse(v);
  if (Number.isNaN(t)) {
    throw new UserError(`must be an RFC 3339 time, got ${JSON.stringify(v.slice(0, 40))}`, {
      path: name,
      hint: "e.g. 2024-05-01T10:00:00Z",
    });
  }
  return Math.floor(t / 1000);
}
