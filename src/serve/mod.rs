//! `fieldbook serve`: build in memory, serve on 127.0.0.1, watch, rebuild what a change
//! affects, and live-reload open pages (SPEC §7).
//!
//! Threads: tokio runs the HTTP server ([`server`]); notify's thread feeds raw events to the
//! debouncer ([`watch`]), which hands batches of paths to the rebuild loop here. The loop
//! sorts each batch ([`classify`]), rebuilds through a [`Session`] (the pipeline with a
//! [`Cache`], or the fast path for edited pages), swaps the changed files into the served
//! map and tells open pages which files changed. A failed build leaves the last good site
//! served and shows the diagnostics in the terminal and in an overlay ([`inject`]).
//!
//! `serve`, with `load` and `write`, is one of the three modules that touch the
//! filesystem, and the only one that touches the network.

pub mod cache;
pub mod classify;
pub mod incremental;
pub mod inject;
pub mod server;
pub mod watch;

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, RwLock};
use std::time::Instant;

use axum::body::Bytes;

use crate::cmd::pipeline::Options;
use crate::cmd::Ui;
use crate::config::Overrides;
use crate::diag::Diagnostic;
pub use cache::Cache;
pub use classify::{classify, ChangeSet, Layout};
pub use incremental::{Output, Rebuilt, Session};
use server::{Hub, Message};

/// How long the rebuild loop waits for another batch before rendering deferred views.
const DEFERRED_GRACE: std::time::Duration = std::time::Duration::from_millis(30);

/// Runs `serve` until Ctrl-C.
pub fn run(
    ui: &Ui,
    root: &Path,
    bind: &str,
    port: u16,
    open: bool,
    drafts: bool,
) -> anyhow::Result<ExitCode> {
    if !root.join("site.toml").is_file() {
        anyhow::bail!(
            "cannot read `{}` (is this a fieldbook site? use --root or `fieldbook init`)",
            root.join("site.toml").display()
        );
    }
    let root = root.canonicalize()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let (shutdown_tx, shutdown_rx) = tokio::sync::watch::channel(false);
    let hub = Hub::new(shutdown_rx);
    // Bind first: a taken port is reported before any work is done.
    let listener = runtime.block_on(server::bind(bind, port))?;
    let addr = listener.local_addr()?;

    let options = Options {
        root: root.clone(),
        drafts,
        overrides: Overrides::default(),
        // "Last changed" and What's new, as in `build`; read again on each full rebuild.
        git_history: true,
    };
    let mut session = Session::new(options);
    // Watch before the first build, so that nothing saved while it runs is missed.
    let layout = Arc::new(RwLock::new(session.initial_layout()));
    let (mut watcher, raw) = watch::Watch::start(layout.read().unwrap().clone())?;
    let started = Instant::now();
    let first = session.rebuild(None);
    let mut printed = report(ui, &first, started, true, &[]);
    publish(&hub, first, false);
    finish_deferred(&hub, &mut session);
    if session.layout() != *watcher.layout() {
        *layout.write().unwrap_or_else(|e| e.into_inner()) = session.layout();
        watcher.set_layout(session.layout());
    }

    // Ctrl-C is caught from before the address is announced: a script (or a test) that
    // interrupts as soon as it reads it must get a clean stop, not the default signal death.
    let interrupted = {
        let _runtime = runtime.enter();
        interrupt_signal()?
    };
    let url = format!("http://{}/", display_addr(addr));
    eprintln!("serving {url}");
    ui.status("watching for changes; press Ctrl-C to stop");

    let (batch_tx, batch_rx) = std::sync::mpsc::channel();
    let debounce_layout = Arc::clone(&layout);
    std::thread::Builder::new()
        .name("fieldbook-debounce".into())
        .spawn(move || {
            watch::debounce(
                raw,
                batch_tx,
                move || {
                    debounce_layout
                        .read()
                        .unwrap_or_else(|e| e.into_inner())
                        .clone()
                },
                watch::Debounce::default(),
            )
        })?;
    let loop_hub = Arc::clone(&hub);
    let ui_copy = *ui;
    std::thread::Builder::new()
        .name("fieldbook-rebuild".into())
        .spawn(move || {
            // Deferred views (print, health, search) wait for a short pause in the edits,
            // so quick successive saves each get their page first.
            let mut deferred = false;
            loop {
                let batch = if deferred {
                    match batch_rx.recv_timeout(DEFERRED_GRACE) {
                        Ok(batch) => batch,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            finish_deferred(&loop_hub, &mut session);
                            deferred = false;
                            continue;
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
                    }
                } else {
                    match batch_rx.recv() {
                        Ok(batch) => batch,
                        Err(_) => break,
                    }
                };
                let started = Instant::now();
                watcher.refresh(&batch);
                let changes = classify(&batch, watcher.layout());
                if changes.is_empty() {
                    continue;
                }
                let rebuilt = session.rebuild(Some(&changes));
                let new_layout = session.layout();
                if new_layout != *watcher.layout() {
                    *layout.write().unwrap_or_else(|e| e.into_inner()) = new_layout.clone();
                    watcher.set_layout(new_layout);
                }
                printed = report(&ui_copy, &rebuilt, started, false, &printed);
                deferred = !rebuilt.deferred.is_empty();
                publish(&loop_hub, rebuilt, changes.is_css_only());
            }
        })?;

    if open {
        open_browser(&url);
    }
    runtime.block_on(async move {
        let shutdown = async move {
            interrupted.await;
            let _ = shutdown_tx.send(true);
        };
        axum::serve(listener, server::app(hub, addr.ip().is_loopback()))
            .with_graceful_shutdown(shutdown)
            .await
    })?;
    ui.status("stopped");
    Ok(ExitCode::SUCCESS)
}

/// A future that completes on Ctrl-C (SIGINT), listening from the moment this returns.
#[cfg(unix)]
fn interrupt_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
    Ok(async move {
        signal.recv().await;
    })
}

#[cfg(not(unix))]
fn interrupt_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}

fn display_addr(addr: std::net::SocketAddr) -> String {
    match addr {
        std::net::SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
        std::net::SocketAddr::V4(v4) => v4.to_string(),
    }
}

/// Prints the outcome of a build: diagnostics (when they differ from those printed last)
/// and a status line. Returns the diagnostics now on screen.
fn report(
    ui: &Ui,
    rebuilt: &Rebuilt,
    started: Instant,
    first: bool,
    printed: &[Diagnostic],
) -> Vec<Diagnostic> {
    if rebuilt.diagnostics != printed {
        ui.print_diagnostics(&rebuilt.diagnostics);
    }
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    let errors = rebuilt.errors();
    if errors > 0 {
        let kept = if first {
            "serving an error page until it builds"
        } else {
            "still serving the last good version"
        };
        eprintln!(
            "build failed with {errors} error{}; {kept}",
            if errors == 1 { "" } else { "s" }
        );
    } else if first {
        ui.status(&format!(
            "built {} pages, {} sections in {ms:.0} ms",
            rebuilt.pages, rebuilt.sections
        ));
    } else {
        let what = match rebuilt.plan {
            incremental::Plan::Bodies => "edited bodies",
            incremental::Plan::Static => "static files",
            incremental::Plan::Full => "full rebuild",
        };
        ui.status(&format!("rebuilt ({what}) in {ms:.0} ms"));
    }
    if ui.verbose && !rebuilt.timings.is_empty() {
        let stages: Vec<String> = rebuilt
            .timings
            .iter()
            .map(|(stage, secs)| format!("{stage} {:.0} ms", secs * 1000.0))
            .collect();
        eprintln!("  {}", stages.join(", "));
    }
    if let (true, Some(s)) = (ui.verbose, rebuilt.stats) {
        eprintln!(
            "  reused: front matter {}/{}, Markdown {}/{}, pages {}/{}",
            s.parsed_hits,
            s.parsed_hits + s.parsed_misses,
            s.markdown_hits,
            s.markdown_hits + s.markdown_misses,
            s.render_hits,
            s.render_hits + s.render_misses
        );
    }
    rebuilt.diagnostics.clone()
}

/// Swaps a rebuild's output into the served site and tells open pages what changed.
/// Returns the changed paths.
pub fn publish(hub: &Hub, rebuilt: Rebuilt, css_only: bool) -> Vec<String> {
    let failed_json = (rebuilt.errors() > 0).then(|| {
        let mut json = inject::diagnostics_json(&rebuilt.diagnostics);
        json["last_good_shown"] = hub.read(|s| s.has_site).into();
        Arc::<str>::from(json.to_string())
    });
    let Some(output) = rebuilt.output else {
        let json = failed_json.unwrap_or_else(|| Arc::from("{}"));
        hub.update(|s| {
            s.failed = Some(Arc::clone(&json));
            // Views deferred by the last good build are rendered after the next one; until
            // then their previous version is served rather than kept waiting.
            s.pending.clear();
        });
        hub.send(Message::Failed(json));
        return Vec::new();
    };
    let deferred = rebuilt.deferred;
    let build = hub.next_build();
    let (changed, was_failing, first) = hub.update(|served| {
        let was_failing = served.failed.take().is_some();
        let first = !served.has_site;
        served.has_site = true;
        let changed = apply(&mut served.files, output);
        served.pending = deferred.into_iter().collect();
        (changed, was_failing, first)
    });
    if first {
        hub.send(Message::Reload {
            build,
            paths: vec!["*".into()],
            css_only: false,
        });
    } else if !changed.is_empty() {
        hub.send(Message::Reload {
            build,
            paths: changed.clone(),
            css_only,
        });
    } else if was_failing {
        hub.send(Message::Ok);
    }
    changed
}

/// Applies output to the served map; returns the paths whose bytes changed, sorted.
fn apply(files: &mut HashMap<String, Bytes>, output: Output) -> Vec<String> {
    let mut changed = Vec::new();
    match output {
        Output::Full(new) => {
            for (path, bytes) in &new {
                if files.get(path) != Some(bytes) {
                    changed.push(path.clone());
                }
            }
            changed.extend(files.keys().filter(|p| !new.contains_key(*p)).cloned());
            *files = new;
        }
        Output::Patch { set, remove } => {
            for (path, bytes) in set {
                if files.get(&path) != Some(&bytes) {
                    changed.push(path.clone());
                    files.insert(path, bytes);
                }
            }
            for path in remove {
                if files.remove(&path).is_some() {
                    changed.push(path);
                }
            }
        }
    }
    changed.sort();
    changed.dedup();
    changed
}

/// Renders what was deferred (print views, health, search) and publishes it.
fn finish_deferred(hub: &Hub, session: &mut Session) {
    if let Some((set, remove)) = session.finish_deferred() {
        let changed = hub.update(|served| {
            served.pending.clear();
            apply(&mut served.files, Output::Patch { set, remove })
        });
        if !changed.is_empty() {
            hub.send(Message::Reload {
                build: hub.build(),
                paths: changed,
                css_only: false,
            });
        }
    } else {
        hub.update(|served| served.pending.clear());
    }
}

/// Opens the site in the default browser; failures are ignored.
fn open_browser(url: &str) {
    let program = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Ok(mut child) = std::process::Command::new(program)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        std::thread::spawn(move || {
            let _ = child.wait();
        });
    }
}
