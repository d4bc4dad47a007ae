//! Rebuilding in memory: a [`Session`] runs the pipeline with a [`Cache`] of the previous
//! build, so a change costs what it affects.

use std::collections::HashMap;

use axum::body::Bytes;

use super::classify::{ChangeSet, Layout};
use crate::cmd::pipeline::{self, Options};
use crate::diag::{Diagnostic, Severity};

/// What a previous build left for the next one.
#[derive(Default)]
pub struct Cache {}

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
    /// Output paths that [`Session::finish_deferred`] will produce next.
    pub deferred: Vec<String>,
    /// Number of pages and sections.
    pub pages: usize,
    pub sections: usize,
}

impl Rebuilt {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    fn failed(diagnostics: Vec<Diagnostic>) -> Rebuilt {
        Rebuilt {
            diagnostics,
            output: None,
            deferred: Vec::new(),
            pages: 0,
            sections: 0,
        }
    }
}

/// A serve session: the options, the layout, and the cache.
pub struct Session {
    options: Options,
    layout: Layout,
    cache: Cache,
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
        }
    }

    /// Where things are, from the last site.toml that could be read.
    pub fn layout(&self) -> Layout {
        self.layout.clone()
    }

    /// Rebuilds after `changes` (`None`: the first build).
    pub fn rebuild(&mut self, changes: Option<&ChangeSet>) -> Rebuilt {
        let _ = changes;
        self.full()
    }

    /// Renders what the last rebuild deferred.
    pub fn finish_deferred(&mut self) -> Option<Vec<(String, Bytes)>> {
        None
    }

    /// The whole pipeline, reusing what the cache holds.
    fn full(&mut self) -> Rebuilt {
        let _ = &mut self.cache;
        let outcome = match pipeline::run(&self.options) {
            Ok(outcome) => outcome,
            Err(err) => return Rebuilt::failed(vec![Diagnostic::error("io", format!("{err:#}"))]),
        };
        if let Some(site) = &outcome.site {
            self.layout.content_dir = site.config.site.content_dir.clone().into();
            self.layout.theme = site.config.site.theme.clone();
        }
        self.layout.output_dir = outcome.output_dir.clone();
        let (pages, sections) = outcome.site.as_ref().map_or((0, 0), |s| {
            let sections = s.pages.iter().filter(|p| p.is_section).count();
            (s.pages.len() - sections, sections)
        });
        let errors = outcome.errors();
        let mut rebuilt = Rebuilt {
            diagnostics: outcome.diagnostics,
            output: None,
            deferred: Vec::new(),
            pages,
            sections,
        };
        if errors > 0 {
            return rebuilt;
        }
        match crate::write::to_memory(&self.options.root, outcome.files) {
            Ok(map) => {
                rebuilt.output = Some(Output::Full(
                    map.into_iter().map(|(k, v)| (k, Bytes::from(v))).collect(),
                ))
            }
            Err(err) => rebuilt
                .diagnostics
                .push(Diagnostic::error("io", format!("{err:#}"))),
        }
        rebuilt
    }
}
