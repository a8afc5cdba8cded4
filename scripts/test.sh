#!/usr/bin/env bash
# Installs what is missing (scripts/install.sh), then runs every test: unit, in-memory, and end-to-end
# through real nginx + spawn-fcgi and Apache + mod_fcgid on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
mapfile -t files < <(find dist/test -name '*.test.js' | sort)
exec node --test --test-timeout=300000 "$@" "${files[@]}"
