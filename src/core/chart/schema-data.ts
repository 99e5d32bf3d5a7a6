/**
 * JSON Schemas of the built-in charts' values, written for gimlet: every key the renderer reads,
 * with its type, so a typo or a wrong type is caught with its path before anything renders.
 */

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const int = { type: "integer" } as const;
const anyMap = { type: "object" } as const;
const strMap = { type: "object", additionalProperties: { type: ["string", "number", "boolean"] } } as const;
const list = (items: object) => ({ type: "array", items });
const obj = (properties: Record<string, object>, required: string[] = []) => ({ type: "object", properties, required, additionalProperties: false });

const probe = obj({
  enabled: bool,
  path: str,
  settings: obj({ initialDelaySeconds: int, periodSeconds: int, successThreshold: int, timeoutSeconds: int, failureThreshold: int }),
});

const quantities = { type: "object", properties: { cpu: { type: ["string", "number"] }, memory: str }, required: ["cpu", "memory"] };
const resources = {
  type: "object",
  properties: { requests: quantities, limits: quantities, ignore: bool, ignoreLimits: bool },
  additionalProperties: false,
};

const ingress = obj(
  {
    host: str,
    path: str,
    pathType: { enum: ["Prefix", "Exact", "ImplementationSpecific"] },
    paths: list(obj({ path: str, pathType: { enum: ["Prefix", "Exact", "ImplementationSpecific"] } }, ["path"])),
    ingressClassName: str,
    tlsEnabled: bool,
    secretName: str,
    annotations: strMap,
    nginxBasicAuth: obj({ user: str, password: str }, ["user", "password"]),
  },
  ["host"],
);

const volume = obj(
  {
    name: str,
    path: str,
    subPath: str,
    size: str,
    storageClass: str,
    accessMode: { enum: ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"] },
    pvcAnnotations: strMap,
    existingClaim: str,
    hostPath: obj({ path: str, type: str }, ["path"]),
    fileName: str,
    fileContent: str,
    emptyDir: bool,
    existingConfigMap: str,
    existingSecret: str,
  },
  ["name", "path"],
);
// Like onechart's schema: a volume says where its storage comes from, or how big a claim to make.
Object.assign(volume, {
  anyOf: [["size"], ["existingClaim"], ["hostPath"], ["emptyDir"], ["existingConfigMap"], ["fileName", "fileContent"], ["existingSecret"]].map((required) => ({ required })),
});

const fileMount = { name: str, path: str, subPath: str };
const envRef = list(obj({ name: str, optional: bool }, ["name"]));

/** Keys both charts share: env, secrets, volumes, pod placement, metadata. */
const common = {
  image: obj({ repository: str, tag: { type: ["string", "number"] }, pullPolicy: { enum: ["Always", "IfNotPresent", "Never"] } }),
  imagePullSecrets: list(str),
  nameOverride: str,
  fullnameOverride: str,
  shell: str,
  vars: strMap,
  existingConfigMaps: envRef,
  existingSecrets: envRef,
  secretEnabled: bool,
  secretName: str,
  sealedSecrets: { type: "object", additionalProperties: str },
  fileSecrets: list(obj({ ...fileMount, secrets: { type: "object", additionalProperties: str } }, ["name", "path", "secrets"])),
  sealedFileSecrets: list(obj({ ...fileMount, filesToMount: list(obj({ name: str, source: str }, ["name", "source"])) }, ["name", "path", "filesToMount"])),
  existingFileSecrets: list(obj(fileMount, ["name", "path"])),
  volumes: list(volume),
  podAnnotations: strMap,
  podSecurityContext: anyMap,
  securityContext: anyMap,
  resources,
  nodeSelector: strMap,
  tolerations: list(anyMap),
  affinity: anyMap,
  gitSha: str,
  gitRepository: str,
  gitBranch: str,
};

const onechart = obj({
  ...common,
  replicas: { type: "integer", minimum: 0 },
  strategy: { enum: ["Recreate", "RollingUpdate"] },
  podDisruptionBudgetEnabled: bool,
  spreadAcrossNodes: bool,
  command: str,
  containerPort: int,
  svcPort: int,
  nodePortEnabled: bool,
  nodePort: int,
  loadbalancerEnabled: bool,
  stickySessions: bool,
  ports: list(obj({ name: str, containerPort: int, svcPort: int, nodePort: int, protocol: { enum: ["TCP", "UDP", "SCTP"] } }, ["name", "containerPort"])),
  probe,
  livenessProbe: probe,
  ingress,
  ingresses: list(ingress),
  podLabels: strMap,
  serviceAccount: str,
  initContainers: list(obj({ name: str, image: str, tag: str, imagePullPolicy: str, command: str, securityContext: anyMap }, ["name", "image", "tag"])),
  sidecar: obj({ repository: str, tag: str, shell: str, command: str }, ["repository", "tag"]),
  container: anyMap,
  podSpec: anyMap,
  extraDeploy: str,
  monitor: obj({ enabled: bool, path: str, portName: str, scheme: { enum: ["http", "https"] }, scrapeTimeout: str }),
  prometheusRules: list(obj({ name: str, message: str, runBookURL: str, expression: str, for: str, labels: strMap }, ["name", "expression"])),
  serviceName: str,
  serviceDescription: str,
  ownerName: str,
  ownerIm: str,
  documentation: str,
  logs: str,
  metrics: str,
  issues: str,
  traces: str,
  serviceAnnotations: strMap,
});

const cronJob = obj({
  ...common,
  schedule: str,
  command: str,
  overrideCommand: bool,
  secret: obj({ enabled: bool }),
  constraints: obj({ successfulJobsHistoryLimit: int, failedJobsHistoryLimit: int, concurrencyPolicy: { enum: ["Allow", "Forbid", "Replace"] }, startingDeadlineSeconds: int }),
});

export const schemas: Record<string, object> = { onechart, "cron-job": cronJob };

