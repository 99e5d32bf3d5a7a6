/**
 * Each app's current release in an env, for pages that show every app at once. Reading every
 * `release.json` from git costs 20–50 µs an app (two loose objects each), so the answer is kept per
 * env with the commit it was read at; when the branch moved, only the app folders the new commits
 * touched are read again (the history index records them with their tree ids). A history that is
 * not a straight line from the cached commit (a merge, a force push) is read in full. The answer
 * is also saved to disk (git/status-snapshot.ts) after a full read and every 200 commits, so a
 * restarted server starts from it; and the server reads every hosted env once at start
 * (warmCurrentReleases), so the first page does not pay even for that.
 */
import { decodeRelease, gitopsRepoName, join, type Release } from "../core/gitops/index.ts";
import {
  loadStatusSnapshot,
  readText,
  releaseStatusAt,
  saveStatusSnapshot,
  type GitopsRepo,
  type IndexedCommit,
} from "../git/index.ts";
import type { Environment } from "../store/index.ts";
import type { OpsDeps } from "./deps.ts";
import { envOf } from "./releases.ts";

interface Cached {
  head: string;
  status: Record<string, Release | null>;
  /** Commits this status moved over since it was last saved to disk. */
  unsaved: number;
}

const caches = new WeakMap<object, Map<string, Cached>>();
/** Reads under way, per env and head: a page arriving during the start-up read waits for it, not a second one. */
const reads = new WeakMap<object, Map<string, Promise<Record<string, Release | null>>>>();

/** Commits walked back from the new head at most, before a full read is cheaper. */
const maxWalk = 2000;

export async function currentReleases(d: OpsDeps, envName: string): Promise<Record<string, Release | null>> {
  const env = await envOf(d, envName);
  const g = await d.repos.get(env);
  const head = await g.head();
  if (!head) return {};
  let per = caches.get(d.repos);
  if (!per) caches.set(d.repos, (per = new Map()));
  const c = per.get(env.name);
  if (c?.head === head) return c.status;
  let pending = reads.get(d.repos);
  if (!pending) reads.set(d.repos, (pending = new Map()));
  const key = `${env.name}\0${head}`;
  let p = pending.get(key);
  if (!p) {
    p = read(d, env, g, head, per).finally(() => pending.delete(key));
    pending.set(key, p);
  }
  return p;
}

/**
 * Reads the current releases of every hosted env into the cache, one env after another; returns
 * the envs that failed with why (a broken release.json shows on the page, as it would without this).
 * Remote envs are left to their first page: reading them starts a fetch.
 */
export async function warmCurrentReleases(d: OpsDeps): Promise<{ env: string; error: string }[]> {
  const failed = [];
  for (const env of await d.store.envs()) {
    if (!env.builtin) continue;
    try {
      await currentReleases(d, env.name);
    } catch (e) {
      failed.push({ env: env.name, error: (e as Error).message });
    }
  }
  return failed;
}

/** Commits walked since the snapshot on disk was saved, at most, before it is saved again. */
const saveEvery = 200;

async function read(
  d: OpsDeps,
  env: Environment,
  g: GitopsRepo,
  head: string,
  per: Map<string, Cached>,
): Promise<Record<string, Release | null>> {
  const gitopsRepo = gitopsRepoName(env);
  let c = per.get(env.name);
  if (!c) {
    const saved = await loadStatusSnapshot(g.repo, env.name, gitopsRepo);
    if (saved) c = { ...saved, unsaved: 0 };
  }
  if (c?.head === head) {
    per.set(env.name, c);
    return c.status;
  }
  if (c && !env.repoPerEnv) {
    const changed = await changedApps(g, c.head, head, env.name);
    if (changed) {
      const status = { ...c.status };
      for (const [app, tree] of changed.apps) {
        if (tree === undefined) {
          delete status[app];
          continue;
        }
        const text = await readText(g.repo, tree, "release.json");
        const where = join(env.name, app, "release.json");
        status[app] = text ? { ...decodeRelease(text, where), gitopsRepo } : null;
      }
      const next = { head, status: sorted(status), unsaved: c.unsaved + changed.commits };
      per.set(env.name, next);
      if (next.unsaved >= saveEvery) await save(d, g, env, next);
      return next.status;
    }
  }
  const status = await releaseStatusAt(g.repo, head, { env: env.name, repoPerEnv: env.repoPerEnv, gitopsRepo });
  const next = { head, status, unsaved: 0 };
  per.set(env.name, next);
  await save(d, g, env, next);
  return status;
}

/** A snapshot that cannot be saved costs the next start a full read, nothing more. */
async function save(d: OpsDeps, g: GitopsRepo, env: Environment, c: Cached): Promise<void> {
  try {
    await saveStatusSnapshot(g.repo, env.name, gitopsRepoName(env), c);
    c.unsaved = 0;
  } catch (e) {
    d.log?.(`warning: the current releases of ${env.name} were not saved: ${(e as Error).message}`);
  }
}

const sorted = (s: Record<string, Release | null>) =>
  Object.fromEntries(Object.entries(s).sort(([a], [b]) => a.localeCompare(b)));

/**
 * The env's app folders changed between `from` and `to` (a first-parent line), each with its tree
 * id at `to` (undefined: deleted); undefined when the line does not lead back to `from`.
 */
async function changedApps(
  g: GitopsRepo,
  from: string,
  to: string,
  env: string,
): Promise<{ apps: Map<string, string | undefined>; commits: number } | undefined> {
  await g.index.update(to);
  const apps = new Map<string, string | undefined>();
  let sha: string | undefined = to;
  let i = 0;
  for (; sha !== from; i++) {
    const c: IndexedCommit | undefined = sha ? g.index.commits.get(sha) : undefined;
    if (!c || i >= maxWalk || c.parents.length !== 1) return undefined;
    for (const p of c.touched) {
      const parts = p.split("/");
      if (parts.length !== 2 || parts[0] !== env || apps.has(parts[1]!)) continue;
      apps.set(parts[1]!, c.at?.[p]);
    }
    sha = c.parents[0];
  }
  return { apps, commits: i };
}
