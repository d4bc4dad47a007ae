#!/usr/bin/env bash
# Serves a built handbook with nginx under http://127.0.0.1:PORT/handbook/ while COMMAND runs,
# with FIELDBOOK_NGINX_URL and FIELDBOOK_NGINX_SITE exported for the browser tests, then stops
# nginx (by its pid file) and removes its temp folder. Exit status: COMMAND's.
#
#   tests/browser/nginx.sh SITE_DIR COMMAND [ARGS...]
#   e.g. tests/browser/nginx.sh /tmp/site-handbook node tests/browser/run.mjs
set -euo pipefail
if [ $# -lt 2 ]; then echo "usage: $0 SITE_DIR COMMAND [ARGS...]" >&2; exit 2; fi
here=$(cd "$(dirname "$0")" && pwd)
site=$(cd "$1" && pwd)
shift
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "nginx.sh: nginx is not installed (apt-get install nginx)" >&2; exit 2; }
[ -f "$site/index.html" ] || { echo "nginx.sh: no index.html in $site" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fieldbook-nginx.XXXXXX")
ctl() { "$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" "$@"; }
pid=""
stop() {
  if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap stop EXIT
# Workers run as root when we are root, so a build in a private folder stays readable.
user=""; [ "$(id -u)" = 0 ] && user="user root root;"
for attempt in 1 2 3; do
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  sed -e "s|@TMP@|$tmp|g" -e "s|@PORT@|$port|g" -e "s|@SITE@|$site|g" -e "s|@USER@|$user|g" "$here/nginx.conf" > "$tmp/nginx.conf"
  ctl -t -q
  # In the foreground of a background job, so this script knows its pid and ends it itself.
  "$nginx" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/error.log" -g "daemon off;" &
  pid=$!
  for _ in $(seq 50); do
    if ! kill -0 "$pid" 2>/dev/null; then break; fi
    if [ -s "$tmp/nginx.pid" ]; then break; fi
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then break; fi
  wait "$pid" 2>/dev/null || true
  pid=""
  echo "nginx.sh: nginx did not start on port $port (attempt $attempt):" >&2
  tail -5 "$tmp/error.log" >&2 || true
done
[ -n "$pid" ] || exit 2
url="http://127.0.0.1:$port/handbook/"
node -e '
  const url = process.argv[1]; let n = 0;
  (async function poll() {
    try { const r = await fetch(url); if (r.status === 200) return; throw new Error("HTTP " + r.status); }
    catch (e) { if (++n > 50) { console.error("nginx.sh: " + url + " not answering: " + e.message); process.exit(1); } setTimeout(poll, 100); }
  })();' "$url"
echo "nginx.sh: nginx $("$nginx" -v 2>&1 | sed 's/.*nginx\///') serving $site at $url"
export FIELDBOOK_NGINX_URL="$url" FIELDBOOK_NGINX_SITE="$site"
"$@"
