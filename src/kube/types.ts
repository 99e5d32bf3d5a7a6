/** The built-in resource types the agent watches. */
import type { ResourceType } from "./watch.ts";

export const builtinTypes = {
  deployments: { kind: "Deployment", group: "apps", version: "v1", plural: "deployments", namespaced: true },
  replicasets: { kind: "ReplicaSet", group: "apps", version: "v1", plural: "replicasets", namespaced: true },
  statefulsets: { kind: "StatefulSet", group: "apps", version: "v1", plural: "statefulsets", namespaced: true },
  pods: { kind: "Pod", group: "", version: "v1", plural: "pods", namespaced: true },
  services: { kind: "Service", group: "", version: "v1", plural: "services", namespaced: true },
  ingresses: { kind: "Ingress", group: "networking.k8s.io", version: "v1", plural: "ingresses", namespaced: true },
  events: { kind: "Event", group: "", version: "v1", plural: "events", namespaced: true },
} satisfies Record<string, ResourceType>;
