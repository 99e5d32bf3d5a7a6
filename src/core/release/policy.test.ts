import { describe, expect, test } from "bun:test";
import { artifactVars } from "./artifact.ts";
import { globToRegExp, matchNegatable } from "./glob.ts";
import type { UserError } from "../errors.ts";
import { lintManifestText, loadManifests, type CleanupPolicy } from "../manifest/index.ts";
import { cleanupTrigger, deployTrigger } from "./policy.ts";

const art = (v: Record<string, string>) => ({
  version: { repositoryName: "acme/web", sha: "abc", event: "push", ...v } as never,
});

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
  const app = "app-{{ .BRANCH }}";
  const event = "branchDeleted" as const;
  // The first seven rows are the original's Test_cleanupTrigger (gimlet pkg/dashboard/worker/gitops_test.go).
  const cases: [string, string, Partial<CleanupPolicy>, boolean][] = [
    ["branch pattern matches", "feature/test-case-1", { app, branch: "feature/*", event }, true],
    ["branch pattern does not match", "fix1", { app, branch: "feature/*", event }, false],
    ["exact branch does not match", "fix1", { app, branch: "preview-test", event }, false],
    ["missing event means branchDeleted", "preview-test", { app, branch: "preview-test" }, true],
    ["negated branch, missing event", "preview-test", { app, branch: "!main" }, true],
    ["missing branch never fires", "preview-test", { app, event }, false],
    ["missing app never fires", "preview-test", { branch: "preview-test", event }, false],
    ["empty branch never fires", "anything", { app, branch: "", event }, false],
    ["negation spares the named branch", "main", { app, branch: "!main", event }, false],
    ["negated alternatives", "master", { app, branch: "!{main,master}", event }, false],
    ["negated alternatives, other branch", "feature/x", { app, branch: "!{main,master}", event }, true],
    ["star crosses slashes (gobwas without separators)", "feature/a/b", { app, branch: "feature/*", event }, true],
    ["character class", "release-7", { app, branch: "release-[0-9]", event }, true],
    ["alternatives", "hotfix/1", { app, branch: "{feature,hotfix}/*", event }, true],
    ["no policy", "feature/a", undefined as never, false],
  ];
  for (const [name, branch, policy, fires] of cases) {
    test(`${name}: ${JSON.stringify(policy)} on ${branch} → ${fires}`, () => {
      expect(cleanupTrigger(branch, policy)).toBe(fires);
    });
  }
});

describe("cleanup blocks as loaded from a manifest", () => {
  const load = (cleanup: string, BRANCH = "feature/a") =>
    loadManifests(`app: web\nenv: staging\ncleanup:\n${cleanup}`, { file: "m.yaml", vars: { BRANCH } })[0]!.manifest
      .cleanup;

  test("a block without event loads (no failed deploy) and fires as branchDeleted", () => {
    const c = load("  app: web-{{ .BRANCH | sanitizeDNSName }}\n  branch: feature/*\n");
    expect(c).toEqual({ app: "web-feature-a", event: "branchDeleted", branch: "feature/*" });
    expect(cleanupTrigger("feature/a", c)).toBe(true);
  });

  test("a block without branch loads and never fires, whatever branch is deleted", () => {
    const c = load("  app: web\n  event: branchDeleted\n");
    for (const b of ["main", "feature/a", "x"]) expect(cleanupTrigger(b, c)).toBe(false);
  });

  test("a block without app loads and never fires", () => {
    expect(cleanupTrigger("feature/a", load("  branch: feature/*\n"))).toBe(false);
  });

  test("manifest lint names a cleanup that can never fire, with its line", () => {
    const raw = "manifests: |\n  apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: x\n";
    const text = "app: web\nenv: staging\nnamespace: default\ncleanup:\n  event: branchDeleted\n" + raw;
    const found = lintManifestText(text, "m.yaml", {}).problems.map((p) => p.describe());
    expect(found).toEqual([
      expect.stringMatching(/^m\.yaml:5:\d+: cleanup\.app: .*never/),
      expect.stringMatching(/^m\.yaml:5:\d+: cleanup\.branch: .*never.*feature\/\*/),
    ]);
    const ok = "app: web\nenv: staging\nnamespace: default\ncleanup:\n  app: web\n  branch: feature/*\n" + raw;
    expect(lintManifestText(ok, "m.yaml", {}).problems).toEqual([]);
  });

  test("an unknown event is still refused, naming the field", () => {
    let described = "";
    try {
      load("  app: web\n  branch: x\n  event: tagDeleted\n");
    } catch (e) {
      described = (e as UserError).describe();
    }
    expect(described).toMatch(/m\.yaml:6:\d+.*cleanup\.event.*branchDeleted/s);
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
    expect(vars).toMatchObject({
      A: "ctx",
      B: "vars",
      name: "CI",
      url: "u",
      SHA: "abc",
      BRANCH: "main",
      REPO: "acme/web",
    });
    expect(vars.n).toBeUndefined();
  });
});
