/**
 * The real sealed-secrets controller (built from its Go module by `npm run testenv -- build`) for a
 * cluster test file: `useSealedSecrets(cluster)` starts it in beforeAll, after `useCluster`'s, and
 * stops it in afterAll. The controller makes its key in kube-system and serves its certificate.
 *
 * The controller runs on this host, not in a pod, so the service proxy needs what a cluster network
 * would give it: the API server proxies a Service only to an Endpoints address that is a pod's IP (not
 * loopback), so the controller gets an address on `lo` (scope host, gone after the test), a Pod object
 * on a Node nobody manages holding that IP, and the selector-less Service + Endpoints of the
 * controller's own install (port `http`).
 */
import { afterAll, beforeAll } from "bun:test";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binDir } from "../../scripts/testenv/build.ts";
import { freePort } from "../../scripts/testenv/procs.ts";
import { components } from "../../scripts/testenv/versions.ts";
import { type Cluster, eventually } from "./cluster.ts";

const ss = components.find((c) => c.name === "sealed-secrets-controller")!;
const controllerBin = join(binDir(), ss.packages[0]!.bin);
/** kubeseal of the same module version as the controller. */
export const kubesealBin = join(binDir(), ss.packages.find((p) => p.bin.startsWith("kubeseal"))!.bin);
const crdDir = join(binDir(), ss.extraCrds!.to);

/**
 * Whether this host lets the test put an address on `lo` (CAP_NET_ADMIN): the API server proxies to a
 * Service only through an Endpoints address that is not loopback. Without it the controller listens
 * on 127.0.0.1 and the tests through the service proxy are skipped, saying why.
 */
export const canAliasLoopback = (() => {
  const probe = `198.18.0.${1 + Math.floor(Math.random() * 254)}`;
  const added = Bun.spawnSync(["ip", "addr", "add", `${probe}/32`, "dev", "lo", "scope", "host"], {
    stderr: "pipe",
  });
  if (added.exitCode !== 0) {
    console.warn(`service-proxy seal tests skipped: ip addr add on lo failed (${added.stderr.toString().trim()})`);
    return false;
  }
  Bun.spawnSync(["ip", "addr", "del", `${probe}/32`, "dev", "lo"]);
  return true;
})();

export interface SealedSecrets {
  /** The PEM the controller serves, and a file holding it. */
  cert: string;
  certFile: string;
  /** admin: the cluster's; restricted: a token without RBAC; noCa: admin without the API server's CA. */
  kubeconfigs: { admin: string; restricted: string; noCa: string };
}

export function useSealedSecrets(cluster: Cluster): SealedSecrets {
  const state = { kubeconfigs: {} } as SealedSecrets;
  const work = mkdtempSync(join(tmpdir(), "sealed-secrets-"));
  let controller: ReturnType<typeof Bun.spawn> | undefined;
  // 198.18.0.0/15 is reserved for benchmarking: nothing else on the host uses it.
  const hostIp = canAliasLoopback
    ? `198.18.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`
    : "127.0.0.1";
  let ipAdded = false;

  beforeAll(async () => {
    if (!existsSync(controllerBin))
      throw new Error(`${controllerBin} missing: run \`npm run testenv -- build --only sealed-secrets-controller\``);
    await cluster.kubectl(["apply", "--server-side", ...readdirSync(crdDir).flatMap((f) => ["-f", join(crdDir, f)])]);
    await cluster.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd/sealedsecrets.bitnami.com"]);
    // The controller only knows in-cluster config, read from fixed paths: give it its own /run in a
    // private mount namespace holding the service-account files, so the host is left untouched.
    const sa = join(work, "sa");
    mkdirSync(sa);
    writeFileSync(join(sa, "token"), cluster.adminToken);
    writeFileSync(join(sa, "namespace"), "kube-system");
    if (canAliasLoopback) {
      const added = Bun.spawnSync(["ip", "addr", "add", `${hostIp}/32`, "dev", "lo", "scope", "host"]);
      if (added.exitCode !== 0)
        throw new Error(`ip addr add ${hostIp}/32 dev lo: ${added.stderr} (needs CAP_NET_ADMIN)`);
      ipAdded = true;
    }
    const port = freePort();
    const script = `mount -t tmpfs tmpfs /run && mkdir -p /run/secrets/kubernetes.io/serviceaccount && cp ${sa}/token ${sa}/namespace ${cluster.dir}/ca.crt /run/secrets/kubernetes.io/serviceaccount/ && exec "$0" "$@"`;
    const args = [
      `--listen-addr=${hostIp}:${port}`,
      `--listen-metrics-addr=127.0.0.1:${freePort()}`,
      "--key-size=2048",
      "--update-status=false",
    ];
    const log = openSync(join(work, "controller.log"), "a");
    controller = Bun.spawn(["unshare", "-rm", "sh", "-c", script, controllerBin, ...args], {
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        KUBERNETES_SERVICE_HOST: "127.0.0.1",
        KUBERNETES_SERVICE_PORT: String(cluster.ports.apiserver),
      },
      stdout: log,
      stderr: log,
    });
    await eventually(
      "the controller serves its certificate",
      async () => {
        state.cert = await fetch(`http://${hostIp}:${port}/v1/cert.pem`).then(
          (r) => (r.ok ? r.text() : ""),
          () => "",
        );
        if (controller!.exitCode !== null)
          throw new Error(`the controller exited: ${readFileSync(join(work, "controller.log"), "utf8")}`);
        return state.cert.includes("BEGIN CERTIFICATE");
      },
      60_000,
    );
    state.certFile = join(work, "cert.pem");
    writeFileSync(state.certFile, state.cert);
    if (canAliasLoopback) {
      await cluster.kubectl(["apply", "-f", "-"], controllerObjects(hostIp, port));
      const status = { status: { phase: "Running", podIP: hostIp, podIPs: [{ ip: hostIp }] } };
      await cluster.kubectl([
        ...["-n", "kube-system", "patch", "pod", "sealed-secrets-controller-0", "--subresource=status"],
        ...["--type=merge", "-p", JSON.stringify(status)],
      ]);
    }
    writeKubeconfigs(cluster, work, state.kubeconfigs);
  }, 120_000);

  afterAll(() => {
    controller?.kill("SIGKILL");
    if (ipAdded) Bun.spawnSync(["ip", "addr", "del", `${hostIp}/32`, "dev", "lo"]);
    rmSync(work, { recursive: true, force: true });
  });
  return state;
}

/** What the controller's install makes, pointed at the process on this host. */
function controllerObjects(hostIp: string, port: number): string {
  const node = { apiVersion: "v1", kind: "Node", metadata: { name: "sealed-secrets-host" } };
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "sealed-secrets-controller-0", namespace: "kube-system", labels: { name: "sealed-secrets" } },
    spec: {
      nodeName: "sealed-secrets-host",
      // The node never reports Ready: its taints must not evict the pod during the test.
      tolerations: [{ operator: "Exists" }],
      containers: [{ name: "controller", image: "bitnami/sealed-secrets-controller" }],
    },
  };
  const service = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "sealed-secrets-controller", namespace: "kube-system" },
    spec: { ports: [{ name: "http", port: 8080, targetPort: port }] },
  };
  const endpoints = {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: "sealed-secrets-controller", namespace: "kube-system" },
    subsets: [
      {
        addresses: [{ ip: hostIp, targetRef: { kind: "Pod", namespace: "kube-system", name: pod.metadata.name } }],
        ports: [{ name: "http", port }],
      },
    ],
  };
  return JSON.stringify({ apiVersion: "v1", kind: "List", items: [node, pod, service, endpoints] });
}

function writeKubeconfigs(cluster: Cluster, work: string, out: SealedSecrets["kubeconfigs"]): void {
  const ca = Buffer.from(readFileSync(join(cluster.dir, "ca.crt"))).toString("base64");
  const kc = (name: string, c: Record<string, string>, token: string) => {
    const file = join(work, `${name}.kubeconfig`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "c", cluster: c }],
        users: [{ name: "u", user: { token } }],
        contexts: [{ name: "testenv", context: { cluster: "c", user: "u" } }],
        "current-context": "testenv",
      }),
    );
    return file;
  };
  out.admin = cluster.kubeconfig;
  const withCa = { server: cluster.server, "certificate-authority-data": ca };
  out.restricted = kc("restricted", withCa, cluster.restrictedToken);
  out.noCa = kc("no-ca", { server: cluster.server }, cluster.adminToken);
}

/** The Secret's data, decoded, or undefined while the controller has not made it. */
export async function secretData(
  cluster: Cluster,
  ns: string,
  name: string,
): Promise<Record<string, string> | undefined> {
  const out = await cluster.kubectl(["-n", ns, "get", "secret", name, "-o", "jsonpath={.data}"]).catch(() => "");
  if (!out) return undefined;
  return decodeData(JSON.parse(out) as Record<string, string>);
}

export function decodeData(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
}

/** Waits for the controller to unseal ns/name and returns its data. */
export async function unsealed(cluster: Cluster, ns: string, name: string): Promise<Record<string, string>> {
  let data: Record<string, string> | undefined;
  await eventually(
    `Secret ${ns}/${name}`,
    async () => (data = await secretData(cluster, ns, name)) !== undefined,
    30_000,
  );
  return data!;
}
