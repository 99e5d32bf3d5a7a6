// Command oracle runs every case in cases.json (stdin) through Go's text/template with
// sprig v3 and the few Helm/gimlet extras gimlet exposes, and writes expected.json (stdout).
// The TypeScript engine in src/core/template is tested against its output.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name     string          `json:"name"`
	Template string          `json:"template"`
	Data     json.RawMessage `json:"data"`
}

type result struct {
	Name   string  `json:"name"`
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

// fixedNow keeps `now` deterministic; the TS side passes the same instant.
var fixedNow = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

var nonDNS = regexp.MustCompile(`[^0-9a-z]+`)

// sanitizeDNSName is gimlet's own helper: lowercase, runs of other characters become "-",
// at most 63 characters, no leading or trailing "-".
func sanitizeDNSName(s string) string {
	s = strings.ToLower(s)
	s = nonDNS.ReplaceAllString(s, "-")
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.Trim(s, "-")
}

// toYaml, fromYaml and required behave as Helm's, which gimlet manifests also use.
func toYaml(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYaml(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, errors.New(warn)
	} else if s, ok := val.(string); ok && s == "" {
		return val, errors.New(warn)
	}
	return val, nil
}

func funcs() template.FuncMap {
	f := sprig.TxtFuncMap()
	f["now"] = func() time.Time { return fixedNow }
	f["sanitizeDNSName"] = sanitizeDNSName
	f["toYaml"] = toYaml
	f["fromYaml"] = fromYaml
	f["required"] = required
	return f
}

func run(c testCase, fm template.FuncMap) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	var data interface{}
	if len(c.Data) > 0 {
		if err := json.Unmarshal(c.Data, &data); err != nil {
			return "", fmt.Errorf("bad case data: %w", err)
		}
	}
	t, err := template.New("tpl").Option("missingkey=error").Funcs(fm).Parse(c.Template)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	if err := t.Execute(&b, data); err != nil {
		return "", err
	}
	return b.String(), nil
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		fmt.Fprintln(os.Stderr, "reading cases:", err)
		os.Exit(1)
	}
	fm := funcs()
	results := make([]result, 0, len(cases))
	seen := map[string]bool{}
	for _, c := range cases {
		if seen[c.Name] {
			fmt.Fprintln(os.Stderr, "duplicate case name:", c.Name)
			os.Exit(1)
		}
		seen[c.Name] = true
		out, err := run(c, fm)
		r := result{Name: c.Name}
		if err != nil {
			msg := err.Error()
			r.Error = &msg
		} else {
			r.Output = &out
		}
		results = append(results, r)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(results); err != nil {
		fmt.Fprintln(os.Stderr, "writing results:", err)
		os.Exit(1)
	}
}
