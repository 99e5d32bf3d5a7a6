/**
 * Deploy targets of an artifact as the repository page lists them: names resolved from templates
 * over the artifact's variables (within a small budget, no regex functions), blocked with a reason
 * when they cannot be deployed from the page, hidden outside the viewer's envs, listed once.
 */
import { describe, expect, test } from "bun:test";
import type { Artifact } from "../core/release/index.ts";
import { commitTargets } from "./repos-view.ts";

const artifact = (environments: Record<string, unknown>[]): Partial<Artifact> => ({
  version: { repositoryName: "acme/web", sha: "abc123", branch: "Feature/X", event: "push" } as Artifact["version"],
  environments,
});
const envs = new Set(["staging", "prod"]);

describe("deploy targets", () => {
  test("plain and templated names; a name the worker would refuse or an unknown env is blocked", () => {
    const t = commitTargets(
      artifact([
        { env: "staging", app: "web" },
        { env: "staging", app: "web-{{ .BRANCH | sanitizeDNSName }}" },
        { env: "qa", app: "web" },
        { env: "staging", app: "Web_Upper" },
      ]),
      envs,
    );
    expect(t).toEqual([
      { env: "staging", app: "web" },
      { env: "staging", app: "web-feature-x" },
      { env: "qa", app: "web", blocked: "no such environment on this server" },
      { env: "staging", app: "Web_Upper", blocked: "not a valid env/app name" },
    ]);
  });

  test("templates stay cheap on the request path: regex functions and runaway loops are not run", () => {
    const started = performance.now();
    const t = commitTargets(
      artifact([
        { env: "staging", app: '{{ regexReplaceAll "(a+)+$" .BRANCH "x" }}' },
        { env: "staging", app: "{{ range until 10000000 }}x{{ end }}" },
        { env: "staging", app: "{{ .MISSING }}" },
      ]),
      envs,
    );
    expect(performance.now() - started).toBeLessThan(500);
    expect(t.map((x) => x.blocked)).toEqual([
      "its name is a template this page cannot resolve: use gimlet release make",
      "its name is a template this page cannot resolve: use gimlet release make",
      "its name is a template this page cannot resolve: use gimlet release make",
    ]);
  });

  test("only envs the viewer sees, each env/app once; malformed manifests are skipped", () => {
    const t = commitTargets(
      artifact([
        { env: "prod", app: "web" },
        { env: "staging", app: "web" },
        { env: "staging", app: "web" },
        7 as never,
      ]),
      envs,
      (env) => env === "staging",
    );
    expect(t).toEqual([{ env: "staging", app: "web" }]);
  });
});
