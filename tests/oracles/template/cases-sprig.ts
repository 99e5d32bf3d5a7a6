/** Oracle cases: every Sprig function gimlet offers, Helm's toYaml/fromYaml/required and sanitizeDNSName. */
import type { AddCase } from "./cases.ts";
export default function (c: AddCase): void {
  const D = {
    name: "world",
    n: 3,
    f: 1.5,
    s: "hello",
    empty: "",
    nil: null,
    list: ["a", "b", "c"],
    nums: [1, 2, 3],
    m: { b: 2, a: 1, c: "x" },
    words: "the quick brown fox",
    SHA: "0123456789abcdef",
    BRANCH: "feature/My_Branch",
    ver: "1.2.3",
    mixed: [1, "two", null, true, 1.5],
  };
  // strings
  c("str/upper-lower", '{{ upper .s }} {{ lower "HeLLo" }} {{ upper "straße é" }}', D);
  c("str/title-untitle", '{{ title "hello wide-world foo_bar" }} {{ untitle "Hello World" }}', D);
  c(
    "str/trim-family",
    '[{{ trim "  x y \\n" }}][{{ trimAll "$" "$$x$y$$" }}][{{ trimPrefix "pre-" "pre-fix" }}][{{ trimSuffix ".go" "main.go" }}][{{ trimPrefix "x" "abc" }}]',
    D,
  );
  c(
    "str/trunc",
    '{{ trunc 5 "hello world" }}|{{ trunc -5 "hello world" }}|{{ trunc 50 "short" }}|{{ trunc 0 "x" }}|{{ trunc -50 "short" }}',
    D,
  );
  c("str/trunc-sha", "{{ .SHA | trunc 8 }}", D);
  c(
    "str/abbrev",
    '{{ abbrev 5 "hello world" }}|{{ abbrev 3 "hello" }}|{{ abbrev 20 "short" }}|{{ abbrevboth 5 10 "1234 5678 9123" }}',
    D,
  );
  c("str/replace", '{{ replace " " "-" "a b c" }} {{ "aaa" | replace "a" "bb" }} {{ replace "" "-" "abc" }}', D);
  c(
    "str/contains-prefix-suffix",
    '{{ contains "ell" .s }} {{ hasPrefix "he" .s }} {{ hasSuffix "lo" .s }} {{ contains "z" .s }}',
    D,
  );
  c("str/repeat", '{{ repeat 3 "ab" }}|{{ "x" | repeat 2 }}|{{ repeat 0 "a" }}', D);
  c("str/quote-squote", '{{ quote "a\\"b" }} {{ squote "x" }} {{ quote 1 .nil "two" }} {{ squote 1.5 true }}', D);
  c("str/quote-unicode", '{{ quote "é\\t\\u0001☃" }}', D);
  c("str/cat", '{{ cat "a" 1 .nil "b" .list }}', D);
  c("str/indent-nindent", '[{{ indent 2 "a\\nb" }}][{{ nindent 4 "x\\ny" }}]', D);
  c("str/indent-yaml", 'spec:{{ dict "a" 1 "b" (list 1 2) | toYaml | nindent 2 }}', D);
  c("str/split", '{{ $p := split "/" .BRANCH }}{{ $p._0 }}|{{ $p._1 }}|{{ split "," "a,b" }}', D);
  c(
    "str/splitList-join",
    '{{ splitList "," "a,b,c" | join "+" }} {{ join "-" .list }} {{ join "," .nums }} {{ join ", " .mixed }}',
    D,
  );
  c("str/splitn", '{{ splitn "," 2 "a,b,c" }} {{ (splitn "/" 2 "x/y/z")._1 }}', D);
  c(
    "str/toString",
    '{{ toString 1 }} {{ toString 1.5 }} {{ toString .nil }} {{ toString .list }} {{ toString true }} {{ toString "s" | printf "%q" }}',
    D,
  );
  c("str/nospace", '{{ nospace " a b\\tc\\n" }} {{ nospace "no-space" }}', D);
  c(
    "str/case-conversions",
    '{{ snakecase "FirstName" }} {{ kebabcase "FirstName" }} {{ camelcase "first_name" }} {{ snakecase "HTTPServer" }} {{ kebabcase "my app v2" }} {{ camelcase "http_server-name x" }}',
    D,
  );
  c(
    "str/case-more",
    '{{ snakecase "ABC" }} {{ snakecase "a1b2" }} {{ kebabcase "Hello World!" }} {{ camelcase "___" }} {{ snakecase "version2Beta" }} {{ camelcase "foo bar" }}',
    D,
  );
  c("str/initials-swapcase", '{{ initials "first second third" }} {{ swapcase "Hello World" }}', D);
  c(
    "str/substr",
    '{{ substr 1 3 "hello" }} {{ substr 0 -1 "hello" }} {{ substr -1 2 "hello" }} {{ substr 2 99 "hello" }}',
    D,
  );
  c("str/wrap", '{{ wrap 10 "the quick brown fox jumps over" }}|{{ wrapWith 5 "\\t" "hello world" }}', D);
  c("str/plural", '{{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}', D);
  c("str/toStrings", '{{ toStrings .nums }} {{ toStrings .mixed | len }} {{ toStrings "x" }}', D);
  c("str/sortAlpha", '{{ sortAlpha (list "b" "a" "C" "10" "9") }} {{ sortAlpha .nums }}', D);
  c(
    "str/atoi-int-float",
    '{{ atoi "42" }} {{ atoi "x" }} {{ int "12" }} {{ int 3.9 }} {{ int64 "0x1F" }} {{ float64 "1.5" }} {{ int "1.0" }} {{ int "010" }}',
    D,
  );
  // dns
  c("dns/basic", '{{ sanitizeDNSName "Feature/My_Branch" }}', D);
  c("dns/from-var", "{{ .BRANCH | sanitizeDNSName }}", D);
  c(
    "dns/edges",
    '[{{ sanitizeDNSName "--Hello--World--" }}][{{ sanitizeDNSName "***" }}][{{ sanitizeDNSName "ÄÖÜ-test" }}][{{ sanitizeDNSName "a.b.c" }}]',
    D,
  );
  c(
    "dns/truncate",
    '{{ sanitizeDNSName "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" | len }} {{ sanitizeDNSName "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbb" }}',
    D,
  );
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
  // regex
  c(
    "regex/match",
    '{{ regexMatch "^[a-z]+$" "abc" }} {{ regexMatch "^[a-z]+$" "ab1" }} {{ regexMatch "(?i)^ABC$" "abc" }} {{ regexMatch "[" "x" }}',
    D,
  );
  c(
    "regex/find",
    '{{ regexFind "[0-9]+" "abc123def456" }} [{{ regexFind "z" "abc" }}] {{ regexFindAll "[0-9]" "a1b2c3" -1 }} {{ regexFindAll "[0-9]" "a1b2c3" 2 }}',
    D,
  );
  c(
    "regex/replace",
    '{{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "$1W" }} {{ regexReplaceAll "(?P<word>\\\\w+)" "hi there" "<$word>" }}',
    D,
  );
  c(
    "regex/replace-literal",
    '{{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }} {{ regexReplaceAll "\\\\s+" "a  b\\t c" " " }}',
    D,
  );
  c(
    "regex/empty-matches",
    '{{ regexReplaceAll "a*" "baaac" "-" }} {{ regexReplaceAll "x*" "abc" "-" }} {{ regexFindAll "a*" "baaac" -1 }}',
    D,
  );
  c(
    "regex/split",
    '{{ regexSplit "[,;]" "a,b;c" -1 }} {{ regexSplit "," "a,b,c" 2 }} {{ regexSplit "x*" "axbc" -1 }} {{ regexSplit "," "" -1 | len }}',
    D,
  );
  c("regex/quotemeta", '{{ regexQuoteMeta "1.5+x*(y)?" }}', D);
  c(
    "regex/anchors-flags",
    '{{ regexMatch "^b$" "a\\nb" }} {{ regexMatch "(?m)^b$" "a\\nb" }} {{ regexMatch "a.b" "a\\nb" }} {{ regexMatch "(?s)a.b" "a\\nb" }} {{ regexMatch "abc\\\\z" "xabc" }} {{ regexMatch "\\\\Aab" "ab" }}',
    D,
  );
  c(
    "regex/classes",
    '{{ regexFindAll "\\\\d+|\\\\s" "a 12 b\\u00a0c" -1 }} {{ regexFindAll "[[:upper:]]+" "abcDEFghI" -1 }} {{ regexFindAll "\\\\pL+" "héllo wörld 42" -1 }} {{ regexReplaceAll "[^a-z0-9]+" "Feature/My_Branch" "-" }}',
    D,
  );
  c(
    "regex/scoped-flags",
    '{{ regexMatch "a(?i:B)c" "abc" }} {{ regexMatch "a(?i:B)c" "aBC" }} {{ regexFind "(?U)a+" "aaa" }} {{ regexFind "a+?" "aaa" }}',
    D,
  );
  c("regex/dollar-expansion", '{{ regexReplaceAll "(a)(b)" "ab" "$2$1$$ ${1}x $1x $3 $" }}', D);
  c(
    "regex/braces-literal",
    '{{ regexMatch "a{,2}" "a{,2}" }} {{ regexMatch "^x{2}$" "xx" }} {{ regexFind "[]a]+" "]a]b" }}',
    D,
  );
  c("regex/unicode", '{{ regexFindAll "." "é✓😀" -1 | len }} {{ regexReplaceAll "é" "café" "e" }}', D);
  // semver
  c(
    "semver/parse",
    '{{ $v := semver "1.2.3-beta.1+build5" }}{{ $v.Major }} {{ $v.Minor }} {{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ $v }}',
    D,
  );
  c("semver/lenient", '{{ semver "v1.2" }} {{ (semver "v1.2").Original }} {{ semver "3" }}', D);
  c(
    "semver/compare-basic",
    '{{ semverCompare ">=1.2.0" "1.2.3" }} {{ semverCompare "<1.0" "1.2.3" }} {{ semverCompare "=1.2.3" "1.2.3" }} {{ semverCompare "!=1.2.3" "1.2.3" }} {{ semverCompare "1.2.3" "v1.2.3" }}',
    D,
  );
  c(
    "semver/compare-tilde-caret",
    '{{ semverCompare "~1.2" "1.2.9" }} {{ semverCompare "~1.2" "1.3.0" }} {{ semverCompare "^1.2" "1.9.0" }} {{ semverCompare "^1.2" "2.0.0" }} {{ semverCompare "^0.2.3" "0.2.9" }} {{ semverCompare "^0.2.3" "0.3.0" }} {{ semverCompare "^0.0.3" "0.0.4" }} {{ semverCompare "~>1.2.3" "1.2.9" }}',
    D,
  );
  c(
    "semver/compare-xrange",
    '{{ semverCompare "1.2.x" "1.2.7" }} {{ semverCompare "1.x" "1.9.0" }} {{ semverCompare "1.x" "2.0.0" }} {{ semverCompare "*" "5.0.0" }} {{ semverCompare ">1.x" "2.0.0" }} {{ semverCompare "<=1.2.x" "1.2.9" }} {{ semverCompare "<=1.2.x" "1.3.0" }}',
    D,
  );
  c(
    "semver/compare-ranges",
    '{{ semverCompare "1.0 - 2.0" "1.5.0" }} {{ semverCompare "1.0 - 2.0" "2.1.0" }} {{ semverCompare ">= 1.2, < 2" "1.9.9" }} {{ semverCompare ">=1.2 <2" "2.0.0" }} {{ semverCompare "<1 || >=3" "3.1.0" }} {{ semverCompare "<1 || >=3" "2.0.0" }}',
    D,
  );
  c(
    "semver/compare-prerelease",
    '{{ semverCompare ">=1.2.0" "1.3.0-beta" }} {{ semverCompare ">=1.2.0-0" "1.3.0-beta" }} {{ semverCompare "<1.3.0-rc.2" "1.3.0-rc.1" }} {{ semverCompare "!=1.2.3" "1.2.4-beta" }} {{ semverCompare "^1.2.3-alpha" "1.2.3-beta" }}',
    D,
  );
  c(
    "semver/methods",
    '{{ (semver "1.2.3").LessThan (semver "1.3.0") }} {{ (semver "1.2.3").Compare (semver "1.2.3-rc") }} {{ (semver "2.0.0").GreaterThan (semver "1.9.9") }} {{ (semver "1.0.0").Equal (semver "v1.0.0") }}',
    D,
  );
  c(
    "semver/prerelease-order",
    '{{ (semver "1.0.0-alpha").Compare (semver "1.0.0-alpha.1") }} {{ (semver "1.0.0-alpha.beta").Compare (semver "1.0.0-beta") }} {{ (semver "1.0.0-rc.11").Compare (semver "1.0.0-rc.2") }} {{ (semver "1.0.0-2").Compare (semver "1.0.0-a") }}',
    D,
  );
  c(
    "semver/in-json",
    '{{ toJson (semver "v1.2.3") }} {{ list (semver "1.0") }} {{ dict "v" (semver "2.1.0") | toYaml }}',
    D,
  );
  c("semver/from-var", '{{ if semverCompare ">=1.2.0" .ver }}new{{ else }}old{{ end }}', D);
  // date
  c("date/now", "{{ now }}", D);
  c(
    "date/format",
    '{{ now | date "2006-01-02T15:04:05Z07:00" }} {{ date "Mon Jan 2 15:04:05 MST 2006" now }} {{ now | date "02/01/06 3:04PM" }}',
    D,
  );
  c(
    "date/format-fields",
    '{{ now | date "January Monday _2 __2 002 1 01 2 02 3 03 4 04 5 05 06 2006 PM pm Z0700 -07:00 MST" }}',
    D,
  );
  c(
    "date/unix-int",
    '{{ date "2006-01-02 15:04" 0 }} {{ date "2006-01-02" 1700000000 }} {{ date "15:04:05" (int64 86399) }}',
    D,
  );
  c(
    "date/dateInZone",
    '{{ dateInZone "2006-01-02 15:04 MST" now "UTC" }} {{ dateInZone "2006-01-02 15:04 -0700" now "America/New_York" }} {{ dateInZone "2006-01-02 15:04" now "Asia/Kolkata" }} {{ dateInZone "15:04" now "Not/AZone" }}',
    D,
  );
  c(
    "date/toDate",
    '{{ toDate "2006-01-02" "2024-03-15" }} {{ toDate "2006-01-02 15:04:05" "2024-03-15 10:20:30" | date "Jan 2 15:04" }} {{ toDate "2006-01-02" "bad" }}',
    D,
  );
  c(
    "date/toDate-zone",
    '{{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-15T10:20:30+02:00" }} {{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-15T10:20:30Z" }}',
    D,
  );
  c(
    "date/unixEpoch",
    '{{ unixEpoch now }} {{ now | unixEpoch }} {{ toDate "2006-01-02" "2000-01-01" | unixEpoch }}',
    D,
  );
  c(
    "date/dateModify",
    '{{ now | dateModify "1h30m" }} {{ now | dateModify "-48h" | date "2006-01-02" }} {{ dateModify "bad" now | date "15:04" }}',
    D,
  );
  c(
    "date/duration",
    '{{ duration "90" }} {{ duration "3661" }} {{ duration (int64 5) }} {{ duration 5 }} {{ durationRound "2h10m5s" }} {{ durationRound "35d" }}',
    D,
  );
  c("date/htmlDate", '{{ htmlDate now }} {{ htmlDateInZone now "UTC" }}', D);
  c("date/time-methods", '{{ now.Year }} {{ now.Unix }} {{ (now).Format "2006" }} {{ now.YearDay }}', D);
  c("date/fraction", '{{ toDate "2006-01-02 15:04:05.000" "2024-01-02 03:04:05.123" | date "05.000 05.999 05.9" }}', D);
  // flow and reflection
  c("flow/required-ok", '{{ required "need it" .s }}', D);
  c(
    "flow/typeOf-kindOf",
    '{{ typeOf 1 }} {{ typeOf .n }} {{ typeOf .s }} {{ typeOf .list }} {{ typeOf .m }} {{ typeOf .nil }} {{ typeOf (add 1 1) }} {{ typeOf (semver "1.0.0") }} {{ typeOf now }} {{ typeOf (splitList "," "a") }}',
    D,
  );
  c(
    "flow/kindOf",
    '{{ kindOf 1 }} {{ kindOf .n }} {{ kindOf .list }} {{ kindOf .m }} {{ kindOf .nil }} {{ kindIs "slice" .list }} {{ typeIs "string" .s }} {{ typeIsLike "semver.Version" (semver "1.0.0") }}',
    D,
  );
  c(
    "flow/deepEqual",
    "{{ deepEqual .m .m }} {{ deepEqual (list 1 2) (list 1 2) }} {{ deepEqual (list 1) (list 1.0) }}",
    D,
  );
  c("flow/all-any", '{{ all 1 "a" true }} {{ all 1 "" }} {{ any 0 "" .nil }} {{ any 0 "x" }}', D);
  c(
    "flow/paths",
    '{{ base "/a/b/c.txt" }} {{ dir "/a/b/c.txt" }} {{ ext "x.tar.gz" }} {{ clean "a//b/../c/." }} {{ isAbs "/x" }} {{ base "" }} {{ dir "file" }}',
    D,
  );
}
