#!/usr/bin/env python3
"""Interleaved A/B builds: bench/ab.py RUNS BINARY:SITE [BINARY:SITE ...]

Runs every (binary, site) pair in turn, RUNS times plus one warm-up round that is not
counted, with a fresh output before each run, and prints the median wall time and the
median user+system CPU of each pair. Interleaving keeps a noisy machine's slow minutes
from landing on one side only. Put the sites on tmpfs (/dev/shm) to measure the build
rather than the disk. Example, the cost of the search index:

    bench/ab.py 11 target/release/fieldbook:/dev/shm/c2k target/release/fieldbook:/dev/shm/c2k-nosearch
"""
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    runs = int(sys.argv[1])
    pairs = [arg.split(":", 1) for arg in sys.argv[2:]]
    env = dict(os.environ, FIELDBOOK_TODAY=os.environ.get("FIELDBOOK_TODAY", "2026-11-27"))
    results = [[] for _ in pairs]
    for round_ in range(runs + 1):
        for i, (binary, site) in enumerate(pairs):
            for folder in ("public", ".public.fieldbook-prev"):
                shutil.rmtree(os.path.join(site, folder), ignore_errors=True)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run([binary, "--quiet", "--root", site, "build"], env=env, check=True,
                           stdout=subprocess.DEVNULL)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if round_ > 0:
                results[i].append((wall, cpu))
    for (binary, site), runs_ in zip(pairs, results):
        wall = statistics.median(r[0] for r in runs_)
        cpu = statistics.median(r[1] for r in runs_)
        print(f"{binary}  {site}  wall {wall * 1e3:8.1f} ms  cpu {cpu * 1e3:8.1f} ms  (n={len(runs_)})")


if __name__ == "__main__":
    main()
