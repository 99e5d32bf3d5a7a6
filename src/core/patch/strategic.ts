/**
 * `strategicMergePatches`: kustomize's patchesStrategicMerge over the rendered objects. Each patch
 * document goes to the object with its group/version/kind, name and namespace, and is merged the
 * way kustomize merges (merge.ts).
 *
 * Where kustomize would copy a directive into its output as a literal field — `$retainKeys`,
 * `$setElementOrder/…`, `$deleteFromPrimitiveList/…`, or `$patch` inside a list it replaces
 * wholesale — the API server would reject the object, so nothing relied on that output; there the
 * directive is carried out with apimachinery's meaning instead (see `honourDirectives`).
 */
import { UserError } from "../errors.ts";
import { isPlainObject, type KubeObject } from "../k8s.ts";
import { docToJs, parseYamlDocs } from "../yaml.ts";
import { KEEP_NULL, MergeError, scalarText, walk } from "./merge.ts";
import { closeCandidates, describe, effectiveNamespace, gvkOf } from "./target.ts";

type Obj = Record<string, unknown>;

export interface PatchOptions {
  /** The manifest file, for error positions. */
  file?: string;
  /** Line of the file where the patch text starts (a block scalar starts after its key). */
  line?: number;
}

interface PatchDoc {
  patch: Obj;
  line: number | undefined;
  index: number;
}

function parsePatches(text: string, opts: PatchOptions): PatchDoc[] {
  const { docs, lines } = parseYamlDocs(text, opts.file, opts.line ?? 0);
  const out: PatchDoc[] = [];
  docs.forEach((doc, index) => {
    const value = docToJs(doc, opts.file);
    const line = (doc.contents ? lines.linePos(doc.contents.range[0]).line : 1) + (opts.line ?? 0);
    if (value === null || value === undefined) return;
    if (!isPlainObject(value)) {
      throw new UserError(`patch ${index + 1} is not an object`, {
        pos: { file: opts.file, line },
        path: "strategicMergePatches",
        hint: "each document is a partial Kubernetes object with apiVersion, kind and metadata.name",
      });
    }
    out.push({ patch: value, line, index });
  });
  return out;
}

/** kustomize's GetById: same group, version, kind, name and effective namespace. */
function findTarget(objects: KubeObject[], p: PatchDoc, opts: PatchOptions): number {
  const meta = isPlainObject(p.patch.metadata) ? p.patch.metadata : {};
  const want = gvkOf(p.patch.apiVersion, p.patch.kind);
  const name = typeof meta.name === "string" ? meta.name : "";
  const sameGroupKindName = (o: KubeObject) => {
    const g = gvkOf(o.apiVersion, o.kind);
    return g.group === want.group && g.kind === want.kind && o.metadata.name === name;
  };
  const nsOf = (o: KubeObject, ns: unknown) => effectiveNamespace(o.apiVersion, o.kind, ns);
  const exact = objects.flatMap((o, i) =>
    sameGroupKindName(o) &&
    gvkOf(o.apiVersion, o.kind).version === want.version &&
    nsOf(o, o.metadata.namespace) === nsOf(o, meta.namespace)
      ? [i]
      : [],
  );
  // Lenient where kustomize is strict but the intent is unambiguous: a patch that leaves out the
  // namespace, or names another version of the same kind, still finds the one object it means.
  const loose = exact.length
    ? exact
    : objects.flatMap((o, i) =>
        sameGroupKindName(o) &&
        (meta.namespace === undefined || nsOf(o, o.metadata.namespace) === nsOf(o, meta.namespace))
          ? [i]
          : [],
      );
  const where = { pos: { file: opts.file, line: p.line }, path: "strategicMergePatches" };
  if (loose.length === 1) return loose[0]!;
  if (loose.length > 1) {
    throw new UserError(`patch ${p.index + 1} (${describe(p.patch)}) matches ${loose.length} rendered objects`, {
      ...where,
      hint: `add metadata.namespace to pick one: ${loose.map((i) => describe(objects[i]!)).join("; ")}`,
    });
  }
  if (!want.kind || !name) {
    throw new UserError(`patch ${p.index + 1} needs apiVersion, kind and metadata.name to find its target`, {
      ...where,
      hint: closeCandidates(objects, want.kind, name),
    });
  }
  throw new UserError(`patch ${p.index + 1} targets ${describe(p.patch)}, which the manifest does not render`, {
    ...where,
    hint: closeCandidates(objects, want.kind, name),
  });
}

/** Applies a strategic merge patch to one object; `undefined` when the patch deletes it. */
export function mergeObject(target: KubeObject, patch: Obj): KubeObject | undefined {
  const dest = structuredClone(target) as Obj;
  const origin = structuredClone(patch);
  // kustomize gives the patch the target's apiVersion before merging, and rewrites its labels and
  // annotations as string maps: `labels: null` deletes nothing and `{a: null}` sets a to "null".
  origin.apiVersion = target.apiVersion;
  const meta = isPlainObject(origin.metadata) ? origin.metadata : (origin.metadata = {});
  for (const field of ["labels", "annotations"]) {
    const m = meta[field];
    const flat = isPlainObject(m) ? Object.entries(m).map(([k, v]) => [k, scalarText(v)] as const) : [];
    if (flat.length) meta[field] = Object.fromEntries(flat);
    else delete meta[field];
  }
  const merged = walk(dest, origin, undefined, "");
  if (!isPlainObject(merged) || Object.keys(merged).length === 0 || merged === (KEEP_NULL as unknown)) return undefined;
  honourDirectives(merged);
  // Identity is the target's, whatever the patch said (kustomize resets kind, name and namespace).
  merged.kind = target.kind;
  const out = isPlainObject(merged.metadata) ? merged.metadata : (merged.metadata = {});
  out.name = target.metadata.name;
  if (target.metadata.namespace) out.namespace = target.metadata.namespace;
  else delete out.namespace;
  return merged as KubeObject;
}

export function applyStrategicMergePatches(
  objects: KubeObject[],
  patchesYaml: string,
  opts: PatchOptions = {},
): KubeObject[] {
  let out = [...objects];
  for (const p of parsePatches(patchesYaml, opts)) {
    const idx = findTarget(out, p, opts);
    let merged: KubeObject | undefined;
    try {
      merged = mergeObject(out[idx]!, p.patch);
    } catch (e) {
      if (!(e instanceof MergeError)) throw e;
      throw new UserError(`patch ${p.index + 1} (${describe(p.patch)}): ${e.message}`, {
        pos: { file: opts.file, line: p.line },
        path: `strategicMergePatches${e.options.path ? ` at ${e.options.path}` : ""}`,
        hint: "a patch field must have the same shape as the rendered field: map for map, list for list",
        cause: e,
      });
    }
    out = merged ? out.map((o, i) => (i === idx ? merged : o)) : out.filter((_, i) => i !== idx);
  }
  return out;
}

const scalar = (v: unknown) => (typeof v === "object" && v !== null ? "" : String(v));

/** Whether a list element is what a `$setElementOrder` entry names: same value, or same key fields. */
function named(el: unknown, entry: unknown): boolean {
  if (!isPlainObject(entry)) return !isPlainObject(el) && scalar(el) === scalar(entry);
  return isPlainObject(el) && Object.entries(entry).every(([k, v]) => k in el && scalar(el[k]) === scalar(v));
}

/** Carries out the directives kustomize would have left in the output as literal fields. */
export function honourDirectives(node: unknown): unknown {
  if (Array.isArray(node)) {
    const lone = node.find((e) => isPlainObject(e) && Object.keys(e).length === 1 && typeof e.$patch === "string");
    if (isPlainObject(lone) && lone.$patch === "delete") return undefined;
    const kept = node.filter(
      (e) => !(isPlainObject(e) && (e.$patch === "delete" || (e.$patch === "replace" && Object.keys(e).length === 1))),
    );
    for (const e of kept) if (isPlainObject(e) && (e.$patch === "merge" || e.$patch === "replace")) delete e.$patch;
    node.splice(0, node.length, ...kept.map((e) => honourDirectives(e)).filter((e) => e !== undefined));
    return node;
  }
  if (!isPlainObject(node)) return node;
  if (node.$patch === "delete") return undefined;
  for (const key of Object.keys(node)) {
    if (key.startsWith("$")) continue;
    if (honourDirectives(node[key]) === undefined) delete node[key];
  }
  for (const key of Object.keys(node)) {
    const value = node[key];
    if (key.startsWith("$deleteFromPrimitiveList/")) {
      const field = key.slice(key.indexOf("/") + 1);
      const drop = Array.isArray(value) ? value.map(scalar) : [];
      const list = node[field];
      if (Array.isArray(list)) node[field] = list.filter((x) => !drop.includes(scalar(x)));
      delete node[key];
    } else if (key.startsWith("$setElementOrder/")) {
      const field = key.slice(key.indexOf("/") + 1);
      const order = Array.isArray(value) ? value : [];
      const list = node[field];
      if (Array.isArray(list)) {
        const rank = (el: unknown) => {
          const i = order.findIndex((entry) => named(el, entry));
          return i < 0 ? order.length : i;
        };
        node[field] = list
          .map((el, i) => ({ el, i, r: rank(el) }))
          .sort((a, b) => a.r - b.r || a.i - b.i)
          .map((x) => x.el);
      }
      delete node[key];
    }
  }
  if (Array.isArray(node.$retainKeys)) {
    const keep = new Set(node.$retainKeys.map(scalar));
    for (const key of Object.keys(node)) if (!keep.has(key)) delete node[key];
    delete node.$retainKeys;
  }
  if ("$patch" in node) {
    if (node.$patch !== "merge" && node.$patch !== "replace")
      throw new MergeError(`unknown patch strategy '${scalar(node.$patch)}'`);
    delete node.$patch;
  }
  return node;
}
