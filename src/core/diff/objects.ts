/**
 * Diffs of Kubernetes objects rather than text: which objects a change adds, removes or edits, and
 * for an edit the fields, as `~ Deployment/web: spec.replicas 1 → 2`. Secret values never appear.
 */
import { isPlainObject } from "../k8s.ts";

export interface FieldChange {
  /** `spec.template.spec.containers[0].image`; keys that are not identifiers are quoted. */
  path: string;
  /** Short renderings of the values; absent: the field does not exist on that side. */
  old?: string;
  new?: string;
  /** A Secret's value: the change is reported, never the values. */
  hidden?: boolean;
}

export interface ObjectChange {
  op: "+" | "-" | "~";
  kind: string;
  name: string;
  namespace?: string;
  changes: FieldChange[];
  /** The summary line as printed. */
  text: string;
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  object: Record<string, unknown>;
}

/** Objects of one side, keyed by kind/namespace/name (a document that is no object is skipped). */
export function objectsByKey(docs: readonly unknown[]): Map<string, ObjectRef> {
  const out = new Map<string, ObjectRef>();
  for (const d of docs) {
    if (!isPlainObject(d) || typeof d.kind !== "string") continue;
    const meta = isPlainObject(d.metadata) ? d.metadata : {};
    const name = typeof meta.name === "string" ? meta.name : "";
    const namespace = typeof meta.namespace === "string" && meta.namespace ? meta.namespace : undefined;
    out.set(`${d.kind}/${namespace ?? ""}/${name}`, { kind: d.kind, name, namespace, object: d });
  }
  return out;
}

export function isSecret(o: unknown): boolean {
  return isPlainObject(o) && o.kind === "Secret" && (o.apiVersion === "v1" || o.apiVersion === undefined);
}

const maxShown = 3;
const maxValue = 60;

/** The summary of every object that differs between two sides, sorted by kind, namespace, name. */
export function objectChanges(before: Map<string, ObjectRef>, after: Map<string, ObjectRef>): ObjectChange[] {
  const keys = [...new Set([...before.keys(), ...after.keys()])].sort();
  const out: ObjectChange[] = [];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    const ref = (b ?? a)!;
    const id = { kind: ref.kind, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) };
    // As kubectl names objects; the namespace is in the JSON (an app's objects share one).
    const label = `${ref.kind}/${ref.name}`;
    if (!a) out.push({ op: "+", ...id, changes: [], text: `+ ${label}` });
    else if (!b) out.push({ op: "-", ...id, changes: [], text: `- ${label}` });
    else {
      const changes: FieldChange[] = [];
      fieldChanges(a.object, b.object, "", isSecret(b.object) || isSecret(a.object), changes);
      if (changes.length === 0) continue;
      const shown = changes.slice(0, maxShown).map(describe).join(", ");
      const more = changes.length > maxShown ? ` (+${changes.length - maxShown} more)` : "";
      out.push({ op: "~", ...id, changes, text: `~ ${label}: ${shown}${more}` });
    }
  }
  return out;
}

function describe(c: FieldChange): string {
  if (c.hidden)
    return `${c.path} (${c.old === undefined ? "added" : c.new === undefined ? "removed" : "changed"}, value hidden)`;
  if (c.old === undefined) return `${c.path} (added: ${c.new})`;
  if (c.new === undefined) return `${c.path} (removed, was ${c.old})`;
  return `${c.path} ${c.old} → ${c.new}`;
}

const ident = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;
const child = (path: string, key: string) =>
  ident.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

function short(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > maxValue ? `${s.slice(0, maxValue - 1)}…` : s;
}

const secretFields = new Set(["data", "stringData"]);

function fieldChanges(a: unknown, b: unknown, path: string, secret: boolean, out: FieldChange[]): void {
  // A Secret's data: report each key's change, hide its value.
  if (secret && secretFields.has(path) && isPlainObject(a ?? {}) && isPlainObject(b ?? {})) {
    const x = (a ?? {}) as Record<string, unknown>;
    const y = (b ?? {}) as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) {
      if (JSON.stringify(x[k]) === JSON.stringify(y[k])) continue;
      out.push({ path: child(path, k), ...(k in x ? { old: "" } : {}), ...(k in y ? { new: "" } : {}), hidden: true });
    }
    return;
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])])
      fieldChanges(a[k], b[k], child(path, k), secret, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) fieldChanges(a[i], b[i], `${path}[${i}]`, secret, out);
    return;
  }
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (secret && secretFields.has(path)) {
    out.push({ path, ...(a !== undefined ? { old: "" } : {}), ...(b !== undefined ? { new: "" } : {}), hidden: true });
    return;
  }
  out.push({ path, ...(a !== undefined ? { old: short(a) } : {}), ...(b !== undefined ? { new: short(b) } : {}) });
}
