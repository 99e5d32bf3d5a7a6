/**
 * The four DORA figures of a release history, computed over a window [since, until] (unix seconds).
 * The definitions, exactly:
 *
 * - **Deployment frequency**: releases whose gitops commit falls in the window (rollback commits
 *   are not releases), and that count per day of the window.
 * - **Lead time for changes**: per release in the window whose applied time is known, applied −
 *   the source commit's time (`version.created`); "applied" is Flux's first word that the gitops
 *   commit is applied (core/flux/verdict.ts). Reported as p50 and p90 (nearest rank) and the count.
 * - **Change failure rate**: failed releases ÷ releases in the window. A release failed when it was
 *   rolled back, or Flux reported its gitops commit as failed.
 * - **Time to restore**: per failed release in the window, from its gitops commit to the first
 *   restoring event of the same app: its rollback, or the next release of the app that did not
 *   fail (at that release's applied time, else its commit time). Failures with neither are `open`.
 *   Reported as p50 and p90 (nearest rank).
 */

export interface StatRelease {
  env: string;
  app: string;
  /** The gitops commit's time. */
  commitTime: number;
  /** The source commit's time (the artifact's version.created), when known. */
  sourceTime?: number;
  /** When Flux first said the commit is applied, when known. */
  appliedTime?: number;
  failed: boolean;
  /** When the rollback that undid it was committed, if it was rolled back. */
  rolledBackAt?: number;
}

export interface Percentiles {
  count: number;
  /** Seconds; absent when count is 0. */
  p50?: number;
  p90?: number;
}

export interface DoraStats {
  since: number;
  until: number;
  deployments: number;
  deploymentsPerDay: number;
  leadTime: Percentiles;
  changeFailureRate: number;
  failedDeployments: number;
  timeToRestore: Percentiles & { open: number };
}

/** Nearest-rank percentile: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

function percentiles(values: number[]): Percentiles {
  const s = [...values].sort((a, b) => a - b);
  return { count: s.length, ...(s.length ? { p50: percentile(s, 50), p90: percentile(s, 90) } : {}) };
}

export function doraStats(history: readonly StatRelease[], since: number, until: number): DoraStats {
  const inWindow = history.filter((r) => r.commitTime >= since && r.commitTime <= until);
  const days = Math.max(until - since, 1) / 86_400;
  const leads = inWindow
    .filter((r) => r.appliedTime !== undefined && r.sourceTime !== undefined)
    .map((r) => r.appliedTime! - r.sourceTime!);
  const failed = inWindow.filter((r) => r.failed);
  const restores: number[] = [];
  let open = 0;
  for (const f of failed) {
    const next = history
      .filter((r) => r.env === f.env && r.app === f.app && r.commitTime > f.commitTime && !r.failed)
      .sort((a, b) => a.commitTime - b.commitTime)[0];
    const candidates = [f.rolledBackAt, next ? (next.appliedTime ?? next.commitTime) : undefined].filter(
      (t): t is number => t !== undefined,
    );
    if (candidates.length === 0) open++;
    else restores.push(Math.min(...candidates) - f.commitTime);
  }
  return {
    since,
    until,
    deployments: inWindow.length,
    deploymentsPerDay: Math.round((inWindow.length / days) * 100) / 100,
    leadTime: percentiles(leads),
    changeFailureRate: inWindow.length ? Math.round((failed.length / inWindow.length) * 1000) / 1000 : 0,
    failedDeployments: failed.length,
    timeToRestore: { ...percentiles(restores), open },
  };
}
