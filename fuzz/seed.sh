#!/bin/sh
# Makes the seed corpora of the fuzz targets from the test fixtures and the bundled handbook.
# Usage: fuzz/seed.sh   (from anywhere; writes fuzz/corpus/<target>/)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
corpus="$here/corpus"
mkdir -p "$corpus/front_matter" "$corpus/markdown" "$corpus/search" "$corpus/pipeline"
n=0
for file in $(find "$repo/tests/fixtures" "$repo/content" -name '*.md' | sort); do
    n=$((n + 1))
    cp "$file" "$corpus/front_matter/seed-$n"
    # The Markdown and search targets read their first byte as flags.
    { printf '\003'; cat "$file"; } > "$corpus/markdown/seed-$n"
    { printf '\201\002'; cat "$file"; } > "$corpus/search/seed-$n"
done
# The pipeline target takes a whole mini-site in the `//- path` format: one per fixture and
# one per top-level section of the handbook.
for dir in "$repo"/tests/fixtures/*/content "$repo"/content/*/; do
    [ -d "$dir" ] || continue
    n=$((n + 1))
    out="$corpus/pipeline/seed-$n"
    printf '\002' > "$out"
    (cd "$dir" && find . -name '*.md' | sort | head -n 16 | while read -r f; do
        printf '//- %s\n' "${f#./}"
        cat "$f"
    done) >> "$out"
done
echo "seeded $(ls "$corpus"/* | wc -l) files into $corpus"
