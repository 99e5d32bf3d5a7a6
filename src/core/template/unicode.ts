/** Go's unicode package predicates and per-rune case mapping (Go never changes a string's rune count). */

const spaceRe = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const upperRe = /^\p{Lu}$/u;
const lowerRe = /^\p{Ll}$/u;
const titleRe = /^\p{Lt}$/u;
const letterRe = /^\p{L}$/u;
const numberRe = /^\p{N}$/u;
const punctRe = /^\p{P}$/u;

export const isSpace = (ch: string): boolean => spaceRe.test(ch);
export const isUpper = (ch: string): boolean => upperRe.test(ch);
export const isLower = (ch: string): boolean => lowerRe.test(ch);
export const isTitle = (ch: string): boolean => titleRe.test(ch);
export const isLetter = (ch: string): boolean => letterRe.test(ch);
export const isNumber = (ch: string): boolean => numberRe.test(ch);
export const isPunct = (ch: string): boolean => punctRe.test(ch);

/** unicode.ToUpper: a single-rune mapping; JS mappings that expand (ß → SS) leave the rune alone. */
export function toUpperRune(ch: string): string {
  const u = ch.toUpperCase();
  return u.length === ch.length || Array.from(u).length === 1 ? u : ch;
}

export function toLowerRune(ch: string): string {
  if (ch === "\u0130") return "i";
  const l = ch.toLowerCase();
  return l.length === ch.length || Array.from(l).length === 1 ? l : ch;
}

const asciiOnly = /^[\x00-\x7f]*$/;

/** strings.ToUpper */
export function toUpper(s: string): string {
  if (asciiOnly.test(s)) return s.toUpperCase();
  let out = "";
  for (const ch of s) out += toUpperRune(ch);
  return out;
}

/** strings.ToLower */
export function toLower(s: string): string {
  if (asciiOnly.test(s)) return s.toLowerCase();
  let out = "";
  for (const ch of s) out += toLowerRune(ch);
  return out;
}

/** strings.TrimSpace */
export function trimSpace(s: string): string {
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && isSpace(chars[a]!)) a++;
  while (b > a && isSpace(chars[b - 1]!)) b--;
  return chars.slice(a, b).join("");
}

/** strings.Trim(s, cutset) */
export function trimCutset(s: string, cutset: string): string {
  const cut = new Set(Array.from(cutset));
  const chars = Array.from(s);
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join("");
}

/** strings.Split: an empty separator splits into runes. */
export function splitGo(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === "") {
    const chars = Array.from(s);
    if (n > 0 && chars.length > n) return [...chars.slice(0, n - 1), chars.slice(n - 1).join("")];
    return chars;
  }
  const parts = s.split(sep);
  if (n > 0 && parts.length > n) return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
  return parts;
}

/** strings.Replace(s, old, new, -1): an empty old inserts before every rune and at the end. */
export function replaceAllGo(s: string, old: string, repl: string): string {
  if (old !== "") return s.split(old).join(repl);
  return (
    repl +
    Array.from(s)
      .map((c) => c + repl)
      .join("")
  );
}
