/**
 * The schema form as Preact VNodes: one input per schema property, named by its config path
 * (names.ts), with the schema's title, description, `ui:help` and any validation messages in place.
 * Field builders are plain functions called eagerly, so the root knows which error keys found a
 * field and lists the rest above the fields. No input carries HTML validation attributes: the
 * server's schema check is the one authority, with and without JavaScript.
 */
import type { ComponentChildren, VNode } from "preact";
import { countField, removeField } from "./decode.ts";
import { idOf, nameOf, type Path } from "./names.ts";
import { isRecord, kindOf, resolveObject, type JsonSchema } from "./schema.ts";
import { orderKeys, uiChild, uiString, type UiSchema } from "./ui-schema.ts";
import type { FieldErrors } from "./validate.ts";

export interface SchemaFieldsProps {
  schema: JsonSchema;
  uiSchema?: UiSchema;
  value: unknown;
  /** Field names (relative to root) → messages, from validateValue/decodeForm. */
  errors?: FieldErrors;
  raw?: Record<string, string>;
  /** Path prefix of every input name, e.g. ["nginx"] → `nginx.host`. */
  root?: Path;
  /** Prefix of element ids, unique per form on the page. */
  idPrefix?: string;
  /** Extra attributes for a field's input (e.g. htmx attributes on a toggle that switches fields). */
  inputAttrs?: (path: Path, schema: JsonSchema) => Record<string, string> | undefined;
}

interface Ctx {
  root: Path;
  idPrefix: string;
  errors: FieldErrors;
  raw: Record<string, string>;
  shown: Set<string>;
  inputAttrs: SchemaFieldsProps["inputAttrs"];
}

interface Field {
  schema: JsonSchema;
  ui: UiSchema | undefined;
  path: Path;
  value: unknown;
  key: string;
  required: boolean;
  /** The blank row for a new list item shows no defaults (left blank, it adds nothing). */
  blank: boolean;
}

function humanize(key: string): string {
  const spaced = key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[_-]+/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

const fieldName = (ctx: Ctx, path: Path) => nameOf([...ctx.root, ...path]);
const fieldId = (ctx: Ctx, path: Path) => idOf(ctx.idPrefix, nameOf(path));

function titleOf(f: Field): string {
  return uiString(f.ui, "ui:title") ?? f.schema.title ?? humanize(f.key);
}

function shownValue(f: Field): unknown {
  return f.value !== undefined || f.blank ? f.value : f.schema.default;
}

function errorsFor(ctx: Ctx, path: Path): string[] {
  const name = nameOf(path);
  ctx.shown.add(name);
  return ctx.errors[name] ?? [];
}

function describedBy(id: string, hasHelp: boolean, errs: string[]): string | undefined {
  const ids = [hasHelp ? `${id}-help` : "", errs.length ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

function Notes(props: { id: string; help: string | undefined; errs: string[] }): VNode {
  return (
    <>
      {props.help ? (
        <p class="sf-help" id={`${props.id}-help`}>
          {props.help}
        </p>
      ) : null}
      {props.errs.length ? (
        <p class="sf-error" id={`${props.id}-error`}>
          {props.errs.join("; ")}
        </p>
      ) : null}
    </>
  );
}

function helpOf(f: Field, extra?: string): string | undefined {
  const parts = [f.schema.description, uiString(f.ui, "ui:description"), uiString(f.ui, "ui:help"), extra];
  const text = parts.filter((p): p is string => !!p).join(" ");
  return text || undefined;
}

function Label(props: { id: string; f: Field; children?: ComponentChildren }): VNode {
  return (
    <label for={props.id} class="sf-label">
      {titleOf(props.f)}
      {props.f.required ? (
        <span class="sf-required" aria-hidden="true">
          {" "}
          *
        </span>
      ) : null}
      {props.children}
    </label>
  );
}

function textOf(v: unknown): string {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : String(v);
}

function scalarField(ctx: Ctx, f: Field): VNode {
  const id = fieldId(ctx, f.path);
  const name = fieldName(ctx, f.path);
  const errs = errorsFor(ctx, f.path);
  const kind = kindOf(f.schema);
  const widget = uiString(f.ui, "ui:widget");
  const value = ctx.raw[nameOf(f.path)] ?? shownValue(f);
  const extraHelp = kind === "stringList" ? "One per line." : kind === "json" ? "JSON." : undefined;
  const help = helpOf(f, extraHelp);
  const common = {
    id,
    name,
    "aria-invalid": errs.length ? ("true" as const) : undefined,
    "aria-required": f.required ? ("true" as const) : undefined,
    "aria-describedby": describedBy(id, !!help, errs),
    ...ctx.inputAttrs?.(f.path, f.schema),
  };
  if (widget === "hidden") return <input type="hidden" name={name} value={textOf(value)} />;
  let control: VNode;
  if (kind === "boolean") {
    return (
      <div class={errs.length ? "sf-field sf-check sf-invalid" : "sf-field sf-check"}>
        <input type="hidden" name={name} value="false" />
        <input type="checkbox" value="true" checked={value === true} {...common} />
        <Label id={id} f={f} />
        <Notes id={id} help={help} errs={errs} />
      </div>
    );
  } else if (kind === "enum") {
    const current = textOf(value);
    const options = f.schema.enum!;
    const blank = !f.required || !options.some((o) => String(o) === current);
    control = (
      <select {...common}>
        {blank ? <option value="">—</option> : null}
        {options.map((o) => (
          <option value={String(o)} selected={String(o) === current}>
            {String(o)}
          </option>
        ))}
      </select>
    );
  } else if (kind === "stringList") {
    const text = Array.isArray(value) ? value.map(textOf).join("\n") : textOf(value);
    control = <textarea rows={Math.max(3, (Array.isArray(value) ? value.length : 0) + 1)} {...common} value={text} />;
  } else if (kind === "json") {
    const text =
      typeof value === "string" && ctx.raw[nameOf(f.path)] !== undefined
        ? value
        : value === undefined
          ? ""
          : JSON.stringify(value, null, 2);
    control = (
      <textarea rows={Math.min(16, Math.max(3, text.split("\n").length))} class="sf-code" {...common} value={text} />
    );
  } else if (widget === "textarea") {
    control = <textarea rows={4} {...common} value={textOf(value)} />;
  } else {
    const numeric = kind === "number" || kind === "integer";
    control = (
      <input
        type={(widget === "password" ? "password" : "text") as "text"}
        inputMode={numeric ? (kind === "integer" ? ("numeric" as const) : ("decimal" as const)) : undefined}
        autoComplete={widget === "password" ? "new-password" : "off"}
        placeholder={uiString(f.ui, "ui:placeholder")}
        {...common}
        value={textOf(value)}
      />
    );
  }
  return (
    <div class={errs.length ? "sf-field sf-invalid" : "sf-field"}>
      <Label id={id} f={f} />
      {control}
      <Notes id={id} help={help} errs={errs} />
    </div>
  );
}

function objectFields(
  ctx: Ctx,
  s: JsonSchema,
  ui: UiSchema | undefined,
  path: Path,
  value: unknown,
  blank: boolean,
): VNode[] {
  const shown = value === undefined && !blank ? s.default : value;
  const resolved = resolveObject(s, shown);
  const props = resolved.properties ?? {};
  const required = new Set(resolved.required ?? []);
  const obj = isRecord(shown) ? shown : {};
  return orderKeys(Object.keys(props), ui?.["ui:order"]).map((key) =>
    field(ctx, {
      schema: props[key]!,
      ui: uiChild(ui, key),
      path: [...path, key],
      value: obj[key],
      key,
      required: required.has(key),
      blank,
    }),
  );
}

function objectField(ctx: Ctx, f: Field): VNode {
  const errs = errorsFor(ctx, f.path);
  const id = fieldId(ctx, f.path);
  const help = helpOf(f);
  return (
    <fieldset class="sf-object" id={id}>
      <legend>{titleOf(f)}</legend>
      <Notes id={id} help={help} errs={errs} />
      {objectFields(ctx, f.schema, f.ui, f.path, f.value, f.blank)}
    </fieldset>
  );
}

function objectListField(ctx: Ctx, f: Field): VNode {
  const errs = errorsFor(ctx, f.path);
  const id = fieldId(ctx, f.path);
  const items = f.schema.items as JsonSchema;
  const itemUi = uiChild(f.ui, "items");
  const value = shownValue(f);
  const list = Array.isArray(value) ? value : [];
  const row = (i: number, v: unknown, blank: boolean) => (
    <fieldset class="sf-item">
      <legend>{blank ? "New item" : `${items.title ?? "Item"} ${i + 1}`}</legend>
      {errorsFor(ctx, [...f.path, i]).length ? (
        <p class="sf-error">{ctx.errors[nameOf([...f.path, i])]!.join("; ")}</p>
      ) : null}
      {objectFields(ctx, items, itemUi, [...f.path, i], v, blank)}
      {blank ? null : (
        <div class="sf-field sf-check">
          <input
            type="checkbox"
            id={fieldId(ctx, [...f.path, i, removeField])}
            name={fieldName(ctx, [...f.path, i, removeField])}
            value="true"
          />
          <label for={fieldId(ctx, [...f.path, i, removeField])}>Remove</label>
        </div>
      )}
    </fieldset>
  );
  return (
    <fieldset class="sf-object sf-list" id={id}>
      <legend>{titleOf(f)}</legend>
      <Notes id={id} help={helpOf(f, "Fill in the last row to add an item.")} errs={errs} />
      <input type="hidden" name={fieldName(ctx, [...f.path, countField])} value={String(list.length + 1)} />
      {list.map((v, i) => row(i, v, false))}
      {row(list.length, undefined, true)}
    </fieldset>
  );
}

function field(ctx: Ctx, f: Field): VNode {
  const kind = kindOf(f.schema);
  if (kind === "object") return objectField(ctx, f);
  if (kind === "objectList") return objectListField(ctx, f);
  return scalarField(ctx, f);
}

/** The inputs for `schema` (without the <form>: callers add the action, CSRF token and buttons). */
export function SchemaFields(props: SchemaFieldsProps): VNode {
  const ctx: Ctx = {
    root: props.root ?? [],
    idPrefix: props.idPrefix ?? "sf",
    errors: props.errors ?? {},
    raw: props.raw ?? {},
    shown: new Set(),
    inputAttrs: props.inputAttrs,
  };
  const fields =
    kindOf(props.schema) === "object"
      ? objectFields(ctx, props.schema, props.uiSchema, [], props.value, false)
      : [
          field(ctx, {
            schema: props.schema,
            ui: props.uiSchema,
            path: [],
            value: props.value,
            key: "value",
            required: true,
            blank: false,
          }),
        ];
  const orphans = Object.entries(ctx.errors).filter(([name]) => !ctx.shown.has(name));
  const count = Object.values(ctx.errors).reduce((n, m) => n + m.length, 0);
  return (
    <div class="sf-form">
      {count > 0 ? (
        <div class="sf-summary" role="alert">
          <p>
            {count === 1 ? "1 problem" : `${count} problems`} to fix
            {orphans.length < Object.keys(ctx.errors).length ? " — see the fields below" : ""}.
          </p>
          {orphans.length ? (
            <ul>
              {orphans.map(([name, msgs]) => (
                <li>
                  {name ? <code>{name}</code> : null}
                  {name ? ": " : ""}
                  {msgs.join("; ")}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {fields}
    </div>
  );
}
