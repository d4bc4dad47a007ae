//! What a batch of changed paths means for the site: a pure function from the paths the
//! watcher reported to a [`ChangeSet`] (content, templates, static files, site.toml).
//! Editors produce odd event sequences (swap files, backups, temporary names); everything
//! the build would ignore is dropped here, as is anything in the output folder.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};

use crate::load::walk::is_ignored_name;

/// Where things are in a site, as far as watching goes. Paths are relative to `root`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// The site root, absolute.
    pub root: PathBuf,
    /// `content_dir` from site.toml.
    pub content_dir: PathBuf,
    /// `output_dir` from site.toml; never watched.
    pub output_dir: PathBuf,
    /// The theme's name (`themes/<name>/` on disk, if present).
    pub theme: String,
}

impl Layout {
    /// The folders to watch recursively (those that exist are watched; the root itself is
    /// watched non-recursively for site.toml and for these folders appearing).
    pub fn watched_dirs(&self) -> Vec<PathBuf> {
        vec![
            self.root.join(&self.content_dir),
            self.root.join("templates"),
            self.root.join("static"),
            self.root.join("themes"),
        ]
    }
}

/// What changed, by kind. Paths are relative to the site root, `/`-separated components.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// site.toml changed: everything is rebuilt.
    pub config: bool,
    /// Templates of the site or of the theme in use.
    pub templates: BTreeSet<PathBuf>,
    /// Files under the site's or the theme's `static/`.
    pub static_files: BTreeSet<PathBuf>,
    /// Markdown files under the content folder.
    pub pages: BTreeSet<PathBuf>,
    /// Anything else under the content folder: assets, and folders (a removed or renamed
    /// folder is reported by its own path).
    pub other_content: BTreeSet<PathBuf>,
}

impl ChangeSet {
    /// Nothing the build reads changed.
    pub fn is_empty(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.static_files.is_empty()
            && self.pages.is_empty()
            && self.other_content.is_empty()
    }

    /// Only stylesheets changed: browsers can swap them without reloading.
    pub fn is_css_only(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.pages.is_empty()
            && self.other_content.is_empty()
            && !self.static_files.is_empty()
            && self
                .static_files
                .iter()
                .all(|p| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("css")))
    }

    /// Only Markdown files changed (edited, added or removed).
    pub fn is_pages_only(&self) -> bool {
        !self.config
            && self.templates.is_empty()
            && self.static_files.is_empty()
            && self.other_content.is_empty()
            && !self.pages.is_empty()
    }
}

/// Sorts changed paths (absolute, or relative to the root) into a [`ChangeSet`]. Pure: never
/// looks at the filesystem.
pub fn classify<P: AsRef<Path>>(paths: &[P], layout: &Layout) -> ChangeSet {
    let mut set = ChangeSet::default();
    for path in paths {
        let Some(rel) = relative(path.as_ref(), &layout.root) else {
            continue;
        };
        if rel.as_os_str().is_empty() || is_ignored(&rel) {
            continue;
        }
        if !layout.output_dir.as_os_str().is_empty() && rel.starts_with(&layout.output_dir) {
            continue;
        }
        if rel == Path::new("site.toml") {
            set.config = true;
        } else if rel.starts_with(&layout.content_dir) && rel != layout.content_dir {
            let is_markdown = rel.extension().is_some_and(|e| {
                e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
            });
            if is_markdown {
                set.pages.insert(rel);
            } else {
                set.other_content.insert(rel);
            }
        } else if rel == layout.content_dir {
            // The content folder itself appeared or went away.
            set.other_content.insert(rel);
        } else if rel.starts_with("templates") {
            set.templates.insert(rel);
        } else if rel.starts_with("static") {
            set.static_files.insert(rel);
        } else if let Ok(in_theme) = rel.strip_prefix(Path::new("themes").join(&layout.theme)) {
            if in_theme.starts_with("static") {
                set.static_files.insert(rel);
            } else {
                // Templates, or the theme folder itself: re-read the theme.
                set.templates.insert(rel);
            }
        } else if rel == Path::new("themes") {
            set.templates.insert(rel);
        }
    }
    set
}

/// `path` relative to `root`, without `.` components; `None` when outside the root or
/// when it climbs with `..`.
fn relative(path: &Path, root: &Path) -> Option<PathBuf> {
    let rel = if path.is_absolute() {
        path.strip_prefix(root).ok()?
    } else {
        path
    };
    let mut out = PathBuf::new();
    for component in rel.components() {
        match component {
            Component::Normal(c) => out.push(c),
            Component::CurDir => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Whether any component is a name the build ignores (hidden, backup, swap file).
fn is_ignored(rel: &Path) -> bool {
    rel.components().any(|c| match c {
        Component::Normal(name) => is_ignored_name(&name.to_string_lossy()),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layout() -> Layout {
        Layout {
            root: PathBuf::from("/site"),
            content_dir: PathBuf::from("content"),
            output_dir: PathBuf::from("public"),
            theme: "default".into(),
        }
    }

    fn set(paths: &[&str]) -> ChangeSet {
        classify(paths, &layout())
    }

    fn paths(items: &[&str]) -> BTreeSet<PathBuf> {
        items.iter().map(PathBuf::from).collect()
    }

    #[test]
    fn content_pages_and_assets() {
        let s = set(&[
            "/site/content/a.md",
            "/site/content/s/B.Markdown",
            "/site/content/img/x.png",
        ]);
        assert_eq!(s.pages, paths(&["content/a.md", "content/s/B.Markdown"]));
        assert_eq!(s.other_content, paths(&["content/img/x.png"]));
        assert!(!s.config && s.templates.is_empty() && s.static_files.is_empty());
        assert!(!s.is_pages_only());
    }

    #[test]
    fn relative_paths_are_accepted() {
        assert_eq!(
            set(&["content/a.md", "./content/b.md"]).pages,
            paths(&["content/a.md", "content/b.md"])
        );
    }

    #[test]
    fn config_templates_static() {
        let s = set(&[
            "/site/site.toml",
            "/site/templates/page.html",
            "/site/static/x.css",
        ]);
        assert!(s.config);
        assert_eq!(s.templates, paths(&["templates/page.html"]));
        assert_eq!(s.static_files, paths(&["static/x.css"]));
    }

    #[test]
    fn theme_in_use_only() {
        let s = set(&[
            "/site/themes/default/templates/base.html",
            "/site/themes/default/static/t.css",
            "/site/themes/other/templates/x.html",
        ]);
        assert_eq!(s.templates, paths(&["themes/default/templates/base.html"]));
        assert_eq!(s.static_files, paths(&["themes/default/static/t.css"]));
    }

    #[test]
    fn editor_droppings_are_ignored() {
        // vim swap and backup files, emacs lock and autosave files, hidden temp files, and
        // anything inside a hidden folder.
        let s = set(&[
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/.#a.md",
            "/site/content/#a.md#",
            "/site/content/.a.md.tmp.1234",
            "/site/content/a.md.swx",
            "/site/content/.git/index",
            "/site/.git/HEAD",
            "/site/content/4913.tmp",
        ]);
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn write_then_rename_keeps_the_target() {
        // A temporary file renamed over the page: both names are reported; the page counts.
        let s = set(&["/site/content/.a.md.tmp", "/site/content/a.md"]);
        assert_eq!(s.pages, paths(&["content/a.md"]));
        assert!(s.is_pages_only());
    }

    #[test]
    fn output_and_unrelated_files_are_ignored() {
        let s = set(&[
            "/site/public/index.html",
            "/site/public",
            "/site/README.md",
            "/elsewhere/content/a.md",
            "/site/../x/content/a.md",
            "/site",
        ]);
        assert!(s.is_empty(), "{s:?}");
    }

    #[test]
    fn folders_count_as_content_structure() {
        let s = set(&["/site/content/playbooks", "/site/content"]);
        assert_eq!(s.other_content, paths(&["content/playbooks", "content"]));
    }

    #[test]
    fn many_paths_dedup() {
        let many: Vec<String> = (0..200)
            .map(|i| format!("/site/content/p{}.md", i % 50))
            .collect();
        assert_eq!(classify(&many, &layout()).pages.len(), 50);
    }

    #[test]
    fn css_only() {
        assert!(set(&["/site/static/a.css", "/site/themes/default/static/b.CSS"]).is_css_only());
        assert!(!set(&["/site/static/a.css", "/site/static/a.js"]).is_css_only());
        assert!(!set(&["/site/static/a.css", "/site/content/a.md"]).is_css_only());
        assert!(!set(&[] as &[&str]).is_css_only());
    }

    #[test]
    fn custom_folders() {
        let l = Layout {
            content_dir: PathBuf::from("docs"),
            output_dir: PathBuf::from("docs/_site"),
            ..layout()
        };
        let s = classify(
            &[
                "/site/docs/a.md",
                "/site/docs/_site/a/index.html",
                "/site/content/x.md",
            ],
            &l,
        );
        assert_eq!(s.pages, paths(&["docs/a.md"]));
        assert!(s.other_content.is_empty());
    }
}
