/**
 * The Go value model the engine runs on. Template data is JSON-like, but Go's text/template
 * behaviour depends on static types (int vs int64 vs float64, map[string]interface{} vs
 * map[string]string, a nil interface vs no value at all), so those distinctions live here:
 *
 * - `undefined`  Go's invalid reflect.Value ("no value": missing key, result of a nil pipeline)
 * - `null`       a nil interface{} (JSON null, a function returning nil)
 * - `number`     float64 (everything JSON decodes to)
 * - `bigint`     int (template literals, len, sprig's int)
 * - `GoInt`      the other integer types (int64 from sprig arithmetic, uint64 from semver)
 * - `string`, `boolean`, arrays (`[]interface {}`), plain objects (`map[string]interface {}`)
 * - `GoObject`   values with methods (*semver.Version, time.Time)
 */

export type IntType = "int64" | "int32" | "uint64" | "uint8" | "uint";

export class GoInt {
  constructor(
    readonly v: bigint,
    readonly type: IntType,
  ) {}
}

export const int64 = (v: bigint | number): GoInt => new GoInt(BigInt.asIntN(64, BigInt(v)), "int64");
export const uint64 = (v: bigint): GoInt => new GoInt(BigInt.asUintN(64, v), "uint64");

/** A parameter or value type, spelled as Go's reflect prints it. */
export type GoType = string;

/** Signature of a template function, so arguments are checked the way Go's reflection does. */
export interface GoFunc {
  readonly params: readonly GoType[];
  /** Element type of a trailing variadic parameter. */
  readonly variadic?: GoType;
  readonly fn: (...args: any[]) => unknown;
}

/** What a function reports instead of a value (Go's non-nil error return, or a recovered panic). */
export class FuncError extends Error {}

/** Values with methods callable as `.Name` from a template. */
export abstract class GoObject {
  abstract readonly goType: string;
  /** "ptr" for pointer receivers like *semver.Version, "struct" for time.Time. */
  abstract readonly goKind: "ptr" | "struct";
  abstract method(name: string): GoFunc | undefined;
  /** The fmt.Stringer result, used whenever Go's fmt would call String(). */
  abstract toString(): string;
  /** What encoding/json's MarshalJSON produces, as a JSON-like value. */
  abstract toJSONValue(): unknown;
}

// Containers of a non-default static type ([]string, map[string]string, []int) carry a tag;
// untagged arrays and objects are []interface {} and map[string]interface {}.
const typeTags = new WeakMap<object, GoType>();

export function tagged<T extends object>(value: T, type: GoType): T {
  typeTags.set(value, type);
  return value;
}

export type GoMap = Record<string, unknown>;

export function isMap(v: unknown): v is GoMap {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof GoInt) && !(v instanceof GoObject);
}

export function newMap(): GoMap {
  return Object.create(null) as GoMap;
}

export function hasKey(m: GoMap, k: string): boolean {
  return Object.hasOwn(m, k);
}

/** Map keys in the order Go's fmt, range and encoding/json use (byte-wise sorted). */
export function sortedKeys(m: GoMap): string[] {
  return Object.keys(m).sort(compareStrings);
}

/** Go compares strings by UTF-8 bytes; that order equals code point order. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // Surrogates (astral code points) sort after the rest of the BMP in UTF-8.
      const sx = x >= 0xd800 && x <= 0xdfff;
      const sy = y >= 0xd800 && y <= 0xdfff;
      if (sx !== sy) return sx ? 1 : -1;
      return x < y ? -1 : 1;
    }
  }
  return a.length - b.length;
}

export type Kind =
  | "invalid"
  | "interface"
  | "bool"
  | "int"
  | "uint"
  | "float"
  | "string"
  | "slice"
  | "map"
  | "struct"
  | "ptr";

export function kindOf(v: unknown): Kind {
  switch (typeof v) {
    case "undefined":
      return "invalid";
    case "boolean":
      return "bool";
    case "number":
      return "float";
    case "bigint":
      return "int";
    case "string":
      return "string";
  }
  if (v === null) return "interface";
  if (v instanceof GoInt) return v.type.startsWith("u") ? "uint" : "int";
  if (v instanceof GoObject) return v.goKind;
  if (Array.isArray(v)) return "slice";
  return "map";
}

export function typeName(v: unknown): string {
  switch (typeof v) {
    case "undefined":
    case "function":
    case "symbol":
      return "<nil>";
    case "boolean":
      return "bool";
    case "number":
      return "float64";
    case "bigint":
      return "int";
    case "string":
      return "string";
  }
  if (v === null) return "<nil>";
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoObject) return v.goType;
  const tag = typeTags.get(v as object);
  if (tag) return tag;
  return Array.isArray(v) ? "[]interface {}" : "map[string]interface {}";
}

/** The integer inside any Go integer value, or undefined for other kinds. */
export function intValue(v: unknown): bigint | undefined {
  if (typeof v === "bigint") return v;
  if (v instanceof GoInt) return v.v;
  return undefined;
}

/** Go's truthiness: zero values and empty containers are false. */
export function truth(v: unknown): boolean {
  switch (typeof v) {
    case "undefined":
      return false;
    case "boolean":
      return v;
    case "number":
      return v !== 0;
    case "bigint":
      return v !== 0n;
    case "string":
      return v.length > 0;
  }
  if (v === null) return false;
  if (v instanceof GoInt) return v.v !== 0n;
  if (v instanceof GoObject) return true;
  if (Array.isArray(v)) return v.length > 0;
  return Object.keys(v as object).length > 0;
}

/** Sprig's `empty`: like falsiness, but nil pointers and zero structs differ slightly. */
export function isEmpty(v: unknown): boolean {
  return !truth(v);
}

/** reflect.DeepEqual over the value model. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeName(a) !== typeName(b)) return false;
  if (a instanceof GoInt && b instanceof GoInt) return a.v === b.v;
  if (typeof a === "number" && typeof b === "number") return a === b;
  if (a instanceof GoObject || b instanceof GoObject)
    return a instanceof GoObject && b instanceof GoObject && a.toString() === b.toString();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMap(a) && isMap(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => hasKey(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Bytes of the UTF-8 encoding: Go strings are byte sequences, so len and slicing count bytes. */
const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const utf8Bytes = (s: string): Uint8Array => encoder.encode(s);
export const fromUtf8 = (b: Uint8Array): string => decoder.decode(b);

export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** s[start:end] with byte offsets, as Go slices strings. */
export function byteSlice(s: string, start: number, end?: number): string {
  if (isAscii(s)) return s.slice(start, end);
  return fromUtf8(utf8Bytes(s).subarray(start, end));
}

const asciiRe = /^[\x00-\x7f]*$/;
export const isAscii = (s: string): boolean => asciiRe.test(s);

/** reflect.Kind's name, as sprig's kindOf and its "Cannot … on type" errors print it. */
export function reflectKind(v: unknown): string {
  if (v === null || v === undefined) return "invalid";
  if (v instanceof GoInt) return v.type;
  if (v instanceof GoObject) return v.goKind;
  switch (typeof v) {
    case "number":
      return "float64";
    case "bigint":
      return "int";
    case "string":
      return "string";
    case "boolean":
      return "bool";
  }
  return Array.isArray(v) ? "slice" : "map";
}
