/**
 * Schema validation with ajv, reported per form field: each message is keyed by the field name of
 * the value it is about (a missing required property by the property's own name), so the form
 * can show it in place.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { nameOf, type Path } from "./names.ts";
import { effectiveSchema, type JsonSchema } from "./schema.ts";

/** field name (relative to the form's root) → messages. "" is the root itself. */
export type FieldErrors = Record<string, string[]>;

const ajv = new Ajv({ allErrors: true, strict: false });
// Format checks without ajv-formats: the few formats stack schemas use, kept deliberately loose.
ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
ajv.addFormat("hostname", /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i);
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);

const compiled = new Map<string, ValidateFunction>();

function compile(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    if (compiled.size > 200) compiled.clear();
    fn = ajv.compile(schema);
    compiled.set(key, fn);
  }
  return fn;
}

function pathOfPointer(pointer: string): Path {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function messageOf(e: ErrorObject): string {
  switch (e.keyword) {
    case "required":
      return "is required";
    case "enum":
      return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    default:
      return e.message ?? "is invalid";
  }
}

/** Validates `value` against `schema` as the form shows it (dependencies resolved for this value). */
export function validateValue(schema: JsonSchema, value: unknown): FieldErrors {
  const fn = compile(effectiveSchema(schema, value));
  if (fn(value)) return {};
  const out: FieldErrors = {};
  const all = fn.errors ?? [];
  const summary = (e: ErrorObject) => e.keyword === "oneOf" || e.keyword === "anyOf" || e.keyword === "if";
  for (const e of all) {
    // A branch's own errors say more than "must match exactly one schema in oneOf"; keep the summary
    // only when nothing more specific was reported at or under its path.
    if (summary(e) && all.some((o) => !summary(o) && o.instancePath.startsWith(e.instancePath))) continue;
    const path = pathOfPointer(e.instancePath);
    if (e.keyword === "required") path.push((e.params as { missingProperty: string }).missingProperty);
    const name = nameOf(path);
    const msg = messageOf(e);
    const list = (out[name] ??= []);
    if (!list.includes(msg)) list.push(msg);
  }
  return out;
}

export function mergeErrors(a: FieldErrors, b: FieldErrors): FieldErrors {
  const out: FieldErrors = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = [...new Set([...(out[k] ?? []), ...v])];
  return out;
}

/** Errors as `path: message` lines, the CLI's shape. */
export function describeErrors(errors: FieldErrors, prefix = ""): string[] {
  return Object.entries(errors).flatMap(([name, msgs]) => {
    const where = [prefix, name].filter(Boolean).join(".");
    return msgs.map((m) => `${where || "(root)"}: ${m}`);
  });
}
