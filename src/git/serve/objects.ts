/** Object selection for upload-pack: wants minus what the client has, cut at a shallow boundary. */
import { ObjectStore, parseCommit, treeChildren } from "../store/objects.ts";

type Store = ObjectStore;

function readCommit(repo: Store, oid: string) {
  const c = parseCommit(repo.read(oid).data);
  return { tree: c.tree, parent: c.parents };
}

/** Every tree and blob under `tree` not in `skip`, added to `out`. Gitlinks are skipped. */
export function addTree(repo: Store, tree: string, skip: Set<string>, out: Set<string>): void {
  if (skip.has(tree) || out.has(tree)) return;
  out.add(tree);
  for (const e of treeChildren(repo.read(tree).data)) {
    if (e.kind === "gitlink" || skip.has(e.oid) || out.has(e.oid)) continue;
    if (e.kind === "tree") addTree(repo, e.oid, skip, out);
    else out.add(e.oid);
  }
}

export async function exists(repo: Store, oid: string): Promise<boolean> {
  return repo.has(oid);
}

export interface Selection {
  oids: string[];
  shallow: string[];
  unshallow: string[];
}

/**
 * Commits from the wants (depth-limited: a commit at `depth` is a boundary whose parents are not
 * sent), minus everything reachable from the common haves, plus their trees and blobs.
 */
export async function selectObjects(
  repo: Store,
  o: { wants: string[]; haves: string[]; clientShallow: Set<string>; depth?: number; relative?: boolean },
): Promise<Selection> {
  // What the client has: the commits reachable from its haves (it lacks the parents of its shallows).
  const haveCommits = new Set<string>();
  const stack = [...o.haves];
  while (stack.length) {
    const c = stack.pop()!;
    if (haveCommits.has(c)) continue;
    haveCommits.add(c);
    if (o.clientShallow.has(c)) continue;
    try {
      stack.push(...(readCommit(repo, c)).parent);
    } catch {
      // the client may name commits we lack; they only narrow nothing
    }
  }
  let depth = o.depth;
  if (depth !== undefined && o.relative && o.clientShallow.size) {
    // deepen-relative: count from the client's current boundary.
    let d = Infinity;
    const q: [string, number][] = o.wants.map((w) => [w, 1]);
    const seen = new Set<string>();
    while (q.length) {
      const [c, n] = q.shift()!;
      if (seen.has(c)) continue;
      seen.add(c);
      if (o.clientShallow.has(c)) d = Math.min(d, n);
      else if (n < 10_000) for (const p of (readCommit(repo, c)).parent) q.push([p, n + 1]);
    }
    depth = Number.isFinite(d) ? d + depth : depth;
  }
  const commits: string[] = [];
  const trees: string[] = [];
  const shallow: string[] = [];
  const unshallow: string[] = [];
  const best = new Map<string, number>();
  const queue: [string, number][] = o.wants.map((w) => [w, 1]);
  while (queue.length) {
    const [c, n] = queue.shift()!;
    if ((best.get(c) ?? Infinity) <= n) continue;
    const first = !best.has(c);
    best.set(c, n);
    // Without deepen, history the client has ends the walk; with it, the walk must pass through
    // to find the new boundary (what the client has is still not sent).
    if (haveCommits.has(c) && !o.clientShallow.has(c) && depth === undefined) continue;
    const commit = readCommit(repo, c);
    if (first && !haveCommits.has(c)) {
      commits.push(c);
      trees.push(commit.tree);
    }
    const boundary = depth !== undefined && depth < 2_147_483_647 && n >= depth;
    if (boundary) {
      if (!o.clientShallow.has(c) && first) shallow.push(c);
      continue;
    }
    if (o.clientShallow.has(c)) {
      if (depth === undefined) continue; // no deepen: the client keeps its boundary
      if (commit.parent.length) unshallow.push(c);
    }
    for (const p of commit.parent) queue.push([p, n + 1]);
  }
  // Objects the client already has: the trees of its commits we walked past.
  const skip = new Set<string>();
  for (const c of haveCommits) {
    try {
      addTree(repo, (readCommit(repo, c)).tree, new Set(), skip);
    } catch {
      // unknown have
    }
  }
  const out = new Set<string>(commits);
  // Oldest trees first: a repository deltifies new versions against old ones, and a delta can only
  // be reused once its base has gone out.
  for (const t of [...trees].reverse()) addTree(repo, t, skip, out);
  return { oids: [...out], shallow: shallow.filter((c, i, a) => a.indexOf(c) === i), unshallow };
}
