/**
 * `gimlet agent` against the real test cluster: the derived state follows real objects (kwok
 * pods reach Running; a CrashLoopBackOff patched into a pod's status; scaling; deletion), the
 * commands hit the real API server, the generated RBAC is enough and no more, and the in-cluster
 * configuration path connects. A local receiver stands in for `gimlet serve`'s agent routes.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { deriveState, startAgent, type RunningAgent } from "../../../src/agent/index.ts";
import type { AppState } from "../../../src/core/agent/state.ts";
import { loadKube } from "../../../src/kube/index.ts";
import { startReceiver, type Receiver } from "../../support/agent-receiver.ts";
import { crashLoopStatus, eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster();
const work = mkdtempSync(join(tmpdir(), "agent-cluster-"));
let rx: Receiver;
let agent: RunningAgent;
const logs: string[] = [];

beforeAll(async () => {
  rx = startReceiver();
  await cluster.kubectl(["create", "namespace", "shop"]);
  agent = await startAgent({
    server: rx.url,
    token: rx.token,
    env: "staging",
    kube: await loadKube({ kubeconfig: cluster.kubeconfig, env: {} }),
    fluxDiscoveryMs: 500,
    log: (l) => logs.push(l),
  });
}, 60_000);
afterAll(async () => {
  await agent?.stop();
  rx?.stop();
  rmSync(work, { recursive: true, force: true });
});

const app = (key: string): AppState | undefined => rx.state?.apps.find((a) => a.key === key);

const webYaml = (replicas: number, sha: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {gimlet.io/git-sha: ${sha}}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:${sha}"}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: {gimlet.io/git-repository: acme/web, gimlet.io/git-sha: ${sha}}}
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{port: 80}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: shop}
spec:
  tls: [{hosts: [web.example.com], secretName: web-tls}]
  rules:
  - host: web.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`;

const running = (a: AppState | undefined, n: number) =>
  a !== undefined && a.pods.length === n && a.pods.every((p) => p.status === "Running");

describe("derived state from real objects", () => {
  test("an annotated Service, its Deployment's pods Running under kwok, its Ingress and sha", async () => {
    const t0 = performance.now();
    await cluster.kubectl(["apply", "-f", "-"], webYaml(3, "abc123"));
    await eventually(
      "web with 3 Running pods",
      async () => running(app("shop/web"), 3) && app("shop/web")!.workload?.rollout.status === "complete",
    );
    console.log(`apply → agent reports 3 pods Running: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const a = app("shop/web")!;
    expect(a).toMatchObject({
      name: "web",
      repo: "acme/web",
      sha: "abc123",
      ingresses: [{ name: "web", url: "https://web.example.com" }],
    });
    expect(a.workload).toEqual({
      kind: "Deployment",
      name: "web",
      sha: "abc123",
      image: "ghcr.io/acme/web:abc123",
      replicas: { desired: 3, updated: 3, ready: 3, available: 3 },
      rollout: {
        status: "complete",
        reason: "NewReplicaSetAvailable",
        message: expect.stringContaining("has successfully progressed"),
      },
    });
    expect(a.pods.every((p) => p.node?.startsWith("kwok-node-") && p.ready === "1/1" && p.createdAt)).toBe(true);
    expect(agent.readiness()).toEqual({ ready: true, kubernetes: true, server: true });
  }, 90_000);

  test("a pod forced into CrashLoopBackOff shows with its reason and restarts", async () => {
    const pod = app("shop/web")!.pods[0]!.name;
    const t0 = performance.now();
    await cluster.kubectl([
      "-n",
      "shop",
      "patch",
      "pod",
      pod,
      "--subresource=status",
      "--type=merge",
      "-p",
      JSON.stringify({ status: crashLoopStatus("ghcr.io/acme/web:abc123", 5, "2m40s", 1) }),
    ]);
    await eventually(
      "CrashLoopBackOff reported",
      async () => app("shop/web")?.pods.find((p) => p.name === pod)?.status === "CrashLoopBackOff",
      10_000,
    );
    console.log(`status patch → agent reports CrashLoopBackOff: ${((performance.now() - t0) * 1).toFixed(0)} ms`);
    expect(app("shop/web")!.pods.find((p) => p.name === pod)).toMatchObject({
      status: "CrashLoopBackOff",
      statusDescription: "back-off 2m40s restarting failed container; last exit: Error (code 1)",
      restarts: 5,
      ready: "0/1",
    });
  }, 30_000);

  test("scale up and down: the pod list follows", async () => {
    await cluster.kubectl(["-n", "shop", "scale", "deployment", "web", "--replicas=5"]);
    // The crash-looping pod from the test before stays as it is (kwok keeps it): 4 Running + 1.
    await eventually(
      "5 pods",
      async () =>
        app("shop/web")?.pods.filter((p) => p.status === "Running").length === 4 &&
        app("shop/web")!.pods.length === 5 &&
        app("shop/web")!.workload!.replicas.desired === 5,
    );
    await cluster.kubectl(["-n", "shop", "scale", "deployment", "web", "--replicas=1"]);
    await eventually(
      "1 pod",
      async () => app("shop/web")?.pods.length === 1 && app("shop/web")!.workload!.replicas.desired === 1,
    );
  }, 90_000);

  test("a new sha rolls out and is reported", async () => {
    await cluster.kubectl(["apply", "-f", "-"], webYaml(1, "def456"));
    await eventually("new sha, rollout complete", async () => {
      const a = app("shop/web");
      return (
        a?.sha === "def456" &&
        a.workload?.image === "ghcr.io/acme/web:def456" &&
        a.workload.rollout.status === "complete" &&
        running(a, 1)
      );
    });
  }, 60_000);
});

test("the state built from deltas equals a full derivation of the agent's caches", async () => {
  await Bun.sleep(300);
  const k = agent.keeper;
  const full = deriveState("staging", {
    services: k.services.store.values(),
    deployments: k.deployments.store.values(),
    statefulsets: k.statefulsets.store.values(),
    replicasets: k.replicasets.store.values(),
    pods: k.pods.store.values(),
    ingresses: k.ingresses.store.values(),
    events: k.events.store.values(),
    flux: [...k.flux.values()].flatMap((r) => [...r.store.values()]),
  });
  expect(rx.state!.apps).toEqual(full.apps);
  expect(rx.snapshots).toBe(1);
  // One snapshot at the start; everything since arrived as deltas.
  expect(rx.updates.length).toBeGreaterThan(0);
});

describe("commands against the API server", () => {
  test("restartDeployment sets kubectl's restartedAt annotation; the result is ok", async () => {
    rx.send({ action: "restartDeployment", id: "r1", namespace: "shop", name: "web" });
    await eventually("result", async () => rx.results.has("r1"), 10_000);
    const r = rx.results.get("r1")!;
    expect(r.ok).toBe(true);
    const ann = await cluster.kubectl([
      "-n",
      "shop",
      "get",
      "deployment",
      "web",
      "-o",
      "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
    ]);
    expect(ann).toBe((r as { data: { restartedAt: string } }).data.restartedAt);
  }, 30_000);

  test("restarting what does not exist fails with the API server's message and status", async () => {
    rx.send({ action: "restartDeployment", id: "r2", namespace: "shop", name: "nope" });
    await eventually("result", async () => rx.results.has("r2"), 10_000);
    expect(rx.results.get("r2")).toEqual({ ok: false, error: 'deployments.apps "nope" not found', status: 404 });
  }, 30_000);

  test("details of a Deployment and a Pod: conditions, containers, events", async () => {
    rx.send({ action: "details", id: "d1", kind: "Deployment", namespace: "shop", name: "web" });
    const pod = app("shop/web")!.pods[0]!.name;
    rx.send({ action: "details", id: "d2", kind: "Pod", namespace: "shop", name: pod });
    await eventually("results", async () => rx.results.has("d1") && rx.results.has("d2"), 10_000);
    const d = rx.results.get("d1") as { ok: true; data: Record<string, any> };
    expect(d.ok).toBe(true);
    expect(d.data.conditions.map((c: { type: string }) => c.type).sort()).toEqual(["Available", "Progressing"]);
    expect(d.data.containers[0]).toMatchObject({ name: "web", image: "ghcr.io/acme/web:def456" });
    expect(d.data.events.some((e: { reason: string }) => e.reason === "ScalingReplicaSet")).toBe(true);
    const p = rx.results.get("d2") as { ok: true; data: Record<string, any> };
    expect(p.data).toMatchObject({ kind: "Pod", name: pod, phase: "Running" });
    expect(p.data.events.some((e: { reason: string }) => e.reason === "Scheduled")).toBe(true);
  }, 30_000);

  test("pod logs: kwok serves none here, so the API server's error comes back as the result", async () => {
    rx.send({ action: "podLogs", id: "l1", namespace: "shop", pod: app("shop/web")!.pods[0]!.name, tailLines: 50 });
    await eventually("result", async () => rx.results.has("l1"), 10_000);
    const r = rx.results.get("l1")!;
    expect(r.ok).toBe(false);
    expect((r as { error: string }).error.length).toBeGreaterThan(0);
  }, 30_000);

  test("Flux objects are picked up by discovery and reported; reconcile sets requestedAt", async () => {
    await cluster.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata: {name: apps, namespace: flux-system}
spec: {interval: 1h, url: "http://127.0.0.1:1/none.git", ref: {branch: main}}
`,
    );
    await eventually(
      "GitRepository in the state",
      async () => rx.state?.flux.some((f) => f.kind === "GitRepository" && f.name === "apps") ?? false,
      30_000,
    );
    rx.send({ action: "reconcile", id: "f1", kind: "GitRepository", namespace: "flux-system", name: "apps" });
    await eventually("result", async () => rx.results.has("f1"), 10_000);
    expect(rx.results.get("f1")!.ok).toBe(true);
    const ann = await cluster.kubectl([
      "-n",
      "flux-system",
      "get",
      "gitrepository",
      "apps",
      "-o",
      "jsonpath={.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}",
    ]);
    expect(ann).toBe((rx.results.get("f1") as { data: { requestedAt: string } }).data.requestedAt);
    // source-controller fails to fetch from a closed port: the Ready condition says so.
    await eventually(
      "Ready=False with a message",
      async () => {
        const f = rx.state?.flux.find((x) => x.name === "apps");
        return f?.ready === "False" && !!f.message;
      },
      30_000,
    );
  }, 60_000);

  test("deleting the app removes it from the state", async () => {
    await cluster.kubectl(["-n", "shop", "delete", "service", "web"]);
    await eventually("app gone", async () => app("shop/web") === undefined, 10_000);
    expect(rx.state!.apps.filter((a) => a.key === "shop/web")).toEqual([]);
  }, 30_000);
});

// ---- RBAC and in-cluster ------------------------------------------------------------------------

const bunBin = resolve("node_modules/.bin/bun");
const agentCommand = process.env.GIMLET_BIN ? [resolve(process.env.GIMLET_BIN)] : [bunBin, resolve("src/main.ts")];

function saKubeconfig(token: string): string {
  const ca = Buffer.from(readFileSync(join(cluster.dir, "ca.crt"))).toString("base64");
  return `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${cluster.server}", certificate-authority-data: ${ca}}}]
users: [{name: agent, user: {token: "${token}"}}]
contexts: [{name: agent, context: {cluster: c, user: agent}}]
current-context: agent
`;
}

async function waitReady(port: number, proc: ReturnType<typeof Bun.spawn>): Promise<void> {
  await eventually(
    "agent /readyz 200",
    async () => {
      if (proc.exitCode !== null) throw new Error(`agent exited with ${proc.exitCode}`);
      return (await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200;
    },
    30_000,
  );
}

describe("the generated manifests' RBAC", () => {
  let token = "";
  const rx2 = startReceiver({ token: "env-token" });
  afterAll(() => rx2.stop());

  beforeAll(async () => {
    const gen = Bun.spawnSync(
      [...agentCommand, "agent", "manifests", "--env", "staging", "--server", rx2.url, "--token", "env-token"],
      { stderr: "pipe" },
    );
    expect(gen.exitCode).toBe(0);
    await cluster.kubectl(["apply", "-f", "-"], gen.stdout.toString());
    token = (await cluster.kubectl(["-n", "gimlet", "create", "token", "gimlet-agent-staging"])).trim();
    await cluster.kubectl(["create", "namespace", "rbac-ns"]);
    await cluster.kubectl(["apply", "-f", "-"], webYaml(2, "rbac1").replace(/namespace: shop/g, "namespace: rbac-ns"));
  }, 60_000);

  test("the agent runs on the ServiceAccount's token: it connects and reports apps", async () => {
    const kc = join(work, "sa.kubeconfig");
    writeFileSync(kc, saKubeconfig(token));
    const port = freePort();
    const proc = Bun.spawn(
      [
        ...agentCommand,
        "agent",
        "--server",
        rx2.url,
        "--token",
        "env-token",
        "--env",
        "staging",
        "--kubeconfig",
        kc,
        "--health-listen",
        `127.0.0.1:${port}`,
      ],
      {
        env: { PATH: process.env.PATH ?? "", HOME: work },
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    try {
      await waitReady(port, proc);
      await eventually(
        "rbac-ns/web reported",
        async () =>
          running(
            rx2.state?.apps.find((a) => a.key === "rbac-ns/web"),
            2,
          ),
        30_000,
      );
    } finally {
      proc.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }
    const err = await new Response(proc.stderr).text();
    expect(err).not.toContain("forbidden");
  }, 90_000);

  test("actions outside its role are refused with 403; restart (in its role) works", async () => {
    const kube = await loadKube({ kubeconfig: join(work, "sa.kubeconfig"), env: {} });
    const { KubeClient, KubeApiError } = await import("../../../src/kube/index.ts");
    const client = new KubeClient(kube);
    const refused = async (method: string, path: string, body?: unknown) => {
      const e = await client.request(method, path, body ? { body } : {}).then(
        () => undefined,
        (e) => e,
      );
      return e instanceof KubeApiError ? e.status : `no error (${method} ${path})`;
    };
    expect(await refused("GET", "/api/v1/namespaces/rbac-ns/secrets")).toBe(403);
    expect(await refused("GET", "/api/v1/configmaps")).toBe(403);
    expect(await refused("DELETE", "/api/v1/namespaces/rbac-ns/pods/whatever")).toBe(403);
    expect(await refused("DELETE", "/apis/apps/v1/namespaces/rbac-ns/deployments/web")).toBe(403);
    expect(await refused("POST", "/api/v1/namespaces/rbac-ns/pods/web/exec")).toBe(403);
    expect(await refused("POST", "/api/v1/namespaces", { metadata: { name: "x" } })).toBe(403);
    const { Commands } = await import("../../../src/agent/index.ts");
    const cmds = new Commands(
      client,
      { sendResult: async () => {}, sendLogs: async () => true },
      { fluxResource: () => undefined },
    );
    expect((await cmds.restart("Deployment", "rbac-ns", "web")).ok).toBe(true);
  }, 30_000);

  test("in-cluster: KUBERNETES_SERVICE_HOST/PORT plus the token, CA and namespace files", async () => {
    const sa = join(work, "serviceaccount");
    mkdirSync(sa, { recursive: true });
    writeFileSync(join(sa, "token"), token);
    writeFileSync(join(sa, "ca.crt"), readFileSync(join(cluster.dir, "ca.crt")));
    writeFileSync(join(sa, "namespace"), "gimlet");
    const port = freePort();
    const proc = Bun.spawn([...agentCommand, "agent", "--health-listen", `127.0.0.1:${port}`], {
      env: {
        PATH: process.env.PATH ?? "",
        HOME: work,
        KUBERNETES_SERVICE_HOST: "127.0.0.1",
        KUBERNETES_SERVICE_PORT: String(new URL(cluster.server).port),
        GIMLET_SERVICEACCOUNT_DIR: sa,
        // The original agent's variables.
        HOST: rx2.url,
        AGENT_KEY: "env-token",
        ENV: "staging",
      },
      stdout: "pipe",
      stderr: "pipe",
    });
    try {
      await waitReady(port, proc);
    } finally {
      proc.kill("SIGTERM");
      await proc.exited;
    }
    expect(await new Response(proc.stderr).text()).toContain(`via in-cluster (${sa})`);
  }, 60_000);
});

function freePort(): number {
  const s = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  const port = s.port;
  s.stop(true);
  return port;
}
