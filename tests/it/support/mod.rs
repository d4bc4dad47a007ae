//! Test helpers: a throw-away site made from an inline multi-file string, the real binary
//! run against it, and snapshot comparison with `UPDATE_EXPECT=1` to regenerate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

/// The date every test build runs on.
pub const TODAY: &str = "2026-11-27";

impl SiteTest {
    /// Makes a site from `//- path` sections:
    /// ```text
    /// //- site.toml
    /// [site]
    /// title = "T"
    /// //- content/a.md
    /// # A
    /// ```
    pub fn inline(spec: &str) -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        let mut current: Option<(String, String)> = None;
        for line in spec.lines() {
            if let Some(path) = line.strip_prefix("//- ") {
                if let Some((p, text)) = current.take() {
                    site.write(&p, &text);
                }
                current = Some((path.trim().to_string(), String::new()));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
                text.push('\n');
            }
        }
        if let Some((p, text)) = current.take() {
            site.write(&p, &text);
        }
        site
    }

    /// Copies a fixture folder from tests/fixtures.
    pub fn fixture(name: &str) -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&fixtures().join(name), site.path());
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Runs the binary with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs the binary with `args` in the folder `dir` below the site.
    pub fn run_in(&self, dir: &str, args: &[&str]) -> Run {
        let output = self
            .command(dir, args)
            .env("FIELDBOOK_TODAY", TODAY)
            .output()
            .unwrap();
        Run {
            output,
            root: self.path().to_path_buf(),
        }
    }

    /// Runs the binary on the real clock (`FIELDBOOK_TODAY` unset).
    pub fn run_unpinned(&self, args: &[&str]) -> Run {
        let output = self
            .command("", args)
            .env_remove("FIELDBOOK_TODAY")
            .output()
            .unwrap();
        Run {
            output,
            root: self.path().to_path_buf(),
        }
    }

    fn command(&self, dir: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook"));
        command
            .args(args)
            .current_dir(self.path().join(dir))
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE");
        command
    }
}

/// The result of one run.
pub struct Run {
    pub output: Output,
    root: PathBuf,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// stderr with the temp folder, timings and version redacted.
    pub fn stderr(&self) -> String {
        redact(&String::from_utf8_lossy(&self.output.stderr), &self.root)
    }

    pub fn stdout(&self) -> String {
        redact(&String::from_utf8_lossy(&self.output.stdout), &self.root)
    }

    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "unexpected exit code; stderr:\n{}",
            self.stderr()
        );
        self
    }

    /// Compares stderr with `tests/snapshots/<name>.stderr`.
    pub fn expect_stderr_snapshot(self, name: &str) -> Run {
        check_snapshot(&format!("{name}.stderr"), &self.stderr());
        self
    }

    /// Asserts stdout verbatim.
    pub fn expect_stdout(self, expected: &str) -> Run {
        assert_eq!(
            self.stdout(),
            expected,
            "stdout differs; stderr:\n{}",
            self.stderr()
        );
        self
    }

    /// Asserts stderr verbatim.
    pub fn expect_stderr(self, expected: &str) -> Run {
        assert_eq!(self.stderr(), expected);
        self
    }

    pub fn expect_stderr_contains(self, needle: &str) -> Run {
        let stderr = self.stderr();
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
        self
    }
}

pub fn redact(text: &str, root: &Path) -> String {
    let mut text = text.replace(&root.display().to_string(), "[ROOT]");
    text = text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    // "in 0.12s" → "in [TIME]s"
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.rfind(" in ") {
            Some(i)
                if line.ends_with('s') && line[i + 4..line.len() - 1].parse::<f64>().is_ok() =>
            {
                out.push_str(&line[..i]);
                out.push_str(" in [TIME]s");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares `actual` with a stored snapshot; `UPDATE_EXPECT=1` rewrites it.
pub fn check_snapshot(name: &str, actual: &str) {
    let path = snapshots().join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_EXPECT=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        panic!("snapshot {} differs (UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

/// Every file below `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file of an output folder: relative path → bytes.
pub fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// The `<main …>…</main>` part of a page.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html
        .rfind("</main>")
        .map_or(html.len(), |i| i + "</main>".len());
    html[start..end].to_string()
}

/// A minimal valid site.toml plus the given extra text.
pub const SITE: &str = "//- site.toml\n[site]\ntitle = \"Test\"\n";
