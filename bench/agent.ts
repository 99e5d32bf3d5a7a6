/**
 * `gimlet agent` at scale on the test cluster: kwok with N nodes, D Deployments × R pods, each
 * with an annotated Service. Measures the agent process's resident memory, the time to its first
 * full snapshot, the latency from a pod change on the API server (seen by an independent watch
 * in this process) to the change reaching the receiver, during a rollout of K Deployments, and
 * the uplink bytes per pod change. The anchor is a plain client-node informer cache of the same
 * objects in its own process (bench/agent-anchor.ts); the ratio is agent RSS / anchor RSS.
 *   bun bench/agent.ts [--nodes 100] [--deployments 500] [--replicas 10] [--rollout 50] [--namespaces 10]
 * Targets (issue 12): agent RSS ≤ 100 MiB; p95 ≤ 1 s. GIMLET_BIN runs the compiled binary.
 * Measured 2026-11-30 (2 cores shared with other builds, load ≈ 10, agent under `bun src/main.ts`):
 * RSS 70.8 MiB after the first snapshot, 83.7 MiB peak in the rollout; anchor 154.9 MiB (ratio 0.46);
 * first snapshot 1.12 s; p50 66 ms, p95 120 ms; 158 gzip bytes per pod change. Intermediate pod
 * states that lived less than the 100 ms window are coalesced away, so only about half of the API
 * server's pod changes are matched one to one at the receiver. Compiled binary (GIMLET_BIN, load ≈ 2):
 * RSS 65.0 / 82.6 MiB, anchor 153.6 MiB (0.42), first snapshot 1.29 s, p50 53 ms, p95 103 ms, 159 B.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { podStatus } from "../src/agent/derive.ts";
import { projectPod } from "../src/agent/objects.ts";
import { KubeClient, loadKube, Reflector } from "../src/kube/index.ts";
import { builtinTypes } from "../src/kube/types.ts";
import { stop } from "../scripts/testenv/procs.ts";
import { kubectl, up } from "../scripts/testenv/up.ts";
import { startReceiver } from "../tests/support/agent-receiver.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    nodes: { type: "string", default: "100" },
    deployments: { type: "string", default: "500" },
    replicas: { type: "string", default: "10" },
    rollout: { type: "string", default: "50" },
    namespaces: { type: "string", default: "10" },
  },
});
const [nodes, deployments, replicas, rolloutN, nsCount] = [
  "nodes",
  "deployments",
  "replicas",
  "rollout",
  "namespaces",
].map((k) => Number(values[k as keyof typeof values]));
const totalPods = deployments! * replicas!;
const log = (s: string) => console.error(`[bench] ${s}`);
const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] ?? NaN;

async function until(what: string, f: () => boolean | Promise<boolean>, ms: number, pollMs = 100): Promise<number> {
  const t = performance.now();
  while (!(await f())) {
    if (performance.now() - t > ms) throw new Error(`timed out: ${what}`);
    await Bun.sleep(pollMs);
  }
  return performance.now() - t;
}

const env = await up({ nodes, flux: false });
const k = (args: string[], stdin?: string) => kubectl(env.dir, args, stdin);
const procs: ReturnType<typeof Bun.spawn>[] = [];
const rx = startReceiver();
try {
  // Room for 5,000 pods on the kwok nodes, as in tech-notes W2.2.
  const names = (await k(["get", "nodes", "-o", "name"])).trim().split("\n");
  for (const n of names) {
    await k([
      "patch",
      n,
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"allocatable":{"pods":"1000"},"capacity":{"pods":"1000"}}}',
    ]);
  }
  const ns = Array.from({ length: nsCount! }, (_, i) => `bench-${i}`);
  await k(
    ["apply", "-f", "-"],
    ns.map((n) => `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${n}}\n`).join("---\n"),
  );
  const docs: string[] = [];
  for (let i = 0; i < deployments!; i++) {
    const name = `app-${i}`;
    const n = ns[i % ns.length];
    docs.push(`apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${n}, annotations: {gimlet.io/git-sha: sha0}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: main, image: "reg/${name}:1"}, {name: sidecar, image: "reg/proxy:1"}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${n}, annotations: {gimlet.io/git-repository: acme/${name}}}
spec: {selector: {app: ${name}}, ports: [{port: 80}]}`);
  }
  for (let i = 0; i < docs.length; i += 100) await k(["apply", "-f", "-"], docs.slice(i, i + 100).join("\n---\n"));
  // Summing the Deployments' ready replicas is far cheaper than listing 5,000 pods every poll.
  const readyPods = async () => {
    const out = await k([
      "get",
      "deployments",
      "-A",
      "-o",
      'jsonpath={range .items[*]}{.status.readyReplicas}{"\\n"}{end}',
    ]);
    return out.split("\n").reduce((n, l) => n + (Number(l) || 0), 0);
  };
  let lastReport = 0;
  const settle = await until(
    `${totalPods} pods Running`,
    async () => {
      const n = await readyPods();
      if (performance.now() - lastReport > 30_000) {
        lastReport = performance.now();
        log(`${n}/${totalPods} pods ready`);
      }
      return n >= totalPods;
    },
    60 * 60_000,
    2000,
  );
  log(`${totalPods} pods Running after ${(settle / 1000).toFixed(0)} s`);

  // The agent, as its own process.
  const cmd = process.env.GIMLET_BIN
    ? [resolve(process.env.GIMLET_BIN)]
    : [resolve("node_modules/.bin/bun"), resolve("src/main.ts")];
  const t0 = performance.now();
  const agent = Bun.spawn(
    [...cmd, "agent", "--server", rx.url, "--token", rx.token, "--env", "staging", "--kubeconfig", env.kubeconfig],
    { stdout: "inherit", stderr: "ignore", env: { PATH: process.env.PATH ?? "" } },
  );
  procs.push(agent);
  await until("first snapshot", () => rx.snapshots > 0, 120_000, 10);
  const firstSnapshot = rx.firstSnapshotAt! - t0;
  const snapPods = rx.state!.apps.reduce((n, a) => n + a.pods.length, 0);
  log(`first snapshot after ${(firstSnapshot / 1000).toFixed(2)} s: ${rx.state!.apps.length} apps, ${snapPods} pods`);
  await Bun.sleep(5000);
  const rssIdle = rssMiB(agent.pid);

  // An independent watch: when each pod's derived status first appeared on the API server.
  const seenAt = new Map<string, number>();
  const client = new KubeClient(await loadKube({ kubeconfig: env.kubeconfig, env: {} }));
  let podChanges = 0;
  let watching = false;
  const w2 = new Reflector(client, builtinTypes.pods, {
    project: (raw) => podStatus(projectPod(raw)).status,
    onChange: (type, key, status) => {
      if (!watching) return;
      podChanges++;
      const id = type === "DELETED" ? `${key}|<gone>` : `${key}|${status}`;
      if (!seenAt.has(id)) seenAt.set(id, performance.now());
    },
  });
  w2.start();
  await until("bench watch synced", () => w2.synced, 60_000);
  watching = true;

  // What the receiver learned, per pod status, and when.
  const arrivedAt = new Map<string, number>();
  const known = new Map<string, Set<string>>(
    rx.state!.apps.map((a) => [a.key, new Set(a.pods.map((p) => `${a.namespace}/${p.name}`))]),
  );
  let bytes = 0;
  const firstUpdate = rx.updates.length;
  const scan = setInterval(() => {
    for (const u of rx.updates.splice(firstUpdate)) {
      bytes += u.bytes;
      for (const a of u.body.upserts) {
        const now = new Set<string>();
        for (const p of a.pods) {
          const key = `${a.namespace}/${p.name}`;
          now.add(key);
          const id = `${key}|${p.status}`;
          if (!arrivedAt.has(id)) arrivedAt.set(id, u.at);
        }
        for (const gone of known.get(a.key) ?? [])
          if (!now.has(gone) && !arrivedAt.has(`${gone}|<gone>`)) arrivedAt.set(`${gone}|<gone>`, u.at);
        known.set(a.key, now);
      }
    }
  }, 20);

  const rssSamples: number[] = [];
  const sampler = setInterval(() => rssSamples.push(rssMiB(agent.pid)), 1000);
  const tr = performance.now();
  for (let i = 0; i < rolloutN!; i++) {
    await k([
      "-n",
      ns[i % ns.length]!,
      "patch",
      "deployment",
      `app-${i}`,
      "--type=merge",
      "-p",
      JSON.stringify({
        metadata: { annotations: { "gimlet.io/git-sha": "sha1" } },
        spec: { template: { metadata: { annotations: { rollout: "1" } } } },
      }),
    ]);
  }
  await until(
    "rollout complete",
    async () => {
      const apps = rx.state!.apps.filter((a) => Number(a.name.slice(4)) < rolloutN!);
      return apps.every(
        (a) =>
          a.workload?.sha === "sha1" &&
          a.workload.rollout.status === "complete" &&
          a.pods.length === replicas &&
          a.pods.every((p) => p.status === "Running"),
      );
    },
    20 * 60_000,
    1000,
  );
  const rolloutS = (performance.now() - tr) / 1000;
  await Bun.sleep(1000);
  clearInterval(scan);
  clearInterval(sampler);
  await w2.stop();

  const lat: number[] = [];
  for (const [id, t] of seenAt) {
    const a = arrivedAt.get(id);
    if (a !== undefined) lat.push(a - t);
  }
  const rssPeak = Math.max(...rssSamples, rssIdle);
  agent.kill("SIGTERM");
  await agent.exited;

  // The anchor: client-node informers over the same kinds, in their own process.
  const anchor = Bun.spawn(
    [resolve("node_modules/.bin/bun"), resolve("bench/agent-anchor.ts"), env.kubeconfig, String(totalPods)],
    { stdout: "pipe", stderr: "inherit" },
  );
  procs.push(anchor);
  const anchorOut = JSON.parse(await new Response(anchor.stdout).text()) as {
    rss: number;
    pods: number;
    seconds: number;
  };

  console.log(
    `agent bench: ${nodes} nodes, ${deployments} Deployments × ${replicas} pods (${totalPods}), rollout of ${rolloutN}`,
  );
  console.log(
    `  agent RSS after first snapshot (idle): ${rssIdle.toFixed(1)} MiB; peak during rollout ${rssPeak.toFixed(1)} MiB (target ≤ 100)`,
  );
  console.log(
    `  anchor (client-node informers, same kinds): ${anchorOut.rss.toFixed(1)} MiB after ${anchorOut.seconds.toFixed(1)} s sync → ratio ${(rssIdle / anchorOut.rss).toFixed(2)}`,
  );
  console.log(`  first full snapshot: ${(firstSnapshot / 1000).toFixed(2)} s after start (${snapPods} pods)`);
  console.log(
    `  rollout: ${rolloutS.toFixed(1)} s; pod changes seen ${podChanges}, matched at the receiver ${lat.length}`,
  );
  console.log(
    `  pod change → receiver latency: p50 ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms, max ${Math.max(...lat).toFixed(0)} ms (target p95 ≤ 1000)`,
  );
  console.log(
    `  uplink: ${(bytes / 1024).toFixed(1)} KiB gzip in updates → ${(bytes / Math.max(1, podChanges)).toFixed(0)} bytes per pod change`,
  );
} finally {
  for (const p of procs) p.kill("SIGKILL");
  rx.stop();
  await stop([...env.procs].reverse());
  const { rmSync } = await import("node:fs");
  rmSync(env.dir, { recursive: true, force: true });
}
