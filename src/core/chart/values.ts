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
  constraints: {
    successfulJobsHistoryLimit: 1,
    failedJobsHistoryLimit: 1,
    concurrencyPolicy: "Forbid",
    startingDeadlineSeconds: 120,
  },
};

/**
 * helm's coalescing of user values over chart defaults (helm 3.22 chartutil.CoalesceValues):
 * maps present on both sides merge deeply; any other user value wins, zero and empty included.
 * A user null deletes the key where the default has a value (documented helm behaviour);
 * elsewhere it stays null, as in helm.
 */
export function coalesce(defaults: Values, user: Values): Values {
  return merged(defaults, user, true);
}

/** Keys in the defaults' order, then the user's own: output stays stable whatever the user's order. */
function merged(defaults: Values, user: Values, top: boolean): Values {
  const out: Values = {};
  for (const [k, d] of Object.entries(defaults)) {
    if (!(k in user)) out[k] = clone(d);
    else if (user[k] === null && (top || d !== null)) continue;
    else if (isPlainObject(user[k]) && isPlainObject(d)) out[k] = merged(d, user[k], false);
    else out[k] = clone(user[k]);
  }
  for (const [k, v] of Object.entries(user)) if (!(k in defaults)) out[k] = clone(v);
  return out;
}

/**
 * sprig's mergeOverwrite (mergo with override): maps on both sides merge deeply, and every other
 * `src` value replaces — zero, empty and null ones too (`fsGroup: 0`, `ports: []`).
 */
export function mergeOverwrite(dst: Values, src: unknown): Values {
  if (!isPlainObject(src)) return dst;
  for (const [k, v] of Object.entries(src)) {
    if (isPlainObject(v) && isPlainObject(dst[k])) dst[k] = mergeOverwrite(dst[k], v);
    else dst[k] = v === undefined ? null : clone(v);
  }
  return dst;
}
