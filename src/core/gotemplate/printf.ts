/** Go's fmt.Sprintf for the verbs templates use, including its `%!verb(type=value)` complaints. */
import { formatFloat, formatValue, isMap, NoValue, typeName } from "./value.ts";

function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return out + '"';
}
export { quote as goQuote };

function bad(verb: string, v: unknown): string {
  if (v === null || v === undefined || v === NoValue) return `%!${verb}(<nil>)`;
  return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
}

interface Spec {
  minus: boolean;
  plus: boolean;
  zero: boolean;
  space: boolean;
  sharp: boolean;
  width?: number;
  prec?: number;
}

function padTo(s: string, sp: Spec, numeric = false): string {
  if (sp.width === undefined || s.length >= sp.width) return s;
  const n = sp.width - [...s].length;
  if (n <= 0) return s;
  if (sp.minus) return s + " ".repeat(n);
  if (sp.zero && numeric) {
    const sign = /^[+-]/.test(s) ? s[0]! : "";
    return sign + "0".repeat(n) + s.slice(sign.length);
  }
  return " ".repeat(n) + s;
}

function fmtInt(v: bigint, verb: string, sp: Spec): string {
  const neg = v < 0n;
  const abs = neg ? -v : v;
  let digits: string;
  switch (verb) {
    case "d":
      digits = abs.toString(10);
      break;
    case "x":
      digits = abs.toString(16);
      break;
    case "X":
      digits = abs.toString(16).toUpperCase();
      break;
    case "o":
      digits = abs.toString(8);
      break;
    case "b":
      digits = abs.toString(2);
      break;
    default:
      digits = abs.toString(10);
  }
  if (sp.prec !== undefined && digits.length < sp.prec) digits = "0".repeat(sp.prec - digits.length) + digits;
  if (sp.sharp && (verb === "x" || verb === "X")) digits = (verb === "x" ? "0x" : "0X") + digits;
  if (sp.sharp && verb === "o") digits = "0" + digits;
  const sign = neg ? "-" : sp.plus ? "+" : sp.space ? " " : "";
  return padTo(sign + digits, sp, sp.prec === undefined);
}

function fmtFloat(f: number, verb: string, sp: Spec): string {
  let s: string;
  if (!Number.isFinite(f)) s = Number.isNaN(f) ? "NaN" : f > 0 ? (sp.plus ? "+Inf" : "+Inf") : "-Inf";
  else if (verb === "f" || verb === "F") s = toFixedGo(f, sp.prec ?? 6);
  else if (verb === "e" || verb === "E") {
    const [m, e] = f.toExponential(sp.prec ?? 6).split("e") as [string, string];
    s = `${m}e${e.startsWith("-") ? "-" : "+"}${e.replace(/^[+-]/, "").padStart(2, "0")}`;
    if (verb === "E") s = s.toUpperCase();
  } else if (sp.prec !== undefined) {
    const p = Number(f.toPrecision(sp.prec || 1));
    s = formatFloat(p);
  } else s = formatFloat(f);
  if (Number.isFinite(f) && f >= 0 && sp.plus && !s.startsWith("+")) s = "+" + s;
  else if (Number.isFinite(f) && f >= 0 && sp.space) s = " " + s;
  return padTo(s, sp, true);
}

function hexString(s: string, upper: boolean, sp: Spec): string {
  const bytes = new TextEncoder().encode(s);
  let out = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(sp.space ? " " : "");
  if (upper) out = out.toUpperCase();
  return out;
}

/** toFixed with Go's rounding: an exact tie rounds to even (2.25 → "2.2"), not up. */
function toFixedGo(f: number, prec: number): string {
  const s = f.toFixed(prec);
  if (prec > 80) return s;
  const exact = f.toFixed(Math.min(100, prec + 60));
  const tail = exact.slice(exact.indexOf(".") + 1 + prec);
  if (!/^50*$/.test(tail)) return s;
  const down = (Math.sign(f) * (Math.trunc(Math.abs(f) * 10 ** prec) / 10 ** prec)).toFixed(prec);
  const lastDigit = Number(down.replace(/\D/g, "").slice(-1));
  return lastDigit % 2 === 0 ? down : s;
}

function formatOne(verb: string, v: unknown, sp: Spec): string {
  // fmt applies a verb to each element of a slice.
  if (Array.isArray(v) && verb !== "v" && verb !== "T" && !(verb === "s" && v.every((x) => typeof x === "string"))) {
    return `[${v.map((x) => formatOne(verb, x, sp)).join(" ")}]`;
  }
  switch (verb) {
    case "v":
      if (sp.plus && isMap(v)) return padTo(formatValue(v), sp);
      if (typeof v === "number") return fmtFloat(v, "g", sp);
      if (typeof v === "bigint") return fmtInt(v, "d", sp);
      if (sp.sharp && typeof v === "string") return padTo(quote(v), sp);
      return padTo(v === NoValue ? "<nil>" : formatValue(v), sp);
    case "s":
      if (typeof v === "string") return padTo(sp.prec !== undefined ? [...v].slice(0, sp.prec).join("") : v, sp);
      if (Array.isArray(v) && v.every((x) => typeof x === "string")) return padTo(`[${v.join(" ")}]`, sp);
      if (v instanceof Date || (typeof v === "object" && v !== null && !Array.isArray(v) && !isMap(v))) return padTo(formatValue(v), sp);
      if (isMap(v)) return padTo(formatValue(v), sp);
      return bad(verb, v);
    case "q":
      if (typeof v === "string") return padTo(quote(v), sp);
      if (typeof v === "bigint") return padTo(`'${String.fromCodePoint(Number(v))}'`, sp);
      return bad(verb, v);
    case "d":
    case "o":
    case "b":
      if (typeof v === "bigint") return fmtInt(v, verb, sp);
      if (Array.isArray(v) && v.every((x) => typeof x === "bigint")) return `[${v.map((x) => fmtInt(x as bigint, verb, sp)).join(" ")}]`;
      if (verb === "b" && typeof v === "number") return bad(verb, v);
      return bad(verb, v);
    case "x":
    case "X":
      if (typeof v === "bigint") return fmtInt(v, verb, sp);
      if (typeof v === "string") return padTo(hexString(v, verb === "X", sp), sp);
      if (typeof v === "number") {
        return bad(verb, v);
      }
      return bad(verb, v);
    case "c":
      if (typeof v === "bigint") return padTo(String.fromCodePoint(Number(v)), sp);
      return bad(verb, v);
    case "U":
      if (typeof v === "bigint") return padTo(`U+${v.toString(16).toUpperCase().padStart(4, "0")}`, sp);
      return bad(verb, v);
    case "t":
      if (typeof v === "boolean") return padTo(String(v), sp);
      return bad(verb, v);
    case "f":
    case "F":
    case "e":
    case "E":
    case "g":
    case "G":
      if (typeof v === "number") return fmtFloat(v, verb, sp);
      return bad(verb, v);
    case "T":
      return padTo(typeName(v), sp);
    default:
      return `%!${verb}(${typeName(v)}=${formatValue(v)})`;
  }
}

export function sprintf(format: string, args: unknown[]): string {
  let out = "";
  let argi = 0;
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== "%") {
      out += c;
      continue;
    }
    const sp: Spec = { minus: false, plus: false, zero: false, space: false, sharp: false };
    i++;
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === "-") sp.minus = true;
      else if (f === "+") sp.plus = true;
      else if (f === "0") sp.zero = !sp.minus;
      else if (f === " ") sp.space = true;
      else if (f === "#") sp.sharp = true;
      else break;
    }
    const num = () => {
      let s = "";
      while (i < format.length && /[0-9]/.test(format[i]!)) s += format[i++];
      return s;
    };
    if (format[i] === "*") {
      const w = args[argi++];
      sp.width = typeof w === "bigint" ? Number(w) : undefined;
      i++;
    } else {
      const w = num();
      if (w) sp.width = Number(w);
    }
    if (format[i] === ".") {
      i++;
      if (format[i] === "*") {
        const p = args[argi++];
        sp.prec = typeof p === "bigint" ? Number(p) : 0;
        i++;
      } else sp.prec = Number(num() || "0");
    }
    const verb = format[i];
    if (verb === undefined) {
      out += "%!(NOVERB)";
      break;
    }
    if (verb === "%") {
      out += "%";
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argi++], sp);
  }
  if (argi < args.length) {
    out += `%!(EXTRA ${args
      .slice(argi)
      .map((a) => `${typeName(a)}=${formatValue(a)}`)
      .join(", ")})`;
  }
  return out;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: unknown[]): string {
  let out = "";
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== "string" && typeof args[i - 1] !== "string") out += " ";
    out += a === NoValue ? "<nil>" : formatValue(a);
  });
  return out;
}

export function sprintln(args: unknown[]): string {
  return args.map((a) => (a === NoValue ? "<nil>" : formatValue(a))).join(" ") + "\n";
}
