#!/usr/bin/env bash
# Installs what Cuecast needs on a Debian/Ubuntu machine: the system packages (ffmpeg
# for capture and encoding; nginx + RTMP module and srt-tools as real ingest peers for
# tests; GStreamer's RTSP server (through python3-gi) as an IP camera for tests;
# Chromium for the UI tests; DejaVu fonts for slates, test patterns and on-air
# text, WenQuanYi Micro Hei (1.6 MB) for Chinese buyer names and titles) and the
# npm packages. Idempotent: it does only what is missing.
#   CUECAST_SKIP_ELECTRON=1  never try to fetch the Electron binary (CI does this).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(ffmpeg nginx libnginx-mod-rtmp srt-tools chromium fonts-dejavu-core fonts-wqy-microhei
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly)
missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "${#missing[@]}" -gt 0 ]; then
  echo "cuecast setup: installing system packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: reinstall only when package-lock.json changed since the last install.
stamp=node_modules/.cuecast-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "cuecast setup: installing npm packages"
  # The Electron binary is fetched separately below, so that a machine that cannot
  # download it still gets every other package.
  if ! ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error; then
    # A lock file can name platform packages a registry mirror lacks; install from
    # package.json then, rather than leave the machine without packages.
    echo "cuecast setup: npm ci failed; falling back to npm install"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --no-audit --no-fund --loglevel=error
  fi
  cp package-lock.json "$stamp"
fi

if [ "${CUECAST_SKIP_ELECTRON:-}" != "1" ] && [ "${CI:-}" != "true" ] && ! node scripts/hasElectron.cjs 2>/dev/null; then
  echo "cuecast setup: fetching the Electron binary (optional)"
  if ! timeout 180 node node_modules/electron/install.js >/dev/null 2>&1; then
    echo "cuecast setup: the Electron binary could not be downloaded here; the studio will run as the headless host in your browser."
  fi
fi
