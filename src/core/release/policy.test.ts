import { describe, expect, test } from "bun:test";
import { artifactVars } from "./artifact.ts";
import { globToRegExp, matchNegatable } from "./glob.ts";
import { cleanupTrigger, deployTrigger } from "./policy.ts";

const art = (v: Record<string, string>) => ({ version: { repositoryName: "acme/web", sha: "abc", event: "push", ...v } as never });

describe("deployTrigger()", () => {
  test("matches branch globs with negation, and requires the event", () => {
    expect(deployTrigger(art({ branch: "main" }), { branch: "main", event: "push" })).toBe(true);
    expect(deployTrigger(art({ branch: "feature/x/y" }), { branch: "feature/*", event: "push" })).toBe(true);
    expect(deployTrigger(art({ branch: "main" }), { branch: "!{main,master}", event: "push" })).toBe(false);
    expect(deployTrigger(art({ branch: "dev" }), { branch: "!{main,master}", event: "push" })).toBe(true);
    expect(deployTrigger(art({ branch: "main" }), { branch: "main" })).toBe(false);
    expect(deployTrigger(art({ branch: "main", event: "pr" }), { branch: "main", event: "push" })).toBe(false);
  });

  test("matches tags only with event tag (the documented intent, not the original's bug)", () => {
    expect(deployTrigger(art({ tag: "v1.2.3", event: "tag" }), { tag: "v*", event: "tag" })).toBe(true);
    expect(deployTrigger(art({ tag: "v1.2.3-rc1", event: "tag" }), { tag: "!*-rc*", event: "tag" })).toBe(false);
    expect(deployTrigger(art({ tag: "v1", event: "tag" }), { tag: "v*", event: "push" })).toBe(false);
  });

  test("filters on commit message patterns, with [DEPLOY: ALL] always matching", () => {
    const p = { branch: "main", event: "push" as const, commitMessagePatterns: ["*[deploy]*"] };
    expect(deployTrigger(art({ branch: "main", message: "fix [deploy] now" }), p)).toBe(true);
    expect(deployTrigger(art({ branch: "main", message: "fix" }), p)).toBe(false);
    expect(deployTrigger(art({ branch: "main", message: "x [DEPLOY: ALL]" }), p)).toBe(true);
  });

  test("does nothing without a deploy block", () => {
    expect(deployTrigger(art({ branch: "main" }), undefined)).toBe(false);
    expect(deployTrigger(art({ branch: "main" }), {})).toBe(false);
  });
});

describe("cleanupTrigger()", () => {
  test("matches the deleted branch against the cleanup glob", () => {
    expect(cleanupTrigger("feature/a", { app: "x", event: "branchDeleted", branch: "feature/*" })).toBe(true);
    expect(cleanupTrigger("main", { app: "x", event: "branchDeleted", branch: "!main" })).toBe(false);
  });
});

describe("globToRegExp()", () => {
  test("handles classes, escapes and alternatives", () => {
    expect(globToRegExp("v[0-9].?").test("v1.x")).toBe(true);
    expect(globToRegExp("a\\*b").test("a*b")).toBe(true);
    expect(globToRegExp("a\\*b").test("axb")).toBe(false);
    expect(matchNegatable("{a,b}c", "bc")).toBe(true);
  });
});

describe("artifactVars()", () => {
  test("merges context, string item values and vars, later winning, with version fallbacks", () => {
    const vars = artifactVars({
      version: { repositoryName: "acme/web", sha: "abc", branch: "main", event: "push" },
      context: { A: "ctx", B: "ctx" },
      items: [{ name: "CI", url: "u", n: 3 }],
      vars: { B: "vars" },
    });
    expect(vars).toMatchObject({ A: "ctx", B: "vars", name: "CI", url: "u", SHA: "abc", BRANCH: "main", REPO: "acme/web" });
    expect(vars.n).toBeUndefined();
  });
});
