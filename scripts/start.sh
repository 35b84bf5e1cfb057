#!/usr/bin/env bash
# `npm start`: set up what is missing, build, then open the Electron studio, or the
# headless host (control room in the browser) where no Electron binary exists.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
node scripts/build.mjs
if node scripts/hasElectron.cjs; then
  exec npx electron .
fi
echo
echo "No Electron binary on this machine: starting the headless host instead."
echo "Open the control room URL below in a browser (Chromium/Chrome/Firefox)."
echo
exec node dist/host.mjs serve "$@"
