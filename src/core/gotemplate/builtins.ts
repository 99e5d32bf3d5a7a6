/** text/template's predefined functions, with Go's type rules and error messages. */
import type { Func, LazyFunc } from "./exec.ts";
import { sprint, sprintf, sprintln } from "./printf.ts";
import { formatValue, isMap, NoValue, truth, typeName } from "./value.ts";

type Kind = "bool" | "int" | "float" | "string" | "other" | "nil";
function kind(v: unknown): Kind {
  if (v === null || v === undefined || v === NoValue) return "nil";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "bigint") return "int";
  if (typeof v === "number") return "float";
  if (typeof v === "string") return "string";
  return "other";
}

function eqPair(a: unknown, b: unknown): boolean {
  const [ka, kb] = [kind(a), kind(b)];
  if (ka === "nil" || kb === "nil") {
    if (ka === "other" || kb === "other" || (ka === "nil" && kb === "nil")) return ka === kb;
    throw new Error("incompatible types for comparison");
  }
  if (ka === "other" || kb === "other") {
    if (ka !== kb) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
    throw new Error(`non-comparable type ${formatValue(a)}: ${typeName(a)}`);
  }
  if (ka !== kb) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  return a === b;
}

function order(a: unknown, b: unknown): number {
  const [ka, kb] = [kind(a), kind(b)];
  if (ka === "bool" || ka === "other" || ka === "nil") throw new Error("invalid type for comparison");
  if (ka !== kb) throw new Error(`incompatible types for comparison: ${typeName(a)} and ${typeName(b)}`);
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function toIndex(v: unknown): number {
  if (typeof v === "bigint") return Number(v);
  throw new Error(`cannot index slice/array with type ${typeName(v)}`);
}

function index(item: unknown, ...keys: unknown[]): unknown {
  let cur = item;
  for (const k of keys) {
    if (cur === null || cur === undefined || cur === NoValue) throw new Error("index of untyped nil");
    if (Array.isArray(cur) || typeof cur === "string") {
      const i = toIndex(k);
      const len = typeof cur === "string" ? new TextEncoder().encode(cur).length : cur.length;
      if (i < 0 || i >= len) throw new Error(`index out of range: ${i}`);
      cur = typeof cur === "string" ? BigInt(new TextEncoder().encode(cur)[i]!) : cur[i];
    } else if (isMap(cur)) {
      if (typeof k !== "string") throw new Error(`value has type ${typeName(k)}; should be string`);
      cur = Object.prototype.hasOwnProperty.call(cur, k) ? cur[k] : NoValue;
    } else throw new Error(`can't index item of type ${typeName(cur)}`);
  }
  return cur;
}

/** Sprig replaces the builtin slice: lists only, with reflect's bounds message. */
function slice(item: unknown, ...idx: unknown[]): unknown {
  if (!Array.isArray(item)) throw new Error(`list should be type of slice or array but ${typeName(item)}`);
  const ix = idx.map((i) => Number(typeof i === "bigint" ? i : 0));
  const lo = ix[0] ?? 0;
  const hi = ix[1] ?? item.length;
  if (lo < 0 || hi < lo || hi > item.length) throw new Error("reflect.Value.Slice: slice index out of bounds");
  return item.slice(lo, hi);
}

function length(v: unknown): bigint {
  if (typeof v === "string") return BigInt(new TextEncoder().encode(v).length);
  if (Array.isArray(v)) return BigInt(v.length);
  if (isMap(v)) return BigInt(Object.keys(v).length);
  throw new Error(`len of ${v === null || v === undefined || v === NoValue ? "nil pointer" : `type ${typeName(v)}`}`);
}

function htmlEscape(s: string): string {
  return s.replace(/[&'<>"\0]/g, (c) => ({ "&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "\0": "\uFFFD" })[c]!);
}

function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === "'") out += "\\'";
    else if (ch === '"') out += '\\"';
    else if (ch === "<") out += "\\u003C";
    else if (ch === ">") out += "\\u003E";
    else if (ch === "&") out += "\\u0026";
    else if (ch === "=") out += "\\u003D";
    else if (c < 0x20) out += `\\u${c.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return out;
}

/** url.QueryEscape */
function queryEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, "+").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/~/g, "~");
}

/** The escapers format their arguments with fmt.Sprint first, like Go's evalArgs. */
const joined = (args: unknown[]) => (args.length === 1 && typeof args[0] === "string" ? args[0] : sprint(args));

export const builtins: Record<string, Func | LazyFunc> = {
  and: {
    lazy: true,
    call(args: (() => unknown)[]) {
      let v: unknown;
      for (const a of args) {
        v = a();
        if (!truth(v)) return v;
      }
      return v;
    },
  },
  or: {
    lazy: true,
    call(args: (() => unknown)[]) {
      let v: unknown;
      for (const a of args) {
        v = a();
        if (truth(v)) return v;
      }
      return v;
    },
  },
  not: (v) => !truth(v),
  eq: (a, ...bs) => {
    if (bs.length === 0) throw new Error("missing argument for comparison");
    return bs.some((b) => eqPair(a, b));
  },
  ne: (a, b) => !eqPair(a, b),
  lt: (a, b) => order(a, b) < 0,
  le: (a, b) => order(a, b) <= 0,
  gt: (a, b) => order(a, b) > 0,
  ge: (a, b) => order(a, b) >= 0,
  len: length,
  index,
  slice,
  print: (...a) => sprint(a),
  println: (...a) => sprintln(a),
  printf: (f, ...a) => {
    if (typeof f !== "string") throw new Error(`wrong type for value; expected string; got ${typeName(f)}`);
    return sprintf(f, a);
  },
  html: (...a) => htmlEscape(joined(a)),
  js: (...a) => jsEscape(joined(a)),
  urlquery: (...a) => queryEscape(joined(a)),
};
