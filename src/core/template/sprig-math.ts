/**
 * Sprig's numbers: spf13/cast conversions (int, int64, float64), int64 arithmetic that wraps
 * like Go's, float helpers, and the decimal-exact addf/subf/mulf/divf.
 */
import { ANY, def } from "./args.ts";
import { formatValue } from "./printf.ts";
import { parseFloat64, parseInt64 } from "./numbers.ts";
import { FuncError, GoInt, GoObject, type GoFunc, int64 } from "./values.ts";

const MIN_I64 = -(2n ** 63n);

/** cast's trimZeroDecimal: "1.00" → "1", anything else unchanged. */
function trimZeroDecimal(s: string): string {
  let foundZero = false;
  for (let i = s.length; i > 0; i--) {
    const c = s[i - 1];
    if (c === ".") {
      if (foundZero) return s.slice(0, i - 1);
    } else if (c === "0") foundZero = true;
    else return s;
  }
  return s;
}

/** float64 → int64 as amd64 converts: truncation, and the minimum value when out of range. */
function floatToInt(f: number): bigint {
  if (!Number.isFinite(f) || f >= 2 ** 63 || f < -(2 ** 63)) return MIN_I64;
  return BigInt(Math.trunc(f));
}

/** cast.ToInt64: conversion errors give 0, as sprig ignores them. */
export function toInt64(v: unknown): bigint {
  switch (typeof v) {
    case "bigint":
      return v;
    case "number":
      return floatToInt(v);
    case "string":
      return parseInt64(trimZeroDecimal(v)) ?? 0n;
    case "boolean":
      return v ? 1n : 0n;
  }
  if (v instanceof GoInt) return BigInt.asIntN(64, v.v);
  return 0n;
}

/** cast.ToInt (Go's int is 64-bit). */
export const toInt = toInt64;

/** cast.ToFloat64 */
export function toFloat64(v: unknown): number {
  switch (typeof v) {
    case "bigint":
      return Number(v);
    case "number":
      return v;
    case "string":
      return parseFloat64(v) ?? 0;
    case "boolean":
      return v ? 1 : 0;
  }
  if (v instanceof GoInt) return Number(v.v);
  return 0;
}

const wrap = (v: bigint): GoInt => int64(v);

function divide(a: unknown, b: unknown, op: (x: bigint, y: bigint) => bigint): GoInt {
  const y = toInt64(b);
  if (y === 0n) throw new FuncError("runtime error: integer divide by zero");
  return wrap(op(toInt64(a), y));
}

function round(a: unknown, p: bigint, ...opt: number[]): number {
  const roundOn = opt[0] ?? 0.5;
  const val = toFloat64(a);
  const pow = 10 ** Number(p);
  const digit = pow * val;
  const frac = digit % 1;
  return (frac >= roundOn ? Math.ceil(digit) : Math.floor(digit)) / pow;
}

function atoi(s: string): bigint {
  if (!/^[+-]?\d+$/.test(s)) return 0n;
  const v = BigInt(s);
  return v > 2n ** 63n - 1n ? 2n ** 63n - 1n : v < MIN_I64 ? MIN_I64 : v;
}

function toDecimal(v: unknown): GoInt {
  const s = v instanceof GoObject ? v.toString() : formatValue(v);
  if (!/^[+-]?[0-7]+$/.test(s)) return int64(0);
  const neg = s[0] === "-";
  const n = BigInt("0o" + s.replace(/^[+-]/, ""));
  if (n > 2n ** 63n - (neg ? 0n : 1n)) return int64(0);
  return int64(neg ? -n : n);
}

/** A shopspring/decimal value: coef × 10^exp, made from a float's shortest decimal form. */
interface Dec {
  coef: bigint;
  exp: number;
}

function decFromFloat(f: number): Dec {
  if (f === 0 || !Number.isFinite(f)) return { coef: 0n, exp: 0 };
  const [mant, e] = f.toExponential().split("e") as [string, string];
  const digits = mant.replace(".", "");
  const frac = mant.includes(".") ? mant.length - mant.indexOf(".") - 1 : 0;
  return { coef: BigInt(digits), exp: Number(e) - frac };
}

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const exp = Math.min(a.exp, b.exp);
  return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
}

const decOps: Record<string, (a: Dec, b: Dec) => Dec> = {
  add: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x + y, exp };
  },
  sub: (a, b) => {
    const [x, y, exp] = align(a, b);
    return { coef: x - y, exp };
  },
  mul: (a, b) => ({ coef: a.coef * b.coef, exp: a.exp + b.exp }),
  div: (a, b) => {
    if (b.coef === 0n) throw new FuncError("decimal division by zero");
    const prec = 16;
    // Quotient truncated at 16 decimal places, then rounded half away from zero.
    const shift = a.exp - b.exp + prec;
    const num = shift >= 0 ? a.coef * 10n ** BigInt(shift) : a.coef;
    const den = shift >= 0 ? b.coef : b.coef * 10n ** BigInt(-shift);
    let q = num / den;
    const r = num % den;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(den)) q += num < 0n !== den < 0n ? -1n : 1n;
    return { coef: q, exp: -prec };
  },
};

function decimalOp(op: string, first: unknown, rest: unknown[]): number {
  let acc = decFromFloat(toFloat64(first));
  for (const x of rest) acc = decOps[op]!(acc, decFromFloat(toFloat64(x)));
  return Number(`${acc.coef}e${acc.exp}`);
}

const maxOf = (a: unknown, ...xs: unknown[]): GoInt =>
  wrap(xs.reduce<bigint>((m, x) => (toInt64(x) > m ? toInt64(x) : m), toInt64(a)));
const minOf = (a: unknown, ...xs: unknown[]): GoInt =>
  wrap(xs.reduce<bigint>((m, x) => (toInt64(x) < m ? toInt64(x) : m), toInt64(a)));

export const mathFuncs: Record<string, GoFunc> = {
  add1: def([ANY], (i: unknown) => wrap(toInt64(i) + 1n)),
  add: def([], (...xs: unknown[]) => wrap(xs.reduce<bigint>((s, x) => s + toInt64(x), 0n)), ANY),
  sub: def([ANY, ANY], (a: unknown, b: unknown) => wrap(toInt64(a) - toInt64(b))),
  div: def([ANY, ANY], (a: unknown, b: unknown) => divide(a, b, (x, y) => x / y)),
  mod: def([ANY, ANY], (a: unknown, b: unknown) => divide(a, b, (x, y) => x % y)),
  mul: def(
    [ANY],
    (a: unknown, ...xs: unknown[]) => wrap(xs.reduce<bigint>((p, x) => BigInt.asIntN(64, p * toInt64(x)), toInt64(a))),
    ANY,
  ),
  max: def([ANY], maxOf, ANY),
  biggest: def([ANY], maxOf, ANY),
  min: def([ANY], minOf, ANY),
  maxf: def(
    [ANY],
    (a: unknown, ...xs: unknown[]) => xs.reduce<number>((m, x) => Math.max(m, toFloat64(x)), toFloat64(a)),
    ANY,
  ),
  minf: def(
    [ANY],
    (a: unknown, ...xs: unknown[]) => xs.reduce<number>((m, x) => Math.min(m, toFloat64(x)), toFloat64(a)),
    ANY,
  ),
  floor: def([ANY], (a: unknown) => Math.floor(toFloat64(a))),
  ceil: def([ANY], (a: unknown) => Math.ceil(toFloat64(a))),
  round: def([ANY, "int"], round, "float64"),
  int: def([ANY], (v: unknown) => toInt(v)),
  int64: def([ANY], (v: unknown) => int64(toInt64(v))),
  float64: def([ANY], toFloat64),
  atoi: def(["string"], atoi),
  toDecimal: def([ANY], toDecimal),
  add1f: def([ANY], (i: unknown) => decimalOp("add", i, [1n])),
  addf: def([], (...xs: unknown[]) => decimalOp("add", 0, xs), ANY),
  subf: def([ANY], (a: unknown, ...xs: unknown[]) => decimalOp("sub", a, xs), ANY),
  mulf: def([ANY], (a: unknown, ...xs: unknown[]) => decimalOp("mul", a, xs), ANY),
  divf: def([ANY], (a: unknown, ...xs: unknown[]) => decimalOp("div", a, xs), ANY),
};
