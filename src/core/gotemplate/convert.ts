/** Sprig's loose conversions (strval, toInt64, toFloat64) and emptiness. */
import { formatValue, isMap, NoValue, typeName } from "./value.ts";

export function strval(v: unknown): string {
  if (typeof v === "string") return v;
  if (v === NoValue || v === undefined) return "<nil>";
  return formatValue(v);
}

/** cast.ToInt64: numbers truncate, strings parse (base prefixes allowed), bools are 0/1, others 0. */
export function toInt64(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return Number.isFinite(v) ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === "boolean") return v ? 1n : 0n;
  if (typeof v === "string") {
    const s = v.trim().replace(/\.0*$/, "");
    try {
      if (/^[+-]?(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO]?[0-7]+|\d+)$/.test(s)) {
        const neg = s.startsWith("-");
        const body = s.replace(/^[+-]/, "");
        const n = /^0[0-7]+$/.test(body) ? BigInt("0o" + body.slice(1)) : BigInt(body.replace(/^0[oO]/, "0o"));
        return neg ? -n : n;
      }
    } catch {
      return 0n;
    }
    return 0n;
  }
  return 0n;
}

export function toFloat64(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const f = Number(v.trim());
    return Number.isNaN(f) ? 0 : f;
  }
  return 0;
}

/** Sprig's empty: nil, false, 0, "", and empty lists and maps. */
export function empty(v: unknown): boolean {
  if (v === null || v === undefined || v === NoValue) return true;
  if (typeof v === "string") return v.length === 0;
  if (typeof v === "number") return v === 0;
  if (typeof v === "bigint") return v === 0n;
  if (typeof v === "boolean") return !v;
  if (Array.isArray(v)) return v.length === 0;
  if (isMap(v)) return Object.keys(v).length === 0;
  return false;
}

/**
 * A typed parameter got a value of another type. Go checks this before the call, so the message
 * depends on whether the argument was a literal ("expected string; found 42") or a value.
 */
export class ArgTypeError extends Error {
  constructor(
    readonly expected: string,
    readonly value: unknown,
  ) {
    super(`wrong type for value; expected ${expected}; got ${typeName(value)}`);
  }
}

export function needString(v: unknown): string {
  if (typeof v !== "string") throw new ArgTypeError("string", v);
  return v;
}

export function needInt(v: unknown): number {
  if (typeof v !== "bigint") throw new ArgTypeError("int", v);
  return Number(v);
}

export function needBool(v: unknown): boolean {
  if (typeof v !== "boolean") throw new ArgTypeError("bool", v);
  return v;
}

/** Sprig's strslice: a list's elements as strings, nils dropped. */
export function strslice(v: unknown): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined && x !== NoValue).map(strval);
  if (v === null || v === undefined || v === NoValue) return [];
  return [strval(v)];
}

export function list(v: unknown, fn: string): unknown[] {
  if (Array.isArray(v)) return v;
  throw new Error(`Cannot ${fn} on type ${typeName(v)}`);
}
