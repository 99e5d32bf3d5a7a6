/**
 * The strategic merge kustomize performs (kyaml's merge2 walker, which replaced apimachinery's
 * strategicpatch in kustomize v4 and is what gimlet's kustomize/api v0.17 runs). It is
 * reproduced rule for rule rather than "correctly", because gimlet's output must equal what the
 * original emitted, quirks included:
 * - lists merge only where kyaml's built-in Kubernetes v1.21.2 schema says `patchStrategy: merge`,
 *   keyed by `x-kubernetes-list-map-keys` when present: container `ports` by
 *   (containerPort, protocol), Service `ports` by (port, protocol) — not by `name`, whatever the
 *   issue text says. A port patch that omits `protocol` while the rendered port has one is
 *   silently dropped by kustomize; so it is here.
 * - merged elements from the patch come first, then the untouched rendered ones.
 * - custom resources (no schema) merge maps and replace lists.
 * - `$retainKeys`, `$setElementOrder/…` and `$deleteFromPrimitiveList/…` mean nothing to kyaml and
 *   are handled by the caller (see strategic.ts).
 *
 * The walk mutates `dest` and `origin` in place, as kyaml mutates its nodes; callers pass copies.
 */
import { UserError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";
import { kinds, types } from "./schema.ts";

type Obj = Record<string, unknown>;

/** A field that stays `null` in the output (kyaml's "persistent null"), unlike a patch's `null`. */
export const KEEP_NULL: unique symbol = Symbol("keep null");

/**
 * Schema of a node: `undefined` unknown, `""` known but nothing merges inside, a type name from
 * schema.ts, a list descriptor `T[k1,k2]`, or `{T}` for a map of T.
 */
type Schema = string | undefined;

const has = (o: Obj, k: string) => Object.hasOwn(o, k);
const get = (o: unknown, k: string): unknown => (isPlainObject(o) && has(o, k) ? o[k] : undefined);
const missingOrNull = (v: unknown) => v === undefined || v === null || v === KEEP_NULL;
const isEmptyMap = (v: unknown) => isPlainObject(v) && Object.keys(v).length === 0;

/** The text kyaml compares keys by: a scalar as written, "" for anything else. */
export function scalarText(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean" || typeof v === "bigint") return String(v);
  if (v === null) return "null";
  return "";
}

function nilOrEmpty(v: unknown): boolean {
  return missingOrNull(v) || isEmptyMap(v) || (Array.isArray(v) && v.length === 0);
}

function fieldSchema(s: Schema, key: string): Schema {
  if (s === undefined) return undefined;
  if (s.startsWith("{")) return s.slice(1, -1);
  if (s === "" || s.includes("[")) return "";
  return types[s]?.[key] ?? "";
}

function listParts(s: Schema): { merge: boolean; keys: string[]; elements: Schema } {
  const m = s === undefined ? null : /^(\w*)\[([^\]]*)\]$/.exec(s);
  if (!m) return { merge: false, keys: [], elements: s === undefined ? undefined : "" };
  return { merge: true, keys: m[2] ? m[2].split(",") : [], elements: m[1] ?? "" };
}

/** Where a walk has no schema, an embedded object that names a built-in kind brings its own. */
function metaSchema(...nodes: unknown[]): Schema {
  for (const n of nodes) {
    const av = get(n, "apiVersion");
    const k = get(n, "kind");
    if (typeof av === "string" && typeof k === "string" && av && k) {
      const t = kinds[`${av} ${k}`];
      if (t) return t;
    }
  }
  return undefined;
}

type NodeKind = "map" | "seq" | "scalar";
const kindOf = (v: unknown): NodeKind | undefined =>
  missingOrNull(v) ? undefined : isPlainObject(v) ? "map" : Array.isArray(v) ? "seq" : "scalar";

export class MergeError extends UserError {
  override name = "MergeError";
}

function directive(patch: Obj, path: string): "delete" | "replace" | "merge" {
  if (!has(patch, "$patch")) return "merge";
  const v = scalarText(patch.$patch);
  if (v !== "delete" && v !== "replace" && v !== "merge")
    throw new MergeError(`unknown patch strategy '${v}'`, { path });
  delete patch.$patch;
  return v;
}

/** Merges `origin` (the patch) into `dest`. `undefined` means: remove the field. */
export function walk(dest: unknown, origin: unknown, schema: Schema, path: string): unknown {
  const s = schema ?? metaSchema(dest, origin);
  const kind = kindOf(dest) ?? kindOf(origin);
  for (const n of [dest, origin]) {
    const k = kindOf(n);
    if (kind && k && k !== kind) {
      throw new MergeError(`cannot merge a ${k === "seq" ? "list" : k} into a ${kind === "seq" ? "list" : kind}`, {
        path: path || "/",
      });
    }
  }
  if (kind === "scalar") return origin !== undefined ? origin : dest;
  if (kind === "seq") {
    if (!listParts(s).merge) return origin !== undefined ? origin : dest;
    return walkAssociative(dest, origin, s, path);
  }
  return walkMap(dest, origin, s, path);
}

function walkMap(dest: unknown, origin: unknown, s: Schema, path: string): unknown {
  let d: unknown;
  if (missingOrNull(dest)) {
    if (isPlainObject(origin) && has(origin, "$patch")) {
      // kyaml strips the directive from the patch even when it deletes, which matters when the
      // same element is visited twice (see unifyTuples).
      const v = scalarText(origin.$patch);
      if (v === "delete" || v === "replace" || v === "merge") delete origin.$patch;
      if (v === "delete") return undefined;
    }
    if (origin === undefined && dest !== undefined) return KEEP_NULL;
    d = origin;
  } else if (origin === null) {
    return undefined;
  } else {
    const dir = isPlainObject(origin) ? directive(origin, path) : "merge";
    if (dir === "delete") return undefined;
    d = dir === "replace" ? origin : dest;
  }
  if (!isPlainObject(d)) return d === undefined ? undefined : null;
  const o = isPlainObject(origin) ? origin : undefined;
  const names = new Set(Object.keys(d));
  if (o) for (const k of Object.keys(o)) names.add(k);
  for (const key of [...names].sort()) {
    const v = walk(get(d, key), o ? get(o, key) : undefined, fieldSchema(s, key), `${path}/${key}`);
    if (v === undefined || v === null) delete d[key];
    else d[key] = v === KEEP_NULL ? null : v;
  }
  return d;
}

/** A list-level `$patch` is an element holding only that key. */
function listDirective(origin: unknown[], path: string): "delete" | "replace" | "merge" {
  const el = origin.find((e) => isPlainObject(e) && has(e, "$patch")) as Obj | undefined;
  if (!el || Object.keys(el).length > 1) return "merge";
  const v = scalarText(el.$patch);
  if (v !== "delete" && v !== "replace" && v !== "merge")
    throw new MergeError(`unknown patch strategy '${v}'`, { path });
  setElement(origin, undefined, ["$patch"], [v]);
  return v;
}

function walkAssociative(dest: unknown, origin: unknown, s: Schema, path: string): unknown {
  let d: unknown;
  if (missingOrNull(dest)) d = origin;
  else if (origin === null) return undefined;
  else {
    const dir = Array.isArray(origin) ? listDirective(origin, path) : "merge";
    if (dir === "delete") return undefined;
    d = dir === "replace" ? origin : dest;
  }
  if (!Array.isArray(d)) return undefined;
  const { keys, elements } = listParts(s);
  const sources = [d, Array.isArray(origin) ? origin : undefined] as const;
  const values = keys.length ? keyTuples(keys, sources) : [];
  if (values.length || keys.length) return mergeElements(values, keys, sources, elements, path);
  return mergeElements(primitiveTuples(sources), [""], sources, elements, path);
}

type Sources = readonly [unknown[], unknown[] | undefined];

/** Each element's key values, the patch's elements first, without repeats. */
function keyTuples(keys: string[], [d, o]: Sources): string[][] {
  const out: string[][] = [];
  const seen = new Set<string>();
  for (const list of [o, d]) {
    for (const el of list ?? []) {
      const t = keys.map((k) => {
        const f = get(el, k);
        return nilOrEmpty(f) ? "" : scalarText(f);
      });
      const id = JSON.stringify(t);
      if (!seen.has(id)) out.push(t), seen.add(id);
    }
  }
  return out;
}

function primitiveTuples([d, o]: Sources): string[][] {
  const seen = new Set<string>();
  for (const list of [o, d]) for (const el of list ?? []) seen.add(scalarText(el));
  return [...seen].map((v) => [v]);
}

/** Tuples that agree where both have a value describe one element (e.g. a port with and without protocol). */
function unifyTuples(list: string[][]): void {
  const unify = (a: string[], b: string[]): string[] | undefined => {
    let common = false;
    const res: string[] = [];
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) {
        common = true;
        res.push(a[i]!);
      } else if (a[i] !== "" && b[i] !== "") return undefined;
      else res.push(a[i] !== "" ? a[i]! : b[i]!);
    }
    return common ? res : undefined;
  };
  for (let i = 0; i < list.length; i++) {
    const a = list[i]!;
    for (let j = 0; j < list.length; j++) {
      const res = a.length === list[j]!.length ? unify(a, list[j]!) : undefined;
      if (res) list[i] = list[j] = res;
    }
  }
}

/** Only keys some element sets take part in matching. */
function usedKeys(all: string[][], values: string[], keys: string[]): [string[], string[]] {
  const used = new Set<string>();
  for (const t of all) t.forEach((v, i) => v !== "" && used.add(keys[i]!));
  if (used.size === 0) return [keys, values];
  return [keys.filter((k) => used.has(k)), values.filter((v, i) => v !== "" || used.has(keys[i]!))];
}

/** The first element whose key fields hold exactly these values. */
function findElement(list: unknown[] | undefined, keys: string[], values: string[]): unknown {
  if (!list) return undefined;
  if (!keys.length || keys[0] === "") return list.find((e) => scalarText(e) === (values[0] ?? ""));
  return list.find((e) => isPlainObject(e) && keys.every((k, i) => has(e, k) && scalarText(e[k]) === values[i]));
}

/**
 * kyaml's ElementSetter: drops empty elements, then replaces every element matching the keys with
 * `element` (or removes them when it is undefined), appending it when none matched. In place.
 */
function setElement(list: unknown[], element: unknown, keys: string[], values: string[]): void {
  if (!keys.length) keys = [""];
  const out: unknown[] = [];
  let matched = false;
  const mappingSetter = keys[0] !== "" && values.length > 0 && values[0] !== "";
  for (const el of list) {
    if (missingOrNull(el) || isEmptyMap(el)) continue;
    if (!isPlainObject(el) && mappingSetter) {
      out.push(el);
      continue;
    }
    let found = values.length > 0;
    for (let j = 0; j < keys.length && j < values.length && found; j++) found = fieldMatches(el, keys[j]!, values[j]!);
    if (!found) {
      if (values.length > 0) out.push(el);
      continue;
    }
    matched = true;
    if (element !== undefined) out.push(element);
  }
  if (!missingOrNull(element) && !matched) out.push(element);
  list.splice(0, list.length, ...out);
}

function fieldMatches(el: unknown, key: string, value: string): boolean {
  if (key === "") {
    if (isPlainObject(el) || Array.isArray(el)) throw new MergeError("a list mixes scalars and objects");
    return scalarText(el) === value;
  }
  if (!isPlainObject(el)) throw new MergeError("a list mixes scalars and objects");
  return has(el, key) && (value === "" || scalarText(el[key]) === value);
}

function mergeElements(
  valuesList: string[][],
  keys: string[],
  sources: Sources,
  elements: Schema,
  path: string,
): unknown[] {
  const [d, o] = sources;
  const items: unknown[] = [];
  if (keys.length > 1) unifyTuples(valuesList);
  let used: string[] = keys;
  for (const values of valuesList) {
    if (!values.length) continue;
    const [vk, vv] = usedKeys(valuesList, values, keys);
    used = vk;
    const [mk, mv] = usedKeys([values], values, vk);
    const val = walk(
      findElement(d, mk, mv),
      findElement(o, mk, mv),
      elements,
      `${path}/[${mk.map((k, i) => `${k}=${mv[i]}`).join(",")}]`,
    );
    if (missingOrNull(val) || isEmptyMap(val)) {
      if (vk.length) setElement(d, undefined, vk, vv);
      continue;
    }
    vk.forEach((k, i) => {
      if (k !== "" && isPlainObject(val) && !has(val, k) && vv[i] !== "") val[k] = vv[i];
    });
    setElement(items, val, vk, vv);
  }
  if (!valuesList.length) return d;
  // The rendered elements follow the patch's, each replacing its merged copy in place.
  for (const el of d) {
    if (used[0] === "") {
      setElement(items, el, [""], [scalarText(el)]);
      continue;
    }
    const v: string[] = [];
    for (const k of used) {
      if (missingOrNull(el)) {
        items.push(el);
        continue;
      }
      if (!isPlainObject(el)) throw new MergeError("a list mixes scalars and objects", { path });
      if (!has(el, k)) items.push(el);
      else v.push(scalarText(el[k]));
    }
    if (used.length > 1) setElement(items, undefined, used, v);
    setElement(items, el, used, v);
  }
  return items;
}
