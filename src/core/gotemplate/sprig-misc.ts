/** Sprig's regular expressions, semver, and dates (Go layouts, UTC). */
import type { Func } from "./exec.ts";
import { needString } from "./convert.ts";
import { semverCompare, semverParse } from "./semver.ts";
import { typeName } from "./value.ts";

const reCache = new Map<string, RegExp>();

/** RE2 syntax to JavaScript: inline flags, named groups, \z, \A. */
export function goRegExp(src: string, global = false): RegExp {
  const key = `${global ? "g" : ""}${src}`;
  const hit = reCache.get(key);
  if (hit) return hit;
  let flags = global ? "gu" : "u";
  let body = src;
  const m = /^\(\?([imsU]+)\)/.exec(body);
  if (m) {
    for (const f of m[1]!) if (f === "i" || f === "m" || f === "s") flags += f;
    body = body.slice(m[0].length);
  }
  body = body.replace(/\(\?P</g, "(?<").replace(/\\z/g, "$(?![\\s\\S])").replace(/\\A/g, "^(?<![\\s\\S])");
  let re: RegExp;
  try {
    re = new RegExp(body, flags);
  } catch (e) {
    throw new Error(`error parsing regexp: ${(e as Error).message}`);
  }
  if (reCache.size > 500) reCache.clear();
  reCache.set(key, re);
  return re;
}

/** Go's Regexp.Expand: $1, ${1}, $name, ${name}, $$; an unknown name expands to nothing. */
function expand(template: string, groups: (string | undefined)[], named: Record<string, string | undefined> | undefined): string {
  return template.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_, whole: string, braced?: string, bare?: string) => {
    if (whole === "$") return "$";
    const name = braced ?? bare!;
    if (/^\d+$/.test(name)) return groups[Number(name)] ?? "";
    return named?.[name] ?? "";
  });
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const months = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Formats a time with a Go reference layout ("2006-01-02 15:04:05"), in UTC. */
export function goDate(layout: string, d: Date): string {
  const tokens: [string, () => string][] = [
    ["January", () => months[d.getUTCMonth()]!],
    ["Monday", () => days[d.getUTCDay()]!],
    ["2006", () => String(d.getUTCFullYear())],
    ["Z07:00", () => "Z"],
    ["-07:00", () => "+00:00"],
    ["-0700", () => "+0000"],
    ["Z0700", () => "Z"],
    [".000", () => `.${pad(d.getUTCMilliseconds(), 3)}`],
    [".999", () => (d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, "")}` : "")],
    ["Jan", () => months[d.getUTCMonth()]!.slice(0, 3)],
    ["Mon", () => days[d.getUTCDay()]!.slice(0, 3)],
    ["MST", () => "UTC"],
    ["-07", () => "+00"],
    ["01", () => pad(d.getUTCMonth() + 1)],
    ["02", () => pad(d.getUTCDate())],
    ["_2", () => String(d.getUTCDate()).padStart(2, " ")],
    ["06", () => pad(d.getUTCFullYear() % 100)],
    ["15", () => pad(d.getUTCHours())],
    ["03", () => pad(d.getUTCHours() % 12 || 12)],
    ["04", () => pad(d.getUTCMinutes())],
    ["05", () => pad(d.getUTCSeconds())],
    ["PM", () => (d.getUTCHours() >= 12 ? "PM" : "AM")],
    ["pm", () => (d.getUTCHours() >= 12 ? "pm" : "am")],
    ["1", () => String(d.getUTCMonth() + 1)],
    ["2", () => String(d.getUTCDate())],
    ["3", () => String(d.getUTCHours() % 12 || 12)],
    ["4", () => String(d.getUTCMinutes())],
    ["5", () => String(d.getUTCSeconds())],
  ];
  let out = "";
  for (let i = 0; i < layout.length; ) {
    const tok = tokens.find(([t]) => layout.startsWith(t, i));
    if (tok) {
      out += tok[1]();
      i += tok[0].length;
    } else out += layout[i++];
  }
  return out;
}

function toTime(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "bigint") return new Date(Number(v) * 1000);
  if (typeof v === "number") return new Date(Math.trunc(v) * 1000);
  return new Date(Date.now());
}

/** Parses `value` with a Go layout; supports the numeric layouts sprig users write. */
function parseGoDate(layout: string, value: string): Date {
  const parts: { tok: string; re: string }[] = [];
  const map: [string, string][] = [
    ["2006", "(\\d{4})"],
    ["01", "(\\d{2})"],
    ["02", "(\\d{2})"],
    ["15", "(\\d{2})"],
    ["04", "(\\d{2})"],
    ["05", "(\\d{2})"],
  ];
  let re = "^";
  for (let i = 0; i < layout.length; ) {
    const m = map.find(([t]) => layout.startsWith(t, i));
    if (m) {
      parts.push({ tok: m[0], re: m[1] });
      re += m[1];
      i += m[0].length;
    } else re += layout[i++]!.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }
  const got = new RegExp(re + "$").exec(value);
  if (!got) throw new Error(`parsing time ${JSON.stringify(value)} as ${JSON.stringify(layout)}: cannot parse`);
  const f: Record<string, number> = { "2006": 1, "01": 1, "02": 1, "15": 0, "04": 0, "05": 0 };
  parts.forEach((p, i) => (f[p.tok] = Number(got[i + 1])));
  return new Date(Date.UTC(f["2006"]!, f["01"]! - 1, f["02"]!, f["15"]!, f["04"]!, f["05"]!));
}

export function miscFuncs(now: () => Date): Record<string, Func> {
  return {
    // sprig's regexMatch drops the compile error and answers false.
    regexMatch: (re, s) => {
      try {
        return goRegExp(needString(re)).test(needString(s));
      } catch {
        return false;
      }
    },
    regexFind: (re, s) => goRegExp(needString(re)).exec(needString(s))?.[0] ?? "",
    regexFindAll: (re, s, n) => {
      const all = [...needString(s).matchAll(goRegExp(needString(re), true))].map((m) => m[0]);
      const lim = Number(n);
      return lim < 0 ? all : all.slice(0, lim);
    },
    regexReplaceAll: (re, s, repl) =>
      needString(s).replace(goRegExp(needString(re), true), (...m: unknown[]) => {
        const hasNamed = typeof m[m.length - 1] === "object";
        const groups = m.slice(0, hasNamed ? -3 : -2) as (string | undefined)[];
        return expand(needString(repl), groups, hasNamed ? (m[m.length - 1] as Record<string, string>) : undefined);
      }),
    regexReplaceAllLiteral: (re, s, repl) => needString(s).replace(goRegExp(needString(re), true), () => needString(repl)),
    regexSplit: (re, s, n) => {
      const parts = needString(s).split(goRegExp(needString(re), true));
      const lim = Number(n);
      return lim < 0 ? parts : parts.slice(0, lim);
    },
    semver: (v) => semverParse(needString(v)),
    semverCompare: (c, v) => semverCompare(needString(c), needString(v)),
    now: () => now(),
    date: (layout, t) => goDate(needString(layout), toTime(t)),
    dateInZone: (layout, t, zone) => {
      if (needString(zone) !== "UTC" && zone !== "") throw new Error(`unknown time zone ${zone}`);
      return goDate(needString(layout), toTime(t));
    },
    toDate: (layout, s) => parseGoDate(needString(layout), needString(s)),
    unixEpoch: (t) => {
      if (!(t instanceof Date)) throw new Error(`wrong type for value; expected time.Time; got ${typeName(t)}`);
      return String(Math.floor(t.getTime() / 1000));
    },
  };
}

/** Gimlet's sanitizeDNSName: lowercase; runs of [^0-9a-z] → "-"; at most 63; no leading/trailing "-". */
export function sanitizeDNSName(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^0-9a-z]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
}
