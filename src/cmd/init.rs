//! `fieldbook init`: scaffold a new handbook.

use std::path::PathBuf;
use std::process::ExitCode;

use super::Ui;

/// Runs `init`.
pub fn run(_ui: &Ui, _dir: PathBuf) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`init` is not available in this build yet")
}
