#!/usr/bin/env bash
# Installs npm dependencies when node_modules is missing or older than package-lock.json.
# .npmrc sets ignore-scripts: mediasoup's install script would try to download a prebuilt worker;
# scripts/build-mediasoup-worker.sh builds it instead.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
stamp="node_modules/.package-lock.json"
if [ ! -f "$stamp" ] || [ package-lock.json -nt "$stamp" ] || [ package.json -nt "$stamp" ]; then
  echo "Installing npm dependencies..." >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
fi
