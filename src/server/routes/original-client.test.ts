/**
 * What the original Gimlet clients (CLI v0.12.2, cli-v0.20.0, the dashboard) send and read, checked
 * through app.request with a real store, a real bare repo and the real worker. Field names follow
 * the original's Go models (dx.Release, model.User, model.GitopsCommit).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { adminToken, apiCaller, cleanUp, onCleanUp, testServer } from "../test-kit.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";

afterAll(cleanUp);

async function setup(opts: { startWorker?: boolean } = {}) {
  const { dir, store, repos, worker, app, drain } = await testServer({ prefix: "server-compat-" });
  if (opts.startWorker) {
    worker.start();
    onCleanUp(() => worker.stop());
  }
  const api = apiCaller(app, await adminToken(store));
  const call = async (method: string, path: string, body?: unknown, tok?: string | null) => {
    const res = await api(method, path, body, tok);
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  const fluxSays = async (hash: string, reason: string, message: string) => {
    if (!(await store.user("flux"))) await store.createUser("flux", "flux");
    const r = await call(
      "POST",
      `/api/flux-events?env=staging&access_token=${await store.issueToken("flux")}`,
      { reason, message, metadata: { revision: `main@sha1:${hash}` } },
      null,
    );
    expect(r.status).toBe(200);
  };
  return { dir, store, repos, call, drain, fluxSays };
}

const artifact = (sha: string) =>
  stagingWebArtifact(
    sha,
    { image: { repository: "nginx", tag: "{{ .SHA }}" } },
    { message: `commit ${sha}`, url: "https://x", created: 1700000000 },
  );

async function deployed(s: Awaited<ReturnType<typeof setup>>, sha: string): Promise<{ id: string; hash: string }> {
  const { json } = await s.call("POST", "/api/artifact", artifact(sha));
  await s.drain();
  const t = await s.call("GET", `/api/eventArtifactTrack?artifactId=${encodeURIComponent(json.id)}`);
  return { id: json.id, hash: t.json.results[0].hash };
}

describe("the API as the original clients use it", () => {
  test("GET /api/eventArtifactTrack takes artifactId (every original client) as well as id", async () => {
    const s = await setup();
    const { id, hash } = await deployed(s, "a1");
    expect(hash).toMatch(/^[0-9a-f]{40}$/);
    const byArtifactId = await s.call("GET", `/api/eventArtifactTrack?artifactId=${encodeURIComponent(id)}`);
    expect(byArtifactId.status).toBe(200);
    expect(byArtifactId.json).toMatchObject({
      type: "artifact",
      status: "processed",
      results: [{ app: "web", env: "staging", hash, status: "success" }],
    });
    expect((await s.call("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(id)}`)).json).toEqual(
      byArtifactId.json,
    );
    const none = await s.call("GET", "/api/eventArtifactTrack");
    expect(none.status).toBe(400);
    expect(none.json.error).toContain("artifactId");
    expect((await s.call("GET", "/api/eventArtifactTrack?artifactId=acme/web-nope")).status).toBe(404);
  });

  test("POST /api/releases takes dx.ReleaseRequest as the original CLI marshals it, triggeredBy included", async () => {
    const s = await setup();
    // No deploy policy: only the release requests below write the app.
    const manual = (sha: string) => {
      const a = artifact(sha);
      delete (a.environments[0] as { deploy?: unknown }).deploy;
      return a;
    };
    const first = (await s.call("POST", "/api/artifact", manual("f1"))).json.id as string;
    const second = (await s.call("POST", "/api/artifact", manual("f2"))).json.id as string;
    await s.drain();
    // cli-v0.20.0 `release make` (and v0.12.2's): {"env","app","artifactId","triggeredBy":""}.
    const sent = { env: "staging", app: "web", artifactId: first, triggeredBy: "" };
    const made = await s.call("POST", "/api/releases", sent);
    expect(made.status).toBe(201);
    expect(Object.keys(made.json)).toEqual(["id"]);
    await s.drain();
    expect((await s.call("GET", `/api/eventReleaseTrack?id=${made.json.id}`)).json).toMatchObject({
      status: "processed",
      results: [{ app: "web", env: "staging", status: "success" }],
    });
    // A claimed name is ignored, as gimletd did: the release records the caller.
    const claimed = await s.call("POST", "/api/releases", { ...sent, artifactId: second, triggeredBy: "mallory" });
    expect(claimed.status).toBe(201);
    await s.drain();
    const releases = (await s.call("GET", "/api/releases?env=staging")).json as Record<string, unknown>[];
    expect(releases.map((r) => [r.artifactId, r.triggeredBy])).toEqual([
      [second, "admin"],
      [first, "admin"],
    ]);
    expect((await s.call("POST", "/api/releases", { ...sent, triggeredBy: 7 })).status).toBe(400);
  });

  test("GET /api/status names the env's gitops repo in every release (the CLI prints app -> env @repo)", async () => {
    const s = await setup();
    await deployed(s, "b1");
    const st = await s.call("GET", "/api/status?env=staging");
    expect(st.json.web).toMatchObject({
      app: "web",
      env: "staging",
      gitopsRepo: "builtin/staging-apps",
      version: { sha: "b1" },
    });
  });

  test("GET /api/releases carries gitopsRepo and Flux's gitopsCommitStatus, …Desc and …Created", async () => {
    const s = await setup();
    const { hash } = await deployed(s, "c1");
    const before = (await s.call("GET", "/api/releases?env=staging")).json;
    expect(before).toHaveLength(1);
    expect(before[0]).toMatchObject({
      gitopsRef: hash,
      gitopsRepo: "builtin/staging-apps",
      gitopsCommitStatus: "",
      gitopsCommitStatusDesc: "",
    });
    // omitempty in dx.Release: no Flux report, no gitopsCommitCreated.
    expect(before[0]).not.toHaveProperty("gitopsCommitCreated");
    await s.fluxSays(hash, "ReconciliationSucceeded", "Applied revision");
    const after = (await s.call("GET", "/api/releases?env=staging")).json;
    expect(after[0]).toMatchObject({
      gitopsCommitStatus: "ReconciliationSucceeded",
      gitopsCommitStatusDesc: "Applied revision",
    });
    expect(after[0].gitopsCommitCreated).toBeGreaterThan(1_600_000_000);
  });

  test("users carry the admin boolean; GET /api/user/{login} with and without a fresh token", async () => {
    const s = await setup();
    expect((await s.call("POST", "/api/user", { login: "dev" })).json).toMatchObject({ login: "dev", admin: false });
    expect((await s.call("POST", "/api/user", { login: "boss", admin: true })).json).toMatchObject({
      login: "boss",
      admin: true,
    });
    const users = (await s.call("GET", "/api/users")).json as { login: string; admin: boolean }[];
    expect(users.map((u) => [u.login, u.admin])).toEqual([
      ["admin", true],
      ["boss", true],
      ["dev", false],
    ]);
    const dev = await s.call("GET", "/api/user/dev");
    expect(dev.status).toBe(200);
    expect(dev.json).toMatchObject({ login: "dev", admin: false });
    expect(dev.json.token).toBeUndefined();
    const withToken = await s.call("GET", "/api/user/dev?withToken=true");
    expect(withToken.json.token).toMatch(/^glt_/);
    // The token is real: it authenticates as dev (a user, so not on the admin routes).
    expect((await s.call("GET", "/api/artifacts", undefined, withToken.json.token)).status).toBe(200);
    expect((await s.call("GET", "/api/users", undefined, withToken.json.token)).status).toBe(403);
    expect((await s.call("GET", "/api/user/nobody")).status).toBe(404);
    expect((await s.call("GET", "/api/user/admin", undefined, withToken.json.token)).status).toBe(403);
  });

  test("GET /api/gitopsRepo and GET /api/gitopsCommits", async () => {
    const s = await setup();
    expect((await s.call("GET", "/api/gitopsRepo")).json).toEqual({ gitopsRepo: "builtin/staging-apps" });
    expect((await s.call("GET", "/api/gitopsRepo?env=staging")).json).toEqual({ gitopsRepo: "builtin/staging-apps" });
    expect((await s.call("GET", "/api/gitopsRepo?env=prod")).status).toBe(404);
    expect((await s.call("GET", "/api/gitopsCommits")).json).toEqual([]);
    const { hash: h1 } = await deployed(s, "d1");
    const { hash: h2 } = await deployed(s, "d2");
    await s.fluxSays(h1, "ReconciliationSucceeded", "ok");
    await s.fluxSays(h2, "ReconciliationFailed", "boom");
    const commits = (await s.call("GET", "/api/gitopsCommits")).json as Record<string, unknown>[];
    expect(commits.map((c) => c.sha).sort()).toEqual([h1, h2].sort());
    const c2 = commits.find((c) => c.sha === h2)!;
    expect(c2).toMatchObject({ status: "ReconciliationFailed", statusDesc: "boom", env: "staging" });
    expect(Object.keys(c2).sort()).toEqual(["created", "env", "sha", "status", "statusDesc"]);
  });

  test("POST /api/delete answers once the delete commit exists (the original deleted synchronously)", async () => {
    const s = await setup({ startWorker: true });
    await s.call("POST", "/api/artifact", artifact("e1"));
    const g = await s.repos.get((await s.store.env("staging"))!);
    for (let i = 0; i < 100 && !(await g.status({ env: "staging", repoPerEnv: false })).web; i++) await Bun.sleep(20);
    const del = await s.call("POST", "/api/delete?env=staging&app=web");
    expect(del.status).toBe(201);
    expect(del.json).toMatchObject({
      status: "processed",
      results: [{ app: "web", env: "staging", status: "success" }],
    });
    expect(del.json.results[0].hash).toMatch(/^[0-9a-f]{40}$/);
    // No polling: the app is gone from the repo the moment the reply arrives.
    expect((await g.status({ env: "staging", repoPerEnv: false })).web).toBeUndefined();
    // wait=false queues and returns the tracking id at once.
    const queued = await s.call("POST", "/api/delete?env=staging&app=web&wait=false");
    expect(queued.status).toBe(201);
    expect(Object.keys(queued.json)).toEqual(["id"]);
  });
});
