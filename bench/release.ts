/**
 * Release manager speed: artifact push → gitops commit visible, over 200 releases on a gitops repo
 * of 1,000 apps (10,000 commits, made with git fast-import), plus sustained releases per second.
 *   bun bench/release.ts [--releases 200] [--apps 1000] [--commits 10000]
 * Targets (issue 5): p50 ≤ 150 ms; ≥ 20 releases/s on a 2-core machine.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createApp, Repos, Worker } from "../src/server/index.ts";
import { openStore } from "../src/store/index.ts";
import { makeSyntheticRepo } from "../tests/support/synthetic-repo.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    releases: { type: "string", default: "200" },
    apps: { type: "string", default: "1000" },
    commits: { type: "string", default: "10000" },
  },
});
const n = Number(values.releases);
const dir = mkdtempSync(join(tmpdir(), "bench-release-"));
try {
  const store = await openStore({ kind: "sqlite", path: join(dir, "gimlet.db") });
  const repos = new Repos(dir);
  const env = await store.createEnv({
    name: "staging",
    repoUrl: "",
    repoToken: "",
    builtin: true,
    repoPerEnv: false,
    branch: "main",
  });
  await makeSyntheticRepo(repos.builtinPath("staging"), { commits: Number(values.commits), apps: Number(values.apps) });
  const g = await repos.get(env);
  let t = performance.now();
  await g.history({ env: "staging", limit: 1 }); // the one-time cold index build, reported apart
  console.log(`history index cold build: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const worker = new Worker({ store, repos });
  const app = createApp({ store, repos, worker });
  await store.createUser("admin", "admin");
  const token = await store.issueToken("admin");
  const artifact = (i: number) => ({
    version: { repositoryName: "acme/bench", sha: `sha${i}`, branch: "main", event: "push", message: `change ${i}` },
    environments: [
      {
        app: `app-${String(i % Number(values.apps)).padStart(4, "0")}`,
        env: "staging",
        namespace: "default",
        deploy: { branch: "main", event: "push" },
        values: { image: { repository: "nginx", tag: "{{ .SHA }}" }, replicas: 2 },
      },
    ],
  });
  const push = (i: number) =>
    app.request("/api/artifact", {
      method: "POST",
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify(artifact(i)),
    });

  // Latency: one release at a time, push → the worker's commit is on the branch.
  const lat: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await push(i);
    while (await worker.runOnce());
    lat.push(performance.now() - t0);
  }
  lat.sort((a, b) => a - b);
  const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;
  console.log(
    `push → commit latency over ${n} releases: p50 ${p(0.5).toFixed(0)} ms, p95 ${p(0.95).toFixed(0)} ms (target p50 ≤ 150 ms) ${p(0.5) <= 150 ? "OK" : "OVER"}`,
  );

  // Throughput: queue n releases, then drain.
  for (let i = 0; i < n; i++) await push(n + i);
  t = performance.now();
  while (await worker.runOnce());
  const rate = n / ((performance.now() - t) / 1000);
  console.log(`sustained: ${rate.toFixed(1)} releases/s (target ≥ 20) ${rate >= 20 ? "OK" : "UNDER"}`);
  await store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
