#!/usr/bin/env bash
# The README's test command: sets up everything the suites need, then runs
# unit and integration tests, end-to-end tests and interop tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --peers
npx vitest run "$@"
