/** Sprig's date functions. They take the clock as a parameter so `now` can be pinned. */
import { ANY, def } from "./args.ts";
import { formatTime, GoTime, zeroTime } from "./gotime.ts";
import { parseTime } from "./gotime-parse.ts";
import { FuncError, GoInt, type GoFunc } from "./values.ts";

const units: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** time.ParseDuration, in nanoseconds. */
export function parseDuration(s: string): bigint {
  const orig = s;
  const bad = (): never => {
    throw new FuncError(`time: invalid duration ${JSON.stringify(orig)}`);
  };
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") bad();
  let total = 0;
  while (s !== "") {
    const m = /^(\d*)(?:\.(\d*))?([^\d.]*)/.exec(s)!;
    if (m[1] === "" && (m[2] ?? "") === "") bad();
    const unit = m[3]!;
    if (unit === "") throw new FuncError(`time: missing unit in duration ${JSON.stringify(orig)}`);
    if (!Object.hasOwn(units, unit))
      throw new FuncError(`time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(orig)}`);
    total += Number(`${m[1] || "0"}.${m[2] || "0"}`) * units[unit]!;
    s = s.slice(m[0].length);
  }
  return BigInt(Math.round(neg ? -total : total));
}

function frac(v: bigint, prec: number): [string, bigint] {
  let out = "";
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) out = digit.toString() + out;
    v /= 10n;
  }
  return [print ? "." + out : "", v];
}

/** time.Duration.String */
export function durationString(d: bigint): string {
  const neg = d < 0n;
  let u = neg ? -d : d;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [unit, prec] = u < 1000n ? ["ns", 0] : u < 1_000_000n ? ["µs", 3] : ["ms", 6];
    const [f, rest] = frac(u, prec as number);
    out = rest.toString() + f + unit;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = (u % 60n).toString() + f + "s";
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + "m" + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + "h" + out;
    }
  }
  return (neg ? "-" : "") + out;
}

/** The Unix-seconds integer kinds sprig's date functions accept (int, int32, int64). */
function unixSeconds(v: unknown): number | undefined {
  if (typeof v === "bigint") return Number(v);
  if (v instanceof GoInt && (v.type === "int64" || v.type === "int32")) return Number(v.v);
  return undefined;
}

function dateInZone(now: () => Date, layout: string, date: unknown, zone: string): string {
  let t: GoTime;
  if (date instanceof GoTime) t = date;
  else {
    const sec = unixSeconds(date);
    t = sec !== undefined ? new GoTime(sec, 0) : GoTime.fromDate(now());
  }
  return formatTime(t.in(zone), layout);
}

function addDuration(t: GoTime, d: bigint): GoTime {
  const total = BigInt(t.sec) * 1_000_000_000n + BigInt(t.nsec) + d;
  const sec = total / 1_000_000_000n - (total % 1_000_000_000n < 0n ? 1n : 0n);
  return new GoTime(Number(sec), Number(total - sec * 1_000_000_000n), t.zone, t.tz);
}

function durationOf(v: unknown): string {
  let n = 0n;
  if (typeof v === "string") n = /^[+-]?\d+$/.test(v) ? BigInt(v) : 0n;
  else if (v instanceof GoInt && v.type === "int64") n = v.v;
  return durationString(BigInt.asIntN(64, n * 1_000_000_000n));
}

export function dateFuncs(now: () => Date): Record<string, GoFunc> {
  const inZone = def(["string", ANY, "string"], (f: string, d: unknown, z: string) => dateInZone(now, f, d, z));
  return {
    now: def([], () => GoTime.fromDate(now())),
    date: def(["string", ANY], (f: string, d: unknown) => dateInZone(now, f, d, "Local")),
    dateInZone: inZone,
    date_in_zone: inZone,
    htmlDate: def([ANY], (d: unknown) => dateInZone(now, "2006-01-02", d, "Local")),
    htmlDateInZone: def([ANY, "string"], (d: unknown, z: string) => dateInZone(now, "2006-01-02", d, z)),
    toDate: def(["string", "string"], (f: string, s: string) => {
      try {
        return parseTime(f, s);
      } catch {
        return zeroTime();
      }
    }),
    mustToDate: def(["string", "string"], parseTime),
    unixEpoch: def(["time.Time"], (t: GoTime) => String(t.sec)),
    dateModify: def(["string", "time.Time"], (f: string, t: GoTime) => {
      try {
        return addDuration(t, parseDuration(f));
      } catch {
        return t;
      }
    }),
    mustDateModify: def(["string", "time.Time"], (f: string, t: GoTime) => addDuration(t, parseDuration(f))),
    must_date_modify: def(["string", "time.Time"], (f: string, t: GoTime) => addDuration(t, parseDuration(f))),
    date_modify: def(["string", "time.Time"], (f: string, t: GoTime) => {
      try {
        return addDuration(t, parseDuration(f));
      } catch {
        return t;
      }
    }),
    duration: def([ANY], durationOf),
    durationRound: def([ANY], (v: unknown) => roundDuration(v, now)),
    ago: def([ANY], (v: unknown) => {
      const t = v instanceof GoTime ? v : new GoTime(unixSeconds(v) ?? now().getTime() / 1000, 0);
      const ms = now().getTime() - (t.sec * 1000 + t.nsec / 1e6);
      return durationString(BigInt(Math.round(ms / 1000)) * 1_000_000_000n);
    }),
  };
}

function roundDuration(v: unknown, now: () => Date): string {
  let d = 0n;
  if (typeof v === "string") {
    try {
      d = parseDuration(v);
    } catch {
      d = 0n;
    }
  } else if (v instanceof GoInt && v.type === "int64") d = v.v;
  else if (v instanceof GoTime) d = BigInt(Math.round((now().getTime() - v.sec * 1000) * 1e6));
  const u = d < 0n ? -d : d;
  const h = 3_600_000_000_000n;
  const steps: [bigint, string][] = [
    [h * 24n * 365n, "y"],
    [h * 24n * 30n, "mo"],
    [h * 24n, "d"],
    [h, "h"],
    [60_000_000_000n, "m"],
    [1_000_000_000n, "s"],
  ];
  for (const [size, unit] of steps) if (u > size) return (u / size).toString() + unit;
  return "0s";
}
