/**
 * Rollback of one app to an earlier gitops commit (reference §2.8): every later commit that touched
 * `<env>/<app>` is reverted, newest first, skipping reverts and what was already reverted. Each
 * revert is its own commit with git's message, so `git log` and our history both recognise it;
 * the branch moves once, from the old head to the last revert.
 */
import git from "isomorphic-git";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { appDir, envDir, join, revertMessage, type Layout } from "../core/gitops/index.ts";
import { buildCommit, treeOf, type CommitMeta } from "./commit.ts";
import { HistoryIndex, touches, type IndexedCommit } from "./history-index.ts";
import { updateBranch } from "./refs.ts";
import { branchHead, currentBranch, type GitRepo } from "./repo.ts";
import { editTree, oidAt, type TreeEdit } from "./tree.ts";
import { assertClean, syncWorktree } from "./worktree.ts";

export interface RollbackRequest extends Layout {
  branch: string;
  app: string;
  /** The gitops commit to return to (a release's gitopsRef). */
  to: string;
  author?: CommitMeta["author"];
  now?: () => Date;
}

export interface RollbackResult {
  /** Revert commits, oldest first. Empty when nothing needed reverting. */
  commits: string[];
  reverted: string[];
}

export async function rollback(repo: GitRepo, index: HistoryIndex, req: RollbackRequest): Promise<RollbackResult> {
  const prefix = appDir(req, req.app);
  const head = await branchHead(repo, req.branch);
  await index.update(head);
  const to = await expand(repo, req.to);
  const later: IndexedCommit[] = [];
  const alreadyReverted = new Set<string>();
  let found = false;
  for (const c of index.walk(head)) {
    if (c.sha === to) {
      found = true;
      break;
    }
    if (!touches(c, prefix)) continue;
    if (c.reverts) alreadyReverted.add(c.reverts);
    else later.push(c);
  }
  if (!found) throw new NotFoundError(`commit ${req.to} is not in the history of branch ${req.branch}`, { hint: "use a gitopsRef from `gimlet gitops history`" });
  const toRevert = later.filter((c) => !alreadyReverted.has(c.sha));
  if (toRevert.length === 0) return { commits: [], reverted: [] };

  const checkedOut = repo.dir ? (await currentBranch(repo)) === req.branch : false;
  const envRelease = join(envDir(req), "release.json");
  if (checkedOut) await assertClean(repo, [prefix, envRelease]);

  let tip = head!;
  const commits: string[] = [];
  for (const c of toRevert) {
    const built = await buildCommit(repo, tip, (base) => revertTree(repo, c, base!, [prefix, envRelease]), {
      message: revertMessage(c.subject, c.sha),
      author: req.author,
      now: req.now,
    });
    if (!built.sha) continue; // already undone by hand: nothing to revert
    tip = built.sha;
    commits.push(tip);
  }
  if (commits.length === 0) return { commits, reverted: [] };
  await updateBranch(repo, req.branch, head, tip);
  if (checkedOut) await syncWorktree(repo, await treeOf(repo, head), (await treeOf(repo, tip))!, [prefix, envRelease]);
  await index.update(tip);
  return { commits, reverted: toRevert.map((c) => c.sha) };
}

async function expand(repo: GitRepo, sha: string): Promise<string> {
  try {
    return await git.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: sha, cache: repo.cache });
  } catch {
    throw new NotFoundError(`no commit ${sha} in the gitops repo`, { hint: "use a gitopsRef from `gimlet gitops history`" });
  }
}

/**
 * Undoes commit `c` on the paths given, on top of `current`. A path still as `c` left it goes back
 * to `c`'s parent; a path changed since is merged file by file, and a real conflict stops the
 * rollback rather than guessing.
 */
async function revertTree(repo: GitRepo, c: IndexedCommit, current: string, paths: string[]): Promise<string> {
  const after = (await treeOf(repo, c.sha))!;
  const before = await treeOf(repo, c.parents[0]);
  const edits: TreeEdit[] = [];
  for (const path of paths) {
    const [a, b, h] = await Promise.all([oidAt(repo, after, path), before ? oidAt(repo, before, path) : undefined, oidAt(repo, current, path)]);
    if (a?.oid === b?.oid || h?.oid === b?.oid) continue; // untouched by c, or already back
    if (h?.oid === a?.oid) {
      edits.push(b ? { path, oid: b.oid, type: b.type as "blob" | "tree" } : { path });
      continue;
    }
    if (path.endsWith("release.json")) continue; // the env-level copy tracks the newest release of any app
    edits.push(...(await mergeFiles(repo, path, a?.oid, b?.oid, h?.oid, c.sha)));
  }
  return editTree(repo, current, edits);
}

async function filesUnder(repo: GitRepo, tree: string | undefined): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!tree) return out;
  const walkTree = async (oid: string, base: string) => {
    const { tree: entries } = await git.readTree({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    for (const e of entries) {
      const p = base ? `${base}/${e.path}` : e.path;
      if (e.type === "tree") await walkTree(e.oid, p);
      else out.set(p, e.oid);
    }
  };
  await walkTree(tree, "");
  return out;
}

async function mergeFiles(repo: GitRepo, dir: string, after?: string, before?: string, current?: string, sha?: string): Promise<TreeEdit[]> {
  const [a, b, h] = await Promise.all([filesUnder(repo, after), filesUnder(repo, before), filesUnder(repo, current)]);
  const edits: TreeEdit[] = [];
  for (const file of new Set([...a.keys(), ...b.keys()])) {
    const [fa, fb, fh] = [a.get(file), b.get(file), h.get(file)];
    if (fa === fb || fh === fb) continue;
    if (fh !== fa) {
      throw new ConflictError(`cannot revert ${sha?.slice(0, 12)}: ${join(dir, file)} was changed again since`, {
        hint: "roll back to a newer release, or write the app's manifests again",
      });
    }
    edits.push(fb ? { path: join(dir, file), oid: fb, type: "blob" } : { path: join(dir, file) });
  }
  return edits;
}
