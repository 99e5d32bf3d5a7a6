/** Oracle cases for corners: float formatting, YAML quoting and folding, regex translation, semver wildcards, time zones. */
import type { AddCase } from "./cases.ts";
export default function (c: AddCase): void {
  const D = { s: "hello", n: 3, f: 1.5, nil: null, list: ["a", "b", "c"], m: { b: 2, a: 1 }, neg: -7.25 };
  c("printf/negative-hex-octal", '{{ printf "%x %X %o %b %d" -255 -255 -8 -5 -0 }}', D);
  c("printf/exp-widths", '{{ printf "[%12.4e][%-12.3E][%+.2e][%08.3e]" 12345.678 0.000123 -5.0 3.5 }}', D);
  c(
    "printf/g-precisions",
    '{{ printf "%.1g %.2g %.5g %.10g %g %g %g" 123456.0 0.000123456 1e100 2.0 100000.0 1000000.0 0.0001 }}',
    D,
  );
  c("printf/g-small-large", '{{ printf "%v %v %v %v" 0.00001 123456789.0 1e-320 1.7976931348623157e308 }}', D);
  c("printf/quote-flags", '{{ printf "%+q %#q %#q %q" "é☃" "back`tick" "plain" 9731 }}', D);
  c("printf/c-U-edge", '{{ printf "%c%c %U %#U" 0x1F600 233 0x1F600 65 }}', D);
  c("printf/width-on-nil-and-bool", '{{ printf "[%5v][%-6t][%3v]" .nil true .m }}', D);
  c("printf/float-neg-json", '{{ printf "%.1f %v %e" .neg .neg .neg }}', D);
  c("printf/zero-prec-int", '{{ printf "[%.0d][%5.0d][%.3d][%08.3d]" 0 0 7 7 }}', D);
  c("printf/d-on-list-of-float", '{{ printf "%d" .m }}', D);
  c("printf/s-on-int", '{{ printf "%s|%v|%5s" 42 (list 1 "a") "é" }}', D);
  c("printf/t-on-non-bool", '{{ printf "%t" 1 }}', D);
  c("printf/reorder-no-extra", '{{ printf "%[1]d %[1]d" 5 6 }}', D);
  c("printf/x-on-float-list", '{{ printf "%x" "日本" }}', D);
  c("num/format-edge-floats", "{{ .a }} {{ .b }} {{ .c }} {{ .d }} {{ .e }} {{ .g }} {{ .h }}", {
    a: 0.1,
    b: 0.3,
    c: 1 / 3,
    d: 2e-5,
    e: 999999,
    g: 9999999,
    h: -0.000001,
  });
  c("num/int-from-float-math", "{{ add .f .f }} {{ sub .n .f }} {{ mul .f .f }} {{ div .n .f }} {{ max .f .n }}", D);
  c("yaml/literal-in-list", "{{ toYaml .x }}", { x: ["one\ntwo", { a: "x\ny\n" }, ["p\nq"]] });
  c("yaml/fold-in-list-and-nested", "{{ toYaml .x }}", {
    x: ["lorem ipsum ".repeat(12).trim(), { deep: { deeper: "dolor sit ".repeat(12).trim() } }],
  });
  c("yaml/fold-double-quoted", "{{ toYaml .x }}", {
    x: { k: "tab\t" + "word ".repeat(20).trim(), j: "x  ".repeat(40) + "end" },
  });
  c("yaml/keys-needing-quotes", "{{ toYaml . }}", {
    "a: b": 1,
    "": 2,
    true: 3,
    "1.5": 4,
    "x y": 5,
    "-k": 6,
    "#k": 7,
    "k#": 8,
    null: 9,
    "multi\nline": 10,
  });
  c("yaml/special-strings", "{{ toYaml .x }}", {
    x: [
      "\u00a0nbsp",
      "a\u0085b",
      "bell\u0007",
      "é",
      "日本語",
      "ok?",
      "what's",
      "x\\y",
      'a"b',
      "  ",
      "\n",
      "\n\n",
      "a\r\nb",
    ],
  });
  c("yaml/numbers-as-strings", "{{ toYaml .x }}", {
    x: [
      "1",
      "-1",
      "1.0",
      "1e5",
      "0o17",
      "0b101",
      "012",
      "1:30",
      "1:70",
      ".inf",
      "-.inf",
      ".nan",
      "+.5",
      "0x",
      "1_2",
      "12:30:45",
      "2024-01-02T03:04:05Z",
      "2024-1-2",
      "2024-13-01",
    ],
  });
  c("yaml/deep-nesting", "{{ toYaml .x }}", { x: { a: { b: { c: [{ d: [1, [2, [3]]] }, {}] } } } });
  c("yaml/toYaml-of-toJson-types", '{{ toYaml (list 1 (int64 2) 2.5 true nil "s") }}', D);
  c("yaml/int-float-boundaries", "{{ toYaml .x }}", {
    x: [9007199254740993, 1e15, 1e16, 123456789012345680000, 0.1, 100.0, -0.0],
  });
  c("yaml/nindent-pattern", 'metadata:\n  labels:\n{{- dict "app" "x" "tier" "web" | toYaml | nindent 4 }}', D);
  c("json/toPrettyJson-nested-empty", '{{ toPrettyJson (dict "a" (dict) "b" (list) "c" (list (dict "x" 1))) }}', D);
  c("json/toJson-special-floats", "{{ toJson (list 0.1 1e-7 1e20 1e21 123.456) }}", D);
  c(
    "json/fromJson-scalars",
    '{{ fromJson "1.50" }} {{ fromJson "\\"s\\"" }} {{ fromJson "true" }} [{{ fromJson "null" }}] {{ fromJson "1e400" | typeOf }}',
    D,
  );
  c(
    "regex/greedy-alternation",
    '{{ regexFind "a|ab" "ab" }} {{ regexFind "(a|ab)(c|bcd)" "abcd" }} {{ regexFindAll "a+?" "aaa" -1 }}',
    D,
  );
  c(
    "regex/named-groups-expand",
    '{{ regexReplaceAll "(?P<first>\\\\w+) (?P<last>\\\\w+)" "John Smith" "${last}, ${first}" }} {{ regexReplaceAll "(\\\\w)(\\\\w*)" "hello world" "${2}${1}ay" }}',
    D,
  );
  c(
    "regex/anchors-in-replace",
    '{{ regexReplaceAll "^" "abc" ">" }} {{ regexReplaceAll "$" "abc" "<" }} {{ regexReplaceAll "\\\\b" "ab cd" "|" }}',
    D,
  );
  c(
    "regex/multiline-replace",
    '{{ regexReplaceAll "(?m)^" "a\\nb\\nc" "> " }} {{ regexReplaceAll "(?m)$" "a\\nb" ";" }}',
    D,
  );
  c(
    "regex/case-insensitive-class",
    '{{ regexFindAll "(?i)[a-c]+" "xAbCdx" -1 }} {{ regexMatch "(?i)straße" "STRASSE" }} {{ regexMatch "(?i)k" "\u212a" }}',
    D,
  );
  c(
    "regex/escapes",
    '{{ regexMatch "\\\\x41\\\\x{42}" "AB" }} {{ regexMatch "a\\\\.b" "a.b" }} {{ regexMatch "a\\\\.b" "axb" }} {{ regexFind "\\\\Q*.*\\\\E" "x*.*y" }} {{ regexMatch "\\\\!\\\\-" "!-" }}',
    D,
  );
  c(
    "regex/posix-negated",
    '{{ regexFindAll "[^[:space:]]+" "a b\\tc" -1 }} {{ regexFindAll "[\\\\d\\\\s]+" "a1 2b" -1 }} {{ regexFindAll "[^\\\\D]" "a1b2" -1 }}',
    D,
  );
  c(
    "regex/split-limits",
    '{{ regexSplit "a" "banana" -1 }} {{ regexSplit "a" "banana" 0 | len }} {{ regexSplit "" "abc" -1 }} {{ regexSplit "n" "banana" 1 }}',
    D,
  );
  c("regex/findall-limit-zero", '{{ regexFindAll "a" "aaa" 0 | len }}', D);
  c(
    "regex/unicode-classes",
    '{{ regexFindAll "\\\\p{Greek}+" "abc αβγ def" -1 }} {{ regexReplaceAll "\\\\PL" "a1b2" "" }}',
    D,
  );
  c("str/title-edge", '{{ title "hello_world-foo bar.baz o\'neil 1st" }} {{ title "ÉCOLE élève" }}', D);
  c("str/trim-unicode-space", '[{{ trim "\\u00a0x\\u2003" }}][{{ trimAll "xy" "yxabcxy" }}]', D);
  c(
    "str/case-unicode",
    '{{ snakecase "ÉcoleNormale" }} {{ kebabcase "XMLHttpRequest" }} {{ camelcase "élan_vital" }} {{ snakecase "a-b_c d" }} {{ kebabcase "ID" }} {{ snakecase "getHTTP2Response" }}',
    D,
  );
  c(
    "str/abbrev-edge",
    '{{ abbrev 4 "abcdef" }} {{ abbrevboth 7 12 "abcdefghijklmnop" }} {{ abbrevboth 0 10 "abcdefghijklmnop" }}',
    D,
  );
  c("str/quote-list", "{{ quote .list }} {{ squote .m }}", D);
  c("str/split-empty-sep", '{{ splitList "" "abc" }} {{ split "" "é✓" }}', D);
  c("str/indent-zero-empty", '[{{ indent 0 "a\\nb" }}][{{ indent 3 "" }}][{{ nindent 2 "" }}]', D);
  c("str/replace-unicode", '{{ replace "é" "e" "café café" }} {{ replace "" "|" "日本" }}', D);
  c("str/trunc-unicode-bytes", '{{ trunc 3 "héllo" }}|{{ trunc -3 "héllo" }}', D);
  c(
    "str/join-nil-elements",
    '{{ join "," (list "a" .nil "b") }} {{ join "-" "notalist" }} {{ join "," (dict "a" 1) }}',
    D,
  );
  c("list/has-nil", "{{ has .nil (list 1 .nil) }} {{ has 1 .nil }}", D);
  c("list/uniq-mixed-types", '{{ uniq (list 1 1.0 "1" 1 true true) }}', D);
  c("list/without-multi", "{{ without (list 1 2 3 4 1) 1 3 }}", D);
  c("list/slice-json-list", "{{ slice .list 0 1 }} {{ slice .list 3 }}", D);
  c("list/sortAlpha-mixed", '{{ sortAlpha (list 10 9 "b" "A" 1.5 true) }}', D);
  c("list/first-of-splitList", '{{ first (splitList "/" "a/b/c") }} {{ last (splitList "/" "a/b/c") }}', D);
  c("list/concat-empty", "{{ concat }} {{ concat (list) (list) }}", D);
  c("dict/merge-into-data", '{{ $m := merge (dict) .m (dict "z" 9) }}{{ $m }}', D);
  c("dict/get-missing-zero", '[{{ get .m "zz" }}] {{ get .m "a" }}', D);
  c("dict/keys-multiple-dicts", '{{ keys (dict "b" 1) (dict "a" 2 "b" 3) | sortAlpha }}', D);
  c("dict/dict-with-nested-access", '{{ $d := dict "a" (dict "b" (list 1 2)) }}{{ index $d.a.b 1 }} {{ $d.a.b }}', D);
  c(
    "math/round-negative-and-places",
    "{{ round -2.5 0 }} {{ round 1.255 2 }} {{ round 1234.5678 -2 }} {{ round 0.5 0 0.6 }}",
    D,
  );
  c("math/div-mod-int64-negative", "{{ div -9 4 }} {{ mod -9 4 }} {{ div 9 -4 }} {{ mod 9 -4 }}", D);
  c(
    "math/cast-strings",
    '{{ int64 "1.00" }} {{ int64 "1.5" }} {{ int64 " 3" }} {{ int64 "0b11" }} {{ int64 "0o10" }} {{ int64 "1_000" }} {{ float64 "1e3" }} {{ float64 "nope" }} {{ int "-0x10" }}',
    D,
  );
  c("math/cast-bool-nil", "{{ int true }} {{ int false }} {{ int .nil }} {{ float64 true }} {{ int64 .list }}", D);
  c(
    "math/float-ops-more",
    "{{ subf 5 1 1 }} {{ mulf 0.1 0.2 }} {{ divf 1 3 3 }} {{ addf 0.1 0.2 }} {{ maxf 1.5 -2 7 }} {{ minf }}",
    D,
  );
  c(
    "semver/caret-zero-x",
    '{{ semverCompare "^0.x" "0.5.0" }} {{ semverCompare "^0.0.x" "0.0.5" }} {{ semverCompare "^0" "1.0.0" }} {{ semverCompare "~0" "0.9.0" }} {{ semverCompare "~1" "1.9.9" }}',
    D,
  );
  c(
    "semver/ne-wildcards",
    '{{ semverCompare "!=1.x" "1.5.0" }} {{ semverCompare "!=1.2.x" "1.3.0" }} {{ semverCompare "!=1.2.x" "1.2.9" }}',
    D,
  );
  c(
    "semver/gt-wildcards",
    '{{ semverCompare ">1.2.x" "1.3.0" }} {{ semverCompare ">1.2.x" "1.2.9" }} {{ semverCompare ">1" "2.0.0" }} {{ semverCompare ">1" "1.9.0" }} {{ semverCompare "<1.2.x" "1.1.9" }}',
    D,
  );
  c(
    "semver/spaces-and-commas",
    '{{ semverCompare ">=1.0.0,<2.0.0" "1.5.0" }} {{ semverCompare "  >= 1.0  <  2.0  " "1.5.0" }} {{ semverCompare "=> 1.0, =< 1.5" "1.5.0" }} {{ semverCompare "1.2.3 - 1.4.5 || 2.0.0" "2.0.0" }}',
    D,
  );
  c(
    "semver/metadata-ignored",
    '{{ semverCompare "=1.2.3" "1.2.3+build" }} {{ (semver "1.2.3+b").Compare (semver "1.2.3") }}',
    D,
  );
  c("semver/big-numbers", '{{ semver "18446744073709551615.0.0" }} {{ (semver "v010.2.3").Original }}', D);
  c(
    "date/layouts-more",
    '{{ now | date "Mon, 02 Jan 2006 15:04:05 -0700" }} {{ now | date "3:04:05 pm" }} {{ now | date "2006-01-02T15:04:05.000Z07:00" }} {{ now | date "_2 Jan" }} {{ now | date "Z07" }}',
    D,
  );
  c(
    "date/toDate-formats",
    '{{ toDate "Jan 2 2006" "Mar 5 2024" }} {{ toDate "02/01/2006" "31/12/1999" | date "2006-01-02" }} {{ toDate "2006-01-02 3:04PM" "2024-06-01 1:30PM" | date "15:04" }} {{ toDate "2006-002" "2024-060" | date "01-02" }}',
    D,
  );
  c("date/toDate-errors-to-zero", '{{ toDate "2006-01-02" "2024-02-30" }} {{ (toDate "2006" "x").IsZero }}', D);
  c(
    "date/dateInZone-offsets",
    '{{ dateInZone "15:04 MST -07:00" (toDate "2006-01-02" "2024-07-01") "Europe/Berlin" }} {{ dateInZone "15:04 MST" (toDate "2006-01-02" "2024-01-15") "America/Los_Angeles" }} {{ dateInZone "2006-01-02 15:04" 0 "" }}',
    D,
  );
  c(
    "date/toDate-fixed-zone-print",
    '{{ toDate "2006-01-02 15:04 -0700" "2024-03-15 10:20 -0300" }} {{ toDate "2006-01-02 15:04 -0700" "2024-03-15 10:20 -0300" | date "15:04 MST" }}',
    D,
  );
  c(
    "date/duration-strings",
    '{{ duration "0" }} {{ duration "59" }} {{ duration "86400" }} {{ durationRound "1h" }} {{ durationRound "61s" }} {{ durationRound "400d" }} {{ durationRound "bad" }}',
    D,
  );
  c(
    "date/dateModify-units",
    '{{ now | dateModify "1.5h" | date "15:04" }} {{ now | dateModify "90m" | date "15:04" }} {{ now | dateModify "-30s" | date "15:04:05" }} {{ now | dateModify "1500ms" | date "15:04:05.000" }}',
    D,
  );
  c("var/range-map-with-assign", '{{ $k := "" }}{{ $v := 0 }}{{ range $k, $v = .m }}{{ end }}{{ $k }}={{ $v }}', D);
  c("var/decl-then-range-shadow", "{{ $x := 1 }}{{ range $x := .list }}{{ $x }}{{ end }}{{ $x }}", D);
  c(
    "range/break-in-else-free",
    "{{ range $i, $e := .list }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ $e }}{{ else }}empty{{ end }}",
    D,
  );
  c("range/map-break", "{{ range $k, $v := .m }}{{ $k }}{{ break }}{{ end }}", D);
  c("range/range-over-dict-fn", '{{ range $k, $v := dict "z" 1 "a" 2 }}{{ $k }}{{ $v }}{{ end }}', D);
  c("range/range-keys-sorted", "{{ range keys .m | sortAlpha }}{{ . }}{{ end }}", D);
  c("range/int64", "{{ range add 1 2 }}{{ . }}{{ end }}", D);
  c(
    "tmpl/define-with-range-and-vars",
    '{{ define "row" }}{{ range $i, $v := . }}{{ $i }}{{ $v }};{{ end }}{{ end }}{{ template "row" .list }}{{ template "row" .m }}',
    D,
  );
  c("tmpl/block-with-pipeline", '{{ block "b" (dict "x" .n) }}x={{ .x }}{{ end }}', D);
  c(
    "tmpl/template-missing-arg-is-nil",
    '{{ define "t" }}{{ if . }}set{{ else }}unset{{ end }}{{ end }}{{ template "t" }}',
    D,
  );
  c("builtin/index-nested-map-list", '{{ index (dict "a" (list 1 (dict "b" "deep"))) "a" 1 "b" }}', D);
  c("builtin/len-dict-fn", '{{ len (dict "a" 1 "b" 2) }} {{ len (list) }} {{ len (splitList "," "a,b") }}', D);
  c("builtin/eq-multi-int64", "{{ eq (add 1 1) 1 2 3 }} {{ ne (len .list) 3 }}", D);
  c("builtin/not-of-nil-and-string", '{{ not .nil }} {{ not "" }} {{ not (list) }}', D);
  c("builtin/or-pipeline-default", '{{ .nil | or "fallback" }} {{ "" | or .nil }}', D);
  c("builtin/html-js-quote-chars", '{{ html "\'\\"" }} {{ js "\\u2028<\\u0000" }} {{ urlquery "~*\'()" }}', D);
  c("nil/missing-vs-null-default", '{{ .nil | default "a" }} {{ index . "nope" | default "b" }}', D);
  c("nil/print-nested-null", '{{ .x }} {{ print .x }} {{ printf "%v" .x }}', { x: { a: null, b: [null] } });
  c("nil/eq-null-null", "{{ eq .nil .nil }} {{ ne .nil 1 }}", D);
  c(
    "nil/empty-of-zero-values",
    '{{ empty 0.0 }} {{ empty (int64 0) }} {{ empty "0" }} {{ empty (dict) }} {{ empty (list 0) }} {{ empty false }} {{ empty now }}',
    D,
  );
  c("cmp/le-ge-mixed-uint", '{{ le (semver "2.0.0").Major 2 }} {{ ge 1 (semver "2.0.0").Major }}', D);
  c("cmp/eq-string-vs-nil-literal", '{{ eq "x" nil }} {{ eq nil "x" }}', D);
  c("err/eq-string-vs-missing-with-default", '{{ eq .nil "x" }}', D);
  c("err/lt-strings-vs-float", '{{ lt "1" 2.0 }}', D);
  c("err/index-negative", "{{ index .list -1 }}", D);
  c("err/float-index", "{{ index .list 1.0 }}", D);
  c("err/range-over-bool", "{{ range true }}{{ end }}", D);
  c("err/method-on-semver-missing", '{{ (semver "1.0.0").Nope }}', D);
  c("err/field-on-number-literal-chain", "{{ (1).x }}", D);
  c("err/too-many-range-vars", "{{ range $a, $b, $c := .list }}{{ end }}", D);
  c("err/declare-in-non-range-comma", "{{ if $a, $b := .list }}{{ end }}", D);
  c("err/unexpected-comma", "{{ print 1, 2 }}", D);
  c("err/define-missing-name", "{{ define }}{{ end }}", D);
  c("err/template-bad-name", "{{ template nope }}", D);
  c("err/else-after-else", "{{ if true }}a{{ else }}b{{ else }}c{{ end }}", D);
  c("err/with-break", "{{ with .s }}{{ break }}{{ end }}", D);
  c("err/dig-too-few", '{{ dig "a" (dict) }}', D);
  c("err/chunk-on-string", '{{ chunk 2 "abc" }}', D);
  c("err/unset-wrong-type", '{{ unset .list "a" }}', D);
  c("err/typed-time-param", '{{ unixEpoch "2024" }}', D);
  c("err/date-modify-must", '{{ mustDateModify "1x" now }}', D);
  c("err/mustToJson-ok-then-missing", "{{ mustToJson .m }}{{ .zz }}", D);
  c("err/ternary-non-bool", '{{ ternary "a" "b" "yes" }}', D);
  c("err/seq-string-arg", '{{ seq "3" }}', D);
  c("err/until-float", "{{ until .n }}", D);
  c("err/regexFindAll-bad-class", '{{ regexFindAll "[z-a]" "x" -1 }}', D);
  c("err/mustRegexReplaceAll-lookahead", '{{ mustRegexReplaceAll "a(?=b)" "ab" "x" }}', D);
  c(
    "flow/os-paths-hello",
    '{{ osBase "/a/b.txt" }} {{ osDir "/a/b.txt" }} {{ osExt "b.tar" }} {{ osClean "/a/../b" }} {{ osIsAbs "a" }} {{ hello }}',
    D,
  );
  c(
    "date/must_date_modify-alias",
    '{{ must_date_modify "2h" now | date "15:04" }} {{ date_modify "-1h" now | date "15:04" }} {{ date_in_zone "15:04" now "UTC" }}',
    D,
  );
}
