/** The `cron-job` chart: a CronJob with onechart's env, secret and volume features. */
import type { KubeObject } from "../k8s.ts";
import { clone, labels, quoted, scalar, str, truthy, type ChartContext, type Values } from "./names.ts";
import { configMap, fileConfigMaps, fileSecrets, pvcs, sealedFileSecrets, sealedSecret } from "./objects.ts";
import { helmOrder } from "./onechart.ts";
import { envFrom, volumeMounts, volumes } from "./pod.ts";

function cronJob(ctx: ChartContext): KubeObject {
  const v = ctx.values;
  const container: Values = {
    name: ctx.release,
    image: `${str(v.image?.repository)}:${str(truthy(v.image?.tag) ? v.image.tag : "")}`,
  };
  if (truthy(v.vars)) container.imagePullPolicy = scalar(v.image?.pullPolicy);
  if (truthy(v.overrideCommand)) container.command = [scalar(v.shell), "-c", str(v.command)];
  const e = envFrom(ctx);
  if (e) container.envFrom = e;
  const m = volumeMounts(ctx);
  if (m) container.volumeMounts = m;
  container.resources = clone(v.resources ?? null);
  const spec: Values = {};
  if (truthy(v.imagePullSecrets))
    spec.imagePullSecrets = (v.imagePullSecrets as unknown[]).map((n) => ({ name: scalar(n) }));
  spec.restartPolicy = "Never";
  spec.containers = [container];
  const vols = volumes(ctx);
  if (vols) spec.volumes = vols;
  if (truthy(v.nodeSelector)) spec.nodeSelector = clone(v.nodeSelector);
  if (truthy(v.affinity)) spec.affinity = clone(v.affinity);
  if (truthy(v.tolerations)) spec.tolerations = clone(v.tolerations);
  const podAnn = truthy(v.podAnnotations) ? clone(v.podAnnotations) : null;
  return {
    apiVersion: "batch/v1",
    kind: "CronJob",
    metadata: { name: ctx.release, namespace: ctx.namespace, labels: labels(ctx) },
    spec: {
      schedule: quoted(v.schedule),
      ...(truthy(v.constraints) ? clone(v.constraints) : {}),
      jobTemplate: { spec: { template: { metadata: { annotations: podAnn }, spec } } },
    },
  };
}

export function renderCronJob(ctx: ChartContext): KubeObject[] {
  return helmOrder(
    [
      configMap(ctx),
      cronJob(ctx),
      ...fileConfigMaps(ctx),
      ...fileSecrets(ctx),
      ...pvcs(ctx),
      ...sealedFileSecrets(ctx),
      sealedSecret(ctx),
    ].filter((o): o is KubeObject => o !== undefined),
  );
}
