/**
 * Release manager speed, per store and replica count: artifact push → gitops commit, on a gitops repo
 * of `--apps` apps and `--commits` commits (made with git fast-import), in one run:
 *   SQLite, 1 replica · Postgres, 1 replica · Postgres, N replicas (pushes spread round-robin)
 * Each configuration runs real `gimlet serve` processes (GIMLET_BIN, else `bun src/main.ts`) on a fresh
 * data dir and database; a push is done when any replica's event stream says the release was processed.
 *   bun bench/release.ts [--replicas 3] [--database postgres://USER@HOST:PORT/DB]
 *                        [--releases 200] [--apps 1000] [--commits 10000] [--concurrency 8]
 * About a minute on 2 cores.
 * Without --database a throwaway PostgreSQL is started (tests/support/postgres.ts: fsync off). With one,
 * the bench creates (and drops) a scratch database per configuration on that server: the role needs
 * CREATEDB. Latency: one release at a time. Throughput: `--releases` pushes, `--concurrency` in flight,
 * from the first push until the last is processed.
 * Targets (issue 5, SQLite): p50 ≤ 150 ms; ≥ 20 releases/s on a 2-core machine.
 */
import { SQL } from "bun";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SseParser } from "../src/core/sse.ts";
import { Repos } from "../src/server/index.ts";
import { builtinEnv } from "../src/server/test-kit.ts";
import { openStore, type StoreConfig } from "../src/store/index.ts";
import { startPostgres, type TestPostgres } from "../tests/support/postgres.ts";
import { type Replica, startReplica, stopReplicas } from "../tests/support/replica.ts";
import { makeSyntheticRepo } from "../tests/support/synthetic-repo.ts";

const { values } = parseArgs({
  args: Bun.argv.slice(2),
  options: {
    releases: { type: "string", default: "200" },
    apps: { type: "string", default: "1000" },
    commits: { type: "string", default: "10000" },
    replicas: { type: "string", default: "3" },
    concurrency: { type: "string", default: "8" },
    database: { type: "string" },
  },
});
const whole = (name: keyof typeof values, min: number) => {
  const v = Number(values[name]);
  if (!Number.isInteger(v) || v < min)
    throw new Error(`--${name} must be a whole number ≥ ${min}, not ${values[name]}`);
  return v;
};
const n = whole("releases", 1);
const apps = whole("apps", 1);
const replicaCount = whole("replicas", 1);
const concurrency = whole("concurrency", 1);

interface Result {
  label: string;
  replicas: number;
  p50: number;
  p95: number;
  rate: number;
}

/** A scratch database per configuration: on the given server, or on one started here. */
interface Databases {
  create(): Promise<string>;
  drop(url: string): Promise<void>;
  close(): Promise<void>;
}

async function databases(url: string | undefined): Promise<Databases> {
  if (!url) {
    const pg: TestPostgres = await startPostgres();
    return { create: () => pg.createDatabase(), drop: (u) => pg.dropDatabase(u), close: () => pg.stop() };
  }
  const admin = new SQL({ url, max: 1 });
  let k = 0;
  return {
    async create() {
      const name = `gimlet_bench_${process.pid}_${++k}`;
      try {
        await admin.unsafe(`CREATE DATABASE "${name}"`);
      } catch (e) {
        throw new Error(
          `--database: cannot create the scratch database ${name}: ${(e as Error).message} ` +
            "(the bench needs a role with CREATEDB; or leave --database out to start a throwaway server)",
        );
      }
      const u = new URL(url);
      u.pathname = `/${name}`;
      return u.toString();
    },
    async drop(u) {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${new URL(u).pathname.slice(1)}" WITH (FORCE)`);
    },
    close: () => admin.close(),
  };
}

/** Resolves each artifact id when the first replica's event stream reports it processed. */
class Completions {
  private waiting = new Map<string, (ok: boolean) => void>();
  private seen = new Map<string, boolean>();
  private ctl = new AbortController();

  async follow(r: Replica, token: string): Promise<void> {
    const res = await fetch(`${r.url}/api/events`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: this.ctl.signal,
    });
    if (!res.ok || !res.body) throw new Error(`GET ${r.url}/api/events: HTTP ${res.status}`);
    const parser = new SseParser();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for await (const chunk of res.body as ReadableStream<Uint8Array>) {
          for (const m of parser.push(decoder.decode(chunk, { stream: true }))) this.message(m.data);
        }
      } catch {
        // aborted at the end of the configuration
      }
    })();
  }

  private message(data: string): void {
    let e: { type?: string; artifactId?: string };
    try {
      e = JSON.parse(data);
    } catch {
      return;
    }
    if ((e.type !== "release.processed" && e.type !== "release.failed") || !e.artifactId) return;
    if (this.seen.has(e.artifactId)) return;
    this.seen.set(e.artifactId, e.type === "release.processed");
    this.waiting.get(e.artifactId)?.(e.type === "release.processed");
  }

  done(artifactId: string): Promise<boolean> {
    const known = this.seen.get(artifactId);
    if (known !== undefined) return Promise.resolve(known);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${artifactId} not processed within 120 s`)), 120_000);
      this.waiting.set(artifactId, (ok) => {
        clearTimeout(timer);
        resolve(ok);
      });
    });
  }

  stop(): void {
    this.ctl.abort();
  }
}

const artifact = (i: number) => ({
  version: { repositoryName: "acme/bench", sha: `sha${i}`, branch: "main", event: "push", message: `change ${i}` },
  environments: [
    {
      app: `app-${String(i % apps).padStart(4, "0")}`,
      env: "staging",
      namespace: "default",
      deploy: { branch: "main", event: "push" },
      values: { image: { repository: "nginx", tag: "{{ .SHA }}" }, replicas: 2 },
    },
  ],
});

/** One configuration: a prepared data dir and store, `count` replicas, warm-up, latency, throughput. */
async function measure(label: string, count: number, template: string, store: StoreConfig): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), "bench-release-"));
  const repos = new Repos(dir);
  cpSync(template, repos.builtinPath("staging"), { recursive: true });
  let replicas: Replica[] = [];
  const done = new Completions();
  try {
    const s = await openStore(store.kind === "sqlite" ? { ...store, path: join(dir, "gimlet.db") } : store);
    await s.createEnv(builtinEnv("staging"));
    await s.createUser("admin", "admin");
    const token = await s.issueToken("admin");
    await s.close();
    const database = store.kind === "postgres" ? store.url : "";
    replicas = await Promise.all(Array.from({ length: count }, () => startReplica(dir, database)));
    for (const r of replicas) await done.follow(r, token);
    let next = 0;
    const push = async (i: number): Promise<string> => {
      const r = replicas[next++ % replicas.length]!;
      const res = await fetch(`${r.url}/api/artifact`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify(artifact(i)),
      });
      if (res.status !== 201) throw new Error(`push to ${r.url}: HTTP ${res.status} ${await res.text()}`);
      return ((await res.json()) as { id: string }).id;
    };
    const release = async (i: number) => {
      if (!(await done.done(await push(i)))) throw new Error(`${label}: release ${i} failed`);
    };
    // Warm-up, not measured: every replica renders and commits (JIT, caches, pools).
    for (let i = 0; i < 2 * count; i++) await release(10_000_000 + i);

    const lat: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await release(i);
      lat.push(performance.now() - t0);
    }
    lat.sort((a, b) => a - b);
    const p = (q: number) => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))]!;

    const t0 = performance.now();
    let i = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (i < n) await release(n + i++);
      }),
    );
    const rate = n / ((performance.now() - t0) / 1000);
    const result = { label, replicas: count, p50: p(0.5), p95: p(0.95), rate };
    console.log(
      `${label.padEnd(9)} ×${count}: p50 ${result.p50.toFixed(0)} ms, p95 ${result.p95.toFixed(0)} ms,`,
      `${rate.toFixed(1)} releases/s`,
    );
    return result;
  } finally {
    done.stop();
    await stopReplicas(replicas);
    rmSync(dir, { recursive: true, force: true });
  }
}

const templateDir = mkdtempSync(join(tmpdir(), "bench-release-repo-"));
const dbs = await databases(values.database);
try {
  const templateRepos = new Repos(templateDir);
  const template = templateRepos.builtinPath("staging");
  await makeSyntheticRepo(template, { commits: whole("commits", 1), apps });
  // The history index is built once here (it lives in the repo) so no configuration pays for it.
  let t = performance.now();
  const g = await templateRepos.get({
    ...builtinEnv("staging"),
    created: 0,
    fluxReceiverUrl: "",
    fluxReceiverToken: "",
  });
  await g.history({ env: "staging", limit: 1 });
  console.log(`history index cold build: ${((performance.now() - t) / 1000).toFixed(1)} s`);
  t = performance.now();
  const results: Result[] = [];
  results.push(await measure("SQLite", 1, template, { kind: "sqlite", path: "" }));
  for (const count of [1, replicaCount]) {
    const url = await dbs.create();
    try {
      results.push(await measure("Postgres", count, template, { kind: "postgres", url }));
    } finally {
      await dbs.drop(url);
    }
  }
  report(results);
  console.log(`(${((performance.now() - t) / 1000).toFixed(0)} s)`);
} finally {
  await dbs.close();
  rmSync(templateDir, { recursive: true, force: true });
}

function report(rs: Result[]): void {
  const [sqlite, pg1, pgN] = rs as [Result, Result, Result];
  const row = (cells: string[]) => cells.map((c, i) => (i ? c.padStart(12) : c.padEnd(14))).join("");
  console.log(`\n${n} releases, ${apps} apps, ${values.commits} commits, ${concurrency} in flight for throughput`);
  console.log(row(["store", "replicas", "p50 ms", "p95 ms", "releases/s"]));
  for (const r of rs)
    console.log(row([r.label, String(r.replicas), r.p50.toFixed(0), r.p95.toFixed(0), r.rate.toFixed(1)]));
  const x = (a: number, b: number) => (a / b).toFixed(2);
  const ratio = (a: Result, b: Result, what: string) =>
    `${what}: p50 ×${x(a.p50, b.p50)}, p95 ×${x(a.p95, b.p95)}, releases/s ×${x(a.rate, b.rate)}`;
  console.log(ratio(pg1, sqlite, "Postgres ×1 vs SQLite"));
  console.log(ratio(pgN, pg1, `Postgres ×${pgN.replicas} vs Postgres ×1`));
  const ok = sqlite.p50 <= 150 && sqlite.rate >= 20;
  console.log(`SQLite targets (p50 ≤ 150 ms, ≥ 20 releases/s): ${ok ? "OK" : "MISSED"}`);
}
