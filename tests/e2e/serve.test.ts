/** gimlet serve end to end: the compiled binary as server and as CLI, the real git CLI reading the repo. */
import { afterAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { webArtifactFile } from "../support/artifacts.ts";
import { gimlet, scratch } from "../support/bin.ts";
import { run } from "../support/git-server.ts";

const box = scratch("gimlet-serve-");
const dataDir = box.temp();
const work = box.temp();
let server: ReturnType<typeof Bun.spawn> | undefined;
let url = "";
let token = "";
afterAll(() => box.cleanUp());

async function startServer(): Promise<void> {
  const started = await box.serve(dataDir);
  server = started.proc;
  url = started.url;
  if (started.token) token = started.token;
}

const cli = (args: string[]) =>
  gimlet(args, { env: { GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "200" } });

function artifactFile(sha: string, branch = "main"): string {
  const values = { image: { repository: "nginx", tag: "{{ .SHA }}" } };
  return webArtifactFile(work, sha, values, { branch, url: "https://x", created: 1700000000 });
}

async function fluxEvent(hash: string, reason: string): Promise<void> {
  const flux = await cli(["user", "create", `flux-${hash.slice(0, 6)}-${reason.length}`, "--role", "flux"]);
  const res = await fetch(`${url}/api/flux-events?env=staging&access_token=${flux.stdout.trim()}`, {
    method: "POST",
    body: JSON.stringify({ reason, message: reason, metadata: { revision: `main@sha1:${hash}` } }),
  });
  expect(res.status).toBe(200);
}

describe("gimlet serve", () => {
  test("prints the admin token on first start; a builtin env gets a repo with a first commit", async () => {
    await startServer();
    expect(token).toMatch(/^glt_/);
    const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir]);
    expect(env.code, env.stderr).toBe(0);
    expect(await run(["git", "--git-dir", join(dataDir, "repos", "staging-apps.git"), "log", "--format=%s"])).toContain(
      "Initial commit",
    );
  });

  test("artifact push with a deploy policy → one commit; track --wait exits 0 once Flux reports it applied", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("aaa111"), "-o", "json"]);
    expect(push.code, push.stderr).toBe(0);
    const id = JSON.parse(push.stdout).id as string;
    const gitdir = join(dataDir, "repos", "staging-apps.git");
    let hash = "";
    for (let i = 0; i < 50 && !hash; i++) {
      const log = await run(["git", "--git-dir", gitdir, "log", "--format=%H %s", "-1"]);
      if (log.includes("[Gimlet] staging/web automated deploy")) hash = log.split(" ")[0]!;
      else await Bun.sleep(100);
    }
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    expect(await run(["git", "--git-dir", gitdir, "show", "main:staging/web/deployment.yaml"])).toContain(
      "image: nginx:aaa111",
    );
    expect(await run(["git", "--git-dir", gitdir, "show", "main:staging/release.json"])).toContain('"artifactId"');
    const waiting = cli(["artifact", "track", id, "--wait", "--timeout", "20s"]);
    await Bun.sleep(500);
    await fluxEvent(hash, "ReconciliationSucceeded");
    const tr = await waiting;
    expect(tr.code, tr.stderr).toBe(0);
  }, 30_000);

  test("track --wait fails when Flux reports ReconciliationFailed", async () => {
    const push = await cli(["artifact", "push", "-f", artifactFile("bbb222"), "-o", "json"]);
    const id = JSON.parse(push.stdout).id as string;
    let hash = "";
    for (let i = 0; i < 50 && !hash; i++) {
      const t = JSON.parse((await cli(["artifact", "track", id, "-o", "json"])).stdout);
      hash = t.results?.[0]?.hash ?? "";
      if (!hash) await Bun.sleep(100);
    }
    await fluxEvent(hash, "ReconciliationFailed");
    const tr = await cli(["artifact", "track", id, "--wait", "--timeout", "10s"]);
    expect(tr.code).toBe(1);
    expect(tr.stderr).toContain("failed");
  }, 30_000);

  test("release list, status and rollback through the CLI", async () => {
    const list = await cli(["release", "list", "--env", "staging", "--app", "web", "-o", "json"]);
    const rels = JSON.parse(list.stdout) as { gitopsRef: string; version: { sha: string } }[];
    expect(rels.map((r) => r.version.sha)).toEqual(["bbb222", "aaa111"]);
    const rb = await cli([
      "release",
      "rollback",
      "--env",
      "staging",
      "--app",
      "web",
      "--to",
      rels[1]!.gitopsRef,
      "-o",
      "json",
    ]);
    expect(rb.code, rb.stderr).toBe(0);
    for (let i = 0; i < 50; i++) {
      const st = JSON.parse((await cli(["release", "status", "--env", "staging", "-o", "json"])).stdout);
      if (st.web?.version?.sha === "aaa111") break;
      await Bun.sleep(100);
    }
    const after = JSON.parse(
      (await cli(["release", "list", "--env", "staging", "--app", "web", "-o", "json"])).stdout,
    ) as { rolledBack: boolean }[];
    expect(after.map((r) => r.rolledBack)).toEqual([true, false]);
  }, 30_000);

  test("kill -9 with 50 events queued, then restart: every event processed exactly once", async () => {
    const art = JSON.parse(
      (await cli(["artifact", "push", "-f", artifactFile("ccc333", "dev"), "-o", "json"])).stdout,
    ) as { id: string };
    const ids: string[] = [];
    for (let i = 0; i < 50; i++)
      ids.push(
        JSON.parse((await cli(["release", "make", "--env", "staging", "--artifact", art.id, "-o", "json"])).stdout).id,
      );
    server!.kill("SIGKILL");
    await server!.exited;
    await startServer();
    const gitdir = join(dataDir, "repos", "staging-apps.git");
    const track = async (id: string) =>
      (await (
        await fetch(`${url}/api/eventReleaseTrack?id=${id}`, { headers: { Authorization: `Bearer ${token}` } })
      ).json()) as { status: string; statusDesc: string };
    const statusOf = async (id: string) => (await track(id)).status;
    const deadline = Date.now() + 90_000;
    const settled = async () => (await Promise.all(ids.map(statusOf))).every((s) => ["processed", "error"].includes(s));
    while (Date.now() < deadline && !(await settled())) await Bun.sleep(200);
    const statuses = await Promise.all(ids.map(statusOf));
    const odd = (await Promise.all(ids.map(async (id, i) => ({ i, id, ...(await track(id)) })))).filter(
      (t) => t.status !== "processed",
    );
    if (odd.length) console.log(JSON.stringify(odd).slice(0, 4000));
    expect(statuses.every((s) => s === "processed")).toBe(true);
    const subjects = (await run(["git", "--git-dir", gitdir, "log", "--format=%B"]))
      .split("\n")
      .filter((l) => l.startsWith("[Gimlet] staging/web automated deploy"));
    // 2 policy deploys + 50 releases (each a new event id, so a new release.json), none twice.
    expect(subjects.length).toBe(52);
    await run(["git", "--git-dir", gitdir, "fsck", "--strict"]);
  }, 150_000);
});
