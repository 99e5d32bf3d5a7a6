/** Commit objects: a new tree derived from the parent's, written as a commit; moving a ref is the caller's. */
import git from "isomorphic-git";
import type { Author, GitRepo } from "./repo.ts";
import { objectsOf, parseCommit } from "./store/objects.ts";

export async function treeOf(repo: GitRepo, commit: string | undefined): Promise<string | undefined> {
  if (!commit) return undefined;
  const o = objectsOf(repo).read(commit);
  if (o.type !== "commit") throw new Error(`${commit} is a ${o.type}, not a commit`);
  return parseCommit(o.data).tree;
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
  const sha = await git.writeCommit({
    fs: repo.fs,
    gitdir: repo.gitdir,
    commit: { tree, parent: parent ? [parent] : [], author: sig, committer: sig, message },
  });
  return { sha, tree, baseTree };
}
