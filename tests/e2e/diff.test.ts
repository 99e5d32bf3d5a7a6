/**
 * Dry runs on the compiled binary: `release make|rollback --dry-run` print the diff the worker
 * would commit and change nothing; the hashes they report are the blobs the real write then
 * commits; `manifest diff` gives the same diff against a local working copy.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { webArtifactFile } from "../support/artifacts.ts";
import { gimlet, scratch } from "../support/bin.ts";
import { deployedCommit } from "../support/deploys.ts";
import { run } from "../support/git-server.ts";

const box = scratch("gimlet-diff-");
const dataDir = box.temp();
const work = box.temp();
const gitdir = join(dataDir, "repos", "staging-apps.git");
let url = "";
let token = "";

afterAll(() => box.cleanUp());

beforeAll(async () => {
  const serve = await box.serve(dataDir);
  url = serve.url;
  token = serve.token;
  const env = await gimlet(["env", "create", "staging", "--builtin", "--data-dir", dataDir]);
  expect(env.code, env.stderr).toBe(0);
});

const cli = (args: string[]) =>
  gimlet(args, { env: { GIMLET_SERVER: url, GIMLET_TOKEN: token, GIMLET_TRACK_INTERVAL_MS: "200" } });
const head = () => run(["git", "--git-dir", gitdir, "rev-parse", "main"]).then((s) => s.trim());

/** Pushes an artifact of acme/web at `sha`; only branch main deploys by policy. */
async function push(sha: string, branch: string): Promise<string> {
  const values = { image: { repository: "nginx", tag: "{{ .SHA }}" } };
  const f = webArtifactFile(work, sha, values, { branch, message: sha, url: "https://x", created: 1700000000 });
  const r = await cli(["artifact", "push", "-f", f, "-o", "json"]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout).id as string;
}

const waitForImage = (tag: string) => deployedCommit(dataDir, tag);

interface PreviewJson {
  apps: string[];
  files: { path: string; change: string; oldHash?: string; newHash?: string; diff: string }[];
  summary: { op: string; text: string }[];
  diff: string;
}

describe("dry runs", () => {
  let first = "";
  let artifact = "";
  let releaseId = "";

  test("release make --dry-run prints the object summary and the diff, commits and queues nothing", async () => {
    await push("aaa111", "main");
    await waitForImage("aaa111");
    first = await head();
    artifact = await push("bbb222", "dev");
    const before = await cli(["release", "list", "--env", "staging", "-o", "json"]);
    const r = await cli(["release", "make", "--env", "staging", "--artifact", artifact, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "~ Deployment/web: spec.template.spec.containers[0].image nginx:aaa111 → nginx:bbb222",
    );
    expect(r.stdout).toContain("--- a/staging/web/deployment.yaml\n+++ b/staging/web/deployment.yaml\n");
    expect(r.stdout).toContain("\n-        image: nginx:aaa111\n+        image: nginx:bbb222\n");
    expect(await head()).toBe(first);
    await Bun.sleep(300);
    expect(await head()).toBe(first);
    expect((await cli(["release", "list", "--env", "staging", "-o", "json"])).stdout).toBe(before.stdout);
  }, 30_000);

  test("-o json: the hashes are git's blob ids, before and after the real release", async () => {
    const r = await cli(["release", "make", "--env", "staging", "--artifact", artifact, "--dry-run", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const p = JSON.parse(r.stdout) as PreviewJson;
    expect(p.apps).toEqual(["web"]);
    const dep = p.files.find((f) => f.path === "staging/web/deployment.yaml")!;
    expect(dep.oldHash).toBe(
      (await run(["git", "--git-dir", gitdir, "rev-parse", "main:staging/web/deployment.yaml"])).trim(),
    );
    expect(p.files.map((f) => f.path)).toEqual([
      "staging/release.json",
      "staging/web/deployment.yaml",
      "staging/web/release.json",
    ]);
    const made = await cli(["release", "make", "--env", "staging", "--artifact", artifact, "-o", "json"]);
    expect(made.code, made.stderr).toBe(0);
    releaseId = JSON.parse(made.stdout).id;
    await waitForImage("bbb222");
    expect((await run(["git", "--git-dir", gitdir, "rev-parse", "main:staging/web/deployment.yaml"])).trim()).toBe(
      dep.newHash!,
    );
  }, 30_000);

  test("GET /api/releases/ID/timeline: each recorded step with its time and the seconds it took", async () => {
    const get = async () => {
      const res = await fetch(`${url}/api/releases/${releaseId}/timeline`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(res.status).toBe(200);
      return (await res.json()) as {
        results: { hash: string; steps: { step: string; at?: number; took?: number; recorded: boolean }[] }[];
      };
    };
    for (let i = 0; i < 50 && !(await get()).results[0]?.hash; i++) await Bun.sleep(100);
    const t = await get();
    const steps = t.results[0]!.steps;
    expect(steps.map((s) => s.step)).toEqual([
      "artifact created",
      "artifact received",
      "release requested",
      "gitops commit made",
      "pushed",
      "Flux applied",
      "rollout complete",
    ]);
    expect(steps[0]!.at).toBe(1700000000);
    const commitTime = Number(
      (await run(["git", "--git-dir", gitdir, "log", "-1", "--format=%ct", t.results[0]!.hash])).trim(),
    );
    expect(steps[3]).toMatchObject({ at: commitTime, recorded: true, took: commitTime - steps[2]!.at! });
    expect(steps[1]!.took).toBe(steps[1]!.at! - 1700000000);
    expect(steps[5]!.recorded).toBe(false);
    const flux = await cli(["user", "create", "flux-timeline", "--role", "flux"]);
    const ev = {
      reason: "ReconciliationSucceeded",
      message: "applied",
      metadata: { revision: `main@sha1:${t.results[0]!.hash}` },
    };
    expect(
      (
        await fetch(`${url}/api/flux-events?env=staging&access_token=${flux.stdout.trim()}`, {
          method: "POST",
          body: JSON.stringify(ev),
        })
      ).status,
    ).toBe(200);
    const after = (await get()).results[0]!.steps[5]!;
    expect(after.recorded).toBe(true);
    expect(after.at).toBeGreaterThanOrEqual(commitTime);
    const missing = await fetch(`${url}/api/releases/nope/timeline`, { headers: { authorization: `Bearer ${token}` } });
    expect(missing.status).toBe(404);
  }, 30_000);

  test("release rollback --dry-run shows the way back and leaves the branch alone", async () => {
    const now = await head();
    const r = await cli(["release", "rollback", "--env", "staging", "--app", "web", "--to", first, "--dry-run"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "~ Deployment/web: spec.template.spec.containers[0].image nginx:bbb222 → nginx:aaa111",
    );
    expect(r.stdout).toContain("-        image: nginx:bbb222\n+        image: nginx:aaa111\n");
    expect(await head()).toBe(now);
    const none = await cli(["release", "rollback", "--env", "staging", "--app", "web", "--to", now, "--dry-run"]);
    expect(none.stdout).toBe("No changes.\n");
  }, 30_000);

  test("bad input: dryRun=maybe is a 400, an unknown commit a 404, and nothing is queued", async () => {
    const res = await fetch(`${url}/api/rollback?env=staging&app=web&sha=${first}&dryRun=maybe`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("dryRun must be true or false");
    const r = await cli(["release", "rollback", "--env", "staging", "--app", "web", "--to", "abcdef12", "--dry-run"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("abcdef12");
  });

  test("gimlet stats: two releases, the applied one measured, the rolled-back one failed and restored", async () => {
    const rb = await cli(["release", "rollback", "--env", "staging", "--app", "web", "--to", first, "-o", "json"]);
    expect(rb.code, rb.stderr).toBe(0);
    await waitForImage("aaa111");
    let rels: { gitopsCommitCreated?: number; rolledBack: boolean }[] = [];
    for (let i = 0; i < 50 && !rels[0]?.rolledBack; i++) {
      rels = JSON.parse((await cli(["release", "list", "--env", "staging", "--app", "web", "-o", "json"])).stdout);
      if (!rels[0]?.rolledBack) await Bun.sleep(100);
    }
    const r = await cli(["stats", "--env", "staging", "-o", "json"]);
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s).toMatchObject({ envs: ["staging"], deployments: 2, failedDeployments: 1, changeFailureRate: 0.5 });
    // Only bbb222 has Flux's success report: lead time = that report − the source commit (1700000000).
    expect(s.leadTime).toEqual({
      count: 1,
      p50: rels[0]!.gitopsCommitCreated! - 1700000000,
      p90: rels[0]!.gitopsCommitCreated! - 1700000000,
    });
    expect(s.timeToRestore.count).toBe(1);
    expect(s.timeToRestore.open).toBe(0);
    const text = await cli(["stats", "--env", "staging", "--since", "2w"]);
    expect(text.stdout).toContain("Change failure rate    50.0% (1 of 2)");
    const bad = await cli(["stats", "--since", "yesterday"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--since");
  }, 30_000);

  test("manifest diff: the same diff against a local working copy", async () => {
    const wc = join(work, "wc");
    await run(["git", "clone", "-q", gitdir, wc]);
    const m = join(work, "staging.yaml");
    writeFileSync(
      m,
      "app: web\nenv: staging\nnamespace: default\nvalues:\n  image:\n    repository: nginx\n    tag: ccc333\n",
    );
    const r = await gimlet(["manifest", "diff", "-f", m, "--env", "staging", "--app", "web", "--gitops-repo-path", wc]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe(
      "~ Deployment/web: spec.template.spec.containers[0].image nginx:aaa111 → nginx:ccc333",
    );
    expect(r.stdout).not.toContain("release.json");
    const bad = await gimlet([
      "manifest",
      "diff",
      "-f",
      m,
      "--env",
      "staging",
      "--app",
      "web",
      "--gitops-repo-path",
      join(work, "nope"),
    ]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--gitops-repo-path");
  });
});
