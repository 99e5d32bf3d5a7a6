#!/usr/bin/env bash
# Rewrites the goldens with real kustomize (krusty in process, kustomize/api v0.17.1 and kyaml
# v0.17.1, the versions gimlet pins): cases/*/expected.yaml, expected-legacy.yaml or
# expected-error.txt, and src/core/patch/schema.ts (the list merge keys kyaml knows).
# Needs Go and the Go module proxy; CI never runs this, it only compares against the files.
set -euo pipefail
cd "$(dirname "$0")"
go run . schema > ../../../src/core/patch/schema.ts
go run . cases
echo "$(ls -d cases/*/ | wc -l) cases" >&2
