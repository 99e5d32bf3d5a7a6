/** Default values of the built-in charts, and helm's way of laying user values over them. */
import { isPlainObject } from "../k8s.ts";
import { clone, type Values } from "./names.ts";

const probe = () => ({
  enabled: false,
  path: "/",
  settings: { initialDelaySeconds: 0, periodSeconds: 10, successThreshold: 1, timeoutSeconds: 3, failureThreshold: 3 },
});

export const onechartDefaults: Values = {
  image: { repository: "nginx", tag: "latest", pullPolicy: "IfNotPresent" },
  replicas: 1,
  nameOverride: "",
  fullnameOverride: "",
  podAnnotations: {},
  podLabels: {},
  podSecurityContext: { fsGroup: 999 },
  securityContext: {},
  containerPort: 80,
  resources: { requests: { cpu: "200m", memory: "200Mi" }, limits: { cpu: "200m", memory: "200Mi" } },
  nodeSelector: {},
  tolerations: [],
  probe: probe(),
  livenessProbe: probe(),
  secretEnabled: false,
  shell: "/bin/sh",
  podDisruptionBudgetEnabled: true,
  spreadAcrossNodes: false,
  nodePortEnabled: false,
  monitor: { enabled: false },
  container: {},
  podSpec: {},
};

export const cronJobDefaults: Values = {
  image: { repository: "debian", tag: "stable-slim" },
  schedule: "*/1 * * * *",
  command: 'echo "I\'m alive"\n',
  overrideCommand: true,
  shell: "/bin/sh",
  nameOverride: "",
  fullnameOverride: "",
  podAnnotations: {},
  podSecurityContext: { fsGroup: 999 },
  securityContext: {},
  resources: {},
  nodeSelector: {},
  tolerations: [],
  affinity: {},
  secret: { enabled: false },
  constraints: { successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 1, concurrencyPolicy: "Forbid", startingDeadlineSeconds: 120 },
};

/** helm's coalescing: maps merge deeply, anything else replaces, and null deletes a default. */
export function coalesce(defaults: Values, user: Values): Values {
  const out: Values = clone(defaults);
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = coalesce(out[k], v);
    else out[k] = clone(v);
  }
  return out;
}

/** sprig's mergeOverwrite: `src` wins, maps merge deeply, lists replace. */
export function mergeOverwrite(dst: Values, src: Values | undefined): Values {
  if (!src) return dst;
  for (const [k, v] of Object.entries(src)) {
    if (isPlainObject(v) && isPlainObject(dst[k])) dst[k] = mergeOverwrite(dst[k], v);
    // mergo skips empty source values where the destination already has the key.
    else if (v !== null && v !== undefined && !(isZero(v) && k in dst)) dst[k] = clone(v);
  }
  return dst;
}

function isZero(v: unknown): boolean {
  return v === false || v === 0 || v === "" || (Array.isArray(v) && v.length === 0) || (isPlainObject(v) && Object.keys(v).length === 0);
}
