/**
 * strconv.FormatFloat for float64: %e, %f and %g with Go's rules. Shortest forms reuse the
 * engine's own shortest round-trip digits; explicit precisions round the exact binary value
 * half-to-even, as Go does (JS toFixed rounds exact ties up, so it cannot be used).
 */

/** Decimal digits without leading or trailing zeros; value = 0.d1d2d3… × 10^dp. Zero is "". */
interface Decimal {
  d: string;
  dp: number;
}

function shortestDigits(abs: number): Decimal {
  if (abs === 0) return { d: "", dp: 0 };
  const s = abs.toExponential();
  const e = s.indexOf("e");
  const digits = (s[0]! + s.slice(2, e)).replace(/0+$/, "");
  return { d: digits, dp: Number(s.slice(e + 1)) + 1 };
}

const f64 = new DataView(new ArrayBuffer(8));

function exactDigits(abs: number): Decimal {
  if (abs === 0) return { d: "", dp: 0 };
  f64.setFloat64(0, abs);
  const hi = f64.getUint32(0);
  const lo = f64.getUint32(4);
  const biasedExp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (biasedExp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = biasedExp - 1075;
  }
  let digits: string;
  let dp: number;
  if (exp >= 0) {
    digits = (mant << BigInt(exp)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-exp)).toString();
    dp = digits.length + exp;
  }
  const trimmed = digits.replace(/0+$/, "");
  return { d: trimmed, dp };
}

/** Keeps the first n digits, rounding half to even on the exact value. */
function roundTo(x: Decimal, n: number): Decimal {
  if (n < 0 || n >= x.d.length) return x;
  const next = x.d.charCodeAt(n) - 48;
  let up: boolean;
  if (next !== 5 || n + 1 < x.d.length) up = next >= 5;
  else up = n > 0 && (x.d.charCodeAt(n - 1) - 48) % 2 === 1;
  if (!up) return { d: x.d.slice(0, n).replace(/0+$/, ""), dp: n === 0 ? 0 : x.dp };
  let i = n - 1;
  while (i >= 0 && x.d[i] === "9") i--;
  if (i < 0) return { d: "1", dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

function fmtE(x: Decimal, prec: number, e: string): string {
  let s = x.d.length === 0 ? "0" : x.d[0]!;
  if (prec > 0) s += "." + x.d.slice(1, prec + 1).padEnd(prec, "0");
  const exp = x.d.length === 0 ? 0 : x.dp - 1;
  const a = Math.abs(exp);
  return `${s}${e}${exp < 0 ? "-" : "+"}${a < 10 ? "0" + a : a}`;
}

function fmtF(x: Decimal, prec: number): string {
  let s: string;
  if (x.dp > 0) s = x.d.slice(0, x.dp).padEnd(x.dp, "0");
  else s = "0";
  if (prec > 0) {
    let frac = "";
    for (let i = 1; i <= prec; i++) {
      const j = x.dp + i - 1;
      frac += j >= 0 && j < x.d.length ? x.d[j] : "0";
    }
    s += "." + frac;
  }
  return s;
}

export type FloatFormat = "e" | "E" | "f" | "g" | "G";

/** strconv.FormatFloat(v, fmt, prec, 64); prec -1 means the shortest exact representation. */
export function formatFloat(v: number, fmt: FloatFormat, prec: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  const shortest = prec < 0;
  let x: Decimal;
  if (shortest) {
    x = shortestDigits(abs);
    if (fmt === "e" || fmt === "E") prec = Math.max(x.d.length - 1, 0);
    else if (fmt === "f") prec = Math.max(x.d.length - x.dp, 0);
    else prec = x.d.length;
  } else {
    const exact = exactDigits(abs);
    if (fmt === "e" || fmt === "E") x = roundTo(exact, prec + 1);
    else if (fmt === "f") x = roundTo(exact, exact.dp + prec);
    else {
      if (prec === 0) prec = 1;
      x = roundTo(exact, prec);
    }
  }
  let body: string;
  if (fmt === "e" || fmt === "E") body = fmtE(x, prec, fmt);
  else if (fmt === "f") body = fmtF(x, prec);
  else {
    let eprec = prec;
    if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
    if (shortest) eprec = 6;
    const exp = x.dp - 1;
    if (x.d.length !== 0 && (exp < -4 || exp >= eprec)) {
      body = fmtE(x, Math.min(prec, x.d.length) - 1, fmt === "g" ? "e" : "E");
    } else {
      if (prec > x.dp) prec = x.d.length;
      body = fmtF(x, Math.max(prec - x.dp, 0));
    }
  }
  return neg ? "-" + body : body;
}
