/**
 * Lexer for Go text/template: text between actions, and the tokens inside `{{ }}` with Go's
 * trim markers (`{{- ` and ` -}}`) and comments.
 */
export type TokKind =
  | "text"
  | "open"
  | "close"
  | "ident"
  | "field"
  | "var"
  | "string"
  | "char"
  | "number"
  | "pipe"
  | "lparen"
  | "rparen"
  | "declare"
  | "assign"
  | "comma"
  | "dot"
  | "eof";

export interface Tok {
  kind: TokKind;
  value: string;
  /** Offset in the source. */
  pos: number;
}

export class LexError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
  }
}

const isSpace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n";
const isAlnum = (c: string) => /[A-Za-z0-9_]/.test(c);

export function lex(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const open = src.indexOf("{{", i);
    if (open < 0) {
      toks.push({ kind: "text", value: src.slice(i), pos: i });
      break;
    }
    let textEnd = open;
    let inner = open + 2;
    const trimLeft = src[inner] === "-" && isSpace(src[inner + 1] ?? "");
    if (trimLeft) {
      inner += 2;
      while (textEnd > i && isSpace(src[textEnd - 1]!)) textEnd--;
    }
    if (textEnd > i) toks.push({ kind: "text", value: src.slice(i, textEnd), pos: i });
    i = lexAction(src, inner, open, toks);
  }
  toks.push({ kind: "eof", value: "", pos: src.length });
  return toks;
}

/** Lexes one action starting after `{{` (and its trim marker); returns the offset after `}}`. */
function lexAction(src: string, start: number, openPos: number, toks: Tok[]): number {
  let i = start;
  // Comments: {{/* ... */}} with optional trims around.
  // Go only reads a comment right after the delimiter (or after its "- " trim marker).
  const j = i;
  if (src.startsWith("/*", j)) {
    const end = src.indexOf("*/", j + 2);
    if (end < 0) throw new LexError("unclosed comment", openPos);
    let k = end + 2;
    while (isSpace(src[k] ?? "")) k++;
    let trimRight = false;
    if (src[k] === "-" && src.startsWith("}}", k + 1) && isSpace(src[k - 1] ?? "")) {
      trimRight = true;
      k++;
    }
    if (!src.startsWith("}}", k)) throw new LexError("comment ends before closing delimiter", end);
    return afterClose(src, k + 2, trimRight);
  }
  toks.push({ kind: "open", value: "{{", pos: openPos });
  let depth = 0;
  for (;;) {
    if (i >= src.length) throw new LexError("unclosed action", openPos);
    const c = src[i]!;
    if (c === "-" && src.startsWith("}}", i + 1) && isSpace(src[i - 1] ?? "")) {
      toks.push({ kind: "close", value: "}}", pos: i });
      return afterClose(src, i + 3, true);
    }
    if (c === "}" && src[i + 1] === "}") {
      if (depth > 0) throw new LexError("unclosed left paren", i);
      toks.push({ kind: "close", value: "}}", pos: i });
      return i + 2;
    }
    if (isSpace(c)) {
      if (c === "\n" && false) throw new LexError("newline in action", i);
      i++;
      continue;
    }
    const pos = i;
    if (c === "|") {
      toks.push({ kind: "pipe", value: "|", pos });
      i++;
    } else if (c === "(") {
      depth++;
      toks.push({ kind: "lparen", value: "(", pos });
      i++;
    } else if (c === ")") {
      depth--;
      if (depth < 0) throw new LexError("unexpected right paren", i);
      toks.push({ kind: "rparen", value: ")", pos });
      i++;
    } else if (c === ",") {
      toks.push({ kind: "comma", value: ",", pos });
      i++;
    } else if (c === ":" && src[i + 1] === "=") {
      toks.push({ kind: "declare", value: ":=", pos });
      i += 2;
    } else if (c === "=") {
      toks.push({ kind: "assign", value: "=", pos });
      i++;
    } else if (c === '"') {
      let k = i + 1;
      while (k < src.length && src[k] !== '"') {
        if (src[k] === "\\") k++;
        if (src[k] === "\n") throw new LexError("unterminated quoted string", pos);
        k++;
      }
      if (k >= src.length) throw new LexError("unterminated quoted string", pos);
      toks.push({ kind: "string", value: src.slice(i, k + 1), pos });
      i = k + 1;
    } else if (c === "`") {
      const k = src.indexOf("`", i + 1);
      if (k < 0) throw new LexError("unterminated raw quoted string", pos);
      toks.push({ kind: "string", value: src.slice(i, k + 1), pos });
      i = k + 1;
    } else if (c === "'") {
      let k = i + 1;
      while (k < src.length && src[k] !== "'") {
        if (src[k] === "\\") k++;
        k++;
      }
      toks.push({ kind: "char", value: src.slice(i, k + 1), pos });
      i = k + 1;
    } else if (c === "$") {
      let k = i + 1;
      while (k < src.length && isAlnum(src[k]!)) k++;
      toks.push({ kind: "var", value: src.slice(i, k), pos });
      i = k;
    } else if (c === ".") {
      if (/[0-9]/.test(src[i + 1] ?? "")) {
        i = lexNumber(src, i, toks);
        continue;
      }
      let k = i + 1;
      if (!isAlnum(src[k] ?? "")) {
        toks.push({ kind: "dot", value: ".", pos });
        i++;
        continue;
      }
      while (k < src.length && isAlnum(src[k]!)) k++;
      toks.push({ kind: "field", value: src.slice(i, k), pos });
      i = k;
    } else if (/[0-9+-]/.test(c)) {
      i = lexNumber(src, i, toks);
    } else if (/[A-Za-z_]/.test(c)) {
      let k = i;
      while (k < src.length && isAlnum(src[k]!)) k++;
      toks.push({ kind: "ident", value: src.slice(i, k), pos });
      i = k;
    } else {
      throw new LexError(`unexpected ${JSON.stringify(c)} in command`, i);
    }
  }
}

function lexNumber(src: string, i: number, toks: Tok[]): number {
  const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(src.slice(i));
  const text = m?.[0] ?? "";
  if (!text || text === "+" || text === "-") throw new LexError(`bad number syntax: ${JSON.stringify(src.slice(i, i + 8))}`, i);
  if (isAlnum(src[i + text.length] ?? "")) throw new LexError(`bad number syntax: ${JSON.stringify(src.slice(i, i + text.length + 1))}`, i);
  toks.push({ kind: "number", value: text, pos: i });
  return i + text.length;
}

function afterClose(src: string, i: number, trimRight: boolean): number {
  if (trimRight) while (i < src.length && isSpace(src[i]!)) i++;
  return i;
}
