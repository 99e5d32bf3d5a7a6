// Oracle for src/core/patch: runs every case through kustomize's krusty, in memory, the way
// gimlet's pkg/dx ApplyPatches does (resources + patchesStrategicMerge + `patches:` entries with
// a target for JSON 6902, krusty.MakeDefaultOptions, so no reordering), and writes what it emits.
//
// Usage: go run . cases      (writes cases/*/expected*)
//        go run . schema     (prints src/core/patch/schema.ts)
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

type target struct {
	Group     string `yaml:"group"`
	Version   string `yaml:"version"`
	Kind      string `yaml:"kind"`
	Name      string `yaml:"name"`
	Namespace string `yaml:"namespace,omitempty"`
}

type json6902 struct {
	Target target `yaml:"target"`
	Patch  string `yaml:"patch"`
}

type patchEntry struct {
	Path   string `yaml:"path"`
	Target target `yaml:"target"`
}

func build(dir string, reorder krusty.ReorderOption) (out string, err error) {
	// evanphx/json-patch panics on some inputs (a test op without value); that is a failure too.
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("panic: %v", r)
		}
	}()
	fs := filesys.MakeFsInMemory()
	resources, err := os.ReadFile(filepath.Join(dir, "resources.yaml"))
	if err != nil {
		return "", err
	}
	if err := fs.WriteFile("manifests.yaml", resources); err != nil {
		return "", err
	}
	k := "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- manifests.yaml\n"
	if smp, err := os.ReadFile(filepath.Join(dir, "patches.yaml")); err == nil && len(smp) > 0 {
		if err := fs.WriteFile("strategicMergePatches.yaml", smp); err != nil {
			return "", err
		}
		k += "patchesStrategicMerge:\n- strategicMergePatches.yaml\n"
	}
	if raw, err := os.ReadFile(filepath.Join(dir, "json6902.yaml")); err == nil {
		var patches []json6902
		if err := yaml.Unmarshal(raw, &patches); err != nil {
			return "", fmt.Errorf("json6902.yaml: %w", err)
		}
		if len(patches) > 0 {
			k += "patches:\n"
		}
		for i, p := range patches {
			name := fmt.Sprintf("json6902-%d.yaml", i)
			if err := fs.WriteFile(name, []byte(p.Patch)); err != nil {
				return "", err
			}
			var b bytes.Buffer
			enc := yaml.NewEncoder(&b)
			enc.SetIndent(2)
			if err := enc.Encode([]patchEntry{{Path: name, Target: p.Target}}); err != nil {
				return "", err
			}
			k += b.String()
		}
	}
	if err := fs.WriteFile("kustomization.yaml", []byte(k)); err != nil {
		return "", err
	}
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = reorder
	m, err := krusty.MakeKustomizer(opts).Run(fs, ".")
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, r := range m.Resources() {
		y, err := r.AsYAML()
		if err != nil {
			return "", err
		}
		b.WriteString("---\n")
		b.Write(y)
	}
	return b.String(), nil
}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "schema" {
		writeSchema(os.Stdout)
		return
	}
	root := os.Args[1]
	entries, err := os.ReadDir(root)
	if err != nil {
		panic(err)
	}
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	for _, name := range names {
		dir := filepath.Join(root, name)
		for _, f := range []string{"expected.yaml", "expected-legacy.yaml", "expected-error.txt"} {
			_ = os.Remove(filepath.Join(dir, f))
		}
		out, err := build(dir, krusty.ReorderOptionNone)
		if err != nil {
			must(os.WriteFile(filepath.Join(dir, "expected-error.txt"), []byte(err.Error()+"\n"), 0o644))
			fmt.Fprintf(os.Stderr, "%s: error\n", name)
			continue
		}
		must(os.WriteFile(filepath.Join(dir, "expected.yaml"), []byte(out), 0o644))
		legacy, err := build(dir, krusty.ReorderOptionLegacy)
		must(err)
		must(os.WriteFile(filepath.Join(dir, "expected-legacy.yaml"), []byte(legacy), 0o644))
		fmt.Fprintf(os.Stderr, "%s: ok\n", name)
	}
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
