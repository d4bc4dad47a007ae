#!/usr/bin/env bash
# The disk's floor for a build's output: how long this machine takes just to write the files a
# 10,000-page build writes, with no build at all. It copies a finished output tree (already in
# memory, on tmpfs) to a fresh folder beside the bench sites, RUNS times, with `sync` before each
# copy as bench/build.sh does; then the same folders with every file empty (the cost of the
# inodes alone). Usage: bench/floor.sh [N]   (default 10000; run bench/build.sh N first)
# Needs: bc, a tmpfs at /dev/shm.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
runs="${RUNS:-5}"
site="$PWD/bench/out/corpus-$n-nosearch"
[ -f "$site/site.toml" ] || { echo "run bench/build.sh $n first" >&2; exit 2; }
cargo build --release --quiet
mem=$(mktemp -d -p /dev/shm fieldbook-floor.XXXXXX)
# Copies go to the trash folder of bench/lib.sh, deleted at the end.
source bench/lib.sh
settle_trash
trash="$trash_root/floor"
mkdir -p "$trash"
trap 'rm -rf "$mem"' EXIT
FIELDBOOK_TODAY=2026-11-27 target/release/fieldbook --quiet --root "$site" build --output "$mem/full"
# The same tree with every file empty.
(cd "$mem/full" && find . -type d) | (cd "$mem" && mkdir -p empty && cd empty && xargs mkdir -p)
(cd "$mem/full" && find . -type f) | (cd "$mem/empty" && xargs touch)
echo "== output of the $n-page build: $(cd "$mem/full" && find . -type f | wc -l) files," \
  "$(cd "$mem/full" && find . -type d | wc -l) folders, $(du -s --apparent-size -BM "$mem/full" | cut -f1)"
for tree in full empty; do
  times=()
  for _ in $(seq "$runs"); do
    sync
    dest=$(mktemp -d -p "$trash")
    start=$(date +%s.%N)
    cp -r "$mem/$tree" "$dest/t"
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p")
  echo "cp -r of the $tree tree to this disk: median ${median} s over $runs runs (all: ${times[*]})"
done
empty_trash
