//! `fieldbook new`: create a content file with valid front matter.

use std::path::Path;
use std::process::ExitCode;

use super::Ui;

/// Runs `new`.
pub fn run(_ui: &Ui, _root: &Path, _kind: &str, _title: &str, _section: Option<&str>) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`new` is not available in this build yet")
}
