/**
 * Each app's current release in an env, for pages that show every app at once. Reading every
 * `release.json` from git costs about 2 ms an app, so the answer is kept per env with the commit it
 * was read at; when the branch moved, only the app folders the new commits touched are read again
 * (the history index records them with their tree ids). A history that is not a straight line from
 * the cached commit (a merge, a force push) is read in full, as releaseStatus does.
 */
import { decodeRelease, gitopsRepoName, join, type Release } from "../core/gitops/index.ts";
import { readText, type GitopsRepo, type IndexedCommit } from "../git/index.ts";
import type { OpsDeps } from "./deps.ts";
import { envOf, releaseStatus } from "./releases.ts";

interface Cached {
  head: string;
  status: Record<string, Release | null>;
}

const caches = new WeakMap<object, Map<string, Cached>>();

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
  if (c && !env.repoPerEnv) {
    const changed = await changedApps(g, c.head, head, env.name);
    if (changed) {
      const status = { ...c.status };
      for (const [app, tree] of changed) {
        if (tree === undefined) {
          delete status[app];
          continue;
        }
        const text = await readText(g.repo, tree, "release.json");
        const where = join(env.name, app, "release.json");
        status[app] = text ? { ...decodeRelease(text, where), gitopsRepo: gitopsRepoName(env) } : null;
      }
      per.set(env.name, { head, status: sorted(status) });
      return per.get(env.name)!.status;
    }
  }
  // Read at `head` or later: a later commit's folders are read again next time, which is harmless.
  const status = await releaseStatus(d, { env: env.name });
  per.set(env.name, { head, status });
  return status;
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
): Promise<Map<string, string | undefined> | undefined> {
  await g.index.update(to);
  const out = new Map<string, string | undefined>();
  let sha: string | undefined = to;
  for (let i = 0; sha !== from; i++) {
    const c: IndexedCommit | undefined = sha ? g.index.commits.get(sha) : undefined;
    if (!c || i >= maxWalk || c.parents.length !== 1) return undefined;
    for (const p of c.touched) {
      const parts = p.split("/");
      if (parts.length !== 2 || parts[0] !== env || out.has(parts[1]!)) continue;
      out.set(parts[1]!, c.at?.[p]);
    }
    sha = c.parents[0];
  }
  return out;
}
