/**
 * Helm's toYaml/fromYaml as gimlet's Go original computes them: sigs.k8s.io/yaml turns the
 * value into JSON, reads that back with go-yaml v2 and prints it with v2's emitter. The emitter
 * below reproduces v2's block layout and scalar style choices (plain, single- or double-quoted,
 * literal, folding at 80 columns); the `yaml` package reads YAML in.
 */
import { parseDocument } from "yaml";
import { formatFloat } from "./float-format.ts";
import { jsonFloat } from "./gojson.ts";
import { Out, writeScalar } from "./goyaml-scalar.ts";
import { checkSize, LimitError } from "./limits.ts";
import { parseInt64, parseUint64 } from "./numbers.ts";
import { compareStrings, FuncError, GoInt, GoObject, type GoMap, isMap, newMap } from "./values.ts";

/** What go-yaml v2 decodes from the JSON text: ints stay ints, other numbers are floats. */
type Y = null | boolean | string | { int: string } | { float: number } | Y[] | Map<string, Y>;

function toY(v: unknown, copied = { n: 0 }): Y {
  // A copy: nested lists that share one value would copy exponentially.
  checkSize(++copied.n, "value converted to YAML");
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case "boolean":
      return v;
    case "string":
      // go-yaml reads the JSON text back, and a raw NEL inside a quoted scalar folds to a space.
      return v.includes("\u0085") ? v.replace(/[ \t]*\u0085[ \t]*/g, " ") : v;
    case "bigint":
      return { int: v.toString() };
    case "number": {
      const text = jsonFloat(v);
      if (parseInt64(text) !== undefined || parseUint64(text) !== undefined) return { int: String(parseIntText(text)) };
      return { float: Number(text) };
    }
  }
  if (v instanceof GoInt) return { int: v.v.toString() };
  if (v instanceof GoObject) return toY(v.toJSONValue(), copied);
  if (Array.isArray(v)) return v.map((x) => toY(x, copied));
  if (isMap(v)) {
    const m = new Map<string, Y>();
    for (const k of Object.keys(v).sort(yamlKeyLess)) m.set(k, toY(v[k], copied));
    return m;
  }
  throw new FuncError(`json: unsupported type`);
}

const parseIntText = (t: string): bigint => BigInt(t.replace(/^-0$/, "0"));

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= "0" && c <= "9";
const letter = /^\p{L}$/u;

/** go-yaml v2's key order: letters by code point, runs of digits by numeric value. */
function yamlKeyLess(x: string, y: string): number {
  const a = Array.from(x);
  const b = Array.from(y);
  for (let i = 0; i < a.length && i < b.length; i++) {
    if (a[i] === b[i]) continue;
    const al = letter.test(a[i]!);
    const bl = letter.test(b[i]!);
    if (al && bl) return compareStrings(a[i]!, b[i]!);
    if (al || bl) return bl ? -1 : 1;
    let an = 0n;
    let bn = 0n;
    if (a[i] === "0" || b[i] === "0") {
      for (let j = i - 1; j >= 0 && isDigit(a[j]); j--) {
        if (a[j] !== "0") {
          an = bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < a.length && isDigit(a[ai]); ai++) an = an * 10n + BigInt(a[ai]!.charCodeAt(0) - 48);
    for (; bi < b.length && isDigit(b[bi]); bi++) bn = bn * 10n + BigInt(b[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn ? -1 : 1;
    if (ai !== bi) return ai < bi ? -1 : 1;
    return compareStrings(a[i]!, b[i]!);
  }
  return a.length - b.length;
}

function writeAtom(o: Out, v: Y, indent: number): void {
  if (v === null || typeof v === "boolean" || (typeof v === "object" && !Array.isArray(v) && !(v instanceof Map))) {
    const text = v === null ? "null" : typeof v === "boolean" ? String(v) : "int" in v ? v.int : floatText(v.float);
    if (!o.whitespace) o.put(" ");
    o.put(text);
    o.whitespace = false;
    o.indention = false;
    return;
  }
  if (typeof v === "string") return writeScalar(o, v, indent, false);
  o.indicator(Array.isArray(v) ? "[]" : "{}", true, false, false);
}

function floatText(f: number): string {
  const s = formatFloat(f, "g", -1);
  return s === "+Inf" ? ".inf" : s === "-Inf" ? "-.inf" : s === "NaN" ? ".nan" : s;
}

const isBlockCollection = (v: Y): v is Y[] | Map<string, Y> =>
  (Array.isArray(v) && v.length > 0) || (v instanceof Map && v.size > 0);

/** A key go-yaml can write inline: one line, at most 128 bytes. */
const isSimpleKey = (k: string): boolean =>
  !/[\n\r\u0085\u2028\u2029]/.test(k) && new TextEncoder().encode(k).length <= 128;

function writeMap(o: Out, m: Map<string, Y>, indent: number): void {
  for (const [k, v] of m) {
    o.indent(indent);
    if (!isSimpleKey(k)) {
      // "? key" then ": value", each at the mapping's indentation.
      o.indicator("?", true, false, true);
      writeScalar(o, k, indent + 2, false);
      o.indent(indent);
      o.indicator(":", true, false, true);
      if (isBlockCollection(v)) {
        if (Array.isArray(v)) writeSeq(o, v, indent + 2);
        else writeMap(o, v, indent + 2);
      } else writeAtom(o, v, indent + 2);
      continue;
    }
    writeScalar(o, k, indent, true);
    o.indicator(":", false, false, false);
    if (isBlockCollection(v)) {
      if (Array.isArray(v)) writeSeq(o, v, indent);
      else writeMap(o, v, indent + 2);
    } else writeAtom(o, v, indent + 2);
  }
}

function writeSeq(o: Out, xs: Y[], indent: number): void {
  for (const v of xs) {
    o.indent(indent);
    o.indicator("-", true, false, true);
    if (isBlockCollection(v)) {
      if (Array.isArray(v)) writeSeq(o, v, indent + 2);
      else writeMap(o, v, indent + 2);
    } else writeAtom(o, v, indent + 2);
  }
}

/** Helm's toYaml: sigs.k8s.io/yaml.Marshal without the final newline; "" when marshalling fails. */
export function toYaml(v: unknown): string {
  let y: Y;
  try {
    y = toY(v);
  } catch (e) {
    if (e instanceof LimitError) throw e;
    return "";
  }
  const o = new Out();
  if (isBlockCollection(y)) {
    if (Array.isArray(y)) writeSeq(o, y, 0);
    else writeMap(o, y, 0);
  } else writeAtom(o, y, 2);
  return o.text.replace(/^ /, "");
}

/** Helm's fromYaml: a map, or {"Error": message} when the text is not a YAML mapping. */
export function fromYaml(text: string): GoMap {
  const doc = parseDocument(text, {
    version: "1.1",
    customTags: (tags) =>
      tags.filter((t) => (typeof t === "string" ? t !== "timestamp" : t.tag !== "tag:yaml.org,2002:timestamp")),
    uniqueKeys: false,
  });
  const out = newMap();
  if (doc.errors.length > 0) {
    out.Error = `error converting YAML to JSON: yaml: ${doc.errors[0]!.message.split("\n")[0]}`;
    return out;
  }
  const js = toGo(doc.toJS({ maxAliasCount: 100 }));
  if (js === null) return out;
  if (!isMap(js)) {
    out.Error = `error unmarshaling JSON: json: cannot unmarshal ${Array.isArray(js) ? "array" : typeof js === "string" ? "string" : typeof js === "boolean" ? "bool" : "number"} into Go value of type map[string]interface {}`;
    return out;
  }
  return js;
}

/** YAML values as JSON would carry them: numbers become float64, keys strings. */
function toGo(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toGo);
  if (v instanceof Map) {
    const out = newMap();
    for (const [k, x] of v) out[String(k)] = toGo(x);
    return out;
  }
  if (typeof v === "object") {
    const out = newMap();
    for (const [k, x] of Object.entries(v)) out[k] = toGo(x);
    return out;
  }
  return v;
}
