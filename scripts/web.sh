#!/usr/bin/env bash
# `npm run web`: the editor in the browser. Builds what is stale, with all
# build output on stderr so the server's URL is the first line of stdout,
# then serves on 127.0.0.1. Options: --port N (0 picks a free port), --root DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
# tsc emits even when some module of the checkout does not typecheck; the
# server needs only generator/ and api/, so a type error elsewhere is reported, not fatal.
bash scripts/setup.sh >&2 || echo "web: setup reported errors (above); serving what was built" >&2
if [[ ! -f dist/generator/api/web-server.js ]]; then
  echo "web: dist/generator/api/web-server.js is missing: run npm run setup and fix its errors" >&2
  exit 1
fi
if [[ ! -f out/web/index.html ]] ||
  [[ -n "$(find renderer api vite.config.ts -newer out/web/index.html -print -quit)" ]]; then
  echo "web: building the renderer" >&2
  NODE_ENV=production npx vite build --logLevel warn >&2
fi
exec node dist/generator/api/web-server.js "$@"
