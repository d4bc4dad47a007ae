//! `fieldbook serve`: build, serve on 127.0.0.1, watch, rebuild and live-reload.

use std::path::Path;
use std::process::ExitCode;

use super::Ui;

/// Runs `serve`.
pub fn run(
    _ui: &Ui,
    _root: &Path,
    _bind: &str,
    _port: u16,
    _open: bool,
    _drafts: bool,
) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`serve` is not available in this build yet; use `fieldbook build` and open public/index.html")
}
