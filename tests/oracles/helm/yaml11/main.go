// Reads YAML documents (separated by NUL bytes) on stdin the way the original Gimlet read
// manifests and helm reads values files: sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) to JSON.
// Prints one JSON line per document, or {"error": "..."}.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"sigs.k8s.io/yaml"
)

func main() {
	in, err := io.ReadAll(os.Stdin)
	if err != nil {
		panic(err)
	}
	for _, doc := range bytes.Split(in, []byte{0}) {
		j, err := yaml.YAMLToJSON(doc)
		if err != nil {
			out, _ := json.Marshal(map[string]string{"error": err.Error()})
			fmt.Println(string(out))
			continue
		}
		fmt.Println(string(j))
	}
}
