/**
 * `npm run testenv -- up [--nodes N] [--dir D]`: etcd, kube-apiserver, controller-manager,
 * scheduler, kwok with N fake nodes, the Flux CRDs and four Flux controllers, all on 127.0.0.1 with
 * free ports, so two environments can run side by side. Waits until everything is ready.
 */
import { $ } from "bun";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binDir } from "./build.ts";
import { makeCerts } from "./certs.ts";
import { freePort, saveState, start, stop, waitFor, type ProcInfo, type State } from "./procs.ts";

const b64 = (file: string) => Buffer.from(readFileSync(file)).toString("base64");

function kubeconfig(dir: string, server: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: testenv
  cluster:
    server: ${server}
    certificate-authority-data: ${b64(join(dir, "ca.crt"))}
users:
- name: admin
  user:
    client-certificate-data: ${b64(join(dir, "admin.crt"))}
    client-key-data: ${b64(join(dir, "admin.key"))}
contexts:
- name: testenv
  context: {cluster: testenv, user: admin}
current-context: testenv
`;
}

export async function kubectl(dir: string, args: string[], stdin?: string): Promise<string> {
  const r =
    await $`${join(binDir(), "kubectl")} --kubeconfig ${join(dir, "kubeconfig")} ${args} < ${new Response(stdin ?? "")}`
      .quiet()
      .nothrow();
  if (r.exitCode !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

function nodeYaml(i: number): string {
  return `apiVersion: v1
kind: Node
metadata:
  name: kwok-node-${i}
  annotations: {node.alpha.kubernetes.io/ttl: "0", kwok.x-k8s.io/node: fake}
  labels: {kubernetes.io/hostname: kwok-node-${i}, kubernetes.io/os: linux, kubernetes.io/arch: amd64, type: kwok}
status:
  # The API server proxies pods/log to a node's kubelet at its InternalIP: kwok's server stands in for it.
  # Both types given: with one missing, kwok's node-initialize stage rewrites the list (to empty here).
  addresses: [{type: InternalIP, address: 127.0.0.1}, {type: Hostname, address: kwok-node-${i}}]
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
  nodeInfo: {architecture: amd64, operatingSystem: linux, kubeletVersion: fake}
  phase: Running
`;
}

/**
 * Pod logs served by kwok (its ClusterLogs): containers of pods in `namespaces` (all when absent)
 * log the lines of `file`, a CRI-format log ("<RFC3339Nano> stdout F <line>"); appended lines reach
 * followers. Without it kwok answers every pods/log request with an error.
 */
export interface PodLogs {
  file: string;
  namespaces?: string[];
}

function clusterLogsYaml(logs: PodLogs): string {
  return `apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata: {name: testenv-pod-logs}
spec:
  selector: {matchNamespaces: ${JSON.stringify(logs.namespaces ?? [])}}
  logs: [{logsFile: ${JSON.stringify(logs.file)}}]
`;
}

export async function up(
  opts: { nodes?: number; dir?: string; flux?: boolean; podLogs?: PodLogs } = {},
): Promise<State> {
  const bin = binDir();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "gimlet-testenv-"));
  // A named dir that does not exist yet is made, as `mkdir -p` would.
  mkdirSync(dir, { recursive: true });
  const started = performance.now();
  await makeCerts(dir);
  const adminToken = crypto.randomUUID();
  const restrictedToken = crypto.randomUUID();
  writeFileSync(
    join(dir, "tokens.csv"),
    `${adminToken},token-admin,1001,"system:masters"\n${restrictedToken},restricted,1002,""\n`,
  );
  const ports: Record<string, number> = {};
  for (const k of [
    "etcd",
    "etcdPeer",
    "apiserver",
    "controllerManager",
    "scheduler",
    "kwok",
    "sourceStorage",
    "sourceMetrics",
    "sourceHealth",
    "kustomizeMetrics",
    "kustomizeHealth",
    "helmMetrics",
    "helmHealth",
    "notificationMetrics",
    "notificationHealth",
    "notificationEvents",
    "notificationReceiver",
  ])
    ports[k] = freePort();
  const server = `https://127.0.0.1:${ports.apiserver}`;
  writeFileSync(join(dir, "kubeconfig"), kubeconfig(dir, server));
  const state: State = {
    dir,
    kubeconfig: join(dir, "kubeconfig"),
    server,
    adminToken,
    restrictedToken,
    ports,
    procs: [],
  };
  const run = (p: ProcInfo) => {
    state.procs.push(p);
    saveState(state);
    return p;
  };
  try {
    const etcd = run(
      start(
        dir,
        "etcd",
        join(bin, "etcd"),
        [
          `--data-dir=${join(dir, "etcd-data")}`,
          `--listen-client-urls=http://127.0.0.1:${ports.etcd}`,
          `--advertise-client-urls=http://127.0.0.1:${ports.etcd}`,
          `--listen-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${ports.etcdPeer}`,
          `--initial-cluster=default=http://127.0.0.1:${ports.etcdPeer}`,
          "--unsafe-no-fsync",
          "--log-level=warn",
        ],
        {},
        ports.etcd,
      ),
    );
    await waitFor("etcd", async () => (await fetch(`http://127.0.0.1:${ports.etcd}/health`)).ok, 30_000, etcd.log);

    const api = run(
      start(
        dir,
        "kube-apiserver",
        join(bin, "kube-apiserver"),
        [
          `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
          "--bind-address=127.0.0.1",
          "--advertise-address=127.0.0.1",
          `--secure-port=${ports.apiserver}`,
          `--cert-dir=${join(dir, "apiserver-certs")}`,
          `--tls-cert-file=${join(dir, "apiserver.crt")}`,
          `--tls-private-key-file=${join(dir, "apiserver.key")}`,
          `--client-ca-file=${join(dir, "ca.crt")}`,
          `--token-auth-file=${join(dir, "tokens.csv")}`,
          "--authorization-mode=RBAC",
          "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
          `--service-account-key-file=${join(dir, "sa.pub")}`,
          `--service-account-signing-key-file=${join(dir, "sa.key")}`,
          "--service-cluster-ip-range=10.96.0.0/16",
          "--allow-privileged=true",
          "--enable-priority-and-fairness=false",
          // kwok nodes are Ready from the start; the not-ready taint would only delay scheduling.
          "--disable-admission-plugins=TaintNodesByCondition",
          // pods/log goes to the node's InternalIP (kwok's server); kwok also adds a Hostname that resolves nowhere.
          "--kubelet-preferred-address-types=InternalIP",
        ],
        {},
        ports.apiserver,
      ),
    );
    const ca = readFileSync(join(dir, "ca.crt"), "utf8");
    await waitFor(
      "kube-apiserver",
      async () =>
        (
          await fetch(`${server}/readyz`, {
            headers: { Authorization: `Bearer ${adminToken}` },
            tls: { ca },
          } as RequestInit)
        ).ok,
      60_000,
      api.log,
    );
    const kc = join(dir, "kubeconfig");
    run(
      start(dir, "kube-controller-manager", join(bin, "kube-controller-manager"), [
        `--kubeconfig=${kc}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${ports.controllerManager}`,
        "--leader-elect=false",
        `--service-account-private-key-file=${join(dir, "sa.key")}`,
        `--root-ca-file=${join(dir, "ca.crt")}`,
        `--cluster-signing-cert-file=${join(dir, "ca.crt")}`,
        `--cluster-signing-key-file=${join(dir, "ca.key")}`,
        "--use-service-account-credentials=false",
        "--controllers=*,-nodeipam",
      ]),
    );
    run(
      start(dir, "kube-scheduler", join(bin, "kube-scheduler"), [
        `--kubeconfig=${kc}`,
        "--bind-address=127.0.0.1",
        `--secure-port=${ports.scheduler}`,
        "--leader-elect=false",
      ]),
    );
    const kwokConfigs = [join(bin, "kwok-stages.yaml")];
    if (opts.podLogs) {
      writeFileSync(join(dir, "kwok-logs.yaml"), clusterLogsYaml(opts.podLogs));
      kwokConfigs.push(join(dir, "kwok-logs.yaml"));
    }
    run(
      start(dir, "kwok", join(bin, "kwok"), [
        `--kubeconfig=${kc}`,
        "--manage-all-nodes=false",
        "--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake",
        "--cidr=10.0.0.1/16",
        "--node-ip=10.0.0.1",
        `--server-address=127.0.0.1:${ports.kwok}`,
        // The port in each node's daemonEndpoints: where the API server finds the "kubelet".
        `--node-port=${ports.kwok}`,
        ...kwokConfigs.map((c) => `--config=${c}`),
      ]),
    );
    const nodes = opts.nodes ?? 2;
    await kubectl(dir, ["apply", "-f", "-"], Array.from({ length: nodes }, (_, i) => nodeYaml(i)).join("---\n"));
    await waitFor(
      `${nodes} nodes Ready`,
      async () => {
        const out = await kubectl(dir, [
          "get",
          "nodes",
          "-o",
          'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}',
        ]);
        return out.split("\n").filter((l) => l === "True").length >= nodes;
      },
      60_000,
    );

    if (opts.flux === false) {
      console.error(
        `testenv up: ready without Flux in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`,
      );
      return state;
    }
    // Flux: CRDs first, then the controllers, talking to the API server through the kubeconfig.
    const crds = join(bin, "crds");
    await kubectl(dir, ["apply", "--server-side", ...readdirSync(crds).flatMap((f) => ["-f", join(crds, f)])]);
    await kubectl(dir, ["wait", "--for=condition=established", "--timeout=60s", "crd", "--all"]);
    await kubectl(dir, ["create", "namespace", "flux-system"]);
    const fluxEnv = { KUBECONFIG: kc, RUNTIME_NAMESPACE: "flux-system" };
    mkdirSync(join(dir, "flux-artifacts"), { recursive: true });
    const events = `--events-addr=http://127.0.0.1:${ports.notificationEvents}`;
    const flux = [
      run(
        start(
          dir,
          "source-controller",
          join(bin, "source-controller"),
          [
            `--storage-path=${join(dir, "flux-artifacts")}`,
            `--storage-addr=127.0.0.1:${ports.sourceStorage}`,
            `--storage-adv-addr=127.0.0.1:${ports.sourceStorage}`,
            `--metrics-addr=127.0.0.1:${ports.sourceMetrics}`,
            `--health-addr=127.0.0.1:${ports.sourceHealth}`,
            "--watch-all-namespaces=true",
            events,
          ],
          fluxEnv,
          ports.sourceHealth,
        ),
      ),
      run(
        start(
          dir,
          "kustomize-controller",
          join(bin, "kustomize-controller"),
          [
            `--metrics-addr=127.0.0.1:${ports.kustomizeMetrics}`,
            `--health-addr=127.0.0.1:${ports.kustomizeHealth}`,
            "--watch-all-namespaces=true",
            events,
          ],
          fluxEnv,
          ports.kustomizeHealth,
        ),
      ),
      run(
        start(
          dir,
          "helm-controller",
          join(bin, "helm-controller"),
          [
            `--metrics-addr=127.0.0.1:${ports.helmMetrics}`,
            `--health-addr=127.0.0.1:${ports.helmHealth}`,
            "--watch-all-namespaces=true",
            events,
          ],
          fluxEnv,
          ports.helmHealth,
        ),
      ),
      run(
        start(
          dir,
          "notification-controller",
          join(bin, "notification-controller"),
          [
            `--metrics-addr=127.0.0.1:${ports.notificationMetrics}`,
            `--health-addr=127.0.0.1:${ports.notificationHealth}`,
            `--events-addr=127.0.0.1:${ports.notificationEvents}`,
            `--receiverAddr=127.0.0.1:${ports.notificationReceiver}`,
            "--watch-all-namespaces=true",
          ],
          fluxEnv,
          ports.notificationHealth,
        ),
      ),
    ];
    for (const f of flux)
      await waitFor(f.name, async () => (await fetch(`http://127.0.0.1:${f.port}/readyz`)).ok, 60_000, f.log);
    console.error(`testenv up: ready in ${((performance.now() - started) / 1000).toFixed(1)} s (${dir})`);
    return state;
  } catch (e) {
    await stop(state.procs);
    throw e;
  }
}
