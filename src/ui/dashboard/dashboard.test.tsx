/**
 * Dashboard pages and fragments as pure functions: empty, healthy, failing and stale-agent states,
 * escaping, paging. The app page is tested in app-page.test.tsx, its delivery timeline in timeline.test.tsx.
 */
import { describe, expect, test } from "bun:test";
import type { EnvStateView } from "../../core/agent/view.ts";
import {
  ActivityList,
  AppsTable,
  EnvPage,
  EnvsPage,
  LoginPage,
  SettingsPage,
  appHealth,
  appRows,
  filterApps,
  fragment,
  page,
} from "./index.ts";
import { app, now, pod, view, viewer } from "./test-kit.ts";

const envSummary = (live?: EnvStateView) => ({
  name: "staging",
  repoUrl: "",
  builtin: true,
  branch: "main",
  created: now,
  ...(live ? { live } : {}),
});

describe("environments page", () => {
  test("empty: says how to create an env, with the command and the form", () => {
    const html = page(EnvsPage({ viewer, envs: [], now, serverUrl: "https://gimlet.example", canCreate: true }));
    expect(html).toContain("No environments yet.");
    expect(html).toContain("gimlet env create staging --builtin");
    expect(html).toContain('action="/settings/envs"');
    expect(html).toContain('name="_csrf" value="CSRF123"');
  });

  test("healthy: agent online, counts, Flux ready with the applied revision, no next steps", () => {
    const live = view([app("web", [pod("web-1", "Running")]), app("api", [pod("api-1", "Running")])]);
    const html = page(EnvsPage({ viewer, envs: [envSummary(live)], now, serverUrl: "https://g", canCreate: false }));
    expect(html).toContain("agent online");
    expect(html).toContain("2 healthy");
    expect(html).toContain("0 failing");
    expect(html).toContain("applied <code>01234567</code>");
    expect(html).not.toContain("Next steps");
    expect(html).not.toContain('action="/settings/envs"');
  });

  test("stale agent: offline with last seen, the state's age; a new env gets bootstrap and agent commands", () => {
    const stale = view([app("web", [pod("web-1", "CrashLoopBackOff", "0/1")])], {
      agent: { connected: false, lastSeen: now - 7200 },
      stale: true,
      updated: now - 7200,
    });
    const html = page(EnvsPage({ viewer, envs: [envSummary(stale)], now, serverUrl: "https://g", canCreate: true }));
    expect(html).toContain("agent offline");
    expect(html).toContain('title="2023-11-14T20:13:20Z">2 h ago</time>');
    expect(html).toContain("1 failing");
    const fresh = page(EnvsPage({ viewer, envs: [envSummary()], now, serverUrl: "https://g", canCreate: true }));
    expect(fresh).toContain("never connected");
    expect(fresh).toContain("gimlet env bootstrap staging --host https://g --data-dir DATA_DIR\n");
    const known = {
      viewer,
      envs: [envSummary()],
      now,
      serverUrl: "https://g",
      local: "--data-dir /srv/gimlet",
      canCreate: true,
    };
    // `env bootstrap` works on the data dir, not through the server: copied as shown, it must find it.
    expect(page(EnvsPage(known))).toContain("gimlet env bootstrap staging --host https://g --data-dir /srv/gimlet\n");
    expect(fresh).toContain("gimlet agent manifests --env staging --server https://g");
  });
});

describe("env page", () => {
  const status = {
    web: {
      app: "web",
      env: "staging",
      gitopsRef: "",
      gitopsRepo: "",
      triggeredBy: "ann",
      created: now - 120,
      version: {
        repositoryName: "acme/web",
        sha: "abcdef1234567",
        message: "Fix <script>alert(1)</script>",
        authorName: "Dev",
        url: "https://ci/1",
      },
    },
    api: null,
  };

  test("healthy and failing rows: sha, message escaped, author, pods x/y with the failing pod's reason", () => {
    const live = view([
      app("web", [pod("web-1", "Running"), pod("web-2", "Running")]),
      app("api", [pod("api-1", "CrashLoopBackOff", "0/1", "back-off restarting failed container")], "failed"),
    ]);
    const rows = filterApps(appRows(status, live), { page: 1, size: 50 });
    const query = { page: 1, size: 50 };
    const html = page(EnvPage({ viewer, env: "staging", now, live, rows, query, repos: ["acme/web"] }));
    expect(html).toContain('<tr id="app-web" class="h-healthy">');
    expect(html).toContain('<tr id="app-api" class="h-failing">');
    expect(html).toContain("Fix &lt;script>alert(1)&lt;/script>");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("abcdef12");
    expect(html).toContain('title="back-off restarting failed container">CrashLoopBackOff</span>');
    expect(html).toContain("2/2");
    expect(html).toContain("by ann");
    expect(html).toContain('hx-trigger="apps-changed from:body delay:150ms"');
  });

  test("empty env: how to deploy; filtered to nothing: how to clear the filters", () => {
    const rows = filterApps([], { page: 1, size: 50 });
    const empty = fragment(AppsTable({ env: "staging", rows, query: { page: 1, size: 50 }, now }));
    expect(empty).toContain("Nothing is deployed to staging yet.");
    expect(empty).toContain("gimlet release make --env staging");
    const none = fragment(AppsTable({ env: "staging", rows, query: { q: "x", page: 1, size: 50 }, now }));
    expect(none).toContain("No app matches these filters.");
  });

  test("search, failing-only and repo filters; server-side paging keeps the query", () => {
    const apps = Array.from({ length: 120 }, (_, i) =>
      app(`app-${String(i).padStart(3, "0")}`, [
        pod(`p${i}`, i % 10 ? "Running" : "ImagePullBackOff", i % 10 ? "1/1" : "0/1"),
      ]),
    );
    const rows = appRows({}, view(apps));
    expect(filterApps(rows, { failing: true, page: 1, size: 50 }).total).toBe(12);
    expect(filterApps(rows, { q: "APP-01", page: 1, size: 50 }).total).toBe(10);
    expect(filterApps(rows, { repo: "other/repo", page: 1, size: 50 }).total).toBe(0);
    const p3 = filterApps(rows, { q: "app", page: 3, size: 50 });
    expect([p3.page, p3.pages, p3.items.length, p3.items[0]!.name]).toEqual([3, 3, 20, "app-100"]);
    const html = fragment(AppsTable({ env: "staging", rows: p3, query: { q: "app", page: 3, size: 50 }, now }));
    expect(html).toContain('href="/envs/staging?q=app&amp;page=2"');
    expect(html).toContain("Page 3 of 3 (120)");
  });
});

test("activity: error message, targets linked, gitops commits with Flux status", () => {
  const html = fragment(
    ActivityList({
      now,
      filter: { offset: 0 },
      more: true,
      items: [
        {
          id: "ev1",
          type: "release",
          status: "error",
          statusDesc: "render failed: bad values",
          created: now - 10,
          repository: "",
          sha: "",
          triggeredBy: "ann",
          targets: [{ env: "staging", app: "web" }],
          commits: [],
        },
        {
          id: "ev2",
          type: "artifact",
          status: "processed",
          statusDesc: "",
          created: now - 100,
          repository: "acme/web",
          sha: "abc12345",
          targets: [{ env: "staging", app: "web" }],
          commits: [{ sha: "c".repeat(40), env: "staging", status: "ReconciliationSucceeded", desc: "" }],
        },
      ],
    }),
  );
  expect(html).toContain('<p class="reason">render failed: bad values</p>');
  expect(html).toContain('href="/envs/staging/apps/web"');
  expect(html).toContain(">applied</span>");
  expect(html).toContain('href="/activity?offset=50"');
});

test("settings: a new token is shown once; token values of others never appear; login page keeps next", () => {
  const html = page(
    SettingsPage({
      viewer,
      now,
      serverUrl: "https://g",
      isAdmin: true,
      envs: [],
      users: [{ login: "ci", role: "user", env: "", created: now, tokens: [{ id: 3, created: now, lastUsed: 0 }] }],
      newToken: { login: "ci", token: "glt_secret" },
    }),
  );
  expect(html).toContain("glt_secret");
  expect(html).toContain('action="/settings/tokens/3/revoke"');
  const again = page(SettingsPage({ viewer, now, serverUrl: "https://g", isAdmin: true, envs: [], users: [] }));
  expect(again).not.toContain("glt_");
  const login = page(LoginPage({ csrf: "L", next: "/envs/x?q=1" }));
  expect(login).toContain('name="next" value="/envs/x?q=1"');
});

test("health: unknown without live state, progressing while rolling out or pending, failing on a bad pod", () => {
  expect(appHealth(undefined)).toBe("unknown");
  expect(appHealth(app("a", [pod("p", "Running")]))).toBe("healthy");
  expect(appHealth(app("a", [pod("p", "Pending", "0/1")]))).toBe("progressing");
  expect(appHealth(app("a", [pod("p", "Running")], "progressing"))).toBe("progressing");
  expect(appHealth(app("a", [pod("p", "OOMKilled", "0/1")]))).toBe("failing");
  expect(appHealth(app("a", [pod("p", "Init:ImagePullBackOff", "0/1")]))).toBe("failing");
});
