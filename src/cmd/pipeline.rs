//! The build pipeline shared by `build`, `check` and `serve`: load → model → markdown →
//! links → site → templates → render. Writes nothing; the callers decide.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::config::Overrides;
use crate::diag::{did_you_mean, Diagnostic, Severity};
use crate::load::{self, LoadError};
use crate::markdown::{self, links::Resolver, PageRef, RenderOptions};
use crate::model::history::{History, Status as HistoryStatus};
use crate::model::page::{self, Page, PageKind};
use crate::model::{tree, Date, Site};
use crate::render::{self, OutputFile};

use crate::templates::Templates;

/// What a build is asked to do.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The site root.
    pub root: PathBuf,
    /// Include `status: draft` pages.
    pub drafts: bool,
    /// Overrides of site.toml.
    pub overrides: Overrides,
    /// Read the Git history (last changed, "What's new"). `check` does not need it.
    pub git_history: bool,
}

/// The result of running the pipeline.
pub struct Outcome {
    /// Every diagnostic, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The rendered files (empty when there were errors before rendering).
    pub files: Vec<OutputFile>,
    /// The model, when it could be built.
    pub site: Option<Site>,
    /// Output folder from site.toml, relative to the root.
    pub output_dir: PathBuf,
    /// (stage, seconds, peak resident MB so far) for `--verbose`.
    pub timings: Vec<(&'static str, f64, u64)>,
    /// Whether Git history was read, or why not.
    pub history: HistoryStatus,
}

impl Outcome {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}

struct Clock {
    last: Instant,
    timings: Vec<(&'static str, f64, u64)>,
}

impl Clock {
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings
            .push((stage, (now - self.last).as_secs_f64(), peak_rss_mb()));
        self.last = now;
    }
}

/// Peak resident memory of this process in MB (Linux; 0 elsewhere).
pub fn peak_rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

/// Runs the whole pipeline, keeping the output in memory (`Outcome::files`).
pub fn run(options: &Options) -> anyhow::Result<Outcome> {
    let sink = crate::write::MemorySink::default();
    let mut outcome = run_into(options, &sink)?;
    outcome.files = sink.into_files();
    Ok(outcome)
}

/// Runs the whole pipeline, handing rendered files to `sink` as they are made.
/// `Err` only for failures the author cannot fix in content.
pub fn run_into(options: &Options, sink: &dyn render::Sink) -> anyhow::Result<Outcome> {
    let mut clock = Clock {
        last: Instant::now(),
        timings: Vec::new(),
    };
    let today = Date::today().map_err(anyhow::Error::msg)?;
    let input = match load::site(&options.root, &options.overrides) {
        Ok(input) => input,
        Err(LoadError::Config(diagnostics)) => {
            return Ok(Outcome {
                diagnostics: sorted(diagnostics),
                files: Vec::new(),
                site: None,
                output_dir: PathBuf::from("public"),
                timings: clock.timings,
                history: HistoryStatus::NotRead,
            })
        }
        Err(LoadError::Io(err)) => return Err(err),
    };
    clock.lap("load");
    let mut diagnostics = input.diagnostics;
    let config = input.config;
    let output_dir = PathBuf::from(&config.site.output_dir);
    let content_prefix = PathBuf::from(&config.site.content_dir);
    // git runs in its own process while the pages are parsed and rendered, so the history
    // costs almost nothing on a machine with a spare core.
    let history = options.git_history.then(|| {
        let (root, content_dir) = (options.root.clone(), config.site.content_dir.clone());
        std::thread::spawn(move || load::git::history(&root, &content_dir))
    });

    let built: Vec<(Page, Vec<Diagnostic>)> = input
        .pages
        .into_par_iter()
        .map(|source| {
            let rel = source
                .path
                .strip_prefix(&content_prefix)
                .unwrap_or(&source.path)
                .to_string_lossy()
                .replace('\\', "/");
            page::from_source(source, rel, &config)
        })
        .collect();
    let mut pages = Vec::with_capacity(built.len());
    for (page, diags) in built {
        diagnostics.extend(diags);
        pages.push(page);
    }
    let pages = tree::index(pages, &config, options.drafts, &mut diagnostics);
    clock.lap("front matter");

    let resolver = Resolver::new(
        pages.iter().map(|p| {
            (
                p.rel.as_str(),
                p.is_section.then_some(p.dir.as_str()),
                p.url.as_str(),
            )
        }),
        &input.assets,
        generated_urls(&config),
    );
    let render_options = RenderOptions {
        unsafe_html: config.markdown.unsafe_html,
        smart_punctuation: config.markdown.smart_punctuation,
        broken_links_warn: config.broken_links_are_warnings(),
    };
    let rendered: Vec<Option<markdown::Rendered>> = pages
        .par_iter()
        .map(|page| {
            let source = page.source.as_ref()?;
            let page_ref = PageRef {
                source,
                body_offset: page.body_offset,
                dir: &page.link_dir,
                url: &page.url,
                title: &page.title,
            };
            Some(markdown::render(&page_ref, &resolver, render_options))
        })
        .collect();
    clock.lap("markdown");

    let mut pages = pages;
    let mut inbound = vec![0usize; pages.len()];
    let mut anchor_uses = Vec::new();
    for (index, rendered) in rendered.into_iter().enumerate() {
        let Some(rendered) = rendered else { continue };
        diagnostics.extend(rendered.diagnostics);
        let mut linked: Vec<usize> = rendered
            .linked_pages
            .into_iter()
            .filter(|&t| t != index)
            .collect();
        linked.sort_unstable();
        linked.dedup();
        for target in linked {
            inbound[target] += 1;
        }
        anchor_uses.push((index, rendered.anchors_to_check, rendered.extra_anchors));
        let page = &mut pages[index];
        page.html = rendered.html;
        page.headings = rendered.headings;
        page.text = rendered.text;
        page.words = rendered.words;
    }
    let by_key: std::collections::HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.as_str(), i))
        .collect();
    for (i, page) in pages.iter().enumerate() {
        for related in &page.related {
            if let Some(&target) = by_key.get(related.as_str()) {
                if target != i {
                    inbound[target] += 1;
                }
            }
        }
    }
    check_anchors(
        &pages,
        &anchor_uses,
        render_options.broken_links_warn,
        &mut diagnostics,
    );
    let mut site = tree::finish(pages, config, today, inbound, &mut diagnostics);
    clock.lap("links");
    if let Some(history) = history {
        site.history = history.join().unwrap_or_else(|_| History {
            status: HistoryStatus::NoGit,
            ..History::default()
        });
        clock.lap("git history");
    }

    let mut templates = match Templates::load(input.templates) {
        Ok(t) => Some(t),
        Err(errors) => {
            diagnostics.extend(errors);
            None
        }
    };
    clock.lap("templates");
    if let Some(templates) = &mut templates {
        if !diagnostics.iter().any(|d| d.severity == Severity::Error) {
            let (search_files, search_script) = crate::cmd::search_index::build(&site);
            clock.lap("search");
            let extras = render::Extras {
                static_files: &input.static_files,
                assets: &input.assets,
                search_files,
                search_script,
            };
            diagnostics.extend(render::site(&site, templates, extras, sink));
            clock.lap("render");
        }
    }
    let history = site.history.status;
    Ok(Outcome {
        diagnostics: sorted(diagnostics),
        files: Vec::new(),
        site: Some(site),
        output_dir,
        timings: clock.timings,
        history,
    })
}

fn sorted(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let sink = crate::diag::Diagnostics::default();
    sink.extend(diagnostics);
    sink.into_sorted()
}

/// URLs of generated pages, valid as link targets in content.
fn generated_urls(config: &crate::config::Config) -> HashSet<String> {
    let r = &config.routes;
    let mut urls: HashSet<String> = [
        &r.stages,
        &r.process,
        &r.health,
        &r.print,
        &r.owners,
        &r.roles,
        &r.personas,
        &r.tags,
        &r.search,
        &r.whats_new,
    ]
    .iter()
    .map(|f| format!("{f}/"))
    .collect();
    urls.extend(
        config
            .stages
            .iter()
            .map(|s| format!("{}/{}/", r.stages, s.id.get_ref())),
    );
    urls.extend(
        config
            .roles
            .iter()
            .map(|s| format!("{}/{}/", r.roles, s.id.get_ref())),
    );
    urls.extend(
        config
            .personas
            .iter()
            .map(|s| format!("{}/{}/", r.personas, s.id.get_ref())),
    );
    urls.extend(
        config
            .teams
            .iter()
            .map(|s| format!("{}/{}/", r.owners, s.id.get_ref())),
    );
    urls.extend(
        config
            .people
            .iter()
            .map(|s| format!("{}/{}/", r.owners, s.id.get_ref())),
    );
    urls.insert("404.html".into());
    urls.insert("sitemap.xml".into());
    urls.insert("feed.xml".into());
    urls
}

/// Anchor ids a page offers: headings, footnotes and, on frameworks, criteria.
fn page_anchors(page: &Page, extra: &[String]) -> HashSet<String> {
    let mut ids: HashSet<String> = page.headings.iter().map(|h| h.id.clone()).collect();
    ids.extend(extra.iter().cloned());
    if let PageKind::Framework(f) = &page.kind {
        ids.extend(f.criteria.iter().map(|c| c.id.clone()));
        ids.insert("scorecard".into());
    }
    ids
}

fn check_anchors(
    pages: &[Page],
    uses: &[(usize, Vec<markdown::AnchorUse>, Vec<String>)],
    warn: bool,
    out: &mut Vec<Diagnostic>,
) {
    let extras: std::collections::HashMap<usize, &Vec<String>> =
        uses.iter().map(|(i, _, e)| (*i, e)).collect();
    let no_extra = Vec::new();
    let anchors: Vec<HashSet<String>> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| page_anchors(p, extras.get(&i).copied().unwrap_or(&no_extra)))
        .collect();
    for (index, list, _) in uses {
        let Some(source) = &pages[*index].source else {
            continue;
        };
        for anchor_use in list {
            let target = anchor_use.page.unwrap_or(*index);
            if anchor_use.anchor.is_empty() || anchors[target].contains(&anchor_use.anchor) {
                continue;
            }
            let message = if target == *index {
                format!(
                    "broken anchor `#{}`: no such heading on this page",
                    anchor_use.anchor
                )
            } else {
                format!(
                    "broken anchor `#{}`: no such heading in `{}`",
                    anchor_use.anchor,
                    pages[target].display_path()
                )
            };
            let d = if warn {
                Diagnostic::warning("broken-anchor", message)
            } else {
                Diagnostic::error("broken-anchor", message)
            };
            let help = did_you_mean(
                &anchor_use.anchor,
                anchors[target].iter().map(String::as_str),
            )
            .unwrap_or_else(|| "anchors are heading texts in lowercase with spaces as `-`".into());
            out.push(
                d.at(source, anchor_use.range.0, anchor_use.range.1)
                    .with_help(help),
            );
        }
    }
}

/// Relative path for messages.
pub fn display(path: &Path) -> String {
    crate::diag::display_path(path)
}
