/**
 * Who may do what with which credential (issue 9): env-scoped tokens, tokens revoked one by one,
 * query-string tokens only where Flux needs them. Real store, real bare repos, through app.request.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createApp } from "./app.ts";
import { artifact, manifest, setup } from "./api-hardening-setup.ts";
import { cleanUp } from "./test-kit.ts";

afterAll(cleanUp);

describe("env scoping (issue 9 #13)", () => {
  test("a flux token bound to staging cannot report on prod or on prod's commits", async () => {
    const s = await setup();
    await s.store.createUser("flux-staging", "flux", "staging");
    const flux = await s.store.issueToken("flux-staging");
    const sha = "b".repeat(40);
    const ev = { reason: "ReconciliationSucceeded", message: "ok", metadata: { revision: `main@sha1:${sha}` } };
    const prod = await s.req("POST", "/api/flux-events?env=prod", { body: ev, token: flux });
    expect(prod.status).toBe(403);
    expect(((await prod.json()) as { error: string }).error).toContain("scoped to env staging");
    expect(await s.store.gitopsCommit(sha)).toBeUndefined();
    // No ?env=: the token's own env.
    expect((await s.req("POST", "/api/flux-events", { body: ev, token: flux })).status).toBe(200);
    expect(await s.store.gitopsCommit(sha)).toMatchObject({ env: "staging", status: "ReconciliationSucceeded" });
    // A commit prod's Flux reported cannot be overwritten from staging.
    const prodSha = "c".repeat(40);
    await s.store.upsertGitopsCommit({ sha: prodSha, env: "prod", status: "ReconciliationSucceeded", statusDesc: "" });
    expect(
      (
        await s.req("POST", "/api/flux-events?env=staging", {
          body: { ...ev, reason: "ReconciliationFailed", metadata: { revision: prodSha } },
          token: flux,
        })
      ).status,
    ).toBe(403);
    expect((await s.store.gitopsCommit(prodSha))?.status).toBe("ReconciliationSucceeded");
  });

  test("a user token bound to staging may release, roll back, delete and ship artifacts for staging only", async () => {
    const s = await setup();
    await s.store.createUser("ci-staging", "user", "staging");
    const ci = await s.store.issueToken("ci-staging");
    const prodArtifact = artifact({ environments: [manifest(), manifest({ env: "prod" })] });
    const refused = await s.req("POST", "/api/artifact", { body: prodArtifact, token: ci });
    expect(refused.status).toBe(403);
    const ok = await s.req("POST", "/api/artifact", { body: artifact(), token: ci });
    expect(ok.status).toBe(201);
    const { id } = (await ok.json()) as { id: string };
    for (const [method, path, body] of [
      ["POST", "/api/releases", { env: "prod", artifactId: id }],
      ["POST", "/api/rollback?env=prod&app=web&sha=abcdef0", undefined],
      ["POST", "/api/delete?env=prod&app=web&wait=false", undefined],
      ["GET", "/api/releases?env=prod", undefined],
      ["GET", "/api/status?env=prod", undefined],
    ] as const) {
      expect({ path, status: (await s.req(method, path, { body, token: ci })).status }).toEqual({ path, status: 403 });
    }
    expect((await s.req("POST", "/api/releases", { body: { env: "staging", artifactId: id }, token: ci })).status).toBe(
      201,
    );
    expect((await s.req("POST", "/api/delete?env=staging&app=web&wait=false", { token: ci })).status).toBe(201);
    expect((await s.store.eventCounts()).reduce((n, r) => n + r.n, 0)).toBe(3);
  });

  test("a token bound to staging reads only staging's part of tracked requests and commit statuses", async () => {
    const s = await setup();
    await s.store.createUser("ci-staging", "user", "staging");
    const ci = await s.store.issueToken("ci-staging");
    const { id } = (await (
      await s.req("POST", "/api/artifact", {
        body: artifact({ environments: [manifest(), manifest({ env: "prod" })] }),
      })
    ).json()) as { id: string };
    await s.drain();
    const envsOf = async (path: string, tok?: string) =>
      ((await (await s.req("GET", path, { token: tok })).json()) as { results: { env: string }[] }).results
        .map((r) => r.env)
        .sort();
    const path = `/api/eventArtifactTrack?artifactId=${encodeURIComponent(id)}`;
    expect(await envsOf(path)).toEqual(["prod", "staging"]);
    expect(await envsOf(path, ci)).toEqual(["staging"]);
    const eventId = (await s.store.artifactEvent(id))!.id;
    const hashes = async (tok?: string) =>
      ((await (await s.req("GET", `/api/event?id=${eventId}`, { token: tok })).json()) as { gitopsHashes: unknown[] })
        .gitopsHashes.length;
    expect([await hashes(), await hashes(ci)]).toEqual([2, 1]);
    await s.store.upsertGitopsCommit({
      sha: "e".repeat(40),
      env: "prod",
      status: "ReconciliationSucceeded",
      statusDesc: "",
    });
    await s.store.upsertGitopsCommit({
      sha: "f".repeat(40),
      env: "staging",
      status: "ReconciliationSucceeded",
      statusDesc: "",
    });
    const commits = (await (await s.req("GET", "/api/gitopsCommits", { token: ci })).json()) as { env: string }[];
    expect(commits.map((x) => x.env)).toEqual(["staging"]);
  });

  test("POST /api/user takes one existing env as the scope; a list, an unknown env or a scoped admin is a 4xx", async () => {
    const s = await setup();
    const create = (body: unknown) => s.req("POST", "/api/user", { body });
    const list = await create({ login: "f1", role: "flux", env: ["staging"] });
    expect(list.status).toBe(400);
    expect(((await list.json()) as { error: string }).error).toBe("env: must be a string, got a list");
    expect((await create({ login: "f2", role: "flux", env: "nowhere" })).status).toBe(404);
    expect((await create({ login: "f3", role: "flux", env: "../x" })).status).toBe(400);
    expect((await create({ login: "f4", role: "admin", env: "staging" })).status).toBe(400);
    expect((await create({ login: "f5", role: "flux", admin: "yes" })).status).toBe(400);
    expect((await s.store.users()).map((u) => u.login)).toEqual(["admin"]);
    const ok = await create({ login: "f6", role: "flux", env: "staging" });
    expect(ok.status).toBe(201);
    expect((await s.store.user("f6"))?.env).toBe("staging");
  });
});

describe("tokens revocable one by one (issue 9 #14)", () => {
  test("an admin lists a user's tokens without their values and revokes one by id", async () => {
    const s = await setup();
    await s.store.createUser("ci", "user");
    const a = (await (await s.req("POST", "/api/user/ci/token")).json()) as { id: number; token: string };
    const b = (await (await s.req("POST", "/api/user/ci/token")).json()) as { id: number; token: string };
    expect(a.id).toBeNumber();
    expect((await s.req("GET", "/api/artifacts", { token: a.token })).status).toBe(200);
    const listed = await (await s.req("GET", "/api/user/ci/tokens")).text();
    expect(JSON.parse(listed)).toEqual([
      { id: a.id, created: s.clock.now, lastUsed: s.clock.now },
      { id: b.id, created: s.clock.now, lastUsed: 0 },
    ]);
    expect(listed).not.toContain(a.token);
    const revoked = await s.req("DELETE", `/api/tokens/${a.id}`);
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({ id: a.id, login: "ci", revoked: true });
    expect((await s.req("GET", "/api/artifacts", { token: a.token })).status).toBe(401);
    expect((await s.req("GET", "/api/artifacts", { token: b.token })).status).toBe(200);
    expect((await s.req("DELETE", `/api/tokens/${a.id}`)).status).toBe(404);
    expect((await s.req("DELETE", "/api/tokens/abc")).status).toBe(400);
    // Only admins manage tokens.
    expect((await s.req("DELETE", `/api/tokens/${b.id}`, { token: b.token })).status).toBe(403);
    expect((await s.req("GET", "/api/user/ci/tokens", { token: b.token })).status).toBe(403);
  });
});

describe("?access_token= only where Flux needs it (issue 9 #17)", () => {
  test("is refused with a 401 naming the header on every route but /api/flux-events", async () => {
    const s = await setup();
    for (const path of [
      "/api/artifacts?access_token=T",
      "/api/users?access_token=T",
      "/metrics?access_token=T",
      "/api/status?env=staging&access_token=T",
    ]) {
      const r = await s.req("GET", path.replace("T", s.token), { token: null });
      expect({ path, status: r.status }).toEqual({ path, status: 401 });
      expect(((await r.json()) as { error: string }).error).toContain("send Authorization: Bearer <token>");
    }
    await s.store.createUser("fx", "flux");
    const flux = await s.store.issueToken("fx");
    const ev = { reason: "ReconciliationSucceeded", metadata: { revision: `main@sha1:${"d".repeat(40)}` } };
    expect(
      (await s.req("POST", `/api/flux-events?env=staging&access_token=${flux}`, { body: ev, token: null })).status,
    ).toBe(200);
  });

  test("is not a credential for hosted git repos either", async () => {
    const s = await setup();
    const app = createApp({ store: s.store, repos: s.repos, dataDir: s.dir });
    const refs = "/git/staging-apps.git/info/refs?service=git-upload-pack";
    expect((await app.request(`${refs}&access_token=${s.token}`)).status).toBe(401);
    const basic = { Authorization: `Basic ${btoa(`x:${s.token}`)}` };
    expect((await app.request(refs, { headers: basic })).status).toBe(200);
  });
});
