/**
 * Our built-in charts render what `helm template` of the real onechart renders, live, for every
 * golden manifest and every case under tests/oracles/helm/cases. Needs helm and the onechart
 * sources in ~/.cache/gimlet (tests/oracles/helm/README.md); without them the check is skipped with
 * the reason, since CI machines cannot fetch onechart (tests/oracles/helm/cases.test.ts checks the
 * committed answers instead).
 */
import { describe, expect, test } from "bun:test";
import { compareCasesLive, compareFixture, fixtures } from "../oracles/helm/compare.ts";
import { chartsDir, helmAvailable, helmBin } from "../oracles/helm/lib.ts";

const available = helmAvailable() && Bun.which("go") !== null;
if (!available)
  console.warn(
    `onechart-helm: skipped: ${helmBin}, ${chartsDir}/onechart or go missing (see tests/oracles/helm/README.md)`,
  );

describe.skipIf(!available)("built-in charts vs helm template", () => {
  for (const f of fixtures()) {
    test(`${f.split("/").at(-1)} renders like helm`, () => {
      for (const c of compareFixture(f)) expect(c.diffs, c.name).toEqual([]);
    });
  }
  test("every case renders (or is refused) like helm", () => {
    const failed = compareCasesLive().filter((c) => !c.ok);
    expect(failed.map((c) => `${c.name}\n  ${c.diffs.join("\n  ")}`)).toEqual([]);
  }, 120_000);
});
