/**
 * Dashboard speed: server time and HTML size of the env page (and its table fragment, a filtered and
 * a searched view) with 1,000 and 10,000 apps, each with a release in the hosted gitops repo and a
 * live state from the agent (2 pods, every tenth app failing); then N concurrent page streams
 * (/ui/events) and the latency from an app state change to the named event on every viewer.
 *   bun bench/dashboard.ts [--apps 1000,10000] [--viewers 200]
 * Targets (issue 13): env page ≤ 100 ms at 1,000 apps, ≤ 1 s at 10,000; p95 to every viewer ≤ 200 ms.
 * Anchor: Argo CD's published 35 s to load 8,000 apps.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { AppState, EnvState } from "../src/core/agent/state.ts";
import { startSession } from "../src/ops/index.ts";
import { EventHub } from "../src/server/event-hub.ts";
import { createApp, Repos } from "../src/server/index.ts";
import { openStore } from "../src/store/index.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: { apps: { type: "string", default: "1000,10000" }, viewers: { type: "string", default: "200" } },
});
const argoSeconds = 35;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;

function liveApp(i: number): AppState {
  const name = `app-${String(i).padStart(5, "0")}`;
  const failing = i % 10 === 0;
  const pod = (k: number) => ({
    name: `${name}-7d9f-${k}`,
    status: failing && k === 0 ? "CrashLoopBackOff" : "Running",
    ready: failing && k === 0 ? "0/1" : "1/1",
    restarts: failing ? 4 : 0,
    node: "node-1",
    createdAt: "2026-11-30T00:00:00Z",
  });
  return {
    key: `default/${name}`,
    name,
    namespace: "default",
    service: name,
    repo: `acme/repo-${i % 20}`,
    sha: `${i}`.padStart(7, "a"),
    workload: {
      kind: "Deployment",
      name,
      image: `registry.example/${name}:${i}`,
      replicas: { desired: 2, updated: 2, ready: failing ? 1 : 2, available: failing ? 1 : 2 },
      rollout: { status: failing ? "failed" : "complete" },
    },
    pods: [pod(0), pod(1)],
    ingresses: [{ name, url: `https://${name}.example.com` }],
    events: [],
  };
}

async function setup(n: number) {
  const dir = mkdtempSync(join(tmpdir(), "bench-dash-"));
  const store = await openStore({ kind: "sqlite", path: join(dir, "gimlet.db") });
  const repos = new Repos(dir);
  const env = await store.createEnv({
    name: "bench",
    repoUrl: "",
    repoToken: "",
    builtin: true,
    repoPerEnv: false,
    branch: "main",
  });
  await repos.createBuiltin(env);
  const g = await repos.get(env);
  const write = [];
  for (let i = 0; i < n; i++) {
    const app = `app-${String(i).padStart(5, "0")}`;
    const release = {
      app,
      env: "bench",
      artifactId: `acme/repo-${i % 20}-${i}`,
      triggeredBy: "policy",
      gitopsRef: "",
      gitopsRepo: "",
      version: {
        repositoryName: `acme/repo-${i % 20}`,
        sha: `${i}`.padStart(40, "c"),
        branch: "main",
        message: `change ${i}`,
        authorName: "Dev",
      },
    };
    write.push({ path: `bench/${app}/release.json`, content: JSON.stringify(release) + "\n" });
    write.push({ path: `bench/${app}/deployment.yaml`, content: `kind: Deployment\nmetadata:\n  name: ${app}\n` });
  }
  await g.writeChangeSet({ replace: [], write }, `[Gimlet] ${n} apps`);
  const state: EnvState = { env: "bench", apps: Array.from({ length: n }, (_, i) => liveApp(i)), flux: [] };
  await store.putAgentState("bench", JSON.stringify(state));
  await store.createUser("ann", "admin");
  const events = new EventHub({ queueLimit: 1024 });
  const app = createApp({ store, repos, events, sseHeartbeatMs: 60_000 });
  const s = await startSession({ store, repos }, "ann");
  const cookie = `gimlet_session=${s.id}`;
  const dispose = async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  };
  return { app, cookie, events, store, dispose };
}

async function timePage(app: ReturnType<typeof createApp>, cookie: string, path: string, runs = 7) {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await app.request(`http://bench.local${path}`, { headers: { Cookie: cookie } });
    const html = await r.text();
    times.push(performance.now() - t);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${html.slice(0, 300)}`);
    size = html.length;
  }
  return { ms: median(times), size };
}

for (const n of values.apps!.split(",").map(Number)) {
  const b = await setup(n);
  try {
    const t0 = performance.now();
    await b.app.request("http://bench.local/envs/bench", { headers: { Cookie: b.cookie } });
    const cold = performance.now() - t0;
    const page = await timePage(b.app, b.cookie, "/envs/bench");
    const frag = await timePage(b.app, b.cookie, "/envs/bench/apps-table?page=3");
    const failing = await timePage(b.app, b.cookie, "/envs/bench?failing=1");
    const search = await timePage(b.app, b.cookie, "/envs/bench?q=change%2099");
    const target = n <= 1000 ? 100 : 1000;
    const kib = (page.size / 1024).toFixed(1);
    console.log(`env page, ${n} apps (50 a page): ${page.ms.toFixed(1)} ms (target ≤ ${target} ms), ${kib} KiB HTML;`);
    console.log(`  first load after start ${cold.toFixed(0)} ms (reads every release.json from git once)`);
    const [f, x, q] = [frag.ms, failing.ms, search.ms].map((v) => v.toFixed(1));
    console.log(`  table fragment p3 ${f} ms, failing only ${x} ms, search ${q} ms`);
    const ratio = ((argoSeconds * 1000) / page.ms).toFixed(0);
    if (n >= 8000) console.log(`  vs Argo CD's 35 s for 8k apps: ${ratio}× faster`);
  } finally {
    await b.dispose();
  }
}

// Page streams: N viewers of one env; one app state change → the named event on every viewer.
const viewers = Number(values.viewers);
const b = await setup(100);
try {
  Bun.gc(true);
  const heap0 = process.memoryUsage().heapUsed;
  const readers = await Promise.all(
    Array.from({ length: viewers }, async () => {
      const url = "http://bench.local/ui/events?topic=env&env=bench";
      const r = await b.app.request(url, { headers: { Cookie: b.cookie } });
      const reader = r.body!.getReader();
      await reader.read(); // "subscribed"
      return reader;
    }),
  );
  Bun.gc(true);
  const perViewer = (process.memoryUsage().heapUsed - heap0) / viewers;
  const lat: number[] = [];
  for (let round = 0; round < 10; round++) {
    const t = performance.now();
    const got = readers.map(async (reader) => {
      let text = "";
      while (!text.includes("apps-changed")) text += new TextDecoder().decode((await reader.read()).value);
      return performance.now() - t;
    });
    b.events.publish({ type: "app.state", env: "bench", app: "default/app-00001", state: liveApp(1) });
    lat.push(...(await Promise.all(got)));
    await Bun.sleep(300); // past the stream's coalescing gap, so each round is its own event
  }
  const [p50, p95] = [pct(lat, 0.5), pct(lat, 0.95)].map((v) => v.toFixed(1));
  console.log(`${viewers} page streams: state change → event on every viewer p50 ${p50} ms, p95 ${p95} ms`);
  console.log("  (target p95 ≤ 200 ms)");
  console.log(`  ~${(perViewer / 1024).toFixed(1)} KiB heap per viewer`);
  await Promise.all(readers.map((r) => r.cancel()));
} finally {
  await b.dispose();
}
