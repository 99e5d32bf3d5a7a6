/** Sprig's dict functions over map[string]interface{}; set/unset/merge change the map in place, as in Go. */
import { ANY, def } from "./args.ts";
import { chargeSteps, checkSize } from "./limits.ts";
import { strval } from "./sprig-strings.ts";
import { FuncError, type GoFunc, type GoMap, hasKey, isEmpty, isMap, newMap, sortedKeys, tagged } from "./values.ts";

const MAP = "map[string]interface {}";

function dict(...kv: unknown[]): GoMap {
  const out = newMap();
  for (let i = 0; i < kv.length; i += 2) out[strval(kv[i] ?? null)] = i + 1 < kv.length ? kv[i + 1] : "";
  return out;
}

/** A nil map argument reads as empty, but writing to it panics as in Go. */
function writable(d: GoMap | null): GoMap {
  if (d === null) throw new FuncError("assignment to entry in nil map");
  return d;
}

/** mergo.Merge / MergeWithOverwrite for JSON-like maps, the way sprig calls them. */
function deepMerge(dst: GoMap, src: GoMap, overwrite: boolean): void {
  for (const key of Object.keys(src)) {
    chargeSteps(1, "merge");
    const s = src[key];
    const present = hasKey(dst, key);
    const d = dst[key];
    if (s === null || s === undefined) {
      if (overwrite) dst[key] = null;
      continue;
    }
    if (isMap(s) && present && isMap(d)) {
      deepMerge(d, s, overwrite);
      if (!isEmpty(d)) continue;
    }
    if (Array.isArray(s) && present && !isEmpty(d) && !overwrite) continue;
    if (overwrite || !present || isEmpty(d)) dst[key] = s;
  }
}

function merge(overwrite: boolean) {
  return (dst: GoMap | null, ...srcs: (GoMap | null)[]): GoMap => {
    const target = dst ?? newMap();
    for (const src of srcs) if (src) deepMerge(target, src, overwrite);
    return target;
  };
}

/** copystructure.Copy for the value model: containers are copied, leaves shared. */
function deepCopy(v: unknown, copied = { n: 0 }): unknown {
  // Nested containers that share one value would copy exponentially: count what is copied.
  checkSize(++copied.n, "deepCopy");
  if (Array.isArray(v)) return v.map((x) => deepCopy(x, copied));
  if (isMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) out[k] = deepCopy(v[k], copied);
    return out;
  }
  return v;
}

function dig(...ps: unknown[]): unknown {
  if (ps.length < 3) throw new FuncError("dig needs at least three arguments");
  let d = ps[ps.length - 1];
  const def = ps[ps.length - 2];
  const ks = ps.slice(0, -2);
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    if (!isMap(d))
      throw new FuncError(
        `interface conversion: interface {} is ${d === null ? "nil" : typeof d}, not map[string]interface {}`,
      );
    if (typeof k !== "string") throw new FuncError("interface conversion: interface {} is not string");
    if (!hasKey(d, k)) return def;
    if (i === ks.length - 1) return d[k];
    d = d[k];
  }
  return def;
}

export const dictFuncs: Record<string, GoFunc> = {
  dict: def([], dict, ANY),
  get: def([MAP, "string"], (d: GoMap | null, k: string) => (d && hasKey(d, k) ? d[k] : "")),
  set: def([MAP, "string", ANY], (d: GoMap | null, k: string, v: unknown) => {
    writable(d)[k] = v;
    return d;
  }),
  unset: def([MAP, "string"], (d: GoMap | null, k: string) => {
    if (d) delete d[k];
    return d;
  }),
  hasKey: def([MAP, "string"], (d: GoMap | null, k: string) => d !== null && hasKey(d, k)),
  pluck: def(
    ["string"],
    (k: string, ...ds: (GoMap | null)[]) => ds.filter((d) => d && hasKey(d, k)).map((d) => d![k]),
    MAP,
  ),
  // Go's map order is random; sorted keys are one of the orders Go could produce.
  keys: def(
    [],
    (...ds: (GoMap | null)[]) =>
      tagged(
        ds.flatMap((d) => (d ? sortedKeys(d) : [])),
        "[]string",
      ),
    MAP,
  ),
  values: def([MAP], (d: GoMap | null) => (d ? sortedKeys(d).map((k) => d[k]) : [])),
  pick: def(
    [MAP],
    (d: GoMap | null, ...ks: string[]) => {
      const out = newMap();
      for (const k of ks) if (d && hasKey(d, k)) out[k] = d[k];
      return out;
    },
    "string",
  ),
  omit: def(
    [MAP],
    (d: GoMap | null, ...ks: string[]) => {
      const out = newMap();
      for (const k of d ? Object.keys(d) : []) if (!ks.includes(k)) out[k] = d![k];
      return out;
    },
    "string",
  ),
  merge: def([MAP], merge(false), MAP),
  mustMerge: def([MAP], merge(false), MAP),
  mergeOverwrite: def([MAP], merge(true), MAP),
  mustMergeOverwrite: def([MAP], merge(true), MAP),
  dig: def([], dig, ANY),
  deepCopy: def([ANY], (v: unknown) => deepCopy(v)),
  mustDeepCopy: def([ANY], (v: unknown) => deepCopy(v)),
};
