#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: Chromium for browser tests,
# CJK fonts so screenshots show Chinese, redis-server when the machine has none, the sqlite3 CLI,
# FFmpeg (ffmpeg/ffprobe) for live recording, HLS and RTMP ingest.
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3) # query plans of FerretDB's SQL (test/store)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != "0" ]; then
    echo "Missing Debian packages: ${need[*]}. Install them with: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  echo "Installing Debian packages: ${need[*]}..." >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq "${need[@]}" >&2
fi
