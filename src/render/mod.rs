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
    /// Files of the search index, already made.
    pub search_files: Vec<OutputFile>,
    /// Path of the search loader script, empty without search.
    pub search_script: String,
}

/// The output path of a page URL.
pub fn output_path(url: &str) -> String {
    format!("{url}index.html")
}

/// Renders the whole site into `sink`.
pub fn site(
    site: &Site,
    templates: &mut Templates,
    extras: Extras<'_>,
    sink: &dyn Sink,
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
    let asset_paths = json!({"css": "static/fieldbook.css", "js": "static/fieldbook.js", "syntax": "static/syntax.css"});
    let shared = context::shared(site, &extras.search_script, &asset_paths);
    templates.set_globals(&[("site", &shared.site), ("build", &shared.build)]);
    let templates: &Templates = templates;
    let position: Vec<usize> = {
        let mut pos = vec![usize::MAX; site.pages.len()];
        for (n, &i) in site.reading_order.iter().enumerate() {
            pos[i] = n;
        }
        pos
    };
    let failures: Vec<Diagnostic> = (0..site.pages.len())
        .into_par_iter()
        .filter_map(|index| {
            let page = &site.pages[index];
            let n = position[index];
            let prev = n.checked_sub(1).map(|p| site.reading_order[p]);
            let next = site.reading_order.get(n + 1).copied();
            let html = crate::markdown::with_root(&page.html, &page.url);
            let mut ctx = context::base(
                &shared,
                &page.url,
                page.parent.map(|p| &site.pages[p]),
                context::siblings(site, index),
                None,
            );
            ctx.insert(
                "page".into(),
                context::page_value(site, index, html, prev, next),
            );
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
            match templates.render(&template, &Value::Object(ctx), &page.display_path()) {
                Ok(body) => {
                    sink.put(OutputFile::bytes(output_path(&page.url), body));
                    None
                }
                Err(d) => Some(d),
            }
        })
        .collect();
    diagnostics.extend(failures);
    diagnostics.extend(generated::all(site, templates, &shared, sink));
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
    for file in extras.search_files {
        sink.put(file);
    }
    diagnostics
}
