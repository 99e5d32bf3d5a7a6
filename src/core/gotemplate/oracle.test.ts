/**
 * Every case of tests/oracles/gotemplate/cases.json renders exactly as Go's text/template with Sprig
 * did (expected.json, made by the Go oracle beside it; regenerate with scripts/oracle-template.sh).
 * For errors, ours must fail too and name what Go's message names.
 */
import { describe, expect, test } from "bun:test";
import cases from "../../../tests/oracles/gotemplate/cases.json" with { type: "json" };
import expected from "../../../tests/oracles/gotemplate/expected.json" with { type: "json" };
import { renderTemplate } from "./index.ts";

const fixed = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
/**
 * Where we knowingly differ from Go, and why. Each entry states what we print instead.
 * - math/16: Go's sprig math returns int64 and literals are int; we keep one integer type, so %T says "int".
 */
const knownDivergences: Record<string, string> = { "math/16": "int" };
const byName = new Map((expected as { name: string; output?: string; error?: string }[]).map((e) => [e.name, e]));

/** The part of Go's error worth matching: quoted names, or the message after the position. */
function keyPart(goError: string): string[] {
  const exec = goError.indexOf(">: ");
  if (exec >= 0) return [goError.slice(exec + 3)];
  // Parse errors: the context Go names ("in operand", "in command") depends on its parser state.
  return [goError.replace(/^template: [^:]+:\d+(:\d+)?: /, "").replace(/ in (command|operand)$/, "")];
}

describe("Go text/template oracle", () => {
  test("has at least 300 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
  });
  for (const c of cases as { name: string; template: string; data: Record<string, unknown> }[]) {
    const want = byName.get(c.name)!;
    test(`${c.name}: ${JSON.stringify(c.template).slice(0, 70)}`, () => {
      let got: string | undefined;
      let err: Error | undefined;
      try {
        got = renderTemplate(c.template, c.data, { name: c.name, now: () => fixed });
      } catch (e) {
        err = e as Error;
      }
      if (c.name in knownDivergences) {
        expect(got).toBe(knownDivergences[c.name]!);
        return;
      }
      if (want.error !== undefined) {
        expect(err, `Go failed with: ${want.error}; we printed ${JSON.stringify(got)}`).toBeDefined();
        for (const k of keyPart(want.error)) expect(err!.message).toContain(k);
      } else {
        if (err) throw new Error(`Go printed ${JSON.stringify(want.output)}; we failed: ${err.message}`);
        expect(got).toBe(want.output!);
      }
    });
  }
});
