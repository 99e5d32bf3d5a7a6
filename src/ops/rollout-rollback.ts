/**
 * Which rollback request restored an app's current release, for the rollout recorder: a rollback
 * writes revert commits, so the restored release.json keeps the eventId of the request that first
 * wrote it, and the rollback's own timeline is found only through the queue's results (env, app and
 * the revert commits' hashes, as process-event records them).
 */
import { decodeResults } from "../core/queue.ts";
import type { OpsDeps } from "./deps.ts";

/** The rollback request a rollout is recorded under, and when its last revert commit was made (unix seconds). */
export interface RollbackTarget {
  eventId: string;
  committed: number;
}

/** Rollbacks read per lookup: they are rare next to releases, and only the newest for an env/app can match. */
const scanned = 100;

/**
 * The newest rollback request that committed reverts of `env`/`app` no earlier than `after` (the newest
 * release it rolled back), or undefined: one store query, plus the env's history index for the commit time.
 */
export async function rollbackOf(
  d: Pick<OpsDeps, "store" | "repos">,
  env: string,
  app: string,
  after: number,
): Promise<RollbackTarget | undefined> {
  for (const e of await d.store.events({ type: "rollback", limit: scanned })) {
    const hashes = decodeResults(JSON.stringify(e.results))
      .filter((r) => r.env === env && r.app === app && r.hash)
      .map((r) => r.hash);
    if (!hashes.length) continue;
    const committed = (await commitTime(d, env, hashes[hashes.length - 1]!)) ?? e.created;
    // Reverts older than the release they would have to undo: that release was reverted by hand.
    return committed < after ? undefined : { eventId: e.id, committed };
  }
  return undefined;
}

async function commitTime(d: Pick<OpsDeps, "store" | "repos">, env: string, hash: string): Promise<number | undefined> {
  const e = await d.store.env(env);
  if (!e) return undefined;
  const g = await d.repos.get(e);
  await g.index.update(await g.head());
  return g.index.commits.get(hash)?.time;
}
