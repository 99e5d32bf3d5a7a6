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
 * An artifact of acme/web at `sha` (pushed to main) deploying app web to staging's default namespace
 * with these chart values on every push to main; `version` adds to or overrides its version fields.
 */
export function stagingWebArtifact(
  sha: string,
  values: Record<string, unknown>,
  version: Record<string, unknown> = {},
) {
  return {
    version: { repositoryName: "acme/web", sha, branch: "main", event: "push", url: "https://example.com", ...version },
    environments: [
      { app: "web", env: "staging", namespace: "default", deploy: { branch: "main", event: "push" }, values },
    ],
  };
}

/** Writes an artifact of acme/web at `sha` for staging with these chart values into `dir`; returns its path. */
export function webArtifactFile(
  dir: string,
  sha: string,
  values: Record<string, unknown>,
  version: Record<string, unknown> = {},
): string {
  const f = join(dir, `${sha}.json`);
  writeFileSync(f, JSON.stringify(stagingWebArtifact(sha, values, { message: `commit ${sha}`, ...version })));
  return f;
}
