/**
 * Where a queued request stands, with Flux's word on each gitops commit it made. `visible` says which
 * envs the caller may see (the transport asks its access policy); without it every env is shown.
 */
import { NotFoundError, UserError } from "../core/errors.ts";
import { gitopsRepoName } from "../core/gitops/index.ts";
import type { QueueResult } from "../core/queue.ts";
import type { OpsDeps } from "./deps.ts";
import { queuedRequest } from "./queue.ts";

/** Which envs the caller may see; undefined: all of them. */
export type Visible = ((env: string) => boolean) | undefined;
const inScope = (visible: Visible, r: { env: string }) => !visible || visible(r.env);

/** GET /api/event: status and the gitops hashes with their commit statuses. */
export async function requestHashes(d: OpsDeps, id: string, visible?: Visible) {
  const ev = await queuedRequest(d, id);
  const results = ev.results as QueueResult[];
  const hashes = ev.gitopsHashes.filter((h) => !visible || results.some((r) => r.hash === h && inScope(visible, r)));
  return {
    status: ev.status,
    statusDesc: ev.statusDesc,
    gitopsHashes: await Promise.all(
      hashes.map(async (hash) => {
        const fc = await d.store.gitopsCommit(hash);
        return { hash, status: fc?.status ?? "N/A", statusDesc: fc?.statusDesc ?? "" };
      }),
    ),
  };
}

export interface TrackedRequest {
  type: string;
  status: string;
  statusDesc: string;
  results: (QueueResult & { gitopsCommitStatus: string; gitopsCommitStatusDesc: string })[];
}

/** A request's results, each with the status Flux reported for its commit. */
export async function trackRequest(d: OpsDeps, id: string, visible?: Visible): Promise<TrackedRequest> {
  const ev = await queuedRequest(d, id);
  const results = (ev.results as QueueResult[]).filter((r) => inScope(visible, r));
  const commits = await Promise.all(results.map((r) => (r.hash ? d.store.gitopsCommit(r.hash) : undefined)));
  return {
    type: ev.type,
    status: ev.status,
    statusDesc: ev.statusDesc,
    results: results.map((r, i) => ({
      ...r,
      gitopsCommitStatus: commits[i]?.status ?? "",
      gitopsCommitStatusDesc: commits[i]?.statusDesc ?? "",
    })),
  };
}

/** The request an artifact's push queued, tracked. */
export async function trackArtifact(d: OpsDeps, artifactId: string, visible?: Visible): Promise<TrackedRequest> {
  if (!artifactId) throw new UserError("the artifactId parameter is required");
  const art = await d.store.artifactEvent(artifactId);
  if (!art) throw new NotFoundError(`no artifact ${artifactId}`);
  return trackRequest(d, art.id, visible);
}

/**
 * The gitops repo of `env`, or without one of the only visible env ("" when there are several or
 * none): the original had one gitops repo, here each env has its own.
 */
export async function gitopsRepoOf(d: OpsDeps, env: string | undefined, visible?: Visible): Promise<string> {
  const envs = (await d.store.envs()).filter((x) => (!env || x.name === env) && inScope(visible, { env: x.name }));
  if (env && !envs.length) throw new NotFoundError(`environment ${JSON.stringify(env)} does not exist`);
  return envs.length === 1 ? gitopsRepoName(envs[0]!) : "";
}

/** The 20 newest gitops commits Flux reported on, newest first; empty fields left out (model.GitopsCommit). */
export async function recentGitopsCommits(d: OpsDeps, visible?: Visible): Promise<Record<string, string | number>[]> {
  return (await d.store.gitopsCommits(20))
    .filter((g) => inScope(visible, g))
    .map((g) => {
      const out: Record<string, string | number> = {};
      for (const [k, v] of Object.entries({
        sha: g.sha,
        status: g.status,
        statusDesc: g.statusDesc,
        created: g.created,
        env: g.env,
      })) {
        if (v) out[k] = v;
      }
      return out;
    });
}

/** Records Flux's word on a gitops commit. */
export async function recordCommitStatus(
  d: OpsDeps,
  c: { sha: string; env: string; status: string; statusDesc: string },
): Promise<void> {
  await d.store.upsertGitopsCommit(c);
}

/** The env a gitops commit was reported for earlier ("" when unknown). */
export async function commitEnv(d: OpsDeps, sha: string): Promise<string> {
  return (await d.store.gitopsCommit(sha))?.env ?? "";
}
