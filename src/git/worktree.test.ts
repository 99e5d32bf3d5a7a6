/**
 * assertClean on a working copy made by the git CLI: the fast check passes a clean folder without
 * isomorphic-git's statusMatrix, and every kind of change still stops the write, named.
 */
import { afterAll, beforeEach, expect, test } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openRepo } from "./repo.ts";
import { workingCopy } from "./test-kit.ts";
import { assertClean } from "./worktree.ts";

const { wc, git, init, remove } = workingCopy("worktree-");

beforeEach(() => {
  rmSync(wc, { recursive: true, force: true });
  init();
  mkdirSync(join(wc, "staging/web/nested"), { recursive: true });
  writeFileSync(join(wc, "staging/web/deployment.yaml"), "kind: Deployment\n");
  writeFileSync(join(wc, "staging/web/nested/x.yaml"), "x\n");
  writeFileSync(join(wc, "staging/release.json"), "{}\n");
  writeFileSync(join(wc, "staging/other.yaml"), "other\n");
  git(["add", "-A"]);
  git(["commit", "-q", "-m", "first"]);
});
afterAll(remove);

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
