/**
 * The objects that run `gimlet agent` in a cluster: its Namespace, ServiceAccount, the least
 * privilege it needs (read what it derives state from, patch only for restart and reconcile),
 * the token Secret and a locked-down Deployment probed on its health port.
 */
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { isDnsLabel } from "../k8s.ts";

export interface AgentManifestOptions {
  env: string;
  /** URL of `gimlet serve` as the agent reaches it. */
  server: string;
  /** Where the agent runs. */
  namespace?: string;
  image: string;
  /** Watch only this namespace: a Role there instead of a ClusterRole. */
  watchNamespace?: string;
  /** The env's agent token; empty leaves the Secret for the operator to fill in. */
  token?: string;
  healthPort?: number;
}

const read = ["get", "list", "watch"];

/** Exactly what the agent calls: watches, pod logs, restart (patch) and Flux reconcile (patch). */
export function agentRules(): Record<string, unknown>[] {
  return [
    { apiGroups: [""], resources: ["pods", "services", "events"], verbs: read },
    { apiGroups: [""], resources: ["pods/log"], verbs: ["get"] },
    { apiGroups: ["apps"], resources: ["replicasets"], verbs: read },
    { apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: [...read, "patch"] },
    { apiGroups: ["networking.k8s.io"], resources: ["ingresses"], verbs: read },
    { apiGroups: ["source.toolkit.fluxcd.io"], resources: ["gitrepositories"], verbs: [...read, "patch"] },
    { apiGroups: ["kustomize.toolkit.fluxcd.io"], resources: ["kustomizations"], verbs: [...read, "patch"] },
    { apiGroups: ["helm.toolkit.fluxcd.io"], resources: ["helmreleases"], verbs: [...read, "patch"] },
  ];
}

export function agentManifests(o: AgentManifestOptions): KubeObject[] {
  const ns = o.namespace ?? "gimlet";
  for (const [flag, v] of [
    ["--namespace", ns],
    ["--watch-namespace", o.watchNamespace],
    ["--env", o.env],
  ] as const) {
    if (v !== undefined && !isDnsLabel(v)) {
      const hint = "lowercase letters, digits and '-', at most 63";
      throw new UserError(`${JSON.stringify(v)} is not a valid Kubernetes name`, { path: flag, hint });
    }
  }
  if (!/^https?:\/\/[^\s/]+/.test(o.server)) {
    const hint = "e.g. https://gimlet.example.com";
    throw new UserError(`${JSON.stringify(o.server)} is not an http(s) URL`, { path: "--server", hint });
  }
  const port = o.healthPort ?? 9091;
  const name = `gimlet-agent-${o.env}`;
  const labels = { "app.kubernetes.io/name": "gimlet-agent", "app.kubernetes.io/instance": o.env };
  const sa = { kind: "ServiceAccount", name, namespace: ns };
  const rbac = "rbac.authorization.k8s.io/v1";
  const role: KubeObject = o.watchNamespace
    ? { apiVersion: rbac, kind: "Role", metadata: { name, namespace: o.watchNamespace, labels }, rules: agentRules() }
    : { apiVersion: rbac, kind: "ClusterRole", metadata: { name, labels }, rules: agentRules() };
  const binding: KubeObject = {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: o.watchNamespace ? "RoleBinding" : "ClusterRoleBinding",
    metadata: o.watchNamespace ? { name, namespace: o.watchNamespace, labels } : { name, labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: role.kind, name },
    subjects: [sa],
  };
  const probe = (path: string) => ({
    httpGet: { path, port: "health" },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns, labels } },
    role,
    binding,
    {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name, namespace: ns, labels },
      type: "Opaque",
      stringData: { GIMLET_AGENT_TOKEN: o.token ?? "" },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name, namespace: ns, labels },
      spec: {
        replicas: 1,
        // Two agents for one env would interleave snapshots: the old one goes first.
        strategy: { type: "Recreate" },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: name,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65534,
              runAsGroup: 65534,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "agent",
                image: o.image,
                args: ["agent", "--health-listen", `0.0.0.0:${port}`],
                env: [
                  { name: "GIMLET_SERVER", value: o.server },
                  { name: "GIMLET_ENV", value: o.watchNamespace ? `${o.env}=${o.watchNamespace}` : o.env },
                  { name: "GIMLET_AGENT_TOKEN", valueFrom: { secretKeyRef: { name, key: "GIMLET_AGENT_TOKEN" } } },
                ],
                ports: [{ name: "health", containerPort: port }],
                livenessProbe: probe("/healthz"),
                readinessProbe: probe("/readyz"),
                resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  readOnlyRootFilesystem: true,
                  capabilities: { drop: ["ALL"] },
                },
                volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
              },
            ],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "16Mi" } }],
          },
        },
      },
    },
  ];
}
