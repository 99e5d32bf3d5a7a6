import { describe, expect, test } from "bun:test";
import type { RawObject } from "../kube/index.ts";
import { deriveState } from "./derive.ts";
import { deploy, objects, svc } from "./derive.fixture.ts";

describe("app identity", () => {
  const cases: { name: string; services: RawObject[]; deployments?: RawObject[]; want: Record<string, string> }[] = [
    {
      name: "a Service with gimlet.io/git-repository is an app",
      services: [svc("web", { "gimlet.io/git-repository": "acme/web" })],
      want: { "default/web": "web" },
    },
    {
      name: "gimlet.io/app names the app",
      services: [svc("web-svc", { "gimlet.io/app": "shop" })],
      want: { "default/web-svc": "shop" },
    },
    {
      name: "a Service without either annotation is not an app",
      services: [svc("db", { "gimlet.io/git-sha": "abc" })],
      want: {},
    },
    {
      name: "two annotated Services in two namespaces are two apps",
      services: [
        svc("web", { "gimlet.io/app": "a" }, { app: "web" }, "a"),
        svc("web", { "gimlet.io/app": "b" }, { app: "web" }, "b"),
      ],
      want: { "a/web": "a", "b/web": "b" },
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = deriveState("staging", objects({ services: c.services, deployments: c.deployments }));
      expect(Object.fromEntries(s.apps.map((a) => [a.key, a.name]))).toEqual(c.want);
    });
  }
});

describe("workload selection", () => {
  const cases: { name: string; deployments: RawObject[]; want?: string }[] = [
    {
      name: "the Deployment whose selector equals the Service's",
      deployments: [deploy("other", { sel: { app: "other" } }), deploy("web")],
      want: "web",
    },
    {
      name: "a superset selector is not equal",
      deployments: [deploy("web", { sel: { app: "web", tier: "x" } })],
      want: undefined,
    },
    { name: "a subset selector is not equal", deployments: [deploy("web", { sel: {} })], want: undefined },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const s = deriveState(
        "e",
        objects({ services: [svc("web", { "gimlet.io/git-repository": "acme/web" })], deployments: c.deployments }),
      );
      expect(s.apps[0]!.workload?.name).toBe(c.want);
    });
  }

  test("a StatefulSet is an app's workload too, with its sha, image and replicas", () => {
    const sts: RawObject = {
      metadata: { name: "db", namespace: "default", generation: 2, annotations: { "gimlet.io/git-sha": "s1" } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: "db" } },
        template: { spec: { containers: [{ name: "pg", image: "postgres:16" }] } },
      },
      status: {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        currentRevision: "r2",
        updateRevision: "r2",
      },
    };
    const s = deriveState("e", objects({ services: [svc("db", { "gimlet.io/app": "db" })], statefulsets: [sts] }));
    expect(s.apps[0]!.workload).toEqual({
      kind: "StatefulSet",
      name: "db",
      sha: "s1",
      image: "postgres:16",
      replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
      rollout: { status: "complete" },
    });
    expect(s.apps[0]!.sha).toBe("s1");
  });
});
