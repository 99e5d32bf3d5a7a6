/** Oracle cases: Sprig's list, dict, math and encoding functions, JSON and Helm's toYaml/fromYaml. */
import type { AddCase } from "./cases.ts";
import { D } from "./cases-sprig-strings.ts";

export default function (c: AddCase): void {
  // lists
  c(
    "list/list-first-last-rest",
    "{{ $l := list 1 2 3 }}{{ first $l }} {{ last $l }} {{ rest $l }} {{ initial $l }}",
    D,
  );
  c("list/empty-first", "[{{ first (list) }}][{{ last .nums }}]", D);
  c("list/append-prepend", '{{ append .list "d" }} {{ prepend .list "z" }} {{ .list }}', D);
  c("list/reverse-uniq", '{{ reverse .nums }} {{ uniq (list 1 2 1 "a" "a" 2) }}', D);
  c("list/compact-without", '{{ compact (list 0 1 "" "x" .nil false true) }} {{ without .list "b" }}', D);
  c("list/has", '{{ has "b" .list }} {{ has "z" .list }} {{ has 1 .nums }} {{ has 1.0 .nums }}', D);
  c("list/concat", '{{ concat .list .nums (list "x") }}', D);
  c("list/slice", "{{ slice .nums 1 3 }} {{ slice (list 1 2 3 4) 2 }}", D);
  c(
    "list/until-seq",
    "{{ until 5 }} {{ untilStep 0 10 3 }} {{ seq 5 }} {{ seq 2 5 }} {{ seq 0 2 10 }} {{ seq 5 1 }} {{ until -3 }}",
    D,
  );
  c("list/chunk", "{{ chunk 2 (list 1 2 3 4 5) }}", D);
  c("list/tuple", '{{ tuple 1 "a" }}', D);
  c("list/len-of-list-fn", "{{ list 1 2 3 | len }}", D);
  c("list/index-list-literal", '{{ index (list "x" "y") 1 }}', D);
  // dicts
  c("dict/dict-get", '{{ $d := dict "a" 1 "b" "two" }}{{ $d.a }} {{ get $d "b" }} [{{ get $d "zz" }}] {{ $d }}', D);
  c("dict/odd-args", '{{ dict "a" 1 "b" }}', D);
  c("dict/set-unset", '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ unset $d "a" }}', D);
  c("dict/hasKey", '{{ hasKey .m "a" }} {{ hasKey .m "z" }}', D);
  c("dict/keys-sorted", '{{ keys .m | sortAlpha }} {{ keys .m (dict "z" 1) | sortAlpha }}', D);
  c("dict/values", '{{ values (dict "a" "x") }} {{ values .m | len }}', D);
  c("dict/pluck", '{{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}', D);
  c("dict/pick-omit", '{{ pick .m "a" "c" "zz" }} {{ omit .m "a" }}', D);
  c(
    "dict/merge",
    '{{ $dst := dict "a" 1 "n" (dict "x" 1) "e" "" }}{{ merge $dst (dict "a" 2 "b" 3 "n" (dict "x" 2 "y" 3) "e" "filled") }}',
    D,
  );
  c("dict/mergeOverwrite", '{{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "n" (dict "y" 2)) }}', D);
  c(
    "dict/merge-lists",
    '{{ merge (dict "l" (list 1)) (dict "l" (list 2 3) "m" (list 4)) }} {{ mergeOverwrite (dict "l" (list 1)) (dict "l" (list 2)) }}',
    D,
  );
  c(
    "dict/dig",
    '{{ dig "a" "b" "dflt" (dict "a" (dict "b" "found")) }} {{ dig "a" "x" "dflt" (dict "a" (dict "b" 1)) }}',
    D,
  );
  c("dict/deepCopy", '{{ $c := deepCopy .m }}{{ $_ := set $c "z" 1 }}{{ .m }} {{ $c }}', D);
  c("dict/dict-field-access", '{{ (dict "k" "v").k }}', D);
  c("dict/non-string-keys", '{{ dict 1 "one" true "yes" }}', D);
  // math
  c(
    "math/add-sub-mul-div-mod",
    "{{ add 1 2 3 }} {{ sub 10 3 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ mod 7 3 }} {{ div -7 2 }} {{ mod -7 3 }}",
    D,
  );
  c("math/json-floats-to-int", "{{ add .n .f }} {{ mul .f 2 }} {{ add1 .f }} {{ sub .n 0.5 }}", D);
  c("math/add1-max-min", '{{ add1 5 }} {{ max 1 5 3 }} {{ min 4 2 8 }} {{ biggest 1 9 }} {{ max "10" 2 }}', D);
  c(
    "math/float-ops",
    "{{ addf 1.1 2.2 }} {{ subf 1 0.3 }} {{ mulf 1.1 3 }} {{ divf 10 4 }} {{ divf 1 3 }} {{ add1f 1.5 }}",
    D,
  );
  c(
    "math/floor-ceil-round",
    "{{ floor 1.7 }} {{ ceil 1.2 }} {{ round 3.14159 2 }} {{ round 2.5 0 }} {{ maxf 1 2.5 }} {{ minf 1 2.5 }}",
    D,
  );
  c("math/strings-as-numbers", '{{ add "1" "2" }} {{ add "1.5" 1 }} {{ mul "x" 3 }} {{ add true 1 }}', D);
  c("math/int64-overflow", "{{ add 9223372036854775807 1 }} {{ mul 4294967296 4294967296 }}", D);
  c("math/toDecimal", '{{ toDecimal "777" }} {{ toDecimal 10 }} {{ toDecimal "8" }}', D);
  c(
    "math/int-kinds-print",
    '{{ int 5 }} {{ int64 5 }} {{ float64 5 }} {{ printf "%T %T %T %T" (int 5) (int64 5) (float64 5) (add 1 1) }}',
    D,
  );
  c("math/add-in-printf", '{{ printf "%d" (add 1 2) }} {{ printf "%05.1f" (float64 3) }}', D);
  // encoding
  c("enc/b64", '{{ b64enc "hello world" }} {{ b64dec "aGVsbG8gd29ybGQ=" }} {{ b64enc "é✓" }} {{ b64enc "" }}', D);
  c("enc/b64dec-invalid", '{{ b64dec "not base64!" }}|{{ b64dec "abc" }}', D);
  c("enc/b32", '{{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }}', D);
  c("enc/sha", '{{ sha256sum "hello" }} {{ sha1sum "hello" }} {{ sha256sum "" }} {{ adler32sum "hello" }}', D);
  c("enc/sha-unicode", '{{ sha256sum "héllo ✓" }}', D);
  c("enc/sha-long", '{{ repeat 100 "abc" | sha256sum }} {{ repeat 100 "abc" | sha1sum }}', D);
  // json
  c(
    "json/toJson",
    "{{ toJson .m }} {{ toJson .list }} {{ toJson .s }} {{ toJson 1 }} {{ toJson 1.5 }} {{ toJson true }}",
    D,
  );
  c("json/toJson-html-escape", '{{ toJson "<a>&b" }} {{ toRawJson "<a>&b" }}', D);
  c("json/toJson-numbers", "{{ toJson .x }}", { x: [1000000, 1e21, 1e-7, 0.5, -0, 123456789012, 1.5e300] });
  c("json/toPrettyJson", '{{ toPrettyJson .m }}\n{{ toPrettyJson (dict "a" (list 1 (dict)) "b" (list)) }}', D);
  c(
    "json/fromJson",
    '{{ $v := fromJson "{\\"a\\": [1, 2.5, \\"x\\"], \\"b\\": null}" }}{{ $v.a }} {{ index $v.a 1 }} {{ $v.b }}|{{ fromJson "[1,2]" }}',
    D,
  );
  c("json/fromJson-invalid", '[{{ fromJson "{bad" }}]', D);
  c("json/roundtrip", "{{ .m | toJson | fromJson | toJson }}", D);
  c("json/escapes", '{{ toJson "line\\nnew\\ttab\\u0001\\"q\\" \\\\ é \\u2028" }}', D);
  c("json/nested", "{{ toJson .obj }}", { obj: { z: { y: [1, { x: null }] }, a: "" } });
  // yaml
  c("yaml/map", "{{ toYaml .m }}", D);
  c("yaml/nested", "{{ toYaml .obj }}", {
    obj: { z: { y: [1, { x: null, w: "v" }], e: {}, l: [] }, a: "", list: [["a", "b"], [1]] },
  });
  c("yaml/quoting", "{{ toYaml .q }}", {
    q: {
      a: "true",
      b: "yes",
      c: "123",
      d: "1.5",
      e: "null",
      f: "~",
      g: "",
      h: "a: b",
      i: "- x",
      j: "#c",
      k: "x #y",
      l: " lead",
      m: "trail ",
      n: "'q'",
      o: '"dq"',
      p: "on",
      r: "0x1F",
      s: "1e3",
      t: "2024-01-02",
      u: "plain text",
      v: "@at",
      w: "*star",
      x: "!bang",
      y: "%pct",
      z: "{brace}",
    },
  });
  c("yaml/quoting-2", "{{ toYaml .q }}", {
    q: {
      a: "tab\there",
      b: "é ünïcode",
      c: "emoji 😀",
      d: "a:b",
      e: "-x",
      f: "?x",
      g: "? x",
      h: "x:",
      i: "1_000",
      j: "+1",
      k: ".5",
      l: "Y",
      m: "NO",
      n: "False",
      o: "12:30",
      p: "0",
      q: "007",
      r: "1.",
      s: "[x]",
      t: "a,b",
      u: "|pipe",
      v: ">gt",
      w: "`bt",
      x: "&amp",
      y: "---",
      z: "...",
    },
  });
  c("yaml/multiline", "{{ toYaml .q }}", {
    q: {
      a: "line1\nline2",
      b: "trailing\n",
      c: "two\n\n",
      d: "\nleading",
      e: "  indented\nline",
      f: "trail space \nx",
      g: "x\n  y",
    },
  });
  c("yaml/numbers", "{{ toYaml .q }}", {
    q: { a: 1, b: 1.5, c: 1000000, d: 1e21, e: 0.000001, f: -3, g: 1234567.5, h: 1e20, i: true, j: null },
  });
  c("yaml/list-root", "{{ toYaml .list }}", D);
  c(
    "yaml/scalar-root",
    '{{ toYaml .s }}|{{ toYaml 1 }}|{{ toYaml .nil }}|{{ toYaml "true" }}|{{ toYaml (list) }}|{{ toYaml (dict) }}',
    D,
  );
  c("yaml/key-order", "{{ toYaml . }}", { a10: 1, a2: 2, b: 3, B: 4, "1": 5, "10": 6, "9": 7, _z: 8, a: 9, "a-b": 10 });
  c("yaml/long-line-fold", "{{ toYaml .q }}", {
    q: {
      long: "word ".repeat(30).trim(),
      quoted: "'x' " + "word ".repeat(25).trim(),
      k: "a: " + "b ".repeat(45).trim(),
    },
  });
  c(
    "yaml/fromYaml",
    '{{ $y := fromYaml "a: 1\\nb:\\n  - x\\n  - true\\nc: yes\\nd: \\"2024-01-02\\"\\ne: 2024-01-02" }}{{ $y.a }} {{ $y.b }} {{ $y.c }} {{ $y.d }} {{ $y.e }} {{ typeOf $y.a }}',
    D,
  );
  c("yaml/fromYaml-roundtrip", '{{ fromYaml "b: 2\\na: [1, 2]\\nc: {x: y}" | toYaml }}', D);
  c(
    "yaml/in-manifest",
    'values:\n  image:\n    tag: {{ .SHA | trunc 7 | quote }}\n  env:\n{{ dict "A" "1" "B" "x y" | toYaml | indent 4 }}',
    D,
  );
}
