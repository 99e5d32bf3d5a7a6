#!/usr/bin/env bash
# System packages the test suite drives for real: Debian's Chromium (browser tests), PostgreSQL (the
# Postgres store and replica tests), openssl (test cluster certificates), iproute2 (a loopback alias for
# the sealed-secrets service-proxy tests) and arm64 packages (the release image's glibc). Installed with
# apt when missing and running as root; otherwise says what to install.
set -euo pipefail
missing=()
command -v chromium >/dev/null || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing+=(postgresql)
command -v openssl >/dev/null || missing+=(openssl)
command -v ip >/dev/null || missing+=(iproute2)
need_arm64=0
dpkg --print-foreign-architectures 2>/dev/null | grep -qx arm64 || need_arm64=1
if [ ${#missing[@]} -eq 0 ] && [ $need_arm64 -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "tests need: ${missing[*]:-} $([ $need_arm64 = 1 ] && echo '(and: dpkg --add-architecture arm64)')" >&2
  echo "install them with apt-get as root, then run npm test again" >&2
  exit 1
fi
[ $need_arm64 -eq 1 ] && dpkg --add-architecture arm64
apt-get update
[ ${#missing[@]} -gt 0 ] && apt-get install -y "${missing[@]}"
exit 0
