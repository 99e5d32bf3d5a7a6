import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node } from "yaml";
import { parseYaml11Fast } from "./yaml-fast.ts";
import { toYaml } from "./yaml.ts";
import { yaml11ParseOptions } from "./yaml11.ts";

/** What the rest of gimlet reads of a node: kind, value, scalar type and source, start offset, flow. */
function shape(n: Node | null | undefined): unknown {
  if (!n) return n;
  if (isScalar(n)) return { s: n.value, type: n.type, source: n.source, at: n.range?.[0] };
  if (isMap(n)) {
    const map = n.items.map((p) => [shape(p.key as Node), shape(p.value as Node)]);
    return { map, at: n.range?.[0], flow: !!n.flow };
  }
  if (isSeq(n)) return { seq: n.items.map((x) => shape(x as Node)), at: n.range?.[0], flow: !!n.flow };
  return { other: String(n) };
}

function full(text: string) {
  const lines = new LineCounter();
  const options = { lineCounter: lines, prettyErrors: false, uniqueKeys: true, ...yaml11ParseOptions };
  const docs = parseAllDocuments(text, options);
  const ok = Array.isArray(docs) && docs.every((d) => d.errors.length === 0);
  return { docs: Array.isArray(docs) ? docs : [], lines, ok };
}

/** The fast reader either declines or agrees with the full parser on everything gimlet reads. */
function agrees(text: string): boolean {
  const fast = parseYaml11Fast(text);
  if (!fast) return false;
  const ref = full(text);
  expect(ref.ok).toBe(true);
  expect(fast.docs.map((d) => shape(d.contents as Node))).toEqual(ref.docs.map((d) => shape(d.contents as Node)));
  expect(fast.docs.map((d) => d.toJS())).toEqual(ref.docs.map((d) => d.toJS()));
  expect(fast.lines.lineStarts).toEqual(ref.lines.lineStarts);
  return true;
}

const root = join(import.meta.dir, "../..");
const manifestFiles = [
  ...readdirSync(join(root, "tests/golden/manifests")).map((f) => join(root, "tests/golden/manifests", f)),
  join(root, "examples/web.yaml"),
];

describe("parseYaml11Fast()", () => {
  test("reads every golden manifest as the full parser does", () => {
    let taken = 0;
    const declined: string[] = [];
    for (const f of manifestFiles)
      if (agrees(readFileSync(f, "utf8"))) taken++;
      else declined.push(f);
    console.log(`fast reader took ${taken} of ${manifestFiles.length}; declined ${declined.join(", ")}`);
    expect(taken).toBeGreaterThan(manifestFiles.length * 0.8);
  });

  test("reads the forms manifests use: comments, blocks, quotes, empty values, compact maps, documents", () => {
    const texts = [
      '# c\n---\na: 1 # x\nb:\n  - x\n  - y: 2\n    z:\nc: |\n  lit\n\n  # not a comment\nd: "q\\"\\u00e9"\n',
      "a:\n- x\n- k: |-\n    lit\n  j: 'it''s'\nb: {}\nc: []\nd: # c\ne: yes\nf: 0644\ng: 1_000\nh: ~\n",
      'app: web\n---\napp: api\nvalues:\n  vars:\n    A: on\n    B: "on"\n  list:\n  -\n    a: 1\n  - z\n',
      "k: |+\n  a\n\n\nj: |\n    x\n     y\n  # comment\nl: x:y\nm: http://a#b\n",
      "a:\n  b:\n    c: 1\n  d: 2\ne: -1.5e3\nf: .5\ng: 0x1F\nh: 0b101\ni: +12\nj: 1:20\n",
      "args: [\"--verbose\", '-x', plain, 8080, on]  # flow\nlist:\n- [a]\n",
    ];
    for (const t of texts) {
      expect(agrees(t) ? "" : `fast reader declined:\n${t}`).toBe("");
    }
  });

  test("declines what it does not read, so the full parser reports it", () => {
    for (const t of [
      "a: [1, [2]]\n",
      "a: [x: 1]\n",
      "a: [b\n  , c]\n",
      "a: &x 1\nb: *x\n",
      "a: !!str 1\n",
      "a: >\n  folded\n",
      "a: b\n  c\n",
      "a: 'x\n  y'\n",
      "a: 1\na: 2\n",
      "a: .inf\n",
      "\ta: 1\n",
      "a: 1\r\n",
      "- x\na: 1\n",
      "a: b: c\n",
      "<<: {}\n",
      "a: 1\n...\n",
      "%YAML 1.1\n---\na: 1\n",
      "--- a\n",
      "a: |2\n   x\n",
      "",
      "# only\n",
      "a: 1\n---\n",
      "- - x\n",
    ]) {
      expect(parseYaml11Fast(t)).toBeUndefined();
    }
  });

  const scalarish = fc.oneof(
    fc.string({ unit: fc.constantFrom(..."ab01 :#-'\"|.~yn\\xe\t"), maxLength: 10 }),
    fc.constantFrom(
      "yes",
      "No",
      "on",
      "0644",
      "1_000",
      "0b101",
      "0x1F",
      "1:20",
      "-.5",
      "1e3",
      "null",
      "~",
      "---",
      "a #b",
      "- x",
      "? x",
      "|",
      "",
    ),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: "small" },
      scalarish,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      tie("list"),
      tie("dict"),
    ),
    list: fc.array(tie("value"), { maxLength: 4 }),
    dict: fc.dictionary(
      scalarish.filter((k) => k !== "__proto__"),
      tie("value"),
      { maxKeys: 4 },
    ),
  }));

  const manifestKey = fc.string({ maxLength: 6 }).filter((k) => k !== "__proto__");
  /** YAML as gimlet writes it, then commented, blank-lined and split into documents as people do. */
  const text = fc
    .tuple(
      fc.array(fc.dictionary(manifestKey, value, { minKeys: 1, maxKeys: 5 }), { minLength: 1, maxLength: 3 }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom("", "  ", "# note", "  # indented note", "    ", "\t# tab")), {
        maxLength: 4,
      }),
      fc.array(fc.tuple(fc.nat(), fc.constantFrom(" # trailing", "  ", "\t", " #")), { maxLength: 3 }),
      fc.boolean(),
      fc.constantFrom("", ": ", "- "),
    )
    .map(([docs, inserts, suffixes, leadingMarker, widen]) => {
      let yaml = docs.map((d) => toYaml(d).slice(0, -1)).join("\n---\n");
      if (widen) yaml = yaml.replaceAll(widen, `${widen}  `); // separators people space out
      const lines = yaml.split("\n");
      for (const [at, s] of suffixes) lines[at % lines.length] += s;
      for (const [at, l] of inserts) lines.splice(at % (lines.length + 1), 0, l);
      return `${leadingMarker ? "---\n" : ""}${lines.join("\n")}\n`;
    });

  test("agrees with the full parser on generated manifests, or declines them", () => {
    let taken = 0;
    fc.assert(
      fc.property(text, (t) => {
        if (agrees(t)) taken++;
      }),
      { numRuns: 1500 },
    );
    expect(taken).toBeGreaterThan(300);
  }, 120_000);

  /** Line soup: mostly invalid or odd YAML. Whatever the fast reader takes must be what the parser reads. */
  test("never takes text the full parser reads otherwise or refuses", () => {
    const piece = fc.constantFrom(
      "a:",
      "a: 1",
      "- x",
      "-",
      "- a: 1",
      "  b: 2",
      "b:",
      "  - y",
      "k: |",
      "k: |-",
      "  line",
      "    deeper",
      "",
      "# c",
      "---",
      "x: 'q'",
      'x: "q\\n"',
      "c: []",
      "d: {}",
      "  c: 3",
      "e: f: g",
      "- - z",
      "    - w",
      " a: 1",
      "a: b #c",
      "j: {a: 1}",
      "f: [a, 'b', \"c\"]",
      "- [1, two, yes, 0644]",
      "g: [a b, c]  # note",
      "h: [a, [b]]",
      "i: [a: 1]",
      "k: [a, ]",
      "l: [ ]",
      "m: [a #c]",
      "n: [a,b]",
      "o: [ -1, .5 ]",
      "p: [a]x",
      "q: [\"a,b\", 'c]']",
      "r: [-, ?]",
      "s: [a",
      "t: [a, b]: c",
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (ls) => {
        agrees(ls.join("\n") + "\n");
      }),
      { numRuns: 4000 },
    );
  }, 120_000);
});
