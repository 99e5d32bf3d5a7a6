/**
 * Validation of built-in chart values against the schemas in schema-data.ts, through validators
 * compiled ahead of time (scripts/gen-schema-validators.ts), so a CLI call never compiles a schema.
 * As helm does, the values are checked after the chart defaults are merged in: `resources` with
 * only `memory` is complete, the chart supplies `cpu`.
 */
import type { ErrorObject } from "ajv";
import * as generated from "./_validators.generated.js";
import { coalesce, cronJobDefaults, onechartDefaults } from "./values.ts";

type Validate = ((v: unknown) => boolean) & { errors?: ErrorObject[] | null };
const validators: Record<string, Validate> = { onechart: generated.onechart, "cron-job": generated.cron_job };
const defaults: Record<string, Record<string, unknown>> = { onechart: onechartDefaults, "cron-job": cronJobDefaults };

export interface ValuesProblem {
  path: string;
  message: string;
  hint?: string;
}

function valueAt(root: unknown, pointer: string): unknown {
  let v = root;
  for (const seg of pointer.split("/").slice(1))
    v =
      v && typeof v === "object"
        ? (v as Record<string, unknown>)[seg.replace(/~1/g, "/").replace(/~0/g, "~")]
        : undefined;
  return v;
}

function describe(e: ErrorObject, values: unknown): ValuesProblem {
  const base = e.instancePath;
  switch (e.keyword) {
    case "additionalProperties":
      return {
        path: `${base}/${(e.params as { additionalProperty: string }).additionalProperty}`,
        message: "unknown field",
      };
    case "required": {
      const path = `${base}/${(e.params as { missingProperty: string }).missingProperty}`;
      const removed = valueAt(values, base) !== undefined && base === "";
      return {
        path,
        message: "is required",
        ...(removed ? { hint: "the chart reads fields inside it; null cannot remove it" } : {}),
      };
    }
    case "enum":
      return {
        path: base,
        message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.filter((x) => x !== null && x !== "").join(", ")}`,
      };
    case "type": {
      const want = String((e.params as { type: string | string[] }).type).replace(/,null$/, "");
      const got = valueAt(values, base);
      if (want === "string" && (typeof got === "number" || typeof got === "boolean")) {
        const tag = base === "/image/tag";
        return {
          path: base,
          message: `must be a string, not the ${typeof got} ${String(got)}`,
          hint: tag
            ? `quote the tag (tag: "1.20"): YAML reads an unquoted 1.20 as the number 1.2, and the image would be the wrong one`
            : "quote the value, as onechart's schema requires",
        };
      }
      return { path: base, message: `must be ${want.replace(/,/g, " or ")}${got === null ? ", not null" : ""}` };
    }
    case "pattern":
      return { path: base, message: `does not match ${(e.params as { pattern: string }).pattern}` };
    case "anyOf":
      return {
        path: base,
        message:
          "needs a source: size, existingClaim, hostPath, emptyDir, existingConfigMap, fileName with fileContent, or existingSecret",
      };
    default:
      return { path: base, message: e.message ?? "is invalid" };
  }
}

/** Problems with JSON-pointer paths (`/ingress/host`); empty when the values are valid. */
export function validateValues(chart: string, values: unknown): ValuesProblem[] {
  const v = validators[chart];
  if (!v) return [];
  const merged = coalesce(defaults[chart]!, (values ?? {}) as Record<string, unknown>);
  if (v(merged)) return [];
  const seen = new Set<string>();
  const errors = v.errors ?? [];
  // anyOf lists every branch's complaint; one line per volume says it better.
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  return errors
    .filter((e) => e.keyword === "anyOf" || !(anyOfPaths.has(e.instancePath) && e.keyword === "required"))
    .map((e) => describe(e, merged))
    .filter((p) => {
      const key = `${p.path} ${p.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
}
