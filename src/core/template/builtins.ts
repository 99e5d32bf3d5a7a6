/** Go's predefined template functions (sprig's `slice` replaces Go's, as in every sprig setup). */
import { ANY, def, VALUE } from "./args.ts";
import { eq, ge, gt, le, lt, ne } from "./compare.ts";
import { isPrint } from "./quote.ts";
import { sprint, sprintf, sprintln } from "./printf.ts";
import {
  FuncError,
  GoInt,
  GoObject,
  type GoFunc,
  hasKey,
  intValue,
  isMap,
  kindOf,
  truth,
  typeName,
  utf8Bytes,
  utf8Length,
} from "./values.ts";

function unreachable(): never {
  throw new FuncError("unreachable");
}

function length(item: unknown): bigint {
  if (item === null) throw new FuncError("len of nil pointer");
  if (item === undefined) throw new FuncError("reflect: call of reflect.Value.Type on zero Value");
  if (typeof item === "string") return BigInt(utf8Length(item));
  if (Array.isArray(item)) return BigInt(item.length);
  if (isMap(item)) return BigInt(Object.keys(item).length);
  const t = typeName(item);
  throw new FuncError(`len of type ${item instanceof GoObject && t.startsWith("*") ? t.slice(1) : t}`);
}

function indexArg(index: unknown, cap: number): number {
  const k = kindOf(index);
  if (k === "invalid") throw new FuncError("cannot index slice/array with nil");
  if (k !== "int" && k !== "uint") throw new FuncError(`cannot index slice/array with type ${typeName(index)}`);
  const x = intValue(index)!;
  if (x < 0n || x > BigInt(cap)) throw new FuncError(`index out of range: ${x}`);
  return Number(x);
}

function index(item: unknown, ...indexes: unknown[]): unknown {
  if (item === null || item === undefined) throw new FuncError("index of untyped nil");
  for (let idx of indexes) {
    if (idx === null) idx = undefined;
    if (item === null) throw new FuncError("index of nil pointer");
    if (typeof item === "string") {
      const bytes = utf8Bytes(item);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new FuncError("reflect: string index out of range");
      item = new GoInt(BigInt(bytes[x]!), "uint8");
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new FuncError("reflect: slice index out of range");
      item = item[x];
    } else if (isMap(item)) {
      if (idx === undefined) throw new FuncError("value is nil; should be of type string");
      if (typeof idx !== "string") throw new FuncError(`value has type ${typeName(idx)}; should be string`);
      if (hasKey(item, idx)) item = item[idx];
      else item = typeName(item) === "map[string]string" ? "" : null;
    } else {
      throw new FuncError(`can't index item of type ${typeName(item)}`);
    }
  }
  return item;
}

/** text/template's evalArgs: one string passes through, anything else is Sprint-ed. */
function evalArgs(args: unknown[]): string {
  if (args.length === 1 && typeof args[0] === "string") return args[0];
  return sprint(args.map((a) => (a === null || a === undefined ? "<no value>" : a)));
}

const htmlEscapes: Record<string, string> = {
  "\0": "\uFFFD",
  '"': "&#34;",
  "'": "&#39;",
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
};
export const htmlEscape = (s: string): string => s.replace(/[\0"'&<>]/g, (c) => htmlEscapes[c]!);

const jsEscapes: Record<string, string> = {
  "\\": "\\\\",
  "'": "\\'",
  '"': '\\"',
  "<": "\\u003C",
  ">": "\\u003E",
  "&": "\\u0026",
  "=": "\\u003D",
};
function jsEscape(s: string): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const special = jsEscapes[ch];
    if (special) out += special;
    else if (cp < 0x20) out += "\\u00" + cp.toString(16).toUpperCase().padStart(2, "0");
    else if (cp >= 0x80 && !isPrint(cp)) out += "\\u" + cp.toString(16).toUpperCase().padStart(4, "0");
    else out += ch;
  }
  return out;
}

/** url.QueryEscape */
export function queryEscape(s: string): string {
  let out = "";
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === " ") out += "+";
    else out += "%" + b.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** Template data holds no functions, so `call` can only fail, as Go's does on non-functions. */
function call(name: string, fn: unknown): never {
  if (fn === null || fn === undefined) throw new FuncError("call of nil");
  throw new FuncError(`non-function ${name} of type ${typeName(fn)}`);
}

export const builtins: ReadonlyMap<string, GoFunc> = new Map(
  Object.entries({
    and: def([VALUE], unreachable, VALUE),
    or: def([VALUE], unreachable, VALUE),
    not: def([VALUE], (a: unknown) => !truth(a)),
    call: def([VALUE], call, VALUE),
    html: def([], (...a: unknown[]) => htmlEscape(evalArgs(a)), ANY),
    js: def([], (...a: unknown[]) => jsEscape(evalArgs(a)), ANY),
    urlquery: def([], (...a: unknown[]) => queryEscape(evalArgs(a)), ANY),
    index: def([VALUE], index, VALUE),
    len: def([VALUE], length),
    print: def([], (...a: unknown[]) => sprint(a), ANY),
    printf: def(["string"], (f: string, ...a: unknown[]) => sprintf(f, a), ANY),
    println: def([], (...a: unknown[]) => sprintln(a), ANY),
    eq: def([VALUE], eq, VALUE),
    ne: def([VALUE, VALUE], ne),
    lt: def([VALUE, VALUE], lt),
    le: def([VALUE, VALUE], le),
    gt: def([VALUE, VALUE], gt),
    ge: def([VALUE, VALUE], ge),
  }),
);
