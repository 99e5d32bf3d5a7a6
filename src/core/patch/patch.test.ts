import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { runCase } from "../../../tests/oracles/kustomize/run-case.ts";
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { applyJson6902Patches, applyStrategicMergePatches, kustomizeOrder } from "./index.ts";

const casesDir = join(import.meta.dir, "../../../tests/oracles/kustomize/cases");
const plain = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe("output equals kustomize's on every oracle case (tests/oracles/kustomize)", () => {
  const cases = readdirSync(casesDir).sort();
  test("there are at least 30 cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));
  for (const name of cases) {
    test(name, () => {
      const { ours, kustomize, override } = runCase(join(casesDir, name));
      if (override && "error" in override) {
        expect("error" in ours ? ours.error : "(no error)").toContain(override.error);
        return;
      }
      if ("error" in kustomize) {
        expect(ours).toHaveProperty("error");
        return;
      }
      if ("error" in ours) throw new Error(`kustomize succeeded, we failed: ${ours.error}`);
      if (override) {
        // A documented, deliberate difference: ours.yaml says what and why.
        expect(plain(ours.objects)).toEqual(override.objects);
        expect(override.objects).not.toEqual(kustomize.objects);
        return;
      }
      expect(plain(ours.objects)).toEqual(kustomize.objects);
      expect(plain(kustomizeOrder(ours.objects))).toEqual(kustomize.legacy);
    });
  }
});

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "ns" },
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          {
            name: "web",
            image: "nginx",
            env: [{ name: "A", value: "1" }],
            ports: [{ name: "http", containerPort: 80, protocol: "TCP" }],
          },
          { name: "side", image: "busybox" },
        ],
        volumes: [{ name: "d", emptyDir: {} }],
      },
    },
  },
});
const containers = (o: KubeObject | undefined) =>
  (o!.spec as { template: { spec: { containers: { name: string; image?: string }[] } } }).template.spec.containers;
const catchError = (f: () => unknown): UserError => {
  try {
    f();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error("expected a UserError");
};

describe("applyStrategicMergePatches()", () => {
  test("never mutates the rendered objects or returns them shared", () => {
    const d = deployment();
    const before = JSON.stringify(d);
    const [out] = applyStrategicMergePatches(
      [d],
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\nspec:\n  replicas: 5\n  template:\n    spec:\n      containers: [{name: web, image: nginx:2}]\n",
    );
    expect(JSON.stringify(d)).toBe(before);
    expect(containers(out)[0]).toMatchObject({ name: "web", image: "nginx:2" });
    expect(containers(out)).not.toBe(containers(d));
  });

  test("puts a new container first, as kustomize does", () => {
    const [out] = applyStrategicMergePatches(
      [deployment()],
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\nspec:\n  template:\n    spec:\n      containers: [{name: proxy, image: envoy}]\n",
    );
    expect(containers(out).map((c) => c.name)).toEqual(["proxy", "web", "side"]);
  });

  test("finds the one object a patch means even without its namespace", () => {
    const [out] = applyStrategicMergePatches(
      [deployment()],
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n",
    );
    expect(out).toMatchObject({ metadata: { name: "web", namespace: "ns" }, spec: { replicas: 4 } });
  });

  test("asks for a namespace when the name is rendered in several", () => {
    const other = { ...deployment(), metadata: { name: "web", namespace: "other" } };
    const e = catchError(() =>
      applyStrategicMergePatches(
        [deployment(), other],
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: 4}\n",
      ),
    );
    expect(e.message).toContain("matches 2 rendered objects");
    expect(e.hint).toContain("add metadata.namespace");
  });

  test("names a patch with no target, where it is, and the closest rendered objects", () => {
    const text =
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: wbe, namespace: ns}\nspec: {replicas: 2}\n";
    const e = catchError(() => applyStrategicMergePatches([deployment()], text, { file: "m.yaml", line: 10 }));
    expect(e.message).toBe(
      'patch 2 targets Deployment "wbe" in namespace ns (apps/v1), which the manifest does not render',
    );
    expect(e.pos).toEqual({ file: "m.yaml", line: 15 });
    expect(e.hint).toContain('closest rendered: Deployment "web" in namespace ns');
  });

  test("refuses a patch document that is not an object", () => {
    expect(() => applyStrategicMergePatches([deployment()], "- a\n- b\n")).toThrow("patch 1 is not an object");
  });

  test("leaves no directive behind: $patch elements in a replaced list are carried out", () => {
    const [out] = applyStrategicMergePatches(
      [deployment()],
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ns}\nspec:\n  template:\n    spec:\n      tolerations:\n      - $patch: replace\n      - {key: a}\n",
    );
    expect((out!.spec as { template: { spec: { tolerations: unknown } } }).template.spec.tolerations).toEqual([
      { key: "a" },
    ]);
  });

  test("deletes the whole object with $patch: delete", () => {
    const svc: KubeObject = { apiVersion: "v1", kind: "Service", metadata: { name: "web" } };
    const out = applyStrategicMergePatches(
      [deployment(), svc],
      "apiVersion: v1\nkind: Service\nmetadata: {name: web}\n$patch: delete\n",
    );
    expect(out.map((o) => o.kind)).toEqual(["Deployment"]);
  });
});

describe("applyJson6902Patches()", () => {
  const target = { group: "apps", version: "v1", kind: "Deployment", name: "web" };

  test("never mutates the rendered objects", () => {
    const d = deployment();
    const before = JSON.stringify(d);
    const [out] = applyJson6902Patches([d], [{ target, patch: "- {op: replace, path: /spec/replicas, value: 3}" }]);
    expect(JSON.stringify(d)).toBe(before);
    expect(out).toMatchObject({ spec: { replicas: 3 } });
  });

  test("names the target, the failing operation and its path, with a hint", () => {
    const e = catchError(() =>
      applyJson6902Patches(
        [deployment()],
        [
          {
            target,
            patch:
              "- {op: test, path: /spec/replicas, value: 1}\n- {op: remove, path: /spec/template/spec/volumes/3}\n",
          },
        ],
        { file: "m.yaml" },
      ),
    );
    expect(e.message).toBe(
      'operation 1 (remove /spec/template/spec/volumes/3) failed on Deployment "web": Unable to access invalid index: 3',
    );
    expect(e.options.path).toBe("json6902Patches[0].patch[1]");
    expect(e.pos).toEqual({ file: "m.yaml" });
    expect(e.hint).toContain("paths start with /");
  });

  test("reports a target that matches nothing, with what was rendered", () => {
    const e = catchError(() =>
      applyJson6902Patches([deployment()], [{ target: { kind: "Ingress", name: "web" }, patch: "[]" }]),
    );
    expect(e.message).toBe('no rendered object matches the target Ingress "web"');
    expect(e.hint).toContain('Deployment "web"');
  });

  test("refuses text that is not a list of operations", () => {
    expect(() => applyJson6902Patches([deployment()], [{ target, patch: "just text" }])).toThrow(
      "must be a list of operations",
    );
    expect(() => applyJson6902Patches([deployment()], [{ target, patch: "  " }])).toThrow("the patch is empty");
  });
});

describe("kustomizeOrder()", () => {
  test("orders by kind priority, then group/version/kind, then namespace|name as one string", () => {
    const o = (apiVersion: string, kind: string, name: string, namespace?: string): KubeObject => ({
      apiVersion,
      kind,
      metadata: { name, ...(namespace ? { namespace } : {}) },
    });
    const sorted = kustomizeOrder([
      o("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "w"),
      o("v1", "Pod", "p"),
      o("networking.k8s.io/v1", "Ingress", "i"),
      o("apps/v1", "Deployment", "a", "x-y"),
      o("apps/v1", "Deployment", "a", "x"),
      o("v1", "Namespace", "n"),
    ]);
    expect(sorted.map((x) => `${x.kind}/${x.metadata.namespace ?? ""}/${x.metadata.name}`)).toEqual([
      "Namespace//n",
      "Deployment/x-y/a",
      "Deployment/x/a",
      "Ingress//i",
      "Pod//p",
      "ValidatingWebhookConfiguration//w",
    ]);
  });
});
