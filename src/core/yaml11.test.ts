import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import { resolvePlain11, yaml11Differences, yaml11ParseOptions } from "./yaml11.ts";

const oracle = join(import.meta.dir, "../../tests/oracles/helm/yaml11");

describe("YAML 1.1 as sigs.k8s.io/yaml reads it", () => {
  // expected-scalars.json was written by real go-yaml v2 (tests/oracles/helm/yaml11/regen.sh).
  const scalars = readFileSync(join(oracle, "scalars.txt"), "utf8").split("\n").slice(0, -1);
  const expected = JSON.parse(readFileSync(join(oracle, "expected-scalars.json"), "utf8")) as unknown[];

  test("the oracle has an answer for every scalar", () => {
    expect(expected).toHaveLength(scalars.length);
  });

  scalars.forEach((s, i) => {
    test(`${JSON.stringify(s)} reads as ${JSON.stringify(expected[i])}`, () => {
      expect(parse(`- ${s}\n`, yaml11ParseOptions)).toEqual([expected[i]]);
    });
  });

  test("keys resolve too: yes becomes true, 1 stays 1", () => {
    expect(parse("yes: a\n1: b\n", yaml11ParseOptions)).toEqual({ true: "a", 1: "b" });
  });
});

describe("yaml11Differences()", () => {
  test("names each plain scalar YAML 1.2 reads otherwise, with its path; quoted ones are fine", () => {
    const doc = parseDocument(
      'values:\n  vars:\n    A: yes\n    B: "yes"\n    C: 0644\n    D: 1.5\n    N: x\n  list: [on, 2]\n',
      yaml11ParseOptions,
    );
    const d = yaml11Differences(doc).map((x) => ({
      path: x.path.join("."),
      source: x.source,
      v11: x.yaml11,
      v12: x.yaml12,
      key: x.isKey,
    }));
    expect(d).toEqual([
      { path: "values.vars.A", source: "yes", v11: true, v12: "yes", key: false },
      { path: "values.vars.C", source: "0644", v11: 420, v12: 644, key: false },
      { path: "values.vars", source: "N", v11: false, v12: "N", key: true },
      { path: "values.list.0", source: "on", v11: true, v12: "on", key: false },
    ]);
  });
});

describe("resolvePlain11()", () => {
  /** What the chart's `scalar()` did before: a whole 1.1 parse; a parse error is `undefined` here. */
  const parsed = (s: string): unknown => {
    try {
      return parse(s, yaml11ParseOptions) as unknown;
    } catch {
      return undefined;
    }
  };

  test("gives what a whole YAML 1.1 parse gives, for every scalar of the go-yaml oracle it takes", () => {
    const scalars = readFileSync(join(oracle, "scalars.txt"), "utf8").split("\n").slice(0, -1);
    let taken = 0;
    const more = ["-", "--x", "..x", "---", "...", "a:b", "<<", "~", "x#y", "%x", "@x", ".inf", "-.inf"];
    for (const s of [...scalars, ...more]) {
      const fast = resolvePlain11(s);
      if (!fast) continue;
      taken++;
      expect({ s, v: fast.value }).toEqual({ s, v: parsed(s) });
    }
    expect(taken).toBeGreaterThan(scalars.length / 2);
  });

  test("agrees with a whole parse on random text", () => {
    const unit = fc.constantFrom(..."0123456789abexyYnNoOfFtT._-+/=@%~:# \t'\"[]{}!&*|>?,\n<");
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit, maxLength: 8 }), fc.string({ maxLength: 6 })), (s) => {
        const fast = resolvePlain11(s);
        if (fast) expect(fast.value).toEqual(parsed(s));
      }),
      { numRuns: 5000 },
    );
  }, 60_000);
});
