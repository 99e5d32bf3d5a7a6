#!/usr/bin/env bash
# Regenerates tests/oracles/gotemplate/expected.json with real Go text/template + Sprig (needs Go).
set -euo pipefail
cd "$(dirname "$0")/../tests/oracles/gotemplate"
../../../node_modules/.bin/bun cases.ts > cases.json
TZ=UTC go run . < cases.json > expected.json
echo "wrote $(grep -c '"name"' expected.json) expected results" >&2
