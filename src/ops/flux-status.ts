/**
 * Flux's word on a gitops commit, recorded so that what readers see never steps back: once a commit
 * is applied only a failure or Flux's definitive ReconciliationSucceeded replaces its row, and the
 * time of the first applied word is kept as the commit's "flux applied" step (the timeline and the
 * DORA lead time read it). Flux reports per commit, not per request, so that step is keyed by the
 * commit: `gitops:<sha>` in the release-steps table.
 */
import { type FluxVerdict, fluxVerdict, replacesWord } from "../core/flux/verdict.ts";
import { appDir } from "../core/gitops/index.ts";
import { nowOf, type OpsDeps } from "./deps.ts";

/** The release-steps key of a commit's "flux applied" step. */
export const fluxAppliedKey = (sha: string) => `gitops:${sha}`;

export interface RecordedWord {
  /** False when the word was kept out: an applied commit is not shown applying again. */
  recorded: boolean;
  /** The commit's verdict after this word. */
  verdict: FluxVerdict;
  /** This word made the commit applied (it was not before): the one "applied" notification. */
  becameApplied: boolean;
}

export async function recordFluxWord(
  d: OpsDeps,
  c: { sha: string; env: string; status: string; statusDesc: string },
): Promise<RecordedWord> {
  return d.store.transaction(async (tx) => {
    const prev = await tx.gitopsCommit(c.sha);
    const was = prev ? fluxVerdict(prev.status, prev.statusDesc) : "";
    if (!replacesWord(prev, c)) return { recorded: false, verdict: was, becameApplied: false };
    await tx.upsertGitopsCommit(c);
    const verdict = fluxVerdict(c.status, c.statusDesc);
    if (verdict === "applied") {
      const env = c.env || prev?.env || "";
      await tx.recordReleaseStep({ eventId: fluxAppliedKey(c.sha), env, app: "", step: "flux applied", at: nowOf(d) });
    }
    return { recorded: true, verdict, becameApplied: verdict === "applied" && was !== "applied" };
  });
}

/** When Flux first said the commit is applied (unix seconds), if it did. */
export async function fluxAppliedAt(d: Pick<OpsDeps, "store">, sha: string): Promise<number | undefined> {
  return (await d.store.releaseSteps(fluxAppliedKey(sha))).find((s) => s.step === "flux applied")?.at;
}

/**
 * Which apps of one env Flux runs the current release of: the newest commit that touched the app's
 * folder (the release's own commit, or the revert commit of a rollback that restored it) is the
 * agent's applied revision or an ancestor of it. Comparing the release's own commit alone is not
 * enough either way: after a rollback Flux applies the revert that follows it, and a restored older
 * commit is an ancestor of the very revision being rolled back from. Two walks per page (from the
 * head for the newest touches, from the applied revision for its ancestors), each stopping at the
 * oldest release's time, so a page of recent releases reads a few commits, never the whole history.
 */
export async function appliedApps(
  d: OpsDeps,
  env: string,
  applied: string,
  rows: { app: string; ref: string }[],
): Promise<Set<string>> {
  const out = new Set<string>();
  const e = await d.store.env(env);
  if (!e || !rows.length) return out;
  const g = await d.repos.get(e);
  const head = await g.head();
  await g.index.update(head);
  if (!g.index.commits.has(applied)) return out;
  const times = rows.map((r) => g.index.commits.get(r.ref)?.time).filter((t): t is number => t !== undefined);
  if (!times.length) return out;
  const oldest = Math.min(...times);
  // The newest commit touching each app's folder, from the head down.
  const folder = new Map(rows.map((r) => [appDir({ env, repoPerEnv: e.repoPerEnv }, r.app), r.app]));
  const newest = new Map<string, string>();
  for (const c of g.index.walk(head)) {
    if (c.time < oldest || newest.size === folder.size) break;
    for (const p of c.touched) {
      const app = folder.get(p);
      if (app !== undefined && !newest.has(app)) newest.set(app, c.sha);
    }
  }
  const wanted = new Map<string, string[]>();
  for (const r of rows) {
    const sha = newest.get(r.app) ?? r.ref;
    wanted.set(sha, [...(wanted.get(sha) ?? []), r.app]);
  }
  for (const c of g.index.walk(applied)) {
    if (c.time < oldest) break;
    for (const app of wanted.get(c.sha) ?? []) out.add(app);
    wanted.delete(c.sha);
    if (!wanted.size) break;
  }
  return out;
}
