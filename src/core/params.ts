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

const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A span of time as seconds, from `90s`, `30m`, `24h`, `7d`, `2w` or whole seconds; 1 s up to `max` (a year). */
export function parseDuration(v: string, name: string, max = 366 * 86_400): number {
  const m = /^(\d{1,10})([smhdw]?)$/.exec(v);
  const n = m ? Number(m[1]) * unitSeconds[m[2] || "s"]! : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new UserError(`must be a duration from 1s to ${max / 86_400}d, got ${JSON.stringify(v.slice(0, 40))}`, {
      path: name,
      hint: "e.g. 24h, 90m, 7d or whole seconds",
    });
  }
  return n;
}
