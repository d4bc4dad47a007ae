#!/usr/bin/env bash
# Search benchmark (issue #4): builds the synthetic handbook of ../shared/bench (2,000 pages,
# seed 1, and 20,000 for the growth figure) and the starter handbook, serves each from
# 127.0.0.1 with ../shared/bench/count_server.py (no compression; it counts the bytes it
# sends), and runs the known-item queries of ../shared/bench/known_item.py in headless Chromium
# with a fresh browser context per query (bench/search.mjs). Prints every figure of the issue:
# first-query bytes and requests, later-query bytes, cold and warm times, MRR@5, what the index
# adds to a build (CPU and wall, against the same site with search turned off), and the 20k/2k
# growth of first-query bytes.
#
#   bench/search.sh                 # everything (the 20k build takes a few minutes)
#   SIZES=2000 bench/search.sh      # without the 20,000-page corpus
#   COLD=40 RUNS=3 bench/search.sh  # fewer fresh-context queries / timed builds (default 100 / 5 each)
#   FIELDBOOK_BIN=/tmp/fb bench/search.sh  # measure that binary instead of building target/release
#
# Needs: cargo, python3, node 18+, GNU time (/usr/bin/time), Debian's chromium, and `npm ci` in tests/browser
# (playwright-core). Heavy steps run under `nice -n 19`. Output: bench/out/search-*.json.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${FIELDBOOK_SHARED:-../shared}"
sizes="${SIZES:-2000 20000}"
cold="${COLD:-100}"
runs="${RUNS:-5}"
today=2026-11-27
out="$PWD/bench/out"
mkdir -p "$out"
[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund)
# FIELDBOOK_BIN: measure that binary (e.g. a copy, while target/ is rebuilt) instead of building one.
if [ -n "${FIELDBOOK_BIN:-}" ]; then
  bin="$(realpath "$FIELDBOOK_BIN")"
else
  nice -n 19 cargo build --release --quiet
  bin="$PWD/target/release/fieldbook"
fi

servers=()
cleanup() { for pid in "${servers[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# What the index adds to a build: $runs first builds of two copies of the site, one as it is
# and one with `[search] enabled = false`, alternated; medians of CPU (user+sys) and wall
# seconds, and the search stage's own wall time (`--verbose`). Prints
# "cpu_with cpu_without wall_with wall_without stage".
# Both copies (content/ and site.toml) live in a temporary folder outside any Git repository,
# so neither reads a Git history the other does not. Outputs are moved aside between runs and
# deleted at the end: see bench/build.sh on deleting thousands of files right before a build.
build_cost() {
  local root="$1" output="$2"
  local tmp
  tmp=$(mktemp -d)
  local on="$tmp/with" off="$tmp/without" trash="$tmp/trash"
  mkdir -p "$on" "$off" "$trash"
  cp -r "$root/content" "$on/content"
  cp "$root/site.toml" "$on/site.toml"
  cp -r "$root/content" "$off/content"
  python3 - "$root/site.toml" "$off/site.toml" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
if re.search(r"^\[search\]\s*$", text, re.M):
    text = re.sub(r"^\[search\]\s*$", "[search]\nenabled = false", text, count=1, flags=re.M)
else:
    text += "\n[search]\nenabled = false\n"
open(sys.argv[2], "w").write(text)
PY
  for _ in $(seq "$runs"); do
    for variant in with without; do
      local r="$on"
      [ "$variant" = without ] && r="$off"
      mv "$r/public" "$(mktemp -d -p "$trash")" 2>/dev/null || true
      FIELDBOOK_TODAY=$today /usr/bin/time -f "time %U %S %e" nice -n 19 "$bin" --verbose --root "$r" build 2>&1 |
        awk -v v="$variant" '$1 == "search" { s = $2 } /^built / { ok = 1 } $1 == "time" { t = sprintf("%s %.3f %.3f %s", v, $2 + $3, $4, (s == "" ? 0 : s)) }
          END { if (!ok) { print "build failed (" v " search)" > "/dev/stderr"; exit 1 } print t }'
    done
  done | python3 -c '
import sys, statistics as st
rows = [l.split() for l in sys.stdin]
med = lambda v, i: st.median(float(r[i]) for r in rows if r[0] == v)
print(med("with", 1), med("without", 1), med("with", 2), med("without", 2), med("with", 3))'
  rm -rf "$tmp"
}

# bench NAME SITE_ROOT OUTPUT CONTENT QUERIES: serve, measure, print.
bench() {
  local name="$1" root="$2" site="$3" content="$4" queries="$5" cost="${6:-}"
  local port pid
  if [ -n "$cost" ]; then
    cost=$(build_cost "$root" "$site")
  else
    cost="0 0 0 0 0"
  fi
  FIELDBOOK_TODAY=$today nice -n 19 "$bin" --quiet --root "$root" build --output "$site"
  port=$(free_port)
  nice -n 19 python3 "$shared/bench/count_server.py" "$site" "$port" & pid=$!
  servers+=("$pid")
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/__stats" && break; sleep 0.1; done
  nice -n 19 node bench/search.mjs --site "$site" --content "$content" --queries "$queries" \
    --port "$port" --cold "$cold" --label "$name" > "$out/search-$name.json"
  kill "$pid"
  python3 - "$out/search-$name.json" "$cost" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))
cpu_with, cpu_without, wall_with, wall_without, stage = map(float, sys.argv[2].split())
f, l, c, w, m = r["firstQuery"], r["laterQuery"], r["coldMs"], r["warmMs"], r["mrr5"]
kb = lambda b: f"{b / 1000:.1f} KB"
print(f"== {r['label']}: {r['queries']} known-item queries, {r['coldRuns']} in fresh contexts"
      + (f" ({r['leftOut']} left out: the machine stalled)" if r.get("leftOut") else ""))
print(f"first query (dialog, search UI included): {kb(f['bytesP50'])} p50 / {kb(f['bytesP90'])} p90, "
      f"{f['requestsP50']:g} requests p50 / {f['requestsP90']:g} p90   [target <= 30 KB, <= 6]")
print(f"  files per first query: " + ", ".join(f"{k} {v}" for k, v in f["filesPerQuery"].items()))
print(f"later query: {kb(l['bytesP50'])} p50 / {kb(l['bytesP90'])} p90, {l['requestsP50']:g} requests   [target <= 12 KB]")
print(f"cold first query: fieldbook.search {c['apiP50']} ms p50 / {c['apiP95']} ms p95; dialog {c['uiP50']} ms p50 / "
      f"{c['uiP95']} ms p95; file:// {c['fileP50']} ms p50   [target <= 60 ms]")
print(f"warm query (the same query again): {w['repeatP50']} ms p50 / {w['repeatP95']} ms p95   [target p95 <= 20 ms]")
s = r["sameContextMs"]
print(f"  (each query of the set once in one context, new words still loading: {s['p50']} ms p50 / {s['p95']} ms p95)")
for v in ("exact", "typo", "prefix"):
    print(f"MRR@5 {v}: {m[v]['title']} (identical titles count as the page; strict {m[v]['strict']})")
print(f"  strict ceiling with identical titles ranked at random: {m['strictCeiling']}   [target 0.97 / 0.90 / 0.95]")
if cpu_without:
    print(f"index build adds {(cpu_with / cpu_without - 1) * 100:.1f}% CPU ({cpu_with:.2f} s against {cpu_without:.2f} s "
          f"without search) and {(wall_with / wall_without - 1) * 100:.1f}% wall time ({wall_with:.2f} s against "
          f"{wall_without:.2f} s; search stage {stage:.2f} s); first builds, medians   [target <= 15%]")
EOF
}

for n in $sizes; do
  root="$out/corpus-$n"
  if [ ! -f "$root/site.toml" ]; then
    nice -n 19 python3 "$shared/bench/fieldbook_corpus.py" --pages "$n" --seed 1 --out "$root" >/dev/null
    # The corpus has a content/process/ folder; move the generated process map aside.
    printf '\n[routes]\nprocess = "process-map"\n' >> "$root/site.toml"
  fi
  [ -f "$out/queries-$n.json" ] || python3 "$shared/bench/known_item.py" "$root/content" 500 1 > "$out/queries-$n.json"
  # The build cost is measured at 2,000 pages (and on the handbook), not at 20,000.
  bench "corpus-$n" "$root" "$out/site-$n" "$root/content" "$out/queries-$n.json" "$([ "$n" -le 2000 ] && echo cost)"
done
python3 "$shared/bench/known_item.py" content 500 1 > "$out/queries-handbook.json"
bench handbook . "$out/site-handbook" content "$out/queries-handbook.json" cost

if [ -f "$out/search-corpus-2000.json" ] && [ -f "$out/search-corpus-20000.json" ]; then
  python3 - "$out/search-corpus-2000.json" "$out/search-corpus-20000.json" <<'EOF'
import json, sys
a, b = (json.load(open(p))["firstQuery"]["bytesP50"] for p in sys.argv[1:])
print(f"== growth: first-query bytes at 20,000 pages / 2,000 pages = {b / a:.2f}x   [target <= 1.5x]")
EOF
fi
echo "(timings on a shared machine: medians of repeated runs; JSON in bench/out/search-*.json)"
