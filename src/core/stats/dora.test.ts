import { describe, expect, test } from "bun:test";
import { doraStats, healthyAt, percentile, releaseFailed, type StatRelease } from "./dora.ts";

const day = 86_400;
const t0 = 1_700_000_000;

const rel = (app: string, commitTime: number, o: Partial<StatRelease> = {}): StatRelease => ({
  env: "prod",
  app,
  commitTime,
  fluxFailed: false,
  ...o,
});

/**
 * Ten days of web and api releases whose figures are worked out by hand:
 * web: 7 releases, one rolled back 30 min later (inside the 24 h window), one rolled back 2 days
 * later (outside it), one failed in Flux and fixed by the next release 2 h later;
 * api: 4 releases, one whose rollout failed (Flux applied it) restored when the next one's rollout
 * completed, and the last failed in Flux and never restored.
 */
const history: StatRelease[] = [
  rel("web", t0 + 1 * day, { sourceTime: t0 + 1 * day - 600, appliedTime: t0 + 1 * day + 60 }),
  rel("web", t0 + 2 * day, {
    sourceTime: t0 + 2 * day - 1200,
    appliedTime: t0 + 2 * day + 120,
    rolledBackAt: t0 + 2 * day + 1800,
  }),
  rel("web", t0 + 3 * day, { sourceTime: t0 + 3 * day - 3000, appliedTime: t0 + 3 * day + 600 }),
  rel("web", t0 + 5 * day, { sourceTime: t0 + 5 * day - 300, fluxFailed: true }),
  rel("web", t0 + 5 * day + 7200, { sourceTime: t0 + 5 * day + 7000, appliedTime: t0 + 5 * day + 7260 }),
  rel("web", t0 + 7 * day, {
    sourceTime: t0 + 7 * day - 30,
    appliedTime: t0 + 7 * day + 30,
    rolledBackAt: t0 + 9 * day,
  }),
  rel("web", t0 + 9 * day, { sourceTime: t0 + 9 * day - 100, appliedTime: t0 + 9 * day + 20 }),
  rel("api", t0 + 4 * day, { sourceTime: t0 + 4 * day - 60, appliedTime: t0 + 4 * day + 60 }),
  rel("api", t0 + 6 * day, {
    sourceTime: t0 + 6 * day - 40,
    appliedTime: t0 + 6 * day + 60,
    rolloutFailedAt: t0 + 6 * day + 660,
  }),
  // Healthy when its rollout completed (4000 s after the failed one), not when Flux applied it (3650 s).
  rel("api", t0 + 6 * day + 3600, {
    sourceTime: t0 + 6 * day + 3500,
    appliedTime: t0 + 6 * day + 3650,
    rolloutCompleteAt: t0 + 6 * day + 4000,
  }),
  rel("api", t0 + 8 * day, { sourceTime: t0 + 8 * day - 60, fluxFailed: true }),
  // Before the window: counted nowhere, but a failure inside it may be restored by a later one.
  rel("web", t0 - 5 * day, { sourceTime: t0 - 6 * day, appliedTime: t0 - 5 * day, fluxFailed: true }),
];

describe("doraStats()", () => {
  test("a synthetic history gives the figures worked out by hand (default 24 h failure window)", () => {
    const s = doraStats(history, t0, t0 + 10 * day);
    expect(s.failureWindow).toBe(day);
    expect(s.deployments).toBe(11);
    expect(s.deploymentsPerDay).toBe(1.1);
    // Lead times (applied − source) of the 9 applied releases: 60, 100, 120, 120, 150, 260, 660, 1320, 3600.
    expect(s.leadTime).toEqual({ count: 9, p50: 150, p90: 3600 });
    // web day 2 (rolled back in 30 min), web day 5 (Flux), api day 6 (rollout), api day 8 (Flux);
    // web day 7, rolled back two days later, is not a failure.
    expect(s.failedDeployments).toBe(4);
    expect(s.changeFailureRate).toBe(0.364);
    // web day 2: rolled back after 1800 s; web day 5: next healthy release applied 7260 s later;
    // api day 6: the next release's rollout completed 4000 s later; api day 8: open.
    expect(s.timeToRestore).toEqual({ count: 3, p50: 4000, p90: 7260, open: 1 });
  });

  test("a wider failure window counts the late rollback; a narrower one drops the 30-minute one", () => {
    const wide = doraStats(history, t0, t0 + 10 * day, 3 * day);
    expect(wide.failedDeployments).toBe(5);
    expect(wide.changeFailureRate).toBe(0.455);
    // web day 7 is restored by its rollback 2 days later (before web day 9's applied time, 2 d + 20 s).
    expect(wide.timeToRestore).toEqual({ count: 4, p50: 4000, p90: 2 * day, open: 1 });

    const narrow = doraStats(history, t0, t0 + 10 * day, 1000);
    expect(narrow.failedDeployments).toBe(3);
    expect(narrow.changeFailureRate).toBe(0.273);
    expect(narrow.timeToRestore).toEqual({ count: 2, p50: 4000, p90: 7260, open: 1 });
  });

  test("a rollback exactly at the window's end still counts; one second later does not", () => {
    expect(releaseFailed(rel("web", t0, { rolledBackAt: t0 + 3600 }), 3600)).toBe(true);
    expect(releaseFailed(rel("web", t0, { rolledBackAt: t0 + 3601 }), 3600)).toBe(false);
    expect(releaseFailed(rel("web", t0, { rolloutFailedAt: t0 + 5 * day }), 3600)).toBe(true);
  });

  test("a failed rollout that later completes restores itself; a completion before the failure does not", () => {
    const selfHealed = rel("web", t0, { rolloutFailedAt: t0 + 600, rolloutCompleteAt: t0 + 900 });
    expect(doraStats([selfHealed], t0, t0 + day).timeToRestore).toEqual({ count: 1, p50: 900, p90: 900, open: 0 });
    const completedThenRolledBack = rel("web", t0, { rolloutCompleteAt: t0 + 60, rolledBackAt: t0 + 7200 });
    expect(doraStats([completedThenRolledBack], t0, t0 + day).timeToRestore).toMatchObject({ p50: 7200 });
  });

  test("a later release restores only once known healthy: rollout complete, else Flux applied", () => {
    expect(healthyAt(rel("web", t0, { appliedTime: t0 + 5, rolloutCompleteAt: t0 + 50 }))).toBe(t0 + 50);
    expect(healthyAt(rel("web", t0, { appliedTime: t0 + 5 }))).toBe(t0 + 5);
    expect(healthyAt(rel("web", t0))).toBeUndefined();
    const failed = rel("web", t0, { fluxFailed: true });
    const unknown = rel("web", t0 + 100);
    expect(doraStats([failed, unknown], t0, t0 + day).timeToRestore).toEqual({ count: 0, open: 1 });
  });

  test("an empty window is all zeros, not NaN", () => {
    const s = doraStats(history, t0 + 20 * day, t0 + 30 * day);
    expect(s).toMatchObject({
      deployments: 0,
      deploymentsPerDay: 0,
      changeFailureRate: 0,
      leadTime: { count: 0 },
      timeToRestore: { count: 0, open: 0 },
    });
  });

  test("percentile() is nearest rank", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
  });
});
