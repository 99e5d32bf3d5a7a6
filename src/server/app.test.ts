/** The release manager through app.request, with a real store, a real bare repo and the real worker. */
import { afterAll, describe, expect, test } from "bun:test";
import { adminToken, apiCaller, cleanUp, testServer } from "./test-kit.ts";

afterAll(cleanUp);

async function setup() {
  const { dir, store, repos, worker, app, drain } = await testServer({
    prefix: "server-",
    app: { maxBodyBytes: 64 * 1024 },
  });
  const token = await adminToken(store);
  return { dir, store, repos, worker, call: apiCaller(app, token), drain, token };
}

const manifest = (branch = "main") => ({
  app: "web",
  env: "staging",
  namespace: "default",
  deploy: { branch, event: "push" },
  values: { image: { repository: "nginx", tag: "{{ .SHA }}" } },
});
const artifact = (over: Record<string, unknown> = {}) => ({
  version: {
    repositoryName: "acme/web",
    sha: "abc123",
    branch: "main",
    event: "push",
    message: "change",
    url: "https://x",
  },
  environments: [manifest()],
  ...over,
});

describe("release manager API", () => {
  test("an artifact with a matching deploy policy becomes one commit with rendered files and both release.json", async () => {
    const s = await setup();
    const r = await s.call("POST", "/api/artifact", artifact());
    expect(r.status).toBe(201);
    const stored = (await r.json()) as { id: string };
    expect(stored.id).toStartWith("acme/web-");
    await s.drain();
    const g = await s.repos.get((await s.store.env("staging"))!);
    const history = await g.history({ env: "staging", app: "web" });
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      app: "web",
      env: "staging",
      artifactId: stored.id,
      triggeredBy: "policy",
      version: { sha: "abc123" },
    });
    const track = await (await s.call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(stored.id)}`)).json();
    expect(track).toMatchObject({ status: "processed", results: [{ app: "web", env: "staging", status: "success" }] });
  });

  test("a non-matching branch deploys nothing", async () => {
    const s = await setup();
    await s.call(
      "POST",
      "/api/artifact",
      artifact({ version: { repositoryName: "acme/web", sha: "x", branch: "feature/a", event: "push" } }),
    );
    await s.drain();
    const g = await s.repos.get((await s.store.env("staging"))!);
    expect(await g.history({ env: "staging" })).toEqual([]);
  });

  test("release by artifact id, rollback, and history marking the rolled-back release", async () => {
    const s = await setup();
    const ids: string[] = [];
    for (const sha of ["s1", "s2"]) {
      const r = await s.call(
        "POST",
        "/api/artifact",
        artifact({ version: { repositoryName: "acme/web", sha, branch: "dev", event: "push" } }),
      );
      ids.push(((await r.json()) as { id: string }).id);
    }
    for (const id of ids)
      expect((await s.call("POST", "/api/releases", { env: "staging", artifactId: id })).status).toBe(201);
    await s.drain();
    const rels = (await (await s.call("GET", "/api/releases?env=staging&app=web")).json()) as {
      gitopsRef: string;
      version: { sha: string };
    }[];
    expect(rels.map((r) => r.version.sha)).toEqual(["s2", "s1"]);
    const rb = await s.call("POST", `/api/rollback?env=staging&app=web&sha=${rels[1]!.gitopsRef}`);
    expect(rb.status).toBe(201);
    await s.drain();
    const after = (await (await s.call("GET", "/api/releases?env=staging&app=web")).json()) as {
      rolledBack: boolean;
    }[];
    expect(after.map((r) => r.rolledBack)).toEqual([true, false]);
    const status = (await (await s.call("GET", "/api/status?env=staging")).json()) as Record<
      string,
      { version: { sha: string } }
    >;
    expect(status.web!.version.sha).toBe("s1");
  });

  test("track reports Flux's verdict on the gitops commit from /api/flux-events", async () => {
    const s = await setup();
    const { id } = (await (await s.call("POST", "/api/artifact", artifact())).json()) as { id: string };
    await s.drain();
    const ev = (await (await s.call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(id)}`)).json()) as {
      results: { hash: string }[];
    };
    const hash = ev.results[0]!.hash;
    await s.store.createUser("flux", "flux");
    const fluxToken = await s.store.issueToken("flux");
    const post = await s.call(
      "POST",
      `/api/flux-events?env=staging&access_token=${fluxToken}`,
      { reason: "ReconciliationSucceeded", message: "applied", metadata: { revision: `main@sha1:${hash}` } },
      null,
    );
    expect(post.status).toBe(200);
    const tracked = await (await s.call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(id)}`)).json();
    expect(tracked).toMatchObject({ results: [{ gitopsCommitStatus: "ReconciliationSucceeded" }] });
    // Flux 2 prefixes metadata keys with the controller's API group.
    const prefixed = await s.call(
      "POST",
      `/api/flux-events?env=staging&access_token=${fluxToken}`,
      {
        reason: "ReconciliationFailed",
        message: "boom",
        metadata: { "kustomize.toolkit.fluxcd.io/revision": `main@sha1:${hash}` },
      },
      null,
    );
    expect(prefixed.status).toBe(200);
    expect((await s.store.gitopsCommit(hash))?.status).toBe("ReconciliationFailed");
    // The flux role can do nothing else.
    expect((await s.call("GET", "/api/artifacts", undefined, fluxToken)).status).toBe(403);
  });

  test("bad input gets the right 4xx and writes nothing", async () => {
    const s = await setup();
    expect((await s.call("POST", "/api/artifact", "{not json")).status).toBe(400);
    expect((await s.call("POST", "/api/artifact", { version: { sha: 1 } })).status).toBe(400);
    expect((await s.call("POST", "/api/releases", { env: "staging", artifactId: "nope" })).status).toBe(404);
    expect((await s.call("POST", "/api/delete?env=../etc&app=web")).status).toBe(400);
    expect((await s.call("POST", "/api/delete?env=staging&app=a/b")).status).toBe(400);
    expect(
      (
        await s.call("POST", "/api/artifact", {
          version: { repositoryName: "a/b", sha: "x" },
          environments: [{ app: "x".repeat(70 * 1024) }],
        })
      ).status,
    ).toBe(413);
    const none = await s.call("GET", "/api/artifacts", undefined, null);
    expect(none.status).toBe(401);
    expect(none.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await s.call("GET", "/api/artifacts", undefined, "wrong")).status).toBe(401);
    expect(await s.store.queueDepth()).toBe(0);
    await s.store.createUser("dev", "user");
    expect((await s.call("GET", "/api/users", undefined, await s.store.issueToken("dev"))).status).toBe(403);
  });

  test("100 concurrent release requests across 10 apps give 100 commits in a linear history", async () => {
    const s = await setup();
    const apps = Array.from({ length: 10 }, (_, i) => `app-${i}`);
    const { id } = (await (
      await s.call(
        "POST",
        "/api/artifact",
        artifact({ environments: apps.map((app) => ({ ...manifest("never"), app })) }),
      )
    ).json()) as { id: string };
    await s.drain();
    const reqs = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        s.call("POST", "/api/releases", { env: "staging", app: apps[i % 10], artifactId: id }),
      ),
    );
    expect(reqs.every((r) => r.status === 201)).toBe(true);
    // Each request carries a new event id, so every write changes release.json: 100 commits.
    await s.drain();
    const { run } = await import("../../tests/support/git-server.ts");
    const gitdir = s.repos.builtinPath("staging");
    expect((await run(["git", "--git-dir", gitdir, "rev-list", "--count", "main"])).trim()).toBe("101");
    expect((await run(["git", "--git-dir", gitdir, "rev-list", "--merges", "main"])).trim()).toBe("");
    await run(["git", "--git-dir", gitdir, "fsck", "--strict"]);
  }, 60_000);
});
