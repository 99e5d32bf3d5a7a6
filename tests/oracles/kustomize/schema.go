package main

// `go run . schema` prints src/core/patch/schema.ts: the parts of kyaml's built-in Kubernetes
// OpenAPI (v1.21.2, the one kustomize merges with) that change how a strategic merge patch
// behaves — lists with x-kubernetes-patch-strategy "merge" and their merge keys, and the object
// fields that lead to them — plus which kinds are cluster-scoped.

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

type fieldDesc struct {
	kind  string // ref | list | map
	typ   string // definition name, may be ""
	keys  []string
}

func defRef(s *spec.Schema) string {
	if s == nil {
		return ""
	}
	return strings.TrimPrefix(s.Ref.String(), "#/definitions/")
}

func writeSchema(w io.Writer) {
	root := openapi.Schema()
	defs := root.Definitions
	memo := map[string]int{}
	var fields func(name string) map[string]fieldDesc
	var interesting func(name string) bool
	fields = func(name string) map[string]fieldDesc {
		out := map[string]fieldDesc{}
		d, ok := defs[name]
		if !ok {
			return out
		}
		for pname, p := range d.Properties {
			p := p
			strategy, _ := p.Extensions["x-kubernetes-patch-strategy"].(string)
			isArray := len(p.Type) == 1 && p.Type[0] == "array"
			merge := false
			for _, s := range strings.Split(strategy, ",") {
				merge = merge || s == "merge"
			}
			switch {
			case isArray && merge:
				fd := fieldDesc{kind: "list"}
				if p.Items != nil && p.Items.Schema != nil && interesting(defRef(p.Items.Schema)) {
					fd.typ = defRef(p.Items.Schema)
				}
				if v, ok := p.Extensions["x-kubernetes-list-map-keys"].([]interface{}); ok {
					for _, k := range v {
						fd.keys = append(fd.keys, k.(string))
					}
				} else if v, ok := p.Extensions["x-kubernetes-patch-merge-key"].(string); ok {
					fd.keys = []string{v}
				}
				out[pname] = fd
			case defRef(&p) != "" && interesting(defRef(&p)):
				out[pname] = fieldDesc{kind: "ref", typ: defRef(&p)}
			case p.AdditionalProperties != nil && interesting(defRef(p.AdditionalProperties.Schema)):
				out[pname] = fieldDesc{kind: "map", typ: defRef(p.AdditionalProperties.Schema)}
			}
		}
		return out
	}
	interesting = func(name string) bool {
		if name == "" {
			return false
		}
		if v, ok := memo[name]; ok {
			return v == 2
		}
		memo[name] = 1 // a cycle counts as not interesting until proven otherwise
		res := len(fields(name)) > 0
		if res {
			memo[name] = 2
		} else {
			memo[name] = 3
		}
		return res
	}

	// Roots: every GVK with a definition.
	roots := map[string]string{}
	clusterScoped := []string{}
	for name, d := range defs {
		exts, _ := d.Extensions["x-kubernetes-group-version-kind"].([]interface{})
		for _, e := range exts {
			m := e.(map[string]interface{})
			g, _ := m["group"].(string)
			v, _ := m["version"].(string)
			k, _ := m["kind"].(string)
			av := v
			if g != "" {
				av = g + "/" + v
			}
			id := av + " " + k
			if interesting(name) {
				roots[id] = name
			}
			if ns, found := openapi.IsNamespaceScoped(kyaml.TypeMeta{APIVersion: av, Kind: k}); found && !ns {
				clusterScoped = append(clusterScoped, id)
			}
		}
	}

	// Collect reachable definitions and give each a short, unique name.
	reach := map[string]bool{}
	var visit func(n string)
	visit = func(n string) {
		if n == "" || reach[n] {
			return
		}
		reach[n] = true
		for _, f := range fields(n) {
			visit(f.typ)
		}
	}
	for _, n := range roots {
		visit(n)
	}
	var canon func(n string, depth int) string
	canon = func(n string, depth int) string {
		if n == "" || depth > 20 {
			return ""
		}
		fs := fields(n)
		var keys []string
		for k := range fs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			f := fs[k]
			fmt.Fprintf(&b, "%s:%s(%s)[%s];", k, f.kind, canon(f.typ, depth+1), strings.Join(f.keys, ","))
		}
		return b.String()
	}
	byShort := map[string]map[string][]string{} // short -> canon -> names
	for n := range reach {
		s := n[strings.LastIndex(n, ".")+1:]
		if byShort[s] == nil {
			byShort[s] = map[string][]string{}
		}
		c := canon(n, 0)
		byShort[s][c] = append(byShort[s][c], n)
	}
	short := map[string]string{}
	canonName := map[string]string{}
	for s, cs := range byShort {
		var cl []string
		for c := range cs {
			cl = append(cl, c)
		}
		sort.Strings(cl)
		for i, c := range cl {
			name := s
			if i > 0 {
				name = fmt.Sprintf("%s%d", s, i+1)
			}
			canonName[c] = name
			for _, n := range cs[c] {
				short[n] = name
			}
		}
	}
	desc := func(f fieldDesc) string {
		t := short[f.typ]
		switch f.kind {
		case "ref":
			return t
		case "map":
			return "{" + t + "}"
		default:
			return t + "[" + strings.Join(f.keys, ",") + "]"
		}
	}
	typeNames := []string{}
	seen := map[string]bool{}
	emitted := map[string]string{}
	for n := range reach {
		if !seen[short[n]] {
			seen[short[n]] = true
			typeNames = append(typeNames, short[n])
			emitted[short[n]] = n
		}
	}
	sort.Strings(typeNames)

	fmt.Fprintln(w, "/**")
	fmt.Fprintln(w, " * Generated by tests/oracles/kustomize (`go run . schema`): the parts of the Kubernetes v1.21.2")
	fmt.Fprintln(w, " * OpenAPI built into kustomize's kyaml that decide how a strategic merge patch treats a list.")
	fmt.Fprintln(w, " * Do not edit by hand.")
	fmt.Fprintln(w, " *")
	fmt.Fprintln(w, " * `types`: type → field → `T` (object of type T), `T[k1,k2]` or `[k]` (list merged by the keys;")
	fmt.Fprintln(w, " * `[]` merges scalars), `{T}` (map of T). Fields not listed are plain: maps merge, lists replace.")
	fmt.Fprintln(w, " */")
	fmt.Fprintln(w, "export const types: Record<string, Record<string, string>> = {")
	for _, t := range typeNames {
		fs := fields(emitted[t])
		var keys []string
		for k := range fs {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%s: %q", jsKey(k), desc(fs[k])))
		}
		fmt.Fprintf(w, "  %s: { %s },\n", t, strings.Join(parts, ", "))
	}
	fmt.Fprintln(w, "};")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "/** `apiVersion kind` → its type in `types`. Kinds not listed (custom resources) have no schema. */")
	fmt.Fprintln(w, "export const kinds: Record<string, string> = {")
	var ids []string
	for id := range roots {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		fmt.Fprintf(w, "  %q: %q,\n", id, short[roots[id]])
	}
	fmt.Fprintln(w, "};")
	fmt.Fprintln(w, "")
	sort.Strings(clusterScoped)
	fmt.Fprintln(w, "/** `apiVersion kind` of the cluster-scoped kinds: they have no namespace to match. */")
	fmt.Fprintln(w, "export const clusterScoped: ReadonlySet<string> = new Set([")
	for _, id := range clusterScoped {
		fmt.Fprintf(w, "  %q,\n", id)
	}
	fmt.Fprintln(w, "]);")
}

func jsKey(k string) string {
	for _, c := range k {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return fmt.Sprintf("%q", k)
		}
	}
	return k
}
