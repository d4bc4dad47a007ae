//! `fieldbook check`: every validation of a build plus the lints, in human, JSON or GitHub
//! annotation format. Shares the pipeline with `build`, so the two cannot disagree; writes
//! nothing.

use std::path::Path;
use std::process::ExitCode;

use super::pipeline::{self, Options};
use super::Ui;
use crate::cli::Format;
use crate::diag::{display_path, Diagnostic, Severity};
use crate::model::Site;

/// Runs `check`.
pub fn run(
    ui: &Ui,
    root: &Path,
    format: Format,
    deny_warnings: bool,
    changed_since: Option<String>,
) -> anyhow::Result<ExitCode> {
    let options = Options {
        root: root.to_path_buf(),
        ..Options::default()
    };
    let outcome = pipeline::run(&options)?;
    let mut diagnostics = outcome.diagnostics.clone();
    if let Some(site) = &outcome.site {
        diagnostics.extend(lints(site));
    }
    if let Some(rev) = changed_since {
        let changed = crate::load::git::changed_since(root, &rev)?;
        diagnostics.retain(|d| {
            d.severity == Severity::Error
                || d.file
                    .as_ref()
                    .is_some_and(|f| changed.contains(&display_path(f)))
        });
    }
    let sink = crate::diag::Diagnostics::default();
    sink.extend(diagnostics);
    let diagnostics = sink.into_sorted();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Human => {
            ui.print_diagnostics(&diagnostics);
            ui.status(&format!("checked: {warnings} warnings, {errors} errors"));
        }
        Format::Json => println!("{}", to_json(&diagnostics)),
        Format::Github => {
            for d in &diagnostics {
                println!("{}", to_github(d));
            }
        }
    }
    Ok(if errors > 0 || (deny_warnings && warnings > 0) {
        super::content_errors()
    } else {
        ExitCode::SUCCESS
    })
}

/// Lints that only `check` reports: orphans and missing summaries.
pub fn lints(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (i, page) in site.pages.iter().enumerate() {
        let Some(source) = &page.source else { continue };
        if page.is_section || i == 0 {
            continue;
        }
        if site.inbound[i] == 0 {
            out.push(Diagnostic::warning("orphan-page", format!("no page links to `{}`", page.title))
                .at(source, 0, 0)
                .with_help("link to it from a related page or list it in `related:` so readers can find it"));
        }
        // Kinds other than `page` require a summary, which is already an error.
        if page.summary.is_empty()
            && page.has_front_matter
            && matches!(page.kind, crate::model::PageKind::Page)
        {
            out.push(
                page.at_key(
                    Diagnostic::warning("missing-summary", "page has no `summary`"),
                    "title",
                    None,
                )
                .with_help(
                    "add a one-sentence `summary:`; it is the search snippet and the card text",
                ),
            );
        }
    }
    out
}

fn to_json(diagnostics: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = diagnostics
        .iter()
        .map(|d| {
            serde_json::json!({
                "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                "code": d.code,
                "message": d.message,
                "file": d.file.as_ref().map(|f| display_path(f)),
                "line": d.span.map(|s| s.line),
                "column": d.span.map(|s| s.col),
                "end_line": d.span.map(|s| s.line),
                "end_column": d.span.map(|s| s.col + s.len),
                "hint": d.help,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

fn to_github(d: &Diagnostic) -> String {
    let level = if d.severity == Severity::Error {
        "error"
    } else {
        "warning"
    };
    let mut props = Vec::new();
    if let Some(file) = &d.file {
        props.push(format!("file={}", escape_property(&display_path(file))));
    }
    if let Some(span) = d.span {
        props.push(format!("line={}", span.line));
        props.push(format!("col={}", span.col));
        props.push(format!("endColumn={}", span.col + span.len));
    }
    props.push(format!("title={}", escape_property(d.code)));
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    format!("::{level} {}::{}", props.join(","), escape_data(&message))
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
