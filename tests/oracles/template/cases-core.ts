/** Oracle cases: the template language itself (text, trimming, numbers, printf, nil, range, variables, if/with, define/template/block, comparisons, builtins). */
import type { AddCase } from "./cases.ts";
export default function (c: AddCase): void {
  const D = {
    name: "world",
    n: 3,
    f: 1.5,
    big: 1e21,
    mil: 1000000,
    neg: -2,
    zero: 0,
    t: true,
    no: false,
    s: "hello",
    empty: "",
    nil: null,
    list: ["a", "b", "c"],
    nums: [1, 2, 3],
    m: { b: 2, a: 1, c: "x" },
    nested: { inner: { deep: "yes" }, list: [{ k: "v1" }, { k: "v2" }] },
    emptyList: [],
    emptyMap: {},
    mixed: [1, "two", null, true, 1.5],
    SHA: "0123456789abcdef",
    BRANCH: "feature/My_Branch",
  };
  // text and fields
  c("text/plain", "just text", D);
  c("text/empty", "", D);
  c("text/field", "Hello {{ .name }}!", D);
  c("text/nested-field", "{{ .nested.inner.deep }}", D);
  c("text/dollar-field", "{{ with .nested }}{{ $.name }}/{{ .inner.deep }}{{ end }}", D);
  c("text/dot", "{{ . }}", "scalar");
  c("text/dot-map", "{{ . }}", { b: 1, a: "x" });
  c("text/unicode", "héllo {{ .s }} ✓", D);
  c("text/multiline", "a\n{{ .name }}\nb\n", D);
  c("text/braces-in-text", "{ {{ .n }} }", D);
  c("text/string-literal", '{{ "quoted \\"x\\" \\t tab" }}', D);
  c("text/raw-string", "{{ `raw \\n no escape` }}", D);
  c("text/char-constant", "{{ 'a' }} {{ '\\n' }} {{ printf \"%c\" 'x' }}", D);
  c("text/bool-literal", "{{ true }} {{ false }}", D);
  c("text/parens", '{{ (print "a" "b") }}', D);
  c("text/chain-paren-field", "{{ (.nested).inner.deep }}", D);
  c("text/pipeline", '{{ .name | printf "%s!" | printf "<%s>" }}', D);
  c("text/pipeline-final-arg", '{{ "b" | printf "%s-%s" "a" }}', D);
  c("text/map-index-key-with-dash", '{{ index .m "a" }}', D);
  c("text/method-less-field-on-list-elem", "{{ range .nested.list }}{{ .k }};{{ end }}", D);
  // trimming
  c("trim/left", "a   {{- .n }}", D);
  c("trim/right", "{{ .n -}}   b", D);
  c("trim/both", "a \n\t {{- .n -}} \n b", D);
  c("trim/newlines", "x\n\n{{- .n }}\n\n{{- .n -}}\n\ny", D);
  c("trim/in-range", "{{- range .list }}\n  - {{ . }}\n{{- end }}\n", D);
  c("trim/comment", "a  {{- /* c */ -}}  b", D);
  c("trim/comment-left-only", "a  {{- /* c */}}  b", D);
  c("trim/no-space-not-trim", "{{ -3 }}", D);
  c("trim/minus-number", "{{- -3 -}}", D);
  c("trim/only-whitespace-text", '   {{- "x" -}}   ', D);
  c("trim/tabs-and-cr", "a\r\n\t{{- .n -}}\r\n\tb", D);
  c("trim/if-else-block", "{{ if .t -}}\n  yes\n{{- else -}}\n  no\n{{- end }}", D);
  // comments
  c("comment/simple", "a{{/* comment */}}b", D);
  c("comment/multiline", "a{{/* line1\nline2 */}}b", D);
  c("comment/trim-both", "a \n {{- /* x */ -}} \n b", D);
  // numbers
  c("num/int", "{{ 3 }} {{ -7 }} {{ 0 }}", D);
  c("num/float-literal", "{{ 1.5 }} {{ 1.0 }} {{ 2.50 }} {{ 1e3 }} {{ 1e21 }} {{ 1e-7 }}", D);
  c("num/hex-octal-binary", "{{ 0x1F }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }}", D);
  c("num/json-floats", "{{ .n }} {{ .f }} {{ .big }} {{ .mil }} {{ .neg }} {{ .zero }}", D);
  c("num/json-float-forms", "{{ .a }} {{ .b }} {{ .c }} {{ .d }} {{ .e }} {{ .g }}", {
    a: 123456,
    b: 1234567,
    c: 0.0001,
    d: 0.00001,
    e: 100000000000000000000,
    g: 3.14159265358979,
  });
  c("num/hex-float", "{{ 0x1p-2 }} {{ 0x10 }}", D);
  c("num/char-arith", "{{ add 'a' 1 }}", D);
  c("num/large-int", "{{ 9223372036854775807 }}", D);
  // printf
  c("printf/s-d-v", '{{ printf "%s %d %v" "x" 42 .m }}', D);
  c("printf/q-t-x-X", '{{ printf "%q %t %x %X %x" "a\\"b" true 255 255 "hi" }}', D);
  c(
    "printf/float-verbs",
    '{{ printf "%f %.2f %e %g %.3g %E %G" 3.14159 3.14159 1234.5678 0.000012345 3.14159 1e6 1e-7 }}',
    D,
  );
  c("printf/width-flags", '{{ printf "[%5d][%-5d][%05d][%+d][% d][%x][%#x][%#o][%b]" 42 42 42 42 42 255 255 8 5 }}', D);
  c("printf/string-width-prec", '{{ printf "[%5s][%-5s][%.2s][%5.1s][%05s]" "ab" "ab" "abcdef" "xyz" "ab" }}', D);
  c("printf/float-width", '{{ printf "[%8.3f][%-8.2f][%08.2f][%+.1f][% .1f]" 3.14159 2.5 -1.5 2.25 2.25 }}', D);
  c("printf/round-half-even", '{{ printf "%.0f %.0f %.0f %.1f %.2f %.1f" 0.5 1.5 2.5 0.25 1.005 0.35 }}', D);
  c("printf/octal-c-U", '{{ printf "%o %c %U %#U %q" 64 65 9731 9731 65 }}', D);
  c("printf/percent", '{{ printf "100%% %d%%" 5 }}', D);
  c("printf/bad-verb", '{{ printf "%d" "str" }}', D);
  c("printf/bad-verb-float", '{{ printf "%d %s" 1.5 3 }}', D);
  c("printf/missing-arg", '{{ printf "%s %s" "one" }}', D);
  c("printf/extra-args", '{{ printf "%s" "a" "b" 3 }}', D);
  c("printf/extra-nil", '{{ printf "x" .nil }}', D);
  c("printf/no-verb", '{{ printf "abc%" }}', D);
  c("printf/nil-verbs", '{{ printf "%v %d %s" .nil .nil .nil }}', D);
  c("printf/plus-v", '{{ printf "%+v %#v" .m .list }}', D);
  c("printf/json-numbers", '{{ printf "%v %d %.1f" .n .n .f }}', D);
  c("printf/list-verbs", '{{ printf "%d %s %q" .nums .list .list }}', D);
  c("printf/arg-index", '{{ printf "%[2]s %[1]s %[2]s" "a" "b" }}', D);
  c("printf/star-width", '{{ printf "[%*d][%-*d][%.*f]" 5 42 4 7 2 3.14159 }}', D);
  c("printf/bad-index", '{{ printf "%[3]s" "a" }}', D);
  c("printf/bool-and-T", '{{ printf "%v %T %T %T %T" true 1 1.5 "s" .m }}', D);
  c("printf/sharp-g", '{{ printf "%#g %#.3g %#v" 1.0 2.0 1.5 }}', D);
  c("printf/big-float", '{{ printf "%v %f" 1e21 1e21 }}', D);
  c("printf/neg-zero-pad", '{{ printf "%06.2f %05d" -3.14159 -42 }}', D);
  c("printf/unicode-width", '{{ printf "[%5s][%-4s]" "é" "ü✓" }}', D);
  c("printf/hex-string-flags", '{{ printf "% x|%#x|% #x|%X" "abc" "abc" "abc" "é" }}', D);
  c("printf/inf-nan", '{{ printf "%v %f %5.1f" (div 1 1 | float64) 1.5 2.0 }}', D);
  // print/println
  c("print/spacing", '{{ print 1 2 }}|{{ print "a" "b" }}|{{ print "a" 1 2 "b" }}|{{ print 1 "a" 2 }}', D);
  c("print/values", "{{ print .list }} {{ print .m }} {{ print .nil }} {{ print .t }} {{ print .mixed }}", D);
  c("print/println", '{{ println "a" 1 .nil }}', D);
  c("print/nested-structures", "{{ .nested }}", D);
  c("print/empty-containers", "{{ .emptyList }} {{ .emptyMap }} {{ list }} {{ dict }}", D);
  c("print/bool-and-float-in-list", '{{ list true 1.5 2 "s" nil }}', D);
  // nil / empty handling
  c("nil/json-null-field", "[{{ .nil }}]", D);
  c("nil/print-null", "[{{ print .nil }}]", D);
  c("nil/null-in-if", "{{ if .nil }}y{{ else }}n{{ end }}", D);
  c("nil/default-on-null", '{{ .nil | default "dflt" }}', D);
  c("nil/default-on-empty-string", '{{ .empty | default "dflt" }}', D);
  c("nil/default-on-zero", '{{ .zero | default 5 }} {{ .no | default "x" }}', D);
  c("nil/default-keeps-value", '{{ .s | default "dflt" }} {{ default "d" .n }}', D);
  c(
    "nil/empty-fn",
    "{{ empty .nil }} {{ empty .empty }} {{ empty .zero }} {{ empty .emptyList }} {{ empty .emptyMap }} {{ empty .s }} {{ empty .m }} {{ empty .no }}",
    D,
  );
  c("nil/coalesce", '{{ coalesce .nil .empty .zero "first" "second" }}', D);
  c("nil/coalesce-all-empty", "[{{ coalesce .nil .empty }}]", D);
  c("nil/nil-data", "text only {{ 1 }}", null);
  c("nil/nil-data-dot", "[{{ . }}]", null);
  c("nil/null-in-list", "{{ range .mixed }}[{{ . }}]{{ end }}", D);
  c("nil/index-null-elem", "[{{ index .mixed 2 }}]", D);
  c("nil/with-null", "{{ with .nil }}has{{ else }}none{{ end }}", D);
  c("nil/len-empty", "{{ len .empty }} {{ len .emptyList }} {{ len .emptyMap }}", D);
  c("nil/and-or-null", '[{{ and .nil 1 }}][{{ or .nil .empty }}][{{ or .nil "x" }}]', D);
  c("nil/toJson-null", "{{ toJson .nil }} {{ toJson .mixed }}", D);
  c("nil/eq-nil", "{{ eq .nil nil }} {{ eq .s nil }}", D);
  c("nil/ternary", '{{ ternary "yes" "no" .t }} {{ ternary "yes" "no" .no }}', D);
  // range
  c("range/list", "{{ range .list }}<{{ . }}>{{ end }}", D);
  c("range/index-value", "{{ range $i, $v := .list }}{{ $i }}:{{ $v }} {{ end }}", D);
  c("range/value-only-var", "{{ range $v := .nums }}{{ $v }},{{ end }}", D);
  c("range/map-sorted", "{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}", D);
  c("range/map-values", "{{ range .m }}{{ . }},{{ end }}", D);
  c("range/map-sorted-keys-unicode", "{{ range $k, $v := . }}{{ $k }} {{ end }}", {
    b: 1,
    B: 2,
    a: 3,
    "10": 4,
    "9": 5,
    é: 6,
    _x: 7,
  });
  c("range/else-empty-list", "{{ range .emptyList }}x{{ else }}empty{{ end }}", D);
  c("range/else-empty-map", "{{ range .emptyMap }}x{{ else }}empty map{{ end }}", D);
  c("range/else-nil", "{{ range .nil }}x{{ else }}nil!{{ end }}", D);
  c("range/break", "{{ range .nums }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}", D);
  c("range/continue", "{{ range .nums }}{{ if eq . 2.0 }}{{ continue }}{{ end }}{{ . }}{{ end }}", D);
  c("range/nested", "{{ range $i, $a := .list }}{{ range $j, $b := $.nums }}{{ $a }}{{ $b }} {{ end }}{{ end }}", D);
  c("range/dot-in-range", "{{ range .nested.list }}{{ .k }}/{{ $.name }} {{ end }}", D);
  c("range/int", "{{ range 3 }}{{ . }}{{ end }}", D);
  c("range/int-zero-else", "{{ range 0 }}x{{ else }}none{{ end }}", D);
  c("range/until", "{{ range until 3 }}{{ . }}{{ end }}", D);
  c("range/assign-existing-vars", '{{ $i := 0 }}{{ $v := "" }}{{ range $i, $v = .list }}{{ end }}{{ $i }}{{ $v }}', D);
  c("range/list-of-lists", "{{ range list (list 1 2) (list 3) }}{{ len . }}{{ end }}", D);
  c("range/splitList", '{{ range splitList "," "a,b,,c" }}[{{ . }}]{{ end }}', D);
  c(
    "range/break-nested",
    "{{ range .list }}{{ range $.nums }}{{ if eq . 2.0 }}{{ break }}{{ end }}{{ . }}{{ end }}|{{ end }}",
    D,
  );
  c("range/var-scope-after", "{{ range $x := .list }}{{ end }}{{ $y := 1 }}{{ $y }}", D);
  // variables
  c("var/declare", '{{ $x := "v" }}{{ $x }}', D);
  c("var/assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", D);
  c("var/assign-in-if-visible-after", "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}", D);
  c("var/declare-in-if-scoped", "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}", D);
  c("var/assign-in-range", "{{ $sum := 0 }}{{ range .nums }}{{ $sum = add $sum . }}{{ end }}{{ $sum }}", D);
  c("var/dollar-root", "{{ range .list }}{{ $.name }}{{ end }}", D);
  c("var/field-on-var", "{{ $n := .nested }}{{ $n.inner.deep }}", D);
  c("var/pipeline-decl-no-output", "{{ $x := .name | upper }}[{{ $x }}]", D);
  c("var/with-var", "{{ with $x := .name }}{{ $x }}{{ . }}{{ end }}", D);
  c("var/if-var", "{{ if $x := .name }}{{ $x }}{{ end }}", D);
  c("var/dollar-in-define", '{{ define "t" }}{{ $ }}{{ end }}{{ template "t" .n }}', D);
  c("var/shadow-in-range", '{{ $v := "outer" }}{{ range $v := .list }}{{ $v }}{{ end }}{{ $v }}', D);
  c("var/else-if-sees-decl", "{{ if $x := .zero }}a{{ else if $x }}b{{ else }}c{{ $x }}{{ end }}", D);
  // if / with
  c("if/basic", "{{ if .t }}yes{{ end }}", D);
  c("if/else", "{{ if .no }}yes{{ else }}no{{ end }}", D);
  c("if/else-if", "{{ if .no }}1{{ else if .zero }}2{{ else if .s }}3{{ else }}4{{ end }}", D);
  c(
    "if/truthiness",
    '{{ if .zero }}a{{ end }}{{ if .empty }}b{{ end }}{{ if .emptyList }}c{{ end }}{{ if .emptyMap }}d{{ end }}{{ if .n }}e{{ end }}{{ if .list }}f{{ end }}{{ if .m }}g{{ end }}{{ if 0.0 }}h{{ end }}{{ if "0" }}i{{ end }}',
    D,
  );
  c("if/and-or-not", "{{ if and .t .n }}a{{ end }}{{ if or .no .zero }}b{{ end }}{{ if not .no }}c{{ end }}", D);
  c("with/basic", "{{ with .nested.inner }}{{ .deep }}{{ end }}", D);
  c("with/else", "{{ with .empty }}x{{ else }}empty{{ end }}", D);
  c("with/else-with", "{{ with .empty }}a{{ else with .s }}{{ . }}{{ else }}c{{ end }}", D);
  c("with/dot-restored", "{{ with .nested }}{{ with .inner }}{{ .deep }}{{ end }}{{ len .list }}{{ end }}", D);
  // define / template / block
  c("tmpl/define-call", '{{ define "greet" }}Hi {{ . }}!{{ end }}{{ template "greet" .name }}', D);
  c("tmpl/define-no-arg", '{{ define "x" }}[{{ . }}]{{ end }}{{ template "x" }}', D);
  c("tmpl/define-dot", '{{ define "x" }}{{ .name }}{{ end }}{{ template "x" . }}', D);
  c("tmpl/block", '{{ block "b" .n }}block {{ . }}{{ end }}', D);
  c("err/block-after-define", '{{ define "b" }}override{{ end }}{{ block "b" . }}default{{ end }}', D);
  c("tmpl/define-after-use", '{{ template "later" . }}{{ define "later" }}L{{ .n }}{{ end }}', D);
  c(
    "tmpl/nested-templates",
    '{{ define "a" }}A({{ template "b" . }}){{ end }}{{ define "b" }}B{{ . }}{{ end }}{{ template "a" 1 }}',
    D,
  );
  c(
    "tmpl/recursion",
    '{{ define "r" }}{{ if gt . 0 }}{{ . }}{{ template "r" (sub . 1) }}{{ end }}{{ end }}{{ template "r" 3 }}',
    D,
  );
  c("tmpl/define-whitespace", '{{- define "x" -}}\n  trimmed\n{{- end -}}\n[{{ template "x" }}]', D);
  c("tmpl/template-pipeline", '{{ define "t" }}{{ . }}{{ end }}{{ template "t" .name | upper }}', D);
  c("tmpl/vars-not-shared", '{{ define "t" }}{{ $ }}{{ end }}{{ $x := 1 }}{{ template "t" "arg" }}', D);
  c("tmpl/raw-string-name", "{{ define `r` }}raw{{ end }}{{ template `r` }}", D);
  c("tmpl/empty-redefine-ok", '{{ define "e" }}{{ end }}{{ define "e" }}second{{ end }}{{ template "e" }}', D);
  // comparisons
  c("cmp/eq-strings", '{{ eq .s "hello" }} {{ eq .s "x" }}', D);
  c("cmp/eq-multi", '{{ eq .s "a" "b" "hello" }} {{ eq "z" "a" "b" }}', D);
  c("cmp/eq-json-numbers", "{{ eq .n 3.0 }} {{ eq .f 1.5 }}", D);
  c("cmp/eq-int-literals", "{{ eq 1 1 }} {{ eq (len .list) 3 }} {{ eq (add 1 2) 3 }}", D);
  c("cmp/eq-bool", "{{ eq .t true }} {{ eq .no true }}", D);
  c("cmp/ne", '{{ ne .s "x" }} {{ ne 1 1 }}', D);
  c("cmp/lt-le-gt-ge-int", "{{ lt 1 2 }} {{ le 2 2 }} {{ gt 1 2 }} {{ ge 3 2 }}", D);
  c("cmp/lt-strings", '{{ lt "a" "b" }} {{ lt "b" "a" }} {{ lt "B" "a" }} {{ gt "é" "z" }}', D);
  c("cmp/lt-floats", "{{ lt .f 2.0 }} {{ gt .n 2.5 }}", D);
  c("cmp/int-int64-mix", "{{ eq (add 1 1) 2 }} {{ lt (len .list) (add 5 0) }}", D);
  c(
    "cmp/uint-int",
    '{{ eq (semver "1.2.3").Major 1 }} {{ lt (semver "1.2.3").Minor 5 }} {{ gt 5 (semver "1.2.3").Patch }}',
    D,
  );
  c("cmp/eq-nil-both", "{{ eq nil nil }}", D);
  c("cmp/eq-maps-missing-vs", "{{ eq .nil .s }}", D);
  c("cmp/in-if", '{{ if eq .name "world" }}match{{ end }}', D);
  // builtins
  c("builtin/len", '{{ len .s }} {{ len .list }} {{ len .m }} {{ len "héllo" }}', D);
  c("builtin/index-list", "{{ index .list 1 }} {{ index .nums 0 }}", D);
  c("builtin/index-map", '{{ index .m "c" }} {{ index .nested "inner" "deep" }}', D);
  c("builtin/index-multi", '{{ index .nested.list 1 "k" }}', D);
  c("builtin/index-missing-key", '[{{ index .m "zzz" }}]', D);
  c("builtin/index-string-byte", '{{ index "abc" 1 }}', D);
  c("builtin/index-no-args", "{{ index .list }}", D);
  c("builtin/not", "{{ not .t }} {{ not .zero }} {{ not .s }}", D);
  c("builtin/and-returns-operand", '{{ and 1 "x" .s }} [{{ and 1 "" "never" }}]', D);
  c("builtin/or-returns-operand", '{{ or 0 "" "first" "second" }} {{ or 0 false }}', D);
  c("builtin/and-short-circuit", '{{ and .no (fail "not evaluated") }} {{ or .t (fail "not evaluated") }}', D);
  c("builtin/and-pipeline", "{{ .s | and .t }} {{ .s | or .no }}", D);
  c("builtin/html", '{{ html "<a href=\\"x\\">T&amp;C\'s</a>" }}', D);
  c("builtin/js", '{{ js "it\'s <b>\\"quoted\\"</b> & = \\\\ \\n é" }}', D);
  c("builtin/urlquery", '{{ urlquery "a b&c=d/é?" }}', D);
  c("builtin/html-multi", '{{ html 1 "<" .nil }}', D);
  c("builtin/slice-is-sprig", "{{ slice .list 1 }} {{ slice .list 1 2 }} {{ slice .list }}", D);
}
