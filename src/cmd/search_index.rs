//! Feeds the model to the search indexer. Kept apart so the search module stays free of
//! model types: it sees only `SearchDoc`s.

use crate::model::Site;
use crate::render::OutputFile;
use crate::search::{self, SearchDoc, SearchOptions, SearchSection};

/// The path of the script every page loads for search, empty when search is turned off.
/// Fixed, so pages can be rendered while the index is still being built.
pub fn script(site: &Site) -> String {
    if site.config.search.enabled {
        search::ENTRY.to_string()
    } else {
        String::new()
    }
}

/// Builds the search index files (none when search is turned off).
pub fn build(site: &Site) -> Vec<OutputFile> {
    if !site.config.search.enabled {
        return Vec::new();
    }
    let docs: Vec<SearchDoc> = site.reading_order.iter().map(|&i| doc(site, i)).collect();
    let options = SearchOptions {
        language: site.config.site.language.clone(),
        synonyms: site.config.search.synonyms.clone(),
        default_synonyms: site.config.search.default_synonyms,
    };
    let index = search::build(&docs, &options);
    index
        .files
        .into_iter()
        .map(|f| OutputFile::bytes(f.path, f.bytes))
        .collect()
}

fn doc(site: &Site, index: usize) -> SearchDoc<'_> {
    let page = &site.pages[index];
    let mut crumbs = Vec::new();
    let mut parent = page.parent;
    while let Some(p) = parent {
        if p != 0 {
            crumbs.push(site.pages[p].title.clone());
        }
        parent = site.pages[p].parent;
    }
    crumbs.reverse();
    let mut sections: Vec<SearchSection> = page
        .text
        .iter()
        .map(|s| SearchSection {
            anchor: s.anchor.clone(),
            heading: s.heading.clone(),
            text: s.text.as_str().into(),
        })
        .collect();
    // Playbook and coaching fields live in front matter; make them findable. Framework
    // criteria become sections of their own, so a hit deep-links to `#champion`.
    let extra = kind_text(page);
    if !extra.is_empty() {
        sections.insert(
            0,
            SearchSection {
                anchor: None,
                heading: None,
                text: extra.into(),
            },
        );
    }
    if let crate::model::PageKind::Framework(f) = &page.kind {
        for c in &f.criteria {
            let mut text = format!("{}\n", c.definition);
            for line in c.questions.iter().chain(&c.evidence).chain(&c.red_flags) {
                text.push_str(line);
                text.push('\n');
            }
            sections.push(SearchSection {
                anchor: Some(c.id.clone()),
                heading: Some(c.name.clone()),
                text: text.into(),
            });
        }
    }
    SearchDoc {
        url: page.url.clone(),
        title: page.title.clone(),
        kind: if page.is_section {
            "section".into()
        } else {
            page.kind.name().into()
        },
        summary: page.summary.clone(),
        breadcrumb: crumbs.join(" › "),
        tags: page
            .tags
            .iter()
            .map(|t| crate::model::slug::segment_slug(t))
            .collect(),
        stages: page.stages.clone(),
        roles: page.roles.clone(),
        personas: page.personas.clone(),
        keywords: page.keywords.clone(),
        sections,
    }
}

fn kind_text(page: &crate::model::Page) -> String {
    use crate::model::PageKind;
    let mut text = String::new();
    let mut push = |s: &str| {
        if !s.is_empty() {
            text.push_str(s);
            text.push('\n');
        }
    };
    match &page.kind {
        PageKind::Playbook(p) => {
            push(&p.trigger);
            push(&p.goal);
            push(&p.exit_signal);
        }
        PageKind::Framework(f) => {
            push(&f.acronym);
            push(&f.use_when);
        }
        PageKind::Coaching(c) => {
            push(&c.skill);
            c.behaviours
                .iter()
                .chain(&c.coaching_questions)
                .for_each(|q| push(q));
        }
        PageKind::Page => {}
    }
    text
}
