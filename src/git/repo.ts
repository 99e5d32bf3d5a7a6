/**
 * A gitops repository on disk, as isomorphic-git sees it: a working copy (`dir` with `.git`) or a
 * bare repository (hosted repos). One long-lived `cache` per repo keeps object reads fast.
 */
import git from "isomorphic-git";
import type * as fs from "node:fs";
import { existsSync, statSync } from "node:fs";
import { gitFs } from "./atomic-fs.ts";
import { join, resolve } from "node:path";
import { UserError } from "../core/errors.ts";
import { defaultAuthor } from "../core/gitops/index.ts";
import type { Mutex } from "./mutex.ts";
import type { ReachMemo } from "./serve/reachable.ts";
import type { ObjectStore } from "./store/objects.ts";

export interface Author {
  name: string;
  email: string;
}

export interface GitRepo {
  fs: typeof fs;
  /** Working tree, or undefined for a bare repository. */
  dir?: string;
  gitdir: string;
  cache: object;
  author: Author;
  /** State owned by this handle, made on first use: its write lock and the git server's caches. */
  owned?: { lock?: Mutex; objects?: ObjectStore; reachable?: ReachMemo };
}

export interface OpenOptions {
  author?: Author;
}

/** Opens an existing repository at `path` (a working copy or a bare repo). */
export function openRepo(path: string, opts: OpenOptions = {}): GitRepo {
  const abs = resolve(path);
  const author = opts.author ?? defaultAuthor;
  if (existsSync(join(abs, ".git"))) {
    const dotgit = join(abs, ".git");
    if (!statSync(dotgit).isDirectory()) {
      throw new UserError(`${abs}/.git is a file (a worktree or submodule); open the main working copy instead`, {
        pos: { file: abs },
      });
    }
    return { fs: gitFs, dir: abs, gitdir: dotgit, cache: {}, author };
  }
  if (existsSync(join(abs, "HEAD")) && existsSync(join(abs, "objects")))
    return { fs: gitFs, gitdir: abs, cache: {}, author };
  throw new UserError(`${abs} is not a git repository`, {
    pos: { file: abs },
    hint: "run `git init` there, or pass --gitops-repo-path",
  });
}

/** Creates a repository with branch `main` (bare for hosted repos). */
export async function initRepo(
  path: string,
  opts: OpenOptions & { bare?: boolean; branch?: string } = {},
): Promise<GitRepo> {
  const abs = resolve(path);
  await git.init({
    fs: gitFs,
    dir: opts.bare ? undefined : abs,
    gitdir: opts.bare ? abs : undefined,
    bare: opts.bare,
    defaultBranch: opts.branch ?? "main",
  });
  return openRepo(abs, opts);
}

/** The branch HEAD points at; a detached HEAD is an error (we never commit to one). */
export async function currentBranch(repo: GitRepo): Promise<string> {
  const b = await git.currentBranch({ fs: repo.fs, gitdir: repo.gitdir, fullname: false });
  if (!b)
    throw new UserError("HEAD is detached", {
      pos: { file: repo.dir ?? repo.gitdir },
      hint: "check out a branch first",
    });
  return b;
}

/** The commit a branch points at, or undefined on an unborn branch. */
export async function branchHead(repo: GitRepo, branch: string): Promise<string | undefined> {
  try {
    return await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref: `refs/heads/${branch}` });
  } catch (e) {
    if ((e as { code?: string }).code === "NotFoundError") return undefined;
    throw e;
  }
}
