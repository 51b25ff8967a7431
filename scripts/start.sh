#!/usr/bin/env bash
# `npm start`: everything a fresh machine needs, then the hub with local defaults.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-node-modules.sh
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ] && [ -f scripts/build-mediasoup-worker.sh ] && [ ! -x node_modules/mediasoup/worker/out/Release/mediasoup-worker ]; then
  MEDIASOUP_WORKER_BIN="$(bash scripts/build-mediasoup-worker.sh | tail -n 1)"
  export MEDIASOUP_WORKER_BIN
fi
if [ ! -f client/dist/index.html ] || [ -n "$(find client/src client/index.html -newer client/dist/index.html -print -quit 2>/dev/null)" ]; then
  echo "Building the client..." >&2
  # The client's API types (client/src/lib/api.gen.ts), generated from the route table; an unchanged file is not rewritten.
  node_modules/.bin/tsx scripts/api-types.ts
  npx vite build --config client/vite.config.ts --logLevel warn >&2
fi
exec node_modules/.bin/tsx scripts/start-hub.ts
