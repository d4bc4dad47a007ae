//! I/O in: reads site.toml, the content folder, the theme and the site's own templates and
//! static files into memory. Content files are read in parallel. Nothing here interprets
//! Markdown or front matter beyond decoding text.

pub mod front_matter;
pub mod git;
pub mod walk;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use rayon::prelude::*;

use crate::config::{Config, Overrides};
use crate::diag::Diagnostic;
use crate::source::SourceFile;

include!(concat!(env!("OUT_DIR"), "/theme.rs"));

/// Everything a build reads, in memory.
#[derive(Debug)]
pub struct Input {
    /// The site root (the folder holding site.toml).
    pub root: PathBuf,
    /// Parsed configuration.
    pub config: Config,
    /// Markdown files; `path` is relative to the root (`content/x.md`).
    pub pages: Vec<SourceFile>,
    /// Non-Markdown files under content/, relative to the content folder.
    pub assets: Vec<String>,
    /// Templates by name (`page.html`), theme first, then site overrides replacing them.
    pub templates: Vec<SourceFile>,
    /// Static files of the theme and the site's `static/` folder: (output path, bytes).
    pub static_files: Vec<(String, Vec<u8>)>,
    /// Warnings and errors met while reading.
    pub diagnostics: Vec<Diagnostic>,
}

/// Why loading stopped before content could be read.
pub enum LoadError {
    /// site.toml has errors: diagnostics to print.
    Config(Vec<Diagnostic>),
    /// Something the author cannot fix in content.
    Io(anyhow::Error),
}

/// Reads site.toml only.
pub fn config(root: &Path, overrides: &Overrides) -> Result<(Config, Vec<Diagnostic>), LoadError> {
    let path = root.join("site.toml");
    let bytes = std::fs::read(&path)
        .with_context(|| {
            format!(
                "cannot read `{}` (is this a fieldbook site? use --root or `fieldbook init`)",
                path.display()
            )
        })
        .map_err(LoadError::Io)?;
    let source = match decode(PathBuf::from("site.toml"), bytes) {
        Ok(source) => source,
        Err(d) => return Err(LoadError::Config(vec![d])),
    };
    let (mut config, warnings) = Config::parse(&source).map_err(LoadError::Config)?;
    config.apply_overrides(overrides);
    Ok((config, warnings))
}

/// Reads the whole site.
pub fn site(root: &Path, overrides: &Overrides) -> Result<Input, LoadError> {
    let (config, mut diagnostics) = config(root, overrides)?;
    let content_rel = PathBuf::from(&config.site.content_dir);
    let content_dir = root.join(&content_rel);
    if !content_dir.is_dir() {
        diagnostics.push(
            Diagnostic::error(
                "no-content",
                format!("content folder `{}` does not exist", content_rel.display()),
            )
            .in_file(Path::new("site.toml"))
            .with_help("create it, or set `content_dir` under `[site]`"),
        );
    }
    let found = walk::content(&content_dir, &content_rel);
    diagnostics.extend(found.diagnostics);
    let read: Vec<Result<SourceFile, Diagnostic>> = found
        .pages
        .par_iter()
        .map(|rel| {
            let display = walk::join(&content_rel, rel);
            let bytes = std::fs::read(walk::join(&content_dir, rel)).map_err(|err| {
                Diagnostic::error("unreadable", format!("cannot read file: {err}"))
                    .in_file(&display)
            })?;
            decode(display, bytes)
        })
        .collect();
    let mut pages = Vec::with_capacity(read.len());
    for result in read {
        match result {
            Ok(source) => pages.push(source),
            Err(d) => diagnostics.push(d),
        }
    }
    let (templates, static_files) =
        theme(root, &config, &mut diagnostics).map_err(LoadError::Io)?;
    Ok(Input {
        root: root.to_path_buf(),
        config,
        pages,
        assets: found.assets,
        templates,
        static_files,
        diagnostics,
    })
}

/// Decodes UTF-8, pointing at the first invalid byte otherwise.
fn decode(path: PathBuf, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(SourceFile::new(path, text)),
        Err(err) => {
            let valid = err.utf8_error().valid_up_to();
            let bytes = err.into_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]).into_owned();
            let line = prefix.matches('\n').count() + 1;
            let col = prefix.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let lossy = SourceFile::new(path, String::from_utf8_lossy(&bytes).into_owned());
            Err(Diagnostic::error(
                "invalid-utf8",
                format!("file is not valid UTF-8 (byte {valid})"),
            )
            .at_line_col(&lossy, line, col, 1)
            .with_help("save the file as UTF-8 in your editor"))
        }
    }
}

pub type Theme = (Vec<SourceFile>, Vec<(String, Vec<u8>)>);

/// Loads the theme (from `themes/<name>/` on disk if present, else the built-in default),
/// then the site's own `templates/` and `static/` over it.
pub fn theme(
    root: &Path,
    config: &Config,
    diagnostics: &mut Vec<Diagnostic>,
) -> anyhow::Result<Theme> {
    let mut templates: Vec<SourceFile> = Vec::new();
    let mut statics: Vec<(String, Vec<u8>)> = Vec::new();
    let theme_dir = root.join("themes").join(&config.site.theme);
    let mut files: Vec<(String, PathBuf, Vec<u8>)> = Vec::new();
    if theme_dir.is_dir() {
        read_tree(
            &theme_dir,
            &PathBuf::from("themes").join(&config.site.theme),
            &mut files,
        )?;
    } else if config.site.theme == "default" {
        for (rel, bytes) in DEFAULT_THEME {
            files.push((
                rel.to_string(),
                PathBuf::from("[builtin]/themes/default").join(rel),
                bytes.to_vec(),
            ));
        }
    } else {
        diagnostics.push(
            Diagnostic::error(
                "unknown-theme",
                format!("theme `{}` not found in `themes/`", config.site.theme),
            )
            .in_file(Path::new("site.toml"))
            .with_help("remove `theme` to use the built-in default theme"),
        );
    }
    for dir in ["templates", "static"] {
        let site_dir = root.join(dir);
        if site_dir.is_dir() {
            let mut site_files = Vec::new();
            read_tree(&site_dir, Path::new(""), &mut site_files)?;
            files.extend(site_files.into_iter().map(|(rel, path, bytes)| {
                (format!("{dir}/{rel}"), PathBuf::from(dir).join(path), bytes)
            }));
        }
    }
    for (rel, display, bytes) in files {
        if let Some(name) = rel.strip_prefix("templates/") {
            match decode(display, bytes) {
                Ok(source) => {
                    templates.retain(|t: &SourceFile| template_name(t) != name);
                    templates.push(source);
                }
                Err(d) => diagnostics.push(d),
            }
        } else if let Some(name) = rel.strip_prefix("static/") {
            statics.retain(|(n, _)| n != name);
            statics.push((name.to_string(), bytes));
        }
    }
    templates.sort_by(|a, b| template_name(a).cmp(template_name(b)));
    statics.sort();
    Ok((templates, statics))
}

/// A template's name: its path below `templates/`.
pub fn template_name(source: &SourceFile) -> &str {
    let path = source.path.to_str().unwrap_or("");
    match path.find("templates/") {
        Some(i) => &path[i + "templates/".len()..],
        None => path,
    }
}

fn read_tree(
    dir: &Path,
    display: &Path,
    out: &mut Vec<(String, PathBuf, Vec<u8>)>,
) -> anyhow::Result<()> {
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read `{}`", dir.display()))?;
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if !entry.file_type().is_file() || rel.split('/').any(walk::is_ignored_name) {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .with_context(|| format!("cannot read `{}`", entry.path().display()))?;
        out.push((rel.clone(), walk::join(display, &rel), bytes));
    }
    Ok(())
}
