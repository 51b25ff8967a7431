#!/usr/bin/env bash
# Builds FerretDB 1.24.2 (the MongoDB-wire server used for local runs and tests) once per machine, into
# $HUB_CACHE_DIR (default ~/.cache/dehua-live-hub, shared by every clone). Prints the binary's path.
# The build carries scripts/ferretdb/*.patch (the SQLite backend using its indexes, see README); the
# binary's name holds a hash of those patches, so a changed patch rebuilds. `--unpatched` builds and
# prints the plain v1.24.2 binary instead (the differential test compares the two).
# Needs Go (PATH or /usr/local/go/bin) and the Go module proxy.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="v1.24.2"
CACHE="${HUB_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-$ROOT}/.cache}/dehua-live-hub}"
PATCHES=()
if [ "${1:-}" != "--unpatched" ]; then
  shopt -s nullglob
  PATCHES=("$ROOT"/scripts/ferretdb/*.patch)
fi
if [ ${#PATCHES[@]} -gt 0 ]; then
  HASH="$(cat "${PATCHES[@]}" | sha256sum | cut -c1-12)"
  BIN="$CACHE/bin/ferretdb-$VERSION-hub-$HASH"
else
  BIN="$CACHE/bin/ferretdb-$VERSION"
fi

if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi

export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "ensure-ferretdb: Go is needed to build FerretDB; install Go 1.22+ (or set MONGODB_URI to an existing MongoDB)" >&2
  exit 1
fi
echo "ensure-ferretdb: building FerretDB $VERSION${PATCHES:+ with ${#PATCHES[@]} patch(es)} (first run only, about a minute)..." >&2
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
for p in "${PATCHES[@]}"; do
  # --fuzz=0: a patch that no longer applies exactly stops the build rather than landing half-way.
  if command -v patch >/dev/null 2>&1; then
    applied() { (cd "$WORK/src" && patch -p1 --forward --batch --fuzz=0 --no-backup-if-mismatch <"$p" >&2); }
  else
    applied() { (cd "$WORK/src" && GIT_CEILING_DIRECTORIES="$WORK" git apply -p1 --verbose "$p" >&2); }
  fi
  if ! applied; then
    echo "ensure-ferretdb: $p does not apply to FerretDB $VERSION; update the patch (see README)" >&2
    exit 1
  fi
done
echo "$VERSION" > "$WORK/src/build/version/version.txt"
echo "ferretdb-hub${PATCHES:+-$HASH}" > "$WORK/src/build/version/package.txt"
mkdir -p "$CACHE/bin"
(cd "$WORK/src" && go build -trimpath -o "$BIN.tmp.$$" ./cmd/ferretdb)
mv "$BIN.tmp.$$" "$BIN"
echo "ensure-ferretdb: built $BIN" >&2
echo "$BIN"
