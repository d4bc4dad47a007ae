//! Model + templates → the list of output files. Renders pages in parallel; never writes.

pub mod context;
pub mod generated;
pub mod svg;

use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use rayon::prelude::*;
use serde_json::json;

use crate::diag::Diagnostic;
use crate::model::Site;
use crate::templates::Templates;

/// What an output file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Contents {
    /// Bytes made by the build.
    Bytes(Vec<u8>),
    /// A file copied as-is, by path relative to the site root.
    Copy(std::path::PathBuf),
}

/// One file of the built site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Path inside the output folder, `/`-separated, never absolute, never with `..`.
    pub path: String,
    pub contents: Contents,
}

impl OutputFile {
    /// A file made by the build.
    pub fn bytes(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> OutputFile {
        OutputFile {
            path: path.into(),
            contents: Contents::Bytes(bytes.into()),
        }
    }
}

/// Where rendered files go: the disk or memory (see `write`). Render itself never does I/O;
/// files are handed over as they are made, so the whole site is never held at once.
pub trait Sink: Sync {
    /// Takes one file.
    fn put(&self, file: OutputFile);
}

/// Static inputs of a render besides the model.
pub struct Extras<'a> {
    /// Theme and site static files: (path below static/, bytes).
    pub static_files: &'a [(String, Vec<u8>)],
    /// Content assets, content-relative.
    pub assets: &'a [String],
    /// Path of the search loader script, empty without search.
    pub search_script: String,
}

/// Pages rendered by an earlier run, by output path, with a hash of what each was made from
/// (template set, globals, template name, context). A page whose inputs hash the same is
/// reused instead of rendered again, so `serve` re-renders only pages whose view changed.
/// Rendering is a pure function of those inputs, so the output is the same either way.
#[derive(Default)]
pub struct Memo {
    key: u64,
    pages: Mutex<HashMap<String, (u64, Arc<Vec<u8>>)>>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

struct HashWriter(std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Memo {
    /// Starts a run: forgets everything when the templates or the globals changed.
    fn start(&mut self, templates: &Templates, shared: &context::Shared) {
        let mut writer = HashWriter(Default::default());
        writer.0.write_u64(templates.fingerprint());
        let _ = serde_json::to_writer(&mut writer, &shared.site);
        let _ = serde_json::to_writer(&mut writer, &shared.build);
        let key = writer.0.finish();
        let pages = self.pages.get_mut().unwrap_or_else(|e| e.into_inner());
        if key != self.key {
            pages.clear();
            self.key = key;
        }
        *self.hits.get_mut() = 0;
        *self.misses.get_mut() = 0;
    }

    /// Pages reused in the last run.
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// Pages rendered in the last run.
    pub fn misses(&self) -> usize {
        self.misses.load(Ordering::Relaxed)
    }

    /// The bytes of `path` rendered from `template` with `ctx`: reused when the inputs are
    /// those of the earlier run, else rendered and remembered.
    fn render(
        &self,
        templates: &Templates,
        template: &str,
        path: String,
        ctx: Context<'_>,
        what: &str,
    ) -> Result<OutputFile, Diagnostic> {
        // Hashed as JSON: Tera's maps iterate in no fixed order.
        let mut writer = HashWriter(Default::default());
        writer.0.write(template.as_bytes());
        let _ = serde_json::to_writer(&mut writer, &ctx.map);
        writer.0.write_u64(ctx.siblings.1);
        for (key, _, hash) in &ctx.lists {
            writer.0.write(key.as_bytes());
            writer.0.write_u64(*hash);
        }
        let hash = writer.0.finish();
        let pages = &self.pages;
        let known = pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&path)
            .filter(|(h, _)| *h == hash)
            .map(|(_, bytes)| Arc::clone(bytes));
        if let Some(bytes) = known {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return Ok(OutputFile::bytes(path, bytes.as_ref().clone()));
        }
        let size = ctx.size;
        let body = templates.render_file_sized(template, &ctx.into_tera(), what, size)?;
        self.misses.fetch_add(1, Ordering::Relaxed);
        pages
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.clone(), (hash, Arc::new(body.clone())));
        Ok(OutputFile::bytes(path, body))
    }
}

/// A page's template context: its own keys as JSON, the side navigation's list for its
/// section, made once per section as a Tera value (with a hash of it, for the memo), and
/// lists of page cards already made as Tera values (key, list, hash of its cards).
struct Context<'a> {
    map: serde_json::Map<String, serde_json::Value>,
    siblings: &'a (tera::Value, u64),
    lists: Vec<(&'static str, tera::Value, u64)>,
    /// Roughly how many bytes the page will be (0: the template's own estimate).
    size: usize,
}

impl Context<'_> {
    fn into_tera(self) -> tera::Context {
        let mut context = tera::Context::new();
        for (key, value) in context::entries(self.map, &self.siblings.0) {
            context.insert_value(key, value);
        }
        for (key, value, _) in self.lists {
            context.insert_value(key, value);
        }
        context
    }
}

/// Renders `template` with `ctx` into the file at `path`, through `memo` when there is one.
fn render_file(
    templates: &Templates,
    memo: Option<&Memo>,
    template: &str,
    path: String,
    ctx: Context<'_>,
    what: &str,
) -> Result<OutputFile, Diagnostic> {
    match memo {
        Some(memo) => memo.render(templates, template, path, ctx, what),
        None => {
            let size = ctx.size;
            let body = templates.render_file_sized(template, &ctx.into_tera(), what, size)?;
            Ok(OutputFile::bytes(path, body))
        }
    }
}

/// What every page render shares besides the templates: the values of [`prepare`], each
/// page's place in the reading order, and the side navigation's list per section.
pub struct Prepared {
    pub shared: context::Shared,
    pub position: Vec<usize>,
    /// By page index: the sibling list of each section and its hash (none for other pages).
    siblings: Vec<Option<(tera::Value, u64)>>,
    /// By page index: each section's side-navigation entries, rendered on first use.
    entries: Vec<SideEntries>,
    empty: (tera::Value, u64),
}

/// The side navigation's entries of one section, rendered from `partials/sidenav_item.html`
/// once per section instead of once per page: every page of a section lists the same
/// siblings, and that loop was ~15% of a large build. Two sets, as the section's own page
/// sits one folder above its children and so links to them with another root.
#[derive(Default)]
struct SideEntries {
    /// For the section's own page: the root they were made for, and the entries.
    own: std::sync::OnceLock<(String, Result<Vec<String>, Diagnostic>)>,
    /// For its children's pages.
    children: std::sync::OnceLock<(String, Result<Vec<String>, Diagnostic>)>,
}

/// The template of one side-navigation entry (see [`SideEntries`]). A theme without it
/// gets `nav.items` empty and lists `nav.siblings` itself.
const SIDENAV_ITEM: &str = "partials/sidenav_item.html";

/// Renders the side-navigation entry of `sibling` (an item of a sibling list) for a page
/// whose root is `root`.
fn side_entry(
    templates: &Templates,
    sibling: &tera::Value,
    root: &str,
    current: bool,
    what: &str,
) -> Result<String, Diagnostic> {
    let mut context = tera::Context::new();
    context.insert_value("s", sibling.clone());
    context.insert_value("root", tera::Value::from(root));
    context.insert_value("current", tera::Value::from(current));
    let html = templates.render_context(SIDENAV_ITEM, &context, what)?;
    Ok(html.trim().to_string())
}

/// A JSON value as a Tera value, with a hash of its JSON for the memo: for values made once
/// and shared by many renders (side navigation lists, page cards). Without `hash` (no memo),
/// the hash is 0.
fn hashed_tera(value: &serde_json::Value, hash: bool) -> (tera::Value, u64) {
    if !hash {
        return (context::to_tera(value), 0);
    }
    let mut writer = HashWriter(Default::default());
    let _ = serde_json::to_writer(&mut writer, value);
    (context::to_tera(value), writer.0.finish())
}

impl Prepared {
    /// Builds what pages share and sets the templates' globals; `hashes` for a memo.
    pub fn new(
        site: &Site,
        templates: &mut Templates,
        search_script: &str,
        hashes: bool,
    ) -> Prepared {
        let shared = prepare(site, templates, search_script);
        let siblings = (0..site.pages.len())
            .into_par_iter()
            .map(|i| {
                let page = &site.pages[i];
                page.is_section
                    .then(|| hashed_tera(&context::siblings(site, i), hashes))
            })
            .collect();
        Prepared {
            shared,
            position: positions(site),
            siblings,
            entries: (0..site.pages.len())
                .map(|_| SideEntries::default())
                .collect(),
            empty: hashed_tera(&json!([]), hashes),
        }
    }

    /// The side navigation of page `index` as the templates see it: its entries joined into
    /// one HTML string (the page's own entry marked current), and whether the page is one of
    /// them. Empty when the theme has no `partials/sidenav_item.html`.
    fn side_nav(
        &self,
        site: &Site,
        templates: &Templates,
        index: usize,
    ) -> Result<(String, bool), Diagnostic> {
        let Some(container) = context::nav_container(site, index) else {
            return Ok((String::new(), false));
        };
        let siblings = match &self.siblings[container] {
            Some((list, _)) => list.as_array().unwrap_or_default(),
            None => return Ok((String::new(), false)),
        };
        let current = site.pages[container]
            .children
            .iter()
            .position(|&c| c == index);
        if !templates.has(SIDENAV_ITEM) {
            return Ok((String::new(), current.is_some()));
        }
        let root = crate::markdown::links::root_prefix(&site.pages[index].url);
        let set = if container == index {
            &self.entries[container].own
        } else {
            &self.entries[container].children
        };
        let what = site.pages[container].display_path();
        let render_all = || -> Result<Vec<String>, Diagnostic> {
            siblings
                .iter()
                .map(|s| side_entry(templates, s, &root, false, &what))
                .collect()
        };
        let (made_for, shared) = set.get_or_init(|| (root.clone(), render_all()));
        // Children all sit one folder below their section, so this holds; it is checked
        // rather than assumed, as a wrong root would break every link of the list.
        let own_entries;
        let entries = if *made_for == root {
            shared.as_ref().map_err(Clone::clone)?
        } else {
            own_entries = render_all()?;
            &own_entries
        };
        let mut html = String::with_capacity(entries.iter().map(|e| e.len() + 5).sum());
        for (n, entry) in entries.iter().enumerate() {
            // The indentation the entries had when sidenav.html listed them itself.
            html.push_str("\n    ");
            if Some(n) == current {
                html.push_str(&side_entry(templates, &siblings[n], &root, true, &what)?);
            } else {
                html.push_str(entry);
            }
        }
        Ok((html, current.is_some()))
    }

    fn siblings_of(&self, site: &Site, index: usize) -> &(tera::Value, u64) {
        context::nav_container(site, index)
            .and_then(|c| self.siblings[c].as_ref())
            .unwrap_or(&self.empty)
    }
}

/// The output path of a page URL.
pub fn output_path(url: &str) -> String {
    format!("{url}index.html")
}

/// Builds the values every page shares and sets them as the templates' globals.
fn prepare(site: &Site, templates: &mut Templates, search_script: &str) -> context::Shared {
    let asset_paths = json!({"css": "static/fieldbook.css", "js": "static/fieldbook.js", "syntax": "static/syntax.css"});
    let shared = context::shared(site, search_script, &asset_paths);
    templates.set_globals(&[("site", &shared.site), ("build", &shared.build)]);
    shared
}

/// Each page's place in the reading order (`usize::MAX` for pages not in it).
fn positions(site: &Site) -> Vec<usize> {
    let mut pos = vec![usize::MAX; site.pages.len()];
    for (n, &i) in site.reading_order.iter().enumerate() {
        pos[i] = n;
    }
    pos
}

/// Renders the page of `site.pages[index]` (templates prepared with [`Prepared::new`]).
pub fn page(
    site: &Site,
    templates: &Templates,
    prepared: &Prepared,
    index: usize,
) -> Result<OutputFile, Diagnostic> {
    page_with(site, templates, prepared, index, None)
}

fn page_with(
    site: &Site,
    templates: &Templates,
    prepared: &Prepared,
    index: usize,
    memo: Option<&Memo>,
) -> Result<OutputFile, Diagnostic> {
    let page = &site.pages[index];
    let n = prepared.position[index];
    let prev = n.checked_sub(1).map(|p| site.reading_order[p]);
    let next = site.reading_order.get(n + 1).copied();
    let html = crate::markdown::with_root(&page.html, &page.url);
    let mut ctx = context::base(
        &prepared.shared,
        &page.url,
        page.parent.map(|p| &site.pages[p]),
        None,
    );
    ctx.insert(
        "page".into(),
        context::page_value(site, index, html, prev, next),
    );
    let (items, listed) = prepared.side_nav(site, templates, index)?;
    // The body, the side navigation and about 12 KB of the rest of a default-theme page.
    let size = page.html.len() + items.len() + 12 * 1024;
    if let Some(serde_json::Value::Object(nav)) = ctx.get_mut("nav") {
        nav.insert("items".into(), items.into());
        nav.insert("listed".into(), listed.into());
    }
    let template = if page.is_section {
        ctx.insert("section".into(), context::section_value(site, index));
        if index == 0 && templates.has("home.html") {
            ctx.insert("stages".into(), generated::stage_cards(site));
            ctx.insert("recent".into(), generated::recent(site, 8));
            "home.html".to_string()
        } else {
            "section.html".to_string()
        }
    } else {
        let kind = format!("{}.html", page.kind.name());
        if templates.has(&kind) {
            kind
        } else {
            "page.html".to_string()
        }
    };
    render_file(
        templates,
        memo,
        &template,
        output_path(&page.url),
        Context {
            map: ctx,
            siblings: prepared.siblings_of(site, index),
            lists: Vec::new(),
            size,
        },
        &page.display_path(),
    )
}

/// Renders the whole site into `sink`.
pub fn site(
    site: &Site,
    templates: &mut Templates,
    extras: Extras<'_>,
    sink: &dyn Sink,
) -> Vec<Diagnostic> {
    site_with(site, templates, extras, sink, None)
}

/// Renders the whole site into `sink`, reusing pages of an earlier run from `memo` when
/// their inputs are the same (see [`Memo`]).
pub fn site_with(
    site: &Site,
    templates: &mut Templates,
    extras: Extras<'_>,
    sink: &dyn Sink,
    mut memo: Option<&mut Memo>,
) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let syntax_css = match crate::markdown::highlight::stylesheet(
        &site.config.markdown.highlight_theme,
        &site.config.markdown.highlight_theme_dark,
    ) {
        Ok(css) => css,
        Err(name) => {
            diagnostics.push(
                Diagnostic::error(
                    "unknown-highlight-theme",
                    format!("unknown highlight theme `{name}`"),
                )
                .in_file(std::path::Path::new("site.toml"))
                .with_help_opt(
                    crate::diag::did_you_mean(&name, crate::markdown::highlight::theme_names())
                        .or_else(|| {
                            Some(format!(
                                "themes are {}",
                                crate::markdown::highlight::theme_names().join(", ")
                            ))
                        }),
                ),
            );
            String::new()
        }
    };
    let prepared = Prepared::new(site, templates, &extras.search_script, memo.is_some());
    let shared = &prepared.shared;
    let templates: &Templates = templates;
    if let Some(memo) = memo.as_deref_mut() {
        memo.start(templates, shared);
    }
    let memo = memo.as_deref();
    // Generated pages render alongside the site's own: their serial parts (gathering a
    // listing, laying out a print view) then overlap with page rendering on the other cores.
    let (failures, generated) = rayon::join(
        || {
            (0..site.pages.len())
                .into_par_iter()
                .filter_map(
                    |index| match page_with(site, templates, &prepared, index, memo) {
                        Ok(file) => {
                            sink.put(file);
                            None
                        }
                        Err(d) => Some(d),
                    },
                )
                .collect::<Vec<Diagnostic>>()
        },
        || generated::all(site, templates, shared, sink, memo),
    );
    diagnostics.extend(failures);
    diagnostics.extend(generated);
    sink.put(OutputFile::bytes("static/syntax.css", syntax_css));
    for (name, bytes) in extras.static_files {
        if name != "syntax.css" {
            sink.put(OutputFile::bytes(format!("static/{name}"), bytes.clone()));
        }
    }
    let content_dir = std::path::PathBuf::from(&site.config.site.content_dir);
    for asset in extras.assets {
        sink.put(OutputFile {
            path: asset.clone(),
            contents: Contents::Copy(crate::load::walk::join(&content_dir, asset)),
        });
    }
    diagnostics
}
