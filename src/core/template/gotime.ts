/**
 * Go's time.Time as templates see it: Go reference-layout formatting ("2006-01-02 15:04:05"),
 * the String() form, zones (UTC, fixed offsets, IANA names through Intl), and a few methods.
 * "Local" is UTC: templates must render the same on every machine.
 */
import { def } from "./args.ts";
import { GoObject, type GoFunc, int64 } from "./values.ts";

export interface Zone {
  name: string;
  /** Seconds east of UTC at the instant in question. */
  offset: number;
}

const utcZone = (): Zone => ({ name: "UTC", offset: 0 });

export class GoTime extends GoObject {
  readonly goType = "time.Time";
  readonly goKind = "struct" as const;

  constructor(
    /** Seconds since the Unix epoch. */
    readonly sec: number,
    readonly nsec: number,
    readonly zone: Zone = utcZone(),
    /** IANA name when the zone came from one, so In/offsets can be recomputed. */
    readonly tz: string | null = null,
  ) {
    super();
  }

  static fromDate(d: Date): GoTime {
    const ms = d.getTime();
    const sec = Math.floor(ms / 1000);
    return new GoTime(sec, (ms - sec * 1000) * 1e6);
  }

  override toString(): string {
    return formatTime(this, "2006-01-02 15:04:05.999999999 -0700 MST");
  }

  toJSONValue(): unknown {
    return formatTime(this, "2006-01-02T15:04:05.999999999Z07:00");
  }

  method(name: string): GoFunc | undefined {
    return Object.hasOwn(timeMethods, name) ? timeMethods[name]!(this) : undefined;
  }

  /** The same instant in another zone (an IANA name, "UTC" or "Local"). */
  in(tz: string): GoTime {
    if (tz === "UTC" || tz === "Local" || tz === "") return new GoTime(this.sec, this.nsec);
    return new GoTime(this.sec, this.nsec, zoneAt(tz, this.sec) ?? utcZone(), tz);
  }
}

const dtfCache = new Map<string, Intl.DateTimeFormat | null>();

function formatter(tz: string, locale: string, fields: boolean): Intl.DateTimeFormat | null {
  const key = `${tz} ${locale} ${fields}`;
  let f = dtfCache.get(key);
  if (f === undefined) {
    try {
      const parts: Intl.DateTimeFormatOptions = fields
        ? {
            hourCycle: "h23",
            year: "numeric",
            month: "numeric",
            day: "numeric",
            hour: "numeric",
            minute: "numeric",
            second: "numeric",
          }
        : { timeZoneName: "short" };
      f = new Intl.DateTimeFormat(locale, { timeZone: tz, ...parts });
    } catch {
      f = null;
    }
    dtfCache.set(key, f);
  }
  return f;
}

// Intl knows a zone's abbreviation (CEST, IST, AEST…) only in locales that use it; Go's tzdata
// knows them all. Asking a few English locales recovers most of the common ones.
const abbreviationLocales = ["en-US", "en-GB", "en-IN", "en-AU", "en-NZ", "en-CA"];

function abbreviation(tz: string, at: Date, offset: number): string {
  for (const locale of abbreviationLocales) {
    const name = formatter(tz, locale, false)
      ?.formatToParts(at)
      .find((p) => p.type === "timeZoneName")?.value;
    if (name && /^[A-Z]{2,5}$/.test(name)) return name;
  }
  // Zones without a letter abbreviation print their offset, as in Go's tzdata ("+03", "+0530").
  const abs = Math.abs(offset);
  const mins = Math.floor((abs % 3600) / 60);
  return (
    (offset < 0 ? "-" : "+") +
    String(Math.floor(abs / 3600)).padStart(2, "0") +
    (mins ? String(mins).padStart(2, "0") : "")
  );
}

/** The zone's offset and abbreviation at an instant, or null for an unknown zone name. */
export function zoneAt(tz: string, sec: number): Zone | null {
  const f = formatter(tz, "en-US", true);
  if (!f) return null;
  const at = new Date(sec * 1000);
  const parts = Object.fromEntries(f.formatToParts(at).map((p) => [p.type, p.value]));
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offset = Math.round((local - Math.floor(sec) * 1000) / 1000);
  return { name: abbreviation(tz, at, offset), offset };
}

// Civil calendar arithmetic on day numbers (days since 1970-01-01), valid far past Go's range.
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
export const daysIn = (m: number, y: number): number =>
  m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!;

export const longMonths = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
export const longDays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

export interface Civil {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
  yday: number;
}

export function civil(t: GoTime): Civil {
  const local = t.sec + t.zone.offset;
  const days = Math.floor(local / 86400);
  const rem = local - days * 86400;
  const [year, month, day] = civilFromDays(days);
  return {
    year,
    month,
    day,
    hour: Math.floor(rem / 3600),
    minute: Math.floor((rem % 3600) / 60),
    second: rem % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
    yday: days - daysFromCivil(year, 1, 1) + 1,
  };
}

export type Chunk = { lit: string } | { std: string; digits?: number };

const stdRe =
  /^(January|Jan(?![a-z])|Monday|Mon(?![a-z])|MST|01|02|03|04|05|06|002|15|1|2006|2|_2006|__2|_2|3|4|5|PM|pm|-07:00:00|-070000|-0700|-07:00|-07|Z07:00:00|Z070000|Z0700|Z07:00|Z07|[.,](0+|9+)(?!\d))/;

const layoutCache = new Map<string, Chunk[]>();

/** Splits a Go reference layout into literal text and standard fields (time.nextStdChunk). */
export function layoutChunks(layout: string): Chunk[] {
  let chunks = layoutCache.get(layout);
  if (chunks) return chunks;
  chunks = [];
  let lit = "";
  for (let i = 0; i < layout.length; ) {
    const m = stdRe.exec(layout.slice(i));
    if (!m) {
      lit += layout[i++];
      continue;
    }
    let std = m[0];
    if (std === "_2006") {
      lit += "_";
      std = "2006";
      i++;
    }
    if (lit) chunks.push({ lit });
    lit = "";
    if (m[2]) chunks.push({ std: std[0] + m[2][0]!, digits: m[2].length });
    else chunks.push({ std });
    i += std.length;
  }
  if (lit) chunks.push({ lit });
  if (layoutCache.size > 64) layoutCache.clear();
  layoutCache.set(layout, chunks);
  return chunks;
}

const pad = (n: number, w: number): string => String(n).padStart(w, "0");

function tzText(std: string, offset: number, name: string): string {
  if (std === "MST") {
    if (name) return name;
  } else if (std[0] === "Z" && offset === 0) return "Z";
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const [h, m, s] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60];
  const body = std === "MST" ? std : std.slice(1);
  switch (body) {
    case "07":
      return sign + pad(h, 2);
    case "07:00":
      return `${sign}${pad(h, 2)}:${pad(m, 2)}`;
    case "07:00:00":
      return `${sign}${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}`;
    case "070000":
      return sign + pad(h, 2) + pad(m, 2) + pad(s, 2);
    default:
      return sign + pad(h, 2) + pad(m, 2);
  }
}

/** Time.Format */
export function formatTime(t: GoTime, layout: string): string {
  const c = civil(t);
  let out = "";
  for (const ch of layoutChunks(layout)) {
    if ("lit" in ch) {
      out += ch.lit;
      continue;
    }
    const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12;
    switch (ch.std) {
      case "January":
        out += longMonths[c.month - 1];
        break;
      case "Jan":
        out += longMonths[c.month - 1]!.slice(0, 3);
        break;
      case "Monday":
        out += longDays[c.weekday];
        break;
      case "Mon":
        out += longDays[c.weekday]!.slice(0, 3);
        break;
      case "2006":
        out += c.year < 0 ? "-" + pad(-c.year, 4) : pad(c.year, 4);
        break;
      case "06":
        out += pad(((c.year % 100) + 100) % 100, 2);
        break;
      case "01":
        out += pad(c.month, 2);
        break;
      case "1":
        out += c.month;
        break;
      case "02":
        out += pad(c.day, 2);
        break;
      case "_2":
        out += String(c.day).padStart(2, " ");
        break;
      case "2":
        out += c.day;
        break;
      case "002":
        out += pad(c.yday, 3);
        break;
      case "__2":
        out += String(c.yday).padStart(3, " ");
        break;
      case "15":
        out += pad(c.hour, 2);
        break;
      case "3":
        out += h12;
        break;
      case "03":
        out += pad(h12, 2);
        break;
      case "4":
        out += c.minute;
        break;
      case "04":
        out += pad(c.minute, 2);
        break;
      case "5":
        out += c.second;
        break;
      case "05":
        out += pad(c.second, 2);
        break;
      case "PM":
        out += c.hour >= 12 ? "PM" : "AM";
        break;
      case "pm":
        out += c.hour >= 12 ? "pm" : "am";
        break;
      case ".0":
      case ",0":
        out += ch.std[0] + pad(t.nsec, 9).slice(0, ch.digits);
        break;
      case ".9":
      case ",9": {
        const frac = pad(t.nsec, 9).slice(0, ch.digits).replace(/0+$/, "");
        if (frac) out += ch.std[0] + frac;
        break;
      }
      default:
        out += tzText(ch.std, t.zone.offset, t.zone.name);
    }
  }
  return out;
}

const timeMethods: Record<string, (t: GoTime) => GoFunc> = {
  Unix: (t) => def([], () => int64(t.sec)),
  UnixMilli: (t) => def([], () => int64(BigInt(t.sec) * 1000n + BigInt(Math.floor(t.nsec / 1e6)))),
  UnixNano: (t) => def([], () => int64(BigInt(t.sec) * 1000000000n + BigInt(t.nsec))),
  Year: (t) => def([], () => BigInt(civil(t).year)),
  YearDay: (t) => def([], () => BigInt(civil(t).yday)),
  Day: (t) => def([], () => BigInt(civil(t).day)),
  Hour: (t) => def([], () => BigInt(civil(t).hour)),
  Minute: (t) => def([], () => BigInt(civil(t).minute)),
  Second: (t) => def([], () => BigInt(civil(t).second)),
  Nanosecond: (t) => def([], () => BigInt(t.nsec)),
  Format: (t) => def(["string"], (layout: string) => formatTime(t, layout)),
  String: (t) => def([], () => t.toString()),
  UTC: (t) => def([], () => new GoTime(t.sec, t.nsec)),
  IsZero: (t) => def([], () => t.sec === zeroTimeSec && t.nsec === 0),
};

/** Seconds from 0001-01-01 UTC (Go's zero time) to the Unix epoch, negated. */
export const zeroTimeSec = daysFromCivil(1, 1, 1) * 86400;
export const zeroTime = (): GoTime => new GoTime(zeroTimeSec, 0);
