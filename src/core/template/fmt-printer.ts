/** Go fmt's printing of one operand under a verb: printArg and the value kinds it dispatches to. */
import { floatText, type Flags, intText, noFlags, pad, padding, unicodeText, validRune } from "./fmt-numbers.ts";
import { checkSize } from "./limits.ts";
import { canBackquote, quote, quoteRune } from "./quote.ts";
import { GoInt, GoObject, isMap, sortedKeys, typeName, utf8Bytes } from "./values.ts";

export class Printer {
  buf = "";
  f: Flags = noFlags();
  /** Set while printing a bad-verb operand, so Stringers are not consulted again. */
  private erroring = false;

  private pad(s: string): void {
    this.buf += pad(this.f, s);
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

  /** `%!d(string=x)`: the verb does not fit the operand. */
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

  private fmtInteger(v: bigint, signed: boolean, verb: string, arg: unknown): void {
    const f = this.f;
    switch (verb) {
      case "v":
        this.buf += f.sharpV && !signed ? intText(f, v, 16, "v", false, true) : intText(f, v, 10, verb, false);
        return;
      case "d":
        this.buf += intText(f, v, 10, verb, false);
        return;
      case "b":
        this.buf += intText(f, v, 2, verb, false);
        return;
      case "o":
      case "O":
        this.buf += intText(f, v, 8, verb, false);
        return;
      case "x":
      case "X":
        this.buf += intText(f, v, 16, verb, verb === "X");
        return;
      case "c":
        return this.pad(String.fromCodePoint(validRune(v)));
      case "q":
        return this.pad(quoteRune(validRune(v), f.plus));
      case "U":
        this.buf += unicodeText(f, v);
        return;
      default:
        return this.badVerb(verb, arg);
    }
  }

  private fmtString(s: string, verb: string): void {
    switch (verb) {
      case "v":
        return this.f.sharpV ? this.fmtQ(s) : this.pad(this.truncate(s));
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

  /** %x on strings: hex of the UTF-8 bytes, `% x` spaced, `%#x` prefixed. */
  private fmtSx(s: string, upper: boolean): void {
    const f = this.f;
    let bytes = utf8Bytes(s);
    if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
    const n = bytes.length;
    if (n === 0) {
      if (f.widPresent) this.buf += padding(f, f.wid);
      return;
    }
    let width = 2 * n;
    if (f.space) width = (f.sharp ? width * 2 : width) + n - 1;
    else if (f.sharp) width += 2;
    const prefix = upper ? "0X" : "0x";
    let out = f.sharp ? prefix : "";
    bytes.forEach((b, i) => {
      if (f.space && i > 0) out += f.sharp ? " " + prefix : " ";
      const h = b.toString(16).padStart(2, "0");
      out += upper ? h.toUpperCase() : h;
    });
    const fill = f.widPresent && f.wid > width ? padding(f, f.wid - width) : "";
    this.buf += f.minus ? out + fill : fill + out;
  }

  /** Prints one operand; depth > 0 inside maps and slices, where nil prints as <nil>. */
  printArg(arg: unknown, verb: string, depth: number): void {
    // Checked per operand and per element: nested lists sharing one value print exponentially.
    checkSize(this.buf.length, "formatted value");
    if (arg === null || arg === undefined) {
      if (depth > 0) this.buf += "<nil>";
      else if (verb === "v" || verb === "T") this.pad("<nil>");
      else this.badVerb(verb, arg);
      return;
    }
    if (verb === "T" && depth === 0) return this.fmtString(typeName(arg), "s");
    if (verb === "p" && depth === 0) return this.badVerb(verb, arg);
    // Stringers (semver, time) print through String() for the string-like verbs.
    if (arg instanceof GoObject && !this.erroring && !this.f.sharpV && "vsxXq".includes(verb))
      return this.fmtString(arg.toString(), verb);
    switch (typeof arg) {
      case "boolean":
        if (verb === "t" || verb === "v") return this.pad(arg ? "true" : "false");
        return this.badVerb(verb, arg);
      case "number": {
        const s = floatText(this.f, arg, verb);
        if (s === null) return this.badVerb(verb, arg);
        this.buf += s;
        return;
      }
      case "bigint":
        return this.fmtInteger(arg, true, verb, arg);
      case "string":
        return this.fmtString(arg, verb);
    }
    if (arg instanceof GoInt) return this.fmtInteger(arg.v, !arg.type.startsWith("u"), verb, arg);
    if (Array.isArray(arg)) return this.printList(arg, verb, depth);
    if (isMap(arg)) return this.printMap(arg, verb, depth);
    if (arg instanceof GoObject) {
      this.buf += "{" + arg.toString() + "}";
      return;
    }
    this.buf += "?" + typeName(arg) + "?";
  }

  private printList(arr: unknown[], verb: string, depth: number): void {
    const sharpV = this.f.sharpV;
    this.buf += sharpV ? typeName(arr) + "{" : "[";
    arr.forEach((x, i) => {
      if (i > 0) this.buf += sharpV ? ", " : " ";
      this.printArg(x, verb, depth + 1);
    });
    this.buf += sharpV ? "}" : "]";
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
