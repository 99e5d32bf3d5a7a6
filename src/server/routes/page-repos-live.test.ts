/**
 * The repository pages follow new artifacts: the hub publishes `artifact.received` when one is stored,
 * the page's stream names `commits-changed` (the repo's page, on its branch) or `repos-changed` (the
 * index), and the fragments those refetch render the new commit. Env-bound viewers get the event only
 * for artifacts deploying to their env.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { createUser } from "../../ops/index.ts";
import { eventFor } from "../policy.ts";
import { pageEvents } from "./ui-events.ts";
import { browser, builtinEnv, cleanUp, origin, pushArtifact, type Setup, setup } from "../test-kit.ts";

afterAll(cleanUp);

const artifact = (sha: string, o: { repo?: string; branch?: string; env?: string } = {}) => ({
  version: {
    repositoryName: o.repo ?? "acme/web",
    sha,
    branch: o.branch ?? "main",
    event: "push",
    message: `change ${sha}`,
    authorName: "Dev One",
  },
  environments: [{ app: "web", env: o.env ?? "staging", namespace: "default", values: {} }],
});

/** Opens a page's stream as `cookie`; `next()` reads up to the next page event (heartbeats skipped). */
async function stream(s: Setup, cookie: string, query: string) {
  const ctl = new AbortController();
  const res = await s.app.request(`${origin}/ui/events?${query}`, { headers: { Cookie: cookie }, signal: ctl.signal });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let buf = "";
  const next = async (ms = 3000): Promise<{ event: string; id: string } | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = /(?:^|\n)id: ([^\n]*)\nevent: ([^\n]*)\ndata: [^\n]*\n\n/.exec(buf);
      if (m) {
        buf = buf.slice(m.index + m[0].length);
        return { id: m[1]!, event: m[2]! };
      }
      if (Date.now() > deadline) return undefined;
      const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => undefined)]);
      if (chunk?.value) buf += new TextDecoder().decode(chunk.value);
    }
  };
  return { next, close: () => ctl.abort() };
}

/** The hub's id of the event published last (the `artifact.received` of a push just made). */
const lastId = (s: Setup) => s.events.wireId(s.events.stats().published);

describe("repository pages live", () => {
  test("a new artifact on the branch shown: the repo's stream says commits-changed, the fragment has it", async () => {
    const s = await setup();
    await pushArtifact(s, artifact("aaa0001"));
    const b = await browser(s);
    const html = await (await b.get("/repos/acme/web?branch=main")).text();
    expect(html).toMatch(/hx-sse:connect="\/ui\/events\?topic=repo&amp;repo=acme%2Fweb&amp;branch=main&amp;after=/);
    expect(html).toContain('hx-get="/repos/acme/web/commits?branch=main"');
    expect(html).toContain('hx-trigger="commits-changed from:body delay:150ms"');

    const repo = await stream(s, b.cookie, "topic=repo&repo=acme%2Fweb&branch=main");
    const index = await stream(s, b.cookie, "topic=repos");
    // Another branch: only the branch switcher's business; another repo: not this page's (the index's, though).
    await pushArtifact(s, artifact("fea0001", { branch: "feature" }));
    expect(await repo.next()).toEqual({ event: "branches-changed", id: lastId(s) });
    await pushArtifact(s, artifact("api0001", { repo: "acme/api" }));
    await pushArtifact(s, artifact("bbb0002"));
    const wanted = lastId(s);
    expect(await repo.next()).toEqual({ event: "commits-changed", id: wanted });
    expect(await repo.next()).toEqual({ event: "branches-changed", id: wanted });
    expect(await repo.next(600)).toBeUndefined();
    let seen = await index.next();
    while (seen && seen.id !== wanted) seen = await index.next();
    expect(seen).toEqual({ event: "repos-changed", id: wanted });
    repo.close();
    index.close();

    const fragment = await (await b.get("/repos/acme/web/commits?branch=main", { "HX-Request": "true" })).text();
    expect(fragment).toStartWith('<section class="card" id="commits"');
    expect(fragment).toContain('hx-trigger="commits-changed from:body delay:150ms"');
    expect(fragment.indexOf("change bbb0002")).toBeLessThan(fragment.indexOf("change aaa0001"));
    expect(fragment).not.toContain("change fea0001");
    expect(fragment).not.toContain("<html");

    const list = await (await b.get("/fragments/repos", { "HX-Request": "true" })).text();
    expect(list).toStartWith('<div id="repos"');
    expect(list).toContain('<a href="/repos/acme/api">acme/api</a>');
    expect(list).toContain('<span class="msg">change bbb0002</span>');
  });

  test("a push on a new branch: the switcher's options refetch with the new branch, the select's choice kept", async () => {
    const s = await setup();
    await pushArtifact(s, artifact("aaa0001"));
    await pushArtifact(s, artifact("fea0001", { branch: "feature" }));
    const b = await browser(s);
    const html = await (await b.get("/repos/acme/web?branch=main")).text();
    // Only the options swap, inside the select: it stays (and keeps focus); htmx sends its value as `branch`.
    expect(html).toContain(
      '<select id="branch" name="branch" hx-get="/repos/acme/web/branches" ' +
        'hx-trigger="branches-changed from:body delay:150ms" hx-swap="innerHTML">',
    );
    expect(html).not.toContain("hotfix");

    await pushArtifact(s, artifact("hot0001", { branch: "hotfix" }));
    await pushArtifact(s, artifact("hot0002", { branch: "hotfix" }));
    // The reader picked "feature" but has not submitted: it stays selected.
    const options = await (await b.get("/repos/acme/web/branches?branch=feature", { "HX-Request": "true" })).text();
    expect(options).toBe(
      // Newest branch first, as on the page.
      "<option value>All branches</option>" +
        '<option value="hotfix">hotfix (2)</option>' +
        '<option value="feature" selected>feature (1)</option>' +
        '<option value="main">main (1)</option>',
    );
    const all = await (await b.get("/repos/acme/web/branches?branch=")).text();
    expect(all).toStartWith("<option value selected>All branches</option>");
    // A branch no artifact names any more (a link from before) stays as the choice, as on the page.
    const gone = await (await b.get("/repos/acme/web/branches?branch=gone")).text();
    expect(gone).toEndWith('<option value="gone" selected>gone</option>');
    expect((await b.get("/repos/acme/nope/branches")).status).toBe(404);
    expect((await b.get("/repos/acme/web/branches?branch=a%00b")).status).toBe(400);
  });

  test("the index page listens; a later page of commits does not (its rows would shift)", async () => {
    const s = await setup();
    for (let i = 0; i < 21; i++) await pushArtifact(s, artifact(`abc${String(i).padStart(4, "0")}`));
    const b = await browser(s);
    const index = await (await b.get("/repos")).text();
    expect(index).toMatch(/hx-sse:connect="\/ui\/events\?topic=repos&amp;after=/);
    expect(index).toContain('hx-get="/fragments/repos"');
    const second = await (await b.get("/repos/acme/web?page=2")).text();
    expect(second).toContain("change abc0000");
    expect(second).not.toContain("hx-sse:connect");
    expect(second).not.toContain("commits-changed");
    expect(second).not.toContain("branches-changed");
    const first = await (await b.get("/repos/acme/web")).text();
    expect(first).toContain('hx-get="/repos/acme/web/commits"');
  });

  test("an env-bound viewer gets the event only for artifacts deploying to its env", async () => {
    const s = await setup();
    await s.store.createEnv(builtinEnv("prod"));
    await createUser(s, { login: "pat", role: "user", env: "prod", password: "long password" });
    await pushArtifact(s, artifact("aaa0001"));
    const pat = await browser(s, "pat", "long password");
    const repo = await stream(s, pat.cookie, "topic=repo&repo=acme%2Fweb");
    const index = await stream(s, pat.cookie, "topic=repos");
    await pushArtifact(s, artifact("stg0001", { env: "staging" }));
    await pushArtifact(s, artifact("prd0001", { env: "prod" }));
    const wanted = lastId(s);
    expect(await repo.next()).toEqual({ event: "commits-changed", id: wanted });
    expect(await index.next()).toEqual({ event: "repos-changed", id: wanted });
    repo.close();
    index.close();

    const e = { type: "artifact.received", artifactId: "x", repo: "acme/web", branch: "main" } as const;
    const bound = { role: "user" as const, env: "prod" };
    expect(eventFor(bound, { ...e, envs: ["staging"] })).toBeUndefined();
    expect(eventFor(bound, { ...e, envs: ["staging", "prod"] })).toEqual({ ...e, envs: ["prod"] });
    expect(eventFor({ role: "user", env: "" }, { ...e, envs: ["staging"] })).toEqual({ ...e, envs: ["staging"] });
  });

  test("a resync (the page fell behind) refetches both the commits and the switcher", () => {
    const t = { kind: "repo", repo: "acme/web", branch: "main" } as const;
    expect(pageEvents(t, [{ kind: "resync", reason: "queue full" }])).toEqual(["commits-changed", "branches-changed"]);
    expect(pageEvents({ kind: "repos" }, [{ kind: "resync", reason: "queue full" }])).toEqual(["repos-changed"]);
  });

  test("a repo stream names its repo; control characters or no repo are a 400", async () => {
    const s = await setup();
    const b = await browser(s);
    expect((await b.get("/ui/events?topic=repo")).status).toBe(400);
    expect((await b.get("/ui/events?topic=repo&repo=a%0Ab")).status).toBe(400);
    const bad = await b.get("/ui/events?topic=repo&repo=acme%2Fweb&branch=x%00");
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("branch must be at most 255 characters without control characters");
  });
});
