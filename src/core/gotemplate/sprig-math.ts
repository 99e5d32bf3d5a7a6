/** Sprig's integer math: arguments are converted with toInt64 and results are int64. */
import type { Func } from "./exec.ts";
import { toFloat64, toInt64 } from "./convert.ts";

export const mathFuncs: Record<string, Func> = {
  add: (...xs) => xs.reduce<bigint>((a, x) => a + toInt64(x), 0n),
  add1: (x) => toInt64(x) + 1n,
  sub: (a, b) => toInt64(a) - toInt64(b),
  mul: (a, ...xs) => xs.reduce<bigint>((p, x) => p * toInt64(x), toInt64(a)),
  div: (a, b) => {
    const d = toInt64(b);
    if (d === 0n) throw new Error("runtime error: integer divide by zero");
    return toInt64(a) / d;
  },
  mod: (a, b) => {
    const d = toInt64(b);
    if (d === 0n) throw new Error("runtime error: integer divide by zero");
    return toInt64(a) % d;
  },
  max: (a, ...xs) => xs.reduce<bigint>((m, x) => (toInt64(x) > m ? toInt64(x) : m), toInt64(a)),
  min: (a, ...xs) => xs.reduce<bigint>((m, x) => (toInt64(x) < m ? toInt64(x) : m), toInt64(a)),
  int: (x) => toInt64(x),
  int64: (x) => toInt64(x),
  float64: (x) => toFloat64(x),
  atoi: (x) => {
    const s = String(x);
    return /^[+-]?\d+$/.test(s) ? BigInt(s) : 0n;
  },
};
