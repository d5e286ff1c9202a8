#!/usr/bin/env bash
# The README's test command: sets up everything the suites need, then runs
# unit and integration tests, end-to-end tests and interop tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --peers
npx vitest run "$@"
# End-to-end: the editor in the browser mode, driven in Debian's Chromium (test/e2e).
npx vitest run --config vitest.e2e.config.ts
# Interop: Kamailio, SIPp, dumpcap and network namespaces (test/interop, docs/interop.md).
npx vitest run --config vitest.interop.config.ts
