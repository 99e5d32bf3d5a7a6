/** The gitops engine against real git: git CLI is the independent judge of every commit we make. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { commitMessages, type Release } from "../../../src/core/gitops/index.ts";
import { cloneBare, GitopsRepo, HistoryIndex, openRepo } from "../../../src/git/index.ts";
import { run, startGitServer, type GitServer } from "../../support/git-server.ts";

let server: GitServer;
const temps: string[] = [];
function temp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  temps.push(d);
  return d;
}
beforeAll(async () => {
  server = await startGitServer();
});
afterAll(() => {
  server.stop();
  for (const d of temps) rmSync(d, { recursive: true, force: true });
});

const release = (app: string, sha: string, env = "staging"): Release => ({
  app,
  env,
  artifactId: `acme/${app}-${sha}`,
  triggeredBy: "policy",
  version: { repositoryName: `acme/${app}`, sha, branch: "main", event: "push", message: `change ${sha}` },
  gitopsRef: "",
  gitopsRepo: "",
});
const files = (v: string) => [{ path: "deployment.yaml", content: `---\nkind: Deployment\nversion: ${v}\n` }];

async function workingCopy(): Promise<string> {
  const dir = temp("wc-");
  await run(["git", "init", "-q", "-b", "main", dir]);
  await run(["git", "commit", "-q", "--allow-empty", "-m", "init"], dir);
  return dir;
}

describe("GitopsRepo on a working copy", () => {
  test("its commits pass git fsck --strict, and git log, show and revert treat them as git's own", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    await g.writeRelease({ env: "staging" }, "web", files("1"), release("web", "a1"));
    const r2 = await g.writeRelease({ env: "staging" }, "web", files("2"), release("web", "a2"));
    await run(["git", "fsck", "--strict"], dir);
    expect(await run(["git", "status", "--porcelain"], dir)).toBe("");
    expect(await run(["git", "log", "--format=%s|%an <%ae>"], dir)).toBe(
      "[Gimlet] staging/web automated deploy|Gimlet <gimlet@gimlet.io>\n".repeat(2) + "init|t <t@t>\n",
    );
    expect(await run(["git", "show", "--stat", "--format=", r2.head!], dir)).toContain("staging/web/deployment.yaml");
    await run(["git", "revert", "--no-edit", r2.head!], dir);
    expect(await run(["git", "show", "HEAD:staging/web/deployment.yaml"], dir)).toContain("version: 1");
  });

  test("makes no commit when nothing changed", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    const a = await g.writeRelease({ env: "e" }, "web", files("1"), release("web", "x", "e"));
    const b = await g.writeRelease({ env: "e" }, "web", files("1"), release("web", "x", "e"));
    expect(a.commits).toHaveLength(1);
    expect(b.commits).toEqual([]);
    expect(b.head).toBe(a.head);
  });

  test("wipes the app folder so stale files disappear, and keeps other apps", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    await g.writeRelease(
      { env: "e" },
      "web",
      [...files("1"), { path: "ingress.yaml", content: "x\n" }],
      release("web", "1", "e"),
    );
    await g.writeRelease({ env: "e" }, "api", files("1"), release("api", "1", "e"));
    await g.writeRelease({ env: "e" }, "web", files("2"), release("web", "2", "e"));
    expect((await run(["git", "ls-files"], dir)).trim().split("\n")).toEqual([
      "e/api/deployment.yaml",
      "e/api/release.json",
      "e/release.json",
      "e/web/deployment.yaml",
      "e/web/release.json",
    ]);
  });

  test("refuses to write over uncommitted changes in the app's folder", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    await g.writeRelease({ env: "e" }, "web", files("1"), release("web", "1", "e"));
    writeFileSync(join(dir, "e/web/deployment.yaml"), "edited by hand\n");
    await expect(g.writeRelease({ env: "e" }, "web", files("2"), release("web", "2", "e"))).rejects.toThrow(
      "uncommitted changes in e/web/deployment.yaml",
    );
  });

  test("never writes through a symlink", async () => {
    const dir = await workingCopy();
    const outside = temp("outside-");
    mkdirSync(join(dir, "e"));
    symlinkSync(outside, join(dir, "e", "web"));
    await run(["git", "add", "-A"], dir);
    await run(["git", "commit", "-q", "-m", "symlink"], dir);
    const g = await GitopsRepo.open(openRepo(dir));
    await expect(g.writeRelease({ env: "e" }, "web", files("1"), release("web", "1", "e"))).rejects.toThrow("symlink");
  });

  test("refuses env and app names that could escape the repo", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    await expect(g.writeRelease({ env: ".." }, "web", files("1"), release("web", "1"))).rejects.toThrow(
      "not a valid env name",
    );
    await expect(g.writeRelease({ env: "e" }, "a/b", files("1"), release("web", "1"))).rejects.toThrow(
      "not a valid app name",
    );
  });

  test("20 concurrent writes to different apps give 20 commits in a linear history", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        g.writeRelease({ env: "e" }, `app-${i}`, files(String(i)), release(`app-${i}`, String(i), "e")),
      ),
    );
    expect(results.every((r) => r.commits.length === 1)).toBe(true);
    expect((await run(["git", "rev-list", "--count", "HEAD"], dir)).trim()).toBe("21");
    expect((await run(["git", "rev-list", "--merges", "HEAD"], dir)).trim()).toBe("");
    expect(
      (await run(["git", "ls-files", "e"], dir)).split("\n").filter((l) => l.endsWith("deployment.yaml")),
    ).toHaveLength(20);
    await run(["git", "fsck", "--strict"], dir);
    expect(await run(["git", "status", "--porcelain"], dir)).toBe("");
  });
});

describe("GitopsRepo with a remote", () => {
  test("a commit pushed by the git CLI after our fetch survives, and ours lands on top", async () => {
    await server.createRepo("race.git");
    const ours = await cloneBare({ url: server.url("race.git") }, temp("ours-"));
    const g = await GitopsRepo.open(ours, { branch: "main", push: true, backoffMs: 1 });
    await g.writeRelease({ env: "e" }, "web", files("1"), release("web", "1", "e"));
    // Someone else pushes with the git CLI; our clone has not fetched it.
    const theirs = temp("theirs-");
    await run(["git", "clone", "-q", server.url("race.git"), theirs]);
    mkdirSync(join(theirs, "e", "api"), { recursive: true });
    writeFileSync(join(theirs, "e", "api", "hand.yaml"), "kind: ConfigMap\n");
    await run(["git", "add", "-A"], theirs);
    await run(["git", "commit", "-q", "-m", "hand-made change"], theirs);
    await run(["git", "push", "-q", "origin", "main"], theirs);

    const r = await g.writeRelease({ env: "e" }, "web", files("2"), release("web", "2", "e"));
    expect(r.pushed).toBe(true);
    expect(r.retries).toBe(1);
    const bare = join(server.root, "race.git");
    expect(await run(["git", "--git-dir", bare, "log", "--format=%s"])).toBe(
      "[Gimlet] e/web automated deploy\nhand-made change\n[Gimlet] e/web automated deploy\nInitial commit\n",
    );
    expect(await run(["git", "--git-dir", bare, "show", "main:e/api/hand.yaml"])).toBe("kind: ConfigMap\n");
    await run(["git", "--git-dir", bare, "fsck", "--strict"]);
  });

  test("two processes writing to the same remote both succeed", async () => {
    await server.createRepo("two.git");
    const script = join(import.meta.dir, "write-releases.fixture.ts");
    const procs = ["a", "b"].map((who) =>
      Bun.spawn([process.execPath, script, server.url("two.git"), temp(`proc-${who}-`), who, "5"], {
        stdout: "pipe",
        stderr: "pipe",
      }),
    );
    const codes = await Promise.all(procs.map((p) => p.exited));
    const errs = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
    expect(codes, errs.join("\n")).toEqual([0, 0]);
    const bare = join(server.root, "two.git");
    const subjects = (await run(["git", "--git-dir", bare, "log", "--format=%s"])).trim().split("\n");
    expect(subjects.filter((s) => s.startsWith("[Gimlet]"))).toHaveLength(10);
    expect((await run(["git", "--git-dir", bare, "rev-list", "--merges", "main"])).trim()).toBe("");
  });
});

describe("history and rollback", () => {
  test("history is newest first, hides reverts and deletes, marks rolled-back releases, and pages", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    const refs: string[] = [];
    for (const v of ["1", "2", "3"]) {
      refs.push((await g.writeRelease({ env: "e" }, "web", files(v), release("web", v, "e"))).head!);
      await g.writeRelease({ env: "e" }, "api", files(v), release("api", v, "e"));
    }
    const rb = await g.rollback({ env: "e", app: "web", to: refs[0]! });
    expect(rb.reverted).toEqual([refs[2]!, refs[1]!]);
    expect(await run(["git", "show", "HEAD:e/web/deployment.yaml"], dir)).toContain("version: 1");
    expect(await run(["git", "log", "-1", "--format=%B"], dir)).toBe(
      `Revert "[Gimlet] e/web automated deploy"\n\nThis reverts commit ${refs[1]}.\n\n`,
    );
    await g.deleteApp({ env: "e" }, "api", commitMessages.cliDelete("e", "api", ""));

    const web = await g.history({ env: "e", app: "web" });
    expect(web.map((r) => [r.version?.sha, r.rolledBack])).toEqual([
      ["3", true],
      ["2", true],
      ["1", false],
    ]);
    expect(web[0]!.gitopsRef).toBe(refs[2]!);
    const all = await g.history({ env: "e", limit: 2, offset: 1 });
    expect(all.map((r) => `${r.app}@${r.version?.sha}`)).toEqual(["web@3", "api@2"]);
    expect((await g.status({ env: "e" })).web?.version?.sha).toBe("1");
    // A second rollback to the same target has nothing left to revert.
    expect((await g.rollback({ env: "e", app: "web", to: refs[0]! })).commits).toEqual([]);
    await run(["git", "fsck", "--strict"], dir);
  });

  test("the history index persists: a reopened repo indexes only new commits", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    for (const v of ["1", "2"]) await g.writeRelease({ env: "e" }, "web", files(v), release("web", v, "e"));
    const reopened = await HistoryIndex.open(openRepo(dir));
    const head = (await run(["git", "rev-parse", "HEAD"], dir)).trim();
    expect(await reopened.update(head)).toBe(0);
    await run(["git", "commit", "-q", "--allow-empty", "-m", "by hand"], dir);
    expect(await reopened.update((await run(["git", "rev-parse", "HEAD"], dir)).trim())).toBe(1);
  });
});

describe("a repo made by git fast-import", () => {
  test("gives the same history as git log, and rolls back so git agrees", async () => {
    const { makeSyntheticRepo } = await import("../../support/synthetic-repo.ts");
    const bare = temp("fi-");
    await makeSyntheticRepo(bare, { commits: 300, apps: 20 });
    const dir = temp("fi-wc-");
    await run(["git", "clone", "-q", bare, dir]);
    const g = await GitopsRepo.open(openRepo(dir));
    const ours = await g.history({ env: "staging", app: "app-0003", limit: 10 });
    const gitLog = (await run(["git", "log", "-n", "10", "--format=%H", "--", "staging/app-0003"], dir))
      .trim()
      .split("\n");
    expect(ours.map((r) => r.gitopsRef)).toEqual(gitLog);
    expect(ours[0]!.version?.sha).toBe((284).toString(16).padStart(40, "0"));

    const target = gitLog[3]!;
    const r = await g.rollback({ env: "staging", app: "app-0003", to: target });
    expect(r.reverted).toEqual(gitLog.slice(0, 3));
    expect(await run(["git", "diff", target, "HEAD", "--", "staging/app-0003"], dir)).toBe("");
    expect(await run(["git", "status", "--porcelain"], dir)).toBe("");
    const after = await g.history({ env: "staging", app: "app-0003", limit: 4 });
    expect(after.map((x) => x.rolledBack)).toEqual([true, true, true, false]);
    await run(["git", "fsck", "--strict"], dir);
  });
});

describe("crash recovery", () => {
  test("a ref lock left by a killed process is cleared once stale, a fresh one is respected", async () => {
    const dir = await workingCopy();
    const g = await GitopsRepo.open(openRepo(dir));
    const lock = join(dir, ".git", "refs", "heads", "main.lock");
    writeFileSync(lock, "");
    await expect(g.writeRelease({ env: "e" }, "web", files("1"), release("web", "1", "e"))).rejects.toThrow(
      "locked by another writer",
    );
    const { utimesSync } = await import("node:fs");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = await g.writeRelease({ env: "e" }, "web", files("1"), release("web", "1", "e"));
    expect(r.commits).toHaveLength(1);
  });
});
