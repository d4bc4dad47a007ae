//! Model + templates → the list of output files. Renders pages in parallel; never writes.

pub mod context;
pub mod generated;
pub mod svg;

use rayon::prelude::*;
use serde_json::{json, Value};

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
        OutputFile { path: path.into(), contents: Contents::Bytes(bytes.into()) }
    }
}

/// Static inputs of a render besides the model.
pub struct Extras<'a> {
    /// Theme and site static files: (path below static/, bytes).
    pub static_files: &'a [(String, Vec<u8>)],
    /// Content assets, content-relative.
    pub assets: &'a [String],
    /// Files of the search index, already made.
    pub search_files: Vec<OutputFile>,
    /// Path of the search loader script, empty without search.
    pub search_script: String,
}

/// Pages rendered by a previous run, by output path, with a hash of what each was made from
/// (template set, globals, context). A page whose inputs hash the same is reused instead of
/// rendered again, so `serve` re-renders only pages whose view changed. Rendering is a pure
/// function of those inputs, so the output is the same either way.
#[derive(Default)]
pub struct Memo {
    key: u64,
    pages: std::collections::HashMap<String, (u64, std::sync::Arc<Vec<u8>>)>,
    /// Pages reused and rendered in the last run.
    pub hits: usize,
    pub misses: usize,
}

struct HashWriter(std::collections::hash_map::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        std::hash::Hasher::write(&mut self.0, buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_value(template: &str, value: &Value) -> u64 {
    let mut writer = HashWriter(std::collections::hash_map::DefaultHasher::new());
    std::hash::Hasher::write(&mut writer.0, template.as_bytes());
    let _ = serde_json::to_writer(&mut writer, value);
    std::hash::Hasher::finish(&writer.0)
}

impl Memo {
    /// Starts a run: forgets everything when the templates or the globals changed.
    fn start(&mut self, templates: &Templates, shared: &context::Shared) {
        let mut writer = HashWriter(std::collections::hash_map::DefaultHasher::new());
        std::hash::Hasher::write_u64(&mut writer.0, templates.fingerprint());
        let _ = serde_json::to_writer(&mut writer, &shared.site);
        let _ = serde_json::to_writer(&mut writer, &shared.build);
        let key = std::hash::Hasher::finish(&writer.0);
        if key != self.key {
            self.pages.clear();
            self.key = key;
        }
        self.hits = 0;
        self.misses = 0;
    }

    /// The bytes of `path` if it was rendered from the same `template` and context.
    fn get(&self, path: &str, hash: u64) -> Option<Vec<u8>> {
        match self.pages.get(path) {
            Some((h, bytes)) if *h == hash => Some(bytes.as_ref().clone()),
            _ => None,
        }
    }
}

/// Renders `template` with `ctx` into `path`, or reuses the memo's bytes; returns the file
/// and, when a memo is used, the hash to remember.
fn render_memo(templates: &Templates, memo: Option<&Memo>, template: &str, path: String, ctx: Value, what: &str) -> Result<(OutputFile, Option<u64>), Diagnostic> {
    let Some(memo) = memo else {
        return Ok((OutputFile::bytes(path, templates.render(template, &ctx, what)?), None));
    };
    let hash = hash_value(template, &ctx);
    if let Some(bytes) = memo.get(&path, hash) {
        return Ok((OutputFile::bytes(path, bytes), Some(hash)));
    }
    Ok((OutputFile::bytes(path, templates.render(template, &ctx, what)?), Some(hash)))
}

/// Remembers rendered files in the memo, counting hits.
fn remember(memo: &mut Memo, results: &[Result<(OutputFile, Option<u64>), Diagnostic>]) {
    for (file, hash) in results.iter().flatten() {
        let Some(hash) = hash else { continue };
        let Contents::Bytes(bytes) = &file.contents else { continue };
        match memo.pages.get(&file.path) {
            Some((h, _)) if h == hash => memo.hits += 1,
            _ => {
                memo.misses += 1;
                memo.pages.insert(file.path.clone(), (*hash, std::sync::Arc::new(bytes.clone())));
            }
        }
    }
}

/// The output path of a page URL.
pub fn output_path(url: &str) -> String {
    format!("{url}index.html")
}

/// Builds the values every page shares and sets them as the templates' globals.
pub fn prepare(site: &Site, templates: &mut Templates, search_script: &str) -> context::Shared {
    let asset_paths = json!({"css": "static/fieldbook.css", "js": "static/fieldbook.js", "syntax": "static/syntax.css"});
    let shared = context::shared(site, search_script, &asset_paths);
    templates.set_globals(&[("site", &shared.site), ("build", &shared.build)]);
    shared
}

/// Each page's place in the reading order (`usize::MAX` for pages not in it).
pub fn positions(site: &Site) -> Vec<usize> {
    let mut pos = vec![usize::MAX; site.pages.len()];
    for (n, &i) in site.reading_order.iter().enumerate() {
        pos[i] = n;
    }
    pos
}

/// Renders the page of `site.pages[index]` (templates prepared with [`prepare`]).
pub fn page(site: &Site, templates: &Templates, shared: &context::Shared, position: &[usize], index: usize) -> Result<OutputFile, Diagnostic> {
    page_memo(site, templates, shared, position, index, None).map(|(file, _)| file)
}

fn page_memo(site: &Site, templates: &Templates, shared: &context::Shared, position: &[usize], index: usize, memo: Option<&Memo>) -> Result<(OutputFile, Option<u64>), Diagnostic> {
    let page = &site.pages[index];
    let n = position[index];
    let prev = n.checked_sub(1).map(|p| site.reading_order[p]);
    let next = site.reading_order.get(n + 1).copied();
    let html = crate::markdown::with_root(&page.html, &page.url);
    let mut ctx = context::base(shared, &page.url, page.parent.map(|p| &site.pages[p]), context::siblings(site, index), None);
    ctx.insert("page".into(), context::page_value(site, index, html, prev, next));
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
        if templates.has(&kind) { kind } else { "page.html".to_string() }
    };
    render_memo(templates, memo, &template, output_path(&page.url), Value::Object(ctx), &page.display_path())
}

/// Renders the whole site.
pub fn site(site: &Site, templates: &mut Templates, extras: Extras<'_>) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    site_with(site, templates, extras, None)
}

/// Renders the whole site, reusing pages of an earlier run from `memo` when their inputs are
/// the same (see [`Memo`]).
pub fn site_with(site: &Site, templates: &mut Templates, extras: Extras<'_>, mut memo: Option<&mut Memo>) -> (Vec<OutputFile>, Vec<Diagnostic>) {
    let mut files: Vec<OutputFile> = Vec::new();
    let mut diagnostics = Vec::new();
    let syntax_css = match crate::markdown::highlight::stylesheet(&site.config.markdown.highlight_theme, &site.config.markdown.highlight_theme_dark) {
        Ok(css) => css,
        Err(name) => {
            diagnostics.push(
                Diagnostic::error("unknown-highlight-theme", format!("unknown highlight theme `{name}`"))
                    .in_file(std::path::Path::new("site.toml"))
                    .with_help_opt(crate::diag::did_you_mean(&name, crate::markdown::highlight::theme_names()).or_else(|| Some(format!("themes are {}", crate::markdown::highlight::theme_names().join(", "))))),
            );
            String::new()
        }
    };
    let shared = prepare(site, templates, &extras.search_script);
    let templates: &Templates = templates;
    if let Some(memo) = memo.as_deref_mut() {
        memo.start(templates, &shared);
    }
    let position = positions(site);
    let lookup = memo.as_deref();
    let rendered: Vec<Result<(OutputFile, Option<u64>), Diagnostic>> = (0..site.pages.len()).into_par_iter().map(|index| page_memo(site, templates, &shared, &position, index, lookup)).collect();
    if let Some(memo) = memo.as_deref_mut() {
        remember(memo, &rendered);
    }
    for result in rendered {
        match result {
            Ok((file, _)) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    let (generated_files, generated_diags) = generated::all(site, templates, &shared, memo);
    files.extend(generated_files);
    diagnostics.extend(generated_diags);
    files.push(OutputFile::bytes("static/syntax.css", syntax_css));
    for (name, bytes) in extras.static_files {
        files.push(OutputFile::bytes(format!("static/{name}"), bytes.clone()));
    }
    let content_dir = std::path::PathBuf::from(&site.config.site.content_dir);
    for asset in extras.assets {
        files.push(OutputFile { path: asset.clone(), contents: Contents::Copy(crate::load::walk::join(&content_dir, asset)) });
    }
    files.extend(extras.search_files);
    // Later files win (a site's static file over a generated one); keep output deterministic.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.dedup_by(|later, earlier| {
        if later.path == earlier.path {
            std::mem::swap(later, earlier);
            true
        } else {
            false
        }
    });
    (files, diagnostics)
}
