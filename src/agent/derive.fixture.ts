/**
 * Raw Kubernetes objects for the derive tests: small builders with the fields derive reads,
 * plus noise (managedFields, pod env, kubectl annotations) that the projections must drop.
 */
import type { RawObject } from "../kube/index.ts";
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

export const svc = (
  name: string,
  ann: Record<string, string>,
  selector: Record<string, string> | undefined = { app: name },
  ns = "default",
): RawObject => ({
  metadata: { name, namespace: ns, annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{…}", ...ann } },
  spec: { selector, ports: [{ port: 80 }] },
});

export const deploy = (
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

export const pod = (
  name: string,
  labels: Record<string, string>,
  status: Record<string, unknown>,
  extra: Record<string, unknown> = {},
): RawObject => ({
  metadata: { name, namespace: "default", labels, creationTimestamp: "2026-01-01T00:00:00Z", ...extra },
  spec: { nodeName: "node-1", containers: [{ name: "main", image: "x", env: [{ name: "A", value: "b" }] }] },
  status,
});

export const running = {
  phase: "Running",
  containerStatuses: [{ name: "main", ready: true, restartCount: 0, state: { running: {} } }],
};

export function objects(raw: {
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
