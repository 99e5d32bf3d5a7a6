// Oracle for gimlet's template engine: runs every case of cases.json through Go's text/template
// with missingkey=error and Sprig v3, and prints the expected outputs (or errors) as JSON.
//
//	TZ=UTC go run . < cases.json > expected.json
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"regexp"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"
	"sigs.k8s.io/yaml"
)

type testCase struct {
	Name     string                 `json:"name"`
	Template string                 `json:"template"`
	Data     map[string]interface{} `json:"data"`
}

type result struct {
	Name   string  `json:"name"`
	Output *string `json:"output,omitempty"`
	Error  *string `json:"error,omitempty"`
}

var nonDNS = regexp.MustCompile(`[^0-9a-z]+`)

func sanitizeDNSName(s string) string {
	s = strings.ToLower(s)
	s = nonDNS.ReplaceAllString(s, "-")
	if len(s) > 63 {
		s = s[:63]
	}
	return strings.Trim(s, "-")
}

// The functions Helm adds on top of Sprig, which gimlet's stack templates use too.
func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func required(warn string, val interface{}) (interface{}, error) {
	if val == nil {
		return val, errors.New(warn)
	} else if _, ok := val.(string); ok && val == "" {
		return val, errors.New(warn)
	}
	return val, nil
}

func run(c testCase) result {
	fixed := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	funcs := sprig.TxtFuncMap()
	funcs["now"] = func() time.Time { return fixed }
	funcs["sanitizeDNSName"] = sanitizeDNSName
	funcs["toYaml"] = toYAML
	funcs["fromYaml"] = fromYAML
	funcs["required"] = required
	// Go's map order is random; the oracle sorts like gimlet does so outputs are comparable.
	funcs["keys"] = func(dicts ...map[string]interface{}) []string {
		k := []string{}
		for _, d := range dicts {
			for key := range d {
				k = append(k, key)
			}
		}
		return sortStrings(k)
	}
	funcs["values"] = func(d map[string]interface{}) []interface{} {
		keys := []string{}
		for k := range d {
			keys = append(keys, k)
		}
		out := []interface{}{}
		for _, k := range sortStrings(keys) {
			out = append(out, d[k])
		}
		return out
	}
	t, err := template.New(c.Name).Option("missingkey=error").Funcs(funcs).Parse(c.Template)
	if err != nil {
		msg := err.Error()
		return result{Name: c.Name, Error: &msg}
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, c.Data); err != nil {
		msg := err.Error()
		return result{Name: c.Name, Error: &msg}
	}
	out := buf.String()
	return result{Name: c.Name, Output: &out}
}

func sortStrings(s []string) []string {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s
}

func main() {
	var cases []testCase
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	results := make([]result, 0, len(cases))
	for _, c := range cases {
		results = append(results, run(c))
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(results); err != nil {
		panic(err)
	}
}
