#!/usr/bin/env bash
# `npm start`: the desktop editor. Where npm could not install Electron's
# binary (it is an optional dependency), says so in one line and opens the
# browser editor (`npm run web`) instead. Options pass on: --root DIR,
# and --flow PATH (desktop) or --port N (browser).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || echo "start: setup reported errors (above); continuing with what was built" >&2

electron_bin="$(node -e "try { process.stdout.write(require('electron')) } catch {}" 2>/dev/null || true)"
if [[ -n "$electron_bin" && -x "$electron_bin" ]]; then
  if [[ ! -f out/main/main.js ]] ||
    [[ -n "$(find renderer api electron generator electron.vite.config.ts -newer out/main/main.js -print -quit)" ]]; then
    NODE_ENV=production npx electron-vite build --logLevel warn
  fi
  exec "$electron_bin" out/main/main.js "$@"
fi
echo "flowspec: the Electron desktop binary is missing (npm could not download it); use the browser editor instead: npm run web (starting it now)"
exec bash scripts/web.sh "$@"
