//! `fieldbook serve`: build, serve on 127.0.0.1, watch, rebuild and live-reload (see
//! [`crate::serve`]).

use std::path::Path;
use std::process::ExitCode;

use super::Ui;

/// Runs `serve`.
pub fn run(
    ui: &Ui,
    root: &Path,
    bind: &str,
    port: u16,
    open: bool,
    drafts: bool,
) -> anyhow::Result<ExitCode> {
    crate::serve::run(ui, root, bind, port, open, drafts)
}
