//! A loaded text file and the byte-offset → line/column mapping diagnostics need. No I/O.

use std::path::PathBuf;

/// One input file held in memory, with its line index.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/playbooks/cold-call.md`.
    pub path: PathBuf,
    /// The text with a leading BOM removed; line endings as written.
    pub text: String,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps `text`, dropping a UTF-8 byte order mark.
    pub fn new(path: impl Into<PathBuf>, text: String) -> SourceFile {
        let text = match text.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_string(),
            None => text,
        };
        let mut line_starts = vec![0];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        SourceFile {
            path: path.into(),
            text,
            line_starts,
        }
    }

    /// Frees the text after byte `keep` (and always keeps the first line). For a one-off
    /// build, once every diagnostic about the body is made (each captures its source line):
    /// bodies are most of the memory a big site takes, and what is reported later points only
    /// into the front matter or at the first line.
    pub fn release_after(&mut self, keep: usize) {
        let first_line = self.line_starts.get(1).copied().unwrap_or(self.text.len());
        let keep = floor_char_boundary(&self.text, keep.max(first_line));
        self.text.truncate(keep);
        self.text.shrink_to_fit();
        self.line_starts.retain(|&start| start <= keep);
        self.line_starts.shrink_to_fit();
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset) - 1;
        let start = self.line_starts[line];
        let col = self.text[start..floor_char_boundary(&self.text, offset)]
            .chars()
            .count()
            + 1;
        (line + 1, col)
    }

    /// Byte offset where 1-based `line` starts (clamped to the end of the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len())
    }

    /// The text of 1-based `line`, without its line ending.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self
            .line_starts
            .get(line)
            .copied()
            .unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// The largest char boundary at or below `i`.
pub fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, offset: usize, expected: (usize, usize)) {
        assert_eq!(
            SourceFile::new("x.md", text.to_string()).line_col(offset),
            expected
        );
    }

    #[test]
    fn first_char() {
        check("abc", 0, (1, 1));
    }
    #[test]
    fn second_line() {
        check("ab\ncd", 4, (2, 2));
    }
    #[test]
    fn crlf_lines() {
        check("ab\r\ncd", 5, (2, 2));
    }
    #[test]
    fn columns_count_chars() {
        check("éé x", 5, (1, 4));
    }
    #[test]
    fn bom_is_dropped() {
        let file = SourceFile::new("x.md", "\u{feff}# T".to_string());
        assert_eq!(file.text, "# T");
    }
    #[test]
    fn line_text_strips_cr() {
        let file = SourceFile::new("x.md", "a\r\nb\r\n".to_string());
        assert_eq!(file.line_text(1), "a");
        assert_eq!(file.line_text(2), "b");
    }
    #[test]
    fn releasing_the_body_keeps_front_matter_positions() {
        let text = "---\ntitle: T\n---\n# Body\nmore text\n";
        let mut file = SourceFile::new("x.md", text.to_string());
        let body = text.find("# Body").unwrap();
        let before = (file.line_col(6), file.line_text(2).to_string());
        file.release_after(body);
        assert_eq!(file.text, "---\ntitle: T\n---\n");
        assert_eq!((file.line_col(6), file.line_text(2).to_string()), before);
        // Offsets into the freed body are clamped, never a panic.
        assert_eq!(file.line_col(text.len()), (4, 1));
    }
    #[test]
    fn releasing_keeps_the_first_line_without_front_matter() {
        let mut file = SourceFile::new("x.md", "# Title\nbody\n".to_string());
        file.release_after(0);
        assert_eq!(file.line_text(1), "# Title");
    }
}
