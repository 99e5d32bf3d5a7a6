/**
 * Go regexp operations on translated patterns: the match loop of FindAll/ReplaceAll/Split
 * (an empty match right after a match is skipped), `$1` / `${name}` expansion, QuoteMeta.
 * Compiled patterns are cached, so a template run compiles each pattern once.
 */
import { RegexSyntaxError, translate } from "./regex-translate.ts";

export class RegexError extends Error {}

interface Compiled {
  re: RegExp;
  names: string[];
}

const cache = new Map<string, Compiled | RegexError>();
const cacheLimit = 256;

/** regexp.Compile; failures carry Go's "error parsing regexp: …" wording. */
export function compile(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (c === undefined) {
    try {
      const t = translate(pattern);
      const re = new RegExp(t.source, t.flags + "g");
      const names = [...t.source.matchAll(/\(\?<([A-Za-z0-9_]+)>/g)].map((m) => m[1]!);
      c = { re, names };
    } catch (e) {
      const msg = e instanceof RegexSyntaxError ? e.message : `invalid or unsupported syntax: \`${pattern}\``;
      c = new RegexError(`error parsing regexp: ${msg}`);
    }
    if (cache.size >= cacheLimit) cache.delete(cache.keys().next().value!);
    cache.set(pattern, c);
  }
  if (c instanceof RegexError) throw c;
  return c;
}

/** regexp.MustCompile's panic message. */
export function mustCompile(pattern: string): Compiled {
  try {
    return compile(pattern);
  } catch (e) {
    throw new RegexError(`regexp: Compile(${goQuote(pattern)}): ${(e as Error).message}`);
  }
}

const goQuote = (s: string): string => (s.includes("`") ? JSON.stringify(s) : "`" + s + "`");

function execAt(c: Compiled, s: string, pos: number): RegExpExecArray | null {
  c.re.lastIndex = pos;
  return c.re.exec(s);
}

const charWidth = (s: string, pos: number): number => {
  const code = s.charCodeAt(pos);
  return code >= 0xd800 && code <= 0xdbff && pos + 1 < s.length ? 2 : 1;
};

/** Go's allMatches: successive non-overlapping matches, skipping empty ones that touch a match. */
function allMatches(c: Compiled, s: string, n: number): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let pos = 0;
  let prevEnd = -1;
  while ((n < 0 || out.length < n) && pos <= s.length) {
    const m = execAt(c, s, pos);
    if (!m) break;
    const end = m.index + m[0].length;
    let accept = true;
    if (end === pos) {
      if (m.index === prevEnd) accept = false;
      pos += pos < s.length ? charWidth(s, pos) : 1;
    } else pos = end;
    prevEnd = end;
    if (accept) out.push(m);
  }
  return out;
}

export function matchString(c: Compiled, s: string): boolean {
  return execAt(c, s, 0) !== null;
}

export function findString(c: Compiled, s: string): string {
  return execAt(c, s, 0)?.[0] ?? "";
}

export function findAllString(c: Compiled, s: string, n: number): string[] | null {
  if (n === 0) return null;
  const ms = allMatches(c, s, n);
  return ms.length ? ms.map((m) => m[0]) : null;
}

/** Regexp.Expand: $1, ${1}, $name, ${name}; $$ is a dollar; unknown groups expand to "". */
function expand(template: string, m: RegExpExecArray, names: string[]): string {
  let out = "";
  let t = template;
  for (;;) {
    const at = t.indexOf("$");
    if (at < 0) break;
    out += t.slice(0, at);
    t = t.slice(at + 1);
    if (t[0] === "$") {
      out += "$";
      t = t.slice(1);
      continue;
    }
    const brace = t[0] === "{";
    const body = brace ? t.slice(1) : t;
    const nm = /^[\p{L}\p{Nd}_]+/u.exec(body);
    if (!nm || (brace && body[nm[0].length] !== "}")) {
      out += "$";
      continue;
    }
    const name = nm[0];
    t = body.slice(name.length + (brace ? 1 : 0));
    if (/^\d+$/.test(name) && name.length < 9) {
      out += m[Number(name)] ?? "";
    } else if (names.includes(name)) {
      out += m.groups?.[name] ?? "";
    }
  }
  return out + t;
}

function replaceLoop(c: Compiled, src: string, repl: (m: RegExpExecArray) => string): string {
  let out = "";
  let lastEnd = 0;
  let pos = 0;
  while (pos <= src.length) {
    const m = execAt(c, src, pos);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += src.slice(lastEnd, start);
    if (end > lastEnd || start === 0) out += repl(m);
    lastEnd = end;
    const w = pos < src.length ? charWidth(src, pos) : 0;
    if (pos + w > end) pos += w;
    else if (pos + 1 > end) pos++;
    else pos = end;
  }
  return out + src.slice(lastEnd);
}

export function replaceAllString(c: Compiled, src: string, template: string): string {
  return replaceLoop(c, src, (m) => expand(template, m, c.names));
}

export function replaceAllLiteralString(c: Compiled, src: string, repl: string): string {
  return replaceLoop(c, src, () => repl);
}

export function split(c: Compiled, s: string, n: number, pattern: string): string[] | null {
  if (n === 0) return null;
  if (pattern.length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of allMatches(c, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index;
    if (m.index + m[0].length !== 0) out.push(s.slice(beg, end));
    beg = m.index + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const special = /[\\.+*?()|[\]{}^$]/g;
export const quoteMeta = (s: string): string => s.replace(special, "\\$&");
