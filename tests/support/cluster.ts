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
import { kubectl, up } from "../../scripts/testenv/up.ts";

export interface Cluster extends State {
  kubectl(args: string[], stdin?: string): Promise<string>;
}

export function useCluster(opts: { nodes?: number } = {}): Cluster {
  const cluster = {} as Cluster;
  beforeAll(async () => {
    if (!existsSync(join(binDir(), "kube-apiserver")) || !existsSync(join(binDir(), "notification-controller"))) {
      throw new Error(`test cluster binaries missing in ${binDir()}: run \`npm run testenv -- build\` first`);
    }
    const s = await up({ nodes: opts.nodes ?? 2 });
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
