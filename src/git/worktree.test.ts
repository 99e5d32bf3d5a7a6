/**
 * assertClean on a working copy made by the git CLI: the fast check passes a clean folder without
 * isomorphic-git's statusMatrix, and every kind of change still stops the write, named.
 */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openRepo } from "./repo.ts";
import { assertClean } from "./worktree.ts";

const root = mkdtempSync(join(tmpdir(), "worktree-"));
const wc = join(root, "wc");

function git(args: string[]): string {
  const p = Bun.spawnSync(["git", ...args], {
    cwd: wc,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@t",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@t",
    },
  });
  if (p.exitCode !== 0) throw new Error(`git ${args.join(" ")}: ${p.stderr.toString()}`);
  return p.stdout.toString();
}

beforeEach(() => {
  rmSync(wc, { recursive: true, force: true });
  mkdirSync(join(wc, "staging/web/nested"), { recursive: true });
  git(["init", "-q", "-b", "main"]);
  writeFileSync(join(wc, "staging/web/deployment.yaml"), "kind: Deployment\n");
  writeFileSync(join(wc, "staging/web/nested/x.yaml"), "x\n");
  writeFileSync(join(wc, "staging/release.json"), "{}\n");
  writeFileSync(join(wc, "staging/other.yaml"), "other\n");
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "first"]);
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const paths = ["staging/web", "staging/release.json"];
const check = () => assertClean(openRepo(wc), paths);

test("a clean folder and file pass, whatever changed elsewhere", async () => {
  writeFileSync(join(wc, "staging/other.yaml"), "changed elsewhere\n");
  writeFileSync(join(wc, "untracked-elsewhere"), "x");
  await check();
});

const cases: [string, () => void, string][] = [
  [
    "a modified file",
    () => writeFileSync(join(wc, "staging/web/deployment.yaml"), "kind: Changed\n"),
    "staging/web/deployment.yaml",
  ],
  ["an untracked file", () => writeFileSync(join(wc, "staging/web/new.yaml"), "new\n"), "staging/web/new.yaml"],
  ["a deleted file", () => rmSync(join(wc, "staging/web/nested/x.yaml")), "staging/web/nested/x.yaml"],
  [
    "a change staged, not committed",
    () => (writeFileSync(join(wc, "staging/release.json"), "[]\n"), git(["add", "staging/release.json"])),
    "staging/release.json",
  ],
  [
    "a staged revert to HEAD's content kept in the file",
    () => (
      writeFileSync(join(wc, "staging/release.json"), "[]\n"),
      git(["add", "staging/release.json"]),
      writeFileSync(join(wc, "staging/release.json"), "{}\n")
    ),
    "staging/release.json",
  ],
];
for (const [what, change, file] of cases) {
  test(`${what} stops the write, named`, async () => {
    change();
    await expect(check()).rejects.toThrow(file);
  });
}
