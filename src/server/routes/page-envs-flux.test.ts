/**
 * The env page's Flux column against the agent's applied revision, through app.request with a real
 * store, hosted repo, worker and AgentHub: a release is applied when its gitops commit is the applied
 * revision or an ancestor of it — after a rollback Flux applies the revert commit that follows it.
 */
import { afterAll, describe, expect, test } from "bun:test";
import type { EnvState } from "../../core/agent/state.ts";
import { AgentHub, createUser } from "../../ops/index.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";
import { browser, cleanUp, testServer } from "../test-kit.ts";

afterAll(cleanUp);

const liveState = (appliedRevision: string): EnvState => ({
  env: "staging",
  apps: [],
  flux: [
    {
      kind: "Kustomization",
      namespace: "flux-system",
      name: "gitops-repo-staging",
      ready: "True",
      appliedRevision,
      fetchedRevision: appliedRevision,
    },
  ],
});

async function setup() {
  const s = await testServer({ prefix: "page-envs-flux-" });
  const agents = new AgentHub({ store: s.store });
  const { createApp } = await import("../app.ts");
  const app = createApp({ store: s.store, repos: s.repos, worker: s.worker, events: s.events, agents });
  await createUser(s, { login: "ann", role: "admin", password: "correct horse" });
  await s.store.createUser("ci", "admin");
  const token = await s.store.issueToken("ci");
  const api = (method: string, path: string, body?: unknown) =>
    app.request(path, {
      method,
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  let seq = 0;
  const applied = (sha: string) =>
    agents.snapshot({ v: 1, env: "staging", epoch: "e1", seq: seq++, state: liveState(`main@sha1:${sha}`) });
  const push = async (sha: string) => {
    const values = { image: { repository: "nginx", tag: "{{ .SHA }}" } };
    const res = await api("POST", "/api/artifact", stagingWebArtifact(sha, values, { message: sha, url: "u" }));
    expect(res.status).toBe(201);
    await s.drain();
    const g = await s.repos.get((await s.store.env("staging"))!);
    return g.head();
  };
  const row = async () => {
    const b = await browser({ app });
    const html = await (await b.get("/envs/staging")).text();
    const tr = /<tr[^>]*id="app-web"[\s\S]*?<\/tr>/.exec(html)?.[0] ?? "";
    expect(tr).not.toBe("");
    return { sha: /<code[^>]*>([0-9a-f]{7})/.exec(tr)?.[1], flux: /class="flux">([\s\S]*?)<\/td>/.exec(tr)?.[1] ?? "" };
  };
  return { ...s, api, applied, push, row };
}

describe("the env row's Flux column", () => {
  test("after a rollback the restored release is applied: its commit is an ancestor of the revert Flux applied", async () => {
    const s = await setup();
    const first = (await s.push("aaa1111"))!;
    await s.applied(first);
    expect(await s.row()).toMatchObject({ sha: "aaa1111", flux: expect.stringContaining("applied") });

    const second = (await s.push("bbb2222"))!;
    // Flux has not applied the new release yet: the older applied revision is no ancestor of it.
    expect((await s.row()).flux).not.toContain("applied");
    await s.applied(second);
    expect(await s.row()).toMatchObject({ sha: "bbb2222", flux: expect.stringContaining("applied") });

    const rb = await s.api("POST", `/api/rollback?env=staging&app=web&sha=${first}`);
    expect(rb.status).toBeLessThan(300);
    await s.drain();
    const revert = (await (await s.repos.get((await s.store.env("staging"))!)).head())!;
    expect(revert).not.toBe(second);
    // The restored release's own commit is an ancestor of what Flux applied before the rollback, but
    // the cluster runs it only once the revert is applied: not applied until then.
    const before = await s.row();
    expect(before.sha).toBe("aaa1111");
    expect(before.flux).not.toContain("applied");
    await s.applied(revert);
    const after = await s.row();
    expect(after.sha).toBe("aaa1111");
    expect(after.flux).toContain("applied");
  });

  test("an applied revision the hosted repo does not know says nothing applied", async () => {
    const s = await setup();
    await s.push("aaa1111");
    await s.applied("f".repeat(40));
    expect((await s.row()).flux).not.toContain("applied");
  });
});
