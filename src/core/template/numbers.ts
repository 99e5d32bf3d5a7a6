/** Go number syntax: strconv.ParseInt/ParseUint with base 0 and strconv.ParseFloat. */

const prefixed = /^(0[xX])([0-9a-fA-F_]+)$|^(0[oO])([0-7_]+)$|^(0[bB])([01_]+)$/;

/** Underscores may only sit between digits (or after a base prefix), per Go's literal syntax. */
function underscoresOK(s: string): boolean {
  if (!s.includes("_")) return true;
  let saw: "^" | "0" | "_" | "!" = "^";
  let i = 0;
  if (s.length >= 2 && s[0] === "0" && /[xXbBoO]/.test(s[1]!)) {
    saw = "0";
    i = 2;
  }
  const hex = /^0[xX]/.test(s);
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (hex && /[a-fA-F]/.test(c))) saw = "0";
    else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** The integer a Go literal denotes (any size), or undefined when s is not an integer literal. */
export function parseIntLiteral(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === "+" || s[0] === "-") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "" || !underscoresOK(s)) return undefined;
  let v: bigint;
  const m = prefixed.exec(s);
  if (m) {
    const digits = (m[2] ?? m[4] ?? m[6]!).replace(/_/g, "");
    if (digits === "") return undefined;
    const base = m[1] ? 16 : m[3] ? 8 : 2;
    v = BigInt((base === 16 ? "0x" : base === 8 ? "0o" : "0b") + digits);
  } else if (/^0[0-7_]*$/.test(s)) {
    const digits = s.replace(/_/g, "");
    v = digits.length > 1 ? BigInt("0o" + digits.slice(1)) : 0n;
  } else if (/^[0-9_]+$/.test(s)) {
    v = BigInt(s.replace(/_/g, ""));
  } else return undefined;
  return neg ? -v : v;
}

const MAX_I64 = 2n ** 63n - 1n;
const MIN_I64 = -(2n ** 63n);

/** strconv.ParseInt(s, 0, 64) */
export function parseInt64(s: string): bigint | undefined {
  const v = parseIntLiteral(s);
  return v !== undefined && v >= MIN_I64 && v <= MAX_I64 ? v : undefined;
}

/** strconv.ParseUint(s, 0, 64): no sign allowed. */
export function parseUint64(s: string): bigint | undefined {
  if (s[0] === "+" || s[0] === "-") return undefined;
  const v = parseIntLiteral(s);
  return v !== undefined && v <= 2n ** 64n - 1n ? v : undefined;
}

const decimalFloat = /^[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?$/;
const hexFloat = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?[pP]([+-]?\d[\d_]*)$/;
const special = /^([+-]?)(inf|infinity|nan)$/i;

/** strconv.ParseFloat(s, 64); undefined for syntax errors. Out-of-range values become ±Inf. */
export function parseFloat64(s: string): number | undefined {
  const sp = special.exec(s);
  if (sp) return sp[2]!.toLowerCase() === "nan" ? NaN : sp[1] === "-" ? -Infinity : Infinity;
  if (decimalFloat.test(s)) {
    const body = s.replace(/^[+-]/, "");
    if (body.includes("_") && !underscoresOK(body.replace(/[.eE+-]/g, ""))) return undefined;
    return Number(s.replace(/_/g, ""));
  }
  const h = hexFloat.exec(s);
  if (h) {
    const int = (h[2] ?? "").replace(/_/g, "");
    const frac = (h[3] ?? "").replace(/_/g, "");
    if (int === "" && frac === "") return undefined;
    const mant = BigInt("0x" + (int + frac || "0"));
    const exp = Number(h[4]!.replace(/_/g, "")) - 4 * frac.length;
    const v = Number(mant) * 2 ** exp;
    return h[1] === "-" ? -v : v;
  }
  return undefined;
}
