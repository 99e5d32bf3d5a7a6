/**
 * uiSchema in RJSF's nested shape (`{"ui:order": […], host: {"ui:widget": "password"}}`), and the
 * adapter from the helm-ui.json array stack definitions carry (`[{schemaIDs, uiSchema, metaData}]`,
 * keys like `#/properties/a/properties/b`) to that shape.
 */
import { isRecord } from "./schema.ts";

export interface UiOptions {
  "ui:widget"?: string;
  "ui:order"?: string[];
  "ui:help"?: string;
  "ui:title"?: string;
  "ui:description"?: string;
  "ui:placeholder"?: string;
}

export type UiSchema = UiOptions & { [key: string]: unknown };

export function uiChild(ui: UiSchema | undefined, key: string | "items"): UiSchema | undefined {
  const c = ui?.[key];
  return isRecord(c) ? (c as UiSchema) : undefined;
}

export function uiString(ui: UiSchema | undefined, key: keyof UiOptions): string | undefined {
  const v = ui?.[key];
  return typeof v === "string" ? v : undefined;
}

/** Orders keys by `ui:order` (with RJSF's "*" for "the rest"); unknown names in the order are ignored. */
export function orderKeys(keys: string[], order: unknown): string[] {
  if (!Array.isArray(order)) return keys;
  const named = order.filter((k): k is string => typeof k === "string" && k !== "*" && keys.includes(k));
  const rest = keys.filter((k) => !named.includes(k));
  const star = order.indexOf("*");
  if (star < 0) return [...named, ...rest];
  const before = order.slice(0, star).filter((k): k is string => named.includes(k as string));
  const after = named.filter((k) => !before.includes(k));
  return [...before, ...rest, ...after];
}

function pointerPath(id: string): string[] | undefined {
  const m = /^#\/(.*)$/.exec(id);
  if (!m) return undefined;
  const segs = m[1]!.split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const path: string[] = [];
  for (let i = 0; i < segs.length; i += 2) {
    if (segs[i] === "items") {
      path.push("items");
      i--;
      continue;
    }
    if (segs[i] !== "properties" || segs[i + 1] === undefined) return undefined;
    path.push(segs[i + 1]!);
  }
  return path;
}

function setIn(target: UiSchema, path: string[], opts: Record<string, unknown>): void {
  let cur = target;
  for (const seg of path) {
    if (!isRecord(cur[seg])) cur[seg] = {};
    cur = cur[seg] as UiSchema;
  }
  Object.assign(cur, opts);
}

/**
 * Accepts either shape. From the helm-ui array: each section's `uiSchema` entries land at their
 * pointer's path, and the top-level properties its `schemaIDs` name give the field order.
 */
export function normalizeUiSchema(input: unknown): UiSchema {
  if (isRecord(input)) return input as UiSchema;
  if (!Array.isArray(input)) return {};
  const out: UiSchema = {};
  const order: string[] = [];
  for (const section of input) {
    if (!isRecord(section)) continue;
    for (const id of Array.isArray(section.schemaIDs) ? section.schemaIDs : []) {
      const p = typeof id === "string" ? pointerPath(id) : undefined;
      if (p?.length === 1 && !order.includes(p[0]!)) order.push(p[0]!);
    }
    if (isRecord(section.uiSchema)) {
      for (const [key, opts] of Object.entries(section.uiSchema)) {
        const p = pointerPath(key);
        if (p && isRecord(opts)) setIn(out, p, opts);
      }
    }
  }
  if (order.length > 0 && !out["ui:order"]) out["ui:order"] = [...order, "*"];
  return out;
}
