#!/usr/bin/env bash
# Builds FerretDB 1.24.2 (the MongoDB-wire server used for local runs and tests) once per machine, into
# $HUB_CACHE_DIR (default ~/.cache/dehua-live-hub, shared by every clone). Prints the binary's path.
# Needs Go (PATH or /usr/local/go/bin) and the Go module proxy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="v1.24.2"
CACHE="${HUB_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-$ROOT}/.cache}/dehua-live-hub}"
BIN="$CACHE/bin/ferretdb-$VERSION"

if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "ensure-ferretdb: Go is needed to build FerretDB; install Go 1.22+ (or set MONGODB_URI to an existing MongoDB)" >&2
  exit 1
fi
echo "ensure-ferretdb: building FerretDB $VERSION (first run only, about a minute)..." >&2
export GOFLAGS="-mod=mod" CGO_ENABLED=0
WORK="$(mktemp -d)"
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT
# `go install module@version` builds a binary that panics at start because the module zip lacks
# build/version/version.txt (normally generated from git); build from the module source with that file added.
MODDIR="$(cd "$WORK" && go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')"
if [ -z "$MODDIR" ] || [ ! -d "$MODDIR" ]; then
  echo "ensure-ferretdb: could not download github.com/FerretDB/FerretDB@$VERSION from the Go module proxy" >&2
  exit 1
fi
cp -r "$MODDIR" "$WORK/src"
chmod -R u+w "$WORK/src"
echo "$VERSION" > "$WORK/src/build/version/version.txt"
echo "ferretdb-hub" > "$WORK/src/build/version/package.txt"
mkdir -p "$CACHE/bin"
(cd "$WORK/src" && go build -trimpath -o "$BIN.tmp" ./cmd/ferretdb)
mv "$BIN.tmp" "$BIN"
echo "ensure-ferretdb: built $BIN" >&2
echo "$BIN"
