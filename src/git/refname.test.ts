/** Ref names judged by the git CLI: our check must agree with `git check-ref-format` on every name. */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { refFormatProblem, validRefName } from "./refname.ts";

function gitAccepts(names: string[]): boolean[] {
  // One shell for the whole table: a process per name would dominate the test's time.
  const script = 'for n in "$@"; do git check-ref-format "$n" >/dev/null 2>&1; echo $?; done';
  const p = Bun.spawnSync(["sh", "-c", script, "sh", ...names]);
  return p.stdout
    .toString()
    .trim()
    .split("\n")
    .map((c) => c === "0");
}

const table = [
  "refs/heads/main",
  "refs/heads/main.lock/x",
  "refs/heads/main.lock",
  "refs/heads/a.lock.b",
  "refs/heads/a..b",
  "refs/heads/a@{b",
  "refs/heads/a@b",
  "refs/heads/@",
  "@",
  "refs/heads/a.",
  "refs/heads/a/",
  "refs/heads/.a",
  "refs/heads/a/.b",
  "refs/heads/a/./b",
  "refs/heads/a/../b",
  "refs//heads",
  "/refs/heads/a",
  "refs/heads/a\\b",
  "refs/heads/a*",
  "refs/heads/a?",
  "refs/heads/a[b",
  "refs/heads/a~1",
  "refs/heads/a^",
  "refs/heads/a:b",
  "refs/heads/a b",
  "refs/heads/a\tb",
  "refs/heads/a\x01",
  "refs/heads/a\x7f",
  "refs/heads/ä",
  "refs/heads/a{b}",
  "refs/heads/x/-y",
  "refs/tags/v1.0",
  "main",
  "refs",
  "refs/heads/.lock",
  "refs/heads/a.lock/",
  "refs/heads/..",
  "refs/heads/.",
  "refs/heads/a/.",
  "refs/heads/@{",
  "refs/heads/a@",
  "refs/heads/x.lck",
  "refs/heads/a/b/c",
];

describe("ref names, as git check-ref-format judges them", () => {
  test("a table of hostile and ordinary names", () => {
    const git = gitAccepts(table);
    const ours = table.map((n) => refFormatProblem(n) === undefined);
    const disagree = table.filter((_n, i) => git[i] !== ours[i]).map((n) => JSON.stringify(n));
    expect(disagree).toEqual([]);
    expect(ours.filter(Boolean).length).toBeGreaterThan(8);
  });

  test("random names built from the characters that matter", () => {
    const alphabet = [
      "a",
      "b",
      ".",
      "/",
      "lock",
      "@",
      "{",
      "-",
      "~",
      "^",
      ":",
      "?",
      "*",
      "[",
      "\\",
      " ",
      "\x01",
      "\x7f",
      "ä",
    ];
    const names = fc.sample(
      fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 10 }).map((a) => a.join("")),
      {
        numRuns: 600,
        seed: 42,
      },
    );
    // The CLI reads a leading "-" as an option; refs.c has no rule about it.
    const checked = names.filter((n) => !n.startsWith("-"));
    const git = gitAccepts(checked);
    const disagree = checked.filter((n, i) => git[i] !== (refFormatProblem(n) === undefined));
    expect(disagree.map((n) => JSON.stringify(n))).toEqual([]);
  });

  test("a pushed ref must also live under refs/", () => {
    expect(validRefName("refs/heads/main")).toBe(true);
    expect(validRefName("heads/main")).toBe(false);
    expect(validRefName("refs/heads/main.lock/x")).toBe(false);
    expect(refFormatProblem("refs/heads/main.lock/x")).toContain(".lock");
  });
});
