#!/usr/bin/env bash
# `npm test`: the whole suite on a fresh clone. Set-up, static checks, unit and
# integration tests (real ffmpeg, real nginx-rtmp), build, then the UI end to end in
# Chromium against the headless host.
set -euo pipefail
cd "$(dirname "$0")/.."
export CUECAST_SKIP_ELECTRON=1
bash scripts/setup.sh
mkdir -p .tmp
echo "== typecheck"; npx tsc -p tsconfig.node.json && npx tsc -p tsconfig.web.json
echo "== lint"; npx eslint --max-warnings 0 src e2e bench scripts test
echo "== unit + integration"; npx vitest run --reporter=default --reporter=json --outputFile.json=.tmp/unit.json
echo "== build"; node scripts/build.mjs
echo "== end to end (Chromium)"; npx vitest run --config vitest.e2e.config.ts --reporter=default --reporter=json --outputFile.json=.tmp/e2e.json
node scripts/summarize.cjs .tmp/unit.json .tmp/e2e.json
