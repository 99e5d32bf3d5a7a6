/** Our git smart-HTTP server, with clients nobody here wrote: the git CLI and isomorphic-git. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import git from "isomorphic-git";
import http from "isomorphic-git/http/web";
import * as fs from "node:fs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, Repos } from "../../../src/server/index.ts";
import { SqliteStore } from "../../../src/store/index.ts";
import { run } from "../../support/git-server.ts";
import { makeSyntheticRepo } from "../../support/synthetic-repo.ts";

const dir = mkdtempSync(join(tmpdir(), "hosted-"));
const work = mkdtempSync(join(tmpdir(), "hosted-work-"));
let server: ReturnType<typeof Bun.serve>;
let admin = "";
let flux = "";
let otherFlux = "";
const base = () => `http://127.0.0.1:${server.port}/git`;
const url = (token: string, repo = "staging-apps") => `http://gimlet:${token}@127.0.0.1:${server.port}/git/${repo}.git`;
const env = { GIT_TERMINAL_PROMPT: "0" };
const sh = async (cmd: string[], cwd?: string) => {
  const p = Bun.spawn(cmd, {
    cwd,
    env: {
      ...process.env,
      ...env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
};

beforeAll(async () => {
  const store = new SqliteStore(join(dir, "db"));
  await makeSyntheticRepo(join(dir, "repos", "staging-apps.git"), { commits: 40, apps: 5 });
  await store.createUser("admin", "admin");
  admin = await store.issueToken("admin");
  await store.createUser("flux-staging", "flux", "staging");
  flux = await store.issueToken("flux-staging");
  await store.createUser("flux-prod", "flux", "prod");
  otherFlux = await store.issueToken("flux-prod");
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch: createApp({ store, repos: new Repos(dir), dataDir: dir }).fetch,
  });
});
afterAll(() => {
  server.stop(true);
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe("hosted repos with the git CLI", () => {
  test("ls-remote speaks protocol v0 and v2", async () => {
    for (const v of ["0", "2"]) {
      const r = await sh(["git", "-c", `protocol.version=${v}`, "ls-remote", url(flux)]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/^[0-9a-f]{40}\tHEAD\n[0-9a-f]{40}\trefs\/heads\/main\n$/);
    }
  });

  test("clone (full and --depth 1, v0 and v2) gives the server's history, fsck-clean", async () => {
    for (const [v, depth, n] of [
      ["2", [], 40],
      ["0", [], 40],
      ["2", ["--depth", "1"], 1],
      ["0", ["--depth", "1"], 1],
    ] as const) {
      const target = join(work, `clone-${v}-${depth.length}`);
      const r = await sh(["git", "-c", `protocol.version=${v}`, "clone", "-q", ...depth, url(flux), target]);
      expect(r.code, r.err).toBe(0);
      expect((await sh(["git", "rev-list", "--count", "HEAD"], target)).out.trim()).toBe(String(n));
      expect((await sh(["git", "fsck", "--strict"], target)).code).toBe(0);
    }
  });

  test("push: fast-forward accepted, fetch sees it, --deepen extends a shallow clone, non-fast-forward rejected", async () => {
    const a = join(work, "push-a");
    await sh(["git", "clone", "-q", url(admin), a]);
    writeFileSync(join(a, "new.txt"), "hello\n");
    await sh(["git", "add", "new.txt"], a);
    await sh(["git", "commit", "-q", "-m", "pushed by git"], a);
    const push = await sh(["git", "push", "origin", "main"], a);
    expect(push.code, push.err).toBe(0);
    await run(["git", "--git-dir", join(dir, "repos", "staging-apps.git"), "fsck", "--strict"]);

    const shallow = join(work, "clone-2-2");
    const f = await sh(["git", "fetch", "-q", "origin"], shallow);
    expect(f.code, f.err).toBe(0);
    expect((await sh(["git", "log", "-1", "--format=%s", "origin/main"], shallow)).out.trim()).toBe("pushed by git");
    const deepen = await sh(["git", "fetch", "-q", "--deepen=3", "origin"], shallow);
    expect(deepen.code, deepen.err).toBe(0);
    expect(Number((await sh(["git", "rev-list", "--count", "origin/main"], shallow)).out.trim())).toBeGreaterThan(2);

    const b = join(work, "clone-0-0");
    await sh(["git", "remote", "set-url", "origin", url(admin)], b);
    writeFileSync(join(b, "other.txt"), "x\n");
    await sh(["git", "add", "other.txt"], b);
    await sh(["git", "commit", "-q", "-m", "diverged"], b);
    const forced = await sh(["git", "push", "--force", "origin", "main"], b);
    expect(forced.code).not.toBe(0);
    expect(forced.err).toContain("non-fast-forward");
  });

  test("refuses pushes without write rights, reads of another env, and missing tokens", async () => {
    const c = join(work, "clone-2-0");
    writeFileSync(join(c, "z.txt"), "z\n");
    await sh(["git", "add", "z.txt"], c);
    await sh(["git", "commit", "-q", "-m", "z"], c);
    const denied = await sh(["git", "push", url(flux), "HEAD:refs/heads/main"], c);
    expect(denied.code).not.toBe(0);
    expect(denied.err).toContain("403");
    expect((await sh(["git", "ls-remote", url(otherFlux)])).err).toContain("403");
    const res = await fetch(`${base()}/staging-apps.git/info/refs?service=git-upload-pack`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("Basic");
    expect(
      (
        await fetch(`${base()}/..%2Fetc.git/info/refs?service=git-upload-pack`, {
          headers: { Authorization: `Bearer ${admin}` },
        })
      ).status,
    ).toBe(404);
  });
});

describe("large packs", () => {
  test("a pack far over one side-band packet streams intact", async () => {
    const a = join(work, "big");
    await sh(["git", "clone", "-q", url(admin), a]);
    writeFileSync(join(a, "big.bin"), (await import("node:crypto")).randomBytes(600_000));
    await sh(["git", "add", "big.bin"], a);
    await sh(["git", "commit", "-q", "-m", "big"], a);
    expect((await sh(["git", "push", "-q", "origin", "main"], a)).code).toBe(0);
    const b = join(work, "big-clone");
    const r = await sh(["git", "clone", "-q", url(flux), b]);
    expect(r.code, r.err).toBe(0);
    expect((await sh(["git", "fsck", "--strict"], b)).code).toBe(0);
  });
});

describe("hosted repos with isomorphic-git", () => {
  test("clone and fetch", async () => {
    const d = join(work, "iso");
    const onAuth = () => ({ username: "gimlet", password: flux });
    await git.clone({ fs, http, dir: d, url: `${base()}/staging-apps.git`, singleBranch: true, onAuth });
    const log = await git.log({ fs, dir: d, depth: 100 });
    expect(log.length).toBeGreaterThanOrEqual(41);
    const r = await git.fetch({
      fs,
      http,
      dir: d,
      url: `${base()}/staging-apps.git`,
      ref: "main",
      singleBranch: true,
      onAuth,
    });
    expect(r.fetchHead).toBe(log[0]!.oid);
  });
});
