/**
 * Dashboard speed: server time and HTML size of the env page (and its table fragment, a filtered and
 * a searched view) with 1,000 and 10,000 apps, each with a release in the hosted gitops repo and a
 * live state from the agent (2 pods, every tenth app failing); then N concurrent page streams
 * (/ui/events, over HTTP from another process) and the latency from an app state change to the named
 * event on every viewer, and the server's memory per viewer. The env page is timed cold (the first
 * request of a freshly started server: in fresh processes, and with `--bin` the compiled server) and
 * warm; ratios against the anchor are printed from 8,000 apps up.
 *   bun bench/dashboard.ts [--apps 1000,10000] [--viewers 200] [--bin dist/gimlet]
 * Targets (issue 13): env page ≤ 100 ms at 1,000 apps, ≤ 1 s at 10,000; p95 to every viewer ≤ 200 ms.
 * Anchor: Argo CD's published 35 s to load 8,000 apps.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import type { AppState, EnvState } from "../src/core/agent/state.ts";
import { latestReleases, startSession, warmCurrentReleases } from "../src/ops/index.ts";
import { EventHub } from "../src/server/event-hub.ts";
import { createApp, Repos } from "../src/server/index.ts";
import { hostedEnv } from "../src/server/test-kit.ts";
import { openStore } from "../src/store/index.ts";

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  options: {
    apps: { type: "string", default: "1000,10000" },
    viewers: { type: "string", default: "200" },
    cold: { type: "string" },
    bin: { type: "string" },
  },
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

/** Writes a data dir of `n` apps (one commit), their live state, a user and a session, then closes it. */
async function build(n: number) {
  const dir = mkdtempSync(join(tmpdir(), "bench-dash-"));
  const store = await openStore({ kind: "sqlite", path: join(dir, "gimlet.db") });
  const repos = new Repos(dir);
  const env = await hostedEnv({ store, repos }, "bench");
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
  const s = await startSession({ store, repos }, "ann");
  // The worker keeps the store's release history filled as it writes; these apps were written directly.
  await latestReleases({ store, repos }, "bench", ["app-00000"]);
  await store.close();
  return { dir, cookie: `gimlet_session=${s.id}`, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * A server start on the data dir as `gimlet serve` does it: fresh store, repo handles and caches
 * (the OS file cache stays warm, as on a restart), the start-up read of every env's current
 * releases begun in the background (`warm: false` leaves it out, as before issue 13's fix).
 */
async function start(dir: string, warm = true) {
  const store = await openStore({ kind: "sqlite", path: join(dir, "gimlet.db") });
  const repos = new Repos(dir);
  const events = new EventHub({ queueLimit: 1024 });
  const app = createApp({ store, repos, events, sseHeartbeatMs: 60_000 });
  const t = performance.now();
  const warming = warm ? warmCurrentReleases({ store, repos }).then(() => performance.now() - t) : undefined;
  const stop = async () => {
    await warming;
    await store.close();
  };
  return { app, events, store, warming, stop };
}

type App = ReturnType<typeof createApp>;

async function get(app: App, cookie: string, path: string) {
  const t = performance.now();
  const r = await app.request(`http://bench.local${path}`, { headers: { Cookie: cookie } });
  const html = await r.text();
  const ms = performance.now() - t;
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${html.slice(0, 300)}`);
  return { ms, size: html.length };
}

async function timePage(app: App, cookie: string, path: string, runs = 7) {
  const times: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const r = await get(app, cookie, path);
    times.push(r.ms);
    size = r.size;
  }
  return { ms: median(times), size };
}

const page = "/envs/bench";
/** The anchor is a figure for 8,000 apps: compared only at that size or more. */
const vsArgo = (n: number, ms: number) =>
  n >= 8000 ? `; ${((argoSeconds * 1000) / ms).toFixed(0)}× faster than Argo CD's 35 s for 8k apps` : "";
/** Where the server saves an env's current releases (git/status-snapshot.ts); removed for a first start. */
const snapshotOf = (dir: string) => join(dir, "repos", "bench-apps.git", "gimlet", "status-v1-bench.json");

/**
 * The cold runs, each in a fresh process (JIT, module start-up and every cache cold; the OS file
 * cache warm, as on a restart): `--cold <dir> <cookie> <mode>` prints the first request's ms and
 * the start-up read's. Modes: `bare` no snapshot and no start-up read (the first page reads every
 * release.json itself), `first` no snapshot yet (the first start after an upgrade), `restart` a
 * server started before saved its snapshot.
 */
if (values.cold) {
  const [dir, cookie, mode] = [values.cold, ...positionals] as [string, string, "bare" | "first" | "restart"];
  if (mode !== "restart") rmSync(snapshotOf(dir), { force: true });
  const s = await start(dir, mode !== "bare");
  const first = await get(s.app, cookie, page);
  const warmUp = (await s.warming) ?? 0;
  await s.stop();
  console.log(JSON.stringify({ first: first.ms, warmUp }));
  process.exit(0);
}

async function cold(dir: string, cookie: string, mode: string, runs = 3) {
  const out: { first: number; warmUp: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const p = Bun.spawn([process.execPath, import.meta.path, "--cold", dir, cookie, mode], { stderr: "inherit" });
    const text = await new Response(p.stdout).text();
    if ((await p.exited) !== 0) throw new Error(`cold run ${mode} failed`);
    out.push(JSON.parse(text.trim().split("\n").at(-1)!));
  }
  return { first: median(out.map((x) => x.first)), warmUp: median(out.map((x) => x.warmUp)) };
}

/**
 * The same cold runs with the compiled server (`--bin dist/gimlet`): `gimlet serve` started on the
 * data dir, the first page asked for as soon as /healthz answers; the median of `runs` starts.
 */
async function binCold(bin: string, dir: string, cookie: string, mode: "first" | "restart", runs = 3) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (mode === "first") rmSync(snapshotOf(dir), { force: true });
    const port = 20000 + Math.floor(Math.random() * 20000);
    const listen = `127.0.0.1:${port}`;
    const p = Bun.spawn([bin, "serve", "--data-dir", dir, "--listen", listen], { stdout: "ignore", stderr: "pipe" });
    try {
      const deadline = Date.now() + 30_000;
      while (
        !(await fetch(`http://${listen}/healthz`).then(
          (r) => r.ok,
          () => false,
        ))
      ) {
        if (Date.now() > deadline || p.exitCode !== null) throw new Error(`${bin} serve did not start`);
        await Bun.sleep(5);
      }
      const t = performance.now();
      const r = await fetch(`http://${listen}${page}`, { headers: { Cookie: cookie } });
      await r.text();
      if (r.status !== 200) throw new Error(`${bin}: ${page} answered ${r.status}`);
      times.push(performance.now() - t);
    } finally {
      p.kill("SIGTERM");
      await p.exited;
    }
  }
  return median(times);
}

for (const n of values.apps!.split(",").map(Number)) {
  const data = await build(n);
  try {
    const target = n <= 1000 ? 100 : 1000;
    const bare = await cold(data.dir, data.cookie, "bare");
    const first = await cold(data.dir, data.cookie, "first");
    // The last `first` run saved the snapshot a restart starts from.
    const restart = await cold(data.dir, data.cookie, "restart");
    const s = await start(data.dir);
    await s.warming;
    const warm = await timePage(s.app, data.cookie, page);
    const frag = await timePage(s.app, data.cookie, `${page}/apps-table?page=3`);
    const failing = await timePage(s.app, data.cookie, `${page}?failing=1`);
    const search = await timePage(s.app, data.cookie, `${page}?q=change%2099`);
    await s.stop();
    const kib = (warm.size / 1024).toFixed(1);
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    const judged = (x: number, digits = 0) => `${x.toFixed(digits)} ms (${x <= target ? "ok" : "OVER"}${vsArgo(n, x)})`;
    console.log(`env page, ${n} apps (50 a page), ${kib} KiB HTML; target ≤ ${target} ms; medians of 3 processes:`);
    console.log(`  cold, first request at a restart:         ${judged(restart.first)}`);
    console.log(`    start-up read from the snapshot:        ${ms(restart.warmUp)}, in the background`);
    console.log(`  cold, first request at the first start:   ${judged(first.first)}`);
    console.log(`    start-up read of every release.json:    ${ms(first.warmUp)}, in the background`);
    console.log(`  cold, no snapshot and no start-up read:   ${judged(bare.first)}`);
    if (values.bin) {
      const [binFirst, binRestart] = [
        await binCold(values.bin, data.dir, data.cookie, "first"),
        await binCold(values.bin, data.dir, data.cookie, "restart"),
      ];
      console.log(`  ${values.bin}: first request at a restart ${judged(binRestart)}`);
      console.log(`  ${values.bin}: first request at the first start ${judged(binFirst)}`);
    }
    console.log(`  warm, median of 7:                        ${judged(warm.ms, 1)}`);
    const [f, x, q] = [frag.ms, failing.ms, search.ms].map((v) => v.toFixed(1));
    console.log(`  warm table fragment p3 ${f} ms, failing only ${x} ms, search ${q} ms`);
  } finally {
    data.dispose();
  }
}

// Page streams: N viewers of one env over real HTTP, in another process (bench/dashboard-viewers.ts);
// one app state change → the named event on every viewer, and the server's memory per viewer.
const viewers = Number(values.viewers);
const data = await build(100);
const s = await start(data.dir);
await s.warming;
const server = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: s.app.fetch, idleTimeout: 0 });
const memory = async () => {
  // Collected twice with a pause: what the page benchmarks above freed is returned first.
  for (let i = 0; i < 2; i++) {
    Bun.gc(true);
    await Bun.sleep(200);
  }
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss };
};
try {
  const url = `http://127.0.0.1:${server.port}/ui/events?topic=env&env=bench`;
  const before = await memory();
  const child = Bun.spawn(
    [process.execPath, join(import.meta.dir, "dashboard-viewers.ts"), url, data.cookie, `${viewers}`],
    {
      stdout: "pipe",
      stderr: "inherit",
    },
  );
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let pending = "";
  const nextLine = async () => {
    while (!pending.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) throw new Error("the viewers' process ended early");
      pending += value;
    }
    const i = pending.indexOf("\n");
    const line = pending.slice(0, i);
    pending = pending.slice(i + 1);
    return line;
  };
  if ((await nextLine()) !== "ready") throw new Error("the viewers did not subscribe");
  const after = await memory();
  const lat: number[] = [];
  for (let round = 0; round < 10; round++) {
    const t = performance.timeOrigin + performance.now();
    s.events.publish({ type: "app.state", env: "bench", app: "default/app-00001", state: liveApp(1) });
    const got = JSON.parse(await nextLine()) as number[];
    lat.push(...got.map((x) => x - t));
    await Bun.sleep(300); // past the stream's coalescing gap, so each round is its own event
  }
  child.kill();
  await child.exited;
  const [p50, p95] = [pct(lat, 0.5), pct(lat, 0.95)].map((v) => v.toFixed(1));
  console.log(`${viewers} page streams over HTTP: state change → event on every viewer p50 ${p50} ms, p95 ${p95} ms`);
  console.log(`  (target p95 ≤ 200 ms; ${pct(lat, 0.95) <= 200 ? "ok" : "OVER"})`);
  const kib = (x: number) => `${(x / viewers / 1024).toFixed(1)} KiB`;
  console.log(`  server memory per viewer: ${kib(after.heap - before.heap)} heap, ${kib(after.rss - before.rss)} RSS`);
} finally {
  server.stop(true);
  await s.stop();
  data.dispose();
}
