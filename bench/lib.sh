# Shared by the disk benchmarks (build.sh, floor.sh); source it, don't run it.
#
# Deleting files would measure the file system: ext4 without a journal (this machine's) skips
# inodes freed in the last minute when it allocates new ones, and in the last six minutes when
# their inode table block is dirty, which creating files beside them makes it; it scans past
# each one. A 10,000-page build started within six minutes of deleting an output spent 5 s in
# the kernel instead of ~1.2 (perf: most of it in `recently_deleted`). So the benchmarks move
# old outputs into one trash folder and delete it only when done; a run that finds an
# interrupted run's leftovers deletes them first and waits six minutes.

trash_root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/out/trash"

# Makes an empty trash folder, first deleting leftovers and waiting out the file system.
settle_trash() {
  if [ -n "$(ls -A "$trash_root" 2>/dev/null)" ]; then
    echo "(deleting an earlier run's outputs, then waiting 6 minutes for the file system)"
    rm -rf "$trash_root"
    sync
    sleep 365
  fi
  mkdir -p "$trash_root"
}

# Deletes the trash folder and says how long to wait before the next disk benchmark.
empty_trash() {
  rm -rf "$trash_root"
  sync
  echo "(deleted the benchmark's outputs: wait 6 minutes before timing a build on this disk)"
}
