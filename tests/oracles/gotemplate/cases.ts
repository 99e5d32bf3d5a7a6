/**
 * The template table: template + data cases whose expected output comes from real Go
 * (main.go). `bun cases.ts > cases.json`, then `TZ=UTC go run . < cases.json > expected.json`.
 */
type Case = { name: string; template: string; data: Record<string, unknown> };
const cases: Case[] = [];
const D = {
  s: "hello",
  n: 42,
  f: 1.5,
  z: 0,
  neg: -7,
  big: 1e21,
  tiny: 0.00001,
  t: true,
  F: false,
  empty: "",
  nil: null,
  list: ["a", "b", "c"],
  nums: [3, 1, 2],
  emptyList: [],
  m: { b: 2, a: 1, c: "x" },
  emptyMap: {},
  nested: { inner: { deep: "v", list: [1, 2] }, name: "n" },
  html: "<a href='x'>&\"</a>",
  sp: "  padded  ",
  ver: "1.2.3",
  url: "a b&c=d/é",
  multi: "line1\nline2",
  BRANCH: "feature/Login_Page",
  SHA: "0123456789abcdef0123456789abcdef01234567",
};
function add(group: string, items: (string | [string, Record<string, unknown>])[]): void {
  items.forEach((it, i) => {
    const [template, data] = typeof it === "string" ? [it, D] : it;
    cases.push({ name: `${group}/${String(i).padStart(2, "0")}`, template, data });
  });
}

add("text", ["plain text", "", "{{/* a comment */}}x", "a {{- /* trimmed */ -}} b", "{{ `raw {{ string }}` }}", "{{ \"esc\\t\\\"q\\\"\\n\" }}", "{{ 'a' }}", "{{ 0x1F }} {{ 1_000 }} {{ 0o17 }} {{ 017 }}", "{{ 1.5e3 }} {{ -2 }} {{ +3 }}"]);
add("trim", ["a  {{- .s }}", "{{ .s -}}   b", "a\n  {{- .s -}}\n  b", "{{- \" x \" -}}", "1\n{{- if .t }}\n2\n{{- end }}\n3", "{{ range .list -}} [{{ . }}] {{- end }}", "x {{- /* c */}} y", "x {{/* c */ -}} y", "  {{- 1 -}}  "]);
add("fields", ["{{ .s }}", "{{ .n }}", "{{ .f }}", "{{ .t }} {{ .F }}", "{{ .nested.inner.deep }}", "{{ .nested.inner.list }}", "{{ .m }}", "{{ .list }}", "{{ .nums }}", "{{ .emptyList }} {{ .emptyMap }}", "{{ .nil }}", "{{ . | len }}", "{{ $.s }}", "{{ with .nested }}{{ .name }}/{{ $.s }}{{ end }}", "{{ .big }} {{ .tiny }} {{ .neg }} {{ .z }}", "{{ (index .nested \"inner\").deep }}"]);
add("vars", ["{{ $x := .s }}{{ $x }}", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", "{{ $x := 1 }}{{ if true }}{{ $x := 3 }}{{ $x }}{{ end }}{{ $x }}", "{{ $a, $b := 1, 2 }}", "{{ range $i, $v := .list }}{{ $i }}{{ $v }}{{ end }}", "{{ range $v := .list }}{{ $v }}{{ end }}", "{{ $m := .m }}{{ $m.a }}", "{{ $ }}", "{{ $x := list 1 2 }}{{ len $x }}", "{{ $u }}", "{{ with $x := .s }}{{ $x }}{{ end }}"]);
add("if", ["{{ if .t }}yes{{ end }}", "{{ if .F }}yes{{ else }}no{{ end }}", "{{ if .z }}a{{ else if .n }}b{{ else }}c{{ end }}", "{{ if .empty }}a{{ else }}empty{{ end }}", "{{ if .emptyList }}a{{ else }}el{{ end }}", "{{ if .emptyMap }}a{{ else }}em{{ end }}", "{{ if .nil }}a{{ else }}nil{{ end }}", "{{ if and .t .n }}both{{ end }}", "{{ if or .F .z .s }}{{ or .F .z .s }}{{ end }}", "{{ and 1 0 2 }} {{ or 0 \"\" 3 }}", "{{ if not .F }}not{{ end }}", "{{ if eq .s \"hello\" }}eq{{ end }}", "{{ if .missingkey }}x{{ end }}", "{{ if and .F .missingkey }}x{{ else }}short{{ end }}"]);
add("with", ["{{ with .nested.inner }}{{ .deep }}{{ end }}", "{{ with .empty }}x{{ else }}none{{ end }}", "{{ with .F }}x{{ else with .s }}{{ . }}{{ end }}", "{{ with .m }}{{ .a }}{{ .b }}{{ end }}", "{{ with $v := .n }}{{ $v }}{{ . }}{{ end }}"]);
add("range", ["{{ range .list }}{{ . }},{{ end }}", "{{ range .emptyList }}x{{ else }}empty{{ end }}", "{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}", "{{ range .m }}{{ . }};{{ end }}", "{{ range $i, $e := .nums }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ $e }}{{ end }}", "{{ range .nums }}{{ if eq . 1.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}", "{{ range 3 }}{{ . }}{{ end }}", "{{ range $i := 2 }}{{ $i }}{{ end }}", "{{ range .nil }}x{{ else }}nilrange{{ end }}", "{{ range .s }}{{ . }}{{ end }}", "{{ range $k, $v := .nested }}{{ $k }} {{ end }}", "{{ range .list }}{{ $.n }}{{ end }}", "{{ range $x := list \"p\" \"q\" }}{{ $x }}{{ end }}", "{{ range $k, $v := dict \"z\" 1 \"a\" 2 }}{{ $k }}{{ $v }}{{ end }}"]);
add("define", ["{{ define \"t\" }}T{{ . }}{{ end }}{{ template \"t\" .n }}", "{{ define \"t\" }}[{{ . }}]{{ end }}{{ template \"t\" }}", "{{ block \"b\" .s }}<{{ . }}>{{ end }}", "{{ define \"a\" }}A{{ template \"b\" . }}{{ end }}{{ define \"b\" }}B{{ .s }}{{ end }}{{ template \"a\" . }}", "{{ template \"nope\" }}", "{{ define \"r\" }}{{ if gt . 0 }}{{ . }}{{ template \"r\" (sub . 1) }}{{ end }}{{ end }}{{ template \"r\" 3 }}"]);
add("compare", ["{{ eq 1 1 }} {{ eq 1 2 }} {{ ne 1 2 }}", "{{ eq .s \"hello\" \"x\" }} {{ eq .s \"a\" \"b\" }}", "{{ lt 1 2 }} {{ le 2 2 }} {{ gt 3 2 }} {{ ge 1 2 }}", "{{ lt \"a\" \"b\" }} {{ gt \"b\" \"a\" }}", "{{ lt 1.5 2.5 }}", "{{ eq .n 42.0 }}", "{{ eq 1 \"1\" }}", "{{ lt 1 \"a\" }}", "{{ lt true false }}", "{{ eq .list .list }}", "{{ eq .nil .nil }}", "{{ eq .t true }}", "{{ ne .s \"x\" }}", "{{ eq 1 }}"]);
add("builtins", ["{{ len .s }} {{ len .list }} {{ len .m }}", "{{ len \"héllo\" }}", "{{ len 3 }}", "{{ index .list 1 }}", "{{ index .m \"a\" }}", "{{ index .nested \"inner\" \"deep\" }}", "{{ index .list 5 }}", "{{ index .m \"zz\" }}", "{{ slice .list 1 }} {{ slice .list 0 2 }} {{ slice .s 1 3 }}", "{{ slice .list 2 1 }}", "{{ print 1 2 \"a\" \"b\" 3 }}", "{{ print .s .n }}", "{{ println 1 \"a\" }}", "{{ print .nil }} {{ print .list .m }}", "{{ html .html }}", "{{ js .html }}", "{{ urlquery .url }}", "{{ .html | html }}", "{{ not 0 }} {{ not \"\" }} {{ not .s }}", "{{ len .nil }}"]);
add("printf", [
  '{{ printf "%s" .s }}', '{{ printf "%d" 42 }}', '{{ printf "%d" .n }}', '{{ printf "%v" .n }}', '{{ printf "%v %v %v" .list .m .t }}', '{{ printf "%q" .s }}', '{{ printf "%q" "a\\"b\\n" }}', '{{ printf "%t" true }}', '{{ printf "%x %X" 255 255 }}', '{{ printf "%x" "hi" }}',
  '{{ printf "%5d|%-5d|%05d" 42 42 42 }}', '{{ printf "%5s|%-5s|%.2s" "ab" "ab" "abcdef" }}', '{{ printf "%.2f %8.3f %f" 3.14159 2.5 1.0 }}', '{{ printf "%e %E" 12345.678 0.000123 }}', '{{ printf "%g %g" 1e21 0.5 }}', '{{ printf "%+d %+d" 5 -5 }}', '{{ printf "%o %b" 8 5 }}', '{{ printf "%c %U" 65 65 }}', '{{ printf "%%" }}', '{{ printf "%d" "str" }}',
  '{{ printf "%s" 42 }}', '{{ printf "%d %d" 1 }}', '{{ printf "%d" 1 2 }}', '{{ printf "%s" .nil }}', '{{ printf "%v" .nil }}', '{{ printf "%T %T %T" 1 "s" .f }}', '{{ printf "%#x" 255 }}', '{{ printf "%t" 1 }}', '{{ printf "%f" 1 }}', '{{ printf "%s-%s" .BRANCH .SHA }}',
  '{{ printf "app-%s" .BRANCH | sanitizeDNSName }}', '{{ printf "%08.3f" -3.14159 }}', '{{ printf "%x" -255 }}', '{{ printf "% d" 5 }}', '{{ printf "%v" 1e21 }}', '{{ printf "%v" .tiny }}', '{{ printf "%.1f" 2.25 }}', '{{ printf "%6.2f|" 3.14159 }}', '{{ printf "%s" .list }}', '{{ printf "%d" .nums }}',
]);
add("nil-empty", ["{{ .nil | default \"d\" }}", "{{ default \"d\" .empty }}", "{{ default \"d\" .z }}", "{{ default \"d\" .F }}", "{{ default \"d\" .emptyList }}", "{{ default \"d\" .s }}", "{{ default \"d\" }}", "{{ empty .nil }} {{ empty .z }} {{ empty .s }} {{ empty .emptyMap }}", "{{ coalesce .nil .empty .z .s }}", "{{ coalesce .nil .empty }}", "{{ ternary \"y\" \"n\" .t }} {{ ternary \"y\" \"n\" .F }}", "{{ ternary \"y\" \"n\" 1 }}", "{{ .s | empty }}", "{{ toJson .nil }}", "{{ index .m \"zz\" | default \"dflt\" }}"]);
add("strings", [
  "{{ upper .s }} {{ lower \"ABC\" }} {{ title \"hello world-foo bar_baz\" }}", "{{ trim .sp }}|", "{{ trimAll \"$\" \"$$a$b$$\" }}", "{{ trimPrefix \"he\" .s }} {{ trimSuffix \"lo\" .s }} {{ trimPrefix \"x\" .s }}", "{{ trunc 3 .s }} {{ trunc 10 .s }} {{ trunc -2 .s }} {{ trunc -10 .s }} {{ trunc 0 .s }}",
  "{{ abbrev 5 \"hello world\" }} {{ abbrev 3 \"hello\" }} {{ abbrev 20 \"short\" }}", "{{ replace \"l\" \"L\" .s }}", "{{ contains \"ell\" .s }} {{ contains \"z\" .s }}", "{{ hasPrefix \"he\" .s }} {{ hasSuffix \"lo\" .s }} {{ hasPrefix \"x\" .s }}", "{{ repeat 3 \"ab\" }}",
  "{{ split \",\" \"a,b,c\" }}", "{{ (split \",\" \"a,b,c\")._1 }}", "{{ splitList \",\" \"a,b,,c\" }}", "{{ join \"-\" .list }}", "{{ join \",\" (list 1 \"a\" 2.5) }}", "{{ quote .s 1 }} {{ squote .s }}", "{{ quote .nil }}|", "{{ .s | quote }}", "{{ indent 2 .multi }}", "{{ nindent 4 .multi }}",
  "{{ toString 42 }} {{ toString .f }} {{ toString .list }}", "{{ b64enc .s }} {{ b64dec \"aGVsbG8=\" }}", "{{ b64enc \"héllo✓\" }}", "{{ sha256sum .s }}", "{{ sha256sum \"\" }}", "{{ upper 42 }}", "{{ cat \"a\" 1 .nil \"b\" }}", "{{ nospace \" a b  c \" }}", "{{ .BRANCH | sanitizeDNSName }}", "{{ sanitizeDNSName \"--Hello__World--\" }}",
  "{{ sanitizeDNSName \"a.b.c\" }}", "{{ sanitizeDNSName (repeat 70 \"ab\") }}", "{{ trunc 40 (printf \"app-%s\" .BRANCH) | sanitizeDNSName }}", "{{ title \"élan vital\" }}", "{{ replace \"\" \"-\" \"ab\" }}", "{{ repeat 0 \"x\" }}|", "{{ trim \"\\t x \\n\" }}", "{{ lower .BRANCH }}",
]);
add("lists", ["{{ list 1 2 3 }}", "{{ list }}", "{{ first .list }} {{ last .list }}", "{{ append .list \"d\" }}", "{{ prepend .list \"z\" }}", "{{ uniq (list 1 2 1 3 2) }}", "{{ has \"b\" .list }} {{ has \"z\" .list }}", "{{ sortAlpha (list \"b\" \"C\" \"a\") }}", "{{ toStrings (list 1 \"a\" 2.5) }}", "{{ len (list 1 2) }}", "{{ first .emptyList }}", "{{ index (list \"x\" \"y\") 0 }}", "{{ range (list 3 2 1) }}{{ . }}{{ end }}", "{{ join \",\" (sortAlpha (keys .m)) }}"]);
add("dicts", ["{{ dict \"a\" 1 \"b\" \"two\" }}", "{{ dict \"a\" }}", "{{ get .m \"a\" }} {{ get .m \"zz\" }}|", "{{ $d := dict \"a\" 1 }}{{ $_ := set $d \"b\" 2 }}{{ $d }}", "{{ hasKey .m \"a\" }} {{ hasKey .m \"z\" }}", "{{ keys .m }}", "{{ values .m }}", "{{ merge (dict \"a\" 1 \"n\" (dict \"x\" 1)) (dict \"a\" 2 \"b\" 3 \"n\" (dict \"x\" 2 \"y\" 3)) }}", "{{ $d := dict }}{{ set $d \"k\" \"v\" | toJson }}", "{{ (dict \"a\" (dict \"b\" \"deep\")).a.b }}", "{{ dict 1 2 }}", "{{ keys (dict) }}", "{{ get (dict \"a\" .nil) \"a\" }}", "{{ unset (dict \"a\" 1 \"b\" 2) \"a\" }}"]);
add("encoding", ["{{ toJson .m }}", "{{ toJson .list }}", "{{ toJson .nested }}", "{{ toJson .html }}", "{{ toJson 1.5 }} {{ toJson 3 }} {{ toJson .big }} {{ toJson .tiny }}", "{{ toJson .s }}", "{{ (fromJson \"{\\\"a\\\":[1,2,{\\\"b\\\":true}]}\").a }}", "{{ fromJson \"[1, 2]\" }}", "{{ toYaml .m }}", "{{ toYaml .nested }}", "{{ toYaml .list }}", "{{ toYaml (dict \"s\" \"true\" \"n\" \"123\" \"e\" \"\" \"x\" \"a: b\") }}", "{{ (fromYaml \"a: 1\\nb: [x, y]\").b }}", "{{ (fromYaml \"a: 1\").a }}", "{{ toYaml (dict \"m\" .multi) }}", "{{ toYaml .emptyMap }}", "{{ toYaml (list) }}", "{{ toPrettyJson .m }}", "{{ .m | toJson | fromJson | toJson }}"]);
add("math", ["{{ add 1 2 }} {{ add 1 2 3 4 }}", "{{ add .n 1 }} {{ add .f 1 }}", "{{ sub 10 3 }} {{ sub 3 10 }}", "{{ mul 2 3 4 }}", "{{ div 7 2 }} {{ div -7 2 }}", "{{ mod 7 3 }}", "{{ max 1 5 3 }} {{ min 4 2 8 }}", "{{ add1 5 }}", "{{ int \"42\" }} {{ int 3.9 }} {{ int .f }}", "{{ int64 \"7\" }} {{ float64 \"2.5\" }}", "{{ add \"3\" 4 }}", "{{ int \"abc\" }}", "{{ div 1 0 }}", "{{ add 1 true }}", "{{ atoi \"12\" }}", "{{ printf \"%d\" (add 1 2) }}", "{{ printf \"%T\" (add 1 2) }}", "{{ mul .n 2 }}", "{{ int \"0x1F\" }}", "{{ max 3 }}"]);
add("regex", ["{{ regexMatch \"^h.*o$\" .s }}", "{{ regexMatch \"^x\" .s }}", "{{ regexReplaceAll \"l+\" .s \"L\" }}", "{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"${1}W\" }}", "{{ regexReplaceAll \"a(x*)b\" \"-ab-axxb-\" \"$1W\" }}", "{{ regexReplaceAll \"(?P<w>[a-z]+)\" \"ab cd\" \"<${w}>\" }}", "{{ regexFind \"[0-9]+\" \"abc123def456\" }}", "{{ regexMatch \"(?i)HELLO\" .s }}", "{{ regexReplaceAll \"[^a-z0-9]+\" (lower .BRANCH) \"-\" }}", "{{ regexMatch \"[\" .s }}", "{{ regexReplaceAll \"^\" .s \"> \" }}", "{{ regexReplaceAll \"o\" .s \"$$\" }}"]);
add("semver", ["{{ semverCompare \">=1.2.0\" \"1.2.3\" }}", "{{ semverCompare \"<1.0.0\" \"1.2.3\" }}", "{{ semverCompare \"^1.2.0\" \"1.9.9\" }} {{ semverCompare \"^1.2.0\" \"2.0.0\" }}", "{{ semverCompare \"~1.2.0\" \"1.2.9\" }} {{ semverCompare \"~1.2.0\" \"1.3.0\" }}", "{{ semverCompare \">=1.0, <2.0\" \"1.5.0\" }}", "{{ semverCompare \"1.2.x\" \"1.2.7\" }} {{ semverCompare \"1.2.x\" \"1.3.0\" }}", "{{ semverCompare \"<1.0 || >=2.0\" \"2.1.0\" }}", "{{ semverCompare \"1.2 - 1.4\" \"1.3.9\" }}", "{{ semverCompare \">=1.2.0\" \"1.3.0-beta.1\" }}", "{{ semverCompare \">=1.3.0-alpha\" \"1.3.0-beta.1\" }}", "{{ semverCompare \"!=1.2.3\" \"1.2.3\" }}", "{{ (semver \"1.2.3-beta.1+meta\").Major }} {{ (semver \"1.2.3-beta.1+meta\").Minor }} {{ (semver \"1.2.3-beta.1+meta\").Patch }}", "{{ (semver \"v2.0\").Prerelease }}|{{ (semver \"1.2.3-rc.1\").Prerelease }}", "{{ (semver .ver).Original }}", "{{ semver \"not-a-version\" }}", "{{ semverCompare \">= 1.2.0\" \"bad\" }}", "{{ semverCompare \"^0.2.3\" \"0.2.9\" }} {{ semverCompare \"^0.2.3\" \"0.3.0\" }}", "{{ semverCompare \">1.2\" \"1.2.9\" }} {{ semverCompare \">1.2\" \"1.3.0\" }}", "{{ semverCompare \"=1.2.3\" \"1.2.3\" }}", "{{ semverCompare \"*\" \"3.4.5\" }}"]);
add("date", ["{{ date \"2006-01-02\" now }}", "{{ now | date \"2006-01-02T15:04:05Z07:00\" }}", "{{ date \"2006-01-02 15:04:05\" 1700000000 }}", "{{ date \"Jan 2, 2006 at 3:04pm (MST)\" 1700000000 }}", "{{ date \"Monday January 02 06\" 1700000000 }}", "{{ unixEpoch now }}", "{{ toDate \"2006-01-02\" \"2017-12-31\" | date \"02/01/2006\" }}", "{{ dateInZone \"2006-01-02 15:04\" 1700000000 \"UTC\" }}", "{{ now }}", "{{ date \"15:04:05.000\" now }}"]);
add("pipelines", ["{{ .s | upper | printf \"%s!\" }}", "{{ \"a\" | printf \"%s-%s\" \"b\" }}", "{{ (list 1 2) | len }}", "{{ .list | join \",\" | upper }}", "{{ .BRANCH | replace \"/\" \"-\" | lower | trunc 10 }}", "{{ 3 | add 2 | mul 2 }}", "{{ .s | len | printf \"%d chars\" }}", "{{ .m.a | add 1 }}", "{{ (printf \"%s\" .s) | quote }}", "{{ .nested.inner.list | toJson }}"]);
add("errors", [
  "{{ .missing }}", "{{ .nested.nope }}", "{{ .nested.inner.deep.more }}", "{{ .s.field }}", "{{ nofunc 1 }}", "{{ if }}{{ end }}", "{{ if .t }}", "{{ end }}", "{{ range .list }}", "{{ .s ", "{{ (1 }}", "{{ $undefined }}", "{{ 1 2 }}", "{{ .s 1 }}", "{{ template \"x\" }}", "{{ fail \"boom\" }}", "{{ required \"need it\" .empty }}", "{{ required \"need it\" .nil }}", "{{ index 1 0 }}", "{{ slice .list 5 }}",
  "{{ nil }}", "{{ break }}", "{{ else }}", "{{ \"unterminated }}", "{{ len }}", "{{ printf }}", "{{ eq }}", "{{ lt .list 1 }}", "{{ range 1.5 }}{{ end }}", "{{ upper .n }}", "{{ trunc \"a\" .s }}", "{{ .nil.x }}", "{{ ternary 1 2 \"x\" }}", "{{ div 1 0 }}", "{{ with }}{{ end }}", "{{ define \"x\" }}", "{{ 1.2.3 }}", "{{ $x := 1 }}{{ $x.y }}", "{{ index .m 1 }}", "{{ repeat -1 \"x\" }}",
  "a\n\nb {{ .missing2 }}", "{{ /* unclosed", "{{ % }}",
]);
add("gimlet", [
  ['app: "{{ printf \\"web-%s\\" .BRANCH | sanitizeDNSName }}"', { BRANCH: "feature/Login" }],
  ["image:\n  tag: \"{{ .SHA }}\"\nreplicas: {{ .REPLICAS | default \"1\" }}", { SHA: "abc123", REPLICAS: "3" }],
  ["host: \"{{ trunc 40 (printf \\\"app-%s\\\" .GITHUB_BRANCH) | sanitizeDNSName }}.preview.example.com\"", { GITHUB_BRANCH: "dependabot/npm_and_yarn/web/lodash-4.17.21-long-branch-name" }],
  ["{{ if eq .EVENT \"tag\" }}tag: {{ .TAG }}{{ else }}tag: {{ .SHA | trunc 8 }}{{ end }}", { EVENT: "push", TAG: "", SHA: "0123456789abcdef" }],
  ["{{ .REPO | splitList \"/\" | last }}", { REPO: "acme/web" }],
  ["vars:\n{{- range $k, $v := .ENV }}\n  {{ $k }}: {{ $v | quote }}\n{{- end }}", { ENV: { B: "2", A: "x y" } }],
  ["{{ .OWNER }}/{{ .REPO }}", { OWNER: "acme", REPO: "web" }],
  ["{{- /* preview */ -}}\napp: {{ .APP }}-{{ .BRANCH | sanitizeDNSName | trunc 20 }}", { APP: "frontend", BRANCH: "FEATURE/very-long-branch-name-here" }],
  ["{{ .SHA | default \"latest\" }}", { SHA: "" }],
  ["{{ .MISSING_VAR }}", { SHA: "x" }],
]);

console.log(JSON.stringify(cases, null, 1));
export {};
