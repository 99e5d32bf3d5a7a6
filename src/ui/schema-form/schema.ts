/**
 * The JSON Schema subset forms are built from, and the one step that makes a schema concrete for a
 * value: draft-07 `dependencies` (the stack definitions' `enabled` → `oneOf` branches) are resolved
 * against the value, so rendering, decoding and validation all see the same flat object schema.
 */

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema | JsonSchema[];
  additionalItems?: JsonSchema | boolean;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  dependencies?: Record<string, JsonSchema | string[]>;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  [key: string]: unknown;
}

export type FieldKind =
  | "object"
  | "string"
  | "number"
  | "integer"
  | "boolean"
  | "enum"
  | "stringList"
  | "objectList"
  | "json";

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function typeOf(s: JsonSchema): string | undefined {
  if (Array.isArray(s.type)) return s.type.find((t) => t !== "null");
  if (s.type) return s.type;
  if (s.properties || s.dependencies) return "object";
  return undefined;
}

/** How a property is edited; anything the form cannot represent faithfully is edited as JSON. */
export function kindOf(s: JsonSchema): FieldKind {
  if (Array.isArray(s.enum) && s.enum.length > 0) return "enum";
  if (s.oneOf || s.anyOf) return "json";
  const t = typeOf(s);
  switch (t) {
    case "object":
      return s.properties ? "object" : "json";
    case "string":
    case "number":
    case "integer":
    case "boolean":
      return t;
    case "array": {
      const items = Array.isArray(s.items) ? undefined : s.items;
      if (!items) return "json";
      const k = kindOf(items);
      if (k === "string" || k === "number" || k === "integer" || k === "enum") return "stringList";
      if (k === "object") return "objectList";
      return "json";
    }
    default:
      return "json";
  }
}

function branchMatches(branch: JsonSchema, key: string, v: unknown): boolean {
  const p = branch.properties?.[key];
  if (!p) return true;
  if ("const" in p) return p.const === v;
  if (Array.isArray(p.enum)) return p.enum.includes(v);
  return true;
}

/** The value a dependency keys on: the submitted one, else the schema default (RJSF does the same). */
function triggerValue(schema: JsonSchema, value: unknown, key: string): unknown {
  const v = isRecord(value) ? value[key] : undefined;
  return v !== undefined ? v : schema.properties?.[key]?.default;
}

/**
 * An object schema with its `dependencies` folded in for `value`: the chosen `oneOf` branch's
 * properties (other than the key it switches on) and `required` join the object's own.
 */
export function resolveObject(schema: JsonSchema, value: unknown): JsonSchema {
  if (!schema.dependencies) return schema;
  const properties: Record<string, JsonSchema> = { ...schema.properties };
  const required = new Set(schema.required ?? []);
  for (const [key, dep] of Object.entries(schema.dependencies)) {
    const v = triggerValue(schema, value, key);
    if (v === undefined) continue;
    if (Array.isArray(dep)) {
      for (const r of dep) required.add(r);
      continue;
    }
    const branches = dep.oneOf ?? dep.anyOf ?? [dep];
    const branch = branches.find((b) => branchMatches(b, key, v));
    if (!branch) continue;
    for (const [k, p] of Object.entries(branch.properties ?? {})) if (k !== key) properties[k] = p;
    for (const r of branch.required ?? []) required.add(r);
  }
  const { dependencies: _, ...rest } = schema;
  return { ...rest, properties, required: [...required] };
}

const dropKeys = new Set(["$id", "id", "$schema"]);

/**
 * The schema ajv checks `value` against: dependencies resolved at every level (so errors come from
 * the branch the form shows, not "must match exactly one schema in oneOf"), array items resolved
 * per item, and `$id`s dropped (stack definitions reuse the same `$id` in several branches).
 */
export function effectiveSchema(schema: JsonSchema, value: unknown): JsonSchema {
  const s: JsonSchema = {};
  for (const [k, v] of Object.entries(resolveObject(schema, value))) if (!dropKeys.has(k)) s[k] = v;
  if (s.properties) {
    const props: Record<string, JsonSchema> = {};
    for (const [k, p] of Object.entries(s.properties))
      props[k] = effectiveSchema(p, isRecord(value) ? value[k] : undefined);
    s.properties = props;
  }
  if (s.items && !Array.isArray(s.items)) {
    const items = s.items;
    if (Array.isArray(value) && value.length > 0) {
      s.items = value.map((v) => effectiveSchema(items, v));
      s.additionalItems = effectiveSchema(items, undefined);
    } else {
      s.items = effectiveSchema(items, undefined);
    }
  }
  for (const k of ["oneOf", "anyOf", "allOf"] as const) {
    if (Array.isArray(s[k])) s[k] = s[k].map((b) => effectiveSchema(b, value));
  }
  return s;
}

/** The schema of the value at `path` (as the form would show it for `value`), if there is one. */
export function schemaAt(schema: JsonSchema, value: unknown, path: (string | number)[]): JsonSchema | undefined {
  let s: JsonSchema | undefined = schema;
  let v: unknown = value;
  for (const seg of path) {
    if (!s) return undefined;
    if (typeof seg === "number") {
      s = Array.isArray(s.items) ? s.items[seg] : s.items;
    } else {
      s = resolveObject(s, v).properties?.[seg];
    }
    v = isRecord(v) || Array.isArray(v) ? (v as Record<string | number, unknown>)[seg] : undefined;
  }
  return s;
}

export { isRecord };
