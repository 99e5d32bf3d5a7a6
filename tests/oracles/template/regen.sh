#!/usr/bin/env bash
# Regenerates cases.json (from cases*.ts) and expected.json (real Go text/template + Sprig).
set -euo pipefail
cd "$(dirname "$0")"
../../../node_modules/.bin/bun cases.ts > cases.json
TZ=UTC go run . < cases.json > expected.json
echo "wrote $(grep -c '^  {' cases.json) cases" >&2
