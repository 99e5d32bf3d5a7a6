/** A release manager env whose gitops repo is a remote https repo (here: git http-backend). */
import { afterAll, describe, expect, test } from "bun:test";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApp, Repos, Worker } from "../../../src/server/index.ts";
import { Cipher, SqliteStore } from "../../../src/store/index.ts";
import { run, startGitServer } from "../../support/git-server.ts";

const server = await startGitServer();
const dir = mkdtempSync(join(tmpdir(), "remote-env-"));
afterAll(() => {
  server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("an env on a remote gitops repo", () => {
  test("policy deploys are committed and pushed; a commit pushed by someone else meanwhile survives", async () => {
    await server.createRepo("gitops.git");
    const store = new SqliteStore(join(dir, "db"), { cipher: new Cipher(randomBytes(32)) });
    await store.createEnv({
      name: "prod",
      repoUrl: server.url("gitops.git"),
      repoToken: "t",
      builtin: false,
      repoPerEnv: false,
      branch: "main",
    });
    const repos = new Repos(dir);
    const worker = new Worker({ store, repos });
    const app = createApp({ store, repos, worker });
    await store.createUser("admin", "admin");
    const token = await store.issueToken("admin");
    const push = (sha: string) =>
      app.request("/api/artifact", {
        method: "POST",
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          version: { repositoryName: "acme/api", sha, branch: "main", event: "push" },
          environments: [
            {
              app: "api",
              env: "prod",
              namespace: "default",
              deploy: { branch: "main", event: "push" },
              values: { image: { repository: "acme/api", tag: "{{ .SHA }}" } },
            },
          ],
        }),
      });
    await push("one");
    while (await worker.runOnce());
    const bare = join(server.root, "gitops.git");
    expect(await run(["git", "--git-dir", bare, "show", "main:prod/api/deployment.yaml"])).toContain("acme/api:one");

    // Someone pushes to the remote with the git CLI; gimlet's cache has not seen it.
    const wc = join(dir, "wc");
    await run(["git", "clone", "-q", server.url("gitops.git"), wc]);
    await Bun.write(join(wc, "prod", "hand.yaml"), "kind: ConfigMap\n");
    await run(["git", "add", "-A"], wc);
    await run(["git", "commit", "-q", "-m", "by hand"], wc);
    await run(["git", "push", "-q", "origin", "main"], wc);

    await push("two");
    while (await worker.runOnce());
    expect((await run(["git", "--git-dir", bare, "log", "--format=%s"])).trim().split("\n")).toEqual([
      "[Gimlet] prod/api automated deploy",
      "by hand",
      "[Gimlet] prod/api automated deploy",
      "Initial commit",
    ]);
    expect(await run(["git", "--git-dir", bare, "show", "main:prod/hand.yaml"])).toBe("kind: ConfigMap\n");
    await run(["git", "--git-dir", bare, "fsck", "--strict"]);
  });
});
