/** Release requests (release, rollback, delete), and what the gitops repos say about releases. */
import { NotFoundError, UserError } from "../core/errors.ts";
import { assertSafeName, gitopsRepoName, type Release } from "../core/gitops/index.ts";
import type { Environment } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { mirrorReleases } from "./history.ts";
import { awaitRequest, enqueue } from "./queue.ts";

/** The env a request names, or NotFoundError. */
export async function envOf(d: OpsDeps, name: string): Promise<Environment> {
  const e = await d.store.env(assertSafeName(name, "env"));
  if (!e) throw new NotFoundError(`environment ${JSON.stringify(name)} does not exist`);
  return e;
}

const optionalApp = (app: string | undefined | null) =>
  app === undefined || app === null || app === "" ? undefined : assertSafeName(app, "app");

export interface ReleaseInput {
  env: string;
  app?: string | null;
  artifactId: string;
  triggeredBy: string;
}

/** Queues writing an artifact's manifests for one env (and app); returns the request id. */
export async function requestRelease(d: OpsDeps, input: ReleaseInput): Promise<{ id: string }> {
  const env = await envOf(d, input.env);
  const app = optionalApp(input.app);
  if (!(await d.store.artifactEvent(input.artifactId)))
    throw new NotFoundError(`artifact ${input.artifactId} not found`);
  const id = await enqueue(d, {
    type: "release",
    env: env.name,
    ...(app ? { app } : {}),
    artifactId: input.artifactId,
    triggeredBy: input.triggeredBy,
  });
  return { id };
}

export interface RollbackInput {
  env: string;
  app: string;
  /** The gitops commit to go back to (4 to 40 hex digits). */
  sha: string;
  triggeredBy: string;
}

export async function requestRollback(d: OpsDeps, input: RollbackInput): Promise<{ id: string }> {
  const env = await envOf(d, input.env);
  const app = assertSafeName(input.app, "app");
  if (!/^[0-9a-f]{4,40}$/.test(input.sha)) throw new UserError("sha must be a gitops commit sha");
  return {
    id: await enqueue(d, {
      type: "rollback",
      env: env.name,
      app,
      targetSHA: input.sha,
      triggeredBy: input.triggeredBy,
    }),
  };
}

export interface DeleteInput {
  env: string;
  app: string;
  triggeredBy: string;
  /** Wait this long for the worker (0: return the id at once). */
  waitMs?: number;
}

export interface DeleteResult {
  id: string;
  /** Set when waited: where the request stands ("processed", or still "new"/"processing"). */
  status?: string;
  statusDesc?: string;
  results?: unknown[];
}

/** Queues deleting an app from an env; with `waitMs`, waits for it and fails if it failed. */
export async function deleteApp(d: OpsDeps, input: DeleteInput): Promise<DeleteResult> {
  const env = await envOf(d, input.env);
  const app = assertSafeName(input.app, "app");
  const id = await enqueue(d, { type: "delete", env: env.name, app, triggeredBy: input.triggeredBy });
  if (!input.waitMs) return { id };
  const ev = await awaitRequest(d, id, input.waitMs);
  if (ev.status === "error") throw new UserError(`deleting ${app} from ${env.name} failed: ${ev.statusDesc}`);
  return { id, status: ev.status, statusDesc: ev.statusDesc, results: ev.results };
}

/** Each app's current release in the env (or only `app`), as the gitops repo has it. */
export async function releaseStatus(
  d: OpsDeps,
  input: { env: string; app?: string },
): Promise<Record<string, Release | null>> {
  const env = await envOf(d, input.env);
  const app = optionalApp(input.app);
  const g = await d.repos.get(env);
  return g.status({ env: env.name, repoPerEnv: env.repoPerEnv, app, gitopsRepo: gitopsRepoName(env) });
}

export interface HistoryQuery {
  env: string;
  app?: string;
  limit: number;
  offset: number;
  /** Unix seconds. */
  since?: number;
  until?: number;
  /** Only releases of this source repository. */
  repository?: string;
}

/** A release as the history lists it: Flux's word on its gitops commit rides along (dx.Release). */
export type HistoryEntry = Record<string, unknown> & {
  created: number;
  gitopsRef: string;
  gitopsRepo: string;
  gitopsCommitStatus: string;
  gitopsCommitStatusDesc: string;
  gitopsCommitCreated?: number;
  rolledBack: boolean;
};

/** Release history, newest first, from the store's mirror (filled from git when empty). */
export async function releaseHistory(d: OpsDeps, q: HistoryQuery): Promise<HistoryEntry[]> {
  const env = await envOf(d, q.env);
  const app = optionalApp(q.app);
  if ((await d.store.countReleases(env.name)) === 0) await mirrorReleases(d, env, await d.repos.get(env));
  const rows = await d.store.releases({
    env: env.name,
    app,
    limit: q.limit,
    offset: q.offset,
    since: q.since,
    until: q.until,
    repository: q.repository,
  });
  const commits = await d.store.gitopsCommitsOf(rows.map((r) => r.gitopsRef));
  return rows.map((r) => {
    const fc = commits.get(r.gitopsRef);
    return {
      ...(JSON.parse(r.blob) as Record<string, unknown>),
      created: r.created,
      gitopsRef: r.gitopsRef,
      gitopsRepo: gitopsRepoName(env),
      gitopsCommitStatus: fc?.status ?? "",
      gitopsCommitStatusDesc: fc?.statusDesc ?? "",
      ...(fc?.created ? { gitopsCommitCreated: fc.created } : {}),
      rolledBack: r.rolledBack,
    };
  });
}
