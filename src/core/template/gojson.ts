/** encoding/json's Marshal, MarshalIndent and Unmarshal-into-interface{} over the value model. */
import { formatFloat } from "./float-format.ts";
import { checkSize } from "./limits.ts";
import { FuncError, GoInt, GoObject, isMap, sortedKeys } from "./values.ts";

const hex = "0123456789abcdef";

export function jsonString(s: string, escapeHTML: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const c = s.charCodeAt(i);
    if (
      c >= 0x20 &&
      ch !== '"' &&
      ch !== "\\" &&
      c !== 0x2028 &&
      c !== 0x2029 &&
      !(escapeHTML && (ch === "<" || ch === ">" || ch === "&"))
    ) {
      if (c >= 0xd800 && c <= 0xdbff) {
        const next = s.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          out += ch + s[++i];
          continue;
        }
        out += "\\ufffd";
        continue;
      }
      out += c >= 0xdc00 && c <= 0xdfff ? "\\ufffd" : ch;
      continue;
    }
    switch (ch) {
      case '"':
      case "\\":
        out += "\\" + ch;
        break;
      case "\b":
        out += "\\b";
        break;
      case "\f":
        out += "\\f";
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default:
        out += c >= 0x2028 ? "\\u202" + hex[c & 15] : "\\u00" + hex[c >> 4] + hex[c & 15];
    }
  }
  return out + '"';
}

/** encoding/json's float64 format: %f-style, exponent form below 1e-6 or from 1e21. */
export function jsonFloat(f: number): string {
  if (!Number.isFinite(f)) throw new FuncError(`json: unsupported value: ${formatFloat(f, "g", -1)}`);
  const abs = Math.abs(f);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return formatFloat(f, "e", -1).replace(/e-0(\d)$/, "e-$1");
  return formatFloat(f, "f", -1);
}

export interface MarshalOptions {
  escapeHTML: boolean;
  indent?: string;
}

export function marshal(v: unknown, opts: MarshalOptions, depth = 0): string {
  if (v === null || v === undefined) return "null";
  switch (typeof v) {
    case "string":
      return jsonString(v, opts.escapeHTML);
    case "boolean":
      return v ? "true" : "false";
    case "number":
      return jsonFloat(v);
    case "bigint":
      return v.toString();
  }
  if (v instanceof GoInt) return v.v.toString();
  if (v instanceof GoObject) return marshal(v.toJSONValue(), opts, depth);
  const nl = opts.indent !== undefined ? "\n" + opts.indent.repeat(depth + 1) : "";
  const close = opts.indent !== undefined ? "\n" + opts.indent.repeat(depth) : "";
  const colon = opts.indent !== undefined ? ": " : ":";
  if (Array.isArray(v)) {
    if (v.length === 0) return "[]";
    return "[" + bounded(v, (x) => nl + marshal(x, opts, depth + 1)) + close + "]";
  }
  if (isMap(v)) {
    const keys = sortedKeys(v);
    if (keys.length === 0) return "{}";
    return (
      "{" +
      bounded(keys, (k) => nl + jsonString(k, opts.escapeHTML) + colon + marshal(v[k], opts, depth + 1)) +
      close +
      "}"
    );
  }
  throw new FuncError(`json: unsupported type: ${typeof v}`);
}

/** Elements joined by commas with a running size check: shared values must not multiply unseen. */
function bounded<T>(xs: T[], f: (x: T) => string): string {
  const parts: string[] = [];
  let n = 0;
  for (const x of xs) {
    const p = f(x);
    checkSize((n += p.length + 1), "JSON text");
    parts.push(p);
  }
  return parts.join(",");
}

/** json.Unmarshal into interface{}: numbers become float64, objects map[string]interface {}. */
export function unmarshal(text: string): unknown {
  let v: unknown;
  try {
    v = JSON.parse(text) as unknown;
  } catch (e) {
    throw new FuncError(jsonSyntaxError(text, e));
  }
  if (!allFinite(v)) throw new FuncError("json: cannot unmarshal number into Go value of type float64");
  return v;
}

/** Go rejects numbers beyond float64's range where JSON.parse yields Infinity. */
function allFinite(v: unknown): boolean {
  if (typeof v === "number") return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(allFinite);
  if (v !== null && typeof v === "object") return Object.values(v).every(allFinite);
  return true;
}

function jsonSyntaxError(text: string, e: unknown): string {
  if (text.trim() === "") return "unexpected end of JSON input";
  return `invalid character in JSON: ${(e as Error).message}`;
}
