/**
 * Every manifest under manifests/ renders to exactly rendered/<name>.yaml.
 * UPDATE_GOLDEN=1 rewrites the expected files; review the diff before committing.
 */
import { describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifests, renderManifest } from "../../src/core/manifest/index.ts";
import { toMultiDocYaml } from "../../src/core/yaml.ts";

const dir = import.meta.dir;
const update = process.env.UPDATE_GOLDEN === "1";
import { goldenVars } from "./vars.ts";
const names = readdirSync(join(dir, "manifests")).filter((n) => n.endsWith(".yaml")).sort();

export function renderFixture(name: string): string {
  const file = join(dir, "manifests", name);
  const loaded = loadManifests(readFileSync(file, "utf8"), { file: `manifests/${name}`, vars: goldenVars });
  return toMultiDocYaml(loaded.flatMap(renderManifest));
}

describe("golden manifests", () => {
  test("cover at least 25 manifests", () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of names) {
    test(`${name} renders as rendered/${name}`, () => {
      const actual = renderFixture(name);
      const expectedFile = join(dir, "rendered", name);
      if (update || !existsSync(expectedFile)) {
        if (!update) throw new Error(`${expectedFile} is missing: run with UPDATE_GOLDEN=1 and review it`);
        mkdirSync(join(dir, "rendered"), { recursive: true });
        writeFileSync(expectedFile, actual);
      }
      expect(actual).toBe(readFileSync(expectedFile, "utf8"));
    });
  }
});
