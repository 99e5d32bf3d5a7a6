/**
 * Release history mirrored in the store, so listing it is one indexed query. Git stays the source
 * of truth: an empty mirror is filled from git, `gimlet serve --reindex` rebuilds it, and every
 * processed event refreshes the newest entries of its env.
 */
import { gitopsRepoName, type Release } from "../core/gitops/index.ts";
import type { GitopsRepo } from "../git/index.ts";
import type { Environment } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";

function rows(rs: Release[]) {
  // Oldest first, so insertion order breaks ties between releases of the same second.
  return [...rs].reverse().map((r) => ({
    app: r.app,
    gitopsRef: r.gitopsRef,
    created: r.created ?? 0,
    rolledBack: !!r.rolledBack,
    repository: r.version?.repositoryName ?? "",
    blob: JSON.stringify(r),
  }));
}

/** Refreshes the newest `limit` releases of the env (all of them when the mirror is empty or `full`). */
export async function mirrorReleases(
  d: Pick<OpsDeps, "store">,
  env: Environment,
  g: GitopsRepo,
  opts: { limit?: number; full?: boolean } = {},
): Promise<number> {
  const full = opts.full || (await d.store.countReleases(env.name)) === 0;
  const limit = full ? Number.MAX_SAFE_INTEGER : (opts.limit ?? 20);
  const rs = await g.history({ env: env.name, repoPerEnv: env.repoPerEnv, limit, gitopsRepo: gitopsRepoName(env) });
  // One transaction: a reader never sees the mirror emptied for a rebuild.
  await d.store.transaction(async (tx) => {
    if (full) await tx.clearReleases(env.name);
    await tx.putReleases(env.name, rows(rs));
  });
  return rs.length;
}

/** Rebuilds every env's history index and mirror from git (`gimlet serve --reindex`). */
export async function reindexAll(d: OpsDeps): Promise<{ env: string; commits: number; releases: number }[]> {
  const out = [];
  for (const env of await d.store.envs()) {
    const g = await d.repos.get(env);
    const commits = await g.reindex();
    const releases = await mirrorReleases(d, env, g, { full: true });
    out.push({ env: env.name, commits, releases });
  }
  return out;
}
