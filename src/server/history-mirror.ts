/**
 * Release history mirrored in the store, so `GET /api/releases` is one indexed query. Git stays
 * the source of truth: an empty mirror is filled from git, `gimlet serve --reindex` rebuilds it,
 * and every processed event refreshes the newest entries of its env.
 */
import type { Release } from "../core/gitops/index.ts";
import type { GitopsRepo } from "../git/index.ts";
import type { Environment, SqliteStore } from "../store/index.ts";

function rows(rs: Release[]) {
  // Oldest first, so insertion order breaks ties between releases of the same second.
  return [...rs].reverse().map((r) => ({ app: r.app, gitopsRef: r.gitopsRef, created: r.created ?? 0, rolledBack: !!r.rolledBack, repository: r.version?.repositoryName ?? "", blob: JSON.stringify(r) }));
}

export function gitopsRepoName(env: Environment): string {
  return env.builtin ? `builtin/${env.name}-apps` : env.repoUrl;
}

/** Refreshes the newest `limit` releases of the env (all of them when the mirror is empty or `full`). */
export async function mirrorReleases(store: SqliteStore, env: Environment, g: GitopsRepo, opts: { limit?: number; full?: boolean } = {}): Promise<number> {
  const full = opts.full || store.countReleases(env.name) === 0;
  const rs = await g.history({ env: env.name, repoPerEnv: env.repoPerEnv, limit: full ? Number.MAX_SAFE_INTEGER : (opts.limit ?? 20), gitopsRepo: gitopsRepoName(env) });
  if (full) store.clearReleases(env.name);
  store.putReleases(env.name, rows(rs));
  return rs.length;
}
