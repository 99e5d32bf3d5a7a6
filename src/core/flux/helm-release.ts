/**
 * Charts other than the built-in ones are not rendered here: they become a Flux source
 * (HelmRepository, or GitRepository for a git chart) and a HelmRelease with inline values, and
 * Flux's helm-controller renders them in the cluster. API versions: source.toolkit.fluxcd.io/v1,
 * helm.toolkit.fluxcd.io/v2 (Flux 2.x CRDs).
 */
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";

export interface ChartRef {
  repository?: string;
  name: string;
  version?: string;
}

function dnsLabel(s: string): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 63)
      .replace(/-+$/, "") || "charts"
  );
}

/** A git chart: `https://host/org/repo.git?sha=…&tag=…&branch=…&path=/charts/x/`. */
export function parseGitChart(name: string): { url: string; ref: Record<string, string>; path: string } | undefined {
  if (!/\.git(\?|$)/.test(name)) return undefined;
  let u: URL;
  try {
    u = new URL(name);
  } catch {
    throw new UserError(`cannot read git chart URL ${JSON.stringify(name)}`, { path: "chart.name", hint: "use https://host/org/repo.git?path=/charts/name/&tag=v1" });
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") throw new UserError("git charts must use an https URL", { path: "chart.name", hint: "ssh git charts are not supported by the release manager" });
  const q = u.searchParams;
  const ref: Record<string, string> = q.get("sha") ? { commit: q.get("sha")! } : q.get("tag") ? { tag: q.get("tag")! } : { branch: q.get("branch") ?? "main" };
  const path = `./${(q.get("path") ?? "/").replace(/^\/+|\/+$/g, "")}`;
  return { url: `${u.origin}${u.pathname}`, ref, path };
}

export function renderFluxHelmRelease(o: { app: string; namespace: string; chart: ChartRef; values: Record<string, unknown> }): KubeObject[] {
  if (!o.chart.name) throw new UserError("chart.name is required", { path: "chart.name" });
  const git = parseGitChart(o.chart.name);
  let source: KubeObject;
  let chartSpec: Record<string, unknown>;
  if (git) {
    const name = `${o.app}-chart`;
    source = { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "GitRepository", metadata: { name, namespace: o.namespace }, spec: { interval: "1h", url: git.url, ref: git.ref } };
    chartSpec = { chart: git.path, sourceRef: { kind: "GitRepository", name } };
  } else {
    if (!o.chart.repository) {
      throw new UserError(`chart ${JSON.stringify(o.chart.name)} needs a repository`, { path: "chart.repository", hint: "e.g. repository: https://charts.bitnami.com/bitnami" });
    }
    let u: URL;
    try {
      u = new URL(o.chart.repository);
    } catch {
      throw new UserError(`invalid chart repository URL ${JSON.stringify(o.chart.repository)}`, { path: "chart.repository" });
    }
    const name = dnsLabel(`${u.hostname}${u.pathname}`);
    const spec: Record<string, unknown> = { interval: "1h", url: o.chart.repository };
    if (u.protocol === "oci:") spec.type = "oci";
    source = { apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata: { name, namespace: o.namespace }, spec };
    chartSpec = { chart: o.chart.name, ...(o.chart.version ? { version: o.chart.version } : {}), sourceRef: { kind: "HelmRepository", name } };
  }
  const release: KubeObject = {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: o.app, namespace: o.namespace },
    spec: { interval: "10m", releaseName: o.app, chart: { spec: chartSpec }, values: o.values },
  };
  return [source, release];
}
