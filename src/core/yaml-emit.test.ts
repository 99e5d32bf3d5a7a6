import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parse } from "yaml";
import { toYaml, toYamlByDocument } from "./yaml.ts";
import { yaml11ParseOptions } from "./yaml11.ts";

/** Characters that change how a scalar must be written: indicators, whitespace, quotes, breaks, controls. */
const tricky = [
  ..." \t\n\r:#-?'\"|>{}[],&*!%@`~.0123456789_+eEoxbyYnNtf\\",
  ..."\x00\x07\x7f\u0085\u00a0\u2028\ufeffé",
  "😀",
];
/** Whole strings that YAML 1.1 or 1.2 readers take for something else, or that look like document markers. */
const specialWords = [
  "",
  "yes",
  "No",
  "on",
  "OFF",
  "y",
  "n",
  "~",
  "null",
  "True",
  "0644",
  "1_000",
  "0b101",
  "0x1F",
  "0o17",
  "1:20",
  ".inf",
  "-.Inf",
  ".nan",
  "1e3",
  "1.5",
  "-0",
  "+1",
  "---",
  "...",
  "--- x",
  "%x",
  "- x",
  "? x",
  "a: b",
  "a #b",
  "#x",
  "x\n---\ny",
  "\n",
  " \n ",
  "<<",
];

const stringArb = fc.oneof(
  fc.string({ unit: fc.constantFrom(...tricky), maxLength: 12 }),
  fc.constantFrom(...specialWords),
  fc.string({ maxLength: 8 }),
  fc.string({ unit: "binary", maxLength: 8 }),
  // long strings with line breaks take yaml's multi-line double-quoted form
  fc
    .tuple(
      fc.string({ minLength: 40, maxLength: 60 }),
      fc.constantFrom("\n", "\n ", " \n", "\n\n"),
      fc.string({ maxLength: 6 }),
    )
    .map(([a, b, c]) => a + b + c),
);

const keyArb = stringArb.filter((k) => k !== "__proto__");

const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("scalar"), tie("array"), tie("object")),
  scalar: fc.oneof(
    stringArb,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
  ),
  array: fc.array(tie("json"), { maxLength: 4 }),
  object: fc.dictionary(keyArb, tie("json"), { maxKeys: 4 }),
}));
const collection = fc.oneof(fc.array(json, { maxLength: 5 }), fc.dictionary(keyArb, json, { maxKeys: 6 }));

describe("toYaml() direct writer", () => {
  test("reads back as the same data, in YAML 1.1 (go-yaml, kubectl) and in YAML 1.2", () => {
    fc.assert(
      fc.property(collection, (v) => {
        const out = toYaml(v);
        // As JSON sees them: go-yaml reads -0 as the integer 0, which is the same JSON number.
        const asJson = (x: unknown) => JSON.parse(JSON.stringify(x)) as unknown;
        expect(asJson(parse(out, yaml11ParseOptions))).toEqual(asJson(v));
        expect(asJson(parse(out))).toEqual(asJson(v));
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  test("writes byte for byte what the yaml package's Document writer writes, wherever that reads back", () => {
    const readsBack = (out: string, v: unknown) => {
      const asJson = (x: unknown) => JSON.stringify(x);
      return asJson(parse(out, yaml11ParseOptions)) === asJson(v) && asJson(parse(out)) === asJson(v);
    };
    fc.assert(
      fc.property(collection, (v) => {
        const old = toYamlByDocument(v);
        if (readsBack(old, v)) expect(toYaml(v)).toBe(old);
      }),
      { numRuns: 1000 },
    );
  }, 60_000);

  test("writes the cases whose form is easy to get wrong as before", () => {
    const cases = [
      { k: "a\n\n\nb\n\n" }, // keep chomping
      { k: "  indented\nx\n" }, // indentation indicator
      { k: "a\n  " }, // trailing whitespace-only line: quoted
      { k: `${"x".repeat(50)}\nyyyyy\n ` }, // long: multi-line double-quoted
      { "---x": 1, a: { "---x": [1] } }, // document marker as a key at the top only
      { ["y".repeat(1030)]: [1, 2] }, // explicit key
      { a: [], b: {}, c: [[1, [2]], { x: 1 }], d: [{ a: { b: [1] } }] },
      { n: -0, f: 1.5, e: 1e21, s: 'say "hi"', t: "it's", u: "a'b\"c", v: 'say "hi"\n x' },
      [undefined, { skipped: undefined, kept: 1 }],
      { "<<": 0, a: "<<" }, // the YAML 1.1 merge key, quoted so it stays a plain key
    ];
    for (const v of cases) expect(toYaml(v)).toBe(toYamlByDocument(v));
    expect(toYaml({ k: "a\n\n\nb\n\n" })).toBe("k: |+\n  a\n\n\n  b\n\n");
    expect(toYaml({ "---x": 1, a: { "---x": [1] } })).toBe('"---x": 1\na:\n  ---x:\n  - 1\n');
    expect(toYaml({ "<<": 0 })).toBe('"<<": 0\n');
    // yaml's writer gave `|+` blocks here, which read back without the spaces.
    expect(toYaml({ a: " \n", b: ["\t\n\n"] })).toBe('a: "\\ \\n"\nb:\n- "\\t\\n\\n"\n');
    expect(toYaml({ a: "\n\n" })).toBe(toYamlByDocument({ a: "\n\n" }));
  });

  test("leaves values that are not plain data to the Document writer", () => {
    const date = new Date(0);
    expect(toYaml({ d: date })).toBe(toYamlByDocument({ d: date }));
    expect(toYaml(new Map([["a", 1]]))).toBe("a: 1\n");
    expect(toYaml("---\nfoo")).toBe("|-\n  ---\n  foo\n");
  });
});
