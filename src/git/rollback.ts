/**
 * Rollback of one app to an earlier gitops commit (reference §2.8): every later commit that touched
 * `<env>/<app>` is reverted, newest first, skipping reverts and what was already reverted. Each
 * revert is its own commit with git's message, so `git log` and our history both recognise it.
 */
import git from "isomorphic-git";
import { ConflictError, NotFoundError } from "../core/errors.ts";
import { appDir, envDir, join, revertMessage, type Layout } from "../core/gitops/index.ts";
import { buildCommit, treeOf, type CommitMeta } from "./commit.ts";
import { type HistoryIndex, touches, type IndexedCommit } from "./history-index.ts";
import type { GitRepo } from "./repo.ts";
import { editTree, oidAt, type TreeEdit } from "./tree.ts";

export interface RollbackRequest extends Layout {
  app: string;
  /** The gitops commit to return to (a release's gitopsRef). */
  to: string;
  author?: CommitMeta["author"];
  now?: () => Date;
}

export interface RollbackPlan {
  /** Revert commits built on `base`, oldest first; no ref has moved. */
  commits: string[];
  /** The commits they revert, newest first. */
  reverted: string[];
}

/** Builds the revert commits on `base`; the caller moves the branch (see GitopsRepo.rollback). */
export async function buildRollback(
  repo: GitRepo,
  index: HistoryIndex,
  base: string | undefined,
  req: RollbackRequest,
): Promise<RollbackPlan> {
  const prefix = appDir(req, req.app);
  await index.update(base);
  const to = await expand(repo, req.to);
  const later: IndexedCommit[] = [];
  const alreadyReverted = new Set<string>();
  let found = false;
  for (const c of index.walk(base)) {
    if (c.sha === to) {
      found = true;
      break;
    }
    if (!touches(c, prefix)) continue;
    if (c.reverts) alreadyReverted.add(c.reverts);
    else later.push(c);
  }
  if (!found)
    throw new NotFoundError(`commit ${req.to} is not in the history of the gitops branch`, {
      hint: "use a gitopsRef from `gimlet gitops history`",
    });
  const toRevert = later.filter((c) => !alreadyReverted.has(c.sha));
  const paths = [prefix, join(envDir(req), "release.json")];
  let tip = base!;
  const commits: string[] = [];
  for (const c of toRevert) {
    const built = await buildCommit(repo, tip, (tree) => revertTree(repo, c, tree!, paths), {
      message: revertMessage(c.subject, c.sha),
      author: req.author,
      now: req.now,
    });
    if (!built.sha) continue; // already undone by hand: nothing to revert
    tip = built.sha;
    commits.push(tip);
  }
  return { commits, reverted: commits.length ? toRevert.map((c) => c.sha) : [] };
}

async function expand(repo: GitRepo, sha: string): Promise<string> {
  try {
    return await git.expandOid({ fs: repo.fs, gitdir: repo.gitdir, oid: sha, cache: repo.cache });
  } catch {
    throw new NotFoundError(`no commit ${sha} in the gitops repo`, {
      hint: "use a gitopsRef from `gimlet gitops history`",
    });
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
    const [a, b, h] = await Promise.all([
      oidAt(repo, after, path),
      before ? oidAt(repo, before, path) : undefined,
      oidAt(repo, current, path),
    ]);
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

async function mergeFiles(
  repo: GitRepo,
  dir: string,
  after?: string,
  before?: string,
  current?: string,
  sha?: string,
): Promise<TreeEdit[]> {
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
