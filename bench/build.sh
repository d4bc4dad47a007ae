#!/usr/bin/env bash
# Build benchmark: fieldbook on the synthetic handbook of ../shared/bench (N pages, seed 1).
# Reports median/min/max wall time over repeated runs (hyperfine), a no-change rebuild,
# and peak memory (GNU time). Usage: bench/build.sh [N ...]   (default: 1000 10000)
# Needs: python3, hyperfine (apt-get install hyperfine), GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
shared="${FIELDBOOK_SHARED:-../shared}"
runs="${RUNS:-10}"
cargo build --release --quiet
bin="$PWD/target/release/fieldbook"
out="$PWD/bench/out"
mkdir -p "$out"
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
for n in "${sizes[@]}"; do
  site="$out/corpus-$n"
  if [ ! -f "$site/site.toml" ]; then
    python3 "$shared/bench/fieldbook_corpus.py" --pages "$n" --seed 1 --out "$site" >/dev/null
    # The corpus has a content/process/ folder; move the generated process map aside.
    printf '\n[routes]\nprocess = "process-map"\n' >> "$site/site.toml"
  fi
  echo "== $n pages"
  # First builds: output and its buffer removed before every run.
  hyperfine --runs "$runs" --warmup 1 --export-json "$out/build-$n.json" \
    --prepare "rm -rf '$site/public' '$site/.public.fieldbook-prev'" \
    "FIELDBOOK_TODAY=2026-11-27 $bin --quiet --root '$site' build"
  # No-change rebuilds: the previous outputs are kept.
  hyperfine --runs "$runs" --warmup 2 --export-json "$out/rebuild-$n.json" \
    "FIELDBOOK_TODAY=2026-11-27 $bin --quiet --root '$site' build"
  rm -rf "$site/public" "$site/.public.fieldbook-prev"
  /usr/bin/time -f "peak memory: %M KB (first build, %e s)" "$bin" --quiet --root "$site" build
  /usr/bin/time -f "peak memory: %M KB (no-change rebuild, %e s)" "$bin" --quiet --root "$site" build
  FIELDBOOK_TODAY=2026-11-27 "$bin" --verbose --root "$site" build 2>&1 | tail -n 12
done
