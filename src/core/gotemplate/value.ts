/**
 * Go values in JavaScript: string, float64 (number), int (bigint), bool, nil (null), slices
 * (arrays), maps (plain objects), time.Time (Date), structs (class instances). `NoValue` stands for
 * a missing map entry, printed `<no value>` as Go does.
 */
export const NoValue: unique symbol = Symbol("no value");
export type Value = unknown;

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Date) && Object.getPrototypeOf(v) === Object.prototype;
}

/** Go's reflect kind names, for error messages. */
export function typeName(v: unknown): string {
  if (v === null || v === undefined || v === NoValue) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "bigint") return "int";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  if (v instanceof Date) return "time.Time";
  if (isMap(v)) return "map[string]interface {}";
  return (v as object).constructor?.name ?? "struct";
}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function truth(v: unknown): boolean {
  if (v === null || v === undefined || v === NoValue) return false;
  if (typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > 0;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "bigint") return v !== 0n;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** strconv.FormatFloat(f, 'g', -1, 64) with fmt's %v exponent thresholds. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (f === Infinity) return "+Inf";
  if (f === -Infinity) return "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expStr] = f.toExponential().split("e") as [string, string];
  const exp = Number(expStr);
  if (exp < -4 || exp >= 21) return `${mant}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
  return String(f);
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/** time.Time's String(): "2006-01-02 15:04:05.999999999 -0700 MST" (UTC here). */
export function formatTime(d: Date): string {
  const frac = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds(), 3).replace(/0+$/, "")}` : "";
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${frac} +0000 UTC`;
}

/** fmt's %v. */
export function formatValue(v: unknown, nested = false): string {
  if (v === NoValue) return nested ? "<nil>" : "<no value>";
  if (v === null || v === undefined) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatFloat(v);
  if (typeof v === "bigint" || typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, true)).join(" ")}]`;
  if (v instanceof Date) return formatTime(v);
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${formatValue(v[k], true)}`).join(" ")}]`;
  const s = (v as { toString?: () => string }).toString?.();
  if (s && s !== "[object Object]") return s;
  return `{${Object.values(v as object).map((x) => formatValue(x, true)).join(" ")}}`;
}

/** What an action prints: like %v, but a missing or nil value is `<no value>`. */
export function printAction(v: unknown): string {
  if (v === null || v === undefined || v === NoValue) return "<no value>";
  return formatValue(v);
}
