/**
 * For tests that judge our git code by the real git CLI: a working copy in a temp dir, committed to
 * by `git` with a fixed author so that runs do not depend on the machine's git config. Tests only.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Author and committer of every test commit. */
export const testAuthor = {
  GIT_AUTHOR_NAME: "t",
  GIT_AUTHOR_EMAIL: "t@t",
  GIT_COMMITTER_NAME: "t",
  GIT_COMMITTER_EMAIL: "t@t",
};

/** Runs `git args` in `cwd` and returns its output; a failure throws with git's message. */
export function gitSync(args: string[], cwd: string, stdin?: Uint8Array): string {
  const p = Bun.spawnSync(["git", ...args], { cwd, stdin, env: { ...process.env, ...testAuthor } });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString();
}

/** A temp dir `root` holding the working copy `root/wc` (made by `init`), removed by `remove`. */
export function workingCopy(prefix: string) {
  const root = mkdtempSync(join(tmpdir(), prefix));
  const wc = join(root, "wc");
  const git = (args: string[], cwd = wc, stdin?: Uint8Array) => gitSync(args, cwd, stdin);
  return {
    root,
    wc,
    git,
    /** Creates the working copy: `git init` on branch main. */
    init: () => {
      mkdirSync(wc, { recursive: true });
      git(["init", "-q", "-b", "main"]);
    },
    /** Writes a file of the working copy, making its folders. */
    write: (path: string, text: string) => {
      mkdirSync(join(wc, path, ".."), { recursive: true });
      writeFileSync(join(wc, path), text);
    },
    /** Commits everything in the working copy (an empty commit when nothing changed). */
    commit: (msg: string) => {
      git(["add", "-A"]);
      git(["commit", "-q", "--allow-empty", "-m", msg]);
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
