/**
 * Hostile input against the API (issue 9): reserved names, malformed credentials and queries,
 * webhook replays, env scoping, token revocation, idempotent artifacts, query-string tokens.
 * Real store, real bare repos, real worker, through app.request.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../tests/support/git-server.ts";
import { retention, SqliteStore } from "../store/index.ts";
import { createApp } from "./app.ts";
import { Repos } from "./repos.ts";
import { Worker } from "./worker.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const secret = "s3cret";
const sign = (body: string) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

async function setup() {
  const dir = mkdtempSync(join(tmpdir(), "server-hard-"));
  dirs.push(dir);
  const clock = { now: 1_800_000_000 };
  const store = new SqliteStore(join(dir, "gimlet.db"), { now: () => clock.now });
  const repos = new Repos(dir);
  for (const name of ["staging", "prod"])
    await repos.createBuiltin(
      await store.createEnv({ name, repoUrl: "", repoToken: "", builtin: true, repoPerEnv: false, branch: "main" }),
    );
  const worker = new Worker({ store, repos });
  const app = createApp({ store, repos, worker, webhookSecret: secret, now: () => clock.now });
  await store.createUser("admin", "admin");
  const token = await store.issueToken("admin");
  const req = (
    method: string,
    path: string,
    opts: { body?: unknown; token?: string | null; headers?: Record<string, string> } = {},
  ) => {
    const tok = opts.token === undefined ? token : opts.token;
    const body =
      opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
    return app.request(path, {
      method,
      body,
      headers: {
        ...(tok ? { Authorization: `Bearer ${tok}` } : {}),
        "Content-Type": "application/json",
        ...opts.headers,
      },
    });
  };
  const drain = async () => {
    while (await worker.runOnce());
  };
  const git = (env: string, ...args: string[]) => run(["git", "--git-dir", repos.builtinPath(env), ...args]);
  return { dir, store, repos, worker, app, req, drain, token, clock, git };
}

const manifest = (over: Record<string, unknown> = {}) => ({
  app: "web",
  env: "staging",
  namespace: "default",
  deploy: { branch: "main", event: "push" },
  values: { image: { repository: "nginx", tag: "1" } },
  ...over,
});
const artifact = (over: Record<string, unknown> = {}) => ({
  version: { repositoryName: "acme/web", sha: "abc123", branch: "main", event: "push", message: "change" },
  environments: [manifest()],
  ...over,
});

/** Writes Flux's own sync file the way bootstrap does, so a test can see it survive. */
async function bootstrapFlux(s: Awaited<ReturnType<typeof setup>>) {
  const g = await s.repos.get((await s.store.env("staging"))!);
  await g.writeChangeSet(
    { replace: [], write: [{ path: "staging/flux/gitops-repo-staging.yaml", content: "kind: GitRepository\n" }] },
    "bootstrap",
  );
  return () => s.git("staging", "show", "main:staging/flux/gitops-repo-staging.yaml");
}

describe("reserved names (issue 9 #2)", () => {
  test("a deploy of an app named flux fails with the reason and leaves <env>/flux/ alone", async () => {
    const s = await setup();
    const fluxFile = await bootstrapFlux(s);
    const r = await s.req("POST", "/api/artifact", { body: artifact({ environments: [manifest({ app: "flux" })] }) });
    expect(r.status).toBe(201);
    const { id } = (await r.json()) as { id: string };
    await s.drain();
    const track = (await (await s.req("GET", `/api/eventArtifactTrack?id=${encodeURIComponent(id)}`)).json()) as {
      status: string;
      results: { statusDesc: string; status: string }[];
    };
    expect(track.status).toBe("error");
    expect(track.results[0]).toMatchObject({ status: "failure" });
    expect(track.results[0]!.statusDesc).toContain('"flux" is reserved');
    expect(await fluxFile()).toBe("kind: GitRepository\n");
  });

  test("delete, rollback, release and status refuse reserved app and env names with a 400", async () => {
    const s = await setup();
    const fluxFile = await bootstrapFlux(s);
    for (const [method, path] of [
      ["POST", "/api/delete?env=staging&app=flux"],
      ["POST", "/api/delete?env=staging&app=dependencies"],
      ["POST", "/api/rollback?env=staging&app=flux&sha=abcdef0"],
      ["GET", "/api/status?env=staging&app=flux"],
      ["GET", "/api/releases?env=flux"],
    ] as const) {
      const r = await s.req(method, path);
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toContain("reserved");
    }
    const { id } = (await (await s.req("POST", "/api/artifact", { body: artifact() })).json()) as { id: string };
    const rel = await s.req("POST", "/api/releases", { body: { env: "staging", app: "flux", artifactId: id } });
    expect(rel.status).toBe(400);
    expect(await s.store.queueDepth()).toBe(1); // only the artifact
    await s.drain();
    expect(await fluxFile()).toBe("kind: GitRepository\n");
  });

  test("a cleanup policy naming flux deletes nothing", async () => {
    const s = await setup();
    const fluxFile = await bootstrapFlux(s);
    const preview = manifest({
      app: "web-x",
      deploy: { branch: "feature/*", event: "push" },
      cleanup: { app: "flux", event: "branchDeleted", branch: "feature/*" },
    });
    await s.req("POST", "/api/artifact", {
      body: artifact({
        version: { repositoryName: "acme/web", sha: "s", branch: "feature/a", event: "push" },
        environments: [preview],
      }),
    });
    await s.drain();
    const body = JSON.stringify({ ref: "feature/a", ref_type: "branch", repository: { full_name: "acme/web" } });
    const r = await s.app.request("/api/webhooks/git", {
      method: "POST",
      headers: { "X-GitHub-Event": "delete", "X-Hub-Signature-256": sign(body) },
      body,
    });
    const { id } = (await r.json()) as { id: string };
    await s.drain();
    expect(await s.store.event(id)).toMatchObject({ status: "error" });
    expect((await s.store.event(id))!.statusDesc).toContain("reserved");
    expect(await fluxFile()).toBe("kind: GitRepository\n");
  });
});

describe("bad input is a 4xx with a message (issue 9 #11)", () => {
  test("malformed Basic credentials are a 401 that says what is wrong", async () => {
    const s = await setup();
    for (const h of ["Basic !!!not-base64", `Basic ${btoa("no-colon-here")}`, "Basic ", "Bearer", "Digest abc"]) {
      const r = await s.req("GET", "/api/artifacts", { token: null, headers: { Authorization: h } });
      expect(r.status).toBe(401);
      expect(((await r.json()) as { error: string }).error).toMatch(/malformed Authorization header|missing token/);
    }
    const ok = await s.req("GET", "/api/artifacts", {
      token: null,
      headers: { Authorization: `Basic ${btoa(`x:${s.token}`)}` },
    });
    expect(ok.status).toBe(200);
  });

  test("out-of-range, fractional, negative and non-numeric limits and offsets are a 400", async () => {
    const s = await setup();
    for (const q of [
      "limit=1e21",
      "offset=1e21",
      "limit=-1",
      "offset=-5",
      "offset=NaN",
      "limit=1.5",
      "limit=99999999999",
      "offset=0x10",
      "limit=%201",
    ]) {
      for (const path of [`/api/artifacts?${q}`, `/api/releases?env=staging&${q}`]) {
        const r = await s.req("GET", path);
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
        expect(((await r.json()) as { error: string }).error).toMatch(/must be a whole number/);
      }
    }
    expect((await s.req("GET", "/api/artifacts?limit=5&offset=0")).status).toBe(200);
  });

  test("a 200k-deep JSON body is a 400 on every JSON route", async () => {
    const s = await setup();
    const deep = '{"a":'.repeat(200_000) + "1" + "}".repeat(200_000);
    const deepArr = "[".repeat(200_000) + "]".repeat(200_000);
    await s.store.createUser("fx", "flux");
    const flux = await s.store.issueToken("fx");
    for (const [path, tok] of [
      ["/api/artifact", s.token],
      ["/api/releases", s.token],
      ["/api/user", s.token],
      ["/api/flux-events?env=staging", flux],
    ] as const) {
      for (const body of [deep, deepArr]) {
        const r = await s.app.request(path, { method: "POST", body, headers: { Authorization: `Bearer ${tok}` } });
        expect({ path, status: r.status }).toEqual({ path, status: 400 });
        expect(((await r.json()) as { error: string }).error).toContain("nests deeper than");
      }
    }
    const ok = '{"x":'.repeat(50) + "1" + "}".repeat(50);
    const r = await s.app.request("/api/artifact", {
      method: "POST",
      body: JSON.stringify({ ...artifact(), items: [JSON.parse(ok)] }),
      headers: { Authorization: `Bearer ${s.token}` },
    });
    expect(r.status).toBe(201);
  });

  test("a signed webhook with non-string or missing fields is ignored or a 400, never a 500", async () => {
    const s = await setup();
    const post = (payload: string, event = "delete") =>
      s.app.request("/api/webhooks/git", {
        method: "POST",
        headers: { "X-GitHub-Event": event, "X-Hub-Signature-256": sign(payload) },
        body: payload,
      });
    for (const p of [
      { ref: {}, ref_type: "branch", repository: { full_name: "a/b" } },
      { ref: ["x"], ref_type: "branch", repository: { full_name: "a/b" } },
      { ref: "x", ref_type: "branch", repository: { full_name: 12 } },
      { ref: "x", ref_type: "branch", repository: "a/b" },
      { ref: "refs/heads/", deleted: true, repository: { full_name: "a/b" } },
    ]) {
      const r = await post(JSON.stringify(p), p.deleted ? "push" : "delete");
      expect(r.status).toBe(200);
      expect(await r.json()).toHaveProperty("ignored");
    }
    for (const raw of ["null", "[1,2]", '"x"', "12", "{"]) expect((await post(raw)).status).toBe(400);
    expect(await s.store.queueDepth()).toBe(0);
  });

  test("a Flux event with object or list fields is ignored or a 400, never a 500", async () => {
    const s = await setup();
    await s.store.createUser("fx", "flux");
    const flux = await s.store.issueToken("fx");
    const post = (ev: unknown) => s.req("POST", "/api/flux-events?env=staging", { body: ev, token: flux });
    for (const ev of [
      { reason: "ReconciliationSucceeded", metadata: { revision: {} } },
      { reason: "ReconciliationSucceeded", metadata: { revision: { toString: 1 } } },
      { reason: "ReconciliationSucceeded", metadata: { revision: ["main@sha1:" + "a".repeat(40)] } },
      { reason: "ReconciliationSucceeded", metadata: "x" },
    ]) {
      const r = await post(ev);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ ignored: "no commit revision in the event" });
    }
    expect((await post({ reason: "X", message: { valueOf: 1 }, metadata: { revision: "a".repeat(40) } })).status).toBe(
      400,
    );
    expect((await post({ reason: 12 })).status).toBe(400);
  });

  test("a release request with a field of the wrong type or an unknown field is a 400 naming it", async () => {
    const s = await setup();
    const { id } = (await (await s.req("POST", "/api/artifact", { body: artifact() })).json()) as { id: string };
    for (const [body, field] of [
      [{ env: "staging", app: 12, artifactId: id }, "app"],
      [{ env: ["staging"], artifactId: id }, "env"],
      [{ env: "staging", artifactId: { id } }, "artifactId"],
      [{ env: "staging", artifactId: id, force: true }, "force"],
    ] as const) {
      const r = await s.req("POST", "/api/releases", { body });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toStartWith(`${field}: `);
    }
    expect(await s.store.queueDepth()).toBe(1);
  });
});

describe("webhook replays (issue 9 #12)", () => {
  test("a delivery id is acted on once, also after a restart, and forgotten after the retention", async () => {
    const s = await setup();
    const body = JSON.stringify({ ref: "feature/a", ref_type: "branch", repository: { full_name: "acme/web" } });
    const post = (app = s.app, delivery = "72d3162e-cc78-11e3-81ab-4c9367dc0958") =>
      app.request("/api/webhooks/git", {
        method: "POST",
        headers: { "X-GitHub-Event": "delete", "X-GitHub-Delivery": delivery, "X-Hub-Signature-256": sign(body) },
        body,
      });
    const first = await post();
    expect(first.status).toBe(201);
    const { id } = (await first.json()) as { id: string };
    const again = await post();
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id });
    // A fresh server on the same data dir still knows the delivery.
    const store2 = new SqliteStore(join(s.dir, "gimlet.db"), { now: () => s.clock.now });
    const app2 = createApp({ store: store2, repos: s.repos, webhookSecret: secret });
    expect((await post(app2)).status).toBe(200);
    expect((await post(app2, "another-delivery")).status).toBe(201);
    expect(await s.store.eventCounts()).toEqual([{ type: "branchDeleted", status: "new", n: 2 }]);
    s.clock.now += retention.deliveries + 1;
    expect((await post()).status).toBe(201);
  });
});

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

describe("idempotent artifacts (issue 9 #16)", () => {
  test("the same Idempotency-Key gets the same artifact back and queues nothing twice", async () => {
    const s = await setup();
    const headers = { "Idempotency-Key": "ci-run-42" };
    const first = await s.req("POST", "/api/artifact", { body: artifact(), headers });
    expect(first.status).toBe(201);
    const stored = await first.text();
    const retry = await s.req("POST", "/api/artifact", { body: artifact(), headers });
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await retry.text()).toBe(stored);
    expect(await s.store.queueDepth()).toBe(1);
    const other = await s.req("POST", "/api/artifact", {
      body: artifact({ version: { repositoryName: "acme/web", sha: "other" } }),
      headers,
    });
    expect(other.status).toBe(409);
    expect(
      (
        await s.req("POST", "/api/artifact", {
          body: artifact(),
          headers: { "Idempotency-Key": "bad key with spaces" },
        })
      ).status,
    ).toBe(400);
    expect(await s.store.queueDepth()).toBe(1);
  });

  test("an identical artifact for the same repo and sha within the window is not queued again", async () => {
    const s = await setup();
    const first = (await (await s.req("POST", "/api/artifact", { body: artifact() })).json()) as { id: string };
    // Same content, keys in another order.
    const reordered = {
      environments: artifact().environments,
      version: { event: "push", message: "change", branch: "main", sha: "abc123", repositoryName: "acme/web" },
    };
    const dup = await s.req("POST", "/api/artifact", { body: reordered });
    expect(dup.status).toBe(200);
    expect(((await dup.json()) as { id: string }).id).toBe(first.id);
    expect(await s.store.queueDepth()).toBe(1);
    // Another sha is another artifact; after the window the same one is new again.
    expect(
      (await s.req("POST", "/api/artifact", { body: artifact({ version: { ...artifact().version, sha: "def" } }) }))
        .status,
    ).toBe(201);
    s.clock.now += retention.artifactDigests + 1;
    expect((await s.req("POST", "/api/artifact", { body: artifact() })).status).toBe(201);
    expect(await s.store.queueDepth()).toBe(3);
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
