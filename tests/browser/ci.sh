#!/usr/bin/env bash
# Browser part of CI (called by .ci/run with the nginx copy of the handbook as $1): installs
# Debian's chromium and nginx (node and npm only when missing), runs `npm ci` and the suite
# over http, file:// and nginx under /handbook/, then the live-reload test of `serve`.
# Exits non-zero when either fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
handbook="$1"
step() { printf '\n=== %s (%ss)\n' "$*" "$SECONDS"; }
step "browser test tools"
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  # Packages must not start services (nginx would take port 80): deny it for this install only.
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  apt-get update -q
  apt-get install -y -q "${need[@]}" < /dev/null
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi
command -v npm >/dev/null 2>&1 || { echo "npm is missing" >&2; exit 1; }
echo "chromium: $(chromium --version 2>/dev/null || echo '?')"
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
echo "nginx: $("$nginx_bin" -v 2>&1)"
echo "node: $(node --version), npm: $(npm --version)"
(cd tests/browser && npm ci --no-audit --no-fund)

step "browser tests (http, file://, nginx under /handbook/)"
# The hostile-content test builds its fixture with the release binary built by .ci/run.
export FIELDBOOK_BIN="$PWD/target/release/fieldbook"
# Both parts run even when the first fails, so one CI run reports everything; either failing
# fails the script.
status=0
tests/browser/nginx.sh "$handbook" node tests/browser/run.mjs || status=1

step "live reload under fieldbook serve (node --test)"
cargo build --quiet
(cd tests/browser && node --test live_reload.node.mjs) || status=1
if [ "$status" != 0 ]; then echo "browser tests: FAILED (see above)"; fi
exit "$status"
