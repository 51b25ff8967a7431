#!/usr/bin/env bash
# Builds the mediasoup-worker binary of the npm package mediasoup@3.19.3 from source against the
# Debian libraries (OpenSSL, libuv, libsrtp2, usrsctp, abseil, flatbuffers), without downloading
# anything but the npm tarball and Debian packages, and caches it at
# .cache/mediasoup/3.19.3/mediasoup-worker. Prints the binary path on stdout (progress goes to stderr).
#
# Usage: scripts/build-mediasoup-worker.sh [--force]
#   --force   rebuild even if the cached binary exists
# If MEDIASOUP_WORKER_BIN points at an existing executable, that one is used and nothing is built.
set -euo pipefail

MEDIASOUP_VERSION=3.19.3
JOBS=2

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
CACHE_DIR="$REPO_ROOT/.cache/mediasoup/$MEDIASOUP_VERSION"
OUT_BIN="$CACHE_DIR/mediasoup-worker"
BUILD_ROOT="$REPO_ROOT/.cache/mediasoup/build"
# A copy per machine, shared by every clone (CI clones afresh on the same machine): a rebuild takes minutes.
MACHINE_BIN="${HUB_CACHE_DIR:-${XDG_CACHE_HOME:-${HOME:-$REPO_ROOT}/.cache}/dehua-live-hub}/mediasoup/$MEDIASOUP_VERSION/mediasoup-worker"

FORCE=0
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-mediasoup-worker: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

log() { echo "[build-mediasoup-worker] $*" >&2; }
die() { echo "[build-mediasoup-worker] ERROR: $*" >&2; exit 1; }

# The worker refuses to run unless started by mediasoup's Node library: without MEDIASOUP_VERSION it
# exits with code 41 right after loading. That makes a cheap "binary loads and runs" check.
worker_runs() {
  local bin="$1" rc=0
  [ -x "$bin" ] || return 1
  env -u MEDIASOUP_VERSION "$bin" >/dev/null 2>&1 </dev/null || rc=$?
  [ "$rc" = "41" ]
}

# --- 0. Already present? --------------------------------------------------------------------------
if [ -n "${MEDIASOUP_WORKER_BIN:-}" ]; then
  if [ -f "$MEDIASOUP_WORKER_BIN" ] && [ -x "$MEDIASOUP_WORKER_BIN" ]; then
    echo "$MEDIASOUP_WORKER_BIN"
    exit 0
  fi
  die "MEDIASOUP_WORKER_BIN=$MEDIASOUP_WORKER_BIN is not an executable file. Unset it to build the worker."
fi
if [ "$FORCE" = "0" ] && [ -x "$OUT_BIN" ]; then
  if worker_runs "$OUT_BIN"; then
    if [ ! -x "$MACHINE_BIN" ]; then
      mkdir -p "$(dirname "$MACHINE_BIN")" && cp "$OUT_BIN" "$MACHINE_BIN.tmp" && mv -f "$MACHINE_BIN.tmp" "$MACHINE_BIN"
    fi
    echo "$OUT_BIN"
    exit 0
  fi
  log "cached $OUT_BIN does not run (missing shared libraries?); rebuilding it"
fi

# Copies the machine's cached worker into this clone and stops, when there is one that runs.
use_machine_cache() {
  if [ "$FORCE" = "0" ] && worker_runs "$MACHINE_BIN"; then
    mkdir -p "$CACHE_DIR"
    cp "$MACHINE_BIN" "$OUT_BIN.tmp" && mv -f "$OUT_BIN.tmp" "$OUT_BIN"
    log "using the machine's cached worker $MACHINE_BIN"
    echo "$OUT_BIN"
    exit 0
  fi
}
use_machine_cache

# One build at a time on this machine, across clones (parallel builds of 225 C++ units on 2 cores starve each
# other): wait for the machine-level lock, then re-check both caches, which the other run may just have filled.
LOCK_FILE="$(dirname "$MACHINE_BIN")/.build.lock"
mkdir -p "$(dirname "$LOCK_FILE")"
exec 9>"$LOCK_FILE"
if ! flock -n 9; then
  log "another build-mediasoup-worker.sh run holds $LOCK_FILE; waiting for it to finish"
  flock 9
fi
if [ "$FORCE" = "0" ] && worker_runs "$OUT_BIN"; then
  echo "$OUT_BIN"
  exit 0
fi
use_machine_cache

START_TIME=$(date +%s)

# --- 1. Debian packages ---------------------------------------------------------------------------
as_root() {
  if [ "$(id -u)" = "0" ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $*  (re-run this script as root or install sudo)"
  fi
}
export DEBIAN_FRONTEND=noninteractive

PACKAGES=(ninja-build libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev libabsl-dev liburing-dev
  libflatbuffers-dev flatbuffers-compiler pkg-config g++ python3)
missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
    missing+=("$p")
  fi
done
APT_UPDATED=0
if [ ${#missing[@]} -gt 0 ]; then
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq >&2 || die "apt-get update failed; check network access to the Debian mirror"
  APT_UPDATED=1
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
    || die "apt-get install ${missing[*]} failed"
fi

# meson >= 1.1 (the worker's meson_version). Debian bookworm ships 1.0.1; bookworm-backports has newer.
meson_ok() {
  command -v meson >/dev/null 2>&1 || return 1
  local v
  v="$(meson --version 2>/dev/null)" || return 1
  dpkg --compare-versions "$v" ge 1.1.0
}

# Prints "URI<TAB>SIGNED_BY" of the first enabled "deb" source for suite $1 in the apt configuration.
find_debian_uri() {
  local suite="$1" f
  # One-line format: /etc/apt/sources.list and /etc/apt/sources.list.d/*.list
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      /^[[:space:]]*#/ { next }
      $1 == "deb" {
        i = 2; signed = ""
        if ($i ~ /^\[/) {
          while (i <= NF) {
            if ($i ~ /signed-by=/) { s = $i; sub(/.*signed-by=/, "", s); sub(/\].*/, "", s); signed = s }
            if ($i ~ /\]$/) { i++; break }
            i++
          }
        }
        if ($(i + 1) == suite) { print $i "\t" signed; exit }
      }' "$f"
  done
  # deb822 format: /etc/apt/sources.list.d/*.sources
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^|[[:space:]])deb([[:space:]]|$)/ && enabled != "no" && uris != "") {
          n = split(suites, s, /[[:space:]]+/)
          for (k = 1; k <= n; k++) if (s[k] == suite) { split(uris, u, /[[:space:]]+/); print u[1] "\t" signed; found = 1; exit }
        }
        types = ""; uris = ""; suites = ""; signed = ""; enabled = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      {
        line = $0; key = tolower(line); sub(/:.*/, "", key); val = line; sub(/^[^:]*:[[:space:]]*/, "", val)
        if (key == "types") types = val
        else if (key == "uris") uris = val
        else if (key == "suites") suites = val
        else if (key == "signed-by") signed = val
        else if (key == "enabled") enabled = tolower(val)
      }
      END { if (!found) flush() }' "$f"
  done
}

if ! meson_ok; then
  codename="$( . /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")"
  [ -n "$codename" ] || die "cannot read VERSION_CODENAME from /etc/os-release; install meson >= 1.1 by hand"
  [ "$APT_UPDATED" = "1" ] || { as_root apt-get update -qq >&2 || die "apt-get update failed"; APT_UPDATED=1; }
  candidate="$(apt-cache policy meson 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && dpkg --compare-versions "$candidate" ge 1.1.0; then
    log "installing meson $candidate"
    as_root apt-get install -y -qq --no-install-recommends meson >&2 || die "apt-get install meson failed"
  else
    backports="${codename}-backports"
    list=/etc/apt/sources.list.d/hub-backports.list
    if ! cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
        | grep -v '^[[:space:]]*#' | grep -qw -- "$backports"; then
      src="$(find_debian_uri "$codename" | head -n 1)"
      uri="${src%%$'\t'*}"
      signed="${src#*$'\t'}"
      [ -n "$uri" ] || die "no enabled 'deb' apt source for suite '$codename' found in /etc/apt/sources.list{,.d}; add $backports by hand and install meson >= 1.1 from it"
      opts=""
      [ -n "$signed" ] && [ -f "$signed" ] && opts="[signed-by=$signed] "
      log "adding apt source '$backports' ($uri) in $list"
      echo "deb ${opts}${uri} ${backports} main" | as_root tee "$list" >/dev/null
    fi
    log "installing meson from $backports"
    as_root apt-get update -qq >&2 || die "apt-get update failed after adding $backports (see $list)"
    as_root apt-get install -y -qq --no-install-recommends -t "$backports" meson >&2 \
      || die "apt-get install -t $backports meson failed (see $list)"
  fi
  meson_ok || die "meson >= 1.1 is still not available (have: $(meson --version 2>/dev/null || echo none))"
fi
log "using meson $(meson --version), ninja $(ninja --version), flatc $(flatc --version 2>/dev/null | awk '{print $NF}')"

# --- 2. Sources -----------------------------------------------------------------------------------
mkdir -p "$BUILD_ROOT" "$CACHE_DIR"
BUILD_DIR="$BUILD_ROOT/$MEDIASOUP_VERSION"
rm -rf "$BUILD_DIR"
mkdir -p "$BUILD_DIR"
log "fetching mediasoup@$MEDIASOUP_VERSION sources with npm pack into $BUILD_DIR"
tgz="$(cd "$BUILD_DIR" && npm pack "mediasoup@$MEDIASOUP_VERSION" --silent 2>/dev/null | tail -n 1)" \
  || die "npm pack mediasoup@$MEDIASOUP_VERSION failed; check access to the npm registry"
[ -f "$BUILD_DIR/$tgz" ] || die "npm pack did not produce a tarball (got '$tgz')"
tar -xzf "$BUILD_DIR/$tgz" -C "$BUILD_DIR"
rm -f "$BUILD_DIR/$tgz"
WORKER="$BUILD_DIR/package/worker"
[ -f "$WORKER/meson.build" ] || die "$WORKER/meson.build not found in the npm tarball"

# --- 3. Patch: DTLS BIO callback ------------------------------------------------------------------
# The callback tests `operationType == BIO_CB_RETURN`, never true (the value is BIO_CB_RETURN|op), so it
# returns 1 for every post-operation call. With Debian's KTLS-enabled OpenSSL, BIO_get_ktls_send() then
# reports true on the memory BIO, OpenSSL never allocates its write buffer and the worker crashes
# (SIGSEGV in do_dtls1_write) on the first DTLS ServerHello. Test the bit instead.
dtls="$WORKER/src/RTC/DtlsTransport.cpp"
old='(operationType == BIO_CB_RETURN)'
new='((operationType \& BIO_CB_RETURN) != 0)'
count="$(grep -cF "$old" "$dtls" || true)"
[ "$count" = "1" ] || die "DTLS BIO callback patch does not apply: expected 1 occurrence of '$old' in $dtls, found $count. Check the callback by hand (it must test 'operationType & BIO_CB_RETURN') and update this script."
sed -i "s/(operationType == BIO_CB_RETURN)/$new/" "$dtls"
grep -qF '((operationType & BIO_CB_RETURN) != 0)' "$dtls" || die "DTLS BIO callback patch failed to apply to $dtls"
log "patched DtlsTransport.cpp BIO callback (BIO_CB_RETURN bit test)"

# --- 4. Shim subprojects over the Debian libraries ------------------------------------------------
SUBPROJECTS="$WORKER/subprojects"
wrap_dir() {
  local wrap="$SUBPROJECTS/$1.wrap" d
  [ -f "$wrap" ] || die "$wrap not found; mediasoup's subprojects changed, update this script"
  d="$(awk -F '=' '$1 ~ /^[[:space:]]*directory[[:space:]]*$/ { gsub(/[[:space:]]/, "", $2); print $2; exit }' "$wrap")"
  [ -n "$d" ] || die "no 'directory =' in $wrap"
  echo "$SUBPROJECTS/$d"
}
# write_shim NAME MESON_BUILD_BODY [MESON_OPTIONS]
write_shim() {
  local name="$1" body="$2" options="${3:-}" dir
  dir="$(wrap_dir "$name")"
  [ ! -e "$dir" ] || die "$dir already exists in the tarball; this script expects only .wrap files there"
  mkdir -p "$dir"
  printf 'int ms_debian_shim_%s(void) { return 0; }\n' "${name//-/_}" >"$dir/shim.c"
  {
    echo "# Generated by scripts/build-mediasoup-worker.sh: uses the Debian package instead of the wrap."
    echo "project('$name', ['c', 'cpp'])"
    echo "$body"
  } >"$dir/meson.build"
  [ -z "$options" ] || echo "$options" >"$dir/meson_options.txt"
}
sysdep() { echo "dependency('$1', allow_fallback: false, method: 'pkg-config')"; }

log "writing shim subprojects over the Debian libraries"
write_shim openssl "
libssl_dep = $(sysdep libssl)
libcrypto_dep = $(sysdep libcrypto)
openssl_dep = declare_dependency(dependencies: [libssl_dep, libcrypto_dep])
libssl_lib = static_library('ssl_shim', 'shim.c')
libcrypto_lib = static_library('crypto_shim', 'shim.c')"

write_shim libuv "
libuv_dep = $(sysdep libuv)
libuv = static_library('uv_shim', 'shim.c')" \
"option('build_tests', type: 'boolean', value: false)
option('build_benchmarks', type: 'boolean', value: false)"

write_shim usrsctp "
usrsctp_dep = $(sysdep usrsctp)
usrsctp = static_library('usrsctp_shim', 'shim.c')" \
"option('sctp_build_programs', type: 'boolean', value: false)"

write_shim abseil-cpp "
absl_container_dep = declare_dependency(dependencies: [
  $(sysdep absl_flat_hash_map), $(sysdep absl_flat_hash_set),
  $(sysdep absl_btree), $(sysdep absl_inlined_vector)])
absl_strings_dep = $(sysdep absl_strings)
absl_types_dep = declare_dependency(dependencies: [$(sysdep absl_optional)])
absl_container_lib = static_library('absl_container_shim', 'shim.c')"

write_shim flatbuffers "
flatbuffers_dep = $(sysdep flatbuffers)
flatbuffers_lib = static_library('flatbuffers_shim', 'shim.c')
# flatc: the worker's find_program('flatc') finds Debian's /usr/bin/flatc."

write_shim catch2 "
# Only the worker's unit tests use Catch2; they are not built here.
catch2_dep = declare_dependency()
catch2_with_main_dep = declare_dependency()"

write_shim liburing "
error('liburing shim: Debian liburing 2.3 lacks APIs the worker needs; configure with -Dms_disable_liburing=true')"

# libsrtp3 (mediasoup's libsrtp fork) over Debian's libsrtp2: a compatibility header as <srtp.h>.
srtp_dir="$(wrap_dir libsrtp3)"
write_shim libsrtp3 "
libsrtp3_dep = declare_dependency(
  include_directories: include_directories('include'),
  dependencies: [$(sysdep libsrtp2)])
libsrtp3 = static_library('srtp3_shim', 'shim.c')" \
"option('crypto-library', type: 'string', value: 'openssl')
option('crypto-library-kdf', type: 'string', value: 'disabled')
option('tests', type: 'string', value: 'disabled')"
mkdir -p "$srtp_dir/include/srtp3"
cat >"$srtp_dir/include/srtp.h" <<'EOF'
/*
 * Generated by scripts/build-mediasoup-worker.sh.
 * libsrtp 3 API (as used by mediasoup-worker) on top of Debian's libsrtp 2:
 * - srtp_protect/srtp_unprotect (and the RTCP variants) take separate input and output buffers
 *   with size_t lengths (libsrtp 2 works in place with int lengths);
 * - srtp_stream_remove() replaces srtp_remove_stream();
 * - two new error codes.
 */
#ifndef MS_SRTP3_COMPAT_H
#define MS_SRTP3_COMPAT_H

#include <srtp2/srtp.h>

#ifdef __cplusplus
#include <climits>
#include <cstddef>
#include <cstdint>
#include <cstring>

inline constexpr srtp_err_status_t srtp_err_status_buffer_small = static_cast<srtp_err_status_t>(28);
inline constexpr srtp_err_status_t srtp_err_status_cryptex_err  = static_cast<srtp_err_status_t>(29);

namespace ms_srtp3_compat
{
	using srtp2_fn = srtp_err_status_t (*)(srtp_t, void*, int*);

	inline srtp_err_status_t run(
	  srtp2_fn fn, srtp_t ctx, const uint8_t* in, size_t inLen, uint8_t* out, size_t* outLen, size_t extra)
	{
		if (!in || !out || !outLen || inLen > static_cast<size_t>(INT_MAX) - extra)
			return srtp_err_status_bad_param;
		if (*outLen < inLen + extra)
			return srtp_err_status_buffer_small;
		if (out != in)
			std::memmove(out, in, inLen);

		int len                     = static_cast<int>(inLen);
		const srtp_err_status_t err = fn(ctx, out, &len);

		if (err == srtp_err_status_ok)
			*outLen = static_cast<size_t>(len);

		return err;
	}
} // namespace ms_srtp3_compat

inline srtp_err_status_t srtp_protect(
  srtp_t ctx, const uint8_t* rtp, size_t rtpLen, uint8_t* srtp, size_t* srtpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	return ms_srtp3_compat::run(
	  static_cast<ms_srtp3_compat::srtp2_fn>(&::srtp_protect), ctx, rtp, rtpLen, srtp, srtpLen, SRTP_MAX_TRAILER_LEN);
}

inline srtp_err_status_t srtp_unprotect(
  srtp_t ctx, const uint8_t* srtp, size_t srtpLen, uint8_t* rtp, size_t* rtpLen)
{
	return ms_srtp3_compat::run(
	  static_cast<ms_srtp3_compat::srtp2_fn>(&::srtp_unprotect), ctx, srtp, srtpLen, rtp, rtpLen, 0);
}

inline srtp_err_status_t srtp_protect_rtcp(
  srtp_t ctx, const uint8_t* rtcp, size_t rtcpLen, uint8_t* srtcp, size_t* srtcpLen, size_t mkiIndex)
{
	if (mkiIndex != 0)
		return srtp_err_status_bad_mki;
	// libsrtp 2 may append SRTP_MAX_TRAILER_LEN + 4 bytes (E flag + SRTCP index) to RTCP.
	return ms_srtp3_compat::run(
	  static_cast<ms_srtp3_compat::srtp2_fn>(&::srtp_protect_rtcp),
	  ctx,
	  rtcp,
	  rtcpLen,
	  srtcp,
	  srtcpLen,
	  SRTP_MAX_TRAILER_LEN + 4);
}

inline srtp_err_status_t srtp_unprotect_rtcp(
  srtp_t ctx, const uint8_t* srtcp, size_t srtcpLen, uint8_t* rtcp, size_t* rtcpLen)
{
	return ms_srtp3_compat::run(
	  static_cast<ms_srtp3_compat::srtp2_fn>(&::srtp_unprotect_rtcp), ctx, srtcp, srtcpLen, rtcp, rtcpLen, 0);
}

inline srtp_err_status_t srtp_stream_remove(srtp_t session, uint32_t ssrc)
{
	return srtp_remove_stream(session, ssrc);
}
#endif /* __cplusplus */

#endif /* MS_SRTP3_COMPAT_H */
EOF
printf '#include "../srtp.h"\n' >"$srtp_dir/include/srtp3/srtp.h"

# --- 5. Configure and build -----------------------------------------------------------------------
OUT="$BUILD_DIR/out"
log "meson setup (release, offline: --wrap-mode=nodownload, liburing disabled)"
meson setup "$OUT" "$WORKER" \
  --buildtype=release -Db_ndebug=true \
  --wrap-mode=nodownload \
  -Dms_disable_liburing=true >"$BUILD_DIR/meson-setup.log" 2>&1 \
  || { tail -n 40 "$BUILD_DIR/meson-setup.log" >&2; die "meson setup failed; full log: $BUILD_DIR/meson-setup.log"; }

log "generating FlatBuffers C++ headers (flatbuffers-generator)"
meson compile -C "$OUT" -j "$JOBS" flatbuffers-generator >"$BUILD_DIR/build.log" 2>&1 \
  || { tail -n 40 "$BUILD_DIR/build.log" >&2; die "flatbuffers-generator failed; full log: $BUILD_DIR/build.log"; }

log "compiling mediasoup-worker with $JOBS jobs (takes ~6 minutes on 2 cores; log: $BUILD_DIR/build.log)"
( meson compile -C "$OUT" -j "$JOBS" mediasoup-worker >>"$BUILD_DIR/build.log" 2>&1 ) &
build_pid=$!
while kill -0 "$build_pid" 2>/dev/null; do
  sleep 30
  kill -0 "$build_pid" 2>/dev/null || break
  progress="$(grep -o '^\[[0-9]*/[0-9]*\]' "$BUILD_DIR/build.log" | tail -n 1 || true)"
  log "  still compiling... ${progress:-starting} ($(( $(date +%s) - START_TIME ))s elapsed)"
done
wait "$build_pid" || { grep -B2 -A20 -m1 'error' "$BUILD_DIR/build.log" >&2 || tail -n 40 "$BUILD_DIR/build.log" >&2
  die "compiling mediasoup-worker failed; full log: $BUILD_DIR/build.log (build dir kept for inspection)"; }

[ -x "$OUT/mediasoup-worker" ] || die "build finished but $OUT/mediasoup-worker is missing"
worker_runs "$OUT/mediasoup-worker" || die "the built $OUT/mediasoup-worker does not start (expected exit code 41 without MEDIASOUP_VERSION)"

# --- 6. Cache -------------------------------------------------------------------------------------
cp "$OUT/mediasoup-worker" "$OUT_BIN.tmp"
mv -f "$OUT_BIN.tmp" "$OUT_BIN"
# Also keep it for other clones on this machine (a fresh CI clone then skips the ~7 min build).
mkdir -p "$(dirname "$MACHINE_BIN")" && cp "$OUT_BIN" "$MACHINE_BIN.tmp" && mv -f "$MACHINE_BIN.tmp" "$MACHINE_BIN"
rm -rf "$BUILD_DIR"
rmdir "$BUILD_ROOT" 2>/dev/null || true
log "built $OUT_BIN in $(( $(date +%s) - START_TIME ))s"
echo "$OUT_BIN"
