/**
 * RFC 6902 operations with the semantics of evanphx/json-patch v4, the library kustomize applies
 * JSON patches with, because gimlet's output must equal the original's. fast-json-patch is not
 * used here since it differs exactly where kustomize is lenient: `replace` of a missing object key
 * adds it, array indexes may be negative (-1 is the last element; for `add`, the end), `01` reads
 * as 1, a missing `value` means null, and `test` of an absent or null field passes against null.
 */
import { isPlainObject } from "../k8s.ts";

type Obj = Record<string, unknown>;
type Container = Obj | unknown[];

/** A failed operation, worded like kustomize's. */
export class PatchOpError extends Error {
  override name = "PatchOpError";
}

const has = (o: Obj, k: string) => Object.hasOwn(o, k);
const decode = (s: string) => s.replace(/~[01]/g, (m) => (m === "~1" ? "/" : "~"));

/** Go's strconv.Atoi, which the library uses for array indexes. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) throw new PatchOpError(`value was not a proper array index: '${key}'`);
  return Number(key);
}

/** The child at `key`; `undefined` for an absent or null one (the library's "nil"). */
function getChild(c: Container, key: string): unknown {
  if (!Array.isArray(c)) {
    const v = has(c, key) ? c[key] : undefined;
    return v === null ? undefined : v;
  }
  let i = atoi(key);
  if (i < 0) {
    if (i < -c.length) throw new PatchOpError(`Unable to access invalid index: ${i}`);
    i += c.length;
  }
  if (i >= c.length) throw new PatchOpError(`Unable to access invalid index: ${i}`);
  const v = c[i];
  return v === null ? undefined : v;
}

function addChild(c: Container, key: string, value: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = value;
    return;
  }
  if (key === "-") {
    c.push(value);
    return;
  }
  let i = atoi(key);
  const size = c.length + 1;
  if (i >= size || i < -size) throw new PatchOpError(`Unable to access invalid index: ${i}`);
  if (i < 0) i += size;
  c.splice(i, 0, value);
}

function removeChild(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!has(c, key)) throw new PatchOpError(`Unable to remove nonexistent key: ${key}`);
    delete c[key];
    return;
  }
  let i = atoi(key);
  if (i >= c.length || i < -c.length) throw new PatchOpError(`Unable to access invalid index: ${i}`);
  if (i < 0) i += c.length;
  c.splice(i, 1);
}

/** The container holding the last path segment, and that segment; undefined when unreachable. */
function findObject(doc: unknown, path: string): [Container, string] | undefined {
  const split = path.split("/");
  if (split.length < 2) return undefined;
  let cur = doc as Container;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = getChild(cur, decode(part));
    } catch {
      return undefined;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) return undefined;
    cur = next;
  }
  return [cur, decode(split[split.length - 1]!)];
}

function equal(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equal(x, b[i]));
  if (isPlainObject(a)) {
    if (!isPlainObject(b) || Object.keys(a).length !== Object.keys(b).length) return false;
    return Object.keys(a).every((k) => has(b, k) && equal(a[k], b[k]));
  }
  return a === b;
}

const clone = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Applies one operation to `doc` (mutated) and returns the document, which `replace ""` swaps. */
export function applyOperation(doc: Container, op: Obj): Container {
  const kind = typeof op.op === "string" ? op.op : "unknown";
  const field = (name: "path" | "from"): string => {
    if (typeof op[name] !== "string") throw new PatchOpError(`operation is missing its ${name} field`);
    return op[name] as string;
  };
  const hasValue = has(op, "value");
  const value = hasValue ? clone(op.value) : null;
  const locate = (path: string, what: string): [Container, string] => {
    const found = findObject(doc, path);
    if (!found) throw new PatchOpError(`${kind} operation does not apply: doc is missing ${what}: ${path}`);
    return found;
  };
  switch (kind) {
    case "add": {
      const [c, key] = locate(field("path"), "path");
      addChild(c, key, value);
      return doc;
    }
    case "remove": {
      const [c, key] = locate(field("path"), "path");
      removeChild(c, key);
      return doc;
    }
    case "replace": {
      const path = field("path");
      if (path === "") {
        if (value === null) throw new PatchOpError("replace operation value must be object or array");
        // The library's error for a scalar here is lost (it wraps a nil error), so nothing happens.
        return isPlainObject(value) || Array.isArray(value) ? value : doc;
      }
      const [c, key] = locate(path, "path");
      try {
        getChild(c, key);
      } catch {
        throw new PatchOpError(`replace operation does not apply: doc is missing key: ${path}`);
      }
      if (Array.isArray(c)) {
        const i = atoi(key);
        c[i < 0 ? i + c.length : i] = value;
      } else c[key] = value;
      return doc;
    }
    case "move":
    case "copy": {
      const [from, fromKey] = locate(field("from"), "from path");
      const v = getChild(from, fromKey);
      if (kind === "move") removeChild(from, fromKey);
      const [to, key] = locate(field("path"), "destination path");
      addChild(to, key, kind === "copy" ? (clone(v) ?? null) : (v ?? null));
      return doc;
    }
    case "test": {
      const path = field("path");
      let actual: unknown = doc;
      if (path !== "") {
        const found = findObject(doc, path);
        if (!found) throw new PatchOpError(`test operation does not apply: is missing path: ${path}`);
        actual = getChild(found[0], found[1]);
      }
      if (!hasValue) throw new PatchOpError(`test operation needs a value`);
      const ok = actual === undefined ? value === null : equal(actual, value);
      if (!ok) throw new PatchOpError(`testing value ${path} failed`);
      return doc;
    }
    default:
      throw new PatchOpError(`Unexpected kind: ${kind}`);
  }
}
