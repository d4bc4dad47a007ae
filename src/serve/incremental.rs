//! Rebuilding in memory, doing only what a change affects. A [`Session`] picks a plan from
//! the [`ChangeSet`]:
//!
//! - site.toml: everything, with an empty cache;
//! - bodies of existing pages, front matter unchanged: the **fast path** — re-render the
//!   Markdown of those files only, update links, anchors and lints, re-render those pages;
//!   the print views and the health page (which show bodies and links) and the search index
//!   are re-rendered right after, as *deferred* work, while requests for them wait;
//! - static files edited in place: copy them;
//! - anything else (templates, added, removed or renamed files, assets, front matter): the
//!   whole pipeline with a [`Cache`], which reuses the front matter and Markdown of every
//!   file whose text (and, for Markdown, whose links' targets) did not change, so a template
//!   edit re-renders without re-parsing Markdown.
//!
//! Every plan gives the same bytes as a full build (tests/it/serve.rs checks it).

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::PathBuf;

use axum::body::Bytes;
use rayon::prelude::*;

use super::cache::{Cache, Snapshot, Stats};
use super::classify::{ChangeSet, Layout};
use crate::cmd::pipeline::{self, Options};
use crate::diag::{Diagnostic, Severity};
use crate::markdown::{self, PageRef, Rendered};
use crate::model::{tree, Date};
use crate::render::{self, Contents, OutputFile};
use crate::source::SourceFile;

/// New output of a rebuild.
#[derive(Debug)]
pub enum Output {
    /// The whole site.
    Full(HashMap<String, Bytes>),
    /// Changed and removed files only.
    Patch {
        set: Vec<(String, Bytes)>,
        remove: Vec<String>,
    },
}

/// The result of a rebuild.
#[derive(Debug)]
pub struct Rebuilt {
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// `None` when the build failed: the last good site stays served.
    pub output: Option<Output>,
    /// Output paths that [`Session::finish_deferred`] may change next.
    pub deferred: Vec<String>,
    /// Number of pages and sections.
    pub pages: usize,
    pub sections: usize,
    /// Which plan ran.
    pub plan: Plan,
    /// Cache use, for a pipeline run.
    pub stats: Option<Stats>,
    /// (stage, seconds), for `--verbose`.
    pub timings: Vec<(&'static str, f64)>,
}

impl Rebuilt {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
}

/// How a rebuild was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The pipeline (with the cache).
    Full,
    /// Bodies of existing pages.
    Bodies,
    /// Static files copied.
    Static,
}

/// Fast-path state, valid while the served site is the render of the snapshot except for
/// `stale` pages (edited while the build had errors).
struct Live {
    /// What page renders share (globals set, reading order, side navigation lists).
    prepared: render::Prepared,
    /// Page index by source path (relative to the root).
    by_source: HashMap<PathBuf, usize>,
    /// Output paths a page render must not replace (assets and static files win).
    reserved: HashSet<String>,
    /// Pages whose served output is older than the snapshot.
    stale: BTreeSet<usize>,
    /// Pages whose bodies the print views show out of date, and whether the health page and
    /// search index are out of date: the deferred work.
    views: HashSet<usize>,
    health: bool,
    search: bool,
    /// Paths of the search index files last served.
    search_paths: Vec<String>,
}

/// A serve session: the options, the layout, the cache and the fast-path state.
pub struct Session {
    options: Options,
    layout: Layout,
    cache: Cache,
    live: Option<Live>,
}

impl Session {
    /// A session for `options.root` (absolute).
    pub fn new(options: Options) -> Session {
        let layout = Layout {
            root: options.root.clone(),
            content_dir: "content".into(),
            output_dir: "public".into(),
            theme: "default".into(),
        };
        Session {
            options,
            layout,
            cache: Cache::default(),
            live: None,
        }
    }

    /// Where things are before any build: from site.toml if it can be read.
    pub fn initial_layout(&mut self) -> Layout {
        if let Ok((config, _)) = crate::load::config(&self.options.root, &self.options.overrides) {
            self.layout.content_dir = config.site.content_dir.clone().into();
            self.layout.output_dir = config.site.output_dir.clone().into();
            self.layout.theme = config.site.theme.clone();
        }
        self.layout.clone()
    }

    /// Where things are, from the last site.toml that could be read.
    pub fn layout(&self) -> Layout {
        self.layout.clone()
    }

    /// Cache statistics of the last pipeline run.
    pub fn stats(&self) -> Stats {
        Stats {
            render_hits: self.cache.memo.hits(),
            render_misses: self.cache.memo.misses(),
            ..self.cache.stats
        }
    }

    /// Rebuilds after `changes` (`None`: the first build).
    pub fn rebuild(&mut self, changes: Option<&ChangeSet>) -> Rebuilt {
        let Some(changes) = changes else {
            return self.full();
        };
        if changes.config {
            self.cache = Cache::default();
            return self.full();
        }
        if changes.is_pages_only() {
            if let Some(rebuilt) = self.edit_bodies(&changes.pages) {
                return rebuilt;
            }
        } else if is_static_only(changes) {
            if let Some(rebuilt) = self.edit_static() {
                return rebuilt;
            }
        }
        self.full()
    }

    /// The whole pipeline, reusing what the cache holds.
    fn full(&mut self) -> Rebuilt {
        self.live = None;
        let outcome = match pipeline::run_with(&self.options, Some(&mut self.cache)) {
            Ok(outcome) => outcome,
            Err(err) => {
                return self.failed(
                    vec![Diagnostic::error("unreadable", format!("{err:#}"))],
                    Plan::Full,
                )
            }
        };
        self.layout.output_dir = outcome.output_dir.clone();
        if let Some(snapshot) = &self.cache.snapshot {
            self.layout.content_dir = snapshot.site.config.site.content_dir.clone().into();
            self.layout.theme = snapshot.site.config.site.theme.clone();
        } else {
            // site.toml could not be read: nothing of the last model is valid.
            self.cache.snapshot = None;
        }
        let errors = outcome.errors();
        let mut rebuilt = self.counted(outcome.diagnostics, Plan::Full);
        rebuilt.stats = Some(self.stats());
        if errors > 0 {
            return rebuilt;
        }
        rebuilt.timings = outcome
            .timings
            .iter()
            .map(|&(stage, secs, _)| (stage, secs))
            .collect();
        let started = std::time::Instant::now();
        let memory = crate::write::to_memory(&self.options.root, outcome.files);
        rebuilt
            .timings
            .push(("to memory", started.elapsed().as_secs_f64()));
        match memory {
            Ok(map) => {
                rebuilt.output = Some(Output::Full(
                    map.into_iter().map(|(k, v)| (k, Bytes::from(v))).collect(),
                ));
                self.live = self.cache.snapshot.as_mut().and_then(Live::new);
            }
            Err(err) => rebuilt
                .diagnostics
                .push(Diagnostic::error("unreadable", format!("{err:#}"))),
        }
        rebuilt
    }

    fn counted(&self, diagnostics: Vec<Diagnostic>, plan: Plan) -> Rebuilt {
        let (pages, sections) = self.cache.snapshot.as_ref().map_or((0, 0), |s| {
            let sections = s.site.pages.iter().filter(|p| p.is_section).count();
            (s.site.pages.len() - sections, sections)
        });
        Rebuilt {
            diagnostics,
            output: None,
            deferred: Vec::new(),
            pages,
            sections,
            plan,
            stats: None,
            timings: Vec::new(),
        }
    }

    fn failed(&mut self, diagnostics: Vec<Diagnostic>, plan: Plan) -> Rebuilt {
        self.live = None;
        self.counted(diagnostics, plan)
    }

    /// The fast path: only bodies of existing pages changed. `None` when it does not apply
    /// (a file is new, gone, unreadable, or its front matter or first heading changed).
    fn edit_bodies(&mut self, paths: &BTreeSet<PathBuf>) -> Option<Rebuilt> {
        let live = self.live.as_mut()?;
        let snap = self.cache.snapshot.as_mut()?;
        if Date::today().ok()? != snap.site.today {
            return None;
        }
        let mut edits: Vec<(usize, SourceFile)> = Vec::new();
        for rel in paths {
            let &index = live.by_source.get(rel)?;
            let text = String::from_utf8(std::fs::read(self.options.root.join(rel)).ok()?).ok()?;
            let source = SourceFile::new(rel.clone(), text);
            let page = &snap.site.pages[index];
            let old = page.source.as_ref()?;
            if old.text == source.text {
                continue;
            }
            let split = crate::load::front_matter::split(&source).ok()?;
            if split.body != page.body_offset
                || old.text[..page.body_offset] != source.text[..split.body]
            {
                return None;
            }
            if crate::model::title::first_h1(&source.text[split.body..]) != page.h1 {
                return None;
            }
            edits.push((index, source));
        }
        if live.reserved.iter().any(|p| {
            edits
                .iter()
                .any(|(i, _)| render::output_path(&snap.site.pages[*i].url) == *p)
        }) {
            return None;
        }

        // Markdown of the edited files.
        let rendered: Vec<Rendered> = edits
            .par_iter()
            .map(|(index, source)| {
                let page = &snap.site.pages[*index];
                let page_ref = PageRef {
                    source,
                    body_offset: page.body_offset,
                    dir: &page.link_dir,
                    url: &page.url,
                    title: &page.title,
                };
                markdown::render(&page_ref, &snap.resolver, snap.render_options)
            })
            .collect();
        let changed: HashSet<usize> = edits.iter().map(|(i, _)| *i).collect();
        let orphan_before: Vec<bool> = snap.site.inbound.iter().map(|&n| n == 0).collect();
        for ((index, source), rendered) in edits.into_iter().zip(rendered) {
            let linked = pipeline::linked_pages(index, rendered.linked_pages);
            for &t in &snap.links[index] {
                snap.site.inbound[t] -= 1;
            }
            for &t in &linked {
                snap.site.inbound[t] += 1;
            }
            snap.links[index] = linked;
            snap.anchor_uses[index] = rendered.anchors_to_check;
            snap.extra_anchors[index] = rendered.extra_anchors;
            let page = &mut snap.site.pages[index];
            page.source = Some(source);
            page.html = rendered.html;
            page.headings = rendered.headings;
            page.text = rendered.text;
            page.words = rendered.words;
            snap.anchor_sets[index] = pipeline::page_anchors(page, &snap.extra_anchors[index]);
            let mut diagnostics = rendered.diagnostics;
            tree::check_headings_of(&snap.site, index, &mut diagnostics);
            snap.page_diagnostics[index] = diagnostics;
        }
        // Anchors used by the edited pages, and anchors into them.
        let warn = snap.render_options.broken_links_warn;
        for user in 0..snap.site.pages.len() {
            let affected = changed.contains(&user)
                || snap.anchor_uses[user]
                    .iter()
                    .any(|u| u.page.is_some_and(|t| changed.contains(&t)));
            if affected {
                snap.anchor_diagnostics[user] = pipeline::check_anchors(
                    &snap.site.pages,
                    &snap.anchor_sets,
                    user,
                    &snap.anchor_uses[user],
                    warn,
                );
            }
        }
        live.stale.extend(changed.iter().copied());
        live.views.extend(changed.iter().copied());
        live.search |= !changed.is_empty();
        live.health |= snap
            .site
            .inbound
            .iter()
            .zip(&orphan_before)
            .any(|(&n, &was)| (n == 0) != was);

        let mut diagnostics = snap.diagnostics();
        let (pages, sections) = {
            let sections = snap.site.pages.iter().filter(|p| p.is_section).count();
            (snap.site.pages.len() - sections, sections)
        };
        let mut rebuilt = Rebuilt {
            diagnostics: Vec::new(),
            output: None,
            deferred: Vec::new(),
            pages,
            sections,
            plan: Plan::Bodies,
            stats: None,
            timings: Vec::new(),
        };
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            rebuilt.diagnostics = diagnostics;
            return Some(rebuilt);
        }
        let templates = snap.templates.as_ref()?;
        let stale: Vec<usize> = live.stale.iter().copied().collect();
        let results: Vec<Result<OutputFile, Diagnostic>> = stale
            .par_iter()
            .map(|&i| render::page(&snap.site, templates, &live.prepared, i))
            .collect();
        let mut set = Vec::with_capacity(results.len());
        for result in results {
            match result {
                Ok(file) => set.push((file.path, Bytes::from(contents(file.contents)))),
                Err(d) => diagnostics.push(d),
            }
        }
        rebuilt.diagnostics = pipeline::sorted(diagnostics);
        if rebuilt.errors() > 0 {
            return Some(rebuilt);
        }
        live.stale.clear();
        rebuilt.output = Some(Output::Patch {
            set,
            remove: Vec::new(),
        });
        rebuilt.deferred = render::generated::body_view_paths(&snap.site);
        rebuilt.deferred.extend(live.search_paths.iter().cloned());
        Some(rebuilt)
    }

    /// Static files edited in place: copy them. `None` when files were added or removed.
    fn edit_static(&mut self) -> Option<Rebuilt> {
        let live = self.live.as_mut()?;
        let snap = self.cache.snapshot.as_mut()?;
        if !live.stale.is_empty() {
            return None;
        }
        let mut diagnostics = Vec::new();
        let (_, static_files) =
            crate::load::theme(&self.options.root, &snap.site.config, &mut diagnostics).ok()?;
        if !diagnostics.is_empty()
            || static_files.len() != snap.static_files.len()
            || static_files
                .iter()
                .zip(&snap.static_files)
                .any(|(a, b)| a.0 != b.0)
        {
            return None;
        }
        let mut set = Vec::new();
        for ((name, bytes), (_, old)) in static_files.iter().zip(&snap.static_files) {
            if bytes != old {
                let path = format!("static/{name}");
                if snap.assets.contains(&path) || live.search_paths.contains(&path) {
                    return None;
                }
                set.push((path, Bytes::from(bytes.clone())));
            }
        }
        snap.static_files = static_files;
        let diagnostics = snap.diagnostics();
        let mut rebuilt = self.counted(diagnostics, Plan::Static);
        rebuilt.output = Some(Output::Patch {
            set,
            remove: Vec::new(),
        });
        Some(rebuilt)
    }

    /// Renders what the last fast rebuild deferred: the print views holding edited bodies,
    /// the health page if links changed who is orphaned, and the search index. `None` when
    /// there is nothing to do. Gives the files to set and those to remove (search files of
    /// the previous index).
    pub fn finish_deferred(&mut self) -> Option<(Vec<(String, Bytes)>, Vec<String>)> {
        let live = self.live.as_mut()?;
        let snap = self.cache.snapshot.as_ref()?;
        if !live.stale.is_empty() || (live.views.is_empty() && !live.health && !live.search) {
            return None;
        }
        let templates = snap.templates.as_ref()?;
        let sink = crate::write::MemorySink::default();
        let _diagnostics = render::generated::body_views(
            &snap.site,
            templates,
            &live.prepared.shared,
            &live.views,
            live.health,
            &sink,
        );
        let files = sink.into_files();
        let mut set: Vec<(String, Bytes)> = files
            .into_iter()
            .filter(|f| !live.reserved.contains(&f.path))
            .map(|f| (f.path, Bytes::from(contents(f.contents))))
            .collect();
        let mut remove = Vec::new();
        if live.search {
            let search_files = crate::cmd::search_index::build(&snap.site);
            let paths: Vec<String> = search_files.iter().map(|f| f.path.clone()).collect();
            remove = live
                .search_paths
                .iter()
                .filter(|p| !paths.contains(p))
                .cloned()
                .collect();
            live.reserved.retain(|p| !remove.contains(p));
            live.reserved.extend(paths.iter().cloned());
            live.search_paths = paths;
            for file in search_files {
                let bytes = match file.contents {
                    Contents::Bytes(bytes) => bytes,
                    Contents::Copy(source) => std::fs::read(self.options.root.join(source)).ok()?,
                };
                set.push((file.path, Bytes::from(bytes)));
            }
        }
        live.views.clear();
        live.health = false;
        live.search = false;
        Some((set, remove))
    }
}

fn is_static_only(changes: &ChangeSet) -> bool {
    !changes.config
        && changes.templates.is_empty()
        && changes.pages.is_empty()
        && changes.other_content.is_empty()
        && !changes.static_files.is_empty()
}

fn contents(contents: Contents) -> Vec<u8> {
    match contents {
        Contents::Bytes(bytes) => bytes,
        // Pages and generated views are always made in memory.
        Contents::Copy(_) => Vec::new(),
    }
}

impl Live {
    /// Fast-path state for a snapshot that was just rendered and served.
    fn new(snap: &mut Snapshot) -> Option<Live> {
        let templates = snap.templates.as_mut()?;
        let prepared = render::Prepared::new(&snap.site, templates, &snap.search_script, true);
        let by_source = snap
            .site
            .pages
            .iter()
            .enumerate()
            .filter_map(|(i, p)| Some((p.source.as_ref()?.path.clone(), i)))
            .collect();
        let mut reserved: HashSet<String> = snap.assets.iter().cloned().collect();
        reserved.extend(
            snap.static_files
                .iter()
                .map(|(name, _)| format!("static/{name}")),
        );
        reserved.insert("static/syntax.css".into());
        let search_paths = snap.search_paths.clone();
        reserved.extend(search_paths.iter().cloned());
        Some(Live {
            prepared,
            by_source,
            reserved,
            stale: BTreeSet::new(),
            views: HashSet::new(),
            health: false,
            search: false,
            search_paths,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::classify::classify;
    use std::path::Path;

    struct Site {
        dir: tempfile::TempDir,
        session: Session,
    }

    impl Site {
        fn new() -> Site {
            let dir = tempfile::tempdir().unwrap();
            let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kinds");
            for entry in walkdir::WalkDir::new(&fixture)
                .into_iter()
                .flatten()
                .filter(|e| e.file_type().is_file())
            {
                let rel = entry.path().strip_prefix(&fixture).unwrap();
                if rel.starts_with("expected") {
                    continue;
                }
                std::fs::create_dir_all(dir.path().join(rel).parent().unwrap()).unwrap();
                std::fs::copy(entry.path(), dir.path().join(rel)).unwrap();
            }
            let root = dir.path().canonicalize().unwrap();
            let session = Session::new(Options {
                root,
                ..Options::default()
            });
            Site { dir, session }
        }

        fn write(&self, rel: &str, text: &str) {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }

        fn edit(&self, rel: &str, f: impl Fn(&str) -> String) {
            let text = std::fs::read_to_string(self.dir.path().join(rel)).unwrap();
            self.write(rel, &f(&text));
        }

        fn rebuild(&mut self, paths: &[&str]) -> Rebuilt {
            let changes = classify(paths, &self.session.layout());
            let rebuilt = self.session.rebuild(Some(&changes));
            assert_eq!(rebuilt.errors(), 0, "{:?}", rebuilt.diagnostics);
            rebuilt
        }
    }

    #[test]
    fn plans_and_cache_use() {
        let mut site = Site::new();
        let first = site.session.rebuild(None);
        assert_eq!(first.errors(), 0, "{:?}", first.diagnostics);
        let stats = first.stats.unwrap();
        assert!(stats.parsed_misses > 0 && stats.parsed_hits == 0);
        let pages = stats.parsed_misses;

        // A template: nothing parsed or rendered from Markdown again; every page rendered.
        site.write("templates/unused.html", "x");
        let r = site.rebuild(&["templates/unused.html"]);
        assert_eq!(r.plan, Plan::Full);
        let s = r.stats.unwrap();
        assert_eq!((s.parsed_misses, s.markdown_misses), (0, 0), "{s:?}");
        assert_eq!(s.parsed_hits, pages);
        assert!(s.render_misses > 0 && s.render_hits == 0, "{s:?}");

        // A body: the fast path.
        site.edit("content/notes.md", |t| format!("{t}\nMore.\n"));
        let r = site.rebuild(&["content/notes.md"]);
        assert_eq!(r.plan, Plan::Bodies);
        let Some(Output::Patch { set, .. }) = &r.output else {
            panic!()
        };
        assert_eq!(
            set.iter().map(|(p, _)| p.as_str()).collect::<Vec<_>>(),
            ["notes/index.html"]
        );
        assert!(r.deferred.contains(&"print/index.html".to_string()));
        let later = site.session.finish_deferred().unwrap();
        assert!(later.0.iter().any(|(p, _)| p == "print/index.html"));
        assert!(site.session.finish_deferred().is_none());

        // A title: one file parsed and rendered again; pages that do not show it are reused.
        site.edit("content/notes.md", |t| {
            t.replace("title: Notes", "title: Field notes")
        });
        let r = site.rebuild(&["content/notes.md"]);
        assert_eq!(r.plan, Plan::Full);
        let s = r.stats.unwrap();
        assert_eq!((s.parsed_misses, s.markdown_misses), (1, 1), "{s:?}");
        assert!(s.render_hits > 0 && s.render_misses > 0, "{s:?}");

        // A static file edited in place: copied.
        site.write("static/extra.css", "a{}");
        assert_eq!(
            site.rebuild(&["static/extra.css"]).plan,
            Plan::Full,
            "a new file: full"
        );
        site.write("static/extra.css", "b{}");
        let r = site.rebuild(&["static/extra.css"]);
        assert_eq!(r.plan, Plan::Static);
        let Some(Output::Patch { set, .. }) = &r.output else {
            panic!()
        };
        assert_eq!(
            set,
            &vec![("static/extra.css".to_string(), Bytes::from_static(b"b{}"))]
        );

        // site.toml: everything again.
        site.edit("site.toml", |t| {
            t.replace("title = \"Kinds\"", "title = \"Kinds 2\"")
        });
        let r = site.rebuild(&["site.toml"]);
        let s = r.stats.unwrap();
        assert_eq!(
            (s.parsed_hits, s.markdown_hits, s.render_hits),
            (0, 0, 0),
            "{s:?}"
        );
    }

    #[test]
    fn front_matter_or_new_files_leave_the_fast_path() {
        let mut site = Site::new();
        site.session.rebuild(None);
        site.edit("content/notes.md", |t| {
            t.replace("title: Notes", "title: Other")
        });
        assert_eq!(site.rebuild(&["content/notes.md"]).plan, Plan::Full);
        site.write("content/new.md", "# New\n");
        assert_eq!(site.rebuild(&["content/new.md"]).plan, Plan::Full);
        // No front matter: the first heading is the title, so changing it is not local.
        site.write("content/new.md", "# Renamed\n");
        assert_eq!(site.rebuild(&["content/new.md"]).plan, Plan::Full);
        site.write("content/new.md", "# Renamed\n\nBody.\n");
        assert_eq!(site.rebuild(&["content/new.md"]).plan, Plan::Bodies);
        std::fs::remove_file(site.dir.path().join("content/new.md")).unwrap();
        assert_eq!(site.rebuild(&["content/new.md"]).plan, Plan::Full);
    }
}
