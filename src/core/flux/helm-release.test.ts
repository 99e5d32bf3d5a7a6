import { describe, expect, test } from "bun:test";
import { parseGitChart, renderFluxHelmRelease } from "./helm-release.ts";

describe("renderFluxHelmRelease()", () => {
  test("delivers a Helm repository chart as HelmRepository + HelmRelease with inline values", () => {
    const [repo, rel] = renderFluxHelmRelease({ app: "redis", namespace: "data", chart: { repository: "https://charts.bitnami.com/bitnami", name: "redis", version: "19.0.1" }, values: { a: 1 } });
    expect(repo).toMatchObject({ apiVersion: "source.toolkit.fluxcd.io/v1", kind: "HelmRepository", metadata: { name: "charts-bitnami-com-bitnami", namespace: "data" }, spec: { url: "https://charts.bitnami.com/bitnami" } });
    expect(rel).toMatchObject({
      apiVersion: "helm.toolkit.fluxcd.io/v2",
      kind: "HelmRelease",
      spec: { chart: { spec: { chart: "redis", version: "19.0.1", sourceRef: { kind: "HelmRepository", name: "charts-bitnami-com-bitnami" } } }, values: { a: 1 } },
    });
  });

  test("marks OCI repositories", () => {
    const [repo] = renderFluxHelmRelease({ app: "x", namespace: "n", chart: { repository: "oci://ghcr.io/acme/charts", name: "x" }, values: {} });
    expect((repo!.spec as any).type).toBe("oci");
  });

  test("delivers a git chart as GitRepository + HelmRelease with the chart path", () => {
    expect(parseGitChart("https://github.com/acme/charts.git?sha=abc&path=/charts/x/")).toEqual({ url: "https://github.com/acme/charts.git", ref: { commit: "abc" }, path: "./charts/x" });
    const [src] = renderFluxHelmRelease({ app: "x", namespace: "n", chart: { name: "https://github.com/acme/charts.git?branch=dev" }, values: {} });
    expect(src).toMatchObject({ kind: "GitRepository", spec: { ref: { branch: "dev" } } });
  });

  test("asks for a repository when the chart has none", () => {
    expect(() => renderFluxHelmRelease({ app: "x", namespace: "n", chart: { name: "redis" }, values: {} })).toThrow("needs a repository");
  });
});
