/**
 * Dashboard pages and fragments as pure functions: empty, healthy, failing and stale-agent states,
 * escaping, paging.
 */
import { describe, expect, test } from "bun:test";
import type { AppState } from "../../core/agent/state.ts";
import type { EnvStateView } from "../../core/agent/view.ts";
import {
  ActivityList,
  AppPage,
  AppsTable,
  containersOf,
  EnvPage,
  EnvsPage,
  LoginPage,
  LogsForm,
  SettingsPage,
  Timeline,
  appHealth,
  appRows,
  filterApps,
  fragment,
  page,
  took,
  type Viewer,
} from "./index.ts";

const viewer: Viewer = { login: "ann", role: "admin", csrf: "CSRF123" };
const now = 1_700_000_000;

const pod = (name: string, status: string, ready = "1/1", statusDescription?: string) => ({
  name,
  status,
  ready,
  restarts: status === "CrashLoopBackOff" ? 7 : 0,
  node: "n1",
  createdAt: "2023-11-14T22:00:00Z",
  ...(statusDescription ? { statusDescription } : {}),
});

type Rollout = "complete" | "progressing" | "failed";
const app = (name: string, pods: ReturnType<typeof pod>[], rollout: Rollout = "complete"): AppState => ({
  key: `default/${name}`,
  name,
  namespace: "default",
  service: name,
  repo: "acme/web",
  sha: "abc1234",
  workload: {
    kind: "Deployment",
    name,
    image: `nginx:${name}`,
    replicas: {
      desired: pods.length,
      updated: pods.length,
      ready: pods.filter((p) => p.status === "Running").length,
      available: 0,
    },
    rollout: { status: rollout },
  },
  pods,
  ingresses: [{ name, url: `https://${name}.example.com` }],
  events: [],
});

const view = (apps: AppState[], o: Partial<EnvStateView> = {}): EnvStateView => ({
  env: "staging",
  agent: { connected: true, lastSeen: now },
  stale: false,
  updated: now - 30,
  state: {
    env: "staging",
    apps,
    flux: [
      {
        kind: "Kustomization",
        namespace: "flux-system",
        name: "gitops-staging",
        ready: "True",
        appliedRevision: "main@sha1:0123456789abcdef",
      },
    ],
  },
  ...o,
});

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

describe("app page", () => {
  const history = [
    {
      created: now - 60,
      gitopsRef: "b".repeat(40),
      rolledBack: false,
      triggeredBy: "ann",
      version: { repositoryName: "acme/web", sha: "bbbbbbb1", message: "second" },
      gitopsCommitStatus: "ReconciliationSucceeded",
    },
    {
      created: now - 3600,
      gitopsRef: "a".repeat(40),
      rolledBack: true,
      triggeredBy: "policy",
      version: { repositoryName: "acme/web", sha: "aaaaaaa1", message: "first" },
      gitopsCommitStatus: "ReconciliationFailed",
    },
  ];

  test("failing pod shows status, reason and restarts; history marks current, rolled back and Flux state", () => {
    const live = view([app("web", [pod("web-1", "CrashLoopBackOff", "0/1", "exit code 1")], "failed")]);
    const html = page(
      AppPage({
        viewer,
        env: "staging",
        app: "web",
        now,
        history,
        more: false,
        offset: 0,
        live,
        state: live.state.apps[0],
        canRollback: true,
        canRestart: true,
      }),
    );
    expect(html).toContain('<tr id="pod-web-1">');
    expect(html).toContain("CrashLoopBackOff");
    expect(html).toContain('<div class="small reason">exit code 1</div>');
    expect(html).toContain('action="/envs/staging/apps/web/restart"');
    expect(html).toMatch(/second<\/span><span class="badge b-info">current<\/span>/);
    expect(html).toContain("rolled back");
    expect(html).toContain(">applied</span>");
    expect(html).toContain(">failed</span>");
    // Only releases neither current nor rolled back offer a rollback.
    expect(html.match(/Roll back to this/g)).toBeNull();
  });

  test("a user without rights sees no rollback or restart; no live state says why", () => {
    const html = page(
      AppPage({
        viewer,
        env: "staging",
        app: "web",
        now,
        history: [],
        more: false,
        offset: 0,
        canRollback: false,
        canRestart: false,
      }),
    );
    expect(html).toContain("No releases of this app yet.");
    expect(html).toContain("No live state: no agent reports for this env.");
    expect(html).not.toContain("Restart");
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

test("delivery timeline: every step with its time, absolute in the tooltip, its duration; unrecorded ones say so", () => {
  const at = (step: string, t: number, took?: number, note?: string) => ({
    step,
    at: t,
    recorded: true,
    ...(took !== undefined ? { took } : {}),
    ...(note ? { note } : {}),
  });
  const steps = [
    at("artifact created", now - 400, undefined, "the CI commit's time"),
    at("artifact received", now - 100, 300),
    at("release requested", now - 99, 1),
    at("gitops commit made", now - 97, 2),
    at("pushed", now - 97, 0, "hosted by gimlet: the commit is served as made"),
    at("Flux applied", now - 40, 57, "now applied"),
    { step: "rollout complete", recorded: false, note: "the agent has not reported it" },
  ];
  const version = { repositoryName: "acme/web", sha: "abc1234" };
  const entry = { created: now - 97, gitopsRef: "d".repeat(40), rolledBack: false, version, delivery: steps };
  const page = (rollout: AppState["workload"]) =>
    fragment(
      AppPage({
        viewer,
        env: "staging",
        app: "web",
        now,
        history: [entry],
        more: false,
        offset: 0,
        canRollback: false,
        canRestart: false,
        state: { ...app("web", [pod("web-1", "Running")]), sha: "abc1234", workload: rollout },
        live: view([]),
      }),
    );
  const workload = (status: string) =>
    ({
      kind: "Deployment",
      name: "web",
      image: "nginx:1",
      sha: "abc1234",
      replicas: { desired: 1, ready: 0, updated: 1, available: 0 },
      rollout: { status },
    }) as NonNullable<AppState["workload"]>;
  const html = page(workload("progressing"));
  expect(html).toContain('aria-label="Delivery"');
  const items = [...html.matchAll(/<li class="t-(\w+)"[^>]*>([a-zA-Z ]+?) </g)].map((m) => `${m[1]} ${m[2]}`);
  expect(items).toEqual([
    "ok artifact created",
    "ok artifact received",
    "ok release requested",
    "ok gitops commit made",
    "ok pushed",
    "ok Flux applied",
    "warn rollout complete",
  ]);
  // The first step has no step before it: a time, no duration.
  expect(html).toContain(
    `<li class="t-ok" title="the CI commit's time">artifact created <time datetime="2023-11-14T22:06:40Z" ` +
      'title="2023-11-14T22:06:40Z">7 min ago</time></li>',
  );
  expect(html).toContain(
    'artifact received <time datetime="2023-11-14T22:11:40Z" title="2023-11-14T22:11:40Z">2 min ago</time> ' +
      '<span class="muted" title="since the step before">+5 min</span>',
  );
  expect(html).toMatch(/release requested <time [^>]*>2 min ago<\/time> <span[^>]*>\+1 s<\/span>/);
  expect(html).toMatch(/pushed <time datetime="2023-11-14T22:11:43Z"[^>]*>2 min ago<\/time> <span[^>]*>\+0 s</);
  expect(html).toMatch(/title="now applied">Flux applied <time [^>]*>just now<\/time> <span[^>]*>\+57 s</);
  // Not recorded yet: said so, with what the agent shows now of the current release.
  expect(html).toContain('rollout complete <span class="muted">not recorded (the agent shows the rollout progressing)');
  expect(page(workload("failed"))).toContain('<li class="t-bad">rollout complete <span class="muted">not recorded');
  // Without live state of this release: the step's own note.
  expect(page(undefined)).toContain("not recorded (the agent has not reported it)");
  expect(took(7300)).toBe("+2 h");
  expect(took(119)).toBe("+119 s");
  expect(took(-3)).toBe("+0 s");
  const failed = fragment(
    Timeline({
      steps: [{ step: "Flux applied", recorded: false, note: "not applied yet; Flux says failed: boom" }],
      now,
    }),
  );
  expect(failed).toContain('<li class="t-bad">Flux applied <span class="muted">not recorded (not applied yet;');
  expect(failed).not.toContain("<time");
});

test("logs: a container picker lists the pods' containers when there is a choice, none for one container", () => {
  const pods = [
    { ...pod("web-1", "Running", "2/2"), containers: ["app", "proxy"] },
    { ...pod("web-2", "Running", "3/3"), containers: ["app", "proxy", "debug"] },
  ];
  expect(containersOf(pods)).toEqual(["app", "proxy", "debug"]);
  const html = fragment(
    LogsForm({ env: "staging", app: "web", pods: ["web-1", "web-2"], containers: containersOf(pods) }),
  );
  expect(html).toContain('<select id="log-container" name="container">');
  expect(html).toContain("<option value>the first (app)</option>");
  expect(html).toContain('<option value="debug">debug</option>');
  const single = fragment(
    LogsForm({ env: "staging", app: "web", pods: ["web-1"], containers: containersOf([pod("web-1", "Running")]) }),
  );
  expect(single).not.toContain("log-container");
});

test("delivery timeline: a rollout recorded failed is shown failed with its time, whatever the agent shows now", () => {
  const failed = {
    step: "rollout complete",
    recorded: false,
    note: "the rollout failed at 2023-11-14T22:13:20Z",
    failedAt: now,
  };
  const html = fragment(Timeline({ steps: [failed], now, rollout: "progressing" }));
  expect(html).toContain('class="t-bad"');
  expect(html).toContain("not recorded (the rollout failed at 2023-11-14T22:13:20Z)");
  expect(html).not.toContain("the agent shows the rollout progressing");
  const waiting = fragment(
    Timeline({ steps: [{ ...failed, failedAt: undefined, note: "x" }], now, rollout: "progressing" }),
  );
  expect(waiting).toContain('class="t-warn"');
  expect(waiting).toContain("(the agent shows the rollout progressing)");
});
