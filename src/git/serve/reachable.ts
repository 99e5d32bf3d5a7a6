/**
 * Which objects a client may ask for (allow-reachable-sha1-in-want): ref tips, the tags and
 * commits they peel to, and every ancestor commit. One walk from all refs, memoized per
 * repository until its refs change, answers every want of every request: a request's cost no
 * longer grows with wants × history.
 */
import type { ObjectReader } from "../store/objects.ts";
import { parseCommit } from "../store/objects.ts";
import type { Budget } from "./limits.ts";
import { peel } from "./objects.ts";
import type { Ref } from "./refs.ts";

export interface ReachMemo {
  key: string;
  /** Tips, peeled tags, and commits walked so far (the walk stops early when it can). */
  seen: Set<string>;
  /** Commits still to walk: kept so that a later request continues where this one stopped. */
  pending: string[];
}

/** Where a repo handle keeps its memo (GitRepo.owned). */
export interface MemoHolder {
  reachable?: ReachMemo;
}

function memoFor(holder: MemoHolder, store: ObjectReader, refs: Ref[]): ReachMemo {
  const key = refs.map((r) => `${r.name} ${r.oid}`).join("\n");
  let m = holder.reachable;
  if (m?.key === key) return m;
  m = { key, seen: new Set(), pending: [] };
  for (const r of refs) {
    m.seen.add(r.oid);
    try {
      const p = peel(store, r.oid);
      for (const t of p.tags) m.seen.add(t);
      m.seen.add(p.oid);
      if (p.type === "commit") m.pending.push(p.oid);
    } catch {
      // a broken ref: nothing behind it is offered
    }
  }
  holder.reachable = m;
  return m;
}

/** The first of `wants` that is not reachable from `refs`, or undefined when all are. */
export function firstUnreachable(
  holder: MemoHolder,
  store: ObjectReader,
  refs: Ref[],
  wants: string[],
  budget: Budget,
): string | undefined {
  const m = memoFor(holder, store, refs);
  const missing = new Set(wants.filter((w) => !m.seen.has(w)));
  // The walk resumes from where any earlier request left it and stops once every want is found.
  while (missing.size && m.pending.length) {
    budget.tick(); // before pop: a walk cut short by the budget loses nothing for the next request
    const c = m.pending.pop()!;
    let parents: string[];
    try {
      const o = store.read(c);
      parents = o.type === "commit" ? parseCommit(o.data).parents : [];
    } catch {
      parents = [];
    }
    for (const p of parents) {
      if (m.seen.has(p)) continue;
      m.seen.add(p);
      missing.delete(p);
      m.pending.push(p);
    }
  }
  for (const w of wants) if (!m.seen.has(w)) return w;
  return undefined;
}
