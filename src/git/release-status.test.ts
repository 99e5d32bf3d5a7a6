/**
 * releaseStatus (each app folder's release.json at a commit, read with the fast object store)
 * against the git CLI: the same answer from loose objects and from a pack, folders without a
 * release.json, a release.json that is a folder, files and a submodule beside the app folders.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { reservedDirs, type Release } from "../core/gitops/index.ts";
import { releaseStatus } from "./history.ts";
import { openRepo } from "./repo.ts";
import { workingCopy } from "./test-kit.ts";

const { wc, git, init, write, remove } = workingCopy("release-status-");
const release = (app: string, sha: string) => `${JSON.stringify({ app, env: "prod", version: { sha } })}\n`;

/** What git itself says each app folder of `prod` holds at HEAD. */
function expected(): Record<string, Release | null> {
  const out: Record<string, Release | null> = {};
  const folders = git(["ls-tree", "HEAD:prod"])
    .trim()
    .split("\n")
    .map((l) => l.split("\t") as [string, string])
    .filter(([meta]) => meta.split(" ")[1] === "tree")
    .map(([, name]) => name)
    .filter((name) => !reservedDirs.has(name)) // the layout's own folders are never apps
    .sort((a, b) => a.localeCompare(b));
  for (const app of folders) {
    const kind = Bun.spawnSync(["git", "cat-file", "-t", `HEAD:prod/${app}/release.json`], { cwd: wc });
    const blob = kind.exitCode === 0 && kind.stdout.toString().trim() === "blob";
    const text = blob ? git(["show", `HEAD:prod/${app}/release.json`]) : "";
    out[app] = text ? { gitopsRef: "", gitopsRepo: "prod-apps", ...JSON.parse(text) } : null;
  }
  return out;
}

beforeAll(() => {
  init();
  for (let i = 0; i < 300; i++) write(`prod/app-${i}/release.json`, release(`app-${i}`, `s${i}`));
  write("prod/Zeta/release.json", release("Zeta", "z")); // sorted as people read, not as git stores
  write("prod/no-release/deployment.yaml", "kind: Deployment\n");
  write("prod/folder-release/release.json/x", "not a release\n");
  write("prod/empty-release/release.json", "");
  write("prod/README.md", "a file beside the apps\n");
  write("prod/flux/gotk-sync.yaml", "kind: Kustomization\n"); // Flux's folder, not an app
  write("staging/app-1/release.json", release("app-1", "other env"));
  git(["add", "-A"]);
  git(["update-index", "--add", "--cacheinfo", `160000,${"a".repeat(40)},prod/submodule`]);
  git(["commit", "-q", "-m", "apps"]);
});
afterAll(remove);

const status = () =>
  releaseStatus(openRepo(wc), git(["rev-parse", "HEAD"]).trim(), {
    env: "prod",
    repoPerEnv: false,
    gitopsRepo: "prod-apps",
  });

test("every app folder's release as git shows it, from loose objects and after git gc packed them", async () => {
  const want = expected();
  expect(Object.keys(want)).toHaveLength(304);
  expect(want["no-release"]).toBeNull();
  expect(want["folder-release"]).toBeNull();
  expect(want["empty-release"]).toBeNull();
  expect(git(["ls-tree", "--name-only", "HEAD:prod"])).toContain("flux\n");
  const loose = await status();
  expect(loose).toEqual(want);
  expect(Object.keys(loose)).toEqual(Object.keys(want)); // the order pages list them in
  git(["gc", "-q"]);
  expect(git(["count-objects", "-v"])).toContain("count: 0");
  expect(await status()).toEqual(want);
});

test("one app asked for: only that folder", async () => {
  const r = await releaseStatus(openRepo(wc), git(["rev-parse", "HEAD"]).trim(), {
    env: "prod",
    repoPerEnv: false,
    app: "app-7",
  });
  expect(Object.keys(r)).toEqual(["app-7"]);
  expect(r["app-7"]?.version?.sha).toBe("s7");
});

test("a broken release.json fails the read and names its file", async () => {
  write("prod/app-3/release.json", "{ not json");
  git(["commit", "-qam", "break"]);
  await expect(status()).rejects.toThrow("release.json is not valid JSON");
  await expect(status()).rejects.toMatchObject({ pos: { file: "prod/app-3/release.json" } });
});
