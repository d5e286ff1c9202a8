#!/usr/bin/env bash
# Sets up a checkout of flowspec on a Debian machine: the Debian packages the
# tests talk to (only with --peers), the npm dependencies, and the compiled CLI.
# Idempotent: a second run does only what is missing or stale.
set -euo pipefail
cd "$(dirname "$0")/.."

want_peers=0
for arg in "$@"; do
  case "$arg" in
    --peers) want_peers=1 ;;
    *) echo "setup: unknown option $arg (known: --peers)" >&2; exit 2 ;;
  esac
done

if [[ $want_peers == 1 ]]; then
  # binary -> Debian package; the real peers of the test suites (DESIGN.md, "Real parts used in tests")
  declare -A pkg_of=(
    [sipp]=sip-tester [kamailio]=kamailio [kamcmd]=kamailio [tshark]=tshark [dumpcap]=tshark
    [chromium]=chromium [xvfb-run]=xvfb [ip]=iproute2 [tc]=iproute2
  )
  missing=()
  for bin in "${!pkg_of[@]}"; do
    command -v "$bin" >/dev/null 2>&1 || missing+=("${pkg_of[$bin]}")
  done
  if ((${#missing[@]})); then
    mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
    sudo=""
    if [[ $(id -u) != 0 ]]; then
      if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
        echo "setup: missing Debian packages ${missing[*]} and not root: install them with apt-get" >&2
        exit 1
      fi
    fi
    echo "setup: installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# npm dependencies. electron is optional: where its binary cannot be downloaded
# npm leaves it out and the editor runs in the browser (`npm run web`).
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [[ ! -f dist/generator/cli/main.js ]] || [[ ! -f dist/launcher/run-command.js ]] ||
  [[ ! -f dist/generator/cli/bundled/engine-worker.js ]] ||
  [[ -n "$(find api generator runtime launcher generated/roles bench test/interop -name '*.ts' -newer dist/generator/cli/main.js -print -quit 2>/dev/null)" ]]; then
  echo "setup: building the CLI"
  npm run build --silent
fi
