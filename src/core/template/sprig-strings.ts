/** Sprig's string functions. Go strings are bytes, so trunc, substr and friends count bytes. */
import { ANY, def } from "./args.ts";
import { checkSize } from "./limits.ts";
import { formatValue, sprintf } from "./printf.ts";
import { camelCase, snakeOrKebab } from "./strings-case.ts";
import {
  isLower,
  isSpace,
  isTitle,
  isUpper,
  isLetter,
  isNumber,
  replaceAllGo,
  splitGo,
  toLower,
  toLowerRune,
  toUpper,
  toUpperRune,
  trimCutset,
  trimSpace,
} from "./unicode.ts";
import {
  byteSlice,
  FuncError,
  fromUtf8,
  GoObject,
  type GoFunc,
  newMap,
  tagged,
  utf8Bytes,
  utf8Length,
} from "./values.ts";

/** Sprig's strval: strings as they are, Stringers via String(), everything else via %v. */
export function strval(v: unknown): string {
  if (typeof v === "string") return v;
  if (v instanceof GoObject) return v.toString();
  return formatValue(v === undefined ? null : v);
}

/** Sprig's strslice: a list of strings from any list (nil elements dropped) or one value. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) {
    // A running total: a list may hold the same big value many times over.
    let n = 0;
    return v
      .filter((x) => x !== null && x !== undefined)
      .map((x) => {
        const s = strval(x);
        checkSize((n += s.length), "list of strings");
        return s;
      });
  }
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

const stringList = (xs: string[]): string[] => tagged(xs, "[]string");

function trunc(c: bigint, s: string): string {
  const n = utf8Length(s);
  const k = Number(c);
  if (k < 0 && n + k > 0) return byteSlice(s, n + k);
  if (k >= 0 && n > k) return byteSlice(s, 0, k);
  return s;
}

function sliceBounds(s: string, start: number, end: number): string {
  const n = utf8Length(s);
  if (end > n) throw new FuncError(`runtime error: slice bounds out of range [:${end}] with length ${n}`);
  if (start > end) throw new FuncError(`runtime error: slice bounds out of range [${start}:${end}]`);
  return byteSlice(s, start, end);
}

function substr(start: bigint, end: bigint, s: string): string {
  const [a, b] = [Number(start), Number(end)];
  const n = utf8Length(s);
  if (a < 0) return sliceBounds(s, 0, b);
  if (b < 0 || b > n) return sliceBounds(s, a, n);
  return sliceBounds(s, a, b);
}

function abbreviate(str: string, offset: number, maxWidth: number): string {
  if (str === "") return "";
  if (maxWidth < 4) throw new FuncError("stringutils illegal argument: Minimum abbreviation width is 4");
  const n = utf8Length(str);
  if (n <= maxWidth) return str;
  if (offset > n) offset = n;
  if (n - offset < maxWidth - 3) offset = n - (maxWidth - 3);
  if (offset <= 4) return byteSlice(str, 0, maxWidth - 3) + "...";
  if (maxWidth < 7) throw new FuncError("stringutils illegal argument: Minimum abbreviation width with offset is 7");
  if (offset + maxWidth - 3 < n) return "..." + abbreviate(byteSlice(str, offset), 0, maxWidth - 3);
  return "..." + byteSlice(str, n - (maxWidth - 3));
}

const swallow = (f: () => string): string => {
  try {
    return f();
  } catch {
    return "";
  }
};

/** strings.Title: upper-cases letters that start words. */
function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const ch of s) {
    out += isSeparator(prev) ? toUpperRune(ch) : ch;
    prev = ch;
  }
  return out;
}

function isSeparator(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  if (c <= 0x7f) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f) return false;
    return true;
  }
  if (isLetter(ch) || isNumber(ch)) return false;
  return isSpace(ch);
}

function untitle(s: string): string {
  let next = true;
  let out = "";
  for (const ch of s) {
    if (isSpace(ch)) next = true;
    else if (next) {
      out += toLowerRune(ch);
      next = false;
      continue;
    }
    out += ch;
  }
  return out;
}

/** goutils.SwapCase; its title-casing of word starts equals upper-casing for all but digraphs. */
function swapcase(s: string): string {
  let out = "";
  for (const ch of s) out += isUpper(ch) || isTitle(ch) ? toLowerRune(ch) : isLower(ch) ? toUpperRune(ch) : ch;
  return out;
}

/** goutils works on bytes here and writes each kept byte back as a Latin-1 rune. */
function byteRunes(s: string, keep: (ch: string, i: number) => boolean): string {
  let out = "";
  utf8Bytes(s).forEach((b, i) => {
    const ch = String.fromCharCode(b);
    if (keep(ch, i)) out += ch;
  });
  return out;
}

function nospace(s: string): string {
  const bytes = utf8Bytes(s);
  if (!bytes.some((b) => isSpace(String.fromCharCode(b)))) return s;
  return byteRunes(s, (ch) => !isSpace(ch));
}

function initials(s: string): string {
  let gap = true;
  return byteRunes(s, (ch) => {
    if (isSpace(ch)) {
      gap = true;
      return false;
    }
    const take = gap;
    gap = false;
    return take;
  });
}

function wrapCustom(str: string, width: number, newline: string, wrapLong: boolean): string {
  if (str === "") return "";
  if (newline === "") newline = "\n";
  if (width < 1) width = 1;
  // At most one newline per `width` bytes of input.
  if (newline.length > 1) checkSize(str.length + Math.ceil(str.length / width) * newline.length, "wrapped string");
  const b = utf8Bytes(str);
  const sp = 0x20;
  const part = (x: number, y: number): string => fromUtf8(b.subarray(x, y));
  let offset = 0;
  let out = "";
  while (b.length - offset > width) {
    if (b[offset] === sp) {
      offset++;
      continue;
    }
    const window = b.subarray(offset, Math.min(width + offset + 1, b.length));
    const at = window.lastIndexOf(sp) + offset;
    if (at >= offset) {
      out += part(offset, at) + newline;
      offset = at + 1;
    } else if (wrapLong) {
      out += part(offset, offset + width) + newline;
      offset += width;
    } else {
      const idx = b.subarray(width + offset).indexOf(sp);
      if (idx === -1) {
        out += part(offset, b.length);
        offset = b.length;
      } else {
        const at2 = idx + width + offset;
        out += part(offset, at2) + newline;
        offset = at2 + 1;
      }
    }
  }
  return out + part(offset, b.length);
}

function indent(spaces: bigint, v: string): string {
  const n = Math.max(0, Number(spaces));
  checkSize(v.length + n * (count(v, "\n") + 1), "indented string");
  const pad = " ".repeat(n);
  return pad + v.replaceAll("\n", "\n" + pad);
}

function repeat(times: bigint, s: string): string {
  if (times < 0n) throw new FuncError("strings: negative Repeat count");
  checkSize(Number(times) * s.length, "repeat");
  return s.repeat(Number(times));
}

/** Non-overlapping occurrences of `sub` (Go's strings.Count; "" occurs between every rune). */
function count(s: string, sub: string): number {
  if (sub === "") return Array.from(s).length + 1;
  let n = 0;
  for (let i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function replace(old: string, repl: string, s: string): string {
  if (repl.length > old.length) checkSize(s.length + count(s, old) * (repl.length - old.length), "replace");
  return replaceAllGo(s, old, repl);
}

/**
 * Formats and joins with a running total, so many references to one big value cannot multiply
 * it: the check comes before the next piece is built.
 */
function joinBounded<T>(xs: T[], sep: string, what: string, f: (x: T) => string = String): string {
  const parts: string[] = [];
  let n = 0;
  for (const x of xs) {
    const p = f(x);
    n += p.length + (parts.length ? sep.length : 0);
    checkSize(n, what);
    parts.push(p);
  }
  return parts.join(sep);
}

function split(sep: string, orig: string, n = -1): Record<string, string> {
  const out = tagged(newMap(), "map[string]string") as Record<string, string>;
  splitGo(orig, sep, n).forEach((p, i) => (out["_" + i] = p));
  return out;
}

const s1 = (f: (s: string) => unknown): GoFunc => def(["string"], f);
const s2 = (f: (a: string, b: string) => unknown): GoFunc => def(["string", "string"], f);

export const stringFuncs: Record<string, GoFunc> = {
  abbrev: def(["int", "string"], (w: bigint, s: string) => (w < 4n ? s : swallow(() => abbreviate(s, 0, Number(w))))),
  abbrevboth: def(["int", "int", "string"], (l: bigint, r: bigint, s: string) =>
    r < 4n || (l > 0n && r < 7n) ? s : swallow(() => abbreviate(s, Number(l), Number(r))),
  ),
  trunc: def(["int", "string"], trunc),
  trim: s1(trimSpace),
  upper: s1(toUpper),
  lower: s1(toLower),
  title: s1(title),
  untitle: s1(untitle),
  substr: def(["int", "int", "string"], substr),
  repeat: def(["int", "string"], repeat),
  trimall: s2((a, b) => trimCutset(b, a)),
  trimAll: s2((a, b) => trimCutset(b, a)),
  trimSuffix: s2((a, b) => (a !== "" && b.endsWith(a) ? b.slice(0, b.length - a.length) : b)),
  trimPrefix: s2((a, b) => (b.startsWith(a) ? b.slice(a.length) : b)),
  nospace: s1(nospace),
  initials: s1(initials),
  swapcase: s1(swapcase),
  snakecase: s1((s) => snakeOrKebab(s, "_")),
  kebabcase: s1((s) => snakeOrKebab(s, "-")),
  camelcase: s1(camelCase),
  wrap: def(["int", "string"], (l: bigint, s: string) => wrapCustom(s, Number(l), "", false)),
  wrapWith: def(["int", "string", "string"], (l: bigint, sep: string, s: string) =>
    wrapCustom(s, Number(l), sep, true),
  ),
  contains: s2((sub, s) => s.includes(sub)),
  hasPrefix: s2((p, s) => s.startsWith(p)),
  hasSuffix: s2((p, s) => s.endsWith(p)),
  quote: def(
    [],
    (...xs: unknown[]) =>
      joinBounded(
        xs.filter((x) => x !== null),
        " ",
        "quote",
        (x) => sprintf("%q", [strval(x)]),
      ),
    ANY,
  ),
  squote: def(
    [],
    (...xs: unknown[]) =>
      joinBounded(
        xs.filter((x) => x !== null),
        " ",
        "squote",
        (x) => `'${formatValue(x)}'`,
      ),
    ANY,
  ),
  cat: def(
    [],
    (...xs: unknown[]) =>
      joinBounded(
        xs.filter((x) => x !== null),
        " ",
        "cat",
        formatValue,
      ),
    ANY,
  ),
  indent: def(["int", "string"], indent),
  nindent: def(["int", "string"], (n: bigint, v: string) => "\n" + indent(n, v)),
  replace: def(["string", "string", "string"], replace),
  plural: def(["string", "string", "int"], (one: string, many: string, n: bigint) => (n === 1n ? one : many)),
  toString: def([ANY], strval),
  split: s2((sep, s) => split(sep, s)),
  splitList: s2((sep, s) => stringList(splitGo(s, sep))),
  splitn: def(["string", "int", "string"], (sep: string, n: bigint, s: string) => split(sep, s, Number(n))),
  toStrings: def([ANY], (v: unknown) => stringList(strslice(v))),
  join: def(["string", ANY], (sep: string, v: unknown) => joinBounded(strslice(v), sep, "join")),
};
