//! Watching the site with notify, and debouncing: raw events become batches of paths, one
//! batch per burst of activity, so an editor's save (write-then-rename, two writes, swap
//! files) or a `git checkout` touching hundreds of files gives one rebuild.
//!
//! A burst ends when no relevant event has arrived for [`Debounce::quiet`] (a little longer
//! for bursts touching many files); it never lasts longer than [`Debounce::max`]. A burst
//! also waits, up to [`Debounce::vanished`] from its start, while a file is still open for
//! writing (modified, not yet closed) or a path it names is missing (editors that rename the
//! old file away before writing the new one). Events the build would ignore (hidden files,
//! backups, swap files, the output folder) and reads (our own, while building) never start
//! or extend a burst.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, CreateKind, EventKind, MetadataKind, ModifyKind};
use notify::{RecursiveMode, Watcher as _};

use super::classify::{classify, Layout};

/// Debounce timings.
#[derive(Debug, Clone, Copy)]
pub struct Debounce {
    /// Quiet time that ends a burst.
    pub quiet: Duration,
    /// Longest burst.
    pub max: Duration,
    /// How long a burst may wait, from its start, for files being written to be closed and
    /// vanished paths to reappear.
    pub vanished: Duration,
}

impl Debounce {
    /// The quiet time for a batch of `n` paths: a burst touching many files (a checkout, a
    /// search-and-replace) is likely to go on, so it gets up to 100 ms more.
    pub fn quiet_for(&self, n: usize) -> Duration {
        self.quiet + Duration::from_millis(n.saturating_sub(1).min(100) as u64)
    }
}

impl Default for Debounce {
    fn default() -> Debounce {
        // Editors finish a save within a millisecond or two and `git checkout` writes files
        // back to back; 10 ms of quiet catches both while keeping a save-to-reload time of a
        // few tens of milliseconds. FIELDBOOK_DEBOUNCE_MS overrides it (tests, slow disks).
        let quiet = std::env::var("FIELDBOOK_DEBOUNCE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(10);
        Debounce {
            quiet: Duration::from_millis(quiet),
            max: Duration::from_millis(2000),
            vanished: Duration::from_millis(120),
        }
    }
}

/// What a batch holds: changed paths, absolute.
pub type Batch = Vec<PathBuf>;

/// Whether a notify event can change what the build reads.
fn is_relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        EventKind::Other => false,
        _ => true,
    }
}

/// The watcher: keeps notify's watches alive and re-adds them when watched folders are
/// deleted and recreated.
pub struct Watch {
    watcher: notify::RecommendedWatcher,
    layout: Layout,
    watched: BTreeSet<PathBuf>,
}

impl Watch {
    /// Starts watching `layout`'s folders; raw events go to the returned receiver.
    pub fn start(
        layout: Layout,
    ) -> anyhow::Result<(Watch, Receiver<notify::Result<notify::Event>>)> {
        let (tx, rx) = channel();
        let watcher = notify::recommended_watcher(move |event| {
            let _ = tx.send(event);
        })?;
        let mut watch = Watch {
            watcher,
            layout,
            watched: BTreeSet::new(),
        };
        watch
            .watcher
            .watch(&watch.layout.root, RecursiveMode::NonRecursive)?;
        watch.refresh(&[]);
        Ok((watch, rx))
    }

    /// Watches folders that appeared, re-watches those named in `batch` (deleted and
    /// recreated), and forgets those that are gone.
    pub fn refresh(&mut self, batch: &[PathBuf]) {
        for dir in self.layout.watched_dirs() {
            let touched = batch.iter().any(|p| p == &dir);
            if !dir.is_dir() {
                if self.watched.remove(&dir) {
                    let _ = self.watcher.unwatch(&dir);
                }
                continue;
            }
            if touched && self.watched.contains(&dir) {
                let _ = self.watcher.unwatch(&dir);
                self.watched.remove(&dir);
            }
            if !self.watched.contains(&dir)
                && self.watcher.watch(&dir, RecursiveMode::Recursive).is_ok()
            {
                self.watched.insert(dir);
            }
        }
    }

    /// Changes the layout (site.toml moved the content folder, or changed the theme).
    pub fn set_layout(&mut self, layout: Layout) {
        if layout == self.layout {
            return;
        }
        for dir in std::mem::take(&mut self.watched) {
            let _ = self.watcher.unwatch(&dir);
        }
        self.layout = layout;
        self.refresh(&[]);
    }

    /// The current layout.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }
}

/// Turns raw events into batches. Runs until the raw sender is dropped; sends each batch
/// on `out`. `layout` decides which paths matter (it is read at each event).
pub fn debounce(
    raw: Receiver<notify::Result<notify::Event>>,
    out: Sender<Batch>,
    layout: impl Fn() -> Layout,
    timing: Debounce,
) {
    loop {
        // Wait for the first relevant event.
        let mut burst = Burst::default();
        while burst.paths.is_empty() {
            match raw.recv() {
                Ok(event) => {
                    burst.add(event, &layout());
                }
                Err(_) => return,
            }
        }
        let started = Instant::now();
        let mut last = Instant::now();
        loop {
            let now = Instant::now();
            let quiet_left = timing
                .quiet_for(burst.paths.len())
                .saturating_sub(now - last);
            let max_left = timing.max.saturating_sub(now - started);
            let mut wait = quiet_left.min(max_left);
            if wait.is_zero() {
                // Quiet: done, unless a file is still being written (no close yet) or a
                // path we were told about is missing and may come back (rename-away saves).
                let settle_left = timing.vanished.saturating_sub(now - started);
                if settle_left.is_zero() || max_left.is_zero() || !burst.unsettled() {
                    break;
                }
                wait = timing.quiet.min(settle_left);
            }
            match raw.recv_timeout(wait) {
                Ok(event) => {
                    if burst.add(event, &layout()) {
                        last = Instant::now();
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    let _ = out.send(burst.paths.into_iter().collect());
                    return;
                }
            }
        }
        if out.send(burst.paths.into_iter().collect()).is_err() {
            return;
        }
    }
}

/// The paths of one burst, and those with a write not yet closed.
#[derive(Default)]
struct Burst {
    paths: BTreeSet<PathBuf>,
    writing: BTreeSet<PathBuf>,
}

impl Burst {
    /// Adds an event's relevant paths; whether any were added.
    fn add(&mut self, event: notify::Result<notify::Event>, layout: &Layout) -> bool {
        let Ok(event) = event else {
            // A watch error (e.g. queue overflow): treat as "anything may have changed".
            self.paths.insert(layout.root.join("site.toml"));
            return true;
        };
        if event.need_rescan() {
            self.paths.insert(layout.root.join("site.toml"));
            return true;
        }
        if !is_relevant(&event.kind) {
            return false;
        }
        let relevant: Vec<PathBuf> = event
            .paths
            .into_iter()
            .filter(|p| {
                !classify(std::slice::from_ref(p), layout).is_empty() || is_watched_root(p, layout)
            })
            .collect();
        for path in &relevant {
            match event.kind {
                EventKind::Create(CreateKind::File) | EventKind::Modify(ModifyKind::Data(_)) => {
                    self.writing.insert(path.clone());
                }
                EventKind::Access(AccessKind::Close(AccessMode::Write))
                | EventKind::Remove(_)
                | EventKind::Modify(ModifyKind::Name(_)) => {
                    self.writing.remove(path);
                }
                _ => {}
            }
        }
        let added = !relevant.is_empty();
        self.paths.extend(relevant);
        added
    }

    /// A file is open for writing, or a file named in the burst is missing.
    fn unsettled(&self) -> bool {
        !self.writing.is_empty() || self.paths.iter().any(|p| !p.exists() && !is_dir_path(p))
    }
}

/// A path that had no extension when it vanished is likely a folder; don't wait for it.
fn is_dir_path(path: &Path) -> bool {
    path.extension().is_none()
}

/// A watched folder itself (created or deleted) matters even though it names no file.
fn is_watched_root(path: &Path, layout: &Layout) -> bool {
    layout.watched_dirs().iter().any(|d| d == path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{RemoveKind, RenameMode};

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/nonexistent-site"),
            content_dir: PathBuf::from("content"),
            output_dir: PathBuf::from("public"),
            theme: "default".into(),
        }
    }

    fn event(kind: EventKind, path: &str) -> notify::Result<notify::Event> {
        Ok(notify::Event::new(kind).add_path(PathBuf::from(path)))
    }

    fn run(events: Vec<(u64, notify::Result<notify::Event>)>, timing: Debounce) -> Vec<Batch> {
        run_in(layout(), events, timing)
    }

    fn run_in(
        layout: Layout,
        events: Vec<(u64, notify::Result<notify::Event>)>,
        timing: Debounce,
    ) -> Vec<Batch> {
        let (raw_tx, raw_rx) = channel();
        let (out_tx, out_rx) = channel();
        let handle =
            std::thread::spawn(move || debounce(raw_rx, out_tx, move || layout.clone(), timing));
        for (delay, e) in events {
            std::thread::sleep(Duration::from_millis(delay));
            raw_tx.send(e).unwrap();
        }
        std::thread::sleep(Duration::from_millis(60));
        drop(raw_tx);
        handle.join().unwrap();
        out_rx.into_iter().collect()
    }

    fn timing() -> Debounce {
        Debounce {
            quiet: Duration::from_millis(150),
            max: Duration::from_millis(2000),
            vanished: Duration::ZERO,
        }
    }

    #[test]
    fn a_burst_is_one_batch() {
        let mut events = vec![
            (
                0,
                event(
                    EventKind::Create(CreateKind::File),
                    "/nonexistent-site/content/.a.md.swp",
                ),
            ),
            (
                0,
                event(
                    EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)),
                    "/nonexistent-site/content/a.md",
                ),
            ),
            (
                1,
                event(
                    EventKind::Access(AccessKind::Close(AccessMode::Write)),
                    "/nonexistent-site/content/a.md",
                ),
            ),
            (
                2,
                event(
                    EventKind::Modify(ModifyKind::Name(RenameMode::To)),
                    "/nonexistent-site/content/b.md",
                ),
            ),
        ];
        for i in 0..200 {
            events.push((
                0,
                event(
                    EventKind::Modify(ModifyKind::Data(notify::event::DataChange::Any)),
                    &format!("/nonexistent-site/content/p{i}.md"),
                ),
            ));
        }
        let batches = run(events, timing());
        assert_eq!(batches.len(), 1, "{batches:?}");
        assert_eq!(batches[0].len(), 202);
    }

    #[test]
    fn ignored_events_start_nothing() {
        let batches = run(
            vec![
                (
                    0,
                    event(
                        EventKind::Access(AccessKind::Open(notify::event::AccessMode::Any)),
                        "/nonexistent-site/content/a.md",
                    ),
                ),
                (
                    0,
                    event(
                        EventKind::Create(CreateKind::File),
                        "/nonexistent-site/content/.a.md.swp",
                    ),
                ),
                (
                    0,
                    event(
                        EventKind::Remove(RemoveKind::File),
                        "/nonexistent-site/content/a.md~",
                    ),
                ),
                (
                    0,
                    event(
                        EventKind::Modify(ModifyKind::Any),
                        "/nonexistent-site/public/index.html",
                    ),
                ),
            ],
            timing(),
        );
        assert!(batches.is_empty(), "{batches:?}");
    }

    #[test]
    fn separate_saves_are_separate_batches() {
        let batches = run(
            vec![
                (
                    0,
                    event(
                        EventKind::Modify(ModifyKind::Any),
                        "/nonexistent-site/content/a.md",
                    ),
                ),
                (
                    800,
                    event(
                        EventKind::Modify(ModifyKind::Any),
                        "/nonexistent-site/content/b.md",
                    ),
                ),
            ],
            timing(),
        );
        assert_eq!(batches.len(), 2, "{batches:?}");
    }

    #[test]
    fn a_write_not_yet_closed_holds_the_batch() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content")).unwrap();
        let page = dir.path().join("content/a.md");
        std::fs::write(&page, "x").unwrap();
        let layout = Layout {
            root: dir.path().to_path_buf(),
            ..layout()
        };
        let timing = Debounce {
            quiet: Duration::from_millis(20),
            max: Duration::from_secs(2),
            vanished: Duration::from_millis(400),
        };
        let modify = || {
            Ok(notify::Event::new(EventKind::Modify(ModifyKind::Data(
                notify::event::DataChange::Any,
            )))
            .add_path(page.clone()))
        };
        let close = || {
            Ok(
                notify::Event::new(EventKind::Access(AccessKind::Close(AccessMode::Write)))
                    .add_path(page.clone()),
            )
        };
        // Truncated, then written 100 ms later (a slow save), then closed: one batch.
        let batches = run_in(
            layout.clone(),
            vec![(0, modify()), (100, modify()), (5, close())],
            timing,
        );
        assert_eq!(batches.len(), 1, "{batches:?}");
        // Closed at once: no waiting beyond the quiet time (a second save is its own batch).
        let batches = run_in(
            layout,
            vec![(0, modify()), (0, close()), (150, modify()), (0, close())],
            timing,
        );
        assert_eq!(batches.len(), 2, "{batches:?}");
    }

    #[test]
    fn bigger_bursts_wait_longer() {
        let t = Debounce {
            quiet: Duration::from_millis(10),
            max: Duration::from_secs(1),
            vanished: Duration::ZERO,
        };
        assert_eq!(t.quiet_for(1), Duration::from_millis(10));
        assert_eq!(t.quiet_for(51), Duration::from_millis(60));
        assert_eq!(t.quiet_for(5000), Duration::from_millis(110));
    }

    #[test]
    fn watch_errors_mean_rebuild_everything() {
        let batches = run(vec![(0, Err(notify::Error::generic("overflow")))], timing());
        assert_eq!(
            batches,
            vec![vec![PathBuf::from("/nonexistent-site/site.toml")]]
        );
    }
}
