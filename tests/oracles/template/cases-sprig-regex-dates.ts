/** Oracle cases: Sprig's regex, semver, date, flow and reflection functions, and Helm's required. */
import type { AddCase } from "./cases.ts";
import { D } from "./cases-sprig-strings.ts";

export default function (c: AddCase): void {
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
