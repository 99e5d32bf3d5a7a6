/** Sprig's string functions. Argument order follows sprig: the subject string comes last (pipelines). */
import type { Func } from "./exec.ts";
import { goQuote } from "./printf.ts";
import { needInt, needString, strslice, strval } from "./convert.ts";
import { NoValue } from "./value.ts";

const isWordSep = (c: string) => !/[\p{L}\p{N}_]/u.test(c);

function title(s: string): string {
  let prev = " ";
  let out = "";
  for (const c of s) {
    out += isWordSep(prev) ? c.toUpperCase() : c;
    prev = c;
  }
  return out;
}

function trimCutset(s: string, cutset: string, left: boolean, right: boolean): string {
  const set = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (left && a < b && set.has(chars[a]!)) a++;
  while (right && b > a && set.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join("");
}

function bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
function fromBytes(b: Uint8Array): string {
  return new TextDecoder().decode(b);
}

/** Like sprig: a split string becomes a map _0, _1, … */
function splitMap(sep: string, s: string): Record<string, string> {
  const out: Record<string, string> = {};
  s.split(sep).forEach((p, i) => (out[`_${i}`] = p));
  return out;
}

function snake(s: string): string {
  return s
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .replace(/[-\s]+/g, "_")
    .toLowerCase();
}

export const stringFuncs: Record<string, Func> = {
  upper: (s) => needString(s).toUpperCase(),
  lower: (s) => needString(s).toLowerCase(),
  title: (s) => title(needString(s)),
  trim: (s) => needString(s).replace(/^[\s\u0085\u00a0]+|[\s\u0085\u00a0]+$/g, ""),
  trimAll: (cut, s) => trimCutset(needString(s), needString(cut), true, true),
  trimPrefix: (p, s) => (needString(s).startsWith(needString(p)) ? (s as string).slice((p as string).length) : (s as string)),
  trimSuffix: (p, s) => (needString(s).endsWith(needString(p)) && (p as string).length ? (s as string).slice(0, -(p as string).length) : (s as string)),
  trunc: (n, s) => {
    const c = needInt(n);
    const b = bytes(needString(s));
    if (c < 0 && b.length + c > 0) return fromBytes(b.slice(b.length + c));
    if (c >= 0 && b.length > c) return fromBytes(b.slice(0, c));
    return s;
  },
  abbrev: (w, s) => {
    const width = needInt(w);
    const str = needString(s);
    if (width < 4 || str.length <= width) return str;
    return str.slice(0, width - 3) + "...";
  },
  replace: (o, n, s) => {
    const [old, rep, str] = [needString(o), needString(n), needString(s)];
    // Go inserts the replacement at every rune boundary when old is empty.
    return old === "" ? rep + [...str].join(rep) + rep : str.split(old).join(rep);
  },
  contains: (sub, s) => needString(s).includes(needString(sub)),
  hasPrefix: (p, s) => needString(s).startsWith(needString(p)),
  hasSuffix: (p, s) => needString(s).endsWith(needString(p)),
  repeat: (n, s) => {
    const c = needInt(n);
    if (c < 0) throw new Error("strings: negative Repeat count");
    return needString(s).repeat(c);
  },
  split: (sep, s) => splitMap(needString(sep), needString(s)),
  splitList: (sep, s) => needString(s).split(needString(sep)),
  join: (sep, v) => strslice(v).join(needString(sep)),
  quote: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined && a !== NoValue)
      .map((a) => goQuote(strval(a)))
      .join(" "),
  squote: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined && a !== NoValue)
      .map((a) => `'${strval(a)}'`)
      .join(" "),
  cat: (...args) =>
    args
      .filter((a) => a !== null && a !== undefined && a !== NoValue)
      .map(strval)
      .join(" "),
  nospace: (s) => needString(s).replace(/\s/g, ""),
  indent: (n, s) => {
    const pad = " ".repeat(needInt(n));
    return pad + needString(s).split("\n").join("\n" + pad);
  },
  nindent: (n, s) => {
    const pad = " ".repeat(needInt(n));
    return "\n" + pad + needString(s).split("\n").join("\n" + pad);
  },
  snakecase: (s) => snake(needString(s)),
  kebabcase: (s) => snake(needString(s)).replace(/_/g, "-"),
  camelcase: (s) =>
    needString(s)
      .split(/[_\s-]+/)
      .map((w) => (w ? w[0]!.toUpperCase() + w.slice(1) : ""))
      .join(""),
  toString: (v: unknown) => strval(v),
  b64enc: (s) => btoa(String.fromCharCode(...bytes(needString(s)))),
  b64dec: (s) => {
    try {
      const bin = atob(needString(s));
      return fromBytes(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
    } catch {
      return "illegal base64 data at input byte 0";
    }
  },
};
