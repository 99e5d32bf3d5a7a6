/**
 * Strategic merge patches as kustomize applies them (apimachinery's strategicpatch): maps merge,
 * `null` deletes, lists of built-in types merge by their Kubernetes patchMergeKey, and the
 * `$patch`, `$retainKeys`, `$deleteFromPrimitiveList/` and `$setElementOrder/` directives work.
 * Kinds we have no schema for (custom resources) merge maps and replace lists, as kustomize does.
 */
import { UserError } from "../errors.ts";
import { apiGroup, isPlainObject, type KubeObject } from "../k8s.ts";
import { parseYamlAll } from "../yaml.ts";

type Obj = Record<string, unknown>;

/** Kinds whose lists kustomize merges by key (it knows their OpenAPI schema). */
const builtinGroups = new Set(["", "apps", "batch", "networking.k8s.io", "policy", "autoscaling", "rbac.authorization.k8s.io", "storage.k8s.io", "extensions"]);

/**
 * patchMergeKey per list field. `ports` is keyed by containerPort in a container and by port in a
 * Service; the issue text says "ports by name", but kustomize follows the Kubernetes keys, and our
 * output must equal the original's kustomize output.
 */
function mergeKeyFor(field: string, items: unknown[]): string | undefined {
  switch (field) {
    case "containers":
    case "initContainers":
    case "ephemeralContainers":
    case "volumes":
    case "env":
    case "imagePullSecrets":
      return "name";
    case "volumeMounts":
    case "volumeDevices":
      return field === "volumeMounts" ? "mountPath" : "devicePath";
    case "hostAliases":
      return "ip";
    case "topologySpreadConstraints":
      return "topologyKey";
    case "ports":
      return items.some((i) => isPlainObject(i) && "containerPort" in i) ? "containerPort" : "port";
    default:
      return undefined;
  }
}

export function mergePatch(target: unknown, patch: unknown, keyed: boolean, field = ""): unknown {
  if (!isPlainObject(patch)) return patch;
  if (patch.$patch === "replace") {
    const { $patch: _, ...rest } = patch;
    return rest;
  }
  if (patch.$patch === "delete") return undefined;
  const out: Obj = isPlainObject(target) ? { ...target } : {};
  let retain: string[] | undefined;
  for (const [k, v] of Object.entries(patch)) {
    if (k === "$patch") continue;
    if (k === "$retainKeys") {
      retain = v as string[];
      continue;
    }
    if (k.startsWith("$deleteFromPrimitiveList/")) {
      const f = k.slice("$deleteFromPrimitiveList/".length);
      if (Array.isArray(out[f])) out[f] = (out[f] as unknown[]).filter((x) => !(v as unknown[]).includes(x));
      continue;
    }
    if (k.startsWith("$setElementOrder/")) continue; // applied after the merge, below
    if (v === null) {
      delete out[k];
      continue;
    }
    if (Array.isArray(v)) {
      out[k] = mergeList(out[k], v, keyed ? mergeKeyFor(k, [...v, ...(Array.isArray(out[k]) ? (out[k] as unknown[]) : [])]) : undefined, keyed);
      continue;
    }
    if (isPlainObject(v)) {
      const merged = mergePatch(out[k], v, keyed, k);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
      continue;
    }
    out[k] = v;
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith("$setElementOrder/") || !Array.isArray(order)) continue;
    const f = k.slice("$setElementOrder/".length);
    const list = out[f];
    if (!Array.isArray(list)) continue;
    const key = mergeKeyFor(f, list);
    const pos = (x: unknown) => {
      const i = order.findIndex((o) => (key && isPlainObject(o) && isPlainObject(x) ? o[key] === x[key] : o === x));
      return i < 0 ? order.length : i;
    };
    out[f] = [...list].sort((a, b) => pos(a) - pos(b));
  }
  if (retain) for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  void field;
  return out;
}

function mergeList(target: unknown, patch: unknown[], key: string | undefined, keyed: boolean): unknown[] {
  const replace = patch.find((p) => isPlainObject(p) && p.$patch === "replace" && Object.keys(p).length === 1);
  if (replace) return patch.filter((p) => p !== replace);
  if (!key || !Array.isArray(target)) return patch.filter((p) => !(isPlainObject(p) && p.$patch === "delete"));
  const out = [...target];
  for (const item of patch) {
    if (!isPlainObject(item) || !(key in item)) {
      out.push(item);
      continue;
    }
    const i = out.findIndex((x) => isPlainObject(x) && x[key] === item[key]);
    if (item.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergePatch(out[i], item, keyed);
    else out.push(mergePatch(undefined, item, keyed));
  }
  return out;
}

function sameTarget(o: KubeObject, p: Obj): boolean {
  const meta = (p.metadata ?? {}) as Obj;
  return (
    o.kind === p.kind &&
    o.metadata.name === meta.name &&
    (p.apiVersion === undefined || apiGroup(o.apiVersion) === apiGroup(String(p.apiVersion))) &&
    (meta.namespace === undefined || (o.metadata.namespace ?? "default") === meta.namespace)
  );
}

export function applyStrategicMergePatches(objects: KubeObject[], patchesYaml: string, opts: { file?: string; line?: number } = {}): KubeObject[] {
  const patches = parseYamlAll(patchesYaml, opts.file, opts.line ?? 0);
  let out = objects.map((o) => o);
  patches.forEach((p, i) => {
    if (!isPlainObject(p) || typeof p.kind !== "string" || !isPlainObject(p.metadata) || typeof p.metadata.name !== "string") {
      throw new UserError(`patch ${i + 1} needs kind and metadata.name to find its target`, { pos: { file: opts.file, line: opts.line }, path: "strategicMergePatches" });
    }
    const idx = out.findIndex((o) => sameTarget(o, p));
    if (idx < 0) {
      const candidates = out.filter((o) => o.kind === p.kind).map((o) => o.metadata.name);
      throw new UserError(`patch ${i + 1} targets ${p.kind} ${JSON.stringify(p.metadata.name)}, which the manifest does not render`, {
        pos: { file: opts.file, line: opts.line },
        path: "strategicMergePatches",
        hint: candidates.length ? `${p.kind} objects rendered: ${candidates.join(", ")}` : `no ${p.kind} is rendered; rendered: ${[...new Set(out.map((o) => o.kind))].join(", ")}`,
      });
    }
    const target = out[idx]!;
    const merged = mergePatch(target, p, builtinGroups.has(apiGroup(target.apiVersion)));
    if (merged === undefined) out = out.filter((_, j) => j !== idx);
    else out[idx] = merged as KubeObject;
  });
  return out;
}
