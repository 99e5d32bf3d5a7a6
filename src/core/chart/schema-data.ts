/**
 * JSON Schemas of the built-in charts' values, checked against the values after the chart
 * defaults are merged in (as helm does). They accept what onechart 0.74.0 and cron-job 0.74.0
 * accept (their values.schema.json, values.yaml, and the keys their templates read), key by key,
 * with these deliberate differences:
 * - Unknown keys are refused (onechart's root allows anything): a typo is caught with its path.
 *   Every key onechart's schema, values.yaml or templates name is known, used or not
 *   (`name`, `description`, `secret.enabled`).
 * - Keys onechart's schema does not type get the type its templates need for a valid object:
 *   ports are integers or digit strings (`containerPort: "8080"` renders as 8080); `strategy`,
 *   `pathType`, `protocol`, `pullPolicy`, `accessMode` are the values the API server accepts
 *   (or empty/null, which the templates skip); null is accepted there, as helm accepts it.
 * - Maps rendered as string maps (`vars`, annotations, labels, `nodeSelector`, `sealedSecrets`)
 *   take scalars and null, not lists or maps (helm would write Go's `map[a:b]` text).
 * - Probe `settings` take the fields of a Kubernetes probe's timing (plus
 *   `terminationGracePeriodSeconds`), nothing else; a volume and a `ports` entry need a `name`.
 * - Keys whose templates read a field inside them (`image.tag`, `probe.enabled`, `monitor.enabled`,
 *   `resources.ignore`) or merge them (`container`, `podSpec`) cannot be removed with null: helm
 *   fails the render ("nil pointer evaluating"); we refuse them up front, as we refuse what helm's
 *   template functions would refuse (`fileSecrets` values that are not strings, for b64enc).
 */

const str = { type: "string" } as const;
const bool = { type: "boolean" } as const;
const int = { type: "integer" } as const;
const anyMap = { type: "object" } as const;
const list = (items: object) => ({ type: "array", items });
const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: "object",
  properties,
  required,
  additionalProperties: false,
});
const range = (minimum: number, maximum: number) => ({ type: "integer", minimum, maximum });

/** A key onechart's schema does not type: null (helm keeps it, templates skip it) is fine too. */
function nullable(s: Record<string, unknown>): object {
  if (Array.isArray(s.enum)) return { ...s, enum: [...s.enum, null] };
  const t = s.type as string | string[];
  return { ...s, type: [...(Array.isArray(t) ? t : [t]), "null"] };
}
const oneOf = (...values: string[]) => nullable({ enum: [...values, ""] });
const nstr = nullable(str);
const nbool = nullable(bool);
const nint = nullable(int);
const nanyMap = nullable(anyMap);
/** A port where onechart does not type it: a number, or digits in quotes (the template unquotes them). */
const port = { type: ["integer", "string", "null"], pattern: "^[0-9]+$" };
const scalarMap = { type: "object", additionalProperties: { type: ["string", "number", "boolean", "null"] } };

const probeSettings = obj({
  initialDelaySeconds: range(0, 180),
  periodSeconds: range(1, 60),
  successThreshold: range(1, 15),
  timeoutSeconds: range(1, 30),
  failureThreshold: range(1, 15),
  terminationGracePeriodSeconds: nint,
});
const probe = obj({ enabled: bool, path: str, settings: nullable(probeSettings as Record<string, unknown>) }, [
  "enabled",
  "path",
]);

/** Extra fields (e.g. `ephemeral-storage`) pass through to the container, as in onechart. */
const quantities = { type: "object", properties: { cpu: str, memory: str }, required: ["cpu", "memory"] };
const onechartResources = {
  type: "object",
  properties: { requests: quantities, limits: quantities, ignore: bool, ignoreLimits: bool },
};
const cronResources = { type: "object", properties: { requests: quantities, limits: quantities } };

const pathType = oneOf("Prefix", "Exact", "ImplementationSpecific");
const hostPattern = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
const ingressFields = {
  path: nstr,
  pathType,
  paths: nullable(list(obj({ path: str, pathType }, ["path"]))),
  ingressClassName: nstr,
  tlsEnabled: bool,
  secretName: nstr,
  annotations: scalarMap,
  nginxBasicAuth: obj({ user: str, password: str }, ["user", "password"]),
};
/** onechart's schema checks `ingress.host` against a DNS pattern; `ingresses` it does not type. */
const ingress = obj({ host: { type: "string", pattern: hostPattern }, ...ingressFields });
const ingressesItem = obj({ host: str, ...ingressFields }, ["host"]);

const volumeFields = {
  name: str,
  path: str,
  subPath: nstr,
  size: str,
  storageClass: str,
  accessMode: oneOf("ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"),
  pvcAnnotations: scalarMap,
  existingClaim: str,
  hostPath: obj(
    {
      path: str,
      type: {
        type: "string",
        enum: ["DirectoryOrCreate", "Directory", "FileOrCreate", "File", "Socket", "CharDevice", "BlockDevice"],
      },
    },
    ["path"],
  ),
  fileName: str,
  fileContent: str,
  emptyDir: bool,
  existingConfigMap: str,
  existingSecret: str,
};
/** onechart's anyOf: a volume says where its storage comes from, or how big a claim to make. */
const volume = {
  ...obj(volumeFields, ["name", "path"]),
  anyOf: [
    ["size"],
    ["existingClaim"],
    ["hostPath"],
    ["emptyDir"],
    ["existingConfigMap"],
    ["fileName", "fileContent"],
    ["existingSecret"],
  ].map((required) => ({ required })),
};
/** cron-job's schema types volume fields but requires none of them: a claim of 1Gi is the default. */
const cronVolume = obj(volumeFields, ["name", "path"]);

const fileMount = { name: str, path: str, subPath: nstr };
const envRef = nullable(list(obj({ name: str, optional: nbool }, ["name"])));

/** Keys both charts read (the common library's env, secrets and volumes). */
const common = {
  imagePullSecrets: list(str),
  nameOverride: str,
  fullnameOverride: str,
  shell: str,
  vars: scalarMap,
  existingConfigMaps: envRef,
  existingSecrets: envRef,
  secretEnabled: nbool,
  secret: { type: "object", properties: { enabled: bool }, required: ["enabled"], additionalProperties: false },
  secretName: str,
  sealedSecrets: scalarMap,
  // helm's b64enc takes strings only: `on` or 5 there fails the render.
  fileSecrets: nullable(
    list(obj({ ...fileMount, secrets: { type: "object", additionalProperties: str } }, ["name", "path", "secrets"])),
  ),
  sealedFileSecrets: nullable(
    list(
      obj({ ...fileMount, filesToMount: list(obj({ name: str, source: str }, ["name", "source"])) }, [
        "name",
        "path",
        "filesToMount",
      ]),
    ),
  ),
  existingFileSecrets: list(obj(fileMount, ["name", "path"])),
  podAnnotations: scalarMap,
  podSecurityContext: anyMap,
  securityContext: anyMap,
  nodeSelector: scalarMap,
  tolerations: list(anyMap),
  affinity: anyMap,
};

const onechart = obj(
  {
    ...common,
    image: obj({ repository: str, tag: str, pullPolicy: oneOf("Always", "IfNotPresent", "Never") }),
    replicas: range(0, 16),
    podSecurityContext: { type: "object", properties: { fsGroup: int }, required: ["fsGroup"] },
    podDisruptionBudgetEnabled: bool,
    spreadAcrossNodes: bool,
    name: str,
    description: str,
    ownerName: str,
    ownerIm: str,
    documentation: str,
    logs: str,
    metrics: str,
    issues: str,
    traces: str,
    gitSha: str,
    gitRepository: str,
    gitBranch: nstr,
    strategy: oneOf("Recreate", "RollingUpdate"),
    command: nstr,
    containerPort: int,
    svcPort: port,
    nodePortEnabled: nbool,
    nodePort: port,
    loadbalancerEnabled: nbool,
    stickySessions: nbool,
    ports: nullable(
      list(
        obj({ name: str, containerPort: port, svcPort: port, nodePort: port, protocol: oneOf("TCP", "UDP", "SCTP") }, [
          "name",
          "containerPort",
        ]),
      ),
    ),
    resources: onechartResources,
    probe,
    livenessProbe: probe,
    volumes: list(volume),
    ingress,
    ingresses: nullable(list(ingressesItem)),
    podLabels: scalarMap,
    serviceAccount: nstr,
    initContainers: list(
      obj({ name: str, image: str, tag: str, imagePullPolicy: str, command: str, securityContext: nanyMap }, [
        "name",
        "image",
        "tag",
      ]),
    ),
    sidecar: nullable(
      obj({ repository: str, tag: str, shell: nstr, command: nstr }, ["repository", "tag"]) as Record<string, unknown>,
    ),
    container: anyMap,
    podSpec: anyMap,
    extraDeploy: nstr,
    monitor: obj({ enabled: nbool, path: nstr, portName: nstr, scheme: oneOf("http", "https"), scrapeTimeout: nstr }),
    prometheusRules: nullable(
      list(
        obj({ name: str, message: nstr, runBookURL: nstr, expression: str, for: nstr, labels: nullable(scalarMap) }, [
          "name",
          "expression",
        ]),
      ),
    ),
    serviceName: nstr,
    serviceDescription: nstr,
    serviceAnnotations: nullable(scalarMap),
  },
  ["image", "probe", "livenessProbe", "resources", "monitor", "container", "podSpec"],
);

const cronJob = obj(
  {
    ...common,
    image: obj({ repository: str, tag: str, pullPolicy: oneOf("Always", "IfNotPresent", "Never") }, [
      "repository",
      "tag",
    ]),
    imagePullSecrets: nullable(list(str)),
    existingFileSecrets: nullable(list(obj(fileMount, ["name", "path"])) as Record<string, unknown>),
    secretName: nstr,
    schedule: str,
    command: str,
    overrideCommand: nbool,
    resources: cronResources,
    volumes: list(cronVolume),
    podSecurityContext: nanyMap,
    securityContext: nanyMap,
    nameOverride: nstr,
    fullnameOverride: nstr,
    gitSha: nstr,
    gitRepository: nstr,
    gitBranch: nstr,
    constraints: nullable(
      obj({
        successfulJobsHistoryLimit: nint,
        failedJobsHistoryLimit: nint,
        concurrencyPolicy: oneOf("Allow", "Forbid", "Replace"),
        startingDeadlineSeconds: nint,
        suspend: nbool,
        timeZone: nstr,
      }) as Record<string, unknown>,
    ),
  },
  ["image"],
);

export const schemas: Record<string, object> = { onechart, "cron-job": cronJob };
