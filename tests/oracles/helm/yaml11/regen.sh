#!/usr/bin/env bash
# Rewrites expected-scalars.json: each line of scalars.txt as a plain YAML scalar, read by
# sigs.k8s.io/yaml (go-yaml v2) as the original Gimlet read manifests. Needs Go.
set -euo pipefail
cd "$(dirname "$0")"
sed 's/^/- /' scalars.txt | go run . > expected-scalars.json
