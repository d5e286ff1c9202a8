#!/usr/bin/env bash
# Type-checks the two projects: Node code (generator, runtime, electron, tests)
# and web code (the renderer: DOM lib, no Node types).
set -euo pipefail
cd "$(dirname "$0")/.."
npx tsc -p tsconfig.node.json --noEmit
if compgen -G "renderer/**/*.ts*" >/dev/null || compgen -G "renderer/*.ts*" >/dev/null; then
  npx tsc -p tsconfig.web.json --noEmit
fi
