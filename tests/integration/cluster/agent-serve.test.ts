/**
 * End to end on the real test cluster: `dist/gimlet serve` with a builtin env, `dist/gimlet agent`
 * with that env's agent token (made by `gimlet user create --role agent`), an app applied to the
 * cluster → the app shows in GET /api/envs/ENV/state and `gimlet env status` with its pods Running
 * (kwok runs them); `gimlet restart` reaches the real API server; a killed agent is noticed.
 * The app is applied with kubectl, not through Flux: this checks the agent ↔ serve path.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvStateView } from "../../../src/core/agent/view.ts";
import { freePort, gimlet, gimletBin } from "../../support/bin.ts";
import { eventually, useCluster } from "../../support/cluster.ts";

const cluster = useCluster();
const dataDir = mkdtempSync(join(tmpdir(), "agent-serve-"));
const procs: ReturnType<typeof Bun.spawn>[] = [];
let url = "";
let admin = "";
let agent: ReturnType<typeof Bun.spawn>;

beforeAll(async () => {
  const port = freePort();
  const serve = Bun.spawn([gimletBin, "serve", "--data-dir", dataDir, "--listen", `127.0.0.1:${port}`], {
    stdout: "pipe",
    stderr: "pipe",
  });
  procs.push(serve);
  const reader = (serve.stderr as ReadableStream<Uint8Array>).getReader();
  let buf = "";
  while (!buf.includes("listening")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited: ${buf}`);
    buf += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  void (serve.stderr as ReadableStream<Uint8Array>).pipeTo(new WritableStream());
  url = `http://127.0.0.1:${port}`;
  admin = /Admin token: (\S+)/.exec(buf)![1]!;
  const env = { GIMLET_SERVER: url, GIMLET_TOKEN: admin };
  expect((await gimlet(["env", "create", "staging", "--builtin"], { env })).code).toBe(0);
  const u = await gimlet(["user", "create", "agent-staging", "--role", "agent", "--env", "staging", "-o", "json"], {
    env,
  });
  expect(u.code, u.stderr).toBe(0);
  const token = (JSON.parse(u.stdout) as { token: string }).token;
  await cluster.kubectl(["create", "namespace", "shop"]);
  agent = Bun.spawn(
    [gimletBin, "agent", "--server", url, "--token", token, "--env", "staging", "--kubeconfig", cluster.kubeconfig],
    { stdout: "ignore", stderr: "inherit", env: { PATH: process.env.PATH ?? "", HOME: dataDir } },
  );
  procs.push(agent);
}, 120_000);

afterAll(async () => {
  for (const p of procs) {
    p.kill("SIGKILL");
    await p.exited;
  }
  rmSync(dataDir, { recursive: true, force: true });
});

const view = async () =>
  (await (
    await fetch(`${url}/api/envs/staging/state`, { headers: { Authorization: `Bearer ${admin}` } })
  ).json()) as EnvStateView;

const webYaml = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, annotations: {gimlet.io/git-sha: abc123}}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: web}}
  template:
    metadata: {labels: {app.kubernetes.io/name: web}}
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:abc123"}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop, annotations: {gimlet.io/git-repository: acme/web}}
spec:
  selector: {app.kubernetes.io/name: web}
  ports: [{port: 80}]
`;

test("the app appears in the env's state with its pods Running; restart reaches the cluster", async () => {
  await eventually("the agent connected", async () => (await view()).agent.connected && !(await view()).stale);
  const t0 = performance.now();
  await cluster.kubectl(["apply", "-f", "-"], webYaml);
  await eventually("web with 2 Running pods in /api/envs/staging/state", async () => {
    const web = (await view()).state.apps.find((a) => a.key === "shop/web");
    return !!web && web.pods.length === 2 && web.pods.every((p) => p.status === "Running");
  });
  console.log(`apply → 2 pods Running in gimlet serve's state: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const web = (await view()).state.apps.find((a) => a.key === "shop/web")!;
  expect([web.repo, web.workload?.kind, web.workload?.sha]).toEqual(["acme/web", "Deployment", "abc123"]);

  const env = { GIMLET_SERVER: url, GIMLET_TOKEN: admin };
  const status = await gimlet(["env", "status", "staging"], { env });
  expect(status.code, status.stderr).toBe(0);
  expect(status.stdout).toStartWith("env staging: agent connected\n");
  expect(status.stdout.split("\n").filter((l) => /^web-\S+\s+web\s+Running\s/.test(l)).length).toBe(2);

  const restart = await gimlet(["restart", "staging", "web"], { env });
  expect(restart.code, restart.stderr).toBe(0);
  expect(restart.stdout).toStartWith("restarted Deployment shop/web at ");
  const at = await cluster.kubectl([
    "-n",
    "shop",
    "get",
    "deployment",
    "web",
    "-o",
    "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}",
  ]);
  expect(restart.stdout).toContain(at.trim());
}, 120_000);

test("a killed agent: the env shows disconnected and its last state stale", async () => {
  agent.kill("SIGKILL");
  await agent.exited;
  const s = await eventually("agent disconnected", async () => !(await view()).agent.connected, 35_000);
  console.log(`agent killed → marked disconnected after ${s.toFixed(1)} s`);
  const v = await view();
  expect([v.stale, v.state.apps.some((a) => a.key === "shop/web")]).toEqual([true, true]);
}, 60_000);
