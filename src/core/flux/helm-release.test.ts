import { describe, expect, test } from "bun:test";
import Ajv from "ajv";
import fc from "fast-check";
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { isGitChart, parseGitChart, renderFluxHelmRelease } from "./helm-release.ts";
import crds from "./testdata/flux-crd-schemas.json";

type CrdKind = keyof typeof crds.kinds;
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
const validators = Object.fromEntries(Object.entries(crds.kinds).map(([k, v]) => [k, ajv.compile(v.spec)]));
const dns1123Label = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What the API server would check of our objects, from the Flux CRDs in testdata/. */
function crdProblems(o: KubeObject): string[] {
  const crd = crds.kinds[o.kind as CrdKind];
  if (!crd) return [`no CRD for ${o.kind}`];
  const problems: string[] = [];
  if (o.apiVersion !== crd.apiVersion) problems.push(`apiVersion ${o.apiVersion}, CRD serves ${crd.apiVersion}`);
  if (!dns1123Label.test(o.metadata.name)) problems.push(`name ${o.metadata.name} is not a DNS-1123 label`);
  const spec = o.spec as Record<string, unknown>;
  for (const k of Object.keys(spec)) if (!crd.allSpecFields.includes(k)) problems.push(`spec.${k} is not in the CRD`);
  const validate = validators[o.kind]!;
  if (!validate(spec)) problems.push(...(validate.errors ?? []).map((e) => `spec${e.instancePath} ${e.message}`));
  // The one CEL rule on these specs: HelmRelease needs exactly one of chart and chartRef.
  if (o.kind === "HelmRelease" && "chart" in spec === "chartRef" in spec)
    problems.push("HelmRelease needs exactly one of chart and chartRef");
  return problems;
}

function sourceOf(objects: KubeObject[]) {
  const [source, release] = objects;
  const ref = (release!.spec as { chart: { spec: { sourceRef: { kind: string; name: string } } } }).chart.spec
    .sourceRef;
  return { source: source!, release: release!, ref };
}

describe("renderFluxHelmRelease()", () => {
  test("delivers a Helm repository chart as HelmRepository + HelmRelease with inline values", () => {
    const out = renderFluxHelmRelease({
      app: "redis",
      namespace: "data",
      chart: { repository: "https://charts.bitnami.com/bitnami", name: "redis", version: "19.0.1" },
      values: { auth: { enabled: false } },
    });
    expect(out).toEqual([
      {
        apiVersion: "source.toolkit.fluxcd.io/v1",
        kind: "HelmRepository",
        metadata: { name: "redis-charts-bitnami-com-bitnami", namespace: "data" },
        spec: { interval: "1h", url: "https://charts.bitnami.com/bitnami" },
      },
      {
        apiVersion: "helm.toolkit.fluxcd.io/v2",
        kind: "HelmRelease",
        metadata: { name: "redis", namespace: "data" },
        spec: {
          interval: "10m",
          chart: {
            spec: {
              chart: "redis",
              version: "19.0.1",
              sourceRef: { kind: "HelmRepository", name: "redis-charts-bitnami-com-bitnami" },
            },
          },
          values: { auth: { enabled: false } },
        },
      },
    ]);
    expect(out.flatMap(crdProblems)).toEqual([]);
  });

  test("marks OCI repositories and leaves out version and empty values", () => {
    const out = renderFluxHelmRelease({
      app: "x",
      namespace: "n",
      chart: { repository: "oci://ghcr.io/acme/charts", name: "x" },
      values: {},
    });
    expect(out[0]!.spec).toEqual({ interval: "1h", url: "oci://ghcr.io/acme/charts", type: "oci" });
    expect(out[1]!.spec).toEqual({
      interval: "10m",
      chart: { spec: { chart: "x", sourceRef: { kind: "HelmRepository", name: "x-ghcr-io-acme-charts" } } },
    });
    expect(out.flatMap(crdProblems)).toEqual([]);
  });

  test("delivers a git chart as GitRepository + HelmRelease with the chart path, rebuilt on each commit", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    const out = renderFluxHelmRelease({
      app: "api",
      namespace: "apps",
      chart: { name: `https://github.com/acme/charts.git?sha=${sha}&path=/charts/api/` },
      values: { replicas: 2 },
    });
    expect(out[0]).toEqual({
      apiVersion: "source.toolkit.fluxcd.io/v1",
      kind: "GitRepository",
      metadata: { name: "api-github-com-acme-charts", namespace: "apps" },
      spec: { interval: "1h", url: "https://github.com/acme/charts.git", ref: { commit: sha } },
    });
    expect((out[1]!.spec as { chart: unknown }).chart).toEqual({
      spec: {
        chart: "./charts/api",
        reconcileStrategy: "Revision",
        sourceRef: { kind: "GitRepository", name: "api-github-com-acme-charts" },
      },
    });
    expect(out.flatMap(crdProblems)).toEqual([]);
  });

  test("two apps sharing a repository get sources of their own", () => {
    const render = (app: string) =>
      renderFluxHelmRelease({
        app,
        namespace: "n",
        chart: { repository: "https://charts.example.com", name: "c" },
        values: {},
      });
    expect(render("a")[0]!.metadata.name).not.toBe(render("b")[0]!.metadata.name);
  });

  test("every rendered object passes the Flux CRD schemas and references its own source", () => {
    const app = fc.stringMatching(/^[a-z][a-z0-9-]{0,50}[a-z0-9]$/);
    const host = fc.stringMatching(/^[a-z0-9]{1,20}(\.[a-z0-9]{1,12}){0,2}\.[a-z]{2,6}$/);
    const segs = fc.array(fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,29}$/), { maxLength: 4 });
    const chart = fc.oneof(
      fc
        .record({
          scheme: fc.constantFrom("https", "http", "oci"),
          host,
          segs,
          version: fc.option(fc.constantFrom("1.2.3", "^1.0", "*"), { nil: undefined }),
        })
        .map(({ scheme, host, segs, version }) => ({
          repository: `${scheme}://${host}/${segs.join("/")}`,
          name: "chart",
          ...(version ? { version } : {}),
        })),
      fc
        .record({
          host,
          segs,
          ref: fc.constantFrom("tag=v1.0.0", "branch=dev", "", "sha=" + "a".repeat(40)),
          path: segs,
        })
        .map(({ host, segs, ref, path }) => ({
          name: `https://${host}/${segs.join("/")}/repo.git?${ref}&path=/${path.join("/")}`,
        })),
    );
    fc.assert(
      fc.property(app, chart, (app, chart) => {
        const objects = renderFluxHelmRelease({ app, namespace: "ns", chart, values: { a: 1 } });
        expect(objects.flatMap(crdProblems)).toEqual([]);
        const { source, release, ref } = sourceOf(objects);
        expect(ref).toEqual({ kind: source.kind, name: source.metadata.name });
        expect(release.metadata).toEqual({ name: app, namespace: "ns" });
        expect(source.metadata.namespace).toBe("ns");
      }),
      { numRuns: 300 },
    );
  });
});

describe("git chart URLs", () => {
  test("are recognised as the original did: git@ prefix or a .git in the name", () => {
    expect(isGitChart("https://github.com/acme/charts.git?path=/x/")).toBe(true);
    expect(isGitChart("git@github.com:acme/charts.git")).toBe(true);
    expect(isGitChart("onechart")).toBe(false);
  });

  test("read tag, branch and path; without a ref the branch is main; credentials never reach the cluster", () => {
    expect(parseGitChart("https://github.com/acme/charts.git?tag=v1.2.0&path=/charts/x/")).toEqual({
      url: "https://github.com/acme/charts.git",
      ref: { tag: "v1.2.0" },
      path: "./charts/x",
    });
    expect(parseGitChart("https://user:token@git.example.com/charts.git")).toEqual({
      url: "https://git.example.com/charts.git",
      ref: { branch: "main" },
      path: ".",
    });
    expect(parseGitChart("https://github.com/acme/charts.git?branch=dev&path=charts//y")).toMatchObject({
      ref: { branch: "dev" },
      path: "./charts/y",
    });
  });
});

describe("bad chart input is a UserError naming the field, with a hint", () => {
  const cases: [string, { repository?: string; name: string }, string, string][] = [
    ["missing chart name", { name: "" }, "chart.name", "chart.name is required"],
    ["unparsable git URL", { name: "https://exa mple.com/charts.git" }, "chart.name", "cannot read the git chart URL"],
    ["ssh git URL", { name: "git@github.com:acme/charts.git" }, "chart.name", "uses SSH"],
    ["short sha", { name: "https://github.com/acme/charts.git?sha=abc123" }, "chart.name", "is not a full commit id"],
    [
      "misspelt query key",
      { name: "https://github.com/acme/charts.git?ref=v1" },
      "chart.name",
      'unknown query key "ref"',
    ],
    [
      "path leaving the repository",
      { name: "https://github.com/acme/charts.git?path=/../x" },
      "chart.name",
      "leaves the repository",
    ],
    ["no repository", { name: "redis" }, "chart.repository", "needs a repository"],
    [
      "repository of another scheme",
      { name: "redis", repository: "s3://bucket/charts" },
      "chart.repository",
      "must be an http(s):// or oci:// URL",
    ],
  ];
  for (const [what, chart, path, message] of cases) {
    test(what, () => {
      let err: unknown;
      try {
        renderFluxHelmRelease({ app: "x", namespace: "n", chart, values: {} });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UserError);
      expect((err as UserError).message).toContain(message);
      expect((err as UserError).options.path).toBe(path);
      expect((err as UserError).hint).toBeTruthy();
    });
  }
});
