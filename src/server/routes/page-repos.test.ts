/**
 * Repository pages through app.request with a real store, hosted repo and worker: sign-in redirect,
 * the index, a repo's commits by branch and page, CI links, deploy targets by role and env scope,
 * bad and unknown repo paths, CSRF on the deploy post, and a deploy followed to "applied" by Flux's
 * event (the page's stream names it, the progress fragment shows it).
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createUser } from "../../ops/index.ts";
import { browser, builtinEnv, cleanUp, csrfIn, origin, pushArtifact, type Setup, setup } from "../test-kit.ts";

afterAll(cleanUp);

const artifact = (sha: string, branch = "main", extra: Record<string, unknown> = {}) => ({
  version: {
    repositoryName: "acme/web",
    sha,
    branch,
    event: "push",
    message: `change ${sha}\n\nbody`,
    authorName: "Dev One",
    url: `https://github.com/acme/web/commit/${sha}`,
  },
  environments: [
    { app: "web", env: "staging", namespace: "default", values: { image: { repository: "nginx", tag: sha } } },
  ],
  ...extra,
});

const commitsIn = (html: string) => html.match(/<li id="commit-/g)?.length ?? 0;

describe("repository pages", () => {
  test("without a session: a redirect to sign in that comes back to the repo page", async () => {
    const s = await setup();
    const r = await s.app.request(`${origin}/repos/acme/web?branch=main`);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/login?next=%2Frepos%2Facme%2Fweb%3Fbranch%3Dmain");
  });

  test("the index: each repo with its last commit, counts and branches, linking to its page", async () => {
    const s = await setup();
    await pushArtifact(s, artifact("aaa1111"));
    await pushArtifact(s, artifact("bbb2222", "feature"));
    await pushArtifact(s, { ...artifact("ccc3333"), version: { repositoryName: "acme/api", sha: "ccc3333" } });
    const b = await browser(s);
    const html = await (await b.get("/repos")).text();
    expect(html).toContain('<a href="/repos/acme/web">acme/web</a>');
    expect(html).toContain('<a href="/repos/acme/api">acme/api</a>');
    expect(html).toContain("2 commits · 2 branches");
    expect(html).toContain('<span class="msg">change bbb2222</span>');
    // The repo pushed to last comes first.
    expect(html.indexOf("acme/api")).toBeLessThan(html.indexOf("acme/web"));
  });

  test("a repo's commits: newest first, CI links from the items (http only), targets as deploy forms", async () => {
    const s = await setup();
    const items = [
      { name: "CI", url: "https://github.com/acme/web/actions/runs/42" },
      { name: "evil", url: "javascript:alert(1)" },
    ];
    await pushArtifact(s, artifact("aaa1111"));
    await pushArtifact(s, artifact("bbb2222", "main", { items }));
    const b = await browser(s);
    const r = await b.get("/repos/acme/web");
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(commitsIn(html)).toBe(2);
    expect(html.indexOf("change bbb2222")).toBeLessThan(html.indexOf("change aaa1111"));
    expect(html).toContain(
      'href="https://github.com/acme/web/actions/runs/42" rel="noopener noreferrer" class="ci-link">CI',
    );
    expect(html).not.toContain("javascript:");
    expect(html).not.toContain(">evil<");
    expect(html).toContain("Dev One");
    expect(html).toMatch(/<time datetime="[^"]+Z" title="[^"]+Z">just now<\/time>/);
    expect(html).toContain("Deploy to staging/web…");
    expect(html).not.toMatch(/<script>|<style|style="|onclick=/);
  });

  test("the branch switcher filters by branch; an unknown branch is an empty list, not an error", async () => {
    const s = await setup();
    for (const sha of ["aaa0001", "aaa0002"]) await pushArtifact(s, artifact(sha, "main"));
    await pushArtifact(s, artifact("fff0001", "feature/x"));
    const b = await browser(s);
    const all = await (await b.get("/repos/acme/web")).text();
    expect(commitsIn(all)).toBe(3);
    expect(all).toContain('<option value="main">main (2)</option>');
    expect(all).toContain('<option value="feature/x">feature/x (1)</option>');
    const feature = await (await b.get("/repos/acme/web?branch=feature%2Fx")).text();
    expect(commitsIn(feature)).toBe(1);
    expect(feature).toContain("change fff0001");
    expect(feature).toContain('<option value="feature/x" selected>feature/x (1)</option>');
    const none = await b.get("/repos/acme/web?branch=gone");
    expect(none.status).toBe(200);
    expect(await none.text()).toContain("No commits on gone.");
    expect((await b.get("/repos/acme/web?branch=a%0Ab")).status).toBe(400);
  });

  test("paging: 20 commits a page, server-side, keeping the branch; a bad page number is a 400", async () => {
    const s = await setup();
    for (let i = 0; i < 23; i++) await pushArtifact(s, artifact(`abc${String(i).padStart(4, "0")}`));
    await pushArtifact(s, artifact("fff0001", "other"));
    const b = await browser(s);
    const first = await (await b.get("/repos/acme/web?branch=main")).text();
    expect(commitsIn(first)).toBe(20);
    expect(first).toContain("change abc0022");
    expect(first).toContain('<a href="/repos/acme/web?branch=main&amp;page=2">Older →</a>');
    const second = await (await b.get("/repos/acme/web?branch=main&page=2")).text();
    expect(commitsIn(second)).toBe(3);
    expect(second).toContain("change abc0000");
    expect(second).not.toContain("change abc0022");
    expect(second).not.toContain("Older →");
    expect(second).toContain('<a href="/repos/acme/web?branch=main">← Newer</a>');
    const bad = await b.get("/repos/acme/web?page=x");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("page must be a whole number");
  });

  test("unknown repos are a readable 404 (a fragment for htmx); bad names and `..` are a 400", async () => {
    const s = await setup();
    await pushArtifact(s, artifact("aaa1111"));
    const b = await browser(s);
    const missing = await b.get("/repos/acme/nothing");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    const text = await missing.text();
    expect(text).toContain("<!doctype html>");
    expect(text).toContain("repository &quot;acme/nothing&quot; is not known");
    const htmx = await b.get("/repos/acme/nothing", { "HX-Request": "true" });
    expect(htmx.status).toBe(404);
    const fragment = await htmx.text();
    expect(fragment).toStartWith('<div class="error-box" role="alert">');
    for (const p of ["/repos/a%2F..%2Fb/web", "/repos/acme/we%5Cb", "/repos/acme%2F/web"]) {
      const r = await b.get(p);
      expect(r.status, p).toBe(400);
      expect(await r.text(), p).toContain("is not a repository name");
    }
  });

  test("targets: templated app names resolved, unknown envs blocked, other envs hidden from a bound user", async () => {
    const s = await setup();
    await s.store.createEnv(builtinEnv("prod"));
    const environments = [
      { app: "web-{{ .BRANCH }}", env: "staging", namespace: "default", values: {} },
      { app: "web", env: "prod", namespace: "default", values: {} },
      { app: "web", env: "qa", namespace: "default", values: {} },
    ];
    await pushArtifact(s, artifact("aaa1111", "fix", { environments }));
    const ann = await browser(s);
    const html = await (await ann.get("/repos/acme/web")).text();
    expect(html).toContain("Deploy to staging/web-fix…");
    expect(html).toContain("Deploy to prod/web…");
    expect(html).toContain("qa/web (no such environment on this server)");
    await createUser(s, { login: "sam", role: "user", env: "staging", password: "long password" });
    const sam = await browser(s, "sam", "long password");
    const scoped = await (await sam.get("/repos/acme/web")).text();
    expect(scoped).toContain("Deploy to staging/web-fix…");
    expect(scoped).not.toContain("prod/web");
    expect(scoped).not.toContain("qa/web");
  });
});

async function deployed(s: Setup) {
  const artifactId = await pushArtifact(s, artifact("fff9999", "feature"));
  await s.drain();
  const b = await browser(s);
  const q = `artifact=${encodeURIComponent(artifactId)}&env=staging&app=web`;
  const confirm = await (await b.get(`/repos/deploy?${q}`)).text();
  return { b, artifactId, confirm, _csrf: csrfIn(confirm) };
}

describe("deploying a commit", () => {
  test("CSRF: a deploy post without the token or from another origin is 403 and queues nothing", async () => {
    const s = await setup();
    const { b, artifactId, _csrf } = await deployed(s);
    const fields = { artifact: artifactId, env: "staging", app: "web" };
    const before = (await s.store.events({ limit: 100, offset: 0 })).length;
    const none = await b.post("/repos/deploy", fields);
    expect(none.status).toBe(403);
    expect(await none.text()).toContain("missing or stale CSRF token");
    expect((await b.post("/repos/deploy", { ...fields, _csrf: "stale" })).status).toBe(403);
    const evil = await b.post("/repos/deploy", { ...fields, _csrf }, { Origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    expect((await s.store.events({ limit: 100, offset: 0 })).length).toBe(before);
  });

  test("the diff first; after the post the page follows the release through its commit to Flux applied", async () => {
    const s = await setup();
    const { b, artifactId, confirm, _csrf } = await deployed(s);
    expect(confirm).toContain("Deploy web to staging?");
    expect(confirm).toMatch(/<span class="add">\+\s+image: nginx:fff9999/);
    // One line per object before the files, as `release make --dry-run` prints it.
    expect(confirm).toContain('<ul class="object-changes"><li class="add"><code>+ Deployment/web</code></li>');
    expect(confirm.indexOf("Objects that change:")).toBeLessThan(confirm.indexOf("Gitops files that change:"));
    expect(confirm).toContain('<a href="/repos/acme/web">acme/web</a>');
    const r = await b.post("/repos/deploy", { _csrf, artifact: artifactId, env: "staging", app: "web" });
    expect(r.status).toBe(303);
    const location = r.headers.get("location")!;
    expect(location).toMatch(/^\/repos\/acme\/web\/deploys\/[\w-]+\?done=deploy$/);
    const path = location.split("?")[0]!;

    const queued = await (await b.get(location)).text();
    expect(queued).toContain("Release queued.");
    expect(queued).toContain("waiting in the queue");
    expect(queued).toMatch(/hx-sse:connect="\/ui\/events\?topic=app&amp;env=staging&amp;app=web&amp;after=/);
    expect(queued).toContain(`hx-get="${path}/progress"`);

    // The page's stream: the Flux event below makes it name `app-changed`.
    const ctl = new AbortController();
    const stream = await s.app.request(`${origin}/ui/events?topic=app&env=staging&app=web`, {
      headers: { Cookie: b.cookie },
      signal: ctl.signal,
    });
    const reader = stream.body!.getReader();

    await s.drain();
    const committed = await (await b.get(`${path}/progress`, { "HX-Request": "true" })).text();
    expect(committed).toStartWith('<section id="release-progress"');
    expect(committed).toContain('<span class="badge b-warn">committed</span>');
    expect(committed).toContain("waiting for Flux");
    const hash = /gitops commit <code title="([0-9a-f]{40})">/.exec(committed)![1]!;
    expect(committed).toContain(`href="/envs/staging/apps/web#release-${hash.slice(0, 12)}"`);

    const flux = await createUser(s, { login: "flux-staging", role: "flux", env: "staging" });
    const fluxPost = await s.app.request("/api/flux-events", {
      method: "POST",
      headers: { Authorization: `Bearer ${flux.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        reason: "ReconciliationSucceeded",
        message: "Applied revision",
        metadata: { revision: `main@sha1:${hash}` },
      }),
    });
    expect(fluxPost.status).toBe(200);
    let events = "";
    while (!events.includes("event: app-changed")) events += new TextDecoder().decode((await reader.read()).value);
    ctl.abort();

    const applied = await (await b.get(`${path}/progress`, { "HX-Request": "true" })).text();
    expect(applied).toContain('<span class="badge b-ok">applied</span>');
    expect(applied).toContain("Flux applied");
    // The app's history has the release the timeline link points at.
    expect(await (await b.get("/envs/staging/apps/web")).text()).toContain(`id="release-${hash.slice(0, 12)}"`);
  });

  test("a follow page only for its repo, a release request, and an env the viewer sees; else 404", async () => {
    const s = await setup();
    await s.store.createEnv(builtinEnv("prod"));
    const { b, artifactId, _csrf } = await deployed(s);
    const r = await b.post("/repos/deploy", { _csrf, artifact: artifactId, env: "staging", app: "web" });
    const path = r.headers.get("location")!.split("?")[0]!;
    const id = path.split("/").pop()!;
    expect((await b.get(path)).status).toBe(200);
    expect((await b.get(`/repos/acme/other/deploys/${id}`)).status).toBe(404);
    expect((await b.get("/repos/acme/web/deploys/nope")).status).toBe(404);
    const artifactRow = await s.store.artifactEvent(artifactId);
    expect((await b.get(`/repos/acme/web/deploys/${artifactRow!.id}`)).status).toBe(404);
    await createUser(s, { login: "pat", role: "user", env: "prod", password: "long password" });
    const pat = await browser(s, "pat", "long password");
    const hidden = await pat.get(path);
    expect(hidden.status).toBe(404);
    expect(await hidden.text()).not.toContain("fff9999");
  });
});
