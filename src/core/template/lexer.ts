/**
 * Tokenizer for Go template text: text runs, `{{ }}` actions with `-` trim markers, comments,
 * and the tokens inside actions. Errors become an error token, as in Go, so the parser reports
 * them where it meets them.
 */

export enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // Keywords sort after this marker, as Go's item types do.
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  type: T;
  pos: number;
  val: string;
}

const keywords: Record<string, T> = {
  ".": T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  nil: T.Nil,
  range: T.Range,
  template: T.Template,
  with: T.With,
};

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t" || c === "\r" || c === "\n";
const letterOrDigit = /[\p{L}\p{Nd}_]/u;
function isAlphaNumeric(c: string | undefined): boolean {
  if (c === undefined) return false;
  const x = c.charCodeAt(0);
  // ASCII answers directly: the Unicode-class regex costs a compile on a CLI's cold start.
  if (x < 0x80) return (x >= 0x61 && x <= 0x7a) || (x >= 0x41 && x <= 0x5a) || (x >= 0x30 && x <= 0x39) || x === 0x5f;
  return letterOrDigit.test(c);
}
const printableAscii = (c: string): boolean => c.length === 1 && c >= " " && c <= "~";

const trimLeftLen = (s: string, from: number): number => {
  let i = from;
  while (isSpace(s[i])) i++;
  return i - from;
};

/** Formats a code point like Go's %#U: U+0023 '#'. */
export function describeRune(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  return `U+${cp.toString(16).toUpperCase().padStart(4, "0")} '${c}'`;
}

/** Lexes the whole input up front; the token list ends with EOF or one Error item. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const emit = (type: T): void => {
    items.push({ type, pos: start, val: input.slice(start, pos) });
    start = pos;
  };
  const fail = (msg: string): false => {
    items.push({ type: T.Error, pos: start, val: msg });
    return false;
  };
  const hasLeftTrim = (at: number): boolean => input[at] === "-" && isSpace(input[at + 1]);
  const hasRightTrim = (at: number): boolean => isSpace(input[at]) && input[at + 1] === "-";
  const atRightDelim = (): [boolean, boolean] => {
    if (hasRightTrim(pos) && input.startsWith("}}", pos + 2)) return [true, true];
    return [input.startsWith("}}", pos), false];
  };
  /** A rune from the input; JS strings are UTF-16, so astral characters take two units. */
  const runeAt = (at: number): string | undefined => {
    const cp = input.codePointAt(at);
    return cp === undefined ? undefined : String.fromCodePoint(cp);
  };
  const atTerminator = (): boolean => {
    const c = input[pos];
    if (c === undefined || isSpace(c)) return true;
    if (c === "." || c === "," || c === "|" || c === ":" || c === ")" || c === "(") return true;
    return input.startsWith("}}", pos);
  };

  // Returns false once an error item ends the stream.
  const lexText = (): boolean => {
    const x = input.indexOf("{{", pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit(T.Text);
      items.push({ type: T.EOF, pos, val: "" });
      return false;
    }
    if (x > pos || x > start) {
      pos = x;
      let end = pos;
      if (hasLeftTrim(pos + 2)) while (end > start && isSpace(input[end - 1])) end--;
      if (end > start) items.push({ type: T.Text, pos: start, val: input.slice(start, end) });
      start = pos;
    }
    return lexLeftDelim();
  };

  const lexLeftDelim = (): boolean => {
    pos += 2;
    const trim = hasLeftTrim(pos);
    const after = trim ? 2 : 0;
    if (input.startsWith("/*", pos + after)) {
      pos += after;
      start = pos;
      return lexComment();
    }
    emit(T.LeftDelim);
    pos += after;
    start = pos;
    parenDepth = 0;
    return lexInsideAction();
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf("*/", pos);
    if (x < 0) return fail("unclosed comment");
    pos = x + 2;
    const [delim, trim] = atRightDelim();
    if (!delim) return fail("comment ends before closing delimiter");
    if (trim) pos += 2;
    pos += 2;
    if (trim) pos += trimLeftLen(input, pos);
    start = pos;
    return true;
  };

  const lexRightDelim = (trim: boolean): void => {
    if (trim) {
      pos += 2;
      start = pos;
    }
    pos += 2;
    emit(T.RightDelim);
    if (trim) {
      pos += trimLeftLen(input, pos);
      start = pos;
    }
  };

  const lexInsideAction = (): boolean => {
    for (;;) {
      const [delim, trim] = atRightDelim();
      if (delim) {
        if (parenDepth === 0) {
          lexRightDelim(trim);
          return true;
        }
        return fail("unclosed left paren");
      }
      const c = runeAt(pos);
      if (c === undefined) return fail("unclosed action");
      if (isSpace(c)) {
        while (isSpace(input[pos])) pos++;
        // " -}}" belongs to the delimiter when the space before it is the only one.
        if (hasRightTrim(pos - 1) && input.startsWith("}}", pos + 1)) {
          pos--;
          if (pos === start) continue;
        }
        emit(T.Space);
        continue;
      }
      pos += c.length;
      if (c === "=") emit(T.Assign);
      else if (c === ":") {
        if (input[pos] !== "=") return fail("expected :=");
        pos++;
        emit(T.Declare);
      } else if (c === "|") emit(T.Pipe);
      else if (c === '"') {
        if (!lexQuote()) return false;
      } else if (c === "`") {
        const end = input.indexOf("`", pos);
        if (end < 0) return fail("unterminated raw quoted string");
        pos = end + 1;
        emit(T.RawString);
      } else if (c === "$") {
        if (!lexFieldOrVariable(T.Variable)) return false;
      } else if (c === "'") {
        if (!lexChar()) return false;
      } else if (c === "." && !(input[pos]! >= "0" && input[pos]! <= "9")) {
        if (!lexFieldOrVariable(T.Field)) return false;
      } else if (c === "." || c === "+" || c === "-" || (c >= "0" && c <= "9")) {
        pos--;
        if (!lexNumber()) return false;
      } else if (isAlphaNumeric(c)) {
        pos -= c.length;
        if (!lexIdentifier()) return false;
      } else if (c === "(") {
        parenDepth++;
        emit(T.LeftParen);
      } else if (c === ")") {
        parenDepth--;
        if (parenDepth < 0) return fail("unexpected right paren");
        emit(T.RightParen);
      } else if (printableAscii(c)) emit(T.Char);
      else return fail(`unrecognized character in action: ${describeRune(c)}`);
    }
  };

  const scanAlnum = (): string | undefined => {
    for (;;) {
      const r = runeAt(pos);
      if (!isAlphaNumeric(r)) return r;
      pos += r!.length;
    }
  };

  const lexIdentifier = (): boolean => {
    const r = scanAlnum();
    if (!atTerminator()) return fail(`bad character ${describeRune(r ?? "")}`);
    const word = input.slice(start, pos);
    const kw = Object.hasOwn(keywords, word) ? keywords[word] : undefined;
    if (kw !== undefined) emit(kw);
    else if (word === "true" || word === "false") emit(T.Bool);
    else emit(T.Identifier);
    return true;
  };

  const lexFieldOrVariable = (type: T): boolean => {
    if (atTerminator()) {
      emit(type === T.Variable ? T.Variable : T.Dot);
      return true;
    }
    const r = scanAlnum();
    if (!atTerminator()) return fail(`bad character ${describeRune(r ?? "")}`);
    emit(type);
    return true;
  };

  const lexQuote = (): boolean => {
    for (;;) {
      const c = input[pos++];
      if (c === "\\") {
        const n = input[pos++];
        if (n !== undefined && n !== "\n") continue;
        return fail("unterminated quoted string");
      }
      if (c === undefined || c === "\n") return fail("unterminated quoted string");
      if (c === '"') break;
    }
    emit(T.String);
    return true;
  };

  const lexChar = (): boolean => {
    for (;;) {
      const c = input[pos++];
      if (c === "\\") {
        const n = input[pos++];
        if (n !== undefined && n !== "\n") continue;
        return fail("unterminated character constant");
      }
      if (c === undefined || c === "\n") return fail("unterminated character constant");
      if (c === "'") break;
    }
    emit(T.CharConstant);
    return true;
  };

  const accept = (valid: string): boolean => {
    const c = input[pos];
    if (c !== undefined && valid.includes(c)) {
      pos++;
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };

  const scanNumber = (): boolean => {
    accept("+-");
    let digits = "0123456789_";
    if (accept("0")) {
      if (accept("xX")) digits = "0123456789abcdefABCDEF_";
      else if (accept("oO")) digits = "01234567_";
      else if (accept("bB")) digits = "01_";
    }
    acceptRun(digits);
    if (accept(".")) acceptRun(digits);
    if (digits.length === 11 && accept("eE")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    if (digits.length === 23 && accept("pP")) {
      accept("+-");
      acceptRun("0123456789_");
    }
    accept("i");
    if (isAlphaNumeric(runeAt(pos))) {
      pos += runeAt(pos)!.length;
      return false;
    }
    return true;
  };

  const lexNumber = (): boolean => {
    if (!scanNumber()) return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
    const sign = input[pos];
    if (sign === "+" || sign === "-") {
      if (!scanNumber() || input[pos - 1] !== "i")
        return fail(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
      emit(T.Complex);
      return true;
    }
    emit(T.Number);
    return true;
  };

  while (lexText());
  return items;
}
