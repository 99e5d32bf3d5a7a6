/**
 * Go's fmt.Sprintf, Sprint and Sprintln over the value model: verbs, flags, width, precision,
 * argument indexes, and the `%!verb(type=value)` / `%!(EXTRA …)` / `%!v(MISSING)` error forms.
 */
import { formatFloat } from "./float-format.ts";
import { noFlags, type Flags } from "./fmt-numbers.ts";
import { Printer } from "./fmt-printer.ts";
import { intValue, typeName } from "./values.ts";

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
            if (c === "v") moveFlagsToV(f);
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
      if (verb === "v") moveFlagsToV(f);
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

/** For %v, `#` and `+` mean Go syntax and field names (`%#v`, `%+v`), not the number flags. */
function moveFlagsToV(f: Flags): void {
  f.sharpV = f.sharp;
  f.sharp = false;
  f.plusV = f.plus;
  f.plus = false;
}
