import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { bootstrapSteps, parseRepoUrl, planBootstrap } from "./bootstrap.ts";

const goldenDir = join(import.meta.dir, "testdata", "bootstrap");
const key = {
  privateKeyPem: "-----BEGIN OPENSSH PRIVATE KEY-----\nTEST\n-----END OPENSSH PRIVATE KEY-----\n",
  publicKey: "ssh-ed25519 AAAATEST gimlet-staging",
};

function golden(name: string, actual: string): void {
  const file = join(goldenDir, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) {
    if (process.env.UPDATE_GOLDEN !== "1") throw new Error(`${file} missing: run with UPDATE_GOLDEN=1 and review it`);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  expect(actual).toBe(readFileSync(file, "utf8"));
}

describe("planBootstrap()", () => {
  test("writes GitRepository + Kustomization, a deploy key Secret and the Flux install for an ssh env", () => {
    const plan = planBootstrap({
      env: "staging",
      repoUrl: "git@github.com:acme/gitops.git",
      branch: "main",
      interval: "1m",
      noController: false,
      deployKey: key,
    });
    expect(plan.files.map((f) => f.path)).toEqual([
      "staging/flux/flux-system/kustomization.yaml",
      "staging/flux/gitops-repo-staging.yaml",
      "staging/flux/deploy-key-staging.yaml",
    ]);
    for (const f of plan.files) golden(`ssh/${f.path}`, f.content);
    const steps = bootstrapSteps(plan, "/repo", true);
    expect(steps.stdout).toBe("ssh-ed25519 AAAATEST gimlet-staging\n");
    golden("ssh/steps.txt", steps.stderr);
  });

  test("uses a basic-auth Secret to fill in for https, and adds notifications with --server", () => {
    const plan = planBootstrap({
      env: "prod",
      repoUrl: "https://git.example.com/acme/gitops.git",
      branch: "main",
      interval: "30s",
      noController: true,
      server: "https://gimlet.example.com/",
    });
    expect(plan.files.map((f) => f.path)).toEqual([
      "prod/flux/gitops-repo-prod.yaml",
      "prod/flux/deploy-key-prod.yaml",
      "prod/flux/notifications-prod.yaml",
    ]);
    for (const f of plan.files) golden(`https/${f.path}`, f.content);
    const steps = bootstrapSteps(plan, "/repo", false, "https://gimlet.example.com");
    expect(steps.stdout).toBe("");
    golden("https/steps.txt", steps.stderr);
  });

  test("puts a single-env repo at the root", () => {
    const plan = planBootstrap({ repoUrl: "https://h/r.git", branch: "main", interval: "1m", noController: true });
    expect(plan.files.map((f) => f.path)).toEqual(["flux/gitops-repo.yaml", "flux/deploy-key.yaml"]);
    expect(plan.files[0]!.content).toContain("path: ./\n");
  });

  test("refuses bad intervals, unsafe env names and credentials in the URL", () => {
    expect(() =>
      planBootstrap({ env: "e", repoUrl: "https://h/r.git", branch: "main", interval: "soon", noController: true }),
    ).toThrow("invalid interval");
    expect(() =>
      planBootstrap({ env: "../x", repoUrl: "https://h/r.git", branch: "main", interval: "1m", noController: true }),
    ).toThrow("not a valid env name");
    expect(() =>
      planBootstrap({ env: "e", repoUrl: "https://u:p@h/r.git", branch: "main", interval: "1m", noController: true }),
    ).toThrow("must not contain credentials");
  });
});

describe("parseRepoUrl()", () => {
  test("turns scp-style ssh into an ssh:// URL Flux accepts", () => {
    expect(parseRepoUrl("git@github.com:acme/gitops.git")).toEqual({
      fluxUrl: "ssh://git@github.com/acme/gitops.git",
      host: "github.com",
      isSsh: true,
    });
    expect(parseRepoUrl("https://h/r.git").isSsh).toBe(false);
    expect(() => parseRepoUrl("ftp://h/r")).toThrow("cannot read gitops repo URL");
  });
});
