//! Titles read from Markdown: the first `# ` heading of a body, as plain text.

/// The text of the first `# ` heading, if the body has one (ATX only, outside code fences).
pub fn first_h1(body: &str) -> Option<String> {
    let mut fenced = false;
    let bytes = body.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
        let mut line = &body[start..end];
        if end < bytes.len() {
            line = line.strip_suffix('\r').unwrap_or(line);
        }
        start = end + 1;
        // Most lines start with a printable ASCII character that opens neither a heading nor
        // a fence: skip them without the Unicode-aware trimming below.
        let lead = line.bytes().position(|b| !matches!(b, b' ' | b'\t'));
        match lead.map(|i| line.as_bytes()[i]) {
            None => continue,
            Some(b'#' | b'`' | b'~') => {}
            Some(b) if b.is_ascii_graphic() => continue,
            Some(_) => {}
        }
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if !fenced {
            if let Some(rest) = trimmed.strip_prefix("# ") {
                let title = rest.trim().trim_end_matches('#').trim();
                let title = title.split(" {#").next().unwrap_or(title);
                return Some(strip_inline_markdown(title)).filter(|t| !t.is_empty());
            }
        }
    }
    None
}

/// Removes emphasis, code ticks and link syntax from a one-line title.
fn strip_inline_markdown(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' | '_' | '`' => {}
            '[' => {}
            ']' => {
                if chars.peek() == Some(&'(') {
                    for c in chars.by_ref() {
                        if c == ')' {
                            break;
                        }
                    }
                }
            }
            '<' => {
                for c in chars.by_ref() {
                    if c == '>' {
                        break;
                    }
                }
            }
            _ => out.push(c),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn h1_title() {
        assert_eq!(
            first_h1("intro\n# The *real* title\n"),
            Some("The real title".into())
        );
        assert_eq!(first_h1("```\n# not\n```\n"), None);
        assert_eq!(
            first_h1("a\r\n  ~~~\r\n# not\r\n~~~\r\n\t# Yes #\r\n"),
            Some("Yes".into())
        );
        assert_eq!(first_h1("\u{a0}# Spaced\n"), Some("Spaced".into()));
        assert_eq!(first_h1("## h2\n\n   \nno\n#nospace\n"), None);
        assert_eq!(first_h1("# Last"), Some("Last".into()));
    }
}
