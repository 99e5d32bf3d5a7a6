/** kustomize's legacy resource order, which `kustomize build` applies to everything it emits. */
import { apiGroup, type KubeObject } from "../k8s.ts";

const first = [
  "Namespace",
  "ResourceQuota",
  "StorageClass",
  "CustomResourceDefinition",
  "ServiceAccount",
  "PodSecurityPolicy",
  "Role",
  "ClusterRole",
  "RoleBinding",
  "ClusterRoleBinding",
  "ConfigMap",
  "Secret",
  "Endpoints",
  "Service",
  "LimitRange",
  "PriorityClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "Deployment",
  "StatefulSet",
  "CronJob",
  "PodDisruptionBudget",
];
const last = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

function rank(kind: string): number {
  const i = first.indexOf(kind);
  if (i >= 0) return i;
  const j = last.indexOf(kind);
  return j >= 0 ? first.length + 1 + j : first.length;
}

function gvk(o: KubeObject): string {
  return `${apiGroup(o.apiVersion)}_${o.apiVersion.split("/").at(-1)}_${o.kind}`;
}

export function kustomizeOrder(objects: KubeObject[]): KubeObject[] {
  const key = (o: KubeObject) => [rank(o.kind), gvk(o), o.metadata.namespace ?? "", o.metadata.name] as const;
  return [...objects].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! < y[i]! ? -1 : 1;
    return 0;
  });
}
