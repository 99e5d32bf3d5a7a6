/**
 * Go's fmt over the value model: Sprint, Sprintln, Sprintf with verbs, flags, width,
 * precision, argument indexes, and the `%!verb(type=value)` / `%!(EXTRA …)` error forms.
 */
import { formatFloat, type FloatFormat } from "./float-format.ts";
import { canBackquote, isPrint, quote, quoteRune } from "./quote.ts";
import { GoInt, GoObject, intValue, isMap, sortedKeys, typeName } from "./values.ts";

interface Flags {
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

const noFlags = (): Flags => ({
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

const runeCount = (s: string): number => {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
};

class Printer {
  buf = "";
  f: Flags = noFlags();
  private erroring = false;

  private padding(n: number): string {
    if (n <= 0) return "";
    return (this.f.zero && !this.f.minus ? "0" : " ").repeat(n);
  }

  pad(s: string): void {
    const f = this.f;
    if (!f.widPresent || f.wid === 0) {
      this.buf += s;
      return;
    }
    const width = f.wid - runeCount(s);
    this.buf += f.minus ? s + this.padding(width) : this.padding(width) + s;
  }

  private truncate(s: string): string {
    if (!this.f.precPresent) return s;
    let n = this.f.prec;
    let i = 0;
    for (const ch of s) {
      if (n-- <= 0) return s.slice(0, i);
      i += ch.length;
    }
    return s;
  }

  private badVerb(verb: string, arg: unknown): void {
    this.erroring = true;
    this.buf += "%!" + verb + "(";
    if (arg === null || arg === undefined) this.buf += "<nil>";
    else {
      this.buf += typeName(arg) + "=";
      this.printArg(arg, "v", 0);
    }
    this.buf += ")";
    this.erroring = false;
  }

  private fmtBool(v: boolean, verb: string): void {
    if (verb === "t" || verb === "v") this.pad(v ? "true" : "false");
    else this.badVerb(verb, v);
  }

  fmtInteger(v: bigint, signed: boolean, verb: string, arg: unknown): void {
    switch (verb) {
      case "v":
        if (this.f.sharpV && !signed) return this.fmtIntBase(v, 16, "v", false, true);
        return this.fmtIntBase(v, 10, verb, false);
      case "d":
        return this.fmtIntBase(v, 10, verb, false);
      case "b":
        return this.fmtIntBase(v, 2, verb, false);
      case "o":
      case "O":
        return this.fmtIntBase(v, 8, verb, false);
      case "x":
        return this.fmtIntBase(v, 16, verb, false);
      case "X":
        return this.fmtIntBase(v, 16, verb, true);
      case "c":
        return this.pad(String.fromCodePoint(validRune(v)));
      case "q":
        return this.pad(quoteRune(validRune(v), this.f.plus));
      case "U":
        return this.fmtUnicode(v);
      default:
        return this.badVerb(verb, arg);
    }
  }

  private fmtIntBase(v: bigint, base: number, verb: string, upper: boolean, forceSharp?: boolean): void {
    const f = this.f;
    const negative = v < 0n;
    const u = negative ? -v : v;
    let prec = 0;
    if (f.precPresent) {
      prec = f.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = f.zero;
        f.zero = false;
        this.buf += this.padding(f.wid);
        f.zero = oldZero;
        return;
      }
    } else if (f.zero && !f.minus && f.widPresent) {
      prec = f.wid;
      if (negative || f.plus || f.space) prec--;
    }
    let digits = u.toString(base);
    if (upper) digits = digits.toUpperCase();
    if (digits.length < prec) digits = "0".repeat(prec - digits.length) + digits;
    const sharp = forceSharp ?? f.sharp;
    if (sharp) {
      if (base === 2) digits = "0b" + digits;
      else if (base === 8 && digits[0] !== "0") digits = "0" + digits;
      else if (base === 16) digits = (upper ? "0X" : "0x") + digits;
    }
    if (verb === "O") digits = "0o" + digits;
    if (negative) digits = "-" + digits;
    else if (f.plus) digits = "+" + digits;
    else if (f.space) digits = " " + digits;
    const oldZero = f.zero;
    f.zero = false;
    this.pad(digits);
    f.zero = oldZero;
  }

  private fmtUnicode(v: bigint): void {
    const f = this.f;
    let s = (v < 0n ? BigInt.asUintN(64, v) : v).toString(16).toUpperCase();
    const prec = f.precPresent && f.prec > 4 ? f.prec : 4;
    s = "U+" + s.padStart(prec, "0");
    const cp = Number(v);
    if (f.sharp && v >= 0n && v <= 0x10ffffn && isPrint(cp)) s += " '" + String.fromCodePoint(cp) + "'";
    const oldZero = f.zero;
    f.zero = false;
    this.pad(s);
    f.zero = oldZero;
  }

  fmtFloat(v: number, verb: string): void {
    let fmt: FloatFormat;
    let prec: number;
    switch (verb) {
      case "v":
        [fmt, prec] = ["g", -1];
        break;
      case "g":
      case "G":
        [fmt, prec] = [verb, -1];
        break;
      case "f":
      case "F":
        [fmt, prec] = ["f", 6];
        break;
      case "e":
      case "E":
        [fmt, prec] = [verb, 6];
        break;
      default:
        return this.badVerb(verb, v);
    }
    const f = this.f;
    if (f.precPresent) prec = f.prec;
    let num = formatFloat(v, fmt, prec);
    if (num[0] !== "-" && num[0] !== "+") num = "+" + num;
    if (f.space && num[0] === "+" && !f.plus) num = " " + num.slice(1);
    if (num[1] === "I" || num[1] === "N") {
      const oldZero = f.zero;
      f.zero = false;
      if (num[1] === "N" && !f.space && !f.plus) num = num.slice(1);
      this.pad(num);
      f.zero = oldZero;
      return;
    }
    if (f.sharp) num = sharpFloat(num, verb, prec);
    if (f.plus || num[0] !== "+") {
      if (f.zero && !f.minus && f.widPresent && f.wid > num.length) {
        this.buf += num[0] + "0".repeat(f.wid - num.length) + num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  fmtString(s: string, verb: string): void {
    switch (verb) {
      case "v":
        if (this.f.sharpV) return this.fmtQ(s);
        return this.pad(this.truncate(s));
      case "s":
        return this.pad(this.truncate(s));
      case "x":
      case "X":
        return this.fmtSx(s, verb === "X");
      case "q":
        return this.fmtQ(s);
      default:
        return this.badVerb(verb, s);
    }
  }

  private fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.f.sharp && canBackquote(s)) return this.pad("`" + s + "`");
    this.pad(quote(s, this.f.plus));
  }

  private fmtSx(s: string, upper: boolean): void {
    const f = this.f;
    let bytes = new TextEncoder().encode(s);
    if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
    const length = bytes.length;
    if (length === 0) {
      if (f.widPresent) this.buf += this.padding(f.wid);
      return;
    }
    let width = 2 * length;
    if (f.space) width = (f.sharp ? width * 2 : width) + length - 1;
    else if (f.sharp) width += 2;
    const prefix = upper ? "0X" : "0x";
    let out = f.sharp ? prefix : "";
    bytes.forEach((b, i) => {
      if (f.space && i > 0) out += f.sharp ? " " + prefix : " ";
      const h = b.toString(16).padStart(2, "0");
      out += upper ? h.toUpperCase() : h;
    });
    if (f.widPresent && f.wid > width && !f.minus) this.buf += this.padding(f.wid - width);
    this.buf += out;
    if (f.widPresent && f.wid > width && f.minus) this.buf += this.padding(f.wid - width);
  }

  private handleMethods(arg: unknown, verb: string): boolean {
    if (this.erroring || !(arg instanceof GoObject)) return false;
    if (this.f.sharpV) return false;
    if (verb === "v" || verb === "s" || verb === "x" || verb === "X" || verb === "q") {
      this.fmtString(arg.toString(), verb);
      return true;
    }
    return false;
  }

  /** Prints one operand; depth > 0 inside maps and slices, where nil prints as <nil>. */
  printArg(arg: unknown, verb: string, depth: number): void {
    if (arg === null || arg === undefined) {
      if (depth > 0) this.buf += "<nil>";
      else if (verb === "v" || verb === "T") this.pad("<nil>");
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === "T" && depth === 0) return this.fmtString(typeName(arg), "s");
    if (verb === "p" && depth === 0) return this.badVerb(verb, arg);
    if (this.handleMethods(arg, verb)) return;
    switch (typeof arg) {
      case "boolean":
        return this.fmtBool(arg, verb);
      case "number":
        return this.fmtFloat(arg, verb);
      case "bigint":
        return this.fmtInteger(arg, true, verb, arg);
      case "string":
        return this.fmtString(arg, verb);
    }
    if (arg instanceof GoInt) return this.fmtInteger(arg.v, !arg.type.startsWith("u"), verb, arg);
    if (Array.isArray(arg)) return this.printSlice(arg, verb, depth);
    if (isMap(arg)) return this.printMap(arg, verb, depth);
    if (arg instanceof GoObject) {
      this.buf += "{" + arg.toString() + "}";
      return;
    }
    this.buf += "?" + typeName(arg) + "?";
  }

  private printSlice(arr: unknown[], verb: string, depth: number): void {
    if (this.f.sharpV) {
      this.buf += typeName(arr) + "{";
      arr.forEach((x, i) => {
        if (i > 0) this.buf += ", ";
        this.printArg(x, verb, depth + 1);
      });
      this.buf += "}";
      return;
    }
    this.buf += "[";
    arr.forEach((x, i) => {
      if (i > 0) this.buf += " ";
      this.printArg(x, verb, depth + 1);
    });
    this.buf += "]";
  }

  private printMap(m: Record<string, unknown>, verb: string, depth: number): void {
    const sharpV = this.f.sharpV;
    this.buf += sharpV ? typeName(m) + "{" : "map[";
    sortedKeys(m).forEach((k, i) => {
      if (i > 0) this.buf += sharpV ? ", " : " ";
      this.printArg(k, verb, depth + 1);
      this.buf += ":";
      this.printArg(m[k], verb, depth + 1);
    });
    this.buf += sharpV ? "}" : "]";
  }
}

function validRune(v: bigint): number {
  return v < 0n || v > 0x10ffffn || (v >= 0xd800n && v <= 0xdfffn) ? 0xfffd : Number(v);
}

/** The # flag on floats: keep the decimal point and trailing zeros (%#g, %#e, %#f). */
function sharpFloat(num: string, verb: string, prec: number): string {
  let digits = 0;
  if (verb === "v" || verb === "g" || verb === "G") digits = prec === -1 ? 6 : prec;
  let tail = "";
  let body = num;
  const e = body.search(/[eE]/);
  if (e >= 0) {
    tail = body.slice(e);
    body = body.slice(0, e);
  }
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
  while (digits > 0) {
    body += "0";
    digits--;
  }
  return body + tail;
}

function parseNum(s: string, i: number): [number, boolean, number] {
  let n = 0;
  let ok = false;
  while (i < s.length && s[i]! >= "0" && s[i]! <= "9") {
    if (n > 1e6) return [0, false, s.length];
    n = n * 10 + (s.charCodeAt(i) - 48);
    ok = true;
    i++;
  }
  return [n, ok, i];
}

function intFromArg(args: readonly unknown[], argNum: number): [number, boolean, number] {
  if (argNum >= args.length) return [0, false, argNum];
  const v = intValue(args[argNum]);
  let n = 0;
  let ok = false;
  if (v !== undefined && v >= -(2n ** 63n) && v < 2n ** 63n) {
    n = Number(v);
    ok = true;
  }
  if (n > 1e6 || n < -1e6) return [0, false, argNum + 1];
  return [n, ok, argNum + 1];
}

/** fmt.Sprintf */
export function sprintf(format: string, args: readonly unknown[]): string {
  const p = new Printer();
  const end = format.length;
  let argNum = 0;
  let reordered = false;
  let i = 0;
  while (i < end) {
    let goodArgNum = true;
    const last = i;
    while (i < end && format[i] !== "%") i++;
    if (i > last) p.buf += format.slice(last, i);
    if (i >= end) break;
    i++;
    p.f = noFlags();
    const f = p.f;
    let simple = false;
    flags: for (; i < end; i++) {
      const c = format[i]!;
      switch (c) {
        case "#":
          f.sharp = true;
          break;
        case "0":
          f.zero = true;
          break;
        case "+":
          f.plus = true;
          break;
        case "-":
          f.minus = true;
          break;
        case " ":
          f.space = true;
          break;
        default:
          if (c >= "a" && c <= "z" && argNum < args.length) {
            if (c === "v") {
              f.sharpV = f.sharp;
              f.sharp = false;
              f.plusV = f.plus;
              f.plus = false;
            }
            p.printArg(args[argNum], c, 0);
            argNum++;
            i++;
            simple = true;
          }
          break flags;
      }
    }
    if (simple) continue;

    let afterIndex: boolean;
    const argIndex = (): void => {
      if (i >= end || format[i] !== "[") {
        afterIndex = false;
        return;
      }
      reordered = true;
      const close = format.indexOf("]", i);
      let width = 1;
      let ok = false;
      let index = 0;
      if (close > 0 && end - i >= 3) {
        const [n, isNum, ni] = parseNum(format, i + 1);
        width = close - i + 1;
        if (isNum && ni === close) {
          ok = true;
          index = n - 1;
        }
      }
      if (ok && index >= 0 && index < args.length) {
        argNum = index;
        i += width;
        afterIndex = true;
        return;
      }
      goodArgNum = false;
      i += width;
      afterIndex = ok;
    };
    afterIndex = false;
    argIndex();
    if (i < end && format[i] === "*") {
      i++;
      [f.wid, f.widPresent, argNum] = intFromArg(args, argNum);
      if (!f.widPresent) p.buf += "%!(BADWIDTH)";
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      [f.wid, f.widPresent, i] = parseNum(format, i);
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === ".") {
      i++;
      if (afterIndex) goodArgNum = false;
      argIndex();
      if (i < end && format[i] === "*") {
        i++;
        [f.prec, f.precPresent, argNum] = intFromArg(args, argNum);
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) p.buf += "%!(BADPREC)";
        afterIndex = false;
      } else {
        [f.prec, f.precPresent, i] = parseNum(format, i);
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) argIndex();
    if (i >= end) {
      p.buf += "%!(NOVERB)";
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === "%") p.buf += "%";
    else if (!goodArgNum) p.buf += "%!" + verb + "(BADINDEX)";
    else if (argNum >= args.length) p.buf += "%!" + verb + "(MISSING)";
    else {
      if (verb === "v") {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      p.printArg(args[argNum], verb, 0);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    p.f = noFlags();
    p.buf += "%!(EXTRA ";
    args.slice(argNum).forEach((arg, k) => {
      if (k > 0) p.buf += ", ";
      if (arg === null || arg === undefined) p.buf += "<nil>";
      else {
        p.buf += typeName(arg) + "=";
        p.printArg(arg, "v", 0);
      }
    });
    p.buf += ")";
  }
  return p.buf;
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, k) => {
    const isString = typeof arg === "string";
    if (k > 0 && !isString && !prevString) p.buf += " ";
    p.printArg(arg, "v", 0);
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln */
export function sprintln(args: readonly unknown[]): string {
  const p = new Printer();
  args.forEach((arg, k) => {
    if (k > 0) p.buf += " ";
    p.printArg(arg, "v", 0);
  });
  return p.buf + "\n";
}

/** fmt.Sprint of one value: what `{{ . }}` and `%v` print. */
export function formatValue(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "bigint") return v.toString();
  if (typeof v === "number") return formatFloat(v, "g", -1);
  const p = new Printer();
  p.printArg(v, "v", 0);
  return p.buf;
}

