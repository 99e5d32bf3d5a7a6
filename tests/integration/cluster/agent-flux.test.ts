/**
 * The whole live path on the real cluster, through Flux: `dist/gimlet serve` hosts a builtin env,
 * Flux pulls it from gimlet, `dist/gimlet agent` reports what Flux applied. An artifact push shows
 * up in /api/envs/ENV/state with its sha and Running pods; releases that change the replicas scale
 * it; a pod patched into CrashLoopBackOff shows with its reason; reconcile and details reach the
 * real objects; `release delete` → Flux prunes → the app leaves the state. Then the faults: the
 * API server restarted, `gimlet serve` restarted (changes made meanwhile), the agent killed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvStateView } from "../../../src/core/agent/view.ts";
import { freePort } from "../../support/bin.ts";
import { crashLoopStatus, eventually, restartApiserver, useCluster } from "../../support/cluster.ts";
import { webArtifactFile } from "../../support/artifacts.ts";
import { HostedStaging, webPods } from "../../support/cluster-stack.ts";

const cluster = useCluster();
const data = mkdtempSync(join(tmpdir(), "agent-flux-"));
// Heartbeats every 2 s: a frozen agent is dropped after 6 s instead of the default 30.
const stack = new HostedStaging(cluster, data, join(data, "procs.log"), {
  port: freePort(),
  agentArgs: ["--heartbeat", "2"],
});
const { cli, web } = stack;
const view = () => stack.view();

beforeAll(() => stack.start(), 180_000);

afterAll(async () => {
  await stack.stop();
  rmSync(data, { recursive: true, force: true });
});

/** The app as the cluster has it: pod names of its Running pods, from kubectl. */
async function clusterPods(): Promise<string[]> {
  type Pod = { metadata: { name: string; deletionTimestamp?: string }; status: { phase: string } };
  return (await webPods<Pod>(cluster))
    .filter((p) => !p.metadata.deletionTimestamp)
    .map((p) => p.metadata.name)
    .sort();
}

/** The state equals the cluster: one app web (no duplicate, no ghost), exactly the cluster's pods. */
async function converged(replicas: number): Promise<boolean> {
  const v = await view();
  if (!v.agent.connected || v.stale) return false;
  const keys = v.state.apps.map((a) => a.key);
  if (keys.length !== 1 || keys[0] !== "default/web") return false;
  const a = v.state.apps[0]!;
  const names = a.pods.map((p) => p.name).sort();
  const truth = await clusterPods();
  return (
    a.workload?.replicas.desired === replicas &&
    truth.length === replicas &&
    JSON.stringify(names) === JSON.stringify(truth)
  );
}

function artifact(sha: string, replicas: number): string {
  const values = {
    replicas,
    gitRepository: "acme/web",
    gitSha: "{{ .SHA }}",
    image: { repository: "nginx", tag: "{{ .SHA }}" },
  };
  return webArtifactFile(data, sha, values);
}

/** Pushes an artifact and waits until the state shows `sha` with `replicas` Running pods of it. */
async function release(sha: string, replicas: number): Promise<number> {
  const t0 = performance.now();
  await stack.push(artifact(sha, replicas));
  let shaSeen = 0;
  await eventually(
    `web at ${sha} with ${replicas} Running pods in the state`,
    async () => {
      const a = await web();
      if (a?.sha === sha && a.workload?.sha === sha && !shaSeen) shaSeen = performance.now() - t0;
      return (
        !!shaSeen &&
        a!.workload?.image === `nginx:${sha}` &&
        a!.workload.replicas.desired === replicas &&
        a!.pods.length === replicas &&
        a!.pods.every((p) => p.status === "Running")
      );
    },
    120_000,
  );
  console.log(
    `artifact push ${sha} → state: new sha after ${(shaSeen / 1000).toFixed(1)} s, ` +
      `${replicas} pods Running after ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  return shaSeen;
}

describe("through Flux", () => {
  test("an artifact push shows up with its sha and Running pods; env status says so", async () => {
    await release("v1", 2);
    // Pods Running come before the Deployment controller's status update that makes the rollout complete.
    await eventually(
      "the rollout complete in the state",
      async () => (await web())?.workload?.rollout.status === "complete",
      30_000,
    );
    const a = (await web())!;
    expect([a.repo, a.workload?.kind, a.workload?.rollout.status]).toEqual(["acme/web", "Deployment", "complete"]);
    const status = await cli(["env", "status", "staging", "-o", "json"]);
    expect(status.code, status.stderr).toBe(0);
    const fromCli = JSON.parse(status.stdout) as EnvStateView;
    expect(fromCli.state.apps.find((x) => x.key === "default/web")?.sha).toBe("v1");
    // The agent reports Flux's own objects too: the source revision is the hosted repo's head.
    const { run } = await import("../../support/git-server.ts");
    const head = (await run(["git", "--git-dir", join(data, "repos", "staging-apps.git"), "rev-parse", "main"])).trim();
    await eventually("the GitRepository at the head in the state", async () =>
      (await view()).state.flux.some((f) => f.kind === "GitRepository" && f.fetchedRevision === `main@sha1:${head}`),
    );
  }, 180_000);

  test("releases that scale up and down: the state follows", async () => {
    await release("v2", 4);
    await release("v3", 1);
    expect(await converged(1)).toBe(true);
  }, 240_000);

  test("a pod forced into CrashLoopBackOff shows with its reason", async () => {
    const pod = (await web())!.pods[0]!.name;
    const status = crashLoopStatus("nginx:v3", 3, "40s", 2);
    const patch = ["-n", "default", "patch", "pod", pod, "--subresource=status", "--type=merge"];
    await cluster.kubectl([...patch, "-p", JSON.stringify({ status })]);
    await eventually(
      "CrashLoopBackOff in the state",
      async () => (await web())?.pods.find((p) => p.name === pod)?.status === "CrashLoopBackOff",
      10_000,
    );
    expect((await web())!.pods.find((p) => p.name === pod)).toMatchObject({
      status: "CrashLoopBackOff",
      statusDescription: "back-off 40s restarting failed container; last exit: Error (code 2)",
      restarts: 3,
      ready: "0/1",
    });
    // Back to a healthy pod for the tests after this one: delete it, the ReplicaSet makes a new one.
    await cluster.kubectl(["-n", "default", "delete", "pod", pod, "--wait=false"]);
    await eventually(
      "a Running replacement",
      async () => (await converged(1)) && (await web())!.pods[0]!.status === "Running",
    );
  }, 60_000);

  test("POST /api/envs/staging/reconcile sets requestedAt on the GitRepository and the Kustomization", async () => {
    const r = await fetch(`${stack.url}/api/envs/staging/reconcile`, {
      method: "POST",
      headers: { Authorization: `Bearer ${stack.admin}` },
    });
    expect(r.status, await r.clone().text()).toBe(200);
    const body = (await r.json()) as {
      reconciled: { kind: string; namespace: string; name: string; requestedAt: string }[];
    };
    const kinds = body.reconciled.map((x) => x.kind).sort();
    expect(kinds).toEqual(["GitRepository", "Kustomization"]);
    for (const x of body.reconciled) {
      const path = "jsonpath={.metadata.annotations.reconcile\\.fluxcd\\.io/requestedAt}";
      const ann = await cluster.kubectl(["-n", x.namespace, "get", x.kind.toLowerCase(), x.name, "-o", path]);
      expect([x.kind, ann]).toEqual([x.kind, x.requestedAt]);
      expect(x.requestedAt.length).toBeGreaterThan(0);
    }
  }, 30_000);

  test("GET …/details of the Deployment and of a pod: conditions, containers, events", async () => {
    const get = async (q: string) => {
      const r = await fetch(`${stack.url}/api/envs/staging/apps/web/details${q}`, {
        headers: { Authorization: `Bearer ${stack.admin}` },
      });
      expect(r.status, await r.clone().text()).toBe(200);
      return (await r.json()) as Record<string, any>;
    };
    const d = await get("");
    expect(d.conditions.map((c: { type: string }) => c.type).sort()).toEqual(["Available", "Progressing"]);
    expect(d.containers[0]).toMatchObject({ name: "web", image: "nginx:v3" });
    expect(d.events.some((e: { reason: string }) => e.reason === "ScalingReplicaSet")).toBe(true);
    const pod = (await web())!.pods[0]!.name;
    const p = await get(`?pod=${pod}`);
    expect(p).toMatchObject({ kind: "Pod", name: pod, phase: "Running" });
    expect(p.conditions.some((c: { type: string }) => c.type === "Ready")).toBe(true);
    expect(p.containers[0]).toMatchObject({ name: "web", image: "nginx:v3" });
    expect(p.events.some((e: { reason: string }) => e.reason === "Scheduled")).toBe(true);
  }, 30_000);
});

describe("faults", () => {
  test("the API server restarted: the agent converges to the true state within 10 s", async () => {
    expect(await converged(1)).toBe(true);
    const down = await restartApiserver(cluster);
    // A change right after it is back: the agent must see it through its resumed (or new) watches.
    const t0 = performance.now();
    await cluster.kubectl(["-n", "default", "scale", "deployment", "web", "--replicas=3"]);
    const s = await eventually("state = cluster after the API server restart", () => converged(3), 10_000);
    console.log(
      `kube-apiserver down ${down.toFixed(1)} s; change after restart → state converged in ${s.toFixed(1)} s`,
    );
    expect((performance.now() - t0) / 1000).toBeLessThan(12);
  }, 120_000);

  test("gimlet serve restarted, a change made while it was down: converged within 10 s", async () => {
    stack.serve!.kill("SIGKILL");
    await stack.serve!.exited;
    await cluster.kubectl(["-n", "default", "scale", "deployment", "web", "--replicas=2"]);
    await eventually("the change applied", async () => (await clusterPods()).length === 2, 30_000);
    await stack.startServe();
    const s = await eventually("state = cluster after the serve restart", () => converged(2), 10_000);
    console.log(`gimlet serve restarted → state converged in ${s.toFixed(1)} s`);
  }, 90_000);

  test("release delete → Flux prunes → the app leaves the state", async () => {
    const t0 = performance.now();
    const del = await cli(["release", "delete", "--env", "staging", "--app", "web"]);
    expect(del.code, del.stderr).toBe(0);
    await eventually("web gone from the state", async () => (await web()) === undefined, 60_000);
    console.log(`release delete → app gone from the state: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    expect(await clusterPods()).toEqual([]);
    expect((await view()).state.apps).toEqual([]);
  }, 90_000);

  test("a frozen agent (SIGSTOP: no FIN): disconnected after three missed heartbeats; thawed, it is back", async () => {
    expect((await view()).agent.connected).toBe(true);
    stack.agent!.kill("SIGSTOP");
    try {
      const s = await eventually("frozen agent disconnected", async () => !(await view()).agent.connected, 15_000);
      console.log(`agent frozen → env disconnected after ${s.toFixed(1)} s (heartbeat 2 s)`);
      expect(s).toBeGreaterThan(3);
    } finally {
      stack.agent!.kill("SIGCONT");
    }
    const s = await eventually(
      "thawed agent live again",
      async () => {
        const v = await view();
        return v.agent.connected && !v.stale;
      },
      15_000,
    );
    console.log(`agent thawed → live again after ${s.toFixed(1)} s`);
  }, 60_000);

  test("the agent killed mid-stream: the env shows disconnected within the heartbeat window", async () => {
    expect((await view()).agent.connected).toBe(true);
    // Mid-stream: a scale-up's pod events are flowing to the server when the agent dies.
    await cluster.kubectl(["-n", "default", "create", "deployment", "busy", "--image=nginx", "--replicas=5"]);
    await Bun.sleep(150);
    stack.agent!.kill("SIGKILL");
    await stack.agent!.exited;
    // The server pings every 30 s; a dead downlink must be noticed within one ping period.
    const s = await eventually("agent disconnected", async () => !(await view()).agent.connected, 30_000);
    console.log(`agent killed → env disconnected after ${s.toFixed(1)} s`);
    expect((await view()).stale).toBe(true);
  }, 60_000);
});
