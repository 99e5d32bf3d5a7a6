/**
 * Our built-in charts render what `helm template` of the real onechart renders, for every golden
 * manifest. Needs helm and the onechart sources in ~/.cache/gimlet (tests/oracles/helm/README.md);
 * without them the check is skipped with the reason, since CI machines cannot fetch onechart.
 */
import { describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chartsDir, compareFixture, fixtures, helmBin } from "../oracles/helm/compare.ts";

const available = existsSync(helmBin) && existsSync(join(chartsDir, "onechart"));
if (!available) console.warn(`onechart-helm: skipped: ${helmBin} or ${chartsDir}/onechart missing (see tests/oracles/helm/README.md)`);

describe.skipIf(!available)("built-in charts vs helm template", () => {
  for (const f of fixtures()) {
    test(`${f.split("/").at(-1)} renders like helm`, async () => {
      for (const c of await compareFixture(f)) expect(c.diffs, c.name).toEqual([]);
    });
  }
});
