/** One commit from one change set: tree edit, commit object, compare-and-swap of the branch. */
import git from "isomorphic-git";
import type { ChangeSet } from "../core/gitops/index.ts";
import { updateBranch } from "./refs.ts";
import { branchHead, currentBranch, type Author, type GitRepo } from "./repo.ts";
import { applyChangeSet } from "./tree.ts";
import { assertClean, syncWorktree, touchedPaths } from "./worktree.ts";

export interface CommitRequest {
  branch: string;
  changeSet: ChangeSet;
  message: string;
  author?: Author;
  /** Clock for commit times (tests); defaults to now. */
  now?: () => Date;
}

export interface CommitResult {
  /** The new commit, or the unchanged head when the change set changed nothing. */
  sha: string | undefined;
  changed: boolean;
  parent: string | undefined;
}

export async function treeOf(repo: GitRepo, commit: string | undefined): Promise<string | undefined> {
  if (!commit) return undefined;
  return (await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid: commit, cache: repo.cache })).commit.tree;
}

export interface CommitMeta {
  message: string;
  author?: Author;
  now?: () => Date;
}

/**
 * Writes a commit object on `parent` whose tree `makeTree` derives from the parent's tree; no ref
 * moves. `sha` is undefined when the tree did not change.
 */
export async function buildCommit(
  repo: GitRepo,
  parent: string | undefined,
  makeTree: (baseTree: string | undefined) => Promise<string>,
  meta: CommitMeta,
): Promise<{ sha?: string; tree: string; baseTree?: string }> {
  const baseTree = await treeOf(repo, parent);
  const tree = await makeTree(baseTree);
  if (tree === baseTree) return { tree, baseTree };
  const who = meta.author ?? repo.author;
  const when = meta.now?.() ?? new Date();
  const sig = { name: who.name, email: who.email, timestamp: Math.floor(when.getTime() / 1000), timezoneOffset: 0 };
  const message = meta.message.endsWith("\n") ? meta.message : meta.message + "\n";
  const sha = await git.writeCommit({ fs: repo.fs, gitdir: repo.gitdir, commit: { tree, parent: parent ? [parent] : [], author: sig, committer: sig, message } });
  return { sha, tree, baseTree };
}

/** Commits on `branch` locally; refuses when the touched paths are dirty in a working copy. */
export async function commitChangeSet(repo: GitRepo, req: CommitRequest): Promise<CommitResult> {
  const paths = touchedPaths(req.changeSet);
  const checkedOut = repo.dir ? (await currentBranch(repo)) === req.branch : false;
  if (checkedOut) await assertClean(repo, paths);
  const parent = await branchHead(repo, req.branch);
  const built = await buildCommit(repo, parent, (base) => applyChangeSet(repo, base, req.changeSet), req);
  if (!built.sha) return { sha: parent, changed: false, parent };
  await updateBranch(repo, req.branch, parent, built.sha);
  if (checkedOut) await syncWorktree(repo, built.baseTree, built.tree, paths);
  return { sha: built.sha, changed: true, parent };
}
