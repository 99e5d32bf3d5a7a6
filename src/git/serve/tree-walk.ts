/**
 * The objects of a tree that are new relative to an older version of it. A full clone walks one
 * root tree per commit; consecutive versions share almost every entry, and looking each shared
 * entry up by hex id cost seconds on 10,000 commits. Entries the older tree has byte for byte are
 * skipped (store/tree-diff.ts), without making an id string or touching a set.
 */
import type { ObjectReader } from "../store/objects.ts";
import { diffTrees, entryOid, isGitlinkEntry, isTreeEntry } from "../store/tree-diff.ts";
import type { Budget } from "./limits.ts";

export interface WalkSets {
  /** Objects the client has (never sent). */
  skip: Set<string>;
  /** Objects going out; a tree in here has all its objects in out ∪ skip. */
  out: Set<string>;
}

/** Whether everything under `tree` is already in `out` ∪ `skip` (trees are added only once walked). */
const covered = (s: WalkSets, tree: string) => s.out.has(tree) || s.skip.has(tree);

/** Every tree and blob under `tree` not in `skip`, added to `out`. Gitlinks are skipped. */
export function addTree(repo: ObjectReader, tree: string, s: WalkSets, budget?: Budget): void {
  addTreeSince(repo, tree, undefined, s, budget);
}

/**
 * Like addTree, but `base` (an older version of the same path, already covered) lets the walk
 * descend only into entries that differ from it.
 */
export function addTreeSince(
  repo: ObjectReader,
  tree: string,
  base: string | undefined,
  s: WalkSets,
  budget?: Budget,
): void {
  if (covered(s, tree)) return;
  const a = repo.read(tree).data;
  const b = base !== undefined && covered(s, base) ? repo.read(base).data : undefined;
  s.out.add(tree);
  budget?.tick();
  diffTrees(a, b, (ai, anul, bj, bnul) => {
    if (ai < 0 || isGitlinkEntry(a, ai)) return; // removed, or a submodule commit (never sent)
    const oid = entryOid(a, anul);
    if (covered(s, oid)) return;
    if (!isTreeEntry(a, ai)) s.out.add(oid);
    else addTreeSince(repo, oid, bj >= 0 && isTreeEntry(b!, bj) ? entryOid(b!, bnul) : undefined, s, budget);
  });
}
