#!/usr/bin/env bash
# Cluster stage: builds the test control plane when the cache lacks it, then runs the tests that
# need a real kube-apiserver and Flux. Each file runs in its own process: a file's process-wide
# state (umask, env, servers it left listening) must not reach the next file's cluster.
set -euo pipefail
cd "$(dirname "$0")/.."
bun=./node_modules/.bin/bun
command -v openssl >/dev/null || { echo "openssl is required (apt-get install openssl)" >&2; exit 1; }
"$bun" scripts/testenv/main.ts build
failed=()
for f in tests/integration/cluster/*.test.ts; do
  "$bun" test --timeout 300000 "./$f" || failed+=("$f")
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "cluster tests failed in: ${failed[*]}" >&2
  exit 1
fi
