/**
 * One real test cluster (etcd, kube-apiserver, controller-manager, scheduler, kwok, Flux) for a
 * test file: `const cluster = useCluster()` starts it in beforeAll and stops it in afterAll, also
 * when tests fail. Fails — never skips — when the binaries are not built.
 */
import { afterAll, beforeAll } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { binDir } from "../../scripts/testenv/build.ts";
import { stop, type State } from "../../scripts/testenv/procs.ts";
import { kubectl, type PodLogs, up } from "../../scripts/testenv/up.ts";

export interface Cluster extends State {
  kubectl(args: string[], stdin?: string): Promise<string>;
}

export function useCluster(opts: { nodes?: number; podLogs?: PodLogs } = {}): Cluster {
  const cluster = {} as Cluster;
  beforeAll(async () => {
    if (!existsSync(join(binDir(), "kube-apiserver")) || !existsSync(join(binDir(), "notification-controller"))) {
      throw new Error(`test cluster binaries missing in ${binDir()}: run \`npm run testenv -- build\` first`);
    }
    const s = await up({ nodes: opts.nodes ?? 2, podLogs: opts.podLogs });
    Object.assign(cluster, s, { kubectl: (args: string[], stdin?: string) => kubectl(s.dir, args, stdin) });
  }, 180_000);
  afterAll(async () => {
    if (cluster.procs) {
      await stop([...cluster.procs].reverse());
      const { rmSync } = await import("node:fs");
      rmSync(cluster.dir, { recursive: true, force: true });
    }
  }, 60_000);
  return cluster;
}

/**
 * Stops the cluster's kube-apiserver (SIGTERM, SIGKILL after the grace) and starts it again with
 * the same command line (read from /proc: the state file has its pid, and `setsid` exec'd it in
 * place), then waits for /readyz. The cluster's process list gets the new pid, so afterAll stops it.
 * Returns the seconds the API server was unreachable.
 */
export async function restartApiserver(cluster: Cluster): Promise<number> {
  const { readFileSync } = await import("node:fs");
  const { start, waitFor } = await import("../../scripts/testenv/procs.ts");
  const i = cluster.procs.findIndex((p) => p.name === "kube-apiserver");
  const old = cluster.procs[i];
  if (!old) throw new Error("restartApiserver: no kube-apiserver in the cluster's state");
  const argv = readFileSync(`/proc/${old.pid}/cmdline`, "utf8").split("\0").filter(Boolean);
  const t = performance.now();
  await stop([old]);
  const p = start(cluster.dir, old.name, old.bin, argv.slice(1), {}, old.port);
  cluster.procs[i] = p;
  const ca = readFileSync(join(cluster.dir, "ca.crt"), "utf8");
  const auth = { Authorization: `Bearer ${cluster.adminToken}` };
  const ready = async () => (await fetch(`${cluster.server}/readyz`, { headers: auth, tls: { ca } } as RequestInit)).ok;
  await waitFor("kube-apiserver after a restart", ready, 60_000, p.log);
  return (performance.now() - t) / 1000;
}

/** Polls until `check` is true; returns the seconds it took. */
export async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<number> {
  const t = performance.now();
  let last: unknown;
  while (performance.now() - t < timeoutMs) {
    try {
      if (await check()) return (performance.now() - t) / 1000;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
}

/** A container status in CrashLoopBackOff after `restarts` restarts, its last run ended with `exitCode`. */
export function crashLoopStatus(image: string, restarts: number, backOff: string, exitCode: number) {
  return {
    containerStatuses: [
      {
        name: "web",
        image,
        imageID: "",
        ready: false,
        restartCount: restarts,
        started: false,
        state: { waiting: { reason: "CrashLoopBackOff", message: `back-off ${backOff} restarting failed container` } },
        lastState: {
          terminated: {
            exitCode,
            reason: "Error",
            startedAt: "2026-01-01T00:00:00Z",
            finishedAt: "2026-01-01T00:00:01Z",
          },
        },
      },
    ],
    conditions: [{ type: "Ready", status: "False" }],
  };
}
