#!/bin/sh
# Builds pathological pages at two sizes, n and 4n, and prints how build time grows: a ratio
# near 4 is linear, near 16 quadratic. Times are the least CPU time of RUNS builds, minus
# that of the same site without the page (the fixed cost of a build).
#
# Usage: bench/pathological.sh [SCALE]   (SCALE 1, the default, makes the 4n sizes those of
# issue #7: a 5 MB page, 10,000 nested list items, 100,000 links, a 1 MB table and front
# matter with 100,000 keys; nested lists go to 40,000 items, since 10,000 take no measurable
# time; SCALE 0.25 is a quick check). CASES="keys table" runs only those;
# RUNS=1 takes one build per size instead of the best of three.
set -eu
repo=$(cd "$(dirname "$0")/.." && pwd)
scale=${1:-1}
runs=${RUNS:-3}
work=${TMPDIR:-/tmp}/fieldbook-pathological
bin="$repo/target/release/fieldbook"
(cd "$repo" && nice -n 19 cargo build --release --quiet)
rm -rf "$work" && mkdir -p "$work"
export FIELDBOOK_TODAY=2026-11-27

# site <dir>: a two-page site; the page under test goes to content/big.md.
site() {
    mkdir -p "$1/content"
    printf '[site]\ntitle = "Bench"\n' > "$1/site.toml"
    printf -- '---\ntitle: Other\n---\n## Anchor\n\nText.\n' > "$1/content/other.md"
}

# generate <case> <n> <file>
generate() {
    awk -v kind="$1" -v n="$2" 'BEGIN {
        if (kind == "page") {            # n bytes of prose under headings
            printf "---\ntitle: Big\n---\n"
            size = 0; i = 0
            while (size < n) {
                line = (i % 50 == 0) ? sprintf("## Part %d\n\n", i) : sprintf("Ask the buyer what problem %d costs them, and *who* signs. Then `confirm` it.\n\n", i)
                printf "%s", line; size += length(line); i++
            }
        } else if (kind == "nested") {   # n list items, each inside the one before
            printf "---\ntitle: Nested\n---\n"
            for (i = 0; i < n; i++) printf "- "
            printf "deepest\n"
        } else if (kind == "links") {    # n links: pages, anchors, external
            printf "---\ntitle: Links\n---\n"
            for (i = 0; i < n; i++) {
                if (i % 3 == 0) printf "[p%d](other.md) ", i
                else if (i % 3 == 1) printf "[a%d](other.md#anchor) ", i
                else printf "[e%d](https://example.com/%d) ", i, i
                if (i % 10 == 9) printf "\n"
            }
        } else if (kind == "table") {    # a table of n bytes
            printf "---\ntitle: Table\n---\n| Stage | Owner | Exit criterion |\n|---|---|---|\n"
            size = 0; i = 0
            while (size < n) {
                line = sprintf("| Stage %d | Team %d | The buyer agreed to step %d |\n", i, i % 7, i)
                printf "%s", line; size += length(line); i++
            }
        } else if (kind == "keys") {     # front matter with n keys (unknown: one warning each)
            printf "---\ntitle: Keys\n"
            for (i = 0; i < n; i++) printf "key%d: value %d\n", i, i
            printf "---\nBody.\n"
        }
    }' > "$3"
}

# best <dir>: the least CPU time (user + system, all threads) of $runs builds, in seconds.
# CPU time, not wall time: on a shared machine the wall clock mostly measures the others.
best() {
    b=""
    for _ in $(seq "$runs"); do
        # getrusage has microseconds; GNU time's %U rounds to a hundredth.
        python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[2:], check=True, stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"))
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)' "$1/stderr" nice -n 19 "$bin" --root "$1" --quiet build \
            > "$1/cpu" || {
            echo "build of $1 failed:" >&2; tail -n 20 "$1/stderr" >&2; exit 1; }
        b=$(awk -v b="${b:-1e9}" '{ t = $1; print (t < b) ? t : b }' "$1/cpu")
    done
    echo "$b"
}

site "$work/base"
base=$(best "$work/base")
printf 'fixed cost of a build (no big page): %.3f s\n\n' "$base"
printf '%-8s %10s %9s %10s %9s %7s\n' case n "t(n) s" 4n "t(4n) s" ratio
for spec in page:5242880 nested:40000 links:100000 table:1048576 keys:100000; do
    kind=${spec%%:*}
    case " ${CASES:-$kind} " in *" $kind "*) ;; *) continue ;; esac
    big=$(echo "${spec#*:} $scale" | awk '{ printf "%d", $1 * $2 }')
    small=$((big / 4))
    for n in "$small" "$big"; do
        site "$work/$kind-$n"
        generate "$kind" "$n" "$work/$kind-$n/content/big.md"
    done
    t1=$(best "$work/$kind-$small")
    t4=$(best "$work/$kind-$big")
    echo "$kind $small $t1 $big $t4 $base" | awk '{
        a = $3 - $6; b = $5 - $6; if (a < 0.001) a = 0.001
        printf "%-8s %10d %9.3f %10d %9.3f %7.2f\n", $1, $2, $3, $4, $5, b / a }'
done
echo
echo "ratio = (t(4n) - fixed) / (t(n) - fixed): about 4 is linear, 16 quadratic"
