/** Puts a builtin env of a running `gimlet serve` onto the test cluster, the way its bootstrap output says. */
import { expect } from "bun:test";
import { gimlet } from "./bin.ts";
import type { Cluster } from "./cluster.ts";

/**
 * Creates the builtin env "staging" in dataDir, bootstraps it against the server at url with a
 * 10-minute poll (so every apply comes from the Receiver waking Flux), creates the printed secrets
 * with a random value for each `$(…)` placeholder, and applies the Flux objects.
 */
export async function bootstrapBuiltinStaging(cluster: Cluster, dataDir: string, url: string): Promise<void> {
  expect((await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir])).code).toBe(0);
  const boot = await gimlet([
    "env",
    "bootstrap",
    "staging",
    "--host",
    url,
    "--no-controller",
    "--interval",
    "10m",
    "--receiver-url",
    `http://127.0.0.1:${cluster.ports.notificationReceiver}`,
    "--data-dir",
    dataDir,
  ]);
  expect(boot.code, boot.stderr).toBe(0);
  for (const line of boot.stderr.split("\n").filter((l) => l.startsWith("kubectl -n flux-system create secret"))) {
    const [, name] = / generic (\S+)/.exec(line)!;
    const literals = [...line.matchAll(/--from-literal=([^=]+)=('([^']*)'|\$\([^)]*\)|\S+)/g)].map(
      (m) => `--from-literal=${m[1]}=${m[3] ?? (m[2]!.startsWith("$(") ? crypto.randomUUID() : m[2])}`,
    );
    await cluster.kubectl(["-n", "flux-system", "create", "secret", "generic", name!, ...literals]);
  }
  await cluster.kubectl(["apply", "-f", "-"], boot.stdout);
}
