//! The site model: pages with typed, validated front matter, the section tree, navigation,
//! taxonomies and freshness. Pure: built from values, no file I/O, no templates.

pub mod date;
pub mod freshness;
pub mod history;
pub mod page;
pub mod slug;
pub mod title;
pub mod tree;

use std::collections::BTreeMap;

pub use date::Date;
pub use freshness::Freshness;
pub use page::{Page, PageKind};

use crate::config::Config;

/// The page kinds front matter may name.
pub const KIND_NAMES: &[&str] = &["playbook", "framework", "coaching", "page"];

/// A heading on a page, for the table of contents and anchors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1–6.
    pub level: u8,
    /// The unique anchor id on its page.
    pub id: String,
    /// Plain text of the heading.
    pub title: String,
}

/// One searchable part of a page: the text under a heading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TextSection {
    /// Anchor of the heading; `None` for the text before the first heading.
    pub anchor: Option<String>,
    /// The heading's text.
    pub heading: Option<String>,
    /// Plain text of the section.
    pub text: String,
}

/// The whole site, ready to render.
#[derive(Debug)]
pub struct Site {
    /// The configuration.
    pub config: Config,
    /// Every page, sorted by source path; index 0 is the home page.
    pub pages: Vec<Page>,
    /// Pages in reading order (depth-first through the section tree).
    pub reading_order: Vec<usize>,
    /// Tag slug → (tag text, page indices).
    pub tags: BTreeMap<String, (String, Vec<usize>)>,
    /// Today's date, for freshness.
    pub today: Date,
    /// Page index by content-relative path without extension (`playbooks/cold-call`).
    pub by_path: BTreeMap<String, usize>,
    /// Framework page index by framework id.
    pub frameworks: BTreeMap<String, usize>,
    /// Number of pages that link to each page (body links and `related`).
    pub inbound: Vec<usize>,
    /// Who changed which file when, from Git (empty without it).
    pub history: history::History,
}

impl Site {
    /// The home page.
    pub fn home(&self) -> &Page {
        &self.pages[0]
    }

    /// Pages that list `id` in the given taxonomy.
    pub fn pages_with<'a>(
        &'a self,
        field: fn(&Page) -> &[String],
        id: &'a str,
    ) -> impl Iterator<Item = usize> + 'a {
        self.reading_order
            .iter()
            .copied()
            .filter(move |&i| field(&self.pages[i]).iter().any(|x| x == id))
    }

    /// The commit that last changed a page's file, when Git knows it.
    pub fn last_change(&self, page: &Page) -> Option<&history::Commit> {
        let source = page.source.as_ref()?;
        self.history
            .last_change(&crate::diag::display_path(&source.path))
    }

    /// Name of a team or person id.
    pub fn owner_name(&self, id: &str) -> Option<&str> {
        self.config
            .teams
            .iter()
            .find(|t| t.id.get_ref() == id)
            .map(|t| t.name.as_str())
            .or_else(|| {
                self.config
                    .people
                    .iter()
                    .find(|p| p.id.get_ref() == id)
                    .map(|p| p.name.as_str())
            })
    }
}
