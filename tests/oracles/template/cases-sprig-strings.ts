/** Oracle cases: Sprig's string functions and sanitizeDNSName; `D`, the data most Sprig cases render. */
import type { AddCase } from "./cases.ts";

export const D = {
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

export default function (c: AddCase): void {
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
}
