/**
 * Every case under cases/ renders as `helm template` of the real onechart rendered it (expected.yaml,
 * written by gen-cases.ts where helm is installed), or is refused where helm refused it
 * (expected-error.txt). Runs everywhere: helm's answers are committed.
 */
import { describe, expect, test } from "bun:test";
import { compareCase, listCases } from "./lib.ts";

const cases = listCases();

describe("built-in charts vs helm's committed output", () => {
  test("every case has helm's answer", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(cases.filter((c) => c.expected === undefined && c.expectedError === undefined).map((c) => c.name)).toEqual(
      [],
    );
  });

  for (const c of cases) {
    test(`${c.name} ${c.expectedError ? "is refused" : "renders"} like helm`, () => {
      const helm = c.expectedError !== undefined ? { ok: false, out: c.expectedError } : { ok: true, out: c.expected! };
      expect(compareCase(c, helm)).toEqual([]);
    });
  }
});
