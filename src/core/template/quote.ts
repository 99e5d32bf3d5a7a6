/** Go's strconv quoting and unquoting (Quote, QuoteRune, QuoteToASCII, Unquote, UnquoteChar). */

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const printRe = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

export function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp < 0x7f;
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return printRe.test(String.fromCodePoint(cp));
}

const hex = "0123456789abcdef";

function escapeRune(cp: number, quote: number, asciiOnly: boolean): string {
  if (cp === quote || cp === 0x5c) return "\\" + String.fromCharCode(cp);
  if (asciiOnly ? cp < 0x80 && isPrint(cp) : isPrint(cp)) return String.fromCodePoint(cp);
  switch (cp) {
    case 7:
      return "\\a";
    case 8:
      return "\\b";
    case 12:
      return "\\f";
    case 10:
      return "\\n";
    case 13:
      return "\\r";
    case 9:
      return "\\t";
    case 11:
      return "\\v";
  }
  if (cp < 0x20 || cp === 0x7f) return "\\x" + hex[cp >> 4] + hex[cp & 15];
  if (cp >= 0xd800 && cp <= 0xdfff) return "\\ufffd";
  if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
  return "\\U" + cp.toString(16).padStart(8, "0");
}

/** strconv.Quote (asciiOnly: QuoteToASCII). */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, 0x22, asciiOnly);
  return out + '"';
}

/** strconv.QuoteRune (asciiOnly: QuoteRuneToASCII). */
export function quoteRune(cp: number, asciiOnly = false): string {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp < 0) cp = 0xfffd;
  return "'" + escapeRune(cp, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote: a raw string literal can hold s unchanged. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x60 || cp === 0xfeff) return false;
    if (cp < 0x20 && cp !== 9) return false;
    if (cp === 0x7f) return false;
  }
  return true;
}

export class UnquoteError extends Error {}

const simpleEscapes: Record<string, string> = {
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\\": "\\",
};

/** strconv.UnquoteChar: one (possibly escaped) character from s at i; returns it and the next index. */
export function unquoteChar(s: string, i: number, quote: string): [string, number] {
  const c = s[i];
  if (c === undefined) throw new UnquoteError("invalid syntax");
  if (c === quote && (quote === "'" || quote === '"')) throw new UnquoteError("invalid syntax");
  if (c !== "\\") {
    const cp = s.codePointAt(i)!;
    return [String.fromCodePoint(cp), i + (cp > 0xffff ? 2 : 1)];
  }
  const e = s[i + 1];
  if (e === undefined) throw new UnquoteError("invalid syntax");
  if (e in simpleEscapes) return [simpleEscapes[e]!, i + 2];
  if (e === "'" || e === '"') {
    if (e !== quote) throw new UnquoteError("invalid syntax");
    return [e, i + 2];
  }
  const hexLen = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
  if (hexLen) {
    const digits = s.slice(i + 2, i + 2 + hexLen);
    if (digits.length !== hexLen || !/^[0-9a-fA-F]+$/.test(digits)) throw new UnquoteError("invalid syntax");
    const v = parseInt(digits, 16);
    if (e === "x") return [String.fromCharCode(v), i + 2 + hexLen];
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new UnquoteError("invalid syntax");
    return [String.fromCodePoint(v), i + 2 + hexLen];
  }
  if (e >= "0" && e <= "7") {
    const digits = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(digits)) throw new UnquoteError("invalid syntax");
    const v = parseInt(digits, 8);
    if (v > 255) throw new UnquoteError("invalid syntax");
    return [String.fromCharCode(v), i + 4];
  }
  throw new UnquoteError("invalid syntax");
}

/** strconv.Unquote for "…" and `…` literals. */
export function unquote(lit: string): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q) throw new UnquoteError("invalid syntax");
  const body = lit.slice(1, -1);
  if (q === "`") {
    if (body.includes("`")) throw new UnquoteError("invalid syntax");
    return body.replace(/\r/g, "");
  }
  if (q !== '"') throw new UnquoteError("invalid syntax");
  if (!body.includes("\\") && !body.includes('"') && !body.includes("\n")) return body;
  let out = "";
  for (let i = 0; i < body.length; ) {
    if (body[i] === "\n") throw new UnquoteError("invalid syntax");
    const [ch, next] = unquoteChar(body, i, '"');
    out += ch;
    i = next;
  }
  return out;
}
