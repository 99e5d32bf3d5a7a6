/**
 * Validation of built-in chart values against the schemas in schema-data.ts, through validators
 * compiled ahead of time (scripts/gen-schema-validators.ts), so a CLI call never compiles a schema.
 */
import type { ErrorObject } from "ajv";
import * as generated from "./_validators.generated.js";

type Validate = ((v: unknown) => boolean) & { errors?: ErrorObject[] | null };
const validators: Record<string, Validate> = { onechart: generated.onechart, "cron-job": generated.cron_job };

function describe(e: ErrorObject): { path: string; message: string } {
  const base = e.instancePath;
  switch (e.keyword) {
    case "additionalProperties":
      return { path: `${base}/${(e.params as { additionalProperty: string }).additionalProperty}`, message: "unknown field" };
    case "required":
      return { path: `${base}/${(e.params as { missingProperty: string }).missingProperty}`, message: "is required" };
    case "enum":
      return { path: base, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}` };
    default:
      return { path: base, message: e.message ?? "is invalid" };
  }
}

/** Problems with JSON-pointer paths (`/ingress/host`); empty when the values are valid. */
export function validateValues(chart: string, values: unknown): { path: string; message: string }[] {
  const v = validators[chart];
  if (!v) return [];
  if (v(values)) return [];
  const seen = new Set<string>();
  return (v.errors ?? []).map(describe).filter((p) => {
    const key = `${p.path} ${p.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
