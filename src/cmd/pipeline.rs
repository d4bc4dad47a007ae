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
use crate::serve::cache::{Cache, Snapshot};
use crate::source::SourceFile;
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
    /// Records a stage that ran inside the previous lap, with its own duration.
    fn overlapped(&mut self, stage: &'static str, seconds: f64) {
        self.timings.push((stage, seconds, peak_rss_mb()));
    }

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
    run_cached(options, sink, None)
}

/// Runs the whole pipeline in memory, reusing with a `cache` (from `serve`) the front matter
/// and the Markdown of files that did not change since the cached run, and pages whose
/// inputs are the same ([`render::Memo`]). With a cache, the model and what the next edit
/// needs are left in it ([`Cache::snapshot`]) and `Outcome::site` is `None`. The output is
/// the same with or without a cache.
pub fn run_with(options: &Options, cache: Option<&mut Cache>) -> anyhow::Result<Outcome> {
    let sink = crate::write::MemorySink::default();
    let mut outcome = run_cached(options, &sink, cache)?;
    outcome.files = sink.into_files();
    Ok(outcome)
}

fn run_cached(
    options: &Options,
    sink: &dyn render::Sink,
    mut cache: Option<&mut Cache>,
) -> anyhow::Result<Outcome> {
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

    let parse = |source: SourceFile| {
        let rel = source
            .path
            .strip_prefix(&content_prefix)
            .unwrap_or(&source.path)
            .to_string_lossy()
            .replace('\\', "/");
        page::from_source(source, rel, &config)
    };
    let built: Vec<(Page, Vec<Diagnostic>)> = match cache.as_deref_mut() {
        Some(cache) => cache.parse(input.pages, &config, parse),
        None => input.pages.into_par_iter().map(parse).collect(),
    };
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
    let render_one = |page: &Page| {
        let source = page.source.as_ref()?;
        let page_ref = PageRef {
            source,
            body_offset: page.body_offset,
            dir: &page.link_dir,
            url: &page.url,
            title: &page.title,
        };
        Some(markdown::render(&page_ref, &resolver, render_options))
    };
    let rendered: Vec<Option<markdown::Rendered>> = match cache.as_deref_mut() {
        Some(cache) => cache.render_markdown(
            &pages,
            &input.assets,
            &generated_urls(&config),
            render_options,
            render_one,
        ),
        // A one-off build without a search index needs no page text beyond its word count:
        // dropped as each page is rendered, it never adds to the peak (~50 MB at 10k pages).
        None if !config.search.enabled => pages
            .par_iter()
            .map(|page| {
                render_one(page).map(|mut rendered| {
                    rendered.text = Vec::new();
                    rendered
                })
            })
            .collect(),
        None => pages.par_iter().map(render_one).collect(),
    };
    clock.lap("markdown");

    let mut pages = pages;
    let mut inbound = vec![0usize; pages.len()];
    let mut anchor_uses = Vec::new();
    // Problems found in a body are kept per page, so `serve` can replace them on an edit.
    let mut page_diagnostics: Vec<Vec<Diagnostic>> = vec![Vec::new(); pages.len()];
    let mut links: Vec<Vec<usize>> = vec![Vec::new(); pages.len()];
    for (index, rendered) in rendered.into_iter().enumerate() {
        let Some(rendered) = rendered else { continue };
        page_diagnostics[index] = rendered.diagnostics;
        let linked = linked_pages(index, rendered.linked_pages);
        for &target in &linked {
            inbound[target] += 1;
        }
        links[index] = linked;
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
    let anchor_sets = anchor_sets(&pages, &anchor_uses);
    let mut anchor_diagnostics: Vec<Vec<Diagnostic>> = vec![Vec::new(); pages.len()];
    for (index, uses, _) in &anchor_uses {
        anchor_diagnostics[*index] = check_anchors(
            &pages,
            &anchor_sets,
            *index,
            uses,
            render_options.broken_links_warn,
        );
    }
    let mut finish_diagnostics = Vec::new();
    let mut site = tree::finish(pages, config, today, inbound, &mut finish_diagnostics);
    // Heading lints depend on bodies: kept per page, like Markdown and anchor problems.
    let by_path: std::collections::HashMap<&Path, usize> = site
        .pages
        .iter()
        .enumerate()
        .filter_map(|(i, p)| Some((p.source.as_ref()?.path.as_path(), i)))
        .collect();
    for d in finish_diagnostics {
        let page = (d.code == tree::MISSING_HEADING)
            .then(|| by_path.get(d.file.as_deref()?).copied())
            .flatten();
        match page {
            Some(i) => page_diagnostics[i].push(d),
            None => diagnostics.push(d),
        }
    }
    if cache.is_none() {
        // Every diagnostic about a body is made by now (later ones point into front matter);
        // `serve` keeps bodies for its edits.
        for page in &mut site.pages {
            let body = page.body_offset;
            if let Some(source) = &mut page.source {
                source.release_after(body);
            }
        }
    }
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
    let body_errors = page_diagnostics
        .iter()
        .chain(&anchor_diagnostics)
        .flatten()
        .any(|d| d.severity == Severity::Error);
    let mut search_script = String::new();
    let mut search_paths = Vec::new();
    let mut rendered_ok = false;
    if let Some(templates) = &mut templates {
        if !body_errors && !diagnostics.iter().any(|d| d.severity == Severity::Error) {
            search_script = crate::cmd::search_index::script(&site);
            let extras = render::Extras {
                static_files: &input.static_files,
                assets: &input.assets,
                search_script: search_script.clone(),
            };
            let memo = cache.as_deref_mut().map(|c| &mut c.memo);
            // Pages name the index only by its fixed entry script, so the index is built
            // while they render: its sequential parts then overlap the pages' parallel work.
            let ((paths, search_time), render_diagnostics) = rayon::join(
                || {
                    let start = Instant::now();
                    let files = crate::cmd::search_index::build(&site);
                    let paths: Vec<String> = files.iter().map(|f| f.path.clone()).collect();
                    // Thousands of small files: written in parallel, while pages still render.
                    files.into_par_iter().for_each(|file| sink.put(file));
                    (paths, start.elapsed().as_secs_f64())
                },
                || render::site_with(&site, templates, extras, sink, memo),
            );
            search_paths = paths;
            rendered_ok = !render_diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error);
            diagnostics.extend(render_diagnostics);
            clock.lap("render");
            clock.overlapped("search", search_time);
        }
    }
    let history = site.history.status;
    let all = diagnostics
        .iter()
        .chain(page_diagnostics.iter().flatten())
        .chain(anchor_diagnostics.iter().flatten())
        .cloned()
        .collect();
    let site = match cache {
        Some(cache) => {
            let mut uses_by_page = vec![Vec::new(); site.pages.len()];
            let mut extra_by_page = vec![Vec::new(); site.pages.len()];
            for (index, uses, extra) in anchor_uses {
                uses_by_page[index] = uses;
                extra_by_page[index] = extra;
            }
            cache.snapshot = Some(Snapshot {
                site,
                resolver,
                render_options,
                links,
                anchor_uses: uses_by_page,
                extra_anchors: extra_by_page,
                anchor_sets,
                base_diagnostics: diagnostics,
                page_diagnostics,
                anchor_diagnostics,
                templates: if rendered_ok { templates } else { None },
                static_files: input.static_files,
                assets: input.assets,
                search_script,
                search_paths,
            });
            None
        }
        None => Some(site),
    };
    Ok(Outcome {
        diagnostics: sorted(all),
        files: Vec::new(),
        site,
        output_dir,
        timings: clock.timings,
        history,
    })
}

/// Pages a body links to, without itself, sorted, each once.
pub fn linked_pages(index: usize, mut linked: Vec<usize>) -> Vec<usize> {
    linked.retain(|&t| t != index);
    linked.sort_unstable();
    linked.dedup();
    linked
}

/// Sorts diagnostics by file and position, each once.
pub fn sorted(diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let sink = crate::diag::Diagnostics::default();
    sink.extend(diagnostics);
    sink.into_sorted()
}

/// URLs of generated pages, valid as link targets in content.
pub fn generated_urls(config: &crate::config::Config) -> HashSet<String> {
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
pub fn page_anchors(page: &Page, extra: &[String]) -> HashSet<String> {
    let mut ids: HashSet<String> = page.headings.iter().map(|h| h.id.clone()).collect();
    ids.extend(extra.iter().cloned());
    if let PageKind::Framework(f) = &page.kind {
        ids.extend(f.criteria.iter().map(|c| c.id.clone()));
        ids.insert("scorecard".into());
    }
    ids
}

/// Every page's anchor ids; `uses` gives (page, anchors used, extra anchors offered).
fn anchor_sets(
    pages: &[Page],
    uses: &[(usize, Vec<markdown::AnchorUse>, Vec<String>)],
) -> Vec<HashSet<String>> {
    let extras: std::collections::HashMap<usize, &Vec<String>> =
        uses.iter().map(|(i, _, e)| (*i, e)).collect();
    let no_extra = Vec::new();
    pages
        .iter()
        .enumerate()
        .map(|(i, p)| page_anchors(p, extras.get(&i).copied().unwrap_or(&no_extra)))
        .collect()
}

/// Checks the `#anchor`s page `index` uses against the pages' anchor ids.
pub fn check_anchors(
    pages: &[Page],
    anchors: &[HashSet<String>],
    index: usize,
    uses: &[markdown::AnchorUse],
    warn: bool,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let Some(source) = &pages[index].source else {
        return out;
    };
    for anchor_use in uses {
        let target = anchor_use.page.unwrap_or(index);
        if anchor_use.anchor.is_empty() || anchors[target].contains(&anchor_use.anchor) {
            continue;
        }
        let message = if target == index {
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
    out
}

/// Relative path for messages.
pub fn display(path: &Path) -> String {
    crate::diag::display_path(path)
}
