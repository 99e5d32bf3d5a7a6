#!/usr/bin/env bash
# Regenerates tests/oracles/template/expected.json with real Go text/template + Sprig (needs Go).
set -euo pipefail
exec "$(dirname "$0")/../tests/oracles/template/regen.sh"
