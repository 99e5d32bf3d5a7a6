/** Names and labels as onechart derives them (reference §5.1). */
import { formatValue } from "../template/printf.ts";
import { parse } from "yaml";
import { resolvePlain11, yaml11ParseOptions } from "../yaml11.ts";

/** robustName: runs of non-word characters → "-", "_" → "-", lowercase, at most 63, no trailing "-". */
export function robustName(s: string): string {
  // \W takes every non-ASCII code unit, so the name is ASCII: 63 characters are 63 bytes.
  const out = s.replace(/\W+/g, "-").replace(/_/g, "-").toLowerCase().slice(0, 63);
  return out.endsWith("-") ? out.slice(0, -1) : out;
}

export interface ChartContext {
  release: string;
  namespace: string;
  chartName: string;
  chartVersion: string;
  values: Values;
}

export type Values = Record<string, any>;

export function name(ctx: ChartContext): string {
  return robustName(ctx.release);
}

export function selectorLabels(ctx: ChartContext): Record<string, string> {
  const n = (ctx.values.nameOverride as string) || ctx.chartName;
  return { "app.kubernetes.io/name": trimDash(n.slice(0, 63)), "app.kubernetes.io/instance": name(ctx) };
}

export function labels(ctx: ChartContext): Record<string, string> {
  const chart = trimDash(`${ctx.chartName}-${ctx.chartVersion}`.replace(/\+/g, "_").slice(0, 63));
  return { "helm.sh/chart": chart, ...selectorLabels(ctx), "app.kubernetes.io/managed-by": "Helm" };
}

function trimDash(s: string): string {
  return s.endsWith("-") ? s.slice(0, -1) : s;
}

/**
 * What an unquoted `{{ .Values.x }}` becomes once helm's YAML parser reads it back: the value
 * printed as Go prints it, then read as a YAML 1.1 scalar (so "3" → 3, "true" → true).
 */
export function scalar(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  const text = typeof v === "string" ? v : formatValue(v);
  if (text === "") return null;
  const plain = resolvePlain11(text);
  if (plain) return plain.value;
  try {
    const parsed = parse(text, yaml11ParseOptions) as unknown;
    return typeof parsed === "object" && parsed !== null ? text : parsed;
  } catch {
    return text;
  }
}

/** What `{{ x | quote }}` yields: always a string, printed as Go prints it. */
export function str(v: unknown): string {
  if (v === null || v === undefined) return "";
  return typeof v === "string" ? v : formatValue(v);
}

/**
 * What `key: {{ x | quote }}` reads back as: sprig's quote prints nothing for nil, so an absent
 * value is a YAML null (the key is left out), not "".
 */
export function quoted(v: unknown): string | null {
  return v === null || v === undefined ? null : str(v);
}

/** Go template truthiness of a values field. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

/** sprig's int64 of a value: numbers truncate, numeric strings parse, else 0. */
export function int64(v: unknown): number {
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "string" && /^\s*[+-]?\d+(\.0*)?\s*$/.test(v)) return parseInt(v, 10);
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
