/**
 * Naming rules of the gitops repos gimlet hosts in its data dir, and the data dir's layout. Every
 * place that needs `<env>-apps.git` or a path under the data dir asks here, so the rules cannot
 * drift apart between the writer, the git server, bootstrap and the history views.
 */
import { assertSafeName, isSafeName } from "./paths.ts";

/** Files and folders of a data dir, relative to its root. */
export const dataDirLayout = {
  /** The store (SQLite). */
  db: "gimlet.db",
  /** Hosted (built-in) gitops repos, bare: `repos/<env>-apps.git`. */
  repos: "repos",
  /** Bare clones of remote gitops repos, one per env: `cache/<env>`. */
  cache: "cache",
  /** Hosted repos of deleted envs kept with `--keep-repo`, out of the git server's reach. */
  deleted: "deleted",
} as const;

/** What a hosted repo holds: an env's apps (written by the release worker) or its infrastructure. */
export type HostedKind = "apps" | "infra";

/** The hosted apps repo of an env, without `.git`: `<env>-apps`. */
export function hostedRepoName(env: string, kind: HostedKind = "apps"): string {
  return `${assertSafeName(env, "env")}-${kind}`;
}

/** The hosted repo's path under the data dir: `repos/<env>-apps.git`. */
export function hostedRepoPath(env: string, kind: HostedKind = "apps"): string {
  return `${dataDirLayout.repos}/${hostedRepoName(env, kind)}.git`;
}

/**
 * Where a deleted env's hosted repo is kept: `deleted/<env>-apps-<unix seconds>.git`, so the env's
 * name is free again and a second deletion of a recreated env does not collide with the first.
 */
export function deletedRepoPath(env: string, kind: HostedKind, at: number): string {
  return `${dataDirLayout.deleted}/${hostedRepoName(env, kind)}-${Math.floor(at)}.git`;
}

/** The remote repo's bare clone under the data dir: `cache/<env>`. */
export function remoteCachePath(env: string): string {
  return `${dataDirLayout.cache}/${assertSafeName(env, "env")}`;
}

/** Where a cluster clones the hosted repo from, given the URL it reaches gimlet serve at. */
export function hostedRepoUrl(host: string, env: string, kind: HostedKind = "apps"): string {
  return `${host.replace(/\/+$/, "")}/git/${hostedRepoName(env, kind)}.git`;
}

/**
 * Reads a repo name from a /git URL (`<env>-apps` or `<env>-infra`, `.git` optional). Undefined when
 * it is not a name gimlet hosts, so the caller answers 404 without touching the disk.
 */
export function parseHostedRepoName(name: string): { env: string; kind: HostedKind; name: string } | undefined {
  const m = /^([a-z0-9-]+)-(apps|infra)(?:\.git)?$/.exec(name);
  if (!m || !isSafeName(m[1]!)) return undefined;
  return { env: m[1]!, kind: m[2] as HostedKind, name: `${m[1]}-${m[2]}` };
}

/** How releases and status name an env's gitops repo: `builtin/<env>-apps` or the remote URL. */
export function gitopsRepoName(env: { name: string; builtin: boolean; repoUrl: string }): string {
  return env.builtin ? `builtin/${hostedRepoName(env.name)}` : env.repoUrl;
}
