/** The onechart Deployment and the whole chart render, in helm's install order. */
import type { KubeObject } from "../k8s.ts";
import { clone, int64, labels, name, scalar, selectorLabels, truthy, type ChartContext, type Values } from "./names.ts";
import {
  basicAuthSecret,
  configChecksum,
  configMap,
  extraDeploy,
  fileConfigMaps,
  fileSecrets,
  ingresses,
  pdb,
  prometheusRule,
  pvcs,
  sealedFileSecrets,
  sealedSecret,
  service,
  serviceMonitor,
} from "./objects.ts";
import { podSpec } from "./pod.ts";

function deployment(ctx: ChartContext): KubeObject {
  const v = ctx.values;
  const ann: Record<string, unknown> = { "kubectl.kubernetes.io/default-container": name(ctx) };
  if (truthy(v.gitSha))
    Object.assign(ann, { "gimlet.io/git-sha": scalar(v.gitSha), "v1alpha1.opensca.dev/version.sha": scalar(v.gitSha) });
  if (truthy(v.gitBranch))
    Object.assign(ann, {
      "gimlet.io/git-branch": scalar(v.gitBranch),
      "v1alpha1.opensca.dev/version.branch": scalar(v.gitBranch),
    });
  const spec: Values = { replicas: scalar(v.replicas), selector: { matchLabels: selectorLabels(ctx) } };
  if (truthy(v.volumes) && int64(v.replicas) === 1 && !truthy(v.strategy)) spec.strategy = { type: "Recreate" };
  if (truthy(v.strategy)) spec.strategy = { type: scalar(v.strategy) };
  const podAnn: Record<string, unknown> = {
    "checksum/config": configChecksum(ctx),
    ...(truthy(v.podAnnotations) ? clone(v.podAnnotations) : {}),
  };
  if (truthy(v.gitSha)) podAnn["gimlet.io/git-sha"] = scalar(v.gitSha);
  if (truthy(v.gitRepository)) podAnn["gimlet.io/git-repository"] = scalar(v.gitRepository);
  spec.template = {
    metadata: {
      annotations: podAnn,
      labels: {
        ...((truthy(v.podLabels) ? clone(v.podLabels) : {}) as Record<string, string>),
        ...selectorLabels(ctx),
      },
    },
    spec: podSpec(ctx),
  };
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: name(ctx),
      namespace: ctx.namespace,
      labels: labels(ctx),
      annotations: ann as Record<string, string>,
    },
    spec,
  };
}

/** helm's InstallOrder for the kinds a built-in chart emits; anything else follows, in render order. */
const installOrder = [
  "Namespace",
  "NetworkPolicy",
  "ResourceQuota",
  "LimitRange",
  "PodSecurityPolicy",
  "PodDisruptionBudget",
  "ServiceAccount",
  "Secret",
  "SecretList",
  "ConfigMap",
  "StorageClass",
  "PersistentVolume",
  "PersistentVolumeClaim",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleList",
  "ClusterRoleBinding",
  "ClusterRoleBindingList",
  "Role",
  "RoleList",
  "RoleBinding",
  "RoleBindingList",
  "Service",
  "DaemonSet",
  "Pod",
  "ReplicationController",
  "ReplicaSet",
  "Deployment",
  "HorizontalPodAutoscaler",
  "StatefulSet",
  "Job",
  "CronJob",
  "IngressClass",
  "Ingress",
  "APIService",
];

export function helmOrder(objects: KubeObject[]): KubeObject[] {
  const rank = (k: string) => {
    const i = installOrder.indexOf(k);
    return i < 0 ? installOrder.length : i;
  };
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => rank(a.o.kind) - rank(b.o.kind) || a.i - b.i)
    .map((x) => x.o);
}

/** Objects in template-file order (basic-auth, configmap, custom-file-configmap, deployment, …), then helm's sort. */
export function renderOnechart(ctx: ChartContext, file?: string): KubeObject[] {
  const objects = [
    basicAuthSecret(ctx),
    configMap(ctx),
    ...fileConfigMaps(ctx),
    deployment(ctx),
    ...extraDeploy(ctx, file),
    ...fileSecrets(ctx),
    ...ingresses(ctx),
    pdb(ctx),
    prometheusRule(ctx),
    ...pvcs(ctx),
    ...sealedFileSecrets(ctx),
    sealedSecret(ctx),
    service(ctx),
    serviceMonitor(ctx),
  ].filter((o): o is KubeObject => o !== undefined);
  return helmOrder(objects);
}
