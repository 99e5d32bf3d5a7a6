/** `manifest create`: a starter manifest from a chart reference and optional values. */
import { builtinChartVersion, isBuiltinChart, validateValues } from "../chart/index.ts";
import { UserError, ValidationError } from "../errors.ts";
import { isPlainObject } from "../k8s.ts";
import { toYaml } from "../yaml.ts";
import type { ChartRef, Manifest } from "./model.ts";

export const onechartRepository = "https://chart.onechart.dev";

/**
 * Turns `--chart` into a chart reference:
 * `onechart` / `cron-job` (built in), `https://charts.example.com/<name>` or `oci://…/<name>`
 * (repository + name), or a git chart URL `https://host/org/repo.git?path=/charts/x/&tag=v1`.
 */
export function parseChartFlag(chart: string, version?: string): ChartRef {
  if (isBuiltinChart(chart)) {
    const name = chart.endsWith("cron-job") ? "cron-job" : "onechart";
    return { repository: onechartRepository, name, version: version ?? builtinChartVersion[name] ?? "" };
  }
  if (/\.git(\?|$)/.test(chart) || chart.startsWith("git@")) return { name: chart };
  const m = /^((?:https?|oci):\/\/.+)\/([^/]+)$/.exec(chart);
  if (!m) {
    throw new UserError(`cannot read chart ${JSON.stringify(chart)}`, {
      path: "--chart",
      hint: "use onechart, cron-job, <repository-url>/<chart-name> or a git chart URL ending in .git?path=…",
    });
  }
  return { repository: m[1]!, name: m[2]!, ...(version ? { version } : {}) };
}

export interface CreateOptions {
  app: string;
  env: string;
  namespace: string;
  chart: ChartRef;
  values?: unknown;
}

/** The manifest text, `---`-prefixed like the original's output. */
export function createManifest(o: CreateOptions): string {
  if (o.values !== undefined && o.values !== null && !isPlainObject(o.values)) {
    throw new UserError("values must be a YAML map", { path: "-f" });
  }
  const values = (o.values as Record<string, unknown> | undefined) ?? { image: { repository: "nginx", tag: "latest" } };
  if (isBuiltinChart(o.chart.name)) {
    const problems = validateValues(o.chart.name, values).map(
      (p) => new UserError(p.message, { path: `values${p.path.replace(/\//g, ".")}` }),
    );
    if (problems.length) throw new ValidationError(problems);
  }
  const manifest: Manifest = { app: o.app, env: o.env, namespace: o.namespace, chart: o.chart, values };
  return `---\n${toYaml(manifest)}`;
}
