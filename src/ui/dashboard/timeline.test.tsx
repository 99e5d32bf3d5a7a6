/** The delivery timeline on the app page: each step's time and duration, unrecorded steps, failed rollouts. */
import { expect, test } from "bun:test";
import type { AppState } from "../../core/agent/state.ts";
import { AppPage, Timeline, fragment, took } from "./index.ts";
import { app, now, pod, view, viewer } from "./test-kit.ts";

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
