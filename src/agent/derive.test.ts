import { describe, expect, test } from "bun:test";
import type { RawObject } from "../kube/index.ts";
import { deriveState, podStatus, rollout } from "./derive.ts";
import {
  projectDeployment,
  projectEvent,
  projectFlux,
  projectIngress,
  projectPod,
  projectReplicaSet,
  projectService,
  projectStatefulSet,
  type ClusterObjects,
} from "./objects.ts";

const svc = (
  name: string,
  ann: Record<string, string>,
  selector: Record<string, string> | undefined = { app: name },
  ns = "default",
): RawObject => ({
  metadata: { name, namespace: ns, annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{…}", ...ann } },
  spec: { selector, ports: [{ port: 80 }] },
});

const deploy = (
  name: string,
  o: {
    sel?: Record<string, string>;
    sha?: string;
    replicas?: number;
    status?: Record<string, unknown>;
    generation?: number;
  } = {},
): RawObject => ({
  metadata: {
    name,
    namespace: "default",
    generation: o.generation ?? 1,
    annotations: o.sha ? { "gimlet.io/git-sha": o.sha } : {},
    managedFields: [{ manager: "kubectl", fieldsV1: { big: "x".repeat(1000) } }],
  } as RawObject["metadata"],
  spec: {
    replicas: o.replicas ?? 2,
    selector: { matchLabels: o.sel ?? { app: name } },
    template: {
      metadata: { labels: o.sel ?? { app: name } },
      spec: { containers: [{ name: "main", image: `reg/${name}:1` }] },
    },
  },
  status: o.status ?? {
    observedGeneration: 1,
    replicas: 2,
    updatedReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
  },
});

const pod = (
  name: string,
  labels: Record<string, string>,
  status: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): RawObject => ({
  metadata: { name, namespace: "default", labels, creationTimestamp: "2026-01-01T00:00:00Z", ...extra },
  spec: { nodeName: "node-1", containers: [{ name: "main", image: "x", env: [{ name: "A", value: "b" }] }] },
  status,
});

const running = {
  phase: "Running",
  containerStatuses: [{ name: "main", ready: true, restartCount: 0, state: { running: {} } }],
};

function objects(raw: {
  services?: RawObject[];
  deployments?: RawObject[];
  statefulsets?: RawObject[];
  replicasets?: RawObject[];
  pods?: RawObject[];
  ingresses?: RawObject[];
  events?: RawObject[];
  flux?: [string, RawObject][];
}): ClusterObjects {
  return {
    services: (raw.services ?? []).map(projectService),
    deployments: (raw.deployments ?? []).map(projectDeployment),
    statefulsets: (raw.statefulsets ?? []).map(projectStatefulSet),
    replicasets: (raw.replicasets ?? []).map(projectReplicaSet),
    pods: (raw.pods ?? []).map(projectPod),
    ingresses: (raw.ingresses ?? []).map(projectIngress),
    events: (raw.events ?? []).map(projectEvent),
    flux: (raw.flux ?? []).map(([k, o]) => projectFlux(k as "GitRepository")(o)),
  };
}

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

describe("rollout", () => {
  const cases: { name: string; status: Record<string, unknown>; generation?: number; want: string; reason?: string }[] =
    [
      {
        name: "all updated and available: complete",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 },
        want: "complete",
      },
      {
        name: "not yet observed: progressing",
        generation: 2,
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "fewer updated than desired: progressing",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 1, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "old replicas still terminating: progressing",
        status: { observedGeneration: 1, replicas: 3, updatedReplicas: 2, availableReplicas: 2 },
        want: "progressing",
      },
      {
        name: "updated but not available: progressing",
        status: { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 1 },
        want: "progressing",
      },
      {
        name: "ProgressDeadlineExceeded: failed, with the condition's reason",
        status: {
          observedGeneration: 1,
          replicas: 2,
          updatedReplicas: 1,
          availableReplicas: 1,
          conditions: [
            {
              type: "Progressing",
              status: "False",
              reason: "ProgressDeadlineExceeded",
              message: 'ReplicaSet "web-1" has timed out progressing.',
            },
          ],
        },
        want: "failed",
        reason: "ProgressDeadlineExceeded",
      },
      {
        name: "ReplicaFailure (quota): failed",
        status: {
          observedGeneration: 1,
          replicas: 0,
          conditions: [{ type: "ReplicaFailure", status: "True", reason: "FailedCreate", message: "exceeded quota" }],
        },
        want: "failed",
        reason: "FailedCreate",
      },
    ];
  for (const c of cases) {
    test(c.name, () => {
      const r = rollout(projectDeployment(deploy("web", { status: c.status, generation: c.generation })));
      expect(r.status).toBe(c.want as "complete");
      expect(r.reason).toBe(c.reason);
    });
  }
});

describe("pod status", () => {
  const c = (state: Record<string, unknown>, more: Record<string, unknown> = {}) => ({
    name: "main",
    ready: false,
    restartCount: 3,
    state,
    ...more,
  });
  const cases: { name: string; status: Record<string, unknown>; deleting?: boolean; want: string; desc?: string }[] = [
    { name: "Running", status: running, want: "Running" },
    {
      name: "deletionTimestamp: Terminating, whatever the phase",
      status: running,
      deleting: true,
      want: "Terminating",
    },
    {
      name: "CrashLoopBackOff with the last exit",
      status: {
        phase: "Running",
        containerStatuses: [
          c(
            { waiting: { reason: "CrashLoopBackOff", message: "back-off 5m0s" } },
            { lastState: { terminated: { reason: "Error", exitCode: 1 } } },
          ),
        ],
      },
      want: "CrashLoopBackOff",
      desc: "back-off 5m0s; last exit: Error (code 1)",
    },
    {
      name: "ImagePullBackOff while Pending",
      status: {
        phase: "Pending",
        containerStatuses: [c({ waiting: { reason: "ImagePullBackOff", message: "pull failed" } })],
      },
      want: "ImagePullBackOff",
      desc: "pull failed",
    },
    {
      name: "CreateContainerConfigError",
      status: {
        phase: "Pending",
        containerStatuses: [c({ waiting: { reason: "CreateContainerConfigError", message: 'secret "x" not found' } })],
      },
      want: "CreateContainerConfigError",
      desc: 'secret "x" not found',
    },
    {
      name: "init container waiting: Init:reason",
      status: { phase: "Pending", initContainerStatuses: [c({ waiting: { reason: "CrashLoopBackOff" } })] },
      want: "Init:CrashLoopBackOff",
    },
    {
      name: "OOMKilled from the last termination of a not-ready container",
      status: {
        phase: "Running",
        containerStatuses: [c({ running: {} }, { lastState: { terminated: { reason: "OOMKilled", exitCode: 137 } } })],
      },
      want: "OOMKilled",
    },
    {
      name: "a ready container that once OOMed is Running again",
      status: {
        phase: "Running",
        containerStatuses: [c({ running: {} }, { ready: true, lastState: { terminated: { reason: "OOMKilled" } } })],
      },
      want: "Running",
    },
    {
      name: "Pending with the scheduler's reason",
      status: {
        phase: "Pending",
        conditions: [
          {
            type: "PodScheduled",
            status: "False",
            reason: "Unschedulable",
            message: "0/2 nodes are available: 2 Insufficient cpu.",
          },
        ],
      },
      want: "Pending",
      desc: "Unschedulable: 0/2 nodes are available: 2 Insufficient cpu.",
    },
    {
      name: "Succeeded: the phase",
      status: { phase: "Succeeded", containerStatuses: [c({ terminated: { reason: "Completed", exitCode: 0 } })] },
      want: "Succeeded",
    },
  ];
  for (const t of cases) {
    test(t.name, () => {
      const p = projectPod(pod("p", {}, t.status, t.deleting ? { deletionTimestamp: "2026-01-01T00:01:00Z" } : {}));
      const s = podStatus(p);
      expect(s.status).toBe(t.want);
      expect(s.description).toBe(t.desc);
    });
  }
});

test("an app's pods, ingresses and warning events; restarts, node, age, ready counts", () => {
  const s = deriveState(
    "staging",
    objects({
      services: [
        svc("web", {
          "gimlet.io/git-repository": "acme/web",
          "gimlet.io/git-branch": "main",
          "gimlet.io/git-sha": "svcsha",
        }),
      ],
      deployments: [deploy("web", { sha: "abc123" })],
      replicasets: [
        { metadata: { name: "web-1", namespace: "default", ownerReferences: [{ kind: "Deployment", name: "web" }] } },
      ],
      pods: [
        pod("web-1-b", { app: "web", "pod-template-hash": "1" }, running),
        pod(
          "web-1-a",
          { app: "web", "pod-template-hash": "1" },
          {
            phase: "Running",
            containerStatuses: [
              { name: "main", ready: false, restartCount: 4, state: { waiting: { reason: "CrashLoopBackOff" } } },
            ],
          },
        ),
        pod("other", { app: "other" }, running),
      ],
      ingresses: [
        {
          metadata: { name: "web", namespace: "default" },
          spec: {
            tls: [{ hosts: ["web.example.com"] }],
            rules: [
              {
                host: "web.example.com",
                http: { paths: [{ path: "/", backend: { service: { name: "web", port: { number: 80 } } } }] },
              },
              { host: "plain.example.com", http: { paths: [{ path: "/api", backend: { service: { name: "web" } } }] } },
              { host: "other.example.com", http: { paths: [{ path: "/", backend: { service: { name: "other" } } }] } },
            ],
          },
        },
      ],
      events: [
        {
          metadata: { name: "e1", namespace: "default" },
          involvedObject: { kind: "Pod", name: "web-1-a" },
          type: "Warning",
          reason: "BackOff",
          message: "Back-off restarting failed container",
          count: 7,
          lastTimestamp: "2026-01-01T00:05:00Z",
        },
        {
          metadata: { name: "e2", namespace: "default" },
          involvedObject: { kind: "ReplicaSet", name: "web-1" },
          type: "Warning",
          reason: "FailedCreate",
          message: "quota",
          count: 1,
          lastTimestamp: "2026-01-01T00:06:00Z",
        },
        {
          metadata: { name: "e3", namespace: "default" },
          involvedObject: { kind: "Pod", name: "other" },
          type: "Warning",
          reason: "BackOff",
          message: "not mine",
          count: 1,
        },
      ],
    }),
  );
  expect(s).toEqual({
    env: "staging",
    flux: [],
    apps: [
      {
        key: "default/web",
        name: "web",
        namespace: "default",
        service: "web",
        repo: "acme/web",
        branch: "main",
        sha: "abc123",
        workload: {
          kind: "Deployment",
          name: "web",
          sha: "abc123",
          image: "reg/web:1",
          replicas: { desired: 2, updated: 2, ready: 2, available: 2 },
          rollout: { status: "complete" },
        },
        pods: [
          {
            name: "web-1-a",
            status: "CrashLoopBackOff",
            ready: "0/1",
            restarts: 4,
            node: "node-1",
            createdAt: "2026-01-01T00:00:00Z",
          },
          {
            name: "web-1-b",
            status: "Running",
            ready: "1/1",
            restarts: 0,
            node: "node-1",
            createdAt: "2026-01-01T00:00:00Z",
          },
        ],
        ingresses: [
          { name: "web", url: "https://web.example.com" },
          { name: "web", url: "http://plain.example.com/api" },
        ],
        events: [
          {
            object: "ReplicaSet/web-1",
            reason: "FailedCreate",
            message: "quota",
            count: 1,
            lastSeen: "2026-01-01T00:06:00Z",
          },
          {
            object: "Pod/web-1-a",
            reason: "BackOff",
            message: "Back-off restarting failed container",
            count: 7,
            lastSeen: "2026-01-01T00:05:00Z",
          },
        ],
      },
    ],
  });
});

test("a wildcard TLS host makes its subdomain https", () => {
  const ing: RawObject = {
    metadata: { name: "i", namespace: "default" },
    spec: {
      tls: [{ hosts: ["*.example.com"] }],
      rules: [{ host: "a.example.com", http: { paths: [{ backend: { service: { name: "web" } } }] } }],
    },
  };
  const s = deriveState("e", objects({ services: [svc("web", { "gimlet.io/app": "web" })], ingresses: [ing] }));
  expect(s.apps[0]!.ingresses).toEqual([{ name: "i", url: "https://a.example.com" }]);
});

test("Flux objects: Ready condition, applied and fetched revisions, suspension; sorted by kind", () => {
  const cond = (status: string, reason: string, message: string) => ({
    conditions: [
      { type: "Ready", status, reason, message },
      { type: "Reconciling", status: "True" },
    ],
  });
  const s = deriveState(
    "e",
    objects({
      flux: [
        [
          "Kustomization",
          {
            metadata: { name: "apps", namespace: "flux-system" },
            spec: { suspend: true },
            status: {
              ...cond("False", "BuildFailed", "kustomize build failed"),
              lastAppliedRevision: "main@sha1:a",
              lastAttemptedRevision: "main@sha1:b",
            },
          },
        ],
        [
          "GitRepository",
          {
            metadata: { name: "apps", namespace: "flux-system" },
            status: { ...cond("True", "Succeeded", "stored artifact"), artifact: { revision: "main@sha1:b" } },
          },
        ],
        [
          "HelmRelease",
          {
            metadata: { name: "redis", namespace: "default" },
            status: {
              ...cond("True", "InstallSucceeded", "ok"),
              history: [{ chartVersion: "18.1.0" }],
              lastAttemptedRevision: "18.1.0",
            },
          },
        ],
        ["GitRepository", { metadata: { name: "new", namespace: "flux-system" } }],
      ],
    }),
  );
  expect(s.flux).toEqual([
    {
      kind: "GitRepository",
      namespace: "flux-system",
      name: "apps",
      ready: "True",
      reason: "Succeeded",
      message: "stored artifact",
      fetchedRevision: "main@sha1:b",
    },
    { kind: "GitRepository", namespace: "flux-system", name: "new", ready: "Unknown" },
    {
      kind: "Kustomization",
      namespace: "flux-system",
      name: "apps",
      ready: "False",
      reason: "BuildFailed",
      message: "kustomize build failed",
      appliedRevision: "main@sha1:a",
      fetchedRevision: "main@sha1:b",
      suspended: true,
    },
    {
      kind: "HelmRelease",
      namespace: "default",
      name: "redis",
      ready: "True",
      reason: "InstallSucceeded",
      message: "ok",
      appliedRevision: "18.1.0",
      fetchedRevision: "18.1.0",
    },
  ]);
});

test("projections drop managedFields, pod specs and unrelated annotations", () => {
  const p = projectPod(pod("p", { app: "web" }, running));
  expect(JSON.stringify(p)).not.toContain("env");
  const d = projectDeployment(deploy("web"));
  expect(JSON.stringify(d)).not.toContain("managedFields");
  const s = projectService(svc("web", { "gimlet.io/app": "w" }));
  expect(s.annotations).toEqual({ "gimlet.io/app": "w" });
});
