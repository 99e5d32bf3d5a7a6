/**
 * `stack lint`: each component named in stack.yaml's `config` is checked against its JSON Schema,
 * and a key that names no component is an error with a did-you-mean. Every problem is
 * `stack.yaml:line: config.path: message`.
 *
 * Stack schemas (the original's) choose fields with `dependencies: {enabled: {oneOf: [...]}}`;
 * ajv then reports every branch. Only the branch whose `const` matches is reported, so a missing
 * host reads "config.nginx.host: is required" and not three lines about oneOf.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import { closestName } from "../did-you-mean.ts";
import { UserError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";
import type { LoadedStackConfig, StackDefinition } from "./definition.ts";

const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
// The formats stack schemas use, without ajv-formats; deliberately loose.
ajv.addFormat("email", /^[^\s@]+@[^\s@]+\.[^\s@]+$/);
ajv.addFormat("hostname", /^(?=.{1,253}$)[a-z0-9*]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/i);
ajv.addFormat("uri", /^[a-z][a-z0-9+.-]*:[^\s]*$/i);

/**
 * The original's schemas carry `$id`s like `#/properties/enabled` (for the UI's schemaIDs) and a
 * draft-07 `$schema` without `#`; ajv would take both as references. Validation needs neither.
 */
function stripIds(schema: unknown, underProperties = false): unknown {
  if (Array.isArray(schema)) return schema.map((s) => stripIds(s));
  if (!isPlainObject(schema)) return schema;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema)) {
    if (!underProperties && (k === "$id" || k === "$schema" || k === "id")) continue;
    const childIsPropertyMap =
      !underProperties && (k === "properties" || k === "patternProperties" || k === "definitions");
    out[k] = underProperties ? stripIds(v) : stripIds(v, childIsPropertyMap);
  }
  return out;
}

const compiled = new Map<string, ValidateFunction>();

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajv.compile(stripIds(schema) as object);
    compiled.set(key, fn);
  }
  return fn;
}

/** Drops the errors of oneOf/anyOf branches that a `const` or `enum` rules out, and the summary when a branch fits. */
function relevantErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  const ruledOut = new Set<string>();
  const summaries = errors.filter((e) => e.keyword === "oneOf" || e.keyword === "anyOf");
  const keep = new Set<ErrorObject>(errors);
  for (const s of summaries) {
    const prefix = `${s.schemaPath}/`;
    const branchOf = (e: ErrorObject) =>
      e.schemaPath.startsWith(prefix) ? e.schemaPath.slice(prefix.length).split("/")[0] : undefined;
    const branches = new Map<string, ErrorObject[]>();
    for (const e of errors) {
      const b = branchOf(e);
      if (b !== undefined) branches.set(b, [...(branches.get(b) ?? []), e]);
    }
    for (const [b, errs] of branches)
      if (errs.some((e) => e.keyword === "const" || e.keyword === "enum")) ruledOut.add(prefix + b);
    const fitting = [...branches.keys()].filter((b) => !ruledOut.has(prefix + b));
    if (fitting.length) keep.delete(s);
  }
  for (const e of errors)
    for (const r of ruledOut) if (e.schemaPath === r || e.schemaPath.startsWith(`${r}/`)) keep.delete(e);
  return errors.filter((e) => keep.has(e));
}

function pointerPath(pointer: string): string[] {
  return pointer === ""
    ? []
    : pointer
        .slice(1)
        .split("/")
        .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function messageOf(e: ErrorObject): { path: string[]; message: string } {
  const at = pointerPath(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { path: [...at, String(p.missingProperty)], message: "is required" };
    case "additionalProperties":
      return { path: [...at, String(p.additionalProperty)], message: "is not a known setting of this component" };
    case "enum":
      return {
        path: at,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`,
      };
    case "const":
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}` };
    default:
      return { path: at, message: e.message ?? "is invalid" };
  }
}

/** Every problem of `loaded` against `definition`, in file order. */
export function lintStackConfig(definition: StackDefinition, loaded: LoadedStackConfig): UserError[] {
  const problems: { line: number; err: UserError }[] = [];
  const file = loaded.file;
  const add = (path: (string | number)[], message: string, hint?: string) => {
    const line = loaded.lineOf(path);
    problems.push({
      line: line ?? 0,
      err: new UserError(message, {
        pos: { file, ...(line !== undefined ? { line } : {}) },
        path: path.join("."),
        ...(hint ? { hint } : {}),
      }),
    });
  };
  const byVariable = new Map(definition.components.map((c) => [c.variable, c]));
  for (const [key, value] of Object.entries(loaded.config.config)) {
    const component = byVariable.get(key);
    if (!component) {
      add(["config", key], "unknown component", suggest(key, [...byVariable.keys()]));
      continue;
    }
    let fn: ValidateFunction;
    try {
      fn = compile(component.schema);
    } catch (e) {
      add(
        ["config", key],
        `the stack's schema for ${key} does not compile: ${(e as Error).message}`,
        "a problem of the stack definition",
      );
      continue;
    }
    if (fn(value)) continue;
    const seen = new Set<string>();
    for (const e of relevantErrors(fn.errors ?? [])) {
      const m = messageOf(e);
      const id = `${m.path.join(".")}\u0000${m.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      add(["config", key, ...m.path], m.message);
    }
  }
  return problems.sort((a, b) => a.line - b.line).map((p) => p.err);
}

/** "did you mean" for a misspelt component: the closest variable within edit distance 3. */
function suggest(key: string, known: string[]): string {
  const best = closestName(key, known, 3);
  return best ? `did you mean ${best}?` : `components of this stack: ${known.join(", ")}`;
}
