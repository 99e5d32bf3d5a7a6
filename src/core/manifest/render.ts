/**
 * The rendering pipeline of a loaded manifest (reference §4.5): chart → raw manifests →
 * strategic-merge patches → JSON 6902 patches. Returns objects; writing them is someone else's job.
 */
import { isBuiltinChart, renderBuiltinChart, validateValues } from "../chart/index.ts";
import { UserError, ValidationError } from "../errors.ts";
import { renderFluxHelmRelease } from "../flux/index.ts";
import { isPlainObject, type KubeObject } from "../k8s.ts";
import { applyJson6902Patches, applyStrategicMergePatches, kustomizeOrder } from "../patch/index.ts";
import { parseYamlAll } from "../yaml.ts";
import type { LoadedManifest } from "./load.ts";
import type { Manifest } from "./model.ts";

/** Which renderer a manifest goes to. */
export function chartKind(m: Manifest): "builtin" | "flux" | "none" {
  if (m.chart?.name) return isBuiltinChart(m.chart.name) ? "builtin" : "flux";
  return m.values ? "builtin" : "none";
}

function builtinName(m: Manifest): "onechart" | "cron-job" {
  return m.chart?.name?.endsWith("cron-job") ? "cron-job" : "onechart";
}

/** Values problems, each at the position of the offending field. */
export function valuesProblems(loaded: LoadedManifest): UserError[] {
  const m = loaded.manifest;
  if (chartKind(m) !== "builtin") return [];
  return validateValues(builtinName(m), m.values ?? {}).map((p) => {
    const segments = p.path
      .split("/")
      .filter(Boolean)
      .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    const dotted = ["values", ...segments]
      .map((s) => (typeof s === "number" ? `[${s}]` : `.${s}`))
      .join("")
      .slice(1);
    return new UserError(p.message, {
      pos: loaded.posOf(["values", ...segments]),
      path: dotted.replace(/\.\[/g, "["),
      hint: p.hint,
    });
  });
}

/** Renders one manifest to Kubernetes objects. Values are validated first. */
export function renderManifest(loaded: LoadedManifest): KubeObject[] {
  const m = loaded.manifest;
  const problems = valuesProblems(loaded);
  if (problems.length) throw problems.length === 1 ? problems[0]! : new ValidationError(problems);

  let objects: KubeObject[] = [];
  switch (chartKind(m)) {
    case "builtin":
      objects = renderBuiltinChart((m.values ?? {}) as Record<string, unknown>, {
        name: m.app,
        namespace: m.namespace,
        chartName: builtinName(m),
        ...(m.chart?.version ? { chartVersion: m.chart.version } : {}),
      });
      break;
    case "flux":
      objects = renderFluxHelmRelease({
        app: m.app,
        namespace: m.namespace,
        chart: m.chart!,
        values: (m.values ?? {}) as Record<string, unknown>,
      });
      break;
  }

  if (m.manifests?.trim()) objects = objects.concat(rawObjects(m.manifests, loaded));
  if (objects.length === 0) {
    throw new UserError("no chart or raw yaml has been found", {
      pos: loaded.posOf([]),
      hint: "set `chart` and `values`, or put Kubernetes YAML in `manifests`",
    });
  }

  const smp = m.strategicMergePatches?.trim();
  const j6902 = m.json6902Patches ?? [];
  if (!smp && j6902.length === 0) return objects;
  const file = loaded.file;
  if (smp) objects = applyStrategicMergePatches(objects, m.strategicMergePatches!, { file });
  if (j6902.length) objects = applyJson6902Patches(objects, j6902, { file });
  return kustomizeOrder(objects);
}

function rawObjects(text: string, loaded: LoadedManifest): KubeObject[] {
  const pos = loaded.posOf(["manifests"]);
  // A block scalar starts on the line after `manifests: |`.
  const docs = parseYamlAll(text, loaded.file, pos.line ?? 0, { yaml11: true });
  return docs.map((d, i) => {
    if (
      !isPlainObject(d) ||
      typeof d.kind !== "string" ||
      typeof d.apiVersion !== "string" ||
      !isPlainObject(d.metadata)
    ) {
      throw new UserError(`document ${i + 1} is not a Kubernetes object (needs apiVersion, kind and metadata.name)`, {
        pos,
        path: "manifests",
      });
    }
    return d as unknown as KubeObject;
  });
}
