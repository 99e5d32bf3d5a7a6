/** DORA figures of one env or all the caller may see, from the release-history mirror (core/stats). */
import { UserError } from "../core/errors.ts";
import { doraStats, type DoraStats, type StatRelease } from "../core/stats/dora.ts";
import type { Release } from "../core/gitops/index.ts";
import { fluxVerdict } from "../core/flux/verdict.ts";
import { nowOf, type OpsDeps } from "./deps.ts";
import { fluxAppliedAt } from "./flux-status.ts";
import { releaseHistory } from "./releases.ts";
import type { Visible } from "./tracking.ts";

export interface StatsQuery {
  env?: string;
  app?: string;
  /** Unix seconds; default 30 days before `until`. */
  since?: number;
  until?: number;
  /** Seconds after a release within which its rollback makes it a failure (core/stats/dora.ts). */
  failureWindow?: number;
}

const maxReleases = 10_000;

export async function deliveryStats(
  d: OpsDeps,
  q: StatsQuery,
  visible?: Visible,
): Promise<DoraStats & { envs: string[] }> {
  const until = q.until ?? nowOf(d);
  const since = q.since ?? until - 30 * 86_400;
  if (since >= until) throw new UserError("since must be before until", { path: "since" });
  const envs = (await d.store.envs())
    .map((e) => e.name)
    .filter((n) => (!q.env || n === q.env) && (!visible || visible(n)));
  if (q.env && envs.length === 0)
    throw new UserError(`environment ${JSON.stringify(q.env)} does not exist or is not visible`, { path: "env" });
  const history: StatRelease[] = [];
  for (const name of envs) {
    const env = (await d.store.env(name))!;
    // Later releases count too: one may be what restored a failure inside the window.
    const rows = await releaseHistory(d, { env: name, app: q.app, limit: maxReleases, offset: 0, since });
    const g = await d.repos.get(env);
    await g.index.update(await g.head());
    const revertedAt = new Map<string, number>();
    for (const c of g.index.commits.values())
      if (c.reverts && !revertedAt.has(c.reverts)) revertedAt.set(c.reverts, c.time);
    const rollouts = await rolloutSteps(d, name, rows as Partial<Release>[]);
    for (const r of rows) {
      const version = r.version as { created?: number } | undefined;
      const verdict = fluxVerdict(r.gitopsCommitStatus, r.gitopsCommitStatusDesc);
      const appliedTime = verdict === "applied" ? await fluxAppliedAt(d, r.gitopsRef) : undefined;
      history.push({
        env: name,
        app: String(r.app ?? ""),
        commitTime: r.created,
        ...(version?.created ? { sourceTime: version.created } : {}),
        ...(appliedTime !== undefined ? { appliedTime } : {}),
        fluxFailed: verdict === "failed",
        ...(revertedAt.has(r.gitopsRef) ? { rolledBackAt: revertedAt.get(r.gitopsRef) } : {}),
        ...rollouts.get(`${r.eventId}/${r.app}`),
      });
    }
  }
  return { ...doraStats(history, since, until, q.failureWindow), envs };
}

type RolloutTimes = Pick<StatRelease, "rolloutCompleteAt" | "rolloutFailedAt">;

/** The agent-reported rollout steps (ops/rollout-watch.ts) of the releases, by `eventId/app`, read in bulk. */
async function rolloutSteps(d: OpsDeps, env: string, rows: Partial<Release>[]): Promise<Map<string, RolloutTimes>> {
  const ids = [...new Set(rows.map((r) => r.eventId).filter((id): id is string => !!id))];
  const out = new Map<string, RolloutTimes>();
  for (const s of ids.length ? await d.store.releaseStepsOf(ids) : []) {
    if (s.env !== env || (s.step !== "rollout complete" && s.step !== "rollout failed")) continue;
    const k = `${s.eventId}/${s.app}`;
    const t = out.get(k) ?? {};
    // The store keeps one record per step: first record wins.
    out.set(k, { ...t, [s.step === "rollout complete" ? "rolloutCompleteAt" : "rolloutFailedAt"]: s.at });
  }
  return out;
}
