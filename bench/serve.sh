#!/usr/bin/env bash
# Benchmark of `fieldbook serve` (see examples/serve_bench.rs): save-to-reload time of one
# page body over EDITS edits on generated corpora, memory over a long session, and a check
# that the served site equals a fresh build afterwards.
#
#   bench/serve.sh                 # 1,000 and 10,000 pages, 30 edits each; 500 edits on 1,000
#   SIZES="1000" EDITS=20 LONG=0 bench/serve.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=${SIZES:-"1000 10000"}
EDITS=${EDITS:-30}
LONG=${LONG:-500}
CORPUS=${CORPUS:-../shared/bench/fieldbook_corpus.py}
OUT=bench/out/serve
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
cargo build --release --quiet --bin fieldbook --example serve_bench
BIN=$CARGO_TARGET_DIR/release/fieldbook
RUN=$CARGO_TARGET_DIR/release/examples/serve_bench
mkdir -p "$OUT"

corpus() { # corpus N DIR: a fresh copy of the N-page corpus
  local n=$1 dir=$2
  if [ ! -d "$OUT/pristine-$n" ]; then
    python3 "$CORPUS" --pages "$n" --seed 1 --out "$OUT/pristine-$n" >/dev/null
    # The corpus has a content/process/ folder, which clashes with the process map's route.
    printf '\n[routes]\nprocess = "process-map"\n' >> "$OUT/pristine-$n/site.toml"
  fi
  rm -rf "$dir"
  cp -r "$OUT/pristine-$n" "$dir"
}

for n in $SIZES; do
  echo "== $n pages, $EDITS edits"
  corpus "$n" "$OUT/site-$n"
  "$RUN" "$BIN" "$OUT/site-$n" "$EDITS" 150
done
if [ "$LONG" -gt 0 ]; then
  echo "== memory over $LONG edits, 1000 pages"
  corpus 1000 "$OUT/site-long"
  "$RUN" "$BIN" "$OUT/site-long" "$LONG" 20
fi
