//! fieldbook: a static knowledge-site generator for sales handbooks.
//!
//! The pipeline, in module order: [`load`] → [`model`] → [`markdown`] → [`templates`] /
//! [`render`] → [`search`] → [`write`]; [`cmd`] sequences the stages for each command.

pub mod cli;
pub mod cmd;
pub mod config;
pub mod diag;
pub mod load;
pub mod markdown;
pub mod model;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;
pub mod templates;
pub mod write;

use std::process::ExitCode;

/// Runs a parsed command line and returns the process exit code (0, 1 or 2).
pub fn run(cli: cli::Cli) -> ExitCode {
    let color = match cli.color {
        cli::ColorChoice::Always => true,
        cli::ColorChoice::Never => false,
        cli::ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stderr())
        }
    };
    let ui = cmd::Ui {
        color,
        quiet: cli.quiet,
        verbose: cli.verbose,
    };
    let result = match cli.command {
        cli::Command::Build {
            output,
            drafts,
            base_url,
        } => cmd::build::run(&ui, &cli.root, output, drafts, base_url),
        cli::Command::Check {
            format,
            deny_warnings,
            changed_since,
        } => cmd::check::run(&ui, &cli.root, format, deny_warnings, changed_since),
        cli::Command::Serve {
            bind,
            port,
            open,
            drafts,
        } => cmd::serve::run(&ui, &cli.root, &bind, port, open, drafts),
        cli::Command::Init { dir } => cmd::init::run(&ui, dir.unwrap_or_else(|| cli.root.clone())),
        cli::Command::New {
            kind,
            title,
            section,
        } => cmd::new::run(&ui, &cli.root, &kind, &title, section.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            let mut message = format!("error: {err}");
            for cause in err.chain().skip(1) {
                message.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{message}");
            ExitCode::from(2)
        }
    }
}
