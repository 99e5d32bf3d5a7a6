/** onechart's objects besides the Deployment (reference §5.4), one builder each. */
import { sha1Hex, sha256Hex as sha256Bytes } from "../template/hash.ts";
import { quote as goQuote } from "../template/quote.ts";
import type { KubeObject } from "../k8s.ts";
import { parseYamlAll } from "../yaml.ts";
import {
  clone,
  int64,
  labels,
  name,
  quoted,
  robustName,
  scalar,
  selectorLabels,
  str,
  truthy,
  type ChartContext,
  type Values,
} from "./names.ts";

const sha256Hex = (s: string) => sha256Bytes(new TextEncoder().encode(s));

const meta = (ctx: ChartContext, n: string, extra: Record<string, unknown> = {}) => ({
  name: n,
  namespace: ctx.namespace,
  ...extra,
});

/** The exact text helm renders for the vars ConfigMap: its sha256 is the pod's checksum/config. */
function configMapText(ctx: ChartContext): string {
  const v = ctx.values;
  if (!truthy(v.vars)) return "";
  const l = labels(ctx);
  const lines = [
    "",
    "---",
    "apiVersion: v1",
    "kind: ConfigMap",
    "metadata:",
    `  name: ${name(ctx)}`,
    `  namespace: ${ctx.namespace}`,
    "  labels:",
    ...Object.entries(l).map(([k, x]) => `    ${k}: ${x}`),
    "data:",
    ...Object.keys(v.vars as Values)
      .sort()
      .map((k) => {
        const x = (v.vars as Values)[k];
        return `  ${k}: ${x === null || x === undefined ? "" : goQuote(str(x))}`;
      }),
  ];
  return lines.join("\n");
}

export function configChecksum(ctx: ChartContext): string {
  return sha256Hex(configMapText(ctx));
}

export function configMap(ctx: ChartContext): KubeObject | undefined {
  const v = ctx.values;
  if (!truthy(v.vars)) return undefined;
  const data = Object.fromEntries(
    Object.keys(v.vars as Values)
      .sort()
      .map((k) => [k, quoted((v.vars as Values)[k])]),
  );
  return { apiVersion: "v1", kind: "ConfigMap", metadata: meta(ctx, name(ctx), { labels: labels(ctx) }), data };
}

export function service(ctx: ChartContext): KubeObject {
  const v = ctx.values;
  const ann: Record<string, unknown> = {};
  if (
    truthy(v.gitRepository) ||
    truthy(v.gitSha) ||
    truthy(v.serviceName) ||
    truthy(v.serviceDescription) ||
    truthy(v.ownerName) ||
    truthy(v.ownerIm) ||
    truthy(v.serviceAnnotations)
  ) {
    if (truthy(v.gitRepository)) {
      const parts = str(v.gitRepository).split("/");
      Object.assign(ann, {
        "gimlet.io/git-repository": scalar(v.gitRepository),
        "v1alpha1.opensca.dev/vcs.owner": scalar(parts[0] ?? ""),
        "v1alpha1.opensca.dev/vcs.name": scalar(parts[1] ?? ""),
      });
    }
    if (truthy(v.gitSha))
      Object.assign(ann, {
        "gimlet.io/git-sha": scalar(v.gitSha),
        "v1alpha1.opensca.dev/version.sha": scalar(v.gitSha),
      });
    if (truthy(v.gitBranch))
      Object.assign(ann, {
        "gimlet.io/git-branch": scalar(v.gitBranch),
        "v1alpha1.opensca.dev/version.branch": scalar(v.gitBranch),
      });
    const quoted: [string, string][] = [
      ["serviceName", "name"],
      ["serviceDescription", "description"],
      ["ownerName", "owner.name"],
      ["ownerIm", "owner.im"],
      ["documentation", "documentation"],
      ["logs", "logs"],
      ["metrics", "metrics"],
      ["issues", "issues"],
      ["traces", "traces"],
    ];
    for (const [field, key] of quoted) if (truthy(v[field])) ann[`v1alpha1.opensca.dev/${key}`] = str(v[field]);
    if (truthy(v.serviceAnnotations)) Object.assign(ann, clone(v.serviceAnnotations));
  }
  const spec: Values = {
    type: truthy(v.nodePortEnabled) ? "NodePort" : truthy(v.loadbalancerEnabled) ? "LoadBalancer" : "ClusterIP",
  };
  if (truthy(v.stickySessions)) {
    // onechart sets the timeout without sessionAffinity, which the API server rejects; ClientIP is what it meant.
    spec.sessionAffinity = "ClientIP";
    spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
    spec.externalTrafficPolicy = "Local";
  }
  spec.ports = truthy(v.ports)
    ? (v.ports as Values[]).map((p) => ({
        name: scalar(p.name),
        port: scalar(truthy(p.svcPort) ? p.svcPort : p.containerPort),
        ...(truthy(p.nodePort) ? { nodePort: scalar(p.nodePort) } : {}),
        targetPort: scalar(p.name),
        protocol: truthy(p.protocol) ? scalar(p.protocol) : "TCP",
      }))
    : [
        {
          port: scalar(truthy(v.svcPort) ? v.svcPort : v.containerPort),
          targetPort: "http",
          protocol: "TCP",
          name: "http",
          ...(truthy(v.nodePort) ? { nodePort: scalar(v.nodePort) } : {}),
        },
      ];
  spec.selector = selectorLabels(ctx);
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: meta(ctx, name(ctx), { labels: labels(ctx), ...(Object.keys(ann).length ? { annotations: ann } : {}) }),
    spec,
  };
}

function ingress(ctx: ChartContext, ing: Values, longName: boolean): KubeObject {
  const v = ctx.values;
  const robust = name(ctx);
  const resourceName = longName ? `${robust}-${robustName(str(ing.host))}` : robust;
  const ann: Record<string, unknown> = {};
  if (truthy(v.gitSha) || truthy(ing.nginxBasicAuth) || truthy(ing.annotations) || truthy(v.gitRepository)) {
    if (truthy(ing.nginxBasicAuth)) {
      Object.assign(ann, {
        "nginx.ingress.kubernetes.io/auth-type": "basic",
        "nginx.ingress.kubernetes.io/auth-secret": `${resourceName}-basic-auth`,
        "nginx.ingress.kubernetes.io/auth-realm": "Authentication Required - basic",
      });
    }
    if (truthy(ing.annotations)) Object.assign(ann, clone(ing.annotations));
    if (truthy(v.gitSha)) ann["gimlet.io/git-sha"] = scalar(v.gitSha);
    if (truthy(v.gitRepository)) ann["gimlet.io/git-repository"] = scalar(v.gitRepository);
  }
  const port = { number: scalar(truthy(v.svcPort) ? v.svcPort : v.containerPort) };
  const backend = { service: { name: robust, port } };
  const paths = truthy(ing.paths)
    ? (ing.paths as Values[]).map((p) => ({
        path: str(p.path),
        pathType: truthy(p.pathType) ? str(p.pathType) : "Prefix",
        backend: clone(backend),
      }))
    : [
        {
          path: truthy(ing.path) ? str(ing.path) : "/",
          pathType: truthy(ing.pathType) ? str(ing.pathType) : "Prefix",
          backend,
        },
      ];
  const spec: Values = {};
  if (truthy(ing.ingressClassName)) spec.ingressClassName = scalar(ing.ingressClassName);
  if (truthy(ing.tlsEnabled))
    spec.tls = [
      { hosts: [str(ing.host)], secretName: truthy(ing.secretName) ? scalar(ing.secretName) : `tls-${resourceName}` },
    ];
  spec.rules = [{ host: str(ing.host), http: { paths } }];
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: meta(ctx, resourceName, {
      labels: labels(ctx),
      ...(Object.keys(ann).length ? { annotations: ann } : {}),
    }),
    spec,
  };
}

export function ingresses(ctx: ChartContext): KubeObject[] {
  const v = ctx.values;
  const out: KubeObject[] = [];
  if (truthy(v.ingress)) out.push(ingress(ctx, v.ingress as Values, false));
  for (const ing of (v.ingresses as Values[] | undefined) ?? []) out.push(ingress(ctx, ing, true));
  return out;
}

/**
 * nginx basic auth. onechart's htpasswd is bcrypt with a random salt, so every render differs and
 * every deploy would rewrite the Secret; we write `{SSHA}` (nginx reads it) with a salt derived
 * from the inputs, so the same values always render the same Secret.
 */
export function basicAuthSecret(ctx: ChartContext): KubeObject | undefined {
  const auth = (ctx.values.ingress as Values | undefined)?.nginxBasicAuth as Values | undefined;
  if (!truthy(ctx.values.ingress) || !truthy(auth)) return undefined;
  const user = str(auth!.user);
  const pw = new TextEncoder().encode(str(auth!.password));
  const salt = new Uint8Array(
    (sha256Hex(`${ctx.namespace}/${name(ctx)}/${user}/${str(auth!.password)}`).match(/../g) ?? [])
      .slice(0, 8)
      .map((h) => parseInt(h, 16)),
  );
  const digest = (sha1Hex(new Uint8Array([...pw, ...salt])).match(/../g) ?? []).map((h) => parseInt(h, 16));
  const line = `${user}:{SSHA}${btoa(String.fromCharCode(...digest, ...salt))}`;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: meta(ctx, `${name(ctx)}-basic-auth`),
    data: { auth: btoa(line) },
  };
}

export function pdb(ctx: ChartContext): KubeObject | undefined {
  const v = ctx.values;
  if (!truthy(v.podDisruptionBudgetEnabled) || !(int64(v.replicas) > 1)) return undefined;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: meta(ctx, name(ctx)),
    spec: { minAvailable: 1, selector: { matchLabels: selectorLabels(ctx) } },
  };
}

export function serviceMonitor(ctx: ChartContext): KubeObject | undefined {
  const v = ctx.values;
  const m = (v.monitor as Values | undefined) ?? {};
  if (!truthy(m.enabled)) return undefined;
  const ann: Record<string, unknown> = {};
  if (truthy(v.gitRepository)) ann["gimlet.io/git-repository"] = scalar(v.gitRepository);
  if (truthy(v.gitSha)) ann["gimlet.io/git-sha"] = scalar(v.gitSha);
  const port = truthy(m.portName)
    ? scalar(m.portName)
    : !truthy(v.ports)
      ? "http"
      : scalar((v.ports as Values[])[0]!.name);
  const endpoint: Values = {
    interval: "60s",
    params: { format: ["prometheus"] },
    path: truthy(m.path) ? scalar(m.path) : "/metrics",
    port,
    scheme: truthy(m.scheme) ? scalar(m.scheme) : "http",
    ...(truthy(m.scrapeTimeout) ? { scrapeTimeout: scalar(m.scrapeTimeout) } : {}),
  };
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "ServiceMonitor",
    metadata: meta(ctx, name(ctx), { labels: labels(ctx), ...(Object.keys(ann).length ? { annotations: ann } : {}) }),
    spec: {
      endpoints: [endpoint],
      namespaceSelector: { matchNames: [ctx.namespace] },
      selector: { matchLabels: selectorLabels(ctx) },
    },
  };
}

export function prometheusRule(ctx: ChartContext): KubeObject | undefined {
  const rules = ctx.values.prometheusRules as Values[] | undefined;
  if (!truthy(rules)) return undefined;
  return {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: meta(ctx, name(ctx), { labels: labels(ctx) }),
    spec: {
      groups: [
        {
          name: "kubernetes-apps",
          rules: rules!.map((r) => ({
            alert: scalar(r.name),
            annotations: { message: quoted(r.message), runbook_url: quoted(r.runBookURL) },
            expr: quoted(r.expression),
            for: quoted(r.for),
            labels: clone(r.labels ?? null),
          })),
        },
      ],
    },
  };
}

export function sealedSecret(ctx: ChartContext): KubeObject | undefined {
  const s = ctx.values.sealedSecrets as Values | undefined;
  if (!truthy(s)) return undefined;
  return {
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: meta(ctx, name(ctx), {
      labels: labels(ctx),
      annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
    }),
    spec: {
      encryptedData: Object.fromEntries(
        Object.keys(s!)
          .sort()
          .map((k) => [k, quoted(s![k])]),
      ),
      template: { metadata: { name: name(ctx), namespace: ctx.namespace } },
    },
  };
}

export function fileSecrets(ctx: ChartContext): KubeObject[] {
  return ((ctx.values.fileSecrets as Values[] | undefined) ?? []).map((fs) => ({
    kind: "Secret",
    apiVersion: "v1",
    type: "Opaque",
    metadata: meta(ctx, `${ctx.release}-${str(fs.name)}`),
    data: Object.fromEntries(
      Object.keys((fs.secrets as Values | undefined) ?? {})
        .sort()
        .map((k) => [k, btoa(String.fromCharCode(...new TextEncoder().encode(str((fs.secrets as Values)[k]))))]),
    ),
  }));
}

export function sealedFileSecrets(ctx: ChartContext): KubeObject[] {
  return ((ctx.values.sealedFileSecrets as Values[] | undefined) ?? []).map((fs) => ({
    apiVersion: "bitnami.com/v1alpha1",
    kind: "SealedSecret",
    metadata: meta(ctx, `${name(ctx)}-${str(fs.name)}`, {
      annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
    }),
    spec: {
      encryptedData: Object.fromEntries(
        ((fs.filesToMount as Values[] | undefined) ?? []).map((f) => [str(f.name), str(f.source).replace(/\n+$/, "")]),
      ),
      template: { metadata: { name: `${ctx.release}-${str(fs.name)}`, namespace: ctx.namespace } },
    },
  }));
}

export function pvcs(ctx: ChartContext): KubeObject[] {
  return ((ctx.values.volumes as Values[] | undefined) ?? [])
    .filter(
      (vol) =>
        !(
          truthy(vol.existingClaim) ||
          truthy(vol.hostPath) ||
          truthy(vol.fileName) ||
          truthy(vol.emptyDir) ||
          truthy(vol.existingConfigMap)
        ),
    )
    .map((vol) => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: meta(
        ctx,
        `${name(ctx)}-${str(vol.name)}`,
        truthy(vol.pvcAnnotations) ? { annotations: clone(vol.pvcAnnotations) } : {},
      ),
      spec: {
        accessModes: [truthy(vol.accessMode) ? scalar(vol.accessMode) : "ReadWriteOnce"],
        ...(truthy(vol.storageClass) ? { storageClassName: scalar(vol.storageClass) } : {}),
        resources: { requests: { storage: truthy(vol.size) ? scalar(vol.size) : "1Gi" } },
      },
    }));
}

export function fileConfigMaps(ctx: ChartContext): KubeObject[] {
  return ((ctx.values.volumes as Values[] | undefined) ?? [])
    .filter((vol) => truthy(vol.fileName))
    .map((vol) => ({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta(ctx, robustName(`${ctx.release}-${str(vol.name)}`)),
      data: { [str(vol.fileName)]: `${str(vol.fileContent).replace(/\n+$/, "")}\n` },
    }));
}

export function extraDeploy(ctx: ChartContext, file?: string): KubeObject[] {
  const x = ctx.values.extraDeploy;
  if (!truthy(x)) return [];
  // helm reads its rendered output with sigs.k8s.io/yaml: YAML 1.1.
  return parseYamlAll(str(x), file ? `${file} (values.extraDeploy)` : "values.extraDeploy", 0, {
    yaml11: true,
  }) as KubeObject[];
}
