/**
 * Charts other than the built-in ones are not rendered by gimlet: they become a Flux source and a
 * HelmRelease with inline values, and Flux's helm-controller renders them in the cluster.
 *
 * Shapes follow the Flux CRDs read from fluxcd/source-controller v1.9.0
 * (source.toolkit.fluxcd.io/v1 HelmRepository, GitRepository) and fluxcd/helm-controller v1.6.0
 * (helm.toolkit.fluxcd.io/v2 HelmRelease); helm-release.test.ts checks them against those schemas.
 * Kept minimal: what Flux defaults well (release name = HelmRelease name, install namespace = its
 * namespace, latest chart version) is left out.
 */
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";

export interface ChartRef {
  repository?: string;
  name: string;
  version?: string;
}

export interface GitChart {
  /** The repository URL without query, fragment or credentials. */
  url: string;
  ref: { commit?: string; tag?: string; branch?: string };
  /** The chart's directory inside the repository, as HelmRelease wants it: `./charts/x`. */
  path: string;
}

const sourceApi = "source.toolkit.fluxcd.io/v1";
const gitHint =
  "e.g. https://github.com/org/charts.git?tag=v1.2.0&path=/charts/myapp/ (query keys: sha, tag, branch, path)";

/** A DNS-1123 label (what Kubernetes accepts as a name anywhere): [a-z0-9-], ≤ 63, alphanumeric ends. */
function dnsLabel(s: string): string {
  return s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .slice(0, 63)
    .replace(/^-+|-+$/g, "");
}

/** Source objects are named per app: two apps sharing a repository must not render the same object. */
function sourceName(app: string, u: URL): string {
  return dnsLabel(`${app}-${u.hostname}${u.pathname.replace(/\.git\/?$/, "")}`) || dnsLabel(app);
}

/** The original's rule: a chart name that starts with `git@` or contains `.git` is a git chart. */
export function isGitChart(name: string): boolean {
  return name.startsWith("git@") || name.includes(".git");
}

function chartError(message: string, hint: string, field = "chart.name"): UserError {
  return new UserError(message, { path: field, hint });
}

/** Reads `https://host/org/repo.git?sha=…&tag=…&branch=…&path=/charts/x/`. */
export function parseGitChart(name: string): GitChart {
  if (name.startsWith("git@") || name.startsWith("ssh://")) {
    throw chartError(
      `git chart ${JSON.stringify(name)} uses SSH, which needs the CLI's SSH agent`,
      `use the https URL of the repository; ${gitHint}`,
    );
  }
  let u: URL;
  try {
    u = new URL(name);
  } catch {
    throw chartError(`cannot read the git chart URL ${JSON.stringify(name)}`, gitHint);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:")
    throw chartError(`git chart URL ${JSON.stringify(name)} must use https`, gitHint);
  if (!u.hostname || u.pathname.length < 2)
    throw chartError(`git chart URL ${JSON.stringify(name)} names no repository`, gitHint);
  const q = u.searchParams;
  const unknown = [...q.keys()].filter((k) => !["sha", "tag", "branch", "path"].includes(k));
  if (unknown.length)
    throw chartError(
      `git chart URL has unknown query key ${unknown.map((k) => JSON.stringify(k)).join(", ")}`,
      gitHint,
    );
  const ref: GitChart["ref"] = {};
  const sha = q.get("sha");
  if (sha !== null) {
    // Flux (go-git) checks out a full commit id; a short one fails in the cluster, not here.
    if (!/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i.test(sha))
      throw chartError(
        `git chart sha ${JSON.stringify(sha)} is not a full commit id`,
        "give all 40 hex digits of the commit",
      );
    ref.commit = sha.toLowerCase();
  }
  if (q.get("tag")) ref.tag = q.get("tag")!;
  if (q.get("branch")) ref.branch = q.get("branch")!;
  // Without a ref the original cloned the default branch; Flux would take `master`, so say `main`.
  if (!ref.commit && !ref.tag && !ref.branch) ref.branch = "main";
  const dir = (q.get("path") ?? "").split("/").filter((s) => s && s !== ".");
  if (dir.includes(".."))
    throw chartError(`git chart path ${JSON.stringify(q.get("path"))} leaves the repository`, gitHint);
  return { url: `${u.protocol}//${u.host}${u.pathname}`, ref, path: dir.length ? `./${dir.join("/")}` : "." };
}

function helmRepository(app: string, namespace: string, repository: string): KubeObject {
  let u: URL;
  try {
    u = new URL(repository);
  } catch {
    throw chartError(
      `cannot read the chart repository URL ${JSON.stringify(repository)}`,
      "e.g. https://charts.bitnami.com/bitnami or oci://ghcr.io/org/charts",
      "chart.repository",
    );
  }
  if (!["http:", "https:", "oci:"].includes(u.protocol)) {
    throw chartError(
      `chart repository ${JSON.stringify(repository)} must be an http(s):// or oci:// URL`,
      "Flux's HelmRepository accepts http, https and oci",
      "chart.repository",
    );
  }
  const spec: Record<string, unknown> = { interval: "1h", url: repository };
  if (u.protocol === "oci:") spec.type = "oci";
  return { apiVersion: sourceApi, kind: "HelmRepository", metadata: { name: sourceName(app, u), namespace }, spec };
}

export function renderFluxHelmRelease(opts: {
  app: string;
  namespace: string;
  chart: ChartRef;
  values: Record<string, unknown>;
}): KubeObject[] {
  const { app, namespace, chart } = opts;
  const name = typeof chart?.name === "string" ? chart.name.trim() : "";
  if (!name)
    throw chartError(
      "chart.name is required",
      "the chart's name in its repository (with chart.repository), or a git URL ending in .git",
    );
  let source: KubeObject;
  let chartSpec: Record<string, unknown>;
  if (isGitChart(name)) {
    const git = parseGitChart(name);
    source = {
      apiVersion: sourceApi,
      kind: "GitRepository",
      metadata: { name: sourceName(app, new URL(git.url)), namespace },
      spec: { interval: "1h", url: git.url, ref: git.ref },
    };
    // A chart from git changes without a version bump; Revision rebuilds it on every new commit.
    chartSpec = {
      chart: git.path,
      reconcileStrategy: "Revision",
      sourceRef: { kind: "GitRepository", name: source.metadata.name },
    };
  } else {
    if (!chart.repository?.trim()) {
      throw chartError(
        `chart ${JSON.stringify(name)} needs a repository`,
        "e.g. repository: https://charts.bitnami.com/bitnami, or a git chart URL in chart.name",
        "chart.repository",
      );
    }
    source = helmRepository(app, namespace, chart.repository.trim());
    chartSpec = {
      chart: name,
      ...(chart.version ? { version: String(chart.version) } : {}),
      sourceRef: { kind: "HelmRepository", name: source.metadata.name },
    };
  }
  const spec: Record<string, unknown> = { interval: "10m", chart: { spec: chartSpec } };
  if (opts.values && Object.keys(opts.values).length) spec.values = opts.values;
  const release: KubeObject = {
    apiVersion: "helm.toolkit.fluxcd.io/v2",
    kind: "HelmRelease",
    metadata: { name: app, namespace },
    spec,
  };
  return [source, release];
}
