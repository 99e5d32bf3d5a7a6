/**
 * The test cluster is real: workloads get pods that reach Running, Flux pulls a git repo over
 * http and applies (and prunes) it, installs a HelmRelease, and the notification-controller posts
 * events. Times are printed for the issue-4 report.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, useCluster } from "../../support/cluster.ts";
import { run, startGitServer, type GitServer } from "../../support/git-server.ts";

const cluster = useCluster();
let git: GitServer;
const work = mkdtempSync(join(tmpdir(), "cluster-test-"));
beforeAll(async () => {
  git = await startGitServer();
});
afterAll(() => {
  git?.stop();
  rmSync(work, { recursive: true, force: true });
});

const json = async (args: string[]) => JSON.parse(await cluster.kubectl([...args, "-o", "json"]));

describe("workloads", () => {
  test("a Deployment gets a ReplicaSet and pods that reach Running; deleting it removes them", async () => {
    await cluster.kubectl(["create", "namespace", "work"]);
    await eventually("default ServiceAccount", async () =>
      (await cluster.kubectl(["-n", "work", "get", "sa", "default", "-o", "name"])).includes("default"),
    );
    const applied = performance.now();
    await cluster.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: work}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: work}
spec:
  selector: {app: web}
  ports: [{port: 80}]
`,
    );
    await eventually(
      "3 pods Running",
      async () =>
        (await json(["-n", "work", "get", "pods", "-l", "app=web"])).items.filter(
          (p: any) => p.status.phase === "Running",
        ).length === 3,
    );
    console.log(`apply → 3 pods Running: ${((performance.now() - applied) / 1000).toFixed(1)} s`);
    expect((await json(["-n", "work", "get", "replicasets", "-l", "app=web"])).items).toHaveLength(1);
    await eventually("EndpointSlice with 3 endpoints", async () => {
      const slices = (await json(["-n", "work", "get", "endpointslices", "-l", "kubernetes.io/service-name=web"]))
        .items;
      return slices.reduce((n: number, s: any) => n + (s.endpoints?.length ?? 0), 0) === 3;
    });
    await cluster.kubectl(["-n", "work", "delete", "deployment", "web"]);
    await eventually(
      "pods gone",
      async () => (await json(["-n", "work", "get", "pods", "-l", "app=web"])).items.length === 0,
    );
  }, 120_000);
});

async function commitAll(dir: string, message: string): Promise<void> {
  await run(["git", "add", "-A"], dir);
  await run(["git", "commit", "-q", "-m", message], dir);
  await run(["git", "push", "-q", "origin", "main"], dir);
}

describe("Flux", () => {
  test("a GitRepository over http plus a Kustomization apply a folder, and prune what git removes", async () => {
    await git.createRepo("apps.git");
    const wc = join(work, "apps");
    await run(["git", "clone", "-q", git.url("apps.git"), wc]);
    mkdirSync(join(wc, "staging"), { recursive: true });
    writeFileSync(join(wc, "staging", "ns.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: flux-apps}\n");
    writeFileSync(
      join(wc, "staging", "a.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: flux-apps}\ndata: {k: v}\n",
    );
    writeFileSync(
      join(wc, "staging", "b.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b, namespace: flux-apps}\ndata: {k: v}\n",
    );
    await commitAll(wc, "first");
    const committed = performance.now();
    await cluster.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 5s
  url: ${git.url("apps.git")}
  ref: {branch: main}
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system}
spec:
  interval: 1m
  path: ./staging
  prune: true
  sourceRef: {kind: GitRepository, name: apps}
`,
    );
    await eventually(
      "ConfigMaps a and b applied",
      async () =>
        (await cluster.kubectl(["-n", "flux-apps", "get", "configmaps", "a", "b", "-o", "name"]))
          .split("\n")
          .filter(Boolean).length === 2,
      90_000,
    );
    console.log(`git commit → Flux applied (first sync): ${((performance.now() - committed) / 1000).toFixed(1)} s`);
    rmSync(join(wc, "staging", "b.yaml"));
    await commitAll(wc, "remove b");
    const t = performance.now();
    await eventually(
      "ConfigMap b pruned",
      async () =>
        !(await cluster.kubectl(["-n", "flux-apps", "get", "configmaps", "-o", "name"])).includes("configmap/b"),
      90_000,
    );
    console.log(`git commit → Flux pruned: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }, 200_000);

  test("a HelmRelease from a chart in a GitRepository installs", async () => {
    await git.createRepo("charts.git");
    const wc = join(work, "charts");
    await run(["git", "clone", "-q", git.url("charts.git"), wc]);
    mkdirSync(join(wc, "charts", "hello", "templates"), { recursive: true });
    writeFileSync(join(wc, "charts", "hello", "Chart.yaml"), "apiVersion: v2\nname: hello\nversion: 0.1.0\n");
    writeFileSync(join(wc, "charts", "hello", "values.yaml"), "greeting: hi\n");
    writeFileSync(
      join(wc, "charts", "hello", "templates", "cm.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-greeting\ndata:\n  greeting: {{ .Values.greeting | quote }}\n",
    );
    await commitAll(wc, "chart");
    await cluster.kubectl(["create", "namespace", "helm-apps"]);
    await cluster.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: charts, namespace: helm-apps}
spec:
  interval: 10s
  url: ${git.url("charts.git")}
  ref: {branch: main}
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: {name: hello, namespace: helm-apps}
spec:
  interval: 1m
  chart:
    spec:
      chart: ./charts/hello
      sourceRef: {kind: GitRepository, name: charts}
  values: {greeting: hello from flux}
`,
    );
    await eventually(
      "the chart's ConfigMap",
      async () =>
        (await json(["-n", "helm-apps", "get", "configmap", "hello-greeting"])).data.greeting === "hello from flux",
      120_000,
    );
  }, 180_000);

  test("the notification-controller posts events to a generic Provider", async () => {
    const received: unknown[] = [];
    const receiver = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      async fetch(req) {
        received.push(await req.json());
        return new Response("ok");
      },
    });
    try {
      await cluster.kubectl(
        ["apply", "-f", "-"],
        `apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Provider
metadata: {name: receiver, namespace: flux-system}
spec:
  type: generic
  address: http://127.0.0.1:${receiver.port}/events
---
apiVersion: notification.toolkit.fluxcd.io/v1beta3
kind: Alert
metadata: {name: all, namespace: flux-system}
spec:
  providerRef: {name: receiver}
  eventSeverity: info
  eventSources: [{kind: Kustomization, name: "*"}, {kind: GitRepository, name: "*"}]
`,
      );
      // Any reconcile produces an event; force one.
      await cluster.kubectl([
        "-n",
        "flux-system",
        "annotate",
        "--overwrite",
        "kustomization/apps",
        `reconcile.fluxcd.io/requestedAt=${Date.now()}`,
      ]);
      await eventually("an event at the receiver", async () => received.length > 0, 90_000);
      expect(received[0]).toMatchObject({ involvedObject: expect.any(Object), reason: expect.any(String) });
    } finally {
      receiver.stop(true);
    }
  }, 120_000);
});

/** Minimal CRDs for the third-party kinds onechart emits, so the API server can dry-run them. */
function crd(group: string, kind: string, plural: string, version: string): string {
  return `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: ${plural}.${group}}
spec:
  group: ${group}
  names: {kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()}, listKind: ${kind}List}
  scope: Namespaced
  versions:
  - name: ${version}
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;
}

describe("rendered output against the real API server", () => {
  test("every golden manifest's output and every bootstrap file passes server-side dry-run", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    await cluster.kubectl(
      ["apply", "-f", "-"],
      [
        crd("bitnami.com", "SealedSecret", "sealedsecrets", "v1alpha1"),
        crd("monitoring.coreos.com", "ServiceMonitor", "servicemonitors", "v1"),
        crd("monitoring.coreos.com", "PrometheusRule", "prometheusrules", "v1"),
      ].join("---\n"),
    );
    await cluster.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd", "--all"]);
    const rendered = join(import.meta.dir, "../../golden/rendered");
    const files = readdirSync(rendered).filter((n) => n.endsWith(".yaml"));
    expect(files.length).toBeGreaterThanOrEqual(25);
    const namespaces = new Set<string>();
    for (const f of files)
      for (const m of readFileSync(join(rendered, f), "utf8").matchAll(/^ {2}namespace: (\S+)$/gm))
        namespaces.add(m[1]!);
    for (const ns of namespaces) await cluster.kubectl(["create", "namespace", ns]).catch(() => "");
    const failures: string[] = [];
    for (const f of files) {
      await cluster
        .kubectl(["apply", "--dry-run=server", "-f", join(rendered, f)])
        .catch((e: Error) => failures.push(`${f}: ${e.message}`));
    }
    const boot = join(import.meta.dir, "../../../src/core/gitops/testdata/bootstrap");
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory()
          ? walk(join(d, e.name))
          : e.name.endsWith(".yaml") && e.name !== "kustomization.yaml"
            ? [join(d, e.name)]
            : [],
      );
    for (const f of walk(boot)) {
      await cluster
        .kubectl(["apply", "--dry-run=server", "-f", f])
        .catch((e: Error) => failures.push(`${f}: ${e.message}`));
    }
    expect(failures).toEqual([]);
  }, 120_000);
});
