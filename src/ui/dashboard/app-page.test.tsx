/** The app page: pods with their state, release history with rollback and restart by rights, the logs form. */
import { describe, expect, test } from "bun:test";
import { AppPage, containersOf, fragment, LogsForm, page } from "./index.ts";
import { app, now, pod, view, viewer } from "./test-kit.ts";

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
