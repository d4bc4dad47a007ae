//! The commands. The only code that sequences pipeline stages.

pub mod build;
pub mod check;
pub mod init;
pub mod new;
pub mod pipeline;
pub mod search_index;
pub mod serve;

use std::process::ExitCode;

use crate::diag::Diagnostic;

/// How to talk to the user.
#[derive(Debug, Clone, Copy)]
pub struct Ui {
    pub color: bool,
    pub quiet: bool,
    pub verbose: bool,
}

impl Ui {
    /// Prints diagnostics to stderr, each followed by a blank line.
    pub fn print_diagnostics(&self, diagnostics: &[Diagnostic]) {
        use std::io::Write as _;
        let mut stderr = std::io::stderr().lock();
        for d in diagnostics {
            let _ = writeln!(stderr, "{}", d.render(self.color));
        }
    }

    /// Prints a status line unless quiet.
    pub fn status(&self, line: &str) {
        if !self.quiet {
            eprintln!("{line}");
        }
    }
}

/// Exit code 1.
pub fn content_errors() -> ExitCode {
    ExitCode::from(1)
}
