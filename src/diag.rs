//! Diagnostics for authors: what went wrong, where, and how to fix it.
//! Collected by every stage and rendered once, in the rustc/just style. No I/O.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::source::SourceFile;

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Fails the build (exit code 1).
    Error,
    /// Reported; fails only under `--deny-warnings`.
    Warning,
}

/// A position in a file: 1-based line and column, and how many characters to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Characters to underline (at least one caret is drawn).
    pub len: usize,
}

/// One problem found in the author's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable code for the kind of problem, e.g. `broken-link`.
    pub code: &'static str,
    /// Lowercase message, the thing in backticks.
    pub message: String,
    /// File relative to the site root, when the problem has one.
    pub file: Option<PathBuf>,
    /// Where in `file`.
    pub span: Option<Span>,
    /// The source line at `span`, captured when the diagnostic is made.
    pub line_text: Option<String>,
    /// A suggestion, e.g. "did you mean `title`?".
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error with no position yet.
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Error, code, message)
    }

    /// A warning with no position yet.
    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(Severity::Warning, code, message)
    }

    fn new(severity: Severity, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity,
            code,
            message: message.into(),
            file: None,
            span: None,
            line_text: None,
            help: None,
        }
    }

    /// Names the file without pointing into it.
    pub fn in_file(mut self, path: &Path) -> Diagnostic {
        self.file = Some(path.to_path_buf());
        self
    }

    /// Points at a byte range of `source`.
    pub fn at(self, source: &SourceFile, start: usize, end: usize) -> Diagnostic {
        let (line, col) = source.line_col(start);
        let end = crate::source::floor_char_boundary(&source.text, end.max(start));
        let start = crate::source::floor_char_boundary(&source.text, start);
        let len = source.text[start..end]
            .lines()
            .next()
            .map_or(1, |s| s.chars().count().max(1));
        self.at_line_col(source, line, col, len)
    }

    /// Points at 1-based `line` and `col` of `source`.
    pub fn at_line_col(
        mut self,
        source: &SourceFile,
        line: usize,
        col: usize,
        len: usize,
    ) -> Diagnostic {
        self.file = Some(source.path.clone());
        self.span = Some(Span {
            line,
            col,
            len: len.max(1),
        });
        self.line_text = Some(source.line_text(line).to_string());
        self
    }

    /// Adds a hint.
    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Adds a hint when there is one.
    pub fn with_help_opt(mut self, help: Option<String>) -> Diagnostic {
        self.help = help;
        self
    }

    /// Renders the diagnostic for a terminal, with ANSI colour when `color`.
    pub fn render(&self, color: bool) -> String {
        let paint = |code: &str, text: &str| {
            if color {
                format!("\x1b[{code}m{text}\x1b[0m")
            } else {
                text.to_string()
            }
        };
        let (label, label_color) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{}{}",
            paint(label_color, label),
            paint("1", &format!(": {}", self.message))
        );
        let gutter = self.span.map_or(1, |s| s.line.to_string().len());
        let pad = " ".repeat(gutter);
        if let Some(file) = &self.file {
            let location = match self.span {
                Some(span) => format!("{}:{}:{}", display_path(file), span.line, span.col),
                None => display_path(file),
            };
            let _ = writeln!(out, "{pad}{} {location}", paint("1;34", "-->"));
        }
        if let (Some(span), Some(text)) = (self.span, &self.line_text) {
            let bar = paint("1;34", "|");
            let shown: String = text
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .collect();
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {shown}",
                paint("1;34", &span.line.to_string())
            );
            let carets = "^".repeat(
                span.len
                    .min(shown.chars().count().saturating_sub(span.col - 1))
                    .max(1),
            );
            let _ = writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(span.col - 1),
                paint(label_color, &carets)
            );
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "{pad} {} help: {help}", paint("1;34", "="));
        }
        out
    }
}

/// Paths in messages always use `/`, so output is the same on every platform.
pub fn display_path(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// A thread-safe collector stages push into.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Mutex<Vec<Diagnostic>>,
}

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&self, diagnostic: Diagnostic) {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(diagnostic);
    }

    /// Records many.
    pub fn extend(&self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(diagnostics);
    }

    /// Whether an error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics in a stable order: by file, position, then message.
    pub fn into_sorted(self) -> Vec<Diagnostic> {
        let mut items = self.items.into_inner().unwrap_or_else(|e| e.into_inner());
        items.sort_by(|a, b| {
            (&a.file, a.span, a.severity, &a.message)
                .cmp(&(&b.file, b.span, b.severity, &b.message))
        });
        items.dedup();
        items
    }
}

/// The closest candidate to `word` within a small edit distance, for "did you mean" hints.
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let max = (word.chars().count() / 3).clamp(1, 3);
    let candidates: Vec<&str> = candidates.into_iter().collect();
    let lower = word.to_lowercase();
    if let Some(same) = candidates.iter().find(|c| c.to_lowercase() == lower) {
        return Some(same);
    }
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|&(d, _)| d <= max)
        .min_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" for the closest candidate, if any is close.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let source = SourceFile::new("content/a.md", "---\ntittle: x\n---\n".to_string());
        let d = Diagnostic::warning("unknown-key", "unknown front matter key `tittle`")
            .at(&source, 4, 10)
            .with_help("did you mean `title`?");
        assert_eq!(
            d.render(false),
            "warning: unknown front matter key `tittle`\n --> content/a.md:2:1\n  |\n2 | tittle: x\n  | ^^^^^^\n  = help: did you mean `title`?\n"
        );
    }

    #[test]
    fn suggests_close_words_only() {
        assert_eq!(suggest("tittle", ["title", "tags"]), Some("title"));
        assert_eq!(suggest("zzzzzz", ["title", "tags"]), None);
    }
}
