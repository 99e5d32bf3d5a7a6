import { describe, expect, test } from "bun:test";
import { planBootstrap } from "./bootstrap.ts";
import { deleteChangeSet, filesChangeSet, releaseChangeSet } from "./changeset.ts";
import { appDir, assertSafeName, envDir, isReservedName, layoutDirs } from "./paths.ts";
import type { Release } from "./release.ts";

const release: Release = {
  app: "flux",
  env: "staging",
  artifactId: "a",
  triggeredBy: "t",
  version: { sha: "s" } as never,
  gitopsRef: "",
  gitopsRepo: "",
};

describe("reserved names", () => {
  test("every folder bootstrap writes beside the apps is reserved", () => {
    const plan = planBootstrap({
      env: "staging",
      repoUrl: "https://example.com/g.git",
      branch: "main",
      interval: "1m",
      noController: false,
    });
    const single = planBootstrap({
      repoUrl: "https://example.com/g.git",
      branch: "main",
      interval: "1m",
      noController: false,
    });
    for (const f of [...plan.files, ...single.files]) {
      const top = f.path.replace(/^staging\//, "").split("/")[0]!;
      expect(isReservedName(top)).toBe(true);
    }
    expect(isReservedName(layoutDirs.dependencies)).toBe(true);
  });

  for (const name of ["flux", "dependencies"]) {
    test(`an app named ${name} is refused by every path a write or delete takes`, () => {
      const layouts = [{ env: "staging" }, { env: "staging", repoPerEnv: true }];
      for (const l of layouts) {
        expect(() => appDir(l, name)).toThrow(/reserved/);
        expect(() => releaseChangeSet(l, name, [{ path: "a.yaml", content: "a" }], release)).toThrow(/reserved/);
        expect(() => deleteChangeSet(l, name)).toThrow(/reserved/);
        expect(() => filesChangeSet(l, name, [])).toThrow(/reserved/);
      }
      expect(() => assertSafeName(name, "app")).toThrow(`"${name}" is reserved and cannot be an app name`);
    });

    test(`an env named ${name} is refused`, () => {
      expect(() => envDir({ env: name })).toThrow(/reserved/);
      expect(() => assertSafeName(name, "env")).toThrow(/cannot be an env name/);
      expect(() =>
        planBootstrap({
          env: name,
          repoUrl: "https://example.com/g.git",
          branch: "main",
          interval: "1m",
          noController: true,
        }),
      ).toThrow(/reserved/);
    });
  }

  test("names that only look alike stay valid", () => {
    for (const ok of ["fluxx", "my-flux", "flux-app", "deps", "dependency"]) expect(assertSafeName(ok, "app")).toBe(ok);
    expect(appDir({ env: "staging" }, "web")).toBe("staging/web");
  });
});
