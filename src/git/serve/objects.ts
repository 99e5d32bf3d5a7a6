/** Object selection for upload-pack: wants minus what the client has, cut at a shallow boundary. */
import { ProtocolError } from "../pktline.ts";
import { parseCommit, type ObjectReader } from "../store/objects.ts";
import { Budget } from "./limits.ts";
import { addTree, addTreeSince } from "./tree-walk.ts";

type Store = ObjectReader;

function readCommit(repo: Store, oid: string) {
  const o = repo.read(oid);
  if (o.type !== "commit") throw new ProtocolError(`${oid} is a ${o.type}, not a commit`);
  const c = parseCommit(o.data);
  return { tree: c.tree, parent: c.parents };
}

/** The object a tag names (`object <oid>` is its first header line). */
export function tagTarget(data: Uint8Array): string {
  const m = /^object ([0-9a-f]{40})\n/.exec(new TextDecoder().decode(data.subarray(0, 48)));
  if (!m) throw new Error("malformed tag object: no object line");
  return m[1]!;
}

/** Follows tags to what they finally name: the tag objects passed on the way, and the end object. */
export function peel(repo: Store, oid: string): { tags: string[]; oid: string; type: string } {
  const tags: string[] = [];
  let o = repo.read(oid);
  while (o.type === "tag") {
    if (tags.length > 64) throw new ProtocolError(`tag ${oid} nests more than 64 tags deep`);
    tags.push(oid);
    oid = tagTarget(o.data);
    o = repo.read(oid);
  }
  return { tags, oid, type: o.type };
}

export interface Selection {
  oids: string[];
  shallow: string[];
  unshallow: string[];
}

/** An annotated tag ref: `include-tag` sends the tag when what it names goes out. */
export interface TagRef {
  oid: string;
  peeled: string;
}

/**
 * Commits from the wants (depth-limited: a commit at `depth` is a boundary whose parents are not
 * sent), minus everything reachable from the common haves, plus their trees and blobs. Wants may
 * be annotated tags (sent, then followed to what they name).
 */
export async function selectObjects(
  repo: Store,
  o: {
    wants: string[];
    haves: string[];
    clientShallow: Set<string>;
    depth?: number;
    relative?: boolean;
    includeTags?: TagRef[];
    budget?: Budget;
  },
): Promise<Selection> {
  const budget = o.budget ?? new Budget(Infinity);
  // What the client has: the commits reachable from its haves (it lacks the parents of its shallows).
  const haveCommits = new Set<string>();
  const stack: string[] = [];
  for (const h of o.haves) {
    try {
      const p = peel(repo, h);
      if (p.type === "commit") stack.push(p.oid);
    } catch {
      // the client may name objects we lack; they only narrow nothing
    }
  }
  while (stack.length) {
    const c = stack.pop()!;
    if (haveCommits.has(c)) continue;
    budget.tick();
    haveCommits.add(c);
    if (o.clientShallow.has(c)) continue;
    try {
      stack.push(...readCommit(repo, c).parent);
    } catch {
      // a have we lack
    }
  }
  const out = new Set<string>();
  const extraTrees: string[] = [];
  const wantCommits: string[] = [];
  for (const w of o.wants) {
    const p = peel(repo, w);
    for (const t of p.tags) out.add(t);
    if (p.type === "commit") wantCommits.push(p.oid);
    else if (p.type === "tree") extraTrees.push(p.oid);
    else out.add(p.oid);
  }
  let depth = o.depth;
  if (depth !== undefined && o.relative && o.clientShallow.size) {
    // deepen-relative: count from the client's current boundary.
    let d = Infinity;
    const q: [string, number][] = wantCommits.map((w) => [w, 1]);
    const seen = new Set<string>();
    for (let qi = 0; qi < q.length; qi++) {
      const [c, n] = q[qi]!;
      if (seen.has(c)) continue;
      budget.tick();
      seen.add(c);
      if (o.clientShallow.has(c)) d = Math.min(d, n);
      else if (n < 10_000) for (const p of readCommit(repo, c).parent) q.push([p, n + 1]);
    }
    depth = Number.isFinite(d) ? d + depth : depth;
  }
  const commits: string[] = [];
  /** Root tree of each commit sent, and of its first parent (the older version to diff against). */
  const trees: [string, string | undefined][] = [];
  const rootOf = new Map<string, string>();
  /** Commits the client has that are parents of commits sent. */
  const edges = new Set<string>();
  const shallow: string[] = [];
  const unshallow: string[] = [];
  const best = new Map<string, number>();
  const queue: [string, number][] = wantCommits.map((w) => [w, 1]);
  // An index, not shift(): shift is O(n) and made long walks quadratic.
  for (let qi = 0; qi < queue.length; qi++) {
    const [c, n] = queue[qi]!;
    if ((best.get(c) ?? Infinity) <= n) continue;
    budget.tick();
    const first = !best.has(c);
    best.set(c, n);
    // Without deepen, history the client has ends the walk; with it, the walk must pass through
    // to find the new boundary (what the client has is still not sent).
    if (haveCommits.has(c) && !o.clientShallow.has(c) && depth === undefined) continue;
    const commit = readCommit(repo, c);
    rootOf.set(c, commit.tree);
    if (first && !haveCommits.has(c)) {
      commits.push(c);
      trees.push([commit.tree, commit.parent[0]]);
      for (const p of commit.parent) if (haveCommits.has(p)) edges.add(p);
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
  // Objects the client already has, as git counts them (mark_edges_uninteresting): the trees of
  // the commits it has that border on what is sent. Walking the trees of all its history instead
  // made a one-commit fetch cost as much as a clone.
  const skip = new Set<string>();
  for (const c of edges) {
    try {
      const tree = readCommit(repo, c).tree;
      rootOf.set(c, tree);
      addTree(repo, tree, { skip: new Set(), out: skip }, budget);
    } catch {
      // unknown have
    }
  }
  for (const c of commits) out.add(c);
  // include-tag: a tag goes along when what it names is in the pack and the client lacks the tag.
  for (const t of o.includeTags ?? []) {
    if (out.has(t.oid) || !out.has(t.peeled) || haveCommits.has(t.oid)) continue;
    for (const tag of peel(repo, t.oid).tags) out.add(tag);
  }
  // Oldest trees first: a repository deltifies new versions against old ones, and a delta can only
  // be reused once its base has gone out.
  // Each root tree is walked against its parent's (when that one is already covered): only the
  // paths a commit changed are descended into.
  const sets = { skip, out };
  for (const [t, parent] of [...trees].reverse())
    addTreeSince(repo, t, parent === undefined ? undefined : rootOf.get(parent), sets, budget);
  for (const t of extraTrees) addTree(repo, t, sets, budget);
  return { oids: [...out], shallow: shallow.filter((c, i, a) => a.indexOf(c) === i), unshallow };
}
