import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimlet } from "../support/bin.ts";
import { run, startGitServer } from "../support/git-server.ts";

const temps: string[] = [];
function temp(): string {
  const d = mkdtempSync(join(tmpdir(), "gimlet-e2e-gitops-"));
  temps.push(d);
  return d;
}
const server = await startGitServer();
afterAll(() => {
  server.stop();
  temps.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function repo(): Promise<string> {
  const dir = temp();
  await run(["git", "init", "-q", "-b", "main", dir]);
  await run(["git", "commit", "-q", "--allow-empty", "-m", "init"], dir);
  return dir;
}

const manifest = `app: web
env: staging
namespace: default
values:
  image:
    repository: nginx
    tag: "{{ .TAG }}"
`;

describe("gimlet gitops", () => {
  test("bootstrap commits Flux objects and prints the steps, the public key on stdout", async () => {
    const dir = await repo();
    const r = await gimlet([
      "gitops",
      "bootstrap",
      "--env",
      "staging",
      "--gitops-repo-url",
      "git@github.com:acme/gitops.git",
      "--gitops-repo-path",
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ gimlet-staging\n$/);
    expect(r.stderr).toContain("kubectl apply -f " + join(dir, "staging/flux/gitops-repo-staging.yaml"));
    expect(await run(["git", "log", "-1", "--format=%s"], dir)).toBe("[Gimlet CLI] Bootstrapping staging\n");
    await run(["git", "fsck", "--strict"], dir);
  });

  test("bootstrap --no-controller writes no Flux install, and an https repo gets a basic-auth Secret to fill in", async () => {
    const dir = await repo();
    const r = await gimlet([
      "gitops",
      "bootstrap",
      "--env",
      "prod",
      "--gitops-repo-url",
      "https://git.example.com/acme/gitops.git",
      "--no-controller",
      "--gitops-repo-path",
      dir,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("");
    const files = (await run(["git", "ls-files"], dir)).trim().split("\n");
    expect(files).toEqual(["prod/flux/deploy-key-prod.yaml", "prod/flux/gitops-repo-prod.yaml"]);
  });

  test("write renders a manifest into <env>/<app>/ and commits; history, rollback and delete follow", async () => {
    const dir = await repo();
    const f = join(temp(), "staging.yaml");
    writeFileSync(f, manifest);
    for (const tag of ["1.25", "1.26", "1.27"]) {
      const w = await gimlet(
        [
          "gitops",
          "write",
          "-f",
          f,
          "--env",
          "staging",
          "--app",
          "web",
          "--gitops-repo-path",
          dir,
          "-m",
          `nginx ${tag}`,
        ],
        { env: { TAG: tag } },
      );
      expect(w.code, w.stderr).toBe(0);
    }
    expect(await run(["git", "log", "-1", "--format=%s"], dir)).toBe("[Gimlet] staging/web nginx 1.27\n");
    expect(await run(["git", "show", "HEAD:staging/web/deployment.yaml"], dir)).toContain("image: nginx:1.27");
    const first = (await run(["git", "log", "--format=%H", "-n", "3", "--", "staging/web"], dir))
      .trim()
      .split("\n")[2]!;
    const rb = await gimlet([
      "gitops",
      "rollback",
      "--env",
      "staging",
      "--app",
      "web",
      "--to",
      first,
      "--gitops-repo-path",
      dir,
    ]);
    expect(rb.code, rb.stderr).toBe(0);
    expect(await run(["git", "show", "HEAD:staging/web/deployment.yaml"], dir)).toContain("image: nginx:1.25");
    expect(await run(["git", "status", "--porcelain"], dir)).toBe("");
    const del = await gimlet(["gitops", "delete", "--env", "staging", "--app", "web", "--gitops-repo-path", dir]);
    expect(del.code, del.stderr).toBe(0);
    expect(await run(["git", "log", "-1", "--format=%s"], dir)).toBe("[Gimlet CLI delete] staging/web\n");
    const again = await gimlet(["gitops", "delete", "--env", "staging", "--app", "web", "--gitops-repo-path", dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("does not exist");
  });

  test("history -o json lists releases written by the release path, newest first", async () => {
    const dir = await repo();
    const { GitopsRepo, openRepo } = await import("../../src/git/index.ts");
    const g = await GitopsRepo.open(openRepo(dir));
    for (const sha of ["a", "b"]) {
      await g.writeRelease({ env: "staging" }, "api", [{ path: "deployment.yaml", content: sha }], {
        app: "api",
        env: "staging",
        version: { repositoryName: "acme/api", sha },
        gitopsRef: "",
        gitopsRepo: "",
      });
    }
    const h = await gimlet([
      "gitops",
      "history",
      "--env",
      "staging",
      "--app",
      "api",
      "-o",
      "json",
      "--gitops-repo-path",
      dir,
    ]);
    expect(h.code, h.stderr).toBe(0);
    const releases = JSON.parse(h.stdout) as { version: { sha: string }; gitopsRef: string; rolledBack: boolean }[];
    expect(releases.map((r) => r.version.sha)).toEqual(["b", "a"]);
    expect(releases[0]!.gitopsRef).toMatch(/^[0-9a-f]{40}$/);
    const text = await gimlet(["gitops", "history", "--env", "staging", "--gitops-repo-path", dir]);
    expect(text.stdout).toContain("api -> staging");
  });

  test("CLI writes record a release: history lists them with sha and repository from flags or variables", async () => {
    const dir = await repo();
    const f = join(temp(), "staging.yaml");
    writeFileSync(f, manifest);
    const args = ["gitops", "write", "-f", f, "--env", "staging", "--app", "web", "--gitops-repo-path", dir];
    const first = await gimlet([...args, "--sha", "aaa111", "--repository", "acme/web"], { env: { TAG: "1" } });
    expect(first.code, first.stderr).toBe(0);
    const second = await gimlet(args, { env: { TAG: "2", SHA: "bbb222", REPO: "acme/web", BRANCH: "main" } });
    expect(second.code, second.stderr).toBe(0);
    expect(await run(["git", "show", "HEAD:staging/web/release.json"], dir)).toContain('"sha":"bbb222"');
    const h = await gimlet([
      "gitops",
      "history",
      "--env",
      "staging",
      "--app",
      "web",
      "-o",
      "json",
      "--gitops-repo-path",
      dir,
    ]);
    expect(h.code, h.stderr).toBe(0);
    const releases = JSON.parse(h.stdout) as { version: { sha: string; repositoryName: string; branch?: string } }[];
    expect(releases.map((r) => r.version.sha)).toEqual(["bbb222", "aaa111"]);
    expect(releases.map((r) => r.version.repositoryName)).toEqual(["acme/web", "acme/web"]);
    expect(releases[0]!.version.branch).toBe("main");
  });

  test("write --push pushes to origin over https with a token", async () => {
    await server.createRepo("cli.git");
    const dir = temp();
    await run(["git", "clone", "-q", server.url("cli.git"), dir]);
    const f = join(temp(), "raw.yaml");
    writeFileSync(f, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n");
    const w = await gimlet([
      "gitops",
      "write",
      "-f",
      f,
      "--env",
      "dev",
      "--app",
      "cfg",
      "--gitops-repo-path",
      dir,
      "--push",
      "--token",
      "t",
    ]);
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain("(pushed)");
    expect(await run(["git", "--git-dir", join(server.root, "cli.git"), "show", "main:dev/cfg/raw.yaml"])).toContain(
      "kind: ConfigMap",
    );
  });

  test("refuses a dirty working copy and bad names with clear errors", async () => {
    const dir = await repo();
    const f = join(temp(), "staging.yaml");
    writeFileSync(f, manifest);
    expect(
      (
        await gimlet(["gitops", "write", "-f", f, "--env", "staging", "--app", "web", "--gitops-repo-path", dir], {
          env: { TAG: "1" },
        })
      ).code,
    ).toBe(0);
    writeFileSync(join(dir, "staging/web/deployment.yaml"), "hand edit\n");
    const dirty = await gimlet(
      ["gitops", "write", "-f", f, "--env", "staging", "--app", "web", "--gitops-repo-path", dir],
      { env: { TAG: "2" } },
    );
    expect(dirty.code).toBe(1);
    expect(dirty.stderr).toContain("uncommitted changes");
    const bad = await gimlet(["gitops", "delete", "--env", "../etc", "--app", "web", "--gitops-repo-path", dir]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("not a valid env name");
  });
});
