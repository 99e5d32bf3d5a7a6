/**
 * Go (RE2) regular expression syntax to an equivalent JavaScript RegExp source (used with the
 * `u` flag). Handles the differences that matter in templates: \A \z, ASCII-only \s, inline
 * and scoped flags (?i) (?s) (?m) (?U), (?P<name>…), POSIX classes, \Q…\E, \x{…}, and literal
 * braces. Syntax Go rejects (backreferences, lookaround) is rejected with Go's wording.
 */

export class RegexSyntaxError extends Error {}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const posix: Record<string, string> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7f",
  blank: "\\t ",
  cntrl: "\\x00-\\x1f\\x7f",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const perl: Record<string, string> = { d: "0-9", s: "\\t\\n\\f\\r ", w: "0-9A-Za-z_" };
const controlEscapes: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
const syntaxChars = new Set("\\^$.*+?()[]{}|/".split(""));

/** A literal code point, escaped so it is valid in a `u`-mode pattern (where `\\-` is legal only in a class). */
function lit(cp: number, inClass = false): string {
  const ch = String.fromCodePoint(cp);
  if (syntaxChars.has(ch) || (inClass && ch === "-")) return "\\" + ch;
  if (cp < 0x20 || cp === 0x7f) return "\\x" + cp.toString(16).padStart(2, "0");
  return ch;
}

/** The code points a case-insensitive match of cp accepts (simple case folding). */
function caseVariants(cp: number): number[] {
  const ch = String.fromCodePoint(cp);
  const set = new Set([cp]);
  for (const v of [ch.toLowerCase(), ch.toUpperCase()]) if (Array.from(v).length === 1) set.add(v.codePointAt(0)!);
  if (cp === 0x6b || cp === 0x4b) set.add(0x212a);
  if (cp === 0x73 || cp === 0x53) set.add(0x17f);
  return [...set];
}

function unicodeClass(name: string, negated: boolean): string {
  let neg = negated;
  if (name.startsWith("^")) {
    name = name.slice(1);
    neg = !neg;
  }
  if (name === "Any") return neg ? "[^\\s\\S]" : "[\\s\\S]";
  if (!/^[A-Za-z_]+$/.test(name)) throw new RegexSyntaxError(`invalid character class range: \`\\p{${name}}\``);
  const p = neg ? "\\P" : "\\p";
  return /^[A-Z][a-z]?$/.test(name) ? `${p}{${name}}` : `${p}{Script=${name}}`;
}

/** One class or escape item: a single code point, or ready-made class text. */
type Atom = { cp: number } | { raw: string; negRaw?: string };

export interface Translated {
  source: string;
  flags: string;
}

export function translate(pattern: string): Translated {
  const cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  let i = 0;
  let out = "";
  let depth = 0;
  const stack: Flags[] = [];
  let f: Flags = { i: false, m: false, s: false, U: false };
  // A leading (?i) becomes the JS i flag, which folds case the way Go does.
  let globalI = false;
  let canRepeat = false;
  const fail = (msg: string): never => {
    throw new RegexSyntaxError(msg);
  };
  const ch = (k = 0): string | undefined => (i + k < cps.length ? String.fromCodePoint(cps[i + k]!) : undefined);
  const restText = (n = 24): string => String.fromCodePoint(...cps.slice(i, i + n));

  const foldI = (): boolean => f.i && !globalI;
  const literal = (cp: number, inClass: boolean): string => {
    const vs = foldI() ? caseVariants(cp) : [cp];
    if (vs.length === 1) return lit(cp, inClass);
    const set = vs.map((v) => lit(v, true)).join("");
    return inClass ? set : `[${set}]`;
  };

  /** At i: just after a backslash. */
  const escape = (inClass: boolean): Atom => {
    const c = ch() ?? fail("trailing backslash at end of expression: ``");
    i++;
    if (c in controlEscapes) return { cp: controlEscapes[c]! };
    if (c in perl) return { raw: perl[c]! };
    if (c.toLowerCase() in perl && c !== c.toLowerCase()) return { raw: "", negRaw: perl[c.toLowerCase()]! };
    if (c === "p" || c === "P") {
      let name: string;
      if (ch() === "{") {
        const end = cps.indexOf(0x7d, i);
        if (end < 0) fail(`invalid character class range: \`\\${c}{\``);
        name = String.fromCodePoint(...cps.slice(i + 1, end));
        i = end + 1;
      } else {
        name = ch() ?? fail(`invalid character class range: \`\\${c}\``);
        i++;
      }
      return { raw: unicodeClass(name, c === "P") };
    }
    if (c === "x") {
      let hex: string;
      if (ch() === "{") {
        const end = cps.indexOf(0x7d, i);
        if (end < 0) fail("invalid escape sequence: `\\x{`");
        hex = String.fromCodePoint(...cps.slice(i + 1, end));
        i = end + 1;
      } else {
        hex = (ch() ?? "") + (ch(1) ?? "");
        i += 2;
      }
      if (!/^[0-9a-fA-F]{1,8}$/.test(hex) || parseInt(hex, 16) > 0x10ffff)
        fail(`invalid escape sequence: \`\\x${hex}\``);
      return { cp: parseInt(hex, 16) };
    }
    if (c >= "0" && c <= "7") {
      const isOct = (x: string | undefined): boolean => x !== undefined && x >= "0" && x <= "7";
      if (c !== "0" && !isOct(ch())) fail(`invalid escape sequence: \`\\${c}\``);
      let digits = c;
      while (digits.length < 3 && isOct(ch())) {
        digits += ch();
        i++;
      }
      return { cp: parseInt(digits, 8) };
    }
    if (!inClass && c === "A") return { raw: "^" };
    if (!inClass && c === "z") return { raw: "$" };
    if (!inClass && (c === "b" || c === "B")) return { raw: "\\" + c };
    const cp = c.codePointAt(0)!;
    if (cp < 0x80 && !/[0-9A-Za-z]/.test(c)) return { cp };
    return fail(`invalid escape sequence: \`\\${c}\``);
  };

  /** At i: inside a class, the next item (a POSIX class, an escape or a character). */
  const classAtom = (): Atom => {
    if (ch() === "[" && ch(1) === ":") {
      const m = /^\[:(\^?)([a-z]+):\]/.exec(restText());
      if (m && Object.hasOwn(posix, m[2]!)) {
        i += m[0].length;
        if (m[1]) return { raw: "", negRaw: posix[m[2]!]! };
        return { raw: posix[m[2]!]! };
      }
    }
    if (ch() === "\\") {
      i++;
      return escape(true);
    }
    return { cp: cps[i++]! };
  };

  const parseClass = (): string => {
    let neg = false;
    if (ch() === "^") {
      neg = true;
      i++;
    }
    const start = i;
    let body = "";
    const negParts: string[] = [];
    for (;;) {
      if (ch() === undefined) fail(`missing closing ]: \`[${String.fromCodePoint(...cps.slice(start))}\``);
      if (ch() === "]" && i > start) {
        i++;
        break;
      }
      const a = classAtom();
      if (!("cp" in a)) {
        if (a.negRaw !== undefined) negParts.push(a.negRaw);
        else body += a.raw.startsWith("[") ? a.raw.slice(1, -1) : a.raw;
        continue;
      }
      if (ch() === "-" && ch(1) !== "]" && ch(1) !== undefined) {
        i++;
        const b = classAtom();
        if (!("cp" in b)) return fail(`invalid character class range: \`${String.fromCodePoint(a.cp)}-\``);
        if (b.cp < a.cp)
          fail(`invalid character class range: \`${String.fromCodePoint(a.cp)}-${String.fromCodePoint(b.cp)}\``);
        body += lit(a.cp, true) + "-" + lit(b.cp, true);
        if (foldI()) {
          if (a.cp >= 0x61 && b.cp <= 0x7a) body += lit(a.cp - 32, true) + "-" + lit(b.cp - 32, true);
          else if (a.cp >= 0x41 && b.cp <= 0x5a) body += lit(a.cp + 32, true) + "-" + lit(b.cp + 32, true);
        }
        continue;
      }
      body += literal(a.cp, true);
    }
    if (negParts.length === 0) return `[${neg ? "^" : ""}${body}]`;
    // [\D…] and [[:^alpha:]…]: a union with complemented sets, spelled with lookahead.
    const alts = [body ? `[${body}]` : "", ...negParts.map((p) => `[^${p}]`)].filter(Boolean);
    const union = `(?:${alts.join("|")})`;
    return neg ? `(?:(?!${union})[\\s\\S])` : union;
  };

  const repeatOp = (): string | null => {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(restText(24));
    if (!m) return null;
    const lo = Number(m[1]);
    const hi = m[2] && m[3] === "" ? lo : m[3] ? Number(m[3]) : lo;
    if (lo > 1000 || hi > 1000 || hi < lo) fail(`invalid repeat count: \`${m[0]}\``);
    i += m[0].length;
    return m[0];
  };

  const group = (open: string): void => {
    stack.push(f);
    depth++;
    out += open;
    canRepeat = false;
  };

  /** At i: just after "(?" that is neither a name nor ":"; flags like (?i) or (?i-s:. */
  const flagGroup = (): void => {
    const nf = { ...f };
    let neg = false;
    let saw = false;
    for (;;) {
      const c = ch() ?? fail("missing closing ): `" + pattern + "`");
      i++;
      if (c === "-") {
        if (neg) break;
        neg = true;
        continue;
      }
      if (c === "i" || c === "m" || c === "s" || c === "U") {
        nf[c] = !neg;
        saw = true;
        continue;
      }
      if ((c === ")" || c === ":") && saw) {
        if (c === ":") {
          group("(?:");
          f = nf;
          return;
        }
        if (out === "" && depth === 0 && nf.i && !f.i) globalI = true;
        f = nf;
        canRepeat = false;
        return;
      }
      i--;
      break;
    }
    fail(`invalid or unsupported Perl syntax: \`(?${ch() ?? ""}\``);
  };

  while (i < cps.length) {
    const c = ch()!;
    if (c === "\\" && ch(1) === "Q") {
      i += 2;
      const rest = String.fromCodePoint(...cps.slice(i));
      const end = rest.indexOf("\\E");
      const text = end < 0 ? rest : rest.slice(0, end);
      for (const t of text) out += literal(t.codePointAt(0)!, false);
      i += Array.from(text).length + (end < 0 ? 0 : 2);
      canRepeat = text.length > 0;
      continue;
    }
    switch (c) {
      case "(":
        i++;
        if (ch() !== "?") {
          group("(");
          continue;
        }
        i++;
        if (ch() === "P" && ch(1) === "<") i++;
        if (ch() === "<" && ch(1) !== "=" && ch(1) !== "!") {
          const end = cps.indexOf(0x3e, i);
          const name = end < 0 ? "" : String.fromCodePoint(...cps.slice(i + 1, end));
          if (!/^[A-Za-z0-9_]+$/.test(name)) fail(`invalid named capture: \`(?P<${name}>\``);
          i = end + 1;
          group(`(?<${name}>`);
          continue;
        }
        if (ch() === ":") {
          i++;
          group("(?:");
          continue;
        }
        flagGroup();
        continue;
      case ")":
        if (depth === 0) fail(`unexpected ): \`${pattern}\``);
        depth--;
        f = stack.pop()!;
        out += ")";
        i++;
        canRepeat = true;
        continue;
      case "[":
        i++;
        out += parseClass();
        canRepeat = true;
        continue;
      case "*":
      case "+":
      case "?":
      case "{": {
        let op: string | null = c;
        if (c === "{") op = repeatOp();
        else i++;
        if (op === null) {
          i++;
          out += lit(0x7b);
          canRepeat = true;
          continue;
        }
        if (!canRepeat) fail(`missing argument to repetition operator: \`${op}\``);
        let lazy = false;
        if (ch() === "?") {
          lazy = true;
          i++;
        }
        const next = ch();
        if (next === "*" || next === "+" || next === "?" || (next === "{" && /^\{\d+(,\d*)?\}/.test(restText()))) {
          fail(`invalid nested repetition operator: \`${op}${lazy ? "?" : ""}${next}\``);
        }
        out += op + (lazy !== f.U ? "?" : "");
        canRepeat = false;
        continue;
      }
      case "|":
        out += "|";
        i++;
        canRepeat = false;
        continue;
      case ".":
        out += f.s ? "[\\s\\S]" : "[^\\n]";
        i++;
        canRepeat = true;
        continue;
      case "^":
        out += f.m ? "(?:^|(?<=\\n))" : "^";
        i++;
        canRepeat = false;
        continue;
      case "$":
        out += f.m ? "(?=\\n|$)" : "$";
        i++;
        canRepeat = false;
        continue;
      case "\\": {
        i++;
        const a = escape(false);
        if ("cp" in a) {
          out += literal(a.cp, false);
          canRepeat = true;
        } else if (a.negRaw !== undefined) {
          out += `[^${a.negRaw}]`;
          canRepeat = true;
        } else {
          out +=
            a.raw.startsWith("\\p") || a.raw.startsWith("\\P") || a.raw.startsWith("[")
              ? a.raw
              : /^[\^$]$|^\\[bB]$/.test(a.raw)
                ? a.raw
                : `[${a.raw}]`;
          canRepeat = !/^[\^$]$|^\\[bB]$/.test(a.raw);
        }
        continue;
      }
    }
    out += literal(cps[i]!, false);
    i++;
    canRepeat = true;
  }
  if (depth > 0) fail(`missing closing ): \`${pattern}\``);
  return { source: out, flags: "u" + (globalI ? "i" : "") };
}
