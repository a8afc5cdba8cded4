#!/usr/bin/env bash
# Installs what is missing (scripts/install.sh), then serves the demo on http://127.0.0.1:8080/
# with the development HTTP server (PORT and HOST override the address).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
export OWS_PLUGINPATH="${OWS_PLUGINPATH:-$PWD/conf/plugins/examples}"
export OWS_PROJECT_FILE="${OWS_PROJECT_FILE:-$PWD/conf/demo/project.yaml}"
export OWS_PROJECTS_DIR="${OWS_PROJECTS_DIR:-$PWD/conf}"
exec node bin/ows-serve --port "${PORT:-8080}" --host "${HOST:-127.0.0.1}"
