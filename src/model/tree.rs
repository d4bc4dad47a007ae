//! Puts pages into a tree: implicit section pages for folders without an index file,
//! duplicate-URL and reserved-folder checks, sorted children, reading order, and every
//! reference between pages (related, replaced_by, frameworks, criteria, stage checks).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::config::Config;
use crate::diag::{did_you_mean, Diagnostic};
use crate::model::freshness::{self, State};
use crate::model::page::{self, Page, PageKind, Status};
use crate::model::{Date, Site};

/// Orders pages, adds implicit sections and links parents and children.
/// Index 0 of the result is the home page.
pub fn index(
    mut pages: Vec<Page>,
    config: &Config,
    drafts: bool,
    out: &mut Vec<Diagnostic>,
) -> Vec<Page> {
    if !drafts {
        pages.retain(|p| p.status != Status::Draft);
    }
    // Every folder that holds a page needs a section page, and so do its ancestors.
    let mut section_dirs: BTreeSet<String> = pages
        .iter()
        .filter(|p| p.is_section)
        .map(|p| p.dir.clone())
        .collect();
    let mut needed: BTreeSet<String> = BTreeSet::new();
    needed.insert(String::new());
    for page in &pages {
        let mut dir = page.dir.as_str();
        loop {
            needed.insert(dir.to_string());
            match dir.rsplit_once('/') {
                Some((parent, _)) => dir = parent,
                None if !dir.is_empty() => dir = "",
                None => break,
            }
        }
    }
    for dir in needed {
        if section_dirs.insert(dir.clone()) {
            // `guide.md` next to a folder `guide/` without an index file stands for the folder.
            let url = page::url_for(&dir, "", true, None);
            if let Some(page) = pages
                .iter_mut()
                .find(|p| !p.is_section && p.url == url && !dir.is_empty())
            {
                page.is_section = true;
                page.dir = dir.clone();
                continue;
            }
            let name = dir.rsplit('/').next().unwrap_or("");
            let title = if dir.is_empty() {
                config.site.title.clone()
            } else {
                super::slug::humanize(name)
            };
            pages.push(Page {
                rel: dir.clone(),
                key: dir.clone(),
                url: page::url_for(&dir, "", true, None),
                is_section: true,
                dir,
                title,
                ..Page::default()
            });
        }
    }
    // Sections sort before pages of the same folder; the home page comes first.
    pages.sort_by(|a, b| {
        (!a.is_section || !a.dir.is_empty(), &a.url, &a.rel).cmp(&(
            !b.is_section || !b.dir.is_empty(),
            &b.url,
            &b.rel,
        ))
    });
    check_urls(&pages, config, out);
    link_tree(&mut pages);
    pages
}

/// Two pages on one URL, or content inside a generated folder, are errors.
fn check_urls(pages: &[Page], config: &Config, out: &mut Vec<Diagnostic>) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, page) in pages.iter().enumerate() {
        if let Some(&j) = seen.get(page.url.as_str()) {
            let other = &pages[j];
            // An implicit section never clashes: it only exists where no index file does.
            if page.source.is_some() && other.source.is_some() {
                let d = Diagnostic::error(
                    "duplicate-url",
                    format!(
                        "`{}` and `{}` both map to the URL `/{}`",
                        other.display_path(),
                        page.display_path(),
                        page.url
                    ),
                );
                let d = match page.source.as_ref() {
                    Some(s) => d.at(s, 0, 0),
                    None => d,
                };
                out.push(d.with_help("rename one of the files or give one a different `slug`"));
            }
        } else {
            seen.insert(&page.url, i);
        }
        let top = page.url.split('/').next().unwrap_or("");
        if page.source.is_some() && !top.is_empty() {
            for (folder, what) in config.routes.reserved() {
                if top == folder {
                    let d = Diagnostic::error(
                        "reserved-path",
                        format!(
                            "`{}` is inside `{folder}/`, which is reserved for {what}",
                            page.display_path()
                        ),
                    );
                    let d = match page.source.as_ref() {
                        Some(s) => d.at(s, 0, 0),
                        None => d,
                    };
                    out.push(d.with_help(format!("move it to another folder, or rename the generated folder with `[routes] {} = \"...\"` in site.toml", route_key(config, folder))));
                }
            }
        }
    }
}

fn route_key(config: &Config, folder: &str) -> &'static str {
    let r = &config.routes;
    [
        (&r.stages, "stages"),
        (&r.process, "process"),
        (&r.health, "health"),
        (&r.print, "print"),
        (&r.owners, "owners"),
        (&r.roles, "roles"),
        (&r.personas, "personas"),
        (&r.tags, "tags"),
        (&r.search, "search"),
        (&r.whats_new, "whats_new"),
        (&r.assets, "assets"),
    ]
    .into_iter()
    .find(|(f, _)| f.as_str() == folder)
    .map_or("process", |(_, k)| k)
}

/// Sets `parent` and sorted `children`.
fn link_tree(pages: &mut [Page]) {
    let section_of: HashMap<String, usize> = pages
        .iter()
        .enumerate()
        .filter(|(_, p)| p.is_section)
        .map(|(i, p)| (p.dir.clone(), i))
        .rev()
        .collect();
    for i in 0..pages.len() {
        let page = &pages[i];
        let parent_dir = if page.is_section {
            if page.dir.is_empty() {
                continue;
            }
            page.dir
                .rsplit_once('/')
                .map_or(String::new(), |(p, _)| p.to_string())
        } else {
            page.dir.clone()
        };
        let parent = section_of.get(&parent_dir).copied().filter(|&p| p != i);
        pages[i].parent = parent;
        if let Some(p) = parent {
            pages[p].children.push(i);
        }
    }
    for i in 0..pages.len() {
        let mut children = std::mem::take(&mut pages[i].children);
        children.sort_by(|&a, &b| {
            let (pa, pb) = (&pages[a], &pages[b]);
            (
                pa.order.is_none(),
                pa.order,
                pa.title.to_lowercase(),
                &pa.url,
            )
                .cmp(&(
                    pb.order.is_none(),
                    pb.order,
                    pb.title.to_lowercase(),
                    &pb.url,
                ))
        });
        pages[i].children = children;
    }
}

/// Builds the [`Site`]: reading order, taxonomies, and every cross-page check.
pub fn finish(
    pages: Vec<Page>,
    config: Config,
    today: Date,
    inbound: Vec<usize>,
    out: &mut Vec<Diagnostic>,
) -> Site {
    let mut reading_order = Vec::with_capacity(pages.len());
    let mut stack = vec![0usize];
    while let Some(i) = stack.pop() {
        reading_order.push(i);
        stack.extend(pages[i].children.iter().rev());
    }
    let by_path: BTreeMap<String, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.key.clone(), i))
        .collect();
    let mut frameworks = BTreeMap::new();
    for (i, page) in pages.iter().enumerate() {
        if matches!(page.kind, PageKind::Framework(_)) {
            frameworks.insert(
                page.url
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or("")
                    .to_string(),
                i,
            );
        }
    }
    let mut tags: BTreeMap<String, (String, Vec<usize>)> = BTreeMap::new();
    for &i in &reading_order {
        for tag in &pages[i].tags {
            let entry = tags
                .entry(super::slug::segment_slug(tag))
                .or_insert_with(|| (tag.clone(), Vec::new()));
            if !entry.1.contains(&i) {
                entry.1.push(i);
            }
        }
    }
    let site = Site {
        config,
        pages,
        reading_order,
        tags,
        today,
        by_path,
        frameworks,
        inbound,
        history: Default::default(),
    };
    check_references(&site, out);
    check_freshness(&site, out);
    check_headings(&site, out);
    site
}

fn check_references(site: &Site, out: &mut Vec<Diagnostic>) {
    let paths = || site.by_path.keys().map(String::as_str);
    for page in &site.pages {
        for related in &page.related {
            if !site.by_path.contains_key(related) {
                out.push(page.at_key(Diagnostic::error("unknown-page", format!("related page `{related}` does not exist")), "related", Some(related))
                    .with_help_opt(did_you_mean(related, paths()).or_else(|| Some("write a path relative to content/ without `.md`, e.g. `playbooks/discovery-call`".into()))));
            }
        }
        if let Some(target) = &page.replaced_by {
            if !site.by_path.contains_key(target) {
                out.push(
                    page.at_key(
                        Diagnostic::error(
                            "unknown-page",
                            format!("`replaced_by` page `{target}` does not exist"),
                        ),
                        "replaced_by",
                        Some(target),
                    )
                    .with_help_opt(did_you_mean(target, paths())),
                );
            }
        }
        for id in page.framework_refs() {
            if !site.frameworks.contains_key(id) {
                out.push(
                    page.at_key(
                        Diagnostic::error("unknown-id", format!("unknown framework `{id}`")),
                        "frameworks",
                        Some(id),
                    )
                    .with_help_opt(
                        did_you_mean(id, site.frameworks.keys().map(String::as_str)).or_else(
                            || Some("a framework's id is its file name without `.md`".into()),
                        ),
                    ),
                );
            }
        }
        for reference in page.criteria_refs() {
            if let Err(help) = resolve_criterion(site, reference) {
                out.push(
                    page.at_key(
                        Diagnostic::error("unknown-id", format!("unknown criterion `{reference}`")),
                        "criteria",
                        Some(reference),
                    )
                    .with_help(help),
                );
            }
        }
        if let PageKind::Playbook(playbook) = &page.kind {
            for asset in &playbook.assets {
                let url = asset.url.as_str();
                let is_absolute = url.contains("://") || url.starts_with("mailto:");
                let key = url.trim_end_matches(".md").trim_matches('/');
                if !is_absolute && !site.by_path.contains_key(key) {
                    out.push(
                        page.at_key(
                            Diagnostic::error(
                                "unknown-page",
                                format!(
                                    "asset url `{url}` is neither an absolute URL nor a page path"
                                ),
                            ),
                            "assets",
                            Some(url),
                        )
                        .with_help_opt(did_you_mean(key, paths()).or_else(|| {
                            Some(
                                "use `https://...` or a path relative to content/ without `.md`"
                                    .into(),
                            )
                        })),
                    );
                }
            }
        }
    }
    if let Some(framework) = &site.config.site.default_framework {
        let id = framework.get_ref();
        if !site.frameworks.contains_key(id) {
            let source = crate::source::SourceFile::new("site.toml", String::new());
            out.push(
                Diagnostic::error(
                    "unknown-id",
                    format!("`default_framework` `{id}` is not a framework page"),
                )
                .in_file(&source.path)
                .with_help_opt(
                    did_you_mean(id, site.frameworks.keys().map(String::as_str))
                        .or_else(|| Some("a framework's id is its file name without `.md`".into())),
                ),
            );
        } else {
            for stage in &site.config.stages {
                for check in &stage.checks {
                    let reference = format!("{id}/{}", check.get_ref());
                    if let Err(help) = resolve_criterion(site, &reference) {
                        out.push(
                            Diagnostic::error(
                                "unknown-id",
                                format!(
                                    "stage `{}` checks unknown criterion `{}`",
                                    stage.id.get_ref(),
                                    check.get_ref()
                                ),
                            )
                            .in_file(std::path::Path::new("site.toml"))
                            .with_help(help),
                        );
                    }
                }
            }
        }
    } else if site.config.stages.iter().any(|s| !s.checks.is_empty()) {
        out.push(Diagnostic::error("missing-field", "stages have `checks` but `[site].default_framework` is not set")
            .in_file(std::path::Path::new("site.toml"))
            .with_help("set `default_framework = \"meddpicc\"` (a framework page's file name) under `[site]`"));
    }
}

/// Finds `framework/criterion`; the error is a hint.
pub fn resolve_criterion<'a>(
    site: &'a Site,
    reference: &str,
) -> Result<(usize, &'a crate::model::page::Criterion), String> {
    let Some((framework, criterion)) = reference.split_once('/') else {
        return Err("write criteria as `framework/criterion`, e.g. `meddpicc/champion`".into());
    };
    let Some(&index) = site.frameworks.get(framework) else {
        return Err(
            did_you_mean(framework, site.frameworks.keys().map(String::as_str))
                .unwrap_or_else(|| format!("no framework page has the id `{framework}`")),
        );
    };
    let PageKind::Framework(fw) = &site.pages[index].kind else {
        unreachable!("frameworks map holds framework pages")
    };
    match fw.criteria.iter().find(|c| c.id == criterion) {
        Some(c) => Ok((index, c)),
        None => Err(
            did_you_mean(criterion, fw.criteria.iter().map(|c| c.id.as_str())).unwrap_or_else(
                || {
                    format!(
                        "`{framework}` has {}",
                        fw.criteria
                            .iter()
                            .map(|c| format!("`{}`", c.id))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            ),
        ),
    }
}

fn check_freshness(site: &Site, out: &mut Vec<Diagnostic>) {
    for page in &site.pages {
        let fresh = freshness::of(page, &site.config, site.today);
        match fresh.state {
            State::Overdue => out.push(
                page.at_key(
                    Diagnostic::warning(
                        "overdue",
                        format!(
                            "`{}` is overdue for review (due {})",
                            page.title,
                            fresh.due.map(Date::iso).unwrap_or_default()
                        ),
                    ),
                    "reviewed",
                    None,
                )
                .with_help("review the page with its owner, then set `reviewed:` to today's date"),
            ),
            State::Expired => out.push(
                page.at_key(
                    Diagnostic::warning(
                        "expired",
                        format!(
                            "`{}` expired on {}",
                            page.title,
                            page.expires.map(Date::iso).unwrap_or_default()
                        ),
                    ),
                    "expires",
                    None,
                )
                .with_help(
                    "update or remove `expires:`, or deprecate the page with `status: deprecated`",
                ),
            ),
            _ => {}
        }
    }
}

/// The code of the heading lint, whose result depends on a page's body.
pub const MISSING_HEADING: &str = "missing-heading";

fn check_headings(site: &Site, out: &mut Vec<Diagnostic>) {
    for index in 0..site.pages.len() {
        check_headings_of(site, index, out);
    }
}

/// The headings `[lint.headings]` wants on page `index` that it lacks.
pub fn check_headings_of(site: &Site, index: usize, out: &mut Vec<Diagnostic>) {
    let page = &site.pages[index];
    let Some(wanted) = site.config.lint.headings.get(page.kind.name()) else {
        return;
    };
    if page.is_section || page.source.is_none() {
        return;
    }
    let have: Vec<String> = page
        .headings
        .iter()
        .filter(|h| h.level == 2)
        .map(|h| h.title.to_lowercase())
        .collect();
    for heading in wanted {
        if !have.contains(&heading.to_lowercase()) {
            let d = Diagnostic::warning(
                MISSING_HEADING,
                format!(
                    "this {} is missing the heading `## {heading}`",
                    page.kind.name()
                ),
            );
            let d = match &page.source {
                Some(s) => d.at(s, page.body_offset, page.body_offset),
                None => d,
            };
            out.push(d.with_help(format!(
                "`[lint.headings]` in site.toml expects every {} to have it",
                page.kind.name()
            )));
        }
    }
}
