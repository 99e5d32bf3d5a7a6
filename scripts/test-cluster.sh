#!/usr/bin/env bash
# Cluster stage: builds the test control plane when the cache lacks it, then runs the tests that
# need a real kube-apiserver and Flux.
set -euo pipefail
cd "$(dirname "$0")/.."
bun=./node_modules/.bin/bun
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
"$bun" scripts/testenv/main.ts build
"$bun" test --timeout 300000 ./tests/integration/cluster
