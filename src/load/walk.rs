//! Walks the content folder and sorts what it finds into pages and assets, applying the
//! ignore rules of SPEC §4.1. Returns paths only; reading is done by the caller.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// What the walk found, each list sorted by path.
#[derive(Debug, Default)]
pub struct Found {
    /// Markdown files, relative to the content folder, `/`-separated.
    pub pages: Vec<String>,
    /// Every other file, relative to the content folder.
    pub assets: Vec<String>,
    /// Symlinks and unreadable entries that were skipped.
    pub diagnostics: Vec<Diagnostic>,
}

/// Whether a file or folder name is ignored: hidden files, editor backups and swap files.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.starts_with(".#")
        || name.starts_with('#') && name.ends_with('#')
        || [".swp", ".swo", ".swx", ".tmp", ".bak"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

/// Walks `dir` (the content folder); `display_prefix` names it in diagnostics.
pub fn content(dir: &Path, display_prefix: &Path) -> Found {
    let mut found = Found::default();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(err) => {
                let path = err.path().map(Path::to_path_buf).unwrap_or_default();
                found.diagnostics.push(
                    Diagnostic::warning(
                        "unreadable",
                        format!("cannot read `{}`: {err}", path.display()),
                    )
                    .in_file(&path),
                );
                continue;
            }
        };
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        if entry.file_type().is_symlink() && entry.depth() > 0 {
            found.diagnostics.push(
                Diagnostic::warning("symlink-skipped", format!("symbolic link `{rel_str}` is not followed"))
                    .in_file(&display_prefix.join(rel))
                    .with_help("copy the file into the content folder instead; links could point outside the site"),
            );
            continue;
        }
        if !entry.path().is_file() || entry.depth() == 0 {
            continue;
        }
        let Some(ext) = Path::new(&rel_str)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
        else {
            continue;
        };
        if ext == "md" || ext == "markdown" {
            found.pages.push(rel_str);
        } else {
            found.assets.push(rel_str);
        }
    }
    found
}

/// Joins a `/`-separated relative path onto a base path.
pub fn join(base: &Path, rel: &str) -> PathBuf {
    rel.split('/')
        .fold(base.to_path_buf(), |p, seg| p.join(seg))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignored_names() {
        for name in [
            ".git",
            ".hidden.md",
            "draft.md~",
            ".#draft.md",
            "a.md.swp",
            "#a.md#",
        ] {
            assert!(is_ignored_name(name), "{name}");
        }
        for name in ["a.md", "_index.md", "img.png", "Über uns.md"] {
            assert!(!is_ignored_name(name), "{name}");
        }
    }
}
