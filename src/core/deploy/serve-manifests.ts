/**
 * The objects that run `gimlet serve` in a cluster: on SQLite one StatefulSet replica (the serve lock
 * and SQLite allow one writer) with its data dir on a PVC; on PostgreSQL (the URL in an existing
 * Secret) a Deployment of N replicas that all mount one PVC, the shared data dir. Plus a Service, an
 * Ingress when a public URL is given, and a Secret with the key that seals stored credentials. The
 * pod runs the image's non-root user on a read-only root filesystem; only /data and /tmp are writable.
 */
import { UserError } from "../errors.ts";
import type { KubeObject } from "../k8s.ts";
import { isDnsLabel } from "../k8s.ts";
import { imageUser } from "./image.ts";

export interface ServeManifestOptions {
  image: string;
  /** Public URL (`--host`): GIMLET_HOST, and an Ingress for its host name (TLS when https). */
  host?: string;
  namespace?: string;
  storageClass?: string;
  /** The data dir's PVC size, a Kubernetes quantity. */
  size?: string;
  /**
   * GIMLET_ENCRYPTION_KEY (base64 of 32 bytes). Undefined leaves the Secret out: for upgrades,
   * where a new key would make the stored credentials unreadable.
   */
  encryptionKey?: string;
  /** GIMLET_ADMIN_TOKEN in the same Secret: the first admin token, known before the pod starts. */
  adminToken?: string;
  port?: number;
  /**
   * The Secret (and its key) holding the PostgreSQL URL, read into GIMLET_DATABASE_URL: the URL
   * itself never appears in the manifests. Switches to the shared-data-dir Deployment.
   */
  databaseSecret?: { name: string; key: string };
  /** Replicas of the Deployment (default 1); more than one needs databaseSecret and ReadWriteMany. */
  replicas?: number;
  /** The shared data dir's access mode (default ReadWriteMany; ReadWriteOnce only for one replica). */
  accessMode?: "ReadWriteMany" | "ReadWriteOnce";
}

export const dataDir = "/data";
const quantity = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const dnsSubdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function publicUrl(host: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(host);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || (url.pathname !== "/" && url.pathname !== "") || url.search) {
    throw new UserError(`${JSON.stringify(host)} is not a public URL of the server`, {
      path: "--host",
      hint: "scheme and host name only, e.g. https://gimlet.example.com",
    });
  }
  return url;
}

function check(o: ServeManifestOptions): void {
  const ns = o.namespace ?? "gimlet";
  if (!isDnsLabel(ns)) {
    const hint = "lowercase letters, digits and '-', at most 63";
    throw new UserError(`${JSON.stringify(ns)} is not a valid namespace`, { path: "--namespace", hint });
  }
  if (o.size !== undefined && !quantity.test(o.size)) {
    const hint = "a Kubernetes quantity such as 10Gi or 500Mi";
    throw new UserError(`${JSON.stringify(o.size)} is not a storage size`, { path: "--size", hint });
  }
  if (o.storageClass !== undefined && (!dnsSubdomain.test(o.storageClass) || o.storageClass.length > 253)) {
    const hint = "the name of a StorageClass (`kubectl get storageclass`)";
    const msg = `${JSON.stringify(o.storageClass)} is not a StorageClass name`;
    throw new UserError(msg, { path: "--storage-class", hint });
  }
  checkShared(o);
  if (!o.image || /\s/.test(o.image)) {
    const hint = "e.g. ghcr.io/gimlet-io/gimlet:0.1.0";
    throw new UserError(`${JSON.stringify(o.image)} is not an image reference`, { path: "--image", hint });
  }
}

/** Several replicas share one database and one data dir: say which part is missing. */
function checkShared(o: ServeManifestOptions): void {
  const n = o.replicas ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 100) {
    const hint = "a whole number from 1 to 100";
    throw new UserError(`${JSON.stringify(o.replicas)} is not a replica count`, { path: "--replicas", hint });
  }
  if (n > 1 && !o.databaseSecret) {
    throw new UserError(`${n} replicas need a PostgreSQL database: SQLite allows one writer`, {
      path: "--replicas",
      hint:
        "create a Secret with the URL (kubectl -n gimlet create secret generic gimlet-db --from-literal=" +
        "GIMLET_DATABASE_URL=postgres://…) and pass --database-secret gimlet-db",
    });
  }
  if (o.accessMode !== undefined && !o.databaseSecret) {
    throw new UserError("--access-mode is for the shared data dir of --database-secret", {
      path: "--access-mode",
      hint: "on SQLite the StatefulSet's own volume is ReadWriteOnce",
    });
  }
  if (n > 1 && o.accessMode === "ReadWriteOnce") {
    throw new UserError(`${n} replicas share one data dir, which a ReadWriteOnce volume cannot give`, {
      path: "--access-mode",
      hint: "use ReadWriteMany with a StorageClass that offers it (NFSv4, CephFS, EFS): --storage-class CLASS",
    });
  }
  const s = o.databaseSecret;
  if (s && (!dnsSubdomain.test(s.name) || s.name.length > 253 || !/^[-._a-zA-Z0-9]{1,253}$/.test(s.key))) {
    const hint = "NAME or NAME:KEY of an existing Secret, e.g. gimlet-db:GIMLET_DATABASE_URL";
    throw new UserError(`${JSON.stringify(`${s.name}:${s.key}`)} is not a Secret and key`, {
      path: "--database-secret",
      hint,
    });
  }
}

export function serveManifests(o: ServeManifestOptions): KubeObject[] {
  check(o);
  const url = o.host !== undefined ? publicUrl(o.host) : undefined;
  const ns = o.namespace ?? "gimlet";
  const port = o.port ?? 9000;
  const name = "gimlet";
  const labels = { "app.kubernetes.io/name": "gimlet", "app.kubernetes.io/component": "server" };
  const meta = { name, namespace: ns, labels };
  const probe = (path: string, failureThreshold: number) => ({
    httpGet: { path, port: "http" },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold,
  });
  const env: Record<string, unknown>[] = [{ name: "GIMLET_DATA_DIR", value: dataDir }];
  if (url) env.push({ name: "GIMLET_HOST", value: url.origin });
  if (o.databaseSecret) {
    const { name: secret, key } = o.databaseSecret;
    env.push({ name: "GIMLET_DATABASE_URL", valueFrom: { secretKeyRef: { name: secret, key } } });
  }
  // Optional: without the Secret the key file in the data dir is used (made on first start).
  env.push({
    name: "GIMLET_ENCRYPTION_KEY",
    valueFrom: { secretKeyRef: { name, key: "GIMLET_ENCRYPTION_KEY", optional: true } },
  });
  env.push({
    name: "GIMLET_ADMIN_TOKEN",
    valueFrom: { secretKeyRef: { name, key: "GIMLET_ADMIN_TOKEN", optional: true } },
  });
  const objects: KubeObject[] = [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: ns, labels: { "pod-security.kubernetes.io/enforce": "restricted" } },
    },
  ];
  if (o.encryptionKey !== undefined) {
    objects.push({
      apiVersion: "v1",
      kind: "Secret",
      metadata: meta,
      type: "Opaque",
      stringData: {
        GIMLET_ENCRYPTION_KEY: o.encryptionKey,
        ...(o.adminToken ? { GIMLET_ADMIN_TOKEN: o.adminToken } : {}),
      },
    });
  }
  const template = {
    metadata: { labels },
    spec: {
      // Time to finish the event in progress after SIGTERM.
      terminationGracePeriodSeconds: 60,
      automountServiceAccountToken: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: imageUser,
        runAsGroup: imageUser,
        fsGroup: imageUser,
        fsGroupChangePolicy: "OnRootMismatch",
        seccompProfile: { type: "RuntimeDefault" },
      },
      containers: [
        {
          name: "gimlet",
          image: o.image,
          args: ["serve", "--listen", `0.0.0.0:${port}`, "--log-format", "json"],
          env,
          ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
          startupProbe: probe("/healthz", 30),
          livenessProbe: probe("/healthz", 3),
          readinessProbe: probe("/readyz", 3),
          resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          volumeMounts: [
            { name: "data", mountPath: dataDir },
            { name: "tmp", mountPath: "/tmp" },
          ],
        },
      ],
      volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
    },
  };
  objects.push({
    apiVersion: "v1",
    kind: "Service",
    metadata: meta,
    spec: {
      selector: labels,
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }],
    },
  });
  const claim = {
    ...(o.storageClass !== undefined ? { storageClassName: o.storageClass } : {}),
    resources: { requests: { storage: o.size ?? "10Gi" } },
  };
  if (!o.databaseSecret) {
    objects.push({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta,
      spec: {
        serviceName: name,
        // One writer: the data dir's lock and SQLite; a second replica would wait for the lock.
        replicas: 1,
        selector: { matchLabels: labels },
        template,
        volumeClaimTemplates: [
          { metadata: { name: "data", labels }, spec: { accessModes: ["ReadWriteOnce"], ...claim } },
        ],
      },
    });
  } else {
    // Every replica mounts this one claim: the shared data dir (hosted repos, the key) of README's
    // "Several replicas"; the store and the queue are in PostgreSQL, so no replica holds the serve lock.
    const accessMode = o.accessMode ?? "ReadWriteMany";
    const claimName = `${name}-data`;
    const pod = template.spec as { volumes: unknown[] };
    pod.volumes.unshift({ name: "data", persistentVolumeClaim: { claimName } });
    objects.push(
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: { name: claimName, namespace: ns, labels },
        spec: { accessModes: [accessMode], ...claim },
      },
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta,
        spec: {
          replicas: o.replicas ?? 1,
          selector: { matchLabels: labels },
          // A ReadWriteOnce volume may be attached to one node only: the old pod goes first.
          strategy: accessMode === "ReadWriteOnce" ? { type: "Recreate" } : { type: "RollingUpdate" },
          template,
        },
      },
    );
  }
  if (url) objects.push(ingress(url, ns, labels));
  return objects;
}

function ingress(url: URL, ns: string, labels: Record<string, string>): KubeObject {
  const host = url.hostname;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata: {
      name: "gimlet",
      namespace: ns,
      labels,
      // ingress-nginx: stream /api/events instead of buffering it, keep it open, take git pushes.
      annotations: {
        "nginx.ingress.kubernetes.io/proxy-buffering": "off",
        "nginx.ingress.kubernetes.io/proxy-read-timeout": "3600",
        "nginx.ingress.kubernetes.io/proxy-body-size": "256m",
      },
    },
    spec: {
      ...(url.protocol === "https:" ? { tls: [{ hosts: [host], secretName: "gimlet-tls" }] } : {}),
      rules: [
        {
          host,
          http: {
            paths: [
              { path: "/", pathType: "Prefix", backend: { service: { name: "gimlet", port: { name: "http" } } } },
            ],
          },
        },
      ],
    },
  };
}
