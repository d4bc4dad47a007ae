//! Client-side search: turns the site's pages into a sharded static index plus the script that
//! queries it, with no server, no `fetch`, no WASM and no worker, so it works over HTTP and
//! from `file://` alike.
//!
//! Pipeline: [`analyzer`] (fold, segment, stem) -> [`collect`] (one pass over every field,
//! synonyms expanded) -> [`scoring`] (BM25F + title bonus, quantised, capped) -> [`emit`]
//! (term shards, result fragments, page buckets, lexicon, facets; page cards from [`card`])
//! -> [`loader`] (client scripts).
//! The design and file formats are in `src/search/DESIGN.md`; the client is
//! `themes/default/static/search.js` (engine) and `search-ui.js` + `search.css` (UI).
//!
//! This module does no I/O and imports nothing from the rest of the crate: it takes
//! [`SearchDoc`]s and returns [`SearchFile`]s. Output is deterministic.

mod analyzer;
mod card;
mod collect;
mod emit;
mod encode;
mod loader;
mod scoring;
mod synonyms;

#[cfg(test)]
mod tests;

pub use synonyms::DEFAULT_SYNONYMS;

use std::borrow::Cow;

/// Path of the entry script that pages load with `<script defer>`. Its name is fixed so that
/// pages do not change when only the index does (an edit of one body re-renders one page, not
/// every page, and pages can be rendered while the index is built); the files it loads have
/// content-hashed names.
pub const ENTRY: &str = "search/fieldbook-search.js";

/// One page to index.
#[derive(Debug, Clone, Default)]
pub struct SearchDoc<'a> {
    /// Site-relative URL, no leading slash, ending in `/` (`playbooks/cold-call/`).
    pub url: String,
    /// Page title.
    pub title: String,
    /// `playbook`, `framework`, `coaching`, `page` or `section`.
    pub kind: String,
    /// One or two sentences; shown as the snippet when the title matches.
    pub summary: String,
    /// `Playbooks › Prospecting`.
    pub breadcrumb: String,
    /// Tag slugs.
    pub tags: Vec<String>,
    /// Stage ids.
    pub stages: Vec<String>,
    /// Role ids.
    pub roles: Vec<String>,
    /// Persona ids.
    pub personas: Vec<String>,
    /// The page's search keywords (indexed like its summary).
    pub keywords: Vec<String>,
    /// Sections in page order; the first may have no heading (the intro).
    pub sections: Vec<SearchSection<'a>>,
}

/// A part of a page under one `h2`/`h3` (or the intro before the first heading).
#[derive(Debug, Clone, Default)]
pub struct SearchSection<'a> {
    /// The heading's `id` on the page, for deep links.
    pub anchor: Option<String>,
    /// The heading text.
    pub heading: Option<String>,
    /// Plain text of the section (borrowed from the page where it can be: bodies are most of
    /// what the indexer reads, and copying them would double the memory they take).
    pub text: Cow<'a, str>,
}

/// Index settings from `site.toml`.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Site language (`en`, `de`, ...): picks the Snowball stemmer; unknown means no stemming.
    pub language: String,
    /// Groups of equivalent terms or phrases (`[["eb", "economic buyer"]]`).
    pub synonyms: Vec<Vec<String>>,
    /// Also use [`DEFAULT_SYNONYMS`] (sales acronyms).
    pub default_synonyms: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            language: "en".to_string(),
            synonyms: Vec::new(),
            default_synonyms: true,
        }
    }
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    /// Output-relative path, e.g. `search/t-ab12cd34.js`.
    pub path: String,
    /// File contents.
    pub bytes: Vec<u8>,
}

/// The built index.
#[derive(Debug, Clone)]
pub struct SearchIndex {
    /// Every file to write, sorted by path (the entry script, [`ENTRY`], included).
    pub files: Vec<SearchFile>,
}

/// Builds the search index for `docs`. Same input, same bytes.
pub fn build(docs: &[SearchDoc], opts: &SearchOptions) -> SearchIndex {
    // The index numbers pages in an order that puts pages with similar titles next to each
    // other, so the results of one query tend to share page buckets (see `cluster_order`).
    let order = cluster_order(docs);
    let docs: Vec<&SearchDoc> = order.iter().map(|&d| &docs[d]).collect();
    let docs = &docs[..];
    let mut analyzer = analyzer::Analyzer::new(&opts.language);
    let synonyms =
        synonyms::Synonyms::compile(&mut analyzer, &opts.synonyms, opts.default_synonyms);
    let mut col = collect::collect(docs, &mut analyzer, &synonyms);
    let postings = scoring::postings(&col, analyzer.stems.len());
    // Every (term, page) pair is in the postings now: the records are the biggest thing
    // the index holds, and nothing after scoring reads them.
    col.records = collect::Records::default();
    let mut files = emit::Files::new();
    let cards = card::cards(docs);
    let input = emit::Input {
        docs,
        cards: &cards,
        analyzer: &analyzer,
        col: &col,
        postings: &postings,
        language: &opts.language,
    };
    let manifest = emit::emit(&input, &mut files);
    let entry = loader::entry(&manifest);
    let name = ENTRY
        .strip_prefix("search/")
        .and_then(|n| n.strip_suffix(".js"))
        .expect("the entry lives in search/");
    files.push(name, entry.into_bytes());
    let mut files = files.files;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    SearchIndex { files }
}

/// Page order for the index: by the title's words, rarest first (then the URL). Pages with the
/// same title, and pages sharing their rarest title words, end up next to each other: the
/// results of a title query then fall into few page buckets.
fn cluster_order(docs: &[SearchDoc]) -> Vec<usize> {
    let split = |t: &str| -> Vec<String> {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let titles: Vec<Vec<String>> = docs.iter().map(|d| split(&d.title)).collect();
    let mut df: std::collections::HashMap<&str, u32> = std::collections::HashMap::new();
    for words in &titles {
        for w in words {
            *df.entry(w.as_str()).or_insert(0) += 1;
        }
    }
    let keys: Vec<Vec<(u32, &str)>> = titles
        .iter()
        .map(|words| {
            let mut k: Vec<(u32, &str)> =
                words.iter().map(|w| (df[w.as_str()], w.as_str())).collect();
            k.sort_unstable();
            k.dedup();
            k
        })
        .collect();
    let mut order: Vec<usize> = (0..docs.len()).collect();
    order.sort_by(|&a, &b| {
        keys[a]
            .cmp(&keys[b])
            .then_with(|| docs[a].url.cmp(&docs[b].url))
    });
    order
}
