/**
 * `gimlet seal` against the real sealed-secrets controller (built from its Go module by
 * `npm run testenv -- build`): the controller makes its key, `gimlet seal` uses the certificate it
 * serves, and the controller unseals every scope into a Secret with exactly the input data; a value
 * sealed strictly for one namespace is refused in another. Without --cert the certificate is fetched
 * as kubeseal fetches it, through the API server's service proxy.
 *
 * The controller runs on this host, not in a pod, so the service proxy needs what a cluster network
 * would give it: the API server proxies a Service only to an Endpoints address that is a pod's IP (not
 * loopback), so the test gives the controller an address on `lo` (scope host, gone after the test),
 * a Pod object on a Node nobody manages holding that IP, and the selector-less Service + Endpoints of
 * the controller's own install (port `http`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  existsSync,
  mkdirSync,
  openSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binDir } from "../../../scripts/testenv/build.ts";
import { freePort } from "../../../scripts/testenv/procs.ts";
import { components } from "../../../scripts/testenv/versions.ts";
import { gimlet } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster({ nodes: 1 });
const work = mkdtempSync(join(tmpdir(), "seal-cluster-"));
const ss = components.find((c) => c.name === "sealed-secrets-controller")!;
const controllerBin = join(binDir(), ss.packages[0]!.bin);
const crdDir = join(binDir(), ss.extraCrds!.to);
let controller: ReturnType<typeof Bun.spawn> | undefined;
let certFile = "";
let cert = "";
// 198.18.0.0/15 is reserved for benchmarking: nothing else on the host uses it.
const hostIp = `198.18.${1 + Math.floor(Math.random() * 254)}.${1 + Math.floor(Math.random() * 254)}`;
let ipAdded = false;
const kubeconfigs = { admin: "", restricted: "", noCa: "" };

beforeAll(async () => {
  if (!existsSync(controllerBin))
    throw new Error(`${controllerBin} missing: run \`npm run testenv -- build --only sealed-secrets-controller\``);
  await cluster.kubectl(["apply", "--server-side", ...readdirSync(crdDir).flatMap((f) => ["-f", join(crdDir, f)])]);
  await cluster.kubectl(["wait", "--for=condition=established", "--timeout=60s", "crd/sealedsecrets.bitnami.com"]);
  for (const ns of ["team-a", "team-b"]) await cluster.kubectl(["create", "namespace", ns]);
  // The controller only knows in-cluster config, read from fixed paths: give it its own /run in a
  // private mount namespace holding the service-account files, so the host is left untouched.
  const sa = join(work, "sa");
  mkdirSync(sa);
  writeFileSync(join(sa, "token"), cluster.adminToken);
  writeFileSync(join(sa, "namespace"), "kube-system");
  const added = Bun.spawnSync(["ip", "addr", "add", `${hostIp}/32`, "dev", "lo", "scope", "host"]);
  if (added.exitCode !== 0) throw new Error(`ip addr add ${hostIp}/32 dev lo: ${added.stderr} (needs CAP_NET_ADMIN)`);
  ipAdded = true;
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
      cert = await fetch(`http://${hostIp}:${port}/v1/cert.pem`).then(
        (r) => (r.ok ? r.text() : ""),
        () => "",
      );
      if (controller!.exitCode !== null)
        throw new Error(`the controller exited: ${readFileSync(join(work, "controller.log"), "utf8")}`);
      return cert.includes("BEGIN CERTIFICATE");
    },
    60_000,
  );
  certFile = join(work, "cert.pem");
  writeFileSync(certFile, cert);
  await cluster.kubectl(["apply", "-f", "-"], controllerObjects(port));
  const status = { status: { phase: "Running", podIP: hostIp, podIPs: [{ ip: hostIp }] } };
  await cluster.kubectl([
    ...["-n", "kube-system", "patch", "pod", "sealed-secrets-controller-0", "--subresource=status"],
    ...["--type=merge", "-p", JSON.stringify(status)],
  ]);
  writeKubeconfigs();
}, 120_000);

afterAll(() => {
  controller?.kill("SIGKILL");
  if (ipAdded) Bun.spawnSync(["ip", "addr", "del", `${hostIp}/32`, "dev", "lo"]);
  rmSync(work, { recursive: true, force: true });
});

/** What the controller's install makes, pointed at the process on this host. */
function controllerObjects(port: number): string {
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

function writeKubeconfigs(): void {
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
  kubeconfigs.admin = cluster.kubeconfig;
  const withCa = { server: cluster.server, "certificate-authority-data": ca };
  kubeconfigs.restricted = kc("restricted", withCa, cluster.restrictedToken);
  kubeconfigs.noCa = kc("no-ca", { server: cluster.server }, cluster.adminToken);
}

async function seal(args: string[]): Promise<string> {
  const r = await gimlet(["seal", "--cert", certFile, ...args]);
  if (r.code !== 0) throw new Error(`gimlet seal ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function secretData(ns: string, name: string): Promise<Record<string, string> | undefined> {
  const out = await cluster.kubectl(["-n", ns, "get", "secret", name, "-o", "jsonpath={.data}"]).catch(() => "");
  if (!out) return undefined;
  return Object.fromEntries(
    Object.entries(JSON.parse(out) as Record<string, string>).map(([k, v]) => [
      k,
      Buffer.from(v, "base64").toString("utf8"),
    ]),
  );
}

async function unsealed(ns: string, name: string): Promise<Record<string, string>> {
  let data: Record<string, string> | undefined;
  await eventually(`Secret ${ns}/${name}`, async () => (data = await secretData(ns, name)) !== undefined, 30_000);
  return data!;
}

describe("the sealed-secrets controller unseals what gimlet seal sealed", () => {
  const input = { password: "hunter2 ü", "config.json": '{"a": 1}\n' };
  const literals = Object.entries(input).flatMap(([k, v]) => ["--from-literal", `${k}=${v}`]);

  for (const scope of ["strict", "namespace-wide", "cluster-wide"]) {
    test(`scope ${scope}`, async () => {
      const name = `db-${scope}`;
      const yaml = await seal(["--scope", scope, "--name", name, "--namespace", "team-a", ...literals]);
      await cluster.kubectl(["apply", "-f", "-"], yaml);
      expect(await unsealed("team-a", name)).toEqual(input);
    }, 60_000);
  }

  test("a value sealed for namespace team-a under strict is refused in team-b", async () => {
    const yaml = await seal(["--name", "moved", "--namespace", "team-a", "--from-literal", "password=hunter2"]);
    await cluster.kubectl(["apply", "-f", "-"], yaml.replaceAll("namespace: team-a", "namespace: team-b"));
    // The control: the same value sealed for team-b does unseal there.
    await cluster.kubectl(
      ["apply", "-f", "-"],
      await seal(["--name", "control", "--namespace", "team-b", "--from-literal", "password=hunter2"]),
    );
    expect(await unsealed("team-b", "control")).toEqual({ password: "hunter2" });
    await Bun.sleep(2000);
    expect(await secretData("team-b", "moved")).toBeUndefined();
    const events = await cluster.kubectl([
      "-n",
      "team-b",
      "get",
      "events",
      "--field-selector",
      "involvedObject.name=moved",
      "-o",
      "jsonpath={.items[*].reason}",
    ]);
    expect(events).toContain("ErrUnsealFailed");
  }, 60_000);

  test("a manifest's values sealed with -p (cluster-wide, as the original) unseal anywhere", async () => {
    const f = join(work, "staging.yaml");
    writeFileSync(f, "app: web\nenv: staging\nvalues:\n  sealedSecrets:\n    token: s3cret\n");
    const r = await gimlet(["seal", "--cert", certFile, "-f", f, "-p", "values.sealedSecrets"]);
    expect(r.code, r.stderr).toBe(0);
    const sealedToken = /token: (\S+)/.exec(await Bun.file(f).text())![1]!;
    const obj = {
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "web", namespace: "team-b", annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" } },
      spec: {
        encryptedData: { token: sealedToken },
        template: {
          metadata: {
            name: "web",
            namespace: "team-b",
            annotations: { "sealedsecrets.bitnami.com/cluster-wide": "true" },
          },
        },
      },
    };
    await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(obj));
    expect(await unsealed("team-b", "web")).toEqual({ token: "s3cret" });
  }, 60_000);
});

describe("without --cert, the certificate comes from the controller through the API server", () => {
  const run = (args: string[], env: Record<string, string> = {}) => gimlet(["seal", ...args], { env });
  const fetchCert = (...args: string[]) => run(["--fetch-cert", ...args]);
  const pem = () => `${cert.trim()}\n`;

  test("kubeseal's default, kube-system/sealed-secrets-controller via KUBECONFIG: the controller unseals", async () => {
    const r = await run(["--name", "fetched", "--namespace", "team-a", "--from-literal", "password=hunter2"], {
      KUBECONFIG: kubeconfigs.admin,
    });
    expect(r.code, r.stderr).toBe(0);
    await cluster.kubectl(["apply", "-f", "-"], r.stdout);
    expect(await unsealed("team-a", "fetched")).toEqual({ password: "hunter2" });
  }, 60_000);

  test("--controller NS/NAME with --kubeconfig and --context: -p values unseal", async () => {
    const f = join(work, "fetched.yaml");
    writeFileSync(f, "app: api\nvalues:\n  sealedSecrets:\n    token: fetched-s3cret\n");
    const r = await run([
      ...["--controller", "kube-system/sealed-secrets-controller", "--kubeconfig", kubeconfigs.admin],
      ...["--context", "testenv", "-f", f, "-p", "values.sealedSecrets"],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const token = /token: (\S+)/.exec(readFileSync(f, "utf8"))![1]!;
    const annotations = { "sealedsecrets.bitnami.com/cluster-wide": "true" };
    const obj = {
      apiVersion: "bitnami.com/v1alpha1",
      kind: "SealedSecret",
      metadata: { name: "api", namespace: "team-b", annotations },
      spec: { encryptedData: { token }, template: { metadata: { name: "api", namespace: "team-b", annotations } } },
    };
    await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(obj));
    expect(await unsealed("team-b", "api")).toEqual({ token: "fetched-s3cret" });
  }, 60_000);

  test("--fetch-cert prints what the controller serves; kubeseal's split flags and env name it too", async () => {
    const a = await fetchCert("--kubeconfig", kubeconfigs.admin);
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(pem());
    const b = await fetchCert(
      ...["--kubeconfig", kubeconfigs.admin, "--controller-namespace", "kube-system"],
      ...["--controller-name", "sealed-secrets-controller"],
    );
    expect(b.stdout, b.stderr).toBe(pem());
    const c = await run(["--fetch-cert"], {
      KUBECONFIG: kubeconfigs.admin,
      SEALED_SECRETS_CONTROLLER_NAMESPACE: "kube-system",
      SEALED_SECRETS_CONTROLLER_NAME: "sealed-secrets-controller",
    });
    expect(c.stdout, c.stderr).toBe(pem());
  }, 60_000);

  test("a user is refused without RBAC, and let in by the controller's own service-proxier role", async () => {
    const refused = await fetchCert("--kubeconfig", kubeconfigs.restricted);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain("reading service kube-system/sealed-secrets-controller: 403");
    // The Role of the controller's install (controller.jsonnet): its resourceNames are the proxy ids
    // kubeseal asks for, so this passes only if ours is `http:sealed-secrets-controller:http` too.
    const role = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "sealed-secrets-service-proxier", namespace: "kube-system" },
      rules: [
        { apiGroups: [""], resources: ["services"], resourceNames: ["sealed-secrets-controller"], verbs: ["get"] },
        {
          apiGroups: [""],
          resources: ["services/proxy"],
          resourceNames: ["http:sealed-secrets-controller:", "http:sealed-secrets-controller:http"],
          verbs: ["create", "get"],
        },
      ],
    };
    const binding = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "sealed-secrets-service-proxier", namespace: "kube-system" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:authenticated" }],
    };
    await cluster.kubectl(
      ["apply", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items: [role, binding] }),
    );
    let allowed = refused;
    await eventually(
      "the role applies",
      async () => (allowed = await fetchCert("--kubeconfig", kubeconfigs.restricted)).code === 0,
      15_000,
    );
    expect(allowed.stdout).toBe(pem());
  }, 60_000);

  test("errors name the Service or the kubeconfig, and say what to do", async () => {
    const empty = {
      apiVersion: "v1",
      kind: "List",
      items: [
        {
          apiVersion: "v1",
          kind: "Service",
          metadata: { name: "idle", namespace: "team-b" },
          spec: { ports: [{ name: "http", port: 8080 }] },
        },
        { apiVersion: "v1", kind: "Endpoints", metadata: { name: "idle", namespace: "team-b" }, subsets: [] },
      ],
    };
    await cluster.kubectl(["apply", "-f", "-"], JSON.stringify(empty));
    const admin = ["--kubeconfig", kubeconfigs.admin];
    const cases: [string[], string[]][] = [
      [
        [...admin, "--controller", "team-a/nope"],
        ["no service team-a/nope on https://", "--controller NAMESPACE/NAME", "kube-system/sealed-secrets"],
      ],
      [
        [...admin, "--controller", "team-b/idle"],
        ["GET /v1/cert.pem from service team-b/idle (port http): 503", "no endpoints available", "check its pods"],
      ],
      [
        ["--kubeconfig", kubeconfigs.noCa],
        ["TLS with the API server https://", "certificate-authority"],
      ],
      [
        [...admin, "--context", "prod"],
        ['has no context "prod"', "its contexts: testenv"],
      ],
    ];
    for (const [args, wants] of cases) {
      const r = await run(["--name", "x", "--namespace", "team-a", "--from-literal", "a=b", ...args]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.stdout).toBe("");
      for (const want of wants) expect(r.stderr).toContain(want);
    }
  }, 60_000);
});
