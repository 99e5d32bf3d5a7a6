/**
 * Three `gimlet serve` replicas on loopback, one PostgreSQL database and one shared data dir (the
 * hosted repos' volume): pushes spread over them make one linear history; a replica killed with
 * -9 mid-event loses it to another within the lease; an SSE viewer on one replica sees events from
 * another; a Postgres restart under load loses nothing. Real processes (GIMLET_BIN, else
 * `bun src/main.ts`), a real server (tests/support/postgres.ts), real git as the judge.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { SQL } from "bun";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../support/git-server.ts";
import { startPostgres, type TestPostgres } from "../../support/postgres.ts";
import { type Replica, startReplica, stopReplicas } from "../../support/replica.ts";

const dataDir = mkdtempSync(join(tmpdir(), "gimlet-replicas-"));
const gitdir = join(dataDir, "repos", "staging-apps.git");

let pg: TestPostgres;
let dbUrl = "";
let db: SQL;
let admin = "";
let token = "";
const replicas: Replica[] = [];

const auth = (t = token) => ({ Authorization: `Bearer ${t}` });

async function pushArtifact(r: Replica, sha: string, app: string, tag: string): Promise<string> {
  const body = {
    version: {
      repositoryName: "acme/web",
      sha,
      branch: "main",
      event: "push",
      message: sha,
      url: "https://x",
      created: 1700000000,
    },
    environments: [
      {
        app,
        env: "staging",
        namespace: "default",
        deploy: { branch: "main", event: "push" },
        values: { image: { repository: "nginx", tag } },
      },
    ],
  };
  const res = await fetch(`${r.url}/api/artifact`, { method: "POST", headers: auth(), body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`push to ${r.url}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { id: string }).id;
}

/** The queue rows of these artifacts, read from the shared database. */
async function rows(artifactIds: string[]) {
  const list = artifactIds.map((_, i) => `$${i + 1}`).join(", ");
  return (await db.unsafe(
    `SELECT id, artifact_id, status, status_desc, attempts, lease_owner, results FROM events
    WHERE type = 'artifact' AND artifact_id IN (${list})`,
    artifactIds,
  )) as {
    id: string;
    artifact_id: string;
    status: string;
    status_desc: string;
    attempts: number;
    lease_owner: string;
    results: string;
  }[];
}

async function allSettled(artifactIds: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rs = await rows(artifactIds);
    if (rs.length === artifactIds.length && rs.every((r) => r.status === "processed" || r.status === "error"))
      return rs;
    if (Date.now() > deadline)
      throw new Error(`not settled: ${JSON.stringify(rs.filter((r) => r.status !== "processed"))}`);
    await Bun.sleep(100);
  }
}

const git = (...args: string[]) => run(["git", "--git-dir", gitdir, ...args]);
/** The event id in the release.json each commit after the first `skip` wrote, newest first. */
async function eventIdsOfCommits(skip: number): Promise<string[]> {
  const total = await commitCount();
  const log = await git("log", "--format=C %H", "--name-only", "-n", String(total - skip), "main");
  const wanted: string[] = [];
  let sha = "";
  for (const line of log.split("\n")) {
    if (line.startsWith("C ")) sha = line.slice(2);
    else if (/^staging\/[^/]+\/release\.json$/.test(line)) wanted.push(`${sha}:${line}`);
  }
  const p = Bun.spawn(["git", "--git-dir", gitdir, "cat-file", "--batch"], { stdin: "pipe", stdout: "pipe" });
  p.stdin.write(wanted.join("\n") + "\n");
  p.stdin.end();
  const out = await new Response(p.stdout).text();
  return [...out.matchAll(/"eventId":\s*"([^"]+)"/g)].map((m) => m[1]!);
}

const commitCount = async () => Number((await git("rev-list", "--count", "main")).trim());

beforeAll(async () => {
  pg = await startPostgres();
  dbUrl = await pg.createDatabase("replicas");
  db = new SQL({ url: dbUrl, max: 2 });
  // Started together: one migrates, one creates the key and the admin user, the others wait and find them.
  replicas.push(...(await Promise.all(Array.from({ length: 3 }, () => startReplica(dataDir, dbUrl)))));
  admin = replicas.find((r) => r.adminToken)?.adminToken ?? "";
  expect(admin).toMatch(/^glt_/);
  const env = await fetch(`${replicas[0]!.url}/api/envs`, {
    method: "POST",
    headers: auth(admin),
    body: JSON.stringify({ name: "staging", builtin: true }),
  });
  expect(env.status, await env.clone().text()).toBe(201);
  const u = await fetch(`${replicas[1]!.url}/api/user`, {
    method: "POST",
    headers: auth(admin),
    body: JSON.stringify({ login: "ci", role: "user" }),
  });
  expect(u.status, await u.clone().text()).toBe(201);
  token = ((await u.json()) as { token: string }).token;
}, 90_000);

afterAll(async () => {
  await stopReplicas(replicas);
  await db?.close();
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("three replicas on one Postgres", () => {
  test("an SSE viewer on replica C sees a request queued on replica B and its processing", async () => {
    const [, b, c] = replicas as [Replica, Replica, Replica];
    const ac = new AbortController();
    const res = await fetch(`${c.url}/api/events`, { headers: auth(), signal: ac.signal });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    let text = "";
    const id = await pushArtifact(b, "sse1", "sse", "v1");
    const eventId = (await rows([id]))[0]!.id;
    const deadline = Date.now() + 10_000;
    while (!/release\.processed/.test(text) && Date.now() < deadline) {
      const { value, done } = await Promise.race([
        reader.read(),
        Bun.sleep(500).then(() => ({ value: undefined, done: false })),
      ]);
      if (done) break;
      if (value) text += new TextDecoder().decode(value);
    }
    ac.abort();
    expect(text).toContain(`"type":"release.queued","eventId":"${eventId}"`);
    expect(text).toMatch(new RegExp(`"type":"release.processed","eventId":"${eventId}"`));
    // C's ids are C's own: one epoch, increasing.
    const ids = [...text.matchAll(/^id: (\S+)$/gm)].map((m) => m[1]!);
    expect(new Set(ids.map((i) => i.split(".")[0])).size).toBe(1);
    const seqs = ids.map((i) => Number(i.split(".")[1]));
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
  }, 20_000);

  test("100 concurrent pushes spread over the replicas: 100 commits, linear, fsck clean, served alike by every replica", async () => {
    const before = await commitCount();
    const ids = await Promise.all(
      Array.from({ length: 100 }, (_, i) => pushArtifact(replicas[i % 3]!, `c${i}`, `app${i}`, `t${i}`)),
    );
    expect(new Set(ids).size).toBe(100);
    const rs = await allSettled(ids, 90_000);
    expect(rs.filter((r) => r.status !== "processed")).toEqual([]);
    expect(rs.every((r) => r.attempts === 1)).toBe(true);
    // Work was shared: more than one replica's worker claimed events.
    expect(new Set(rs.map((r) => r.lease_owner.split("/")[0])).size).toBeGreaterThan(1);
    expect(await commitCount()).toBe(before + 100);
    expect((await git("rev-list", "--merges", "main")).trim()).toBe("");
    await git("fsck", "--strict", "--no-dangling");
    // The hosted repo on the shared volume: every replica serves the same head.
    const head = (await git("rev-parse", "main")).trim();
    for (const r of replicas) {
      const out = await run([
        "git",
        "ls-remote",
        `http://admin:${admin}@127.0.0.1:${r.port}/git/staging-apps.git`,
        "main",
      ]);
      expect(out.split("\t")[0]).toBe(head);
    }
  }, 120_000);

  test("kill -9 of the replica holding an event: another takes it over within 5 s and writes it once", async () => {
    const before = await commitCount();
    // A slow render (regex backtracking, about a second or two) keeps the event in progress long enough.
    const slow = '{{ range until 10 }}{{ regexMatch "^(a+)+$" (printf "%s!" (repeat 23 "a")) }}{{ end }}x';
    const id = await pushArtifact(replicas[0]!, "slow1", "slow", slow);
    let holder = "";
    const deadline = Date.now() + 10_000;
    while (!holder && Date.now() < deadline) {
      const [r] = await rows([id]);
      if (r?.status === "processing") holder = r.lease_owner;
      else await Bun.sleep(20);
    }
    expect(holder).not.toBe("");
    const victim = replicas.find((r) => holder.startsWith(`${hostname()}:${r.port}/`))!;
    expect(victim).toBeDefined();
    victim.proc.kill("SIGKILL");
    const killedAt = Date.now();
    let takenOverMs = -1;
    while (Date.now() - killedAt < 20_000) {
      const [r] = await rows([id]);
      if (takenOverMs < 0 && r!.lease_owner !== holder) takenOverMs = Date.now() - killedAt;
      if (r!.status === "processed" || r!.status === "error") break;
      await Bun.sleep(20);
    }
    const [done] = await rows([id]);
    console.log(`takeover after kill -9: ${takenOverMs} ms, processed ${Date.now() - killedAt} ms after the kill`);
    expect(takenOverMs).toBeGreaterThanOrEqual(0);
    expect(takenOverMs).toBeLessThan(5000);
    expect(done).toMatchObject({ status: "processed", attempts: 2 });
    expect(done!.lease_owner).not.toBe(holder);
    // Exactly one commit for the app, whether the dead replica had written it or not.
    expect((await git("log", "--format=%H", "main", "--", "staging/slow")).trim().split("\n")).toHaveLength(1);
    expect(await commitCount()).toBe(before + 1);
    await git("fsck", "--strict", "--no-dangling");
    replicas[replicas.indexOf(victim)] = await startReplica(dataDir, dbUrl, { port: victim.port });
  }, 60_000);

  test("Postgres restarted under load: replicas reconnect, every accepted push is processed once", async () => {
    const before = await commitCount();
    const accepted: string[] = [];
    const refused: string[] = [];
    let stop = false;
    // Pushers keep going through the restart; a refused push (5xx while the database is down) is retried.
    const pusher = async (w: number) => {
      for (let i = 0; !stop; i++) {
        try {
          accepted.push(await pushArtifact(replicas[(w + i) % 3]!, `pg${w}-${i}`, `pg${w}`, `t${i}`));
        } catch (e) {
          refused.push((e as Error).message.slice(0, 200));
          await Bun.sleep(100);
        }
        await Bun.sleep(30);
      }
    };
    const pushers = [0, 1, 2].map(pusher);
    await Bun.sleep(1000);
    await pg.restart({ downMs: 1500 });
    await Bun.sleep(2500);
    stop = true;
    await Promise.all(pushers);
    expect(accepted.length).toBeGreaterThan(10);
    await db.close();
    db = new SQL({ url: dbUrl, max: 2 });
    const rs = await allSettled(accepted, 60_000);
    expect(rs.filter((r) => r.status !== "processed")).toEqual([]);
    // A push refused while the database went down may still have been queued before it did (the
    // client saw an error): it is processed too, once. Every queued one is a commit, no more.
    const queued = (await db`SELECT artifact_id FROM events WHERE type = 'artifact' AND sha LIKE 'pg%'`).map(
      (r: { artifact_id: string }) => r.artifact_id,
    );
    expect(queued).toEqual(expect.arrayContaining(accepted));
    const all = await allSettled(queued, 30_000);
    // Pushes of one app run side by side on several replicas: a later one written first supersedes
    // an earlier one, which then writes nothing. Every commit is one event's, none is written twice.
    const written = all.flatMap((r) =>
      (JSON.parse(r.results) as { hash: string }[]).map((x) => x.hash).filter(Boolean),
    );
    const superseded = all.filter((r) => r.results.includes("superseded by the later event")).length;
    console.log(
      `under a Postgres restart: ${accepted.length} pushes accepted, ${refused.length} refused ` +
        `(${queued.length - accepted.length} of them queued anyway), ${superseded} superseded: ${[...new Set(refused)].slice(0, 2).join(" | ")}`,
    );
    expect(new Set(written).size).toBe(written.length);
    expect(written.length + superseded).toBe(queued.length);
    // The judge is git: each new commit carries one event's release, and no event has two commits
    // (a superseded event may still have its commit, written before a later one overtook it).
    const perEvent = await eventIdsOfCommits(before);
    expect(perEvent.length).toBe((await commitCount()) - before);
    expect(new Set(perEvent).size).toBe(perEvent.length);
    expect(perEvent.length).toBeGreaterThanOrEqual(written.length);
    expect(perEvent.length).toBeLessThanOrEqual(written.length + superseded);
    expect((await git("rev-list", "--merges", "main")).trim()).toBe("");
    await git("fsck", "--strict", "--no-dangling");
    // Every replica still serves: its store and its event bridge came back.
    for (const r of replicas) expect((await fetch(`${r.url}/api/envs`, { headers: auth() })).status).toBe(200);
  }, 120_000);
});
