/**
 * The dashboard through app.request with a real store, hosted repo and worker: sign-in redirects,
 * sessions, CSRF (403 and nothing changed), role checks, HTML error pages and fragments, security
 * headers, the pages with a released app, rollback through the confirmation, the page event stream.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { UnavailableError } from "../../core/errors.ts";
import { stagingWebArtifact } from "../../../tests/support/artifacts.ts";
import { createUser } from "../../ops/index.ts";
import {
  browser,
  builtinEnv,
  cleanUp,
  cookiesOf,
  csrfIn,
  form,
  origin,
  pushArtifact,
  type Setup,
  setup,
  signIn,
  testServer,
} from "../test-kit.ts";

afterAll(cleanUp);

async function release(s: Setup, sha: string) {
  const version = { message: `change ${sha}`, authorName: "Dev One", url: undefined };
  await pushArtifact(s, stagingWebArtifact(sha, { image: { repository: "nginx", tag: sha } }, version));
  await s.drain();
}

describe("signing in", () => {
  test("a page without a session redirects to /login with the way back; htmx gets 401 and HX-Redirect", async () => {
    const s = await setup();
    const r = await s.app.request(`${origin}/envs/staging?q=web`);
    expect(r.status).toBe(302);
    expect(r.headers.get("location")).toBe("/login?next=%2Fenvs%2Fstaging%3Fq%3Dweb");
    const h = await s.app.request(`${origin}/envs/staging/apps-table`, { headers: { "HX-Request": "true" } });
    expect(h.status).toBe(401);
    expect(h.headers.get("hx-redirect")).toStartWith("/login?next=");
    expect(await h.text()).toContain("Your session ended");
    // The API is untouched by the dashboard: still JSON 401 with a Bearer challenge.
    const api = await s.app.request(`${origin}/api/envs`);
    expect(api.status).toBe(401);
    expect(await api.json()).toHaveProperty("error");
  });

  test("password sign-in: HttpOnly SameSite=Lax cookie (Secure behind https), the session stored hashed", async () => {
    const s = await setup();
    const { res, session } = await signIn(s, "ann", "correct horse");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/activity");
    const set = res.headers.getSetCookie().find((c) => c.startsWith("gimlet_session="))!;
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Lax");
    expect(set).not.toContain("Secure");
    expect(await s.store.session(session!)).toBeUndefined();
    // Without --trust-proxy or an https --host a client's X-Forwarded-Proto is not believed:
    // every combination is in page-scheme.test.ts.
    const https = await signIn(s, "ann", "correct horse", { "X-Forwarded-Proto": "https" });
    expect(https.res.headers.getSetCookie().find((c) => c.startsWith("gimlet_session="))).not.toContain("Secure");
  });

  test("an API token signs in too; a flux token does not", async () => {
    const s = await setup();
    const lp = await s.app.request(`${origin}/login`);
    const c = cookiesOf(lp).gimlet_login_csrf!;
    const csrf = csrfIn(await lp.text());
    const post = (token: string) =>
      s.app.request(`${origin}/login`, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: `gimlet_login_csrf=${c}` },
        body: form({ _csrf: csrf, token }),
      });
    expect((await post(s.user.token)).status).toBe(303);
    const flux = await createUser({ store: s.store, repos: undefined as never }, { login: "f", role: "flux" });
    const bad = await post(flux.token);
    expect(bad.status).toBe(401);
    expect(await bad.text()).toContain("its role cannot use the dashboard");
  });

  test("a wrong password is 401 with a readable page; after 10 failures even the right one gets 429", async () => {
    const s = await setup();
    const wrong = await signIn(s, "ann", "wrong password");
    expect(wrong.res.status).toBe(401);
    expect(await wrong.res.text()).toContain("Wrong user or password.");
    for (let i = 0; i < 9; i++) await signIn(s, "ann", "wrong password");
    const limited = await signIn(s, "ann", "correct horse");
    expect(limited.res.status).toBe(429);
    expect(limited.res.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(limited.session).toBeUndefined();
    // Eleven argon2id verifications: about 3 s alone, several times that on a loaded 2-core machine.
  }, 30_000);

  test("the login form without its cookie is refused; so is a post from another origin", async () => {
    const s = await setup();
    const r = await s.app.request(`${origin}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: form({ _csrf: "x", login: "ann", password: "correct horse" }),
    });
    expect(r.status).toBe(403);
    expect(cookiesOf(r).gimlet_session).toBeUndefined();
    const evil = await s.app.request(`${origin}/login`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://evil.example" },
      body: form({ login: "ann", password: "correct horse" }),
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get("content-type")).toContain("text/html");
  });

  test("logout ends the session in the store: the old cookie no longer opens pages", async () => {
    const s = await setup();
    const b = await browser(s);
    expect((await b.get("/")).status).toBe(200);
    const out = await b.post("/logout", { _csrf: await b.csrfOf() });
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/login?done=signed-out");
    expect((await b.get("/")).status).toBe(302);
  });
});

describe("pages", () => {
  test("an env's next step names the server's state: its data dir, and on a shared database the URL's variable", async () => {
    for (const shared of [false, true]) {
      const s = await testServer({ prefix: "pages-next-", app: { dataDir: "/srv/gimlet", sharedDatabase: shared } });
      await createUser(s, { login: "ann", role: "admin", password: "correct horse" });
      const html = await (await (await browser(s)).get("/")).text();
      const db = shared ? " --database &quot;$GIMLET_DATABASE_URL&quot;" : ""; // HTML-escaped quotes
      expect(html).toContain(`gimlet env bootstrap staging --host ${origin} --data-dir /srv/gimlet${db}\n`);
    }
  });

  test("a database outage is a readable 503 with Retry-After, as a page and as an htmx fragment", async () => {
    const s = await setup();
    const b = await browser(s);
    s.store.envs = () => Promise.reject(new UnavailableError("database unavailable: connection refused", 7));
    const page = await b.get("/");
    expect(page.status).toBe(503);
    expect(page.headers.get("retry-after")).toBe("7");
    expect(await page.text()).toContain("database unavailable: connection refused");
    const frag = await b.get("/", { "HX-Request": "true" });
    expect(frag.status).toBe(503);
    expect(frag.headers.get("retry-after")).toBe("7");
    expect(await frag.text()).not.toContain("<html");
  });

  test("every page carries a strict CSP, X-Frame-Options DENY and a Referrer-Policy; assets are served", async () => {
    const s = await setup();
    const b = await browser(s);
    for (const p of ["/", "/envs/staging", "/activity", "/settings", "/repos", "/login"]) {
      const r = await b.get(p);
      expect(r.status, p).toBe(200);
      expect(r.headers.get("content-security-policy"), p).toContain("script-src 'self'");
      expect(r.headers.get("content-security-policy")).not.toContain("unsafe-inline");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
      expect(r.headers.get("referrer-policy")).toBe("same-origin");
      const html = await r.text();
      expect(html).not.toMatch(/<script>|<style|style="|onclick=/);
    }
    const css = await b.get("/assets/style.css");
    expect(css.headers.get("content-type")).toContain("text/css");
  });

  test("a released app: sha, message, author and release in the env table; the app page its history", async () => {
    const s = await setup();
    await release(s, "aaa1111");
    await release(s, "bbb2222");
    const b = await browser(s);
    const env = await (await b.get("/envs/staging")).text();
    expect(env).toContain('id="app-web"');
    expect(env).toContain("bbb2222");
    expect(env).toContain("change bbb2222");
    expect(env).toContain("Dev One");
    // The stream starts where the page's data was read: events during the page load still arrive.
    expect(env).toMatch(/hx-sse:connect="\/ui\/events\?topic=env&amp;env=staging&amp;after=[a-z0-9]+\.\d+"/);
    expect(env).toContain("No agent has reported for this env yet");
    const search = await (await b.get("/envs/staging?q=nothing-like-this")).text();
    expect(search).toContain("No app matches these filters.");
    const app = await (await b.get("/envs/staging/apps/web")).text();
    expect(app.indexOf("bbb2222")).toBeLessThan(app.indexOf("aaa1111"));
    expect(app).toContain("Roll back to this");
    // The delivery timeline from the store: the artifact, its policy deploy, the commit served as made;
    // Flux has not spoken and no agent reported the rollout (page-timeline.test.ts: the API's steps).
    expect(app).toMatch(/artifact received <time[^>]*>just now<\/time>/);
    expect(app).toMatch(/deploy policy matched <time[^>]*>just now<\/time> <span[^>]*>\+\d+ s<\/span>/);
    expect(app).toContain("gitops commit made <time");
    expect(app).toContain('title="hosted by gimlet: the commit is served as made">pushed <time');
    expect(app).toContain(
      '<li class="t-warn">Flux applied <span class="muted">not recorded (no Flux event yet)</span>',
    );
    expect(app).toContain('<li class="t-warn">rollout complete <span class="muted">not recorded');
    const activity = await (await b.get("/activity?env=staging&app=web")).text();
    expect(activity.match(/<li id="event-/g)?.length).toBe(2);
    expect(activity).toContain('href="/envs/staging/apps/web"');
    expect(await (await b.get("/activity?status=error")).text()).toContain("No events match these filters.");
    expect(await (await b.get("/activity?app=other")).text()).toContain("No events match these filters.");
    expect((await b.get("/activity?status=bogus")).status).toBe(400);
  });

  test("rollback: a confirmation page first, then the post queues it; the history marks it rolled back", async () => {
    const s = await setup();
    await release(s, "aaa1111");
    await release(s, "bbb2222");
    const b = await browser(s);
    const app = await (await b.get("/envs/staging/apps/web")).text();
    const to = /name="to" value="([0-9a-f]{40})"/.exec(app)![1]!;
    const confirm = await (await b.get(`/envs/staging/apps/web/rollback?to=${to}`)).text();
    expect(confirm).toContain("Roll back web in staging?");
    expect(confirm).toContain("change bbb2222");
    // The diff of the gitops files the rollback would write: the image goes back to the first tag.
    expect(confirm).toContain("Gitops files that change:");
    expect(confirm).toContain("<code>staging/web/deployment.yaml</code>");
    expect(confirm).toMatch(/<span class="del">-\s+image: nginx:bbb2222/);
    expect(confirm).toMatch(/<span class="add">\+\s+image: nginx:aaa1111/);
    expect(confirm).toContain(
      "<li><code>~ Deployment/web: spec.template.spec.containers[0].image nginx:bbb2222 → nginx:aaa1111</code></li>",
    );
    const csrf = csrfIn(confirm);
    const r = await b.post("/envs/staging/apps/web/rollback", { _csrf: csrf, to });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/envs/staging/apps/web?done=rollback");
    await s.drain();
    const after = await (await b.get("/envs/staging/apps/web?done=rollback")).text();
    expect(after).toContain("Rollback queued");
    expect(after).toContain("rolled back");
  });

  test("deploy from the repositories page: a diff first, then the post queues the release for that app", async () => {
    const s = await setup();
    const res = await s.app.request("/api/artifact", {
      method: "POST",
      headers: { Authorization: `Bearer ${s.admin.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        version: { repositoryName: "acme/api", sha: "fff9999", branch: "feature", event: "push", message: "try this" },
        environments: [
          {
            app: "api",
            env: "staging",
            namespace: "default",
            values: { image: { repository: "nginx", tag: "fff9999" } },
          },
        ],
      }),
    });
    const artifactId = ((await res.json()) as { id: string }).id;
    await s.drain();
    const b = await browser(s);
    const repos = await (await b.get("/repos/acme/api")).text();
    expect(repos).toContain("Deploy to staging/api…");
    const q = `artifact=${encodeURIComponent(artifactId)}&env=staging&app=api`;
    const confirm = await (await b.get(`/repos/deploy?${q}`)).text();
    expect(confirm).toContain("Deploy api to staging?");
    expect(confirm).toContain("<code>staging/api/deployment.yaml</code>");
    expect(confirm).toMatch(/<span class="add">\+\s+image: nginx:fff9999/);
    const _csrf = csrfIn(confirm);
    const r = await b.post("/repos/deploy", { _csrf, artifact: artifactId, env: "staging", app: "api" });
    expect(r.status).toBe(303);
    // The page that follows the release to "applied".
    expect(r.headers.get("location")).toMatch(/^\/repos\/acme\/api\/deploys\/[\w-]+\?done=deploy$/);
    await s.drain();
    expect(await (await b.get("/envs/staging/apps/api")).text()).toContain("fff9999");
    expect((await b.get(`/repos/deploy?artifact=nope&env=staging&app=api`)).status).toBe(404);
  });

  test("CSRF: a post without the token, with a stale one or from elsewhere is 403 and changes nothing", async () => {
    const s = await setup();
    const b = await browser(s);
    const before = (await s.store.users()).length;
    const none = await b.post("/settings/users", { login: "eve", role: "admin" });
    expect(none.status).toBe(403);
    expect(await none.text()).toContain("missing or stale CSRF token");
    expect((await b.post("/settings/users", { login: "eve", role: "admin", _csrf: "stale" })).status).toBe(403);
    const csrf = await b.csrfOf();
    const evil = await b.post("/settings/users", { login: "eve", _csrf: csrf }, { Origin: "https://evil.example" });
    expect(evil.status).toBe(403);
    const json = await s.app.request(`${origin}/settings/users`, {
      method: "POST",
      headers: { Cookie: b.cookie, "Content-Type": "application/json", Origin: origin },
      body: JSON.stringify({ login: "eve", _csrf: csrf }),
    });
    expect(json.status).toBe(403);
    expect((await s.store.users()).length).toBe(before);
    expect(await s.store.user("eve")).toBeUndefined();
  });

  test("an admin creates a user and sees its token once; the settings page never shows it again", async () => {
    const s = await setup();
    const b = await browser(s);
    const fields = { login: "carol", role: "user", password: "long password", _csrf: await b.csrfOf() };
    const r = await b.post("/settings/users", fields);
    expect(r.status).toBe(200);
    const html = await r.text();
    const token = /glt_[A-Za-z0-9_-]{43}/.exec(html)![0];
    expect(html).toContain("shown only this once");
    expect((await s.store.authenticate(token))?.login).toBe("carol");
    expect(await (await b.get("/settings")).text()).not.toContain(token);
    expect((await signIn(s, "carol", "long password")).session).toBeTruthy();
  });

  test("roles: a user may roll back but not manage users, tokens or envs (403 page, nothing changed)", async () => {
    const s = await setup();
    const b = await browser(s, "bob", "battery staple");
    const settings = await (await b.get("/settings")).text();
    expect(settings).not.toContain("Users and tokens");
    const csrf = await b.csrfOf();
    const u = await b.post("/settings/users", { login: "eve", role: "admin", _csrf: csrf });
    expect(u.status).toBe(403);
    expect(await u.text()).toContain("the user role may not user.manage");
    expect((await b.post("/settings/envs", { name: "prod", kind: "builtin", _csrf: csrf })).status).toBe(403);
    expect((await b.post(`/settings/tokens/1/revoke`, { _csrf: csrf })).status).toBe(403);
    expect(await s.store.user("eve")).toBeUndefined();
    expect(await s.store.env("prod")).toBeUndefined();
    expect((await s.store.tokens("ann")).length).toBe(1);
  });

  test("errors render as HTML in place: a page gets a whole page, an htmx request a fragment", async () => {
    const s = await setup();
    const b = await browser(s);
    const page = await b.get("/envs/nope");
    expect(page.status).toBe(404);
    const html = await page.text();
    expect(html).toStartWith("<!doctype html>");
    expect(html).toContain("environment &quot;nope&quot; does not exist");
    const frag = await b.get("/envs/nope/apps-table", { "HX-Request": "true" });
    expect(frag.status).toBe(404);
    const f = await frag.text();
    expect(f).toStartWith('<div class="error-box" role="alert">');
    const missing = await b.get("/envs/staging/apps/web/nothing-here");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("text/html");
    expect(await missing.text()).toContain("no page at /envs/staging/apps/web/nothing-here");
    const bad = await b.get("/envs/staging?page=abc");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("page must be a whole number");
  });

  test("the page stream sends a named event when the env changes, and resumes after Last-Event-ID", async () => {
    const s = await setup();
    const b = await browser(s);
    const ctl = new AbortController();
    const init = { headers: { Cookie: b.cookie }, signal: ctl.signal };
    const res = await s.app.request(`${origin}/ui/events?topic=env&env=staging`, init);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    s.events.publish({ type: "agent.connected", env: "other" });
    s.events.publish({ type: "agent.connected", env: "staging" });
    let text = "";
    while (!text.includes("apps-changed")) text += new TextDecoder().decode((await reader.read()).value);
    expect(text).toMatch(/id: \S+\.2\nevent: apps-changed\ndata: 1\n/);
    ctl.abort();
    const again = await s.app.request(`${origin}/ui/events?topic=env&env=staging`, {
      headers: { Cookie: b.cookie, "Last-Event-ID": `${s.events.epoch}.1` },
    });
    const r2 = again.body!.getReader();
    let t2 = "";
    while (!t2.includes("apps-changed")) t2 += new TextDecoder().decode((await r2.read()).value);
    expect(t2).toContain(`id: ${s.events.epoch}.2`);
    await r2.cancel();
    const fromPage = await s.app.request(`${origin}/ui/events?topic=env&env=staging&after=${s.events.epoch}.1`, {
      headers: { Cookie: b.cookie },
    });
    const r3 = fromPage.body!.getReader();
    let t3 = "";
    while (!t3.includes("apps-changed")) t3 += new TextDecoder().decode((await r3.read()).value);
    expect(t3).toContain(`id: ${s.events.epoch}.2`);
    await r3.cancel();
    const anon = await s.app.request(`${origin}/ui/events?topic=env&env=staging`);
    expect(anon.status).toBe(401);
    // A viewer that left holds nothing: its hub subscription is gone.
    for (let i = 0; i < 50 && s.events.stats().subscribers > 0; i++) await Bun.sleep(20);
    expect(s.events.stats().subscribers).toBe(0);
  });

  test("a user bound to one env sees only that env: other envs are 403, lists leave them out", async () => {
    const s = await setup();
    await s.store.createEnv(builtinEnv("prod"));
    const sam = { login: "sam", role: "user", env: "staging", password: "long password" };
    await createUser({ store: s.store, repos: undefined as never }, sam);
    const b = await browser(s, "sam", "long password");
    const home = await (await b.get("/")).text();
    expect(home).toContain('id="env-staging"');
    expect(home).not.toContain('id="env-prod"');
    const other = await b.get("/envs/prod");
    expect(other.status).toBe(403);
    expect(await other.text()).toContain("scoped to env staging");
    expect((await b.get("/ui/events?topic=env&env=prod")).status).toBe(403);
    expect((await b.get("/envs/staging")).status).toBe(200);
  });
});
