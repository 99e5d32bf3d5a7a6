/** Go fmt's flags and the formatting of numbers under them (%d %x %o %b %U %e %f %g and widths). */
import { formatFloat, type FloatFormat } from "./float-format.ts";
import { isPrint } from "./quote.ts";

export interface Flags {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

export const noFlags = (): Flags => ({
  minus: false,
  plus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: 0,
  widPresent: false,
  prec: 0,
  precPresent: false,
});

/** Widths count runes, not UTF-16 units. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

export function padding(f: Flags, n: number, zero = f.zero): string {
  if (n <= 0) return "";
  return (zero && !f.minus ? "0" : " ").repeat(n);
}

/** s padded to the width, left or right; zeros pad only on the left. */
export function pad(f: Flags, s: string, zero = f.zero): string {
  if (!f.widPresent || f.wid === 0) return s;
  const fill = padding(f, f.wid - runeCount(s), zero);
  return f.minus ? s + fill : fill + s;
}

/** An integer in base 2, 8, 10 or 16 with precision, sign flags, # prefixes and width. */
export function intText(f: Flags, v: bigint, base: number, verb: string, upper: boolean, sharp = f.sharp): string {
  const negative = v < 0n;
  const u = negative ? -v : v;
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return padding(f, f.wid, false);
  } else if (f.zero && !f.minus && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = u.toString(base);
  if (upper) digits = digits.toUpperCase();
  if (digits.length < prec) digits = "0".repeat(prec - digits.length) + digits;
  if (sharp) {
    if (base === 2) digits = "0b" + digits;
    else if (base === 8 && digits[0] !== "0") digits = "0" + digits;
    else if (base === 16) digits = (upper ? "0X" : "0x") + digits;
  }
  if (verb === "O") digits = "0o" + digits;
  if (negative) digits = "-" + digits;
  else if (f.plus) digits = "+" + digits;
  else if (f.space) digits = " " + digits;
  return pad(f, digits, false);
}

/** %U: U+0041, with %#U adding the character itself. */
export function unicodeText(f: Flags, v: bigint): string {
  let s = (v < 0n ? BigInt.asUintN(64, v) : v).toString(16).toUpperCase();
  s = "U+" + s.padStart(f.precPresent && f.prec > 4 ? f.prec : 4, "0");
  const cp = Number(v);
  if (f.sharp && v >= 0n && v <= 0x10ffffn && isPrint(cp)) s += " '" + String.fromCodePoint(cp) + "'";
  return pad(f, s, false);
}

/** A code point for %c and %q, with invalid ones replaced as Go does. */
export function validRune(v: bigint): number {
  return v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn) ? 0xfffd : Number(v);
}

const floatVerbs: Record<string, [FloatFormat, number]> = {
  v: ["g", -1],
  g: ["g", -1],
  G: ["G", -1],
  f: ["f", 6],
  F: ["f", 6],
  e: ["e", 6],
  E: ["E", 6],
};

/** A float under a verb, or null when the verb does not apply to floats. */
export function floatText(f: Flags, v: number, verb: string): string | null {
  if (!Object.hasOwn(floatVerbs, verb)) return null;
  let [fmt, prec] = floatVerbs[verb]!;
  if (f.precPresent) prec = f.prec;
  let num = formatFloat(v, fmt, prec);
  if (num[0] !== "-" && num[0] !== "+") num = "+" + num;
  if (f.space && num[0] === "+" && !f.plus) num = " " + num.slice(1);
  if (num[1] === "I" || num[1] === "N") {
    if (num[1] === "N" && !f.space && !f.plus) num = num.slice(1);
    return pad(f, num, false);
  }
  if (f.sharp) num = sharpFloat(num, verb, prec);
  if (f.plus || num[0] !== "+") {
    // Zero padding goes after the sign.
    if (f.zero && !f.minus && f.widPresent && f.wid > num.length)
      return num[0] + "0".repeat(f.wid - num.length) + num.slice(1);
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

/** The # flag on floats: keep the decimal point and trailing zeros (%#g, %#e, %#f). */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = verb === "v" || verb === "g" || verb === "G" ? (prec === -1 ? 6 : prec) : 0;
  let body = num;
  let tail = "";
  const e = body.search(/[eE]/);
  if (e >= 0) [body, tail] = [body.slice(0, e), body.slice(e)];
  let hasPoint = false;
  let sawNonzero = false;
  for (let i = 1; i < body.length; i++) {
    const c = body[i]!;
    if (c === ".") hasPoint = true;
    else {
      if (c !== "0") sawNonzero = true;
      if (sawNonzero) digits--;
    }
  }
  if (!hasPoint) {
    if (body.length === 2 && body[1] === "0") digits--;
    body += ".";
  }
  if (digits > 0) body += "0".repeat(digits);
  return body + tail;
}
