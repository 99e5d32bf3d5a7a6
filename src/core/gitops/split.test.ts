import { describe, expect, test } from "bun:test";
import type { KubeObject } from "../k8s.ts";
import { splitObjects } from "./split.ts";

const obj = (apiVersion: string, kind: string, name: string): KubeObject => ({ apiVersion, kind, metadata: { name } });

describe("splitObjects()", () => {
  test("writes one file per kind, sorted by path, each document starting with ---", () => {
    const files = splitObjects([
      obj("apps/v1", "Deployment", "web"),
      obj("v1", "Service", "web"),
      obj("v1", "ConfigMap", "a"),
      obj("v1", "ConfigMap", "b"),
    ]);
    expect(files.map((f) => f.path)).toEqual(["configmap.yaml", "deployment.yaml", "service.yaml"]);
    expect(files[0]!.content).toBe(
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
    );
  });

  test("adds the API group when one kind comes from two groups", () => {
    const files = splitObjects([
      obj("cert-manager.io/v1", "Certificate", "a"),
      obj("example.com/v1", "Certificate", "b"),
    ]);
    expect(files.map((f) => f.path)).toEqual(["certificate.cert-manager.io.yaml", "certificate.example.com.yaml"]);
  });

  test("is deterministic: the same objects give the same files", () => {
    const objs = [obj("v1", "Service", "x"), obj("apps/v1", "Deployment", "x")];
    expect(splitObjects(objs)).toEqual(splitObjects([...objs]));
  });
});
