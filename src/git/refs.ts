/**
 * Moving a branch with compare-and-swap, the way git does it: take `<ref>.lock` exclusively,
 * check the current value, write, rename. git CLI and other gimlet processes honour the same lock,
 * so two writers can never both move the branch from the same old commit.
 */
import { ConflictError, UserError } from "../core/errors.ts";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import git from "isomorphic-git";
import { refFormatProblem } from "./refname.ts";
import type { GitRepo } from "./repo.ts";

export class RefLockedError extends ConflictError {
  override name = "RefLockedError";
}

/** A ref lock is held for milliseconds; one this old was left by a killed process. */
const staleLockMs = 10_000;

async function takeLock(lockPath: string) {
  try {
    return await open(lockPath, "wx");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    const st = await stat(lockPath).catch(() => undefined);
    if (!st || Date.now() - st.mtimeMs < staleLockMs) throw e;
    // Crash recovery (kill -9 between taking and releasing the lock): clear it and try once more.
    await rm(lockPath, { force: true });
    return open(lockPath, "wx");
  }
}

/** Sets `refs/heads/<branch>` to `next` if it is still `expected` (undefined = unborn). */
export function updateBranch(repo: GitRepo, branch: string, expected: string | undefined, next: string): Promise<void> {
  return updateRef(repo, `refs/heads/${branch}`, expected, next);
}

/** Sets any `refs/…` to `next` if it is still `expected` (undefined = must not exist). */
export async function updateRef(repo: GitRepo, ref: string, expected: string | undefined, next: string): Promise<void> {
  const branch = ref;
  // A name git refuses (`main.lock/x`) would leave a directory where git expects a lock file.
  const problem = refFormatProblem(ref);
  if (problem)
    throw new UserError(`invalid ref name ${JSON.stringify(ref)}: ${problem}`, { hint: "see git check-ref-format" });
  const refPath = join(repo.gitdir, ...ref.split("/"));
  const lockPath = `${refPath}.lock`;
  await mkdir(dirname(refPath), { recursive: true });
  let fh;
  try {
    fh = await takeLock(lockPath);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") {
      throw new RefLockedError(`branch ${branch} is locked by another writer`, {
        hint: `if no git process is running, remove ${lockPath}`,
      });
    }
    throw e;
  }
  let renamed = false;
  try {
    const current = await git.resolveRef({ fs: repo.fs, gitdir: repo.gitdir, ref }).catch(() => undefined);
    if (current !== expected) {
      throw new ConflictError(`branch ${branch} moved: expected ${expected ?? "(none)"}, found ${current ?? "(none)"}`);
    }
    await fh.writeFile(`${next}\n`);
    await fh.close();
    fh = undefined;
    await rename(lockPath, refPath);
    renamed = true;
  } finally {
    if (fh) await fh.close();
    // Never remove a lock after our rename: it may be another writer's by now.
    if (!renamed) await rm(lockPath, { force: true });
  }
}
