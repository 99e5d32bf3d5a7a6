import { describe, expect, test } from "bun:test";
import { doraStats, percentile, type StatRelease } from "./dora.ts";

const day = 86_400;
const t0 = 1_700_000_000;

/**
 * Ten days of web and api releases whose figures are worked out by hand:
 * web: 6 releases, one rolled back 30 min later, one failed in Flux and fixed by the next release
 * 2 h later; api: 2 releases, the last failed and never restored.
 */
const history: StatRelease[] = [
  {
    env: "prod",
    app: "web",
    commitTime: t0 + 1 * day,
    sourceTime: t0 + 1 * day - 600,
    appliedTime: t0 + 1 * day + 60,
    failed: false,
  },
  {
    env: "prod",
    app: "web",
    commitTime: t0 + 2 * day,
    sourceTime: t0 + 2 * day - 1200,
    appliedTime: t0 + 2 * day + 120,
    failed: true,
    rolledBackAt: t0 + 2 * day + 1800,
  },
  {
    env: "prod",
    app: "web",
    commitTime: t0 + 3 * day,
    sourceTime: t0 + 3 * day - 3000,
    appliedTime: t0 + 3 * day + 600,
    failed: false,
  },
  { env: "prod", app: "web", commitTime: t0 + 5 * day, sourceTime: t0 + 5 * day - 300, failed: true },
  {
    env: "prod",
    app: "web",
    commitTime: t0 + 5 * day + 7200,
    sourceTime: t0 + 5 * day + 7000,
    appliedTime: t0 + 5 * day + 7260,
    failed: false,
  },
  {
    env: "prod",
    app: "web",
    commitTime: t0 + 9 * day,
    sourceTime: t0 + 9 * day - 100,
    appliedTime: t0 + 9 * day + 20,
    failed: false,
  },
  {
    env: "prod",
    app: "api",
    commitTime: t0 + 4 * day,
    sourceTime: t0 + 4 * day - 60,
    appliedTime: t0 + 4 * day + 60,
    failed: false,
  },
  { env: "prod", app: "api", commitTime: t0 + 8 * day, sourceTime: t0 + 8 * day - 60, failed: true },
  // Before the window: counted nowhere, but a failure inside it may be restored by a later one.
  {
    env: "prod",
    app: "web",
    commitTime: t0 - 5 * day,
    sourceTime: t0 - 6 * day,
    appliedTime: t0 - 5 * day,
    failed: true,
  },
];

describe("doraStats()", () => {
  test("a synthetic history gives the figures worked out by hand", () => {
    const s = doraStats(history, t0, t0 + 10 * day);
    expect(s.deployments).toBe(8);
    expect(s.deploymentsPerDay).toBe(0.8);
    // Lead times (applied − source) of the 6 applied releases: 660, 1320, 3600, 260, 120, 120.
    expect(s.leadTime).toEqual({ count: 6, p50: 260, p90: 3600 });
    expect(s.failedDeployments).toBe(3);
    expect(s.changeFailureRate).toBe(0.375);
    // web day 2: rolled back after 1800 s; web day 5: next healthy release applied 7260 s later; api: open.
    expect(s.timeToRestore).toEqual({ count: 2, p50: 1800, p90: 7260, open: 1 });
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
