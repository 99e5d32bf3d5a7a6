import { describe, expect, test } from "bun:test";
import type { KubeObject } from "../k8s.ts";
import { applyJson6902Patches, applyStrategicMergePatches, kustomizeOrder } from "./index.ts";

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "ns" },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: "web", image: "nginx", env: [{ name: "A", value: "1" }], ports: [{ name: "http", containerPort: 80 }], volumeMounts: [{ name: "d", mountPath: "/d" }] },
          { name: "side", image: "busybox" },
        ],
        volumes: [{ name: "d", emptyDir: {} }],
        tolerations: [{ key: "a" }],
      },
    },
  },
});
const service = (): KubeObject => ({ apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { ports: [{ port: 80, name: "http" }] } });
const spec = (o: KubeObject) => (o.spec as any).template.spec;

describe("applyStrategicMergePatches()", () => {
  test("merges containers by name, env by name and ports by containerPort", () => {
    const [d] = applyStrategicMergePatches(
      [deployment()],
      `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: web
        env:
        - name: B
          value: "2"
        - name: A
          value: changed
        ports:
        - containerPort: 80
          protocol: TCP
`,
    );
    const c = spec(d!).containers[0];
    expect(c.env).toEqual([
      { name: "A", value: "changed" },
      { name: "B", value: "2" },
    ]);
    expect(c.ports).toEqual([{ name: "http", containerPort: 80, protocol: "TCP" }]);
    expect(spec(d!).containers[1].name).toBe("side");
  });

  test("deletes with null, $patch: delete on an element and on a whole object", () => {
    const out = applyStrategicMergePatches(
      [deployment(), service()],
      `kind: Deployment
apiVersion: apps/v1
metadata: {name: web}
spec:
  replicas: null
  template:
    spec:
      containers:
      - name: side
        $patch: delete
---
kind: Service
apiVersion: v1
metadata: {name: web}
$patch: delete
`,
    );
    expect(out.map((o) => o.kind)).toEqual(["Deployment"]);
    expect((out[0]!.spec as any).replicas).toBeUndefined();
    expect(spec(out[0]!).containers.map((c: any) => c.name)).toEqual(["web"]);
  });

  test("replaces lists without a merge key and honours $patch: replace", () => {
    const [d] = applyStrategicMergePatches(
      [deployment()],
      `kind: Deployment
apiVersion: apps/v1
metadata: {name: web}
spec:
  template:
    spec:
      tolerations: [{key: b}]
      volumes:
      - $patch: replace
      - name: other
        emptyDir: {}
`,
    );
    expect(spec(d!).tolerations).toEqual([{ key: "b" }]);
    expect(spec(d!).volumes).toEqual([{ name: "other", emptyDir: {} }]);
  });

  test("merges Service ports by port", () => {
    const [s] = applyStrategicMergePatches([service()], "kind: Service\napiVersion: v1\nmetadata: {name: web}\nspec:\n  ports:\n  - port: 80\n    nodePort: 30080\n");
    expect((s!.spec as any).ports).toEqual([{ port: 80, name: "http", nodePort: 30080 }]);
  });

  test("replaces lists of custom resources, as kustomize does without their schema", () => {
    const cr: KubeObject = { apiVersion: "example.com/v1", kind: "Thing", metadata: { name: "t" }, spec: { items: [{ name: "a" }, { name: "b" }] } };
    const [t] = applyStrategicMergePatches([cr], "apiVersion: example.com/v1\nkind: Thing\nmetadata: {name: t}\nspec:\n  items: [{name: c}]\n");
    expect((t!.spec as any).items).toEqual([{ name: "c" }]);
  });

  test("names the patch that matches nothing and lists what was rendered", () => {
    expect(() => applyStrategicMergePatches([deployment()], "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: api}\n", { file: "m.yaml" })).toThrow(
      'patch 1 targets Deployment "api", which the manifest does not render',
    );
  });

  test("never mutates its input", () => {
    const d = deployment();
    const before = JSON.stringify(d);
    applyStrategicMergePatches([d], "kind: Deployment\napiVersion: apps/v1\nmetadata: {name: web}\nspec: {replicas: 5}\n");
    expect(JSON.stringify(d)).toBe(before);
  });
});

describe("applyJson6902Patches()", () => {
  test("applies add, replace, remove, copy, move and test", () => {
    const [d] = applyJson6902Patches([deployment()], [
      {
        target: { group: "apps", version: "v1", kind: "Deployment", name: "web" },
        patch: `- op: test
  path: /spec/replicas
  value: 1
- op: replace
  path: /spec/replicas
  value: 3
- op: add
  path: /metadata/labels
  value: {a: b}
- op: copy
  from: /metadata/labels/a
  path: /metadata/annotations
- op: move
  from: /spec/template/spec/tolerations
  path: /spec/tolerationsMoved
- op: remove
  path: /spec/template/spec/containers/1
`,
      },
    ]);
    expect((d!.spec as any).replicas).toBe(3);
    expect(d!.metadata.labels).toEqual({ a: "b" });
    expect((d!.spec as any).tolerationsMoved).toEqual([{ key: "a" }]);
    expect(spec(d!).containers).toHaveLength(1);
  });

  test("reports the failing operation and its path", () => {
    expect(() => applyJson6902Patches([deployment()], [{ target: { kind: "Deployment", name: "web" }, patch: "- op: replace\n  path: /spec/nope/x\n  value: 1\n" }])).toThrow(
      "operation 0 (replace /spec/nope/x) failed",
    );
  });

  test("reports a target that matches nothing", () => {
    expect(() => applyJson6902Patches([deployment()], [{ target: { kind: "Ingress", name: "web" }, patch: "[]" }])).toThrow("no rendered object matches the target Ingress");
  });
});

describe("kustomizeOrder()", () => {
  test("puts namespaces and config first and webhooks last, then sorts by name", () => {
    const o = (kind: string, name: string, apiVersion = "v1"): KubeObject => ({ apiVersion, kind, metadata: { name } });
    const sorted = kustomizeOrder([o("Deployment", "b", "apps/v1"), o("ValidatingWebhookConfiguration", "w", "admissionregistration.k8s.io/v1"), o("Ingress", "i", "networking.k8s.io/v1"), o("Deployment", "a", "apps/v1"), o("Namespace", "n"), o("ConfigMap", "c")]);
    expect(sorted.map((x) => `${x.kind}/${x.metadata.name}`)).toEqual(["Namespace/n", "ConfigMap/c", "Deployment/a", "Deployment/b", "Ingress/i", "ValidatingWebhookConfiguration/w"]);
  });
});
