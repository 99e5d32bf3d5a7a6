/**
 * The history index against the git CLI: touched paths as `git diff-tree` sees them, written parents
 * first so that a build cut short resumes where it stopped, across merges.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HistoryIndex, type IndexedCommit } from "./history-index.ts";
import { openRepo } from "./repo.ts";
import { workingCopy } from "./test-kit.ts";

const { wc, git, init, write, commit, remove } = workingCopy("history-index-");
const file = join(wc, ".git/gimlet/history-v1.jsonl");

beforeAll(() => {
  init();
  for (let i = 0; i < 30; i++) {
    write(`staging/app-${i % 7}/deployment.yaml`, `v${i}`);
    write("staging/release.json", `{"i":${i}}`);
    if (i % 5 === 0) write(`prod/app-${i}/release.json`, "{}");
    if (i === 12) rmSync(join(wc, "staging/app-3"), { recursive: true });
    commit(`release ${i}`);
    if (i % 10 === 9) {
      // a side branch merged back: the index must put both parents before the merge
      git(["checkout", "-q", "-b", `side-${i}`, "HEAD~3"]);
      write(`staging/side-${i}/x.yaml`, "side");
      commit(`side ${i}`);
      git(["checkout", "-q", "main"]);
      git(["merge", "-q", "--no-ff", "-m", `merge ${i}`, `side-${i}`]);
    }
  }
});
afterAll(remove);

/** Depth one and two of what `git diff-tree` says a commit changed against its first parent. */
function gitTouched(sha: string): string[] {
  const root = git(["rev-list", "--max-parents=0", "HEAD"]).trim() === sha;
  const changed = root
    ? git(["ls-tree", "-r", "--name-only", sha])
    : git(["diff-tree", "-r", "--name-only", `${sha}^1`, sha]);
  const files = changed.trim().split("\n").filter(Boolean);
  const out = new Set<string>();
  for (const f of files) {
    const parts = f.split("/");
    out.add(parts[0]!);
    if (parts.length > 1) out.add(`${parts[0]}/${parts[1]}`);
  }
  return [...out].sort();
}

const lines = () =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as IndexedCommit);

test("every commit's touched paths match git diff-tree, and the file lists parents before children", async () => {
  rmSync(join(wc, ".git/gimlet"), { recursive: true, force: true });
  const head = git(["rev-parse", "HEAD"]).trim();
  const index = await HistoryIndex.open(openRepo(wc));
  const all = git(["rev-list", "HEAD"]).trim().split("\n");
  expect(await index.update(head)).toBe(all.length);
  for (const sha of all) expect(index.commits.get(sha)!.touched).toEqual(gitTouched(sha));
  const seen = new Set<string>();
  for (const c of lines()) {
    for (const p of c.parents) expect(seen.has(p)).toBe(true);
    seen.add(c.sha);
  }
});

test("a build cut short (a torn last line) resumes: only the missing commits are indexed, with the same result", async () => {
  rmSync(join(wc, ".git/gimlet"), { recursive: true, force: true });
  const head = git(["rev-parse", "HEAD"]).trim();
  const full = await HistoryIndex.open(openRepo(wc));
  await full.update(head);
  const text = readFileSync(file, "utf8").split("\n").filter(Boolean);
  // What an interrupted build leaves: the first 17 commits, then half a line.
  writeFileSync(file, text.slice(0, 17).join("\n") + "\n" + text[17]!.slice(0, 30));
  const resumed = await HistoryIndex.open(openRepo(wc));
  expect(resumed.commits.size).toBe(17);
  expect(await resumed.update(head)).toBe(text.length - 17);
  const again = await HistoryIndex.open(openRepo(wc));
  expect(again.commits.size).toBe(text.length);
  for (const [sha, c] of full.commits) expect(again.commits.get(sha)).toEqual(c);
});
