/** time.ParseInLocation with Local = UTC, for sprig's toDate/mustToDate. */
import { daysFromCivil, daysIn, GoTime, layoutChunks, longDays, longMonths } from "./gotime.ts";
import { FuncError } from "./values.ts";

class ParseFail extends Error {
  constructor(
    readonly valueElem: string,
    readonly layoutElem: string,
    readonly extra = "",
  ) {
    super();
  }
}

function lookup(names: string[], value: string, len?: number): [number, string] {
  for (let k = 0; k < names.length; k++) {
    const n = len ? names[k]!.slice(0, len) : names[k]!;
    if (value.length >= n.length && value.slice(0, n.length).toLowerCase() === n.toLowerCase())
      return [k, value.slice(n.length)];
  }
  throw new Error("bad");
}

function getNum(value: string, fixed: boolean): [number, string] {
  if (!/^\d/.test(value)) throw new Error("bad");
  if (!/^\d\d/.test(value)) {
    if (fixed) throw new Error("bad");
    return [Number(value[0]), value.slice(1)];
  }
  return [Number(value.slice(0, 2)), value.slice(2)];
}

/** time's skip: match a literal, where a run of spaces matches any run of spaces. */
function skip(value: string, prefix: string): string | null {
  while (prefix.length > 0) {
    if (prefix[0] === " ") {
      if (value.length > 0 && value[0] !== " ") return null;
      prefix = prefix.replace(/^ +/, "");
      value = value.replace(/^ +/, "");
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) return null;
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

export function parseTime(layout: string, input: string): GoTime {
  const q = (s: string): string => JSON.stringify(s);
  const fail = (valueElem: string, layoutElem: string, extra = ""): never => {
    throw new ParseFail(valueElem, layoutElem, extra);
  };
  let value = input;
  let year = 1;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let pm: boolean | null = null;
  let zoneOffset: number | null = null;
  let zoneName = "";
  let utc = false;
  const chunks = layoutChunks(layout);
  try {
    chunks.forEach((c, idx) => {
      if ("lit" in c) {
        value = skip(value, c.lit) ?? fail(value, c.lit);
        return;
      }
      const hold = value;
      const elem =
        c.std === ".0" || c.std === ",0" || c.std === ".9" || c.std === ",9"
          ? c.std[0] + c.std[1]!.repeat(c.digits!)
          : c.std;
      try {
        switch (c.std) {
          case "2006":
            if (!/^\d{4}/.test(value)) throw new Error("bad");
            year = Number(value.slice(0, 4));
            value = value.slice(4);
            break;
          case "06": {
            if (!/^\d\d/.test(value)) throw new Error("bad");
            const y = Number(value.slice(0, 2));
            year = y >= 69 ? 1900 + y : 2000 + y;
            value = value.slice(2);
            break;
          }
          case "January":
          case "Jan":
            [month, value] = lookup(longMonths, value, c.std === "Jan" ? 3 : undefined);
            month++;
            break;
          case "Monday":
          case "Mon":
            [, value] = lookup(longDays, value, c.std === "Mon" ? 3 : undefined);
            break;
          case "01":
          case "1":
            [month, value] = getNum(value, c.std === "01");
            if (month < 1 || month > 12) fail(hold, elem, ": month out of range");
            break;
          case "02":
          case "_2":
          case "2":
            if (c.std === "_2" && value[0] === " ") value = value.slice(1);
            [day, value] = getNum(value, c.std === "02");
            break;
          case "002":
          case "__2": {
            const m = /^ *(\d{1,3})/.exec(value);
            if (!m) throw new Error("bad");
            yday = Number(m[1]);
            value = value.slice(m[0].length);
            break;
          }
          case "15":
            [hour, value] = getNum(value, false);
            if (hour > 23) fail(hold, elem, ": hour out of range");
            break;
          case "3":
          case "03":
            [hour, value] = getNum(value, c.std === "03");
            if (hour < 0 || hour > 12) fail(hold, elem, ": hour out of range");
            break;
          case "4":
          case "04":
            [min, value] = getNum(value, c.std === "04");
            if (min > 59) fail(hold, elem, ": minute out of range");
            break;
          case "5":
          case "05": {
            [sec, value] = getNum(value, c.std === "05");
            if (sec > 59) fail(hold, elem, ": second out of range");
            const next = chunks[idx + 1];
            const m = /^[.,](\d+)/.exec(value);
            if (m && !(next && "std" in next && next.std[0] !== undefined && /^[.,]/.test(next.std))) {
              nsec = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
              value = value.slice(m[0].length);
            }
            break;
          }
          case "PM":
          case "pm": {
            const p = value.slice(0, 2).toUpperCase();
            if (p !== "AM" && p !== "PM") throw new Error("bad");
            pm = p === "PM";
            value = value.slice(2);
            break;
          }
          case ".0":
          case ",0":
          case ".9":
          case ",9": {
            const m = c.std[1] === "0" ? new RegExp(`^[.,](\\d{${c.digits}})`).exec(value) : /^[.,](\d+)/.exec(value);
            if (!m) {
              if (c.std[1] === "9") break;
              throw new Error("bad");
            }
            nsec = Number(m[1]!.slice(0, 9).padEnd(9, "0"));
            value = value.slice(m[0].length);
            break;
          }
          case "MST": {
            const m = /^(UTC|GMT([+-]\d{1,2})?|[A-Z]{3,5}|ChST|MeST)/.exec(value);
            if (!m) throw new Error("bad");
            zoneName = m[0];
            value = value.slice(m[0].length);
            break;
          }
          default: {
            if (c.std[0] === "Z" && value[0] === "Z") {
              utc = true;
              value = value.slice(1);
              break;
            }
            const body = c.std.slice(1);
            const pattern =
              body === "07"
                ? /^([+-])(\d\d)/
                : body.includes(":")
                  ? body.length > 5
                    ? /^([+-])(\d\d):(\d\d):(\d\d)/
                    : /^([+-])(\d\d):(\d\d)/
                  : body.length > 4
                    ? /^([+-])(\d\d)(\d\d)(\d\d)/
                    : /^([+-])(\d\d)(\d\d)/;
            const m = pattern.exec(value);
            if (!m) throw new Error("bad");
            const off = Number(m[2]) * 3600 + Number(m[3] ?? 0) * 60 + Number(m[4] ?? 0);
            zoneOffset = m[1] === "-" ? -off : off;
            value = value.slice(m[0].length);
          }
        }
      } catch (e) {
        if (e instanceof ParseFail) throw e;
        fail(hold, elem);
      }
    });
    if (value.length > 0) throw new ParseFail("", "", `: extra text: ${q(value)}`);
  } catch (e) {
    if (!(e instanceof ParseFail)) throw e;
    if (e.extra) throw new FuncError(`parsing time ${q(input)}${e.extra}`);
    throw new FuncError(
      `parsing time ${q(input)} as ${q(layout)}: cannot parse ${q(e.valueElem)} as ${q(e.layoutElem)}`,
    );
  }
  if (pm === true && hour < 12) hour += 12;
  else if (pm === false && hour === 12) hour = 0;
  if (yday >= 0) {
    const leap = daysIn(2, year) === 29;
    if (yday < 1 || yday > (leap ? 366 : 365))
      throw new FuncError(`parsing time ${q(input)}: day-of-year out of range`);
    if (month < 0) {
      let d = yday;
      for (month = 1; d > daysIn(month, year); month++) d -= daysIn(month, year);
      day = d;
    }
  }
  if (month < 0) month = 1;
  if (day < 0) day = 1;
  if (day < 1 || day > daysIn(month, year)) throw new FuncError(`parsing time ${q(input)}: day out of range`);
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec;
  if (utc) return new GoTime(local, nsec);
  if (zoneOffset !== null) {
    const t = local - zoneOffset;
    return zoneOffset === 0 ? new GoTime(t, nsec) : new GoTime(t, nsec, { name: "", offset: zoneOffset });
  }
  if (zoneName !== "" && zoneName !== "UTC") {
    const gmt = /^GMT([+-]\d{1,2})$/.exec(zoneName);
    const offset = gmt ? Number(gmt[1]) * 3600 : 0;
    return new GoTime(local - offset, nsec, { name: zoneName, offset });
  }
  return new GoTime(local, nsec);
}
