import { describe, expect, test } from "bun:test";
import { gimlet } from "../support/bin.ts";

describe("gimlet binary", () => {
  test("--version prints the version and the commit it was built from", async () => {
    const r = await gimlet(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^gimlet \d+\.\d+\.\d+ \(commit [0-9a-f]{7,}(-dirty)?\)\n$/);
  });

  test("--help lists only commands that exist", async () => {
    const r = await gimlet(["--help"]);
    expect(r.code).toBe(0);
    const commands = r.stdout
      .split("COMMANDS")[1]!
      .split("Use ")[0]!
      .trim()
      .split("\n")
      .map((l) => l.trim().split(/\s+/)[0]);
    expect(commands).toEqual([
      "manifest",
      "gitops",
      "serve",
      "env",
      "user",
      "artifact",
      "release",
      "agent",
      "stack",
      "seal",
      "stats",
      "logs",
      "restart",
    ]);
    for (const c of commands) expect((await gimlet([c!, "--help"])).code).toBe(0);
  });

  test("every manifest subcommand has its own help", async () => {
    const r = await gimlet(["manifest", "--help"]);
    for (const sub of ["template", "lint", "create", "diff"]) {
      expect(r.stdout).toContain(sub);
      const h = await gimlet(["manifest", sub, "--help"]);
      expect(h.code).toBe(0);
      expect(h.stdout).toContain(`gimlet manifest ${sub}`);
    }
  });

  test("an unknown flag is an error, not silently ignored", async () => {
    const r = await gimlet(["manifest", "template", "-f", "x.yaml", "--varz", "y"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("unknown flag --varz");
  });

  test("an unknown command is an error that lists the real ones", async () => {
    const r = await gimlet(["manifest", "render"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "render"');
    expect(r.stderr).toContain("template, lint, create");
  });

  test("a missing required flag names it", async () => {
    const r = await gimlet(["manifest", "template"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--file");
  });
});
