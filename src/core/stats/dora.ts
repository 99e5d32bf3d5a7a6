/**
 * The four DORA figures of a release history, computed over a window [since, until] (unix seconds).
 * The definitions, exactly:
 *
 * - **Deployment frequency**: releases whose gitops commit falls in the window (rollback commits
 *   are not releases), and that count per day of the window.
 * - **Lead time for changes**: per release in the window whose applied time is known, applied −
 *   the source commit's time (`version.created`); "applied" is Flux's first word that the gitops
 *   commit is applied (core/flux/verdict.ts). Reported as p50 and p90 (nearest rank) and the count.
 * - **Change failure rate**: failed releases ÷ releases in the window. A release failed when any of:
 *   it was rolled back within the failure window (default 24 h) after its gitops commit — a later
 *   rollback is a change of mind, not a failure of this change; Flux reported its gitops commit as
 *   failed; its rollout failed (the agent-reported "rollout failed" step, ops/rollout-watch.ts).
 * - **Time to restore**: per failed release in the window, from its gitops commit to the first
 *   restoring event, the earliest of: its rollback (the revert's commit time, however late);
 *   its own rollout completing after its rollout failed; the healthy time of any later release of
 *   the same env and app that did not fail. A release's healthy time is its "rollout complete"
 *   step, else (no agent recorded its rollout) Flux's applied time; a release with neither is not
 *   known healthy and restores nothing. Failures with no restoring event are `open`.
 *   Reported as p50 and p90 (nearest rank).
 */

/** Rolled back later than this many seconds after its gitops commit, a release does not count as failed. */
export const defaultFailureWindow = 86_400;

export interface StatRelease {
  env: string;
  app: string;
  /** The gitops commit's time. */
  commitTime: number;
  /** The source commit's time (the artifact's version.created), when known. */
  sourceTime?: number;
  /** When Flux first said the commit is applied, when known. */
  appliedTime?: number;
  /** Flux reported the gitops commit as failed. */
  fluxFailed: boolean;
  /** When the rollback that undid it was committed, if it was rolled back. */
  rolledBackAt?: number;
  /** The agent-reported timeline steps, when recorded. */
  rolloutCompleteAt?: number;
  rolloutFailedAt?: number;
}

/** Whether `r` counts as a failed change (see the definitions above). */
export function releaseFailed(r: StatRelease, failureWindow = defaultFailureWindow): boolean {
  const rolledBackInTime = r.rolledBackAt !== undefined && r.rolledBackAt - r.commitTime <= failureWindow;
  return rolledBackInTime || r.fluxFailed || r.rolloutFailedAt !== undefined;
}

/** When the release was known to run: its rollout complete, else (no agent data) Flux's applied time. */
export function healthyAt(r: StatRelease): number | undefined {
  return r.rolloutCompleteAt ?? (r.rolloutFailedAt === undefined ? r.appliedTime : undefined);
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
  /** Seconds after a release within which its rollback counts it as failed. */
  failureWindow: number;
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

/** Seconds from the failed release `f` to its first restoring event, or undefined while open. */
function restoredAfter(f: StatRelease, history: readonly StatRelease[], failureWindow: number): number | undefined {
  const selfHealed =
    f.rolloutFailedAt !== undefined && f.rolloutCompleteAt !== undefined && f.rolloutCompleteAt > f.rolloutFailedAt
      ? f.rolloutCompleteAt
      : undefined;
  const candidates = [f.rolledBackAt, selfHealed];
  for (const r of history)
    if (r.env === f.env && r.app === f.app && r.commitTime > f.commitTime && !releaseFailed(r, failureWindow))
      candidates.push(healthyAt(r));
  const times = candidates.filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) - f.commitTime : undefined;
}

export function doraStats(
  history: readonly StatRelease[],
  since: number,
  until: number,
  failureWindow = defaultFailureWindow,
): DoraStats {
  const inWindow = history.filter((r) => r.commitTime >= since && r.commitTime <= until);
  const days = Math.max(until - since, 1) / 86_400;
  const leads = inWindow
    .filter((r) => r.appliedTime !== undefined && r.sourceTime !== undefined)
    .map((r) => r.appliedTime! - r.sourceTime!);
  const failed = inWindow.filter((r) => releaseFailed(r, failureWindow));
  const restores: number[] = [];
  let open = 0;
  for (const f of failed) {
    const t = restoredAfter(f, history, failureWindow);
    if (t === undefined) open++;
    else restores.push(t);
  }
  return {
    since,
    until,
    failureWindow,
    deployments: inWindow.length,
    deploymentsPerDay: Math.round((inWindow.length / days) * 100) / 100,
    leadTime: percentiles(leads),
    changeFailureRate: inWindow.length ? Math.round((failed.length / inWindow.length) * 1000) / 1000 : 0,
    failedDeployments: failed.length,
    timeToRestore: { ...percentiles(restores), open },
  };
}
