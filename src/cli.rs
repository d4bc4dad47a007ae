//! The command line (clap derive). Nothing else imports clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// fieldbook: turn a Git repository of Markdown sales content into a fast, searchable site.
#[derive(Debug, Parser)]
#[command(name = "fieldbook", version, about)]
pub struct Cli {
    /// Site root (the folder holding site.toml)
    #[arg(long, global = true, default_value = ".")]
    pub root: PathBuf,
    /// Print only errors and warnings
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print a per-stage timing table
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to use colour
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

/// Colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Output format of `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder
    Build {
        /// Output folder (default: `output_dir` in site.toml, else public/)
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Include pages with `status: draft`
        #[arg(long)]
        drafts: bool,
        /// Absolute URL of the published site, for sitemap.xml and feed.xml
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Build, serve on 127.0.0.1, watch, rebuild and live-reload
    Serve {
        /// Address to bind
        #[arg(long, default_value = "127.0.0.1")]
        bind: String,
        /// Port (0 picks a free one)
        #[arg(short, long, default_value_t = 1111)]
        port: u16,
        /// Open the site in the browser
        #[arg(long)]
        open: bool,
        /// Include pages with `status: draft`
        #[arg(long)]
        drafts: bool,
    },
    /// Run every validation of a build plus the lints, and write nothing
    Check {
        /// Output format
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// Fail (exit 1) on warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// Limit lints (not errors) to files changed since this Git revision
        #[arg(long)]
        changed_since: Option<String>,
    },
    /// Scaffold a new handbook that builds at once
    Init {
        /// Folder to create (default: the current folder)
        dir: Option<PathBuf>,
    },
    /// Create a content file of a kind with valid front matter
    New {
        /// playbook, framework, coaching or page
        kind: String,
        /// The page title
        title: String,
        /// Folder below content/ to put it in
        #[arg(long)]
        section: Option<String>,
    },
}
