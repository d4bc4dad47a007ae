#!/usr/bin/env bash
# Build benchmark: fieldbook on the synthetic handbook of ../shared/bench (N pages, seed 1).
# Reports median/min/max wall time over repeated runs (hyperfine), with and without the search
# index, a no-change rebuild,
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
source bench/lib.sh
settle_trash
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
for n in "${sizes[@]}"; do
  site="$out/corpus-$n"
  if [ ! -f "$site/site.toml" ]; then
    python3 "$shared/bench/fieldbook_corpus.py" --pages "$n" --seed 1 --out "$site" >/dev/null
    # The corpus has a content/process/ folder; move the generated process map aside.
    printf '\n[routes]\nprocess = "process-map"\n' >> "$site/site.toml"
  fi
  # The same site with `[search] enabled = false`: the core's figure ("search index excluded").
  nosearch="$out/corpus-$n-nosearch"
  if [ ! -f "$nosearch/site.toml" ]; then
    rm -rf "$nosearch"
    mkdir -p "$nosearch"
    cp -r "$site/content" "$nosearch/content"
    { cat "$site/site.toml"; printf '\n[search]\nenabled = false\n'; } > "$nosearch/site.toml"
  fi
  echo "== $n pages"
  # First builds: the output and its buffer are moved out of the way before every run, into
  # the trash folder, deleted only when every size is done (see bench/lib.sh).
  # Every first build starts with `sync`: otherwise the kernel is still writing back the ~400 MB
  # of the run before while this one runs, and its figures swing by a second on this disk.
  trash="$trash_root/$n"
  mkdir -p "$trash"
  hyperfine --runs "$runs" --warmup 1 --export-json "$out/build-$n.json" \
    --prepare "d=\$(mktemp -d -p '$trash'); mv '$site/public' '$site/.public.fieldbook-prev' \"\$d\" 2>/dev/null; sync" \
    "FIELDBOOK_TODAY=2026-11-27 $bin --quiet --root '$site' build"
  echo "-- the same without the search index"
  hyperfine --runs "$runs" --warmup 1 --export-json "$out/build-$n-nosearch.json" \
    --prepare "d=\$(mktemp -d -p '$trash'); mv '$nosearch/public' '$nosearch/.public.fieldbook-prev' \"\$d\" 2>/dev/null; sync" \
    "FIELDBOOK_TODAY=2026-11-27 $bin --quiet --root '$nosearch' build"
  # No-change rebuilds: the previous outputs are kept.
  hyperfine --runs "$runs" --warmup 2 --export-json "$out/rebuild-$n.json" --prepare sync \
    "FIELDBOOK_TODAY=2026-11-27 $bin --quiet --root '$site' build"
  d=$(mktemp -d -p "$trash"); mv "$site/public" "$site/.public.fieldbook-prev" "$d" 2>/dev/null || true
  /usr/bin/time -f "peak memory: %M KB (first build, %e s)" "$bin" --quiet --root "$site" build
  /usr/bin/time -f "peak memory: %M KB (no-change rebuild, %e s)" "$bin" --quiet --root "$site" build
  d=$(mktemp -d -p "$trash"); mv "$nosearch/public" "$nosearch/.public.fieldbook-prev" "$d" 2>/dev/null || true
  /usr/bin/time -f "peak memory: %M KB (first build without search, %e s)" "$bin" --quiet --root "$nosearch" build
  FIELDBOOK_TODAY=2026-11-27 "$bin" --verbose --root "$site" build 2>&1 | tail -n 12
done
empty_trash
