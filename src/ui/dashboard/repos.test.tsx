/**
 * Repository pages as pure functions: the index (empty, several repos, odd names), a repo's commits
 * (many, with CI links, the branch switcher, paging, deploy targets) and the release follow page
 * through its stages. Snapshots keep the key states; the assertions say what each must show.
 */
import { describe, expect, test } from "bun:test";
import {
  type CommitView,
  DeployConfirm,
  type FollowView,
  ReleaseFollowPage,
  ReleaseProgress,
  RepoPage,
  ReposIndexPage,
  fragment,
  page,
  releaseStage,
  repoPath,
  type Viewer,
} from "./index.ts";

const viewer: Viewer = { login: "ann", role: "admin", csrf: "CSRF123", since: "x.1" };
const now = 1_700_000_000;

const commit = (i: number, over: Partial<CommitView> = {}): CommitView => ({
  sha: `${String(i).padStart(4, "0")}abcdef0123456789`,
  message: `change ${i}\n\nlonger body`,
  author: "Dev One",
  branch: i % 2 ? "main" : "feature/x",
  created: now - i * 3600,
  url: `https://github.com/acme/web/commit/${i}`,
  artifactId: `acme/web-${i}`,
  links: [],
  targets: [{ env: "staging", app: "web", deployable: true }],
  ...over,
});

const noInlineCode = (html: string) => expect(html).not.toMatch(/<script>|<style|style="|onclick=|javascript:/);

describe("repository paths", () => {
  test("owner/name, subgroups with the slash encoded in the owner, and `_` for a name without an owner", () => {
    expect(repoPath("acme/web")).toBe("/repos/acme/web");
    expect(repoPath("group/sub/app")).toBe("/repos/group%2Fsub/app");
    expect(repoPath("solo")).toBe("/repos/_/solo");
    expect(repoPath("acme/we b")).toBe("/repos/acme/we%20b");
  });
});

describe("repositories index", () => {
  test("empty: says how CI makes a repository appear", () => {
    const html = page(ReposIndexPage({ viewer, now, repos: [], complete: true }));
    expect(html).toContain("No artifacts yet.");
    expect(html).toContain("gimlet artifact push -f artifact.json");
    noInlineCode(html);
    expect(html).toMatchSnapshot();
  });

  test("each repo links to its page with its last commit, commit and branch counts", () => {
    const last = {
      sha: "abcdef0123",
      message: "fix it\nbody",
      author: "Dev",
      branch: "main",
      created: now - 120,
      url: "",
    };
    const repos = [
      { name: "acme/web", artifacts: 12, branches: ["main", "a", "b", "c", "d", "e"], last },
      { name: "solo", artifacts: 1, branches: ["main"], last },
    ];
    const html = page(ReposIndexPage({ viewer, now, repos, complete: false }));
    expect(html).toContain('<a href="/repos/acme/web">acme/web</a>');
    expect(html).toContain('<a href="/repos/_/solo">solo</a>');
    expect(html).toContain("12 commits · 6 branches");
    expect(html).toContain("1 commit · 1 branch");
    expect(html).toContain(': main, a, b, c, d</span><span class="muted">, …');
    expect(html).toContain('<span class="msg">fix it</span>');
    expect(html).toContain('<time datetime="2023-11-14T22:11:20Z" title="2023-11-14T22:11:20Z">2 min ago</time>');
    expect(html).toContain("From the newest artifacts only");
    noInlineCode(html);
  });
});

describe("a repository's page", () => {
  const branches = [
    { name: "main", count: 13 },
    { name: "feature/x", count: 12 },
  ];
  const props = { viewer, now, repo: "acme/web", branch: "", branches, page: 1, more: false };

  test("many commits: sha, first line, author, branch, relative time with the absolute one in the title", () => {
    const commits = Array.from({ length: 20 }, (_, i) => commit(i + 1));
    const html = page(RepoPage({ ...props, commits, more: true }));
    expect(html.match(/<li id="commit-/g)?.length).toBe(20);
    expect(html).toContain('<a href="https://github.com/acme/web/commit/1" rel="noopener noreferrer">');
    expect(html).toContain('<code title="0001abcdef0123456789">0001abcd</code>');
    expect(html).toContain('<span class="msg">change 1</span>');
    expect(html).not.toContain("longer body");
    expect(html).toContain('<time datetime="2023-11-14T21:13:20Z" title="2023-11-14T21:13:20Z">1 h ago</time>');
    expect(html).toContain('<a href="/repos/acme/web?branch=feature%2Fx">feature/x</a>');
    // Paging keeps the branch; the first page has no "newer" link.
    expect(html).toContain('<a href="/repos/acme/web?page=2">Older →</a>');
    expect(html).not.toContain("← Newer");
    noInlineCode(html);
    expect(html).toMatchSnapshot();
  });

  test("the branch switcher is a GET form with the current branch selected; an unknown one is kept", () => {
    const html = page(RepoPage({ ...props, branch: "feature/x", commits: [commit(2)], page: 2, more: true }));
    expect(html).toContain('<form method="get" action="/repos/acme/web" class="filters">');
    expect(html).toContain('<label for="branch">Branch</label><select id="branch" name="branch">');
    expect(html).toContain('<option value="feature/x" selected>feature/x (12)</option>');
    expect(html).toContain("<option value>All branches</option>");
    expect(html).toContain('<a href="/repos/acme/web?branch=feature%2Fx">← Newer</a>');
    expect(html).toContain('<a href="/repos/acme/web?branch=feature%2Fx&amp;page=3">Older →</a>');
    const gone = page(RepoPage({ ...props, branch: "deleted", commits: [] }));
    expect(gone).toContain('<option value="deleted" selected>deleted</option>');
    expect(gone).toContain("No commits on deleted.");
  });

  test("CI links from the artifact's items, escaped; deploy targets as forms, blocked ones with the reason", () => {
    const links = [
      { name: "CI", url: "https://github.com/acme/web/actions/runs/1" },
      { name: "<b>tests</b>", url: "https://ci.example/run?a=1&b=2" },
    ];
    const targets = [
      { env: "staging", app: "web", deployable: true },
      { env: "production", app: "web", deployable: false },
      { env: "nowhere", app: "web", deployable: false, blocked: "no such environment on this server" },
    ];
    const html = page(RepoPage({ ...props, commits: [commit(1, { links, targets })] }));
    expect(html).toContain(
      '<a href="https://github.com/acme/web/actions/runs/1" rel="noopener noreferrer" class="ci-link">CI</a>',
    );
    expect(html).toContain('href="https://ci.example/run?a=1&amp;b=2"');
    expect(html).toContain("&lt;b>tests&lt;/b>");
    expect(html).toContain('<form method="get" action="/repos/deploy" class="inline">');
    expect(html).toContain('<input type="hidden" name="artifact" value="acme/web-1"/>');
    expect(html).toContain("Deploy to staging/web…");
    expect(html).not.toContain("Deploy to production/web…");
    expect(html).toContain("production/web</span>");
    expect(html).toContain("nowhere/web (no such environment on this server)");
    expect(html.match(/action="\/repos\/deploy"/g)?.length).toBe(1);
    expect(html).toMatchSnapshot();
  });

  test("a commit without targets or links shows neither; an empty first page says so", () => {
    const html = page(RepoPage({ ...props, commits: [commit(1, { targets: [], links: [], author: "", url: "" })] }));
    expect(html).not.toContain("Deploy targets");
    expect(html).not.toContain("ci-link");
    expect(html).toContain('<code title="0001abcdef0123456789">0001abcd</code>');
    expect(page(RepoPage({ ...props, commits: [] }))).toContain("No commits on any branch.");
  });
});

const release = (over: Partial<FollowView> = {}): FollowView => ({
  id: "ev-1",
  status: "processed",
  statusDesc: "",
  created: now - 30,
  env: "staging",
  app: "web",
  triggeredBy: "ann",
  artifact: { id: "acme/web-1", repo: "acme/web", sha: "abcdef0123456", message: "change 1", url: "" },
  results: [],
  ...over,
});
type Result = FollowView["results"][number];
const result = (flux: string, over: Partial<Result> = {}): Result => ({
  env: "staging",
  app: "web",
  hash: "0123456789abcdef0123456789abcdef01234567",
  status: "success",
  statusDesc: "",
  flux,
  fluxDesc: flux ? "Applied revision main@sha1:0123" : "",
  ...(flux ? { fluxAt: now - 5 } : {}),
  ...over,
});

describe("following a release", () => {
  test("its stage: queued, writing, committed, applying, applied, failed, nothing to change", () => {
    expect(releaseStage(release({ status: "new" })).label).toBe("queued");
    expect(releaseStage(release({ status: "processing" })).label).toBe("writing");
    expect(releaseStage(release({ results: [result("")] })).label).toBe("committed");
    expect(releaseStage(release({ results: [result("Progressing")] })).label).toBe("applying");
    expect(releaseStage(release({ results: [result("ReconciliationSucceeded")] }))).toEqual({
      label: "applied",
      kind: "ok",
    });
    expect(releaseStage(release({ results: [result("ReconciliationFailed")] })).label).toBe("failed");
    expect(releaseStage(release({ status: "error", statusDesc: "boom" })).label).toBe("failed");
    const failure = result("", { hash: "", status: "failure", statusDesc: "render failed" });
    expect(releaseStage(release({ results: [failure] })).label).toBe("failed");
    expect(releaseStage(release({ results: [result("", { hash: "", status: "skipped" })] })).label).toBe(
      "nothing to change",
    );
  });

  test("the page follows its env/app stream; the progress refetches itself on each event", () => {
    const html = page(ReleaseFollowPage({ viewer, now, repo: "acme/web", release: release({ status: "new" }) }));
    expect(html).toContain('hx-sse:connect="/ui/events?topic=app&amp;env=staging&amp;app=web&amp;after=x.1"');
    expect(html).toContain('hx-get="/repos/acme/web/deploys/ev-1/progress"');
    expect(html).toContain('hx-trigger="app-changed from:body delay:150ms"');
    expect(html).toContain("waiting in the queue");
    expect(html).toContain("<noscript>");
    noInlineCode(html);
  });

  test("applied: the commit, Flux's word with its time, and the link to the app's timeline", () => {
    const html = fragment(
      ReleaseProgress({ release: release({ results: [result("ReconciliationSucceeded")] }), repo: "acme/web", now }),
    );
    expect(html).toContain('<span class="badge b-ok">applied</span>');
    expect(html).toContain('gitops commit <code title="0123456789abcdef0123456789abcdef01234567">01234567</code>');
    expect(html).toContain('<li class="t-ok" title="Applied revision main@sha1:0123">Flux applied <time');
    expect(html).toContain('href="/envs/staging/apps/web#release-0123456789ab"');
    expect(html).toMatchSnapshot();
  });

  test("failures say why: the request's error, or the app's", () => {
    const err = fragment(
      ReleaseProgress({ release: release({ status: "error", statusDesc: "env gone" }), repo: "r/x", now }),
    );
    expect(err).toContain('<li class="t-bad">failed: env gone</li>');
    const failure = result("", { hash: "", status: "failure", statusDesc: "render failed: bad values" });
    const app = fragment(ReleaseProgress({ release: release({ results: [failure] }), repo: "r/x", now }));
    expect(app).toContain('<li class="t-bad">failed: render failed: bad values</li>');
    expect(app).not.toContain("waiting for Flux");
  });

  test("the deploy confirmation leads back to the repository", () => {
    const artifact = { id: "acme/web-1", repo: "acme/web", sha: "abc", message: "m", author: "", url: "" };
    const html = page(DeployConfirm({ viewer, artifact, env: "staging", app: "web", files: [] }));
    expect(html).toContain('<a href="/repos">Repositories</a> / <a href="/repos/acme/web">acme/web</a> / deploy');
    expect(html).toContain('<a href="/repos/acme/web">Cancel</a>');
    expect(html).toContain("No gitops file would change.");
  });
});
