/**
 * Hostile input against the API (issue 9): reserved names, malformed credentials, queries and bodies.
 * Real store, real bare repos, real worker, through app.request.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { run } from "../../tests/support/git-server.ts";
import { artifact, manifest, setup, sign } from "./api-hardening-setup.ts";
import { cleanUp } from "./test-kit.ts";

afterAll(cleanUp);

/** Writes Flux's own sync file the way bootstrap does, so a test can see it survive. */
async function bootstrapFlux(s: Awaited<ReturnType<typeof setup>>) {
  const g = await s.repos.get((await s.store.env("staging"))!);
  await g.writeChangeSet(
    { replace: [], write: [{ path: "staging/flux/gitops-repo-staging.yaml", content: "kind: GitRepository\n" }] },
    "bootstrap",
  );
  return () =>
    run(["git", "--git-dir", s.repos.builtinPath("staging"), "show", "main:staging/flux/gitops-repo-staging.yaml"]);
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
