import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gimlet } from "../support/bin.ts";

const dir = mkdtempSync(join(tmpdir(), "gimlet-e2e-artifact-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("gimlet artifact add", () => {
  test("every repeated --var, --field and --envFile counts, as with the original CLI", async () => {
    const file = join(dir, "artifact.json");
    const create = await gimlet([
      "artifact",
      "create",
      "--repository",
      "acme/web",
      "--sha",
      "abc123",
      "--branch",
      "main",
      "--event",
      "push",
      "--authorName",
      "a",
      "--authorEmail",
      "a@example.com",
      "--committerName",
      "a",
      "--committerEmail",
      "a@example.com",
      "--message",
      "m",
      "--url",
      "https://example.com/c",
      "--created",
      "2026-01-01T00:00:00Z",
    ]);
    expect(create.code, create.stderr).toBe(0);
    writeFileSync(file, create.stdout);
    const staging = join(dir, "staging.yaml");
    const prod = join(dir, "production.yaml");
    writeFileSync(staging, "app: web\nenv: staging\nnamespace: default\n");
    writeFileSync(prod, "app: web\nenv: production\nnamespace: default\n");
    const add = await gimlet([
      "artifact",
      "add",
      "-f",
      file,
      "--var",
      "A=1",
      "--var=B=2",
      "--field",
      "name=CI",
      "--field",
      "url=https://ci/1",
      "--envFile",
      staging,
      "--envFile",
      prod,
    ]);
    expect(add.code, add.stderr).toBe(0);
    const a = JSON.parse(readFileSync(file, "utf8"));
    expect(a.vars).toEqual({ A: "1", B: "2" });
    expect(a.items).toEqual([{ name: "CI", url: "https://ci/1" }]);
    expect(a.environments.map((m: { env: string }) => m.env)).toEqual(["staging", "production"]);
  });
});
