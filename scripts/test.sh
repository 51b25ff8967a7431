#!/usr/bin/env bash
# `npm test`: every suite (unit, integration against real FerretDB and Redis, browser) after the lint and a type check.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/ensure-node-modules.sh
bash scripts/ensure-system-packages.sh
bash scripts/ensure-ferretdb.sh >/dev/null
bash scripts/ensure-ferretdb.sh --unpatched >/dev/null # the differential test (test/store/ferretdbPatch.test.ts)
if [ -z "${MEDIASOUP_WORKER_BIN:-}" ] && [ -f scripts/build-mediasoup-worker.sh ] && [ ! -x node_modules/mediasoup/worker/out/Release/mediasoup-worker ]; then
  MEDIASOUP_WORKER_BIN="$(bash scripts/build-mediasoup-worker.sh | tail -n 1)"
  export MEDIASOUP_WORKER_BIN
fi
echo "Linting (Biome: lint rules and formatting)..." >&2
node_modules/.bin/biome check . --diagnostic-level=error
echo "Generating the client's API types (scripts/api-types.ts)..." >&2
node_modules/.bin/tsx scripts/api-types.ts
echo "Type-checking..." >&2
node_modules/.bin/tsc --noEmit -p tsconfig.json
echo "Building the client..." >&2
node_modules/.bin/vite build --config client/vite.config.ts --logLevel warn
export NODE_ENV=test
if [ $# -gt 0 ]; then exec node_modules/.bin/mocha "$@"; fi
# Two suites run in mocha processes of their own after the rest: the UI journeys check every word a page shows
# (so their database holds only what they create), and the fault case runs a whole cluster hub that it kills
# piece by piece (kept apart from the shared test hub's process).
status=0
node_modules/.bin/mocha 'config/**/*.test.ts' 'server/**/*.test.ts' 'workers/**/*.test.ts' 'test/**/*.test.ts' --ignore 'test/ui/**' --ignore 'test/live/chaos.test.ts' || status=$?
node_modules/.bin/mocha 'test/live/chaos.test.ts' || status=$((status == 0 ? $? : status))
node_modules/.bin/mocha 'test/ui/**/*.test.ts' || status=$((status == 0 ? $? : status))
exit "$status"
