/**
 * go-yaml v2's scalar output: which style a string gets (plain, single-quoted, double-quoted,
 * literal block) and how it is written, folded at 80 columns like v2's emitter does.
 */
import { checkSize } from "./limits.ts";
import { parseFloat64, parseInt64, parseUint64 } from "./numbers.ts";

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";

const boolsAndNulls = new Set(
  "y Y yes Yes YES true True TRUE on On ON n N no No NO false False FALSE off Off OFF ~ null Null NULL .nan .NaN .NAN .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF <<".split(
    " ",
  ),
);
const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const base60 = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const timestamp =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/;

function isTimestamp(s: string): boolean {
  const m = timestamp.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  if (mo < 1 || mo > 12 || d < 1 || d > days[mo - 1]!) return false;
  const [h, mi, se] = [Number(m[4] ?? m[7] ?? 0), Number(m[5] ?? m[8] ?? 0), Number(m[6] ?? m[9] ?? 0)];
  return h < 24 && mi < 60 && se < 60;
}

/** Whether go-yaml would read the plain scalar back as something other than a string. */
function resolvesToNonString(s: string): boolean {
  if (s === "" || boolsAndNulls.has(s)) return true;
  const c = s[0]!;
  if (c === ".") return parseFloat64(s) !== undefined;
  if (c !== "+" && c !== "-" && !isDigit(c)) return false;
  if (isTimestamp(s)) return true;
  const plain = s.replace(/_/g, "");
  if (parseInt64(plain) !== undefined || parseUint64(plain) !== undefined) return true;
  if (yamlStyleFloat.test(plain) && parseFloat64(plain) !== undefined) return true;
  return /^-?0b[01]+$/.test(plain);
}

interface Analysis {
  multiline: boolean;
  plainAllowed: boolean;
  singleAllowed: boolean;
  blockAllowed: boolean;
}

export const isBreak = (c: string): boolean =>
  c === "\n" || c === "\r" || c === "\u0085" || c === "\u2028" || c === "\u2029";
function isPrintable(c: string): boolean {
  const cp = c.codePointAt(0)!;
  if (cp === 0x0a) return true;
  if (cp >= 0x20 && cp <= 0x7e) return true;
  if (cp >= 0xa0 && cp <= 0xd7ff) return true;
  return cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff;
}

function analyze(s: string): Analysis {
  if (s === "") return { multiline: false, plainAllowed: true, singleAllowed: true, blockAllowed: false };
  const chars = Array.from(s);
  let block = s.startsWith("---") || s.startsWith("...");
  let special = false;
  let [leadingSpace, leadingBreak, trailingSpace, trailingBreak, breakSpace, spaceBreak, lineBreaks] = [
    false,
    false,
    false,
    false,
    false,
    false,
    false,
  ];
  let precededByWs = true;
  let prevSpace = false;
  let prevBreak = false;
  chars.forEach((c, i) => {
    const next = chars[i + 1];
    const followedByWs = next === undefined || next === " " || next === "\t" || isBreak(next);
    if (i === 0) {
      if ("#,[]{}&*!|>'\"%@`".includes(c)) block = true;
      else if ((c === "?" || c === ":" || c === "-") && followedByWs) block = true;
    } else if (c === ":" && followedByWs) block = true;
    else if (c === "#" && precededByWs) block = true;
    if (!isPrintable(c)) special = true;
    if (c === " ") {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      [prevSpace, prevBreak] = [true, false];
    } else if (isBreak(c)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      [prevSpace, prevBreak] = [false, true];
    } else [prevSpace, prevBreak] = [false, false];
    precededByWs = c === " " || c === "\t" || isBreak(c);
  });
  const plainAllowed = !(
    leadingSpace ||
    leadingBreak ||
    trailingSpace ||
    trailingBreak ||
    breakSpace ||
    spaceBreak ||
    special ||
    lineBreaks ||
    block
  );
  const singleAllowed = !(breakSpace || spaceBreak || special);
  const blockAllowed = !(trailingSpace || spaceBreak || special);
  return { multiline: lineBreaks, plainAllowed, singleAllowed, blockAllowed };
}

const bestWidth = 80;

/** Output with go-yaml's column bookkeeping, which decides where long scalars fold. */
export class Out {
  text = "";
  column = 0;
  whitespace = true;
  indention = true;

  put(s: string): void {
    this.text += s;
    checkSize(this.text.length, "YAML text");
    this.column += Array.from(s).length;
  }
  newline(): void {
    this.text += "\n";
    checkSize(this.text.length, "YAML text");
    this.column = 0;
  }
  indent(n: number): void {
    if (!this.indention || this.column > n || (this.column === n && !this.whitespace)) this.newline();
    while (this.column < n) this.put(" ");
    this.whitespace = true;
    this.indention = true;
  }
  indicator(s: string, needWs: boolean, isWs: boolean, isIndention: boolean): void {
    if (needWs && !this.whitespace) this.put(" ");
    this.put(s);
    this.whitespace = isWs;
    this.indention = this.indention && isIndention;
  }
}

const dqEscapes: Record<number, string> = {
  0: "0",
  7: "a",
  8: "b",
  9: "t",
  10: "n",
  11: "v",
  12: "f",
  13: "r",
  27: "e",
  34: '"',
  92: "\\",
  133: "N",
  160: "_",
  8232: "L",
  8233: "P",
};

export function writeScalar(o: Out, s: string, indent: number, key: boolean): void {
  const a = analyze(s);
  let style: "plain" | "single" | "double" | "literal";
  if (!key && s.includes("\n")) style = "literal";
  else if (!resolvesToNonString(s) && !(s !== "" && base60.test(s))) style = "plain";
  else style = "double";
  if (key && a.multiline) style = "double";
  if (style === "plain" && (!a.plainAllowed || (s === "" && key))) style = "single";
  if (style === "single" && !a.singleAllowed) style = "double";
  if (style === "literal" && (!a.blockAllowed || key)) style = "double";
  const breaks = !key;
  const chars = Array.from(s);
  if (style === "plain") {
    if (!o.whitespace) o.put(" ");
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === " ") {
        if (breaks && !spaces && o.column > bestWidth && chars[i + 1] !== " ") {
          o.indention = false;
          o.indent(indent);
        } else o.put(c);
        spaces = true;
      } else {
        o.put(c);
        spaces = false;
      }
      o.indention = false;
    });
  } else if (style === "single") {
    o.indicator("'", true, false, false);
    let spaces = false;
    chars.forEach((c, i) => {
      if (c === " ") {
        if (breaks && !spaces && o.column > bestWidth && i > 0 && i < chars.length - 1 && chars[i + 1] !== " ")
          o.indent(indent);
        else o.put(c);
        spaces = true;
      } else {
        o.put(c === "'" ? "''" : c);
        o.indention = false;
        spaces = false;
      }
    });
    o.indicator("'", false, false, false);
  } else if (style === "double") {
    o.indicator('"', true, false, false);
    let spaces = false;
    chars.forEach((c, i) => {
      const cp = c.codePointAt(0)!;
      if (!isPrintable(c) || cp === 0xfeff || isBreak(c) || c === '"' || c === "\\") {
        const esc = dqEscapes[cp];
        if (esc) o.put("\\" + esc);
        else if (cp <= 0xff) o.put("\\x" + cp.toString(16).toUpperCase().padStart(2, "0"));
        else if (cp <= 0xffff) o.put("\\u" + cp.toString(16).toUpperCase().padStart(4, "0"));
        else o.put("\\U" + cp.toString(16).toUpperCase().padStart(8, "0"));
        spaces = false;
      } else if (c === " ") {
        if (breaks && !spaces && o.column > bestWidth && i > 0 && i < chars.length - 1) {
          o.indent(indent);
          if (chars[i + 1] === " ") o.put("\\");
        } else o.put(c);
        spaces = true;
      } else {
        o.put(c);
        spaces = false;
      }
      o.indention = false;
    });
    o.indicator('"', false, false, false);
  } else {
    o.indicator("|", true, false, false);
    if (s[0] === " " || isBreak(chars[0]!)) o.indicator(String(2), false, false, false);
    const last = chars.length - 1;
    let chomp = "";
    if (!isBreak(chars[last]!)) chomp = "-";
    else if (last === 0 || isBreak(chars[last - 1]!)) chomp = "+";
    if (chomp) o.indicator(chomp, false, false, false);
    o.newline();
    o.indention = true;
    o.whitespace = true;
    let lineStart = true;
    for (const c of chars) {
      if (isBreak(c)) {
        o.newline();
        o.indention = true;
        lineStart = true;
      } else {
        if (lineStart) o.indent(indent);
        o.put(c);
        o.indention = false;
        lineStart = false;
      }
    }
    // v2 leaves the cursor after a block scalar's last line break, so no blank line follows.
    o.whitespace = true;
    return;
  }
  o.whitespace = false;
  o.indention = false;
}
