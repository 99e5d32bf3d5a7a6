/**
 * The oracle's cases, written as code because JSON-escaped templates are unreadable.
 *   bun cases.ts > cases.json     (then regenerate expected.json with Go, see README.md)
 * Names are grouped by prefix: text/ trim/ comment/ num/ printf/ print/ nil/ range/ var/ if/
 * with/ tmpl/ cmp/ builtin/ str/ dns/ list/ dict/ math/ enc/ json/ yaml/ regex/ semver/ date/
 * flow/ and err/ (cases Go must reject).
 */
import core from "./cases-core.ts";
import corners from "./cases-corners.ts";
import errors from "./cases-errors.ts";
import sprigData from "./cases-sprig-data.ts";
import sprigRegexDates from "./cases-sprig-regex-dates.ts";
import sprigStrings from "./cases-sprig-strings.ts";

export type AddCase = (name: string, template: string, data?: unknown) => void;

interface Case {
  name: string;
  template: string;
  data: unknown;
}

export function allCases(): Case[] {
  const cases: Case[] = [];
  const seen = new Set<string>();
  const add: AddCase = (name, template, data = {}) => {
    if (seen.has(name)) throw new Error(`duplicate case name ${name}`);
    seen.add(name);
    cases.push({ name, template, data });
  };
  core(add);
  sprigStrings(add);
  sprigData(add);
  sprigRegexDates(add);
  errors(add);
  corners(add);
  return cases;
}

if (import.meta.main) {
  const cases = allCases();
  // One case per line keeps diffs of cases.json reviewable.
  process.stdout.write("[\n" + cases.map((c) => "  " + JSON.stringify(c)).join(",\n") + "\n]\n");
}
