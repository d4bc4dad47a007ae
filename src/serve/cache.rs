//! What one build in memory leaves for the next ([`Cache`]): front matter and Markdown results
//! keyed by content hash, rendered pages by input hash, and the last run's model
//! ([`Snapshot`]), which the fast path of [`super::incremental::Session`] updates in place.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::cmd::pipeline;
use crate::config::Config;
use crate::diag::Diagnostic;
use crate::markdown::links::Resolver;
use crate::markdown::{AnchorUse, RenderOptions, Rendered};
use crate::model::page::Page;
use crate::model::Site;
use crate::render;
use crate::source::SourceFile;
use crate::templates::Templates;

fn hash_of<T: Hash + ?Sized>(value: &T) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    value.hash(&mut hasher);
    hasher.finish()
}

/// What one build leaves for the next: per-file front matter and Markdown results keyed by
/// content hash, and the model of the last run ([`Snapshot`]).
#[derive(Default)]
pub struct Cache {
    config_key: u64,
    parsed: HashMap<PathBuf, (u64, (Page, Vec<Diagnostic>))>,
    resolver_key: u64,
    markdown: HashMap<PathBuf, (u64, Rendered)>,
    /// Rendered pages by output path and input hash (see [`render::Memo`]).
    pub(crate) memo: render::Memo,
    /// The model and its by-products from the last pipeline run.
    pub(crate) snapshot: Option<Snapshot>,
    /// Hits and misses, for tests and `--verbose`.
    pub stats: Stats,
}

/// Cache hits and misses of the last run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub parsed_hits: usize,
    pub parsed_misses: usize,
    pub markdown_hits: usize,
    pub markdown_misses: usize,
    pub render_hits: usize,
    pub render_misses: usize,
}

/// The last run's model and what an edit of bodies needs to update it.
pub(crate) struct Snapshot {
    pub site: Site,
    pub resolver: Resolver,
    pub render_options: RenderOptions,
    /// Pages each page's body links to.
    pub links: Vec<Vec<usize>>,
    /// `#anchor`s each page uses, and the non-heading anchors it offers.
    pub anchor_uses: Vec<Vec<AnchorUse>>,
    pub extra_anchors: Vec<Vec<String>>,
    pub anchor_sets: Vec<HashSet<String>>,
    /// Diagnostics that do not depend on bodies.
    pub base_diagnostics: Vec<Diagnostic>,
    /// Per page: Markdown problems and heading lints.
    pub page_diagnostics: Vec<Vec<Diagnostic>>,
    /// Per page: broken anchors it uses.
    pub anchor_diagnostics: Vec<Vec<Diagnostic>>,
    /// The templates, when the run rendered without errors.
    pub templates: Option<Templates>,
    pub static_files: Vec<(String, Vec<u8>)>,
    pub assets: Vec<String>,
    pub search_script: String,
    /// Paths of the search index files this run made.
    pub search_paths: Vec<String>,
}

impl Snapshot {
    pub(super) fn diagnostics(&self) -> Vec<Diagnostic> {
        let all = self
            .base_diagnostics
            .iter()
            .chain(self.page_diagnostics.iter().flatten())
            .chain(self.anchor_diagnostics.iter().flatten());
        pipeline::sorted(all.cloned().collect())
    }
}

impl Cache {
    /// Front matter of every file, reusing results for unchanged text under the same config.
    pub(crate) fn parse(
        &mut self,
        sources: Vec<SourceFile>,
        config: &Config,
        parse: impl Fn(SourceFile) -> (Page, Vec<Diagnostic>) + Sync,
    ) -> Vec<(Page, Vec<Diagnostic>)> {
        let key = hash_of(&format!("{config:?}"));
        if key != self.config_key {
            self.parsed.clear();
            self.markdown.clear();
            self.config_key = key;
        }
        let old = std::mem::take(&mut self.parsed);
        let results: Vec<(PathBuf, u64, bool, (Page, Vec<Diagnostic>))> = sources
            .into_par_iter()
            .map(|source| {
                let path = source.path.clone();
                let hash = hash_of(&source.text);
                match old.get(&path) {
                    Some((h, cached)) if *h == hash => (path, hash, true, cached.clone()),
                    _ => (path, hash, false, parse(source)),
                }
            })
            .collect();
        let hits = results.iter().filter(|r| r.2).count();
        self.stats.parsed_hits = hits;
        self.stats.parsed_misses = results.len() - hits;
        results
            .into_iter()
            .map(|(path, hash, _, result)| {
                self.parsed.insert(path, (hash, result.clone()));
                result
            })
            .collect()
    }

    /// Markdown of every page, reusing results for pages whose text, place and title are
    /// unchanged, as long as link resolution would give the same answers.
    pub(crate) fn render_markdown(
        &mut self,
        pages: &[Page],
        assets: &[String],
        generated: &HashSet<String>,
        options: RenderOptions,
        render: impl Fn(&Page) -> Option<Rendered> + Sync,
    ) -> Vec<Option<Rendered>> {
        let mut generated: Vec<&String> = generated.iter().collect();
        generated.sort();
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for page in pages {
            (
                &page.rel,
                page.is_section.then_some(&page.dir),
                &page.link_dir,
                &page.url,
            )
                .hash(&mut hasher);
        }
        (assets, generated, format!("{options:?}")).hash(&mut hasher);
        let key = hasher.finish();
        if key != self.resolver_key {
            self.markdown.clear();
            self.resolver_key = key;
        }
        let old = std::mem::take(&mut self.markdown);
        let results: Vec<Option<(PathBuf, u64, bool, Rendered)>> = pages
            .par_iter()
            .map(|page| {
                let source = page.source.as_ref()?;
                let hash = hash_of(&(
                    &source.path,
                    &source.text,
                    page.body_offset,
                    &page.link_dir,
                    &page.url,
                    &page.title,
                ));
                match old.get(&source.path) {
                    Some((h, cached)) if *h == hash => {
                        Some((source.path.clone(), hash, true, cached.clone()))
                    }
                    _ => Some((source.path.clone(), hash, false, render(page)?)),
                }
            })
            .collect();
        let hits = results.iter().flatten().filter(|r| r.2).count();
        self.stats.markdown_hits = hits;
        self.stats.markdown_misses = results.iter().flatten().count() - hits;
        results
            .into_iter()
            .map(|r| {
                let (path, hash, _, rendered) = r?;
                self.markdown.insert(path, (hash, rendered.clone()));
                Some(rendered)
            })
            .collect()
    }
}
