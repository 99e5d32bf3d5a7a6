/**
 * kustomize's legacy resource order (api/internal/builtins SortOrderTransformer), what
 * `kustomize build` prints by default. gimlet's original ran krusty with MakeDefaultOptions,
 * which does not reorder, so the rendering pipeline keeps the input order; this is for callers
 * that want `kustomize build`'s order.
 */
import type { KubeObject } from "../k8s.ts";
import { gvkOf, type Gvk } from "./target.ts";

const orderFirst = [
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
const orderLast = ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"];

/** Kinds not listed rank 0, between the two lists. */
const rank = new Map<string, number>([
  ...orderFirst.map((k, i) => [k, i - orderFirst.length] as const),
  ...orderLast.map((k, i) => [k, i + 1] as const),
]);

// The "~" placeholders sort after letters; that decides where the core group lands.
const gvkString = (g: Gvk) => [g.group || "~G", g.version || "~V", g.kind || "~K"].join("_");
/** kustomize compares whole joined strings, not field by field: "a-b|x" < "a|x". */
const idString = (g: Gvk, o: KubeObject) =>
  [
    `${g.kind || "~K"}.${g.version || "~V"}.${g.group || "~G"}`,
    o.metadata.namespace || "~X",
    o.metadata.name || "~N",
  ].join("|");

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function kustomizeOrder(objects: readonly KubeObject[]): KubeObject[] {
  const keyed = objects.map((o) => {
    const g = gvkOf(o.apiVersion, o.kind);
    return { o, rank: rank.get(g.kind) ?? 0, gvk: gvkString(g), id: idString(g, o) };
  });
  keyed.sort((a, b) => (a.gvk !== b.gvk ? a.rank - b.rank || cmp(a.gvk, b.gvk) : cmp(a.id, b.id)));
  return keyed.map((k) => k.o);
}
