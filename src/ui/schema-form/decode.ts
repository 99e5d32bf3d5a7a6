/**
 * Submitted form data → a typed config value, driven by the same schema walk the renderer does.
 * A field that was not on the page keeps its old value (so a disabled component keeps its host);
 * a field that was on the page and left empty is removed. Text that does not parse as the schema's
 * type is kept as typed, so validation reports the schema's message and the form shows the input.
 */
import { nameOf, type Path } from "./names.ts";
import { isRecord, kindOf, resolveObject, type JsonSchema } from "./schema.ts";
import { uiChild, type UiSchema } from "./ui-schema.ts";
import type { FieldErrors } from "./validate.ts";

/** URLSearchParams and FormData both fit. */
export interface FormInput {
  getAll(name: string): unknown[];
}

export interface Decoded {
  value: unknown;
  /** Problems found before validation (unparsable JSON), keyed like FieldErrors. */
  errors: FieldErrors;
  /** Text to show again instead of the value, for fields whose input could not be kept in the value. */
  raw: Record<string, string>;
}

/** Marker fields the renderer adds beside real inputs: row counts and per-row removal. */
export const countField = "__n";
export const removeField = "__remove";

interface Ctx {
  form: FormInput;
  root: Path;
  errors: FieldErrors;
  raw: Record<string, string>;
}

const absent = Symbol("absent");
type Out = unknown | typeof absent;

function strings(ctx: Ctx, path: Path): string[] {
  return ctx.form.getAll(nameOf([...ctx.root, ...path])).filter((v): v is string => typeof v === "string");
}

function last(ctx: Ctx, path: Path): string | undefined {
  const all = strings(ctx, path);
  return all.length ? all[all.length - 1] : undefined;
}

function scalar(s: JsonSchema, text: string): unknown {
  const t = text.trim();
  if (t === "") return undefined;
  const k = kindOf(s);
  if (k === "enum") return s.enum!.find((e) => String(e) === text) ?? text;
  if (k === "number" || k === "integer") {
    const n = Number(t);
    return Number.isFinite(n) && (k === "number" || Number.isInteger(n)) ? n : text;
  }
  if (k === "boolean") return t === "true" ? true : t === "false" ? false : text;
  return text;
}

function decodeAt(s: JsonSchema, ui: UiSchema | undefined, path: Path, base: unknown, ctx: Ctx): Out {
  const kind = kindOf(s);
  switch (kind) {
    case "object":
      return decodeObject(s, ui, path, base, ctx);
    case "boolean": {
      const all = strings(ctx, path);
      return all.length === 0 ? absent : all.includes("true");
    }
    case "string": {
      const v = last(ctx, path);
      return v === undefined ? absent : v === "" ? undefined : v;
    }
    case "number":
    case "integer":
    case "enum": {
      const v = last(ctx, path);
      return v === undefined ? absent : scalar(s, v);
    }
    case "stringList": {
      const v = last(ctx, path);
      if (v === undefined) return absent;
      const items = s.items as JsonSchema;
      const list = v
        .split(/\r?\n/)
        .filter((l) => l.trim() !== "")
        .map((l) => scalar(items, l.trim()));
      return list.length ? list : undefined;
    }
    case "objectList":
      return decodeObjectList(s, ui, path, base, ctx);
    case "json": {
      const v = last(ctx, path);
      if (v === undefined) return absent;
      if (v.trim() === "") return undefined;
      try {
        return JSON.parse(v);
      } catch (e) {
        const name = nameOf(path);
        ctx.errors[name] = [`must be valid JSON (${(e as Error).message})`];
        ctx.raw[name] = v;
        return base === undefined ? absent : base;
      }
    }
  }
}

function decodeObject(s: JsonSchema, ui: UiSchema | undefined, path: Path, base: unknown, ctx: Ctx): Out {
  const obj: Record<string, unknown> = isRecord(base) ? { ...base } : {};
  let present = false;
  const apply = (key: string, p: JsonSchema) => {
    const v = decodeAt(p, uiChild(ui, key), [...path, key], obj[key], ctx);
    if (v === absent) return;
    present = true;
    if (v === undefined) delete obj[key];
    else obj[key] = v;
  };
  // Own properties first: dependencies switch on them, so the branch is chosen from the new values.
  for (const [k, p] of Object.entries(s.properties ?? {})) apply(k, p);
  const resolved = resolveObject(s, obj);
  for (const [k, p] of Object.entries(resolved.properties ?? {})) if (!(k in (s.properties ?? {}))) apply(k, p);
  if (!present) return absent;
  return Object.keys(obj).length === 0 && base === undefined ? undefined : obj;
}

function isBlank(v: unknown): boolean {
  if (v === undefined || v === false || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRecord(v)) return Object.values(v).every(isBlank);
  return false;
}

function decodeObjectList(s: JsonSchema, ui: UiSchema | undefined, path: Path, base: unknown, ctx: Ctx): Out {
  const n = Number(last(ctx, [...path, countField]));
  if (!Number.isInteger(n) || n < 0) return absent;
  const old = Array.isArray(base) ? base : [];
  const items = s.items as JsonSchema;
  const out: unknown[] = [];
  for (let i = 0; i < Math.min(n, 1000); i++) {
    if (strings(ctx, [...path, i, removeField]).includes("true")) continue;
    const v = decodeAt(items, uiChild(ui, "items"), [...path, i], old[i], ctx);
    const item = v === absent ? old[i] : v;
    // The trailing empty row is how a new item is added without JavaScript; left empty, it is no item.
    if (i >= old.length && isBlank(item)) continue;
    if (item !== undefined) out.push(item);
  }
  return out.length ? out : undefined;
}

/**
 * Reads the fields under `root` (the name prefix the form was rendered with) into a copy of
 * `base`. `value` is undefined when the form holds nothing for this schema.
 */
export function decodeForm(
  schema: JsonSchema,
  uiSchema: UiSchema | undefined,
  form: FormInput,
  root: Path,
  base: unknown,
): Decoded {
  const ctx: Ctx = { form, root, errors: {}, raw: {} };
  const v = decodeAt(schema, uiSchema, [], base, ctx);
  return { value: v === absent ? base : v, errors: ctx.errors, raw: ctx.raw };
}
