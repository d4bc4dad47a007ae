#!/bin/sh
# Runs one fuzz target for a while, politely: one process, lowest priority.
# Usage: fuzz/run.sh <front_matter|markdown|search|pipeline> [seconds, default 600]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
target=$1
seconds=${2:-600}
[ -d "$here/corpus/$target" ] || "$here/seed.sh"
mkdir -p "$here/artifacts/$target"
cd "$here"
# The pipeline target writes its mini-site under TMPDIR: keep that in memory.
TMPDIR=${TMPDIR:-/dev/shm} exec nice -n 19 cargo +nightly fuzz run -O "$target" \
    "corpus/$target" -- -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -jobs=1 -workers=1 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/"
