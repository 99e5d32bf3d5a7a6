/**
 * `gimlet serve` as the original Gimlet clients see it, through the compiled binary over real HTTP:
 * the field names of the original's Go models (recorded below from gimlet-io/gimlet at cli-v0.20.0),
 * this CLI's tracking and delete semantics, and — when they were built into ~/.cache/gimlet/bin
 * (see tests/e2e/README.md) — the original CLI binaries v0.12.2 and cli-v0.20.0 themselves.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { run } from "../support/git-server.ts";
import { type OriginalCliBed, originalCliBin, startOriginalCliBed } from "../support/original-cli.ts";

let bed: OriginalCliBed;
let gitdir = "";

beforeAll(async () => {
  bed = await startOriginalCliBed();
  gitdir = bed.gitdir;
});

afterAll(() => bed?.stop());

const cli = (args: string[]) => bed.cli(args);
const api = (path: string, init?: RequestInit) => bed.api(path, init);
const artifactFile = (sha: string, values?: Record<string, unknown>) => bed.artifactFile(sha, values);
const processed = (artifactId: string) => bed.processed(artifactId);
const fluxSays = (hash: string, reason: string) => bed.fluxSays(hash, reason);

async function push(sha: string, values?: Record<string, unknown>): Promise<{ id: string; hash: string; track: any }> {
  const p = await cli(["artifact", "push", "-f", artifactFile(sha, values), "-o", "json"]);
  expect(p.code, p.stderr).toBe(0);
  const id = JSON.parse(p.stdout).id as string;
  const track = await processed(id);
  return { id, hash: track.results?.[0]?.hash ?? "", track };
}

/**
 * Keys the original's Go models always marshal (no omitempty), read from gimlet-io/gimlet@cli-v0.20.0:
 * pkg/dx/release.go (Release, ReleaseStatus), pkg/gimletd/model/user.go (User; token only when issued),
 * pkg/gimletd/server/router.go (GitopsRepoResult).
 */
const recorded = {
  release: [
    "app",
    "env",
    "artifactId",
    "triggeredBy",
    "version",
    "gitopsRef",
    "gitopsRepo",
    "gitopsCommitStatus",
    "gitopsCommitStatusDesc",
  ],
  releaseStatus: ["status", "statusDesc", "results"],
  user: ["login", "admin"],
  gitopsRepo: ["gitopsRepo"],
};

describe("the API against the original's recorded JSON shapes", () => {
  test("releases, status, tracking, users, gitopsRepo and gitopsCommits", async () => {
    const { id, hash } = await push("a0a0a0");
    await fluxSays(hash, "ReconciliationSucceeded");
    const releases = (await api("/api/releases?env=staging")).json as Record<string, unknown>[];
    for (const k of recorded.release) expect(releases[0]).toHaveProperty(k);
    expect(releases[0]).toMatchObject({
      gitopsRef: hash,
      gitopsRepo: "builtin/staging-apps",
      gitopsCommitStatus: "ReconciliationSucceeded",
    });
    expect(typeof releases[0]!.gitopsCommitCreated).toBe("number");
    const status = (await api("/api/status?env=staging")).json;
    for (const k of recorded.release.filter((k) => !k.startsWith("gitopsCommit"))) expect(status.web).toHaveProperty(k);
    expect(status.web.gitopsRepo).toBe("builtin/staging-apps");
    const tracked = await api(`/api/eventArtifactTrack?artifactId=${encodeURIComponent(id)}`);
    expect(tracked.status).toBe(200);
    for (const k of recorded.releaseStatus) expect(tracked.json).toHaveProperty(k);
    const users = (await api("/api/users")).json as Record<string, unknown>[];
    for (const u of users) for (const k of recorded.user) expect(u).toHaveProperty(k);
    expect(users.find((u) => u.login === "admin")?.admin).toBe(true);
    const admin = await api("/api/user/admin");
    expect(admin.json).toMatchObject({ login: "admin", admin: true });
    expect((await api("/api/gitopsRepo")).json).toEqual({ gitopsRepo: "builtin/staging-apps" });
    const commits = (await api("/api/gitopsCommits")).json as Record<string, unknown>[];
    expect(commits.find((c) => c.sha === hash)).toMatchObject({
      sha: hash,
      status: "ReconciliationSucceeded",
      env: "staging",
    });
  }, 30_000);
});

describe("this CLI: tracking exits non-zero on failure, delete waits for its commit", () => {
  test("artifact track without --wait exits 1 when a manifest failed to render", async () => {
    const { id, track } = await push("b1b1b1", { image: { repository: "nginx", tag: "{{ .SHA }}" }, replicas: "many" });
    expect(track).toMatchObject({ results: [{ status: "failure" }] });
    const t = await cli(["artifact", "track", id]);
    expect(t.code).toBe(1);
    expect(t.stdout).toMatch(/^Request is (processed|error)/);
    expect(t.stderr).toContain("the release failed");
  }, 30_000);

  test("artifact track -o json without --wait prints the state and exits 1 once Flux failed the commit", async () => {
    const { id, hash } = await push("c2c2c2");
    const ok = await cli(["artifact", "track", id]);
    expect(ok.code, ok.stderr).toBe(0);
    await fluxSays(hash, "ReconciliationFailed");
    const t = await cli(["artifact", "track", id, "-o", "json"]);
    expect(t.code).toBe(1);
    expect(JSON.parse(t.stdout)).toMatchObject({
      status: "processed",
      results: [{ hash, gitopsCommitStatus: "ReconciliationFailed" }],
    });
  }, 30_000);

  test("release track without --wait exits 1 when processing failed (status error)", async () => {
    const rb = await cli([
      "release",
      "rollback",
      "--env",
      "staging",
      "--app",
      "web",
      "--to",
      "0123456789abcdef0123456789abcdef01234567",
      "-o",
      "json",
    ]);
    expect(rb.code, rb.stderr).toBe(0);
    const id = JSON.parse(rb.stdout).id as string;
    for (let i = 0; i < 100 && (await api(`/api/eventReleaseTrack?id=${id}`)).json.status !== "error"; i++)
      await Bun.sleep(50);
    const t = await cli(["release", "track", id]);
    expect(t.code).toBe(1);
    expect(t.stdout).toContain("Request is error");
    expect(t.stderr).toMatch(/no commit 0123456789abcdef|not in the history/);
  }, 30_000);

  test("release delete returns once the delete is committed; --no-wait returns the tracking id", async () => {
    await push("d3d3d3");
    const del = await cli(["release", "delete", "--env", "staging", "--app", "web"]);
    expect(del.code, del.stderr).toBe(0);
    // Read right away: the commit must already be there.
    const head = (await run(["git", "--git-dir", gitdir, "log", "-1", "--format=%H %s"])).trim();
    expect(head).toContain("staging/web");
    expect(head).toContain("delete");
    expect(del.stdout).toContain(`Application instance deleted (gitops commit ${head.slice(0, 12)})`);
    const files = await run(["git", "--git-dir", gitdir, "ls-tree", "-r", "--name-only", "main"]);
    expect(files).not.toContain("staging/web/");
    const again = await cli(["release", "delete", "--env", "staging", "--app", "web", "--no-wait", "-o", "json"]);
    expect(again.code, again.stderr).toBe(0);
    expect(Object.keys(JSON.parse(again.stdout))).toEqual(["id"]);
    const help = await cli(["release", "delete", "--help"]);
    expect(help.stdout).toContain("--no-wait");
  }, 30_000);
});

const originals = (["v0.12.2", "cli-v0.20.0"] as const).map((version) => ({ version, ...originalCliBin(version) }));

for (const o of originals) {
  describe.skipIf(!o.built)(`the original CLI ${o.version} against gimlet serve`, () => {
    const orig = (args: string[]) => bed.orig(o.path, args);
    // Full-length: the original slices sha[:8] when it prints a version.
    const sha = (o.version === "v0.12.2" ? "e4" : "f5").repeat(20);

    test("artifact push, release list and status, rollback, track", async () => {
      // No chart in the manifest: the original client re-marshals it as {repository: "", name: "", version: ""},
      // which must read as "no chart" (the built-in onechart renders the values).
      const f = artifactFile(sha);
      const pushed = await orig(["artifact", "push", "-f", f]);
      expect(pushed.code, pushed.stderr).toBe(0);
      expect(pushed.stdout).toContain("Artifact saved");
      const id = JSON.parse(pushed.stdout.slice(pushed.stdout.indexOf("{"))).id as string;
      const track = await processed(id);
      const hash = track.results[0].hash as string;
      expect(hash, JSON.stringify(track)).toMatch(/^[0-9a-f]{40}$/);

      const list = await orig(["release", "list", "--env", "staging", "--app", "web", "-o", "json"]);
      expect(list.code, list.stderr).toBe(0);
      const rels = JSON.parse(list.stdout) as { gitopsRef: string; gitopsRepo: string; version: { sha: string } }[];
      expect(rels[0]).toMatchObject({ gitopsRef: hash, gitopsRepo: "builtin/staging-apps", version: { sha } });

      const status = await orig(["release", "status", "--env", "staging"]);
      expect(status.code, status.stderr).toBe(0);
      expect(status.stdout).toContain("web -> staging");
      expect(status.stdout).toContain("builtin/staging-apps@");

      if (o.version !== "v0.12.2") {
        await fluxSays(hash, "ReconciliationSucceeded");
        const at = await orig(["artifact", "track", "--wait", "--timeout", "20s", id]);
        expect(at.code, at.stdout + at.stderr).toBe(0);
        expect(at.stdout).toContain(`Request (${id}) is processed`);
      }

      const previous = rels.find((r) => r.version.sha !== sha);
      if (previous) {
        const rb = await orig(["release", "rollback", "--env", "staging", "--app", "web", "--to", previous.gitopsRef]);
        expect(rb.code, rb.stderr).toBe(0);
        const rid = /ID (\S+)/.exec(rb.stdout + rb.stderr)?.[1];
        expect(rid).toBeDefined();
        for (let i = 0; i < 100 && (await api(`/api/eventReleaseTrack?id=${rid}`)).json.status !== "processed"; i++)
          await Bun.sleep(50);
        const tr = await orig(["release", "track", rid!]);
        expect(tr.code, tr.stderr).toBe(0);
        expect(tr.stdout).toContain(`Request (${rid}) is processed`);
      }

      const del = await orig(["release", "delete", "--env", "staging", "--app", "web"]);
      expect(del.code, del.stderr).toBe(0);
      expect(del.stderr).toContain("Application instance deleted");
      const head = await run(["git", "--git-dir", gitdir, "log", "-1", "--format=%s"]);
      expect(head).toContain("staging/web");
    }, 60_000);
  });
}
