/** Sprig's lists, dicts, defaults and encodings (plus Helm's toYaml/fromYaml/required). */
import { Document, parse as parseYaml, visit } from "yaml";
import { isYaml11Special } from "../yaml.ts";
import type { Func } from "./exec.ts";
import { empty, list, needBool, needString, strslice, strval } from "./convert.ts";
import { sha256Hex } from "./sha256.ts";
import { formatTime, isMap, NoValue, typeName } from "./value.ts";

/** Go's encoding/json float format: 'f' unless the exponent is < -6 or >= 21. */
function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${f}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [m, e] = f.toExponential().split("e") as [string, string];
    const exp = Number(e);
    return `${m}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(f);
}

function jsonString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

export function goJson(v: unknown): string {
  if (v === null || v === undefined || v === NoValue) return "null";
  if (typeof v === "string") return jsonString(v);
  if (typeof v === "number") return jsonFloat(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (v instanceof Date) return jsonString(v.toISOString().replace(".000Z", "Z"));
  if (Array.isArray(v)) return `[${v.map(goJson).join(",")}]`;
  if (isMap(v)) return `{${Object.keys(v).sort().map((k) => `${jsonString(k)}:${goJson(v[k])}`).join(",")}}`;
  return `{${Object.entries(v as object).map(([k, x]) => `${jsonString(k)}:${goJson(x)}`).join(",")}}`;
}

/** Values as JSON sees them (bigint → number) for YAML output. */
function plain(v: unknown): unknown {
  if (typeof v === "bigint") return Number(v);
  if (v === NoValue || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map(plain);
  if (isMap(v)) return Object.fromEntries(Object.keys(v).sort().map((k) => [k, plain(v[k])]));
  return v;
}

/** Helm's toYaml: sigs.k8s.io/yaml (go-yaml v2) output, sorted keys, without the final newline. */
function toYaml(v: unknown): string {
  const doc = new Document(plain(v), { aliasDuplicateObjects: false });
  visit(doc, {
    Scalar(_, node) {
      if (typeof node.value !== "string") return;
      const s = node.value;
      if (isYaml11Special(s)) node.type = "QUOTE_DOUBLE";
      else if (s.includes("\n")) node.type = "BLOCK_LITERAL";
    },
  });
  const out = doc.toString({ indentSeq: false, lineWidth: 0, minContentWidth: 0, singleQuote: true });
  return out.replace(/\n$/, "");
}

function fromJson(s: unknown): unknown {
  try {
    return JSON.parse(needString(s)) as unknown;
  } catch (e) {
    throw new Error((e as Error).message);
  }
}

function merge(dst: unknown, ...srcs: unknown[]): unknown {
  if (!isMap(dst)) throw new Error(`wrong type for value; expected map[string]interface {}; got ${typeName(dst)}`);
  const into = (d: Record<string, unknown>, s: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(s)) {
      if (!(k in d) || d[k] === null) d[k] = v;
      else if (isMap(d[k]) && isMap(v)) into(d[k] as Record<string, unknown>, v);
    }
  };
  for (const s of srcs) if (isMap(s)) into(dst, s);
  return dst;
}

function needMap(v: unknown): Record<string, unknown> {
  if (!isMap(v)) throw new Error(`wrong type for value; expected map[string]interface {}; got ${typeName(v)}`);
  return v;
}

export const dataFuncs: Record<string, Func> = {
  default: (d, ...given) => (given.length === 0 || empty(given[0]) ? d : given[0]),
  empty: (v) => empty(v),
  coalesce: (...vs) => vs.find((v) => !empty(v)) ?? null,
  ternary: (vt, vf, cond) => (needBool(cond) ? vt : vf),
  required: (msg, v) => {
    if (v === null || v === undefined || v === NoValue || v === "") throw new Error(needString(msg));
    return v;
  },
  fail: (msg) => {
    throw new Error(needString(msg));
  },
  list: (...vs) => vs,
  dict: (...kv) => {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < kv.length; i += 2) out[strval(kv[i])] = i + 1 < kv.length ? kv[i + 1] : "";
    return out;
  },
  get: (d, k) => {
    const m = needMap(d);
    const key = needString(k);
    return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : "";
  },
  set: (d, k, v) => {
    needMap(d)[needString(k)] = v;
    return d;
  },
  unset: (d, k) => {
    delete needMap(d)[needString(k)];
    return d;
  },
  hasKey: (d, k) => Object.prototype.hasOwnProperty.call(needMap(d), needString(k)),
  // Go's map order is random; sorted output keeps renders reproducible.
  keys: (...ds) => ds.flatMap((d) => Object.keys(needMap(d))).sort(),
  values: (d) => {
    const m = needMap(d);
    return Object.keys(m).sort().map((k) => m[k]);
  },
  merge,
  first: (l) => {
    const xs = list(l, "first");
    return xs.length ? xs[0] : null;
  },
  last: (l) => {
    const xs = list(l, "last");
    return xs.length ? xs[xs.length - 1] : null;
  },
  append: (l, v) => [...list(l, "append"), v],
  prepend: (l, v) => [v, ...list(l, "prepend")],
  uniq: (l) => {
    const out: unknown[] = [];
    for (const x of list(l, "uniq")) if (!out.some((y) => y === x)) out.push(x);
    return out;
  },
  has: (needle, l) => list(l, "has").some((x) => x === needle),
  sortAlpha: (l) => strslice(l).sort(),
  toStrings: (l) => strslice(l),
  toJson: (v) => goJson(v),
  toPrettyJson: (v) => JSON.stringify(JSON.parse(goJson(v)), null, "  "),
  fromJson,
  toYaml,
  fromYaml: (s) => {
    try {
      // sigs.k8s.io/yaml reads YAML 1.1: y/n/yes/no/on/off are booleans.
      const v = parseYaml(needString(s), { version: "1.1" }) as unknown;
      return v ?? {};
    } catch (e) {
      return { Error: (e as Error).message.split("\n")[0] };
    }
  },
  sha256sum: (s) => sha256Hex(needString(s)),
};

export { formatTime };
