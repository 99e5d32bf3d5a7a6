/** @module The built-in charts `onechart` and `cron-job`, rendered to objects like `helm template` would. */
import { isPlainObject, type KubeObject } from "../k8s.ts";
import { renderCronJob } from "./cronjob.ts";
import type { ChartContext } from "./names.ts";
import { renderOnechart } from "./onechart.ts";
import { coalesce, cronJobDefaults, onechartDefaults } from "./values.ts";

export { validateValues } from "./schema.ts";
export { schemas } from "./schema-data.ts";
export { robustName } from "./names.ts";

export interface ChartRelease {
  name: string;
  namespace: string;
  chartName: "onechart" | "cron-job";
  chartVersion?: string;
  /** The manifest file, for positions in errors from `extraDeploy`. */
  file?: string;
}

/** The chart version we mirror; used in `helm.sh/chart` when the manifest names none. */
export const builtinChartVersion: Record<string, string> = { onechart: "0.74.0", "cron-job": "0.74.0" };

/** `onechart`, `cron-job`, or a repo-qualified form such as `onechart/onechart`. */
export function isBuiltinChart(name: string | undefined): boolean {
  if (!name) return false;
  const base = name.split("/").at(-1)!;
  return (base === "onechart" || base === "cron-job") && !/^(https?|oci|git):|\.git/.test(name);
}

/** helm drops nothing, but a null field is absent to Kubernetes: we do not write them. */
function dropNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropNulls) as T;
  if (!isPlainObject(v)) return v;
  // Loops, not entries/filter/fromEntries: this walks every rendered object once per CLI run, cold.
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = v[k];
    if (x === null || x === undefined) continue;
    const value = dropNulls(x);
    if (k !== "__proto__") out[k] = value;
    else Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true }); // own key
  }
  return out as T;
}

export function renderBuiltinChart(values: Record<string, unknown>, release: ChartRelease): KubeObject[] {
  const defaults = release.chartName === "cron-job" ? cronJobDefaults : onechartDefaults;
  const ctx: ChartContext = {
    release: release.name,
    namespace: release.namespace,
    chartName: release.chartName,
    chartVersion: release.chartVersion || builtinChartVersion[release.chartName]!,
    values: coalesce(defaults, values),
  };
  const objects = release.chartName === "cron-job" ? renderCronJob(ctx) : renderOnechart(ctx, release.file);
  return objects.map(dropNulls);
}
