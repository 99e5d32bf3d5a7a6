#!/usr/bin/env bash
# The full test command (README, CI): typecheck, import rules, unit + integration tests,
# then the compiled binary and the end-to-end tests that run it.
set -euo pipefail
cd "$(dirname "$0")/.."
bun=./node_modules/.bin/bun

step() { printf '\n== %s\n' "$*" >&2; }

step "system packages (Chromium, PostgreSQL, openssl, arm64 apt architecture)"
bash scripts/test-prereqs.sh
step "typecheck"
./node_modules/.bin/tsc --noEmit -p .
step "format and lint (Biome)"
./node_modules/.bin/biome ci .
step "import direction"
"$bun" scripts/check-imports.ts
"$bun" scripts/gen-schema-validators.ts --check
step "unit and integration tests"
"$bun" test --path-ignore-patterns='tests/e2e/**' --path-ignore-patterns='tests/integration/cluster/**' \
  --path-ignore-patterns='tests/integration/browser/**' --path-ignore-patterns='node_modules/**'
step "build dist/gimlet"
"$bun" scripts/build.ts
step "end-to-end tests against dist/gimlet"
GIMLET_BIN="$PWD/dist/gimlet" "$bun" test ./tests/e2e
step "browser tests (Chromium) against dist/gimlet"
GIMLET_BIN="$PWD/dist/gimlet" "$bun" test ./tests/integration/browser
step "real cluster: build the control plane and Flux once (cached in ~/.cache/gimlet/testbin), then the cluster tests"
bash scripts/test-cluster.sh
