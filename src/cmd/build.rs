//! `fieldbook build`: run the pipeline and, if there are no errors, write the site atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::pipeline::{self, Options};
use super::Ui;
use crate::config::Overrides;
use crate::model::history::Status as HistoryStatus;
use crate::write::DiskSink;

/// Runs `build`.
pub fn run(
    ui: &Ui,
    root: &Path,
    output: Option<PathBuf>,
    drafts: bool,
    base_url: Option<String>,
) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = Options {
        root: root.to_path_buf(),
        drafts,
        overrides: Overrides { base_url },
        git_history: true,
    };
    let out_dir = match output {
        Some(dir) if dir.is_absolute() => Some(dir),
        Some(dir) => Some(std::env::current_dir()?.join(dir)),
        // A broken site.toml is reported by the pipeline; nothing is written then.
        None => crate::load::config(root, &options.overrides)
            .ok()
            .map(|(config, _)| root.join(&config.site.output_dir)),
    };
    let (outcome, sink) = match &out_dir {
        Some(dir) => {
            let sink = DiskSink::new(root, dir)?;
            (pipeline::run_into(&options, &sink)?, Some(sink))
        }
        None => (pipeline::run(&options)?, None),
    };
    ui.print_diagnostics(&outcome.diagnostics);
    history_note(ui, outcome.history);
    let (errors, warnings) = (outcome.errors(), outcome.warnings());
    if let (0, Some(sink)) = (errors, sink) {
        let swap_start = Instant::now();
        sink.finish()?;
        let mut timings = outcome.timings.clone();
        timings.push((
            "swap",
            swap_start.elapsed().as_secs_f64(),
            pipeline::peak_rss_mb(),
        ));
        print_timings(ui, &timings);
    }
    let out_dir = out_dir.unwrap_or_else(|| root.join(&outcome.output_dir));
    let (pages, sections) = outcome.site.as_ref().map_or((0, 0), |s| {
        let sections = s.pages.iter().filter(|p| p.is_section).count();
        (s.pages.len() - sections, sections)
    });
    let seconds = started.elapsed().as_secs_f64();
    let verdict = if errors == 0 {
        format!("built {}", pipeline::display(&out_dir))
    } else {
        "build failed; previous output left untouched".into()
    };
    let line = format!("{verdict}: {pages} pages, {sections} sections, {warnings} warnings, {errors} errors in {seconds:.2}s");
    if errors > 0 {
        eprintln!("{line}");
        return Ok(super::content_errors());
    }
    ui.status(&line);
    Ok(ExitCode::SUCCESS)
}

/// Says once why pages show no (or only some) change history. A note, not a warning: a
/// shallow clone (the default of many CI systems) is always mentioned, because the site then
/// shows less than it could; a folder outside Git only with `--verbose`, because plenty of
/// handbooks are built that way on purpose.
fn history_note(ui: &Ui, status: HistoryStatus) {
    let note = match status {
        HistoryStatus::Shallow => "note: shallow Git clone; pages show changes only from the fetched commits (`git fetch --unshallow` for all)",
        HistoryStatus::NotARepo if ui.verbose => "note: not a Git work tree; pages show no change history",
        HistoryStatus::NoGit if ui.verbose => "note: git could not be run; pages show no change history",
        _ => return,
    };
    ui.status(note);
}

fn print_timings(ui: &Ui, timings: &[(&'static str, f64, u64)]) {
    if !ui.verbose {
        return;
    }
    eprintln!("{:<14} {:>9} {:>9}", "stage", "seconds", "peak MB");
    for (stage, seconds, peak) in timings {
        // The search index is built while pages render: its row is part of the render row.
        let note = if *stage == "search" {
            "  (during render)"
        } else {
            ""
        };
        eprintln!("{stage:<14} {seconds:>9.3} {peak:>9}{note}");
    }
}
