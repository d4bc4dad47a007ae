//! The Git history of the site as plain values: who last changed each file and the recent
//! commits, with every path already mapped to where the file is now. Read by `load::git`;
//! here nothing runs git or reads files.

use std::collections::BTreeMap;

use crate::model::Date;

/// One commit, as the site shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commit {
    /// Full hash.
    pub hash: String,
    /// The author's date in the author's time zone, `YYYY-MM-DD`.
    pub date: String,
    /// Author time, seconds since 1970 (UTC), for sorting and the feed.
    pub timestamp: i64,
    /// Author name (after `.mailmap`).
    pub author: String,
    /// First line of the commit message.
    pub subject: String,
}

/// What a commit did to a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The file was created.
    Added,
    /// Its content changed (a rename with edits counts here).
    Changed,
    /// It was only moved or renamed; its content is as before.
    Moved,
}

impl ChangeKind {
    /// `added`, `changed` or `moved`.
    pub fn key(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Moved => "moved",
        }
    }
}

/// A recent commit with the files it touched that still exist, by their current path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecentCommit {
    /// Index into [`History::commits`].
    pub commit: usize,
    /// (current path relative to the site root, what happened), in the order git listed them.
    pub files: Vec<(String, ChangeKind)>,
}

/// Whether history could be read, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Not asked for (e.g. `check`).
    #[default]
    NotRead,
    /// The full history was read.
    Complete,
    /// A shallow clone: history before the oldest fetched commit is missing.
    Shallow,
    /// The site is not inside a Git work tree.
    NotARepo,
    /// `git` could not be run.
    NoGit,
}

/// The history of the files below the site root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// How complete it is.
    pub status: Status,
    /// Commits that touched a file still in the site, newest first.
    pub commits: Vec<Commit>,
    /// Current path (relative to the site root, `/`-separated) → index of the newest commit
    /// that changed its content.
    pub last_change: BTreeMap<String, usize>,
    /// The newest commits, newest first, with the files they touched.
    pub recent: Vec<RecentCommit>,
}

impl History {
    /// The commit that last changed the file at `path` (relative to the site root).
    pub fn last_change(&self, path: &str) -> Option<&Commit> {
        self.last_change.get(path).map(|&i| &self.commits[i])
    }
}

/// `2026-11-02T09:30:00Z` for a Unix time, for Atom.
pub fn rfc3339_utc(timestamp: i64) -> String {
    let day = Date(timestamp.div_euclid(86_400));
    let secs = timestamp.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        day.iso(),
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_timestamps() {
        assert_eq!(rfc3339_utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_utc(1_767_254_400), "2026-01-01T08:00:00Z");
        assert_eq!(rfc3339_utc(-1), "1969-12-31T23:59:59Z");
    }
}
