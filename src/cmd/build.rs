//! `fieldbook build`: run the pipeline and, if there are no errors, write the site atomically.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use super::pipeline::{self, Options};
use super::Ui;
use crate::config::Overrides;
use crate::model::history::Status as HistoryStatus;

/// Runs `build`.
pub fn run(ui: &Ui, root: &Path, output: Option<PathBuf>, drafts: bool, base_url: Option<String>) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let options = Options { root: root.to_path_buf(), drafts, overrides: Overrides { base_url }, git_history: true };
    let outcome = pipeline::run(&options)?;
    ui.print_diagnostics(&outcome.diagnostics);
    history_note(ui, outcome.history);
    let out_dir = match output {
        Some(dir) if dir.is_absolute() => dir,
        Some(dir) => std::env::current_dir()?.join(dir),
        None => root.join(&outcome.output_dir),
    };
    let (errors, warnings) = (outcome.errors(), outcome.warnings());
    if errors == 0 {
        let write_start = Instant::now();
        crate::write::to_disk(root, &out_dir, &outcome.files)?;
        let mut timings = outcome.timings.clone();
        timings.push(("write", write_start.elapsed().as_secs_f64()));
        print_timings(ui, &timings);
    }
    let (pages, sections) = outcome.site.as_ref().map_or((0, 0), |s| {
        let sections = s.pages.iter().filter(|p| p.is_section).count();
        (s.pages.len() - sections, sections)
    });
    let seconds = started.elapsed().as_secs_f64();
    let verdict = if errors == 0 { format!("built {}", pipeline::display(&out_dir)) } else { "build failed; previous output left untouched".into() };
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

fn print_timings(ui: &Ui, timings: &[(&'static str, f64)]) {
    if !ui.verbose {
        return;
    }
    eprintln!("{:<14} {:>9}", "stage", "seconds");
    for (stage, seconds) in timings {
        eprintln!("{stage:<14} {seconds:>9.3}");
    }
}
