//! Reads the site's Git history: one `git rev-parse` to find the repository, then ONE
//! `git log --name-status -z -M` over the content folder, parsed into a
//! [`History`](crate::model::history::History). Also lists the files changed since a
//! revision for `check --changed-since`. The only code that runs git.
//!
//! Renames: `--follow` works for one file only, so the single pass uses `-M` rename
//! detection instead and walks the log newest first, remembering for every old path which
//! current file it became. A pure rename (similarity 100%) is not a change of content: the
//! page's "last changed" is then the newest commit before it that edited the file under
//! either name. A file deleted and later re-created starts a new history.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::process::{Command, Output};

use anyhow::Context as _;

use crate::model::history::{ChangeKind, Commit, History, RecentCommit, Status};

/// How many of the newest commits keep their file lists (for "What's new" and the feed).
pub const RECENT_COMMITS: usize = 200;

/// Field separator of the `--format` below.
const FIELD: u8 = 0x1f;
/// Start of each commit record.
const RECORD: u8 = 0x1e;

/// Reads the history of `content_dir` (relative to `root`). Never fails: without Git, outside
/// a work tree, or on any git error the history is empty and its `status` says why.
pub fn history(root: &Path, content_dir: &str) -> History {
    let probe = match git(root)
        .args([
            "rev-parse",
            "--is-inside-work-tree",
            "--is-shallow-repository",
            "--show-prefix",
        ])
        .output()
    {
        Ok(output) => output,
        Err(_) => {
            return History {
                status: Status::NoGit,
                ..History::default()
            }
        }
    };
    let text = String::from_utf8_lossy(&probe.stdout);
    let mut lines = text.lines();
    if !probe.status.success() || lines.next() != Some("true") {
        return History {
            status: Status::NotARepo,
            ..History::default()
        };
    }
    let shallow = lines.next() == Some("true");
    let prefix = lines.next().unwrap_or("").to_string();
    let log = git(root)
        .args([
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--name-status",
            "-M",
            "--date-order",
            "--no-color",
            "--no-ext-diff",
        ])
        .arg("--format=%x1e%H%x1f%aI%x1f%at%x1f%aN%x1f%s%x1f%P")
        .arg("--")
        .arg(content_dir)
        .output();
    let status = if shallow {
        Status::Shallow
    } else {
        Status::Complete
    };
    match log {
        // A repository without commits yet has no history, which is not a problem.
        Ok(Output {
            status: exit,
            stdout,
            ..
        }) if exit.success() => History {
            status,
            ..parse_log(&stdout, &prefix, shallow)
        },
        _ => History {
            status,
            ..History::default()
        },
    }
}

/// Files (relative to `root`, `/`-separated) that differ from `rev` in the work tree,
/// plus untracked files. An unknown revision or a missing repository is an error.
pub fn changed_since(root: &Path, rev: &str) -> anyhow::Result<HashSet<String>> {
    let output = git(root)
        .args([
            "diff",
            "-z",
            "--name-only",
            "--relative",
            "--no-ext-diff",
            rev,
            "--",
        ])
        .output()
        .context("cannot run git")?;
    if !output.status.success() {
        anyhow::bail!(
            "git diff {rev} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let mut files: HashSet<String> = split_z(&output.stdout).collect();
    let untracked = git(root)
        .args(["ls-files", "-z", "--others", "--exclude-standard"])
        .output()
        .context("cannot run git")?;
    files.extend(split_z(&untracked.stdout));
    Ok(files)
}

fn git(root: &Path) -> Command {
    let mut command = Command::new("git");
    command.arg("-C").arg(root);
    command
}

fn split_z(bytes: &[u8]) -> impl Iterator<Item = String> + '_ {
    bytes
        .split(|&b| b == 0)
        .filter(|s| !s.is_empty())
        .map(|s| String::from_utf8_lossy(s).into_owned())
}

/// Parses the output of the `git log` above. `prefix` is the site root relative to the
/// repository (`""` or `"docs/"`); paths outside it are dropped. In a `shallow` clone the
/// commits without parents are the cut-off points, whose "every file added" diff is not
/// a real change, so they are skipped.
pub fn parse_log(bytes: &[u8], prefix: &str, shallow: bool) -> History {
    let mut history = History::default();
    // Path at some point in the past → the path of that file now (None: no file of today).
    let mut became: HashMap<String, Option<String>> = HashMap::new();
    let mut last_change: BTreeMap<String, usize> = BTreeMap::new();
    for record in bytes.split(|&b| b == RECORD).filter(|r| !r.is_empty()) {
        let header_end = record.iter().position(|&b| b == 0).unwrap_or(record.len());
        let header = String::from_utf8_lossy(&record[..header_end]);
        let fields: Vec<&str> = header.split(FIELD as char).collect();
        let [hash, iso, timestamp, author, subject, parents] = fields[..] else {
            continue;
        };
        if shallow && parents.trim().is_empty() {
            continue;
        }
        let rest = record.get(header_end + 1..).unwrap_or(&[]);
        let rest = rest.strip_prefix(b"\n").unwrap_or(rest);
        let mut tokens = rest
            .split(|&b| b == 0)
            .map(|t| String::from_utf8_lossy(t).into_owned());
        let index = history.commits.len();
        let mut files: Vec<(String, ChangeKind)> = Vec::new();
        let mut touch =
            |current: Option<String>, kind: ChangeKind, files: &mut Vec<(String, ChangeKind)>| {
                let Some(current) = current else { return };
                if kind != ChangeKind::Moved {
                    last_change.entry(current.clone()).or_insert(index);
                }
                if !files.iter().any(|(f, _)| *f == current) {
                    files.push((current, kind));
                }
            };
        while let Some(status) = tokens.next() {
            let status = status.trim();
            let Some(letter) = status.chars().next() else {
                continue;
            };
            match letter {
                'R' | 'C' => {
                    let (Some(old), Some(new)) = (tokens.next(), tokens.next()) else {
                        break;
                    };
                    let (Some(old), Some(new)) = (strip(&old, prefix), strip(&new, prefix)) else {
                        continue;
                    };
                    let current = resolve(&became, &new);
                    let kind = match (letter, &status[1..]) {
                        ('C', _) => ChangeKind::Added,
                        (_, "100") => ChangeKind::Moved,
                        _ => ChangeKind::Changed,
                    };
                    touch(current.clone(), kind, &mut files);
                    // Before this commit nothing of today lived at `new`; the file was at `old`.
                    became.insert(new, None);
                    if letter == 'R' {
                        became.insert(old, current);
                    }
                }
                _ => {
                    let Some(path) = tokens.next() else { break };
                    let Some(path) = strip(&path, prefix) else {
                        continue;
                    };
                    match letter {
                        'A' => {
                            touch(resolve(&became, &path), ChangeKind::Added, &mut files);
                            became.insert(path, None);
                        }
                        'M' | 'T' => {
                            touch(resolve(&became, &path), ChangeKind::Changed, &mut files)
                        }
                        'D' => {
                            became.insert(path, None);
                        }
                        _ => {}
                    }
                }
            }
        }
        if files.is_empty() {
            continue;
        }
        history.commits.push(Commit {
            hash: hash.to_string(),
            date: iso.get(..10).unwrap_or(iso).to_string(),
            timestamp: timestamp.trim().parse().unwrap_or(0),
            author: author.to_string(),
            subject: subject.to_string(),
        });
        if history.recent.len() < RECENT_COMMITS {
            history.recent.push(RecentCommit {
                commit: index,
                files,
            });
        }
    }
    history.last_change = last_change;
    history
}

/// The file of today that `path` became, following the renames seen so far.
fn resolve(became: &HashMap<String, Option<String>>, path: &str) -> Option<String> {
    match became.get(path) {
        Some(current) => current.clone(),
        None => Some(path.to_string()),
    }
}

/// `path` relative to the site root, or `None` outside it.
fn strip(path: &str, prefix: &str) -> Option<String> {
    path.strip_prefix(prefix)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One log record: hash, ISO date, Unix time, author, subject, parents, then entries.
    fn record(hash: &str, time: i64, author: &str, parents: &str, entries: &[&str]) -> Vec<u8> {
        let mut out = vec![RECORD];
        let header = [
            hash,
            "2026-01-02T10:00:00+01:00",
            &time.to_string(),
            author,
            "subject",
            parents,
        ]
        .join("\x1f");
        out.extend(header.as_bytes());
        out.extend(b"\0\n");
        for entry in entries {
            out.extend(entry.as_bytes());
            out.push(0);
        }
        out
    }

    fn log(records: &[Vec<u8>]) -> Vec<u8> {
        records.concat()
    }

    fn last(history: &History, path: &str) -> Option<String> {
        history.last_change(path).map(|c| c.hash.clone())
    }

    #[test]
    fn newest_change_wins() {
        let bytes = log(&[
            record("c2", 20, "B", "c1", &["M", "content/a.md"]),
            record(
                "c1",
                10,
                "A",
                "",
                &["A", "content/a.md", "A", "content/b.md"],
            ),
        ]);
        let h = parse_log(&bytes, "", false);
        assert_eq!(last(&h, "content/a.md").as_deref(), Some("c2"));
        assert_eq!(last(&h, "content/b.md").as_deref(), Some("c1"));
        assert_eq!(h.commits[0].author, "B");
        assert_eq!(h.commits[0].date, "2026-01-02");
        assert_eq!(
            h.recent[1].files,
            vec![
                ("content/a.md".to_string(), ChangeKind::Added),
                ("content/b.md".to_string(), ChangeKind::Added)
            ]
        );
    }

    #[test]
    fn pure_rename_follows_the_old_name() {
        let bytes = log(&[
            record(
                "c3",
                30,
                "C",
                "c2",
                &["R100", "content/old.md", "content/new.md"],
            ),
            record("c2", 20, "B", "c1", &["M", "content/old.md"]),
            record("c1", 10, "A", "", &["A", "content/old.md"]),
        ]);
        let h = parse_log(&bytes, "", false);
        assert_eq!(last(&h, "content/new.md").as_deref(), Some("c2"));
        assert_eq!(last(&h, "content/old.md"), None);
        assert_eq!(
            h.recent[0].files,
            vec![("content/new.md".to_string(), ChangeKind::Moved)]
        );
        assert_eq!(
            h.recent[1].files,
            vec![("content/new.md".to_string(), ChangeKind::Changed)]
        );
    }

    #[test]
    fn rename_with_edits_is_a_change() {
        let bytes = log(&[
            record(
                "c2",
                20,
                "B",
                "c1",
                &["R087", "content/old.md", "content/new.md"],
            ),
            record("c1", 10, "A", "", &["A", "content/old.md"]),
        ]);
        assert_eq!(
            last(&parse_log(&bytes, "", false), "content/new.md").as_deref(),
            Some("c2")
        );
    }

    #[test]
    fn deleted_then_recreated_starts_afresh() {
        let bytes = log(&[
            record("c3", 30, "C", "c2", &["A", "content/a.md"]),
            record("c2", 20, "B", "c1", &["D", "content/a.md"]),
            record("c1", 10, "A", "", &["A", "content/a.md"]),
        ]);
        let h = parse_log(&bytes, "", false);
        assert_eq!(last(&h, "content/a.md").as_deref(), Some("c3"));
        assert_eq!(
            h.commits.len(),
            1,
            "commits touching no file of today are dropped"
        );
    }

    #[test]
    fn a_new_file_on_a_moved_files_old_path() {
        let bytes = log(&[
            record("c3", 30, "C", "c2", &["A", "content/a.md"]),
            record(
                "c2",
                20,
                "B",
                "c1",
                &["R100", "content/a.md", "content/b.md"],
            ),
            record("c1", 10, "A", "", &["A", "content/a.md"]),
        ]);
        let h = parse_log(&bytes, "", false);
        assert_eq!(last(&h, "content/a.md").as_deref(), Some("c3"));
        assert_eq!(last(&h, "content/b.md").as_deref(), Some("c1"));
    }

    #[test]
    fn prefix_is_stripped_and_outside_paths_dropped() {
        let bytes = log(&[record(
            "c1",
            10,
            "A",
            "",
            &["A", "docs/content/a.md", "A", "other/x.md"],
        )]);
        let h = parse_log(&bytes, "docs/", false);
        assert_eq!(
            h.last_change.keys().collect::<Vec<_>>(),
            vec!["content/a.md"]
        );
    }

    #[test]
    fn shallow_boundary_is_not_a_change() {
        let bytes = log(&[
            record("c2", 20, "B", "c1", &["M", "content/a.md"]),
            record(
                "c1",
                10,
                "A",
                "",
                &["A", "content/a.md", "A", "content/b.md"],
            ),
        ]);
        let h = parse_log(&bytes, "", true);
        assert_eq!(last(&h, "content/a.md").as_deref(), Some("c2"));
        assert_eq!(last(&h, "content/b.md"), None);
    }

    #[test]
    fn odd_file_names_survive() {
        let bytes = log(&[record(
            "c1",
            10,
            "Jöran",
            "",
            &["A", "content/sp ace\nnew\"line.md"],
        )]);
        assert_eq!(
            last(
                &parse_log(&bytes, "", false),
                "content/sp ace\nnew\"line.md"
            )
            .as_deref(),
            Some("c1")
        );
    }
}
