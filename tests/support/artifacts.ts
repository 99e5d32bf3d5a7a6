/** Artifact bodies shared by tests that push releases of one app. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** An artifact of acme/web at `sha` for the staging env, deploying nginx:`tag` on every push to main. */
export function webArtifact(sha: string, tag: string) {
  return stagingWebArtifact(
    sha,
    { image: { repository: "nginx", tag } },
    { message: sha, url: "https://x", created: 1700000000 },
  );
}

/**
 * An artifact of acme/web at `sha` (pushed to main) of app web in staging's default namespace with
 * these chart values, deployed on every push to main unless `policy` is false; `version` adds to or
 * overrides its version fields.
 */
export function stagingWebArtifact(
  sha: string,
  values: Record<string, unknown>,
  version: Record<string, unknown> = {},
  policy = true,
) {
  const manifest = { app: "web", env: "staging", namespace: "default", values };
  return {
    version: { repositoryName: "acme/web", sha, branch: "main", event: "push", url: "https://example.com", ...version },
    environments: [policy ? { ...manifest, deploy: { branch: "main", event: "push" } } : manifest],
  };
}

/** Writes `stagingWebArtifact` (message "commit SHA" unless `version` says) into `dir`; returns its path. */
export function webArtifactFile(
  dir: string,
  sha: string,
  values: Record<string, unknown>,
  version: Record<string, unknown> = {},
  policy = true,
): string {
  const f = join(dir, `${sha}.json`);
  writeFileSync(f, JSON.stringify(stagingWebArtifact(sha, values, { message: `commit ${sha}`, ...version }, policy)));
  return f;
}
