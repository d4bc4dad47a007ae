//! Result cards and section references, the parts of the index's files that describe pages:
//! a page's card is made once ([`Card`]) and written into every file that needs it (the page
//! buckets of its title neighbours, the fragments of its terms) with per-file tables.

use rayon::prelude::*;

use super::encode::{push_str, push_str_array};
use super::{SearchDoc, SearchSection};

/// Characters of context kept around a match in a snippet.
const SNIPPET_BEFORE: usize = 40;
const SNIPPET_LEN: usize = 110;
/// Characters of summary kept on a result card.
const SUMMARY_LEN: usize = 90;

/// What a page's result card and section references are, whatever file they go in: a page's
/// card is written into many files (buckets of its title neighbours, fragments of its terms),
/// so its escaping, clipping and slug checks are done once.
pub(crate) struct Card<'a> {
    /// JSON string.
    title: String,
    dir: &'a str,
    /// `0` (the URL ends in the title's slug) or a JSON string.
    tail: String,
    kind: &'a str,
    breadcrumb: &'a str,
    /// JSON string, clipped.
    summary: String,
    /// `heading,anchor` per section (see [`section_ref`]).
    pub sections: Vec<String>,
}

/// The [`Card`] of every page, made in parallel.
pub(crate) fn cards<'a>(docs: &[&'a SearchDoc<'a>]) -> Vec<Card<'a>> {
    docs.par_iter().map(|&doc| Card::new(doc)).collect()
}

impl<'a> Card<'a> {
    fn new(doc: &'a SearchDoc<'a>) -> Card<'a> {
        let url = doc.url.as_str();
        let cut = url.trim_end_matches('/').rfind('/').map_or(0, |i| i + 1);
        let (dir, tail) = url.split_at(cut);
        let mut title = String::new();
        push_str(&mut title, &doc.title);
        let slug = simple_slug(&doc.title);
        let tail = if !slug.is_empty()
            && tail.len() == slug.len() + 1
            && tail.starts_with(&slug)
            && tail.ends_with('/')
        {
            "0".to_string()
        } else {
            let mut out = String::new();
            push_str(&mut out, tail);
            out
        };
        let summary = if doc.summary.trim().is_empty() {
            doc.sections.first().map(|s| &*s.text).unwrap_or("")
        } else {
            &doc.summary
        };
        let mut clipped = String::new();
        push_str(&mut clipped, &clip(summary, SUMMARY_LEN));
        let sections = doc
            .sections
            .iter()
            .map(|s| {
                let mut out = String::new();
                section_ref(&mut out, s);
                out
            })
            .collect();
        Card {
            title,
            dir,
            tail,
            kind: &doc.kind,
            breadcrumb: &doc.breadcrumb,
            summary: clipped,
            sections,
        }
    }
}

/// Collapses whitespace and cuts `text` to at most `max` characters at a word boundary.
pub(crate) fn clip(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(max.min(text.len()) + 4);
    let mut chars = 0;
    for (word, n) in words(text) {
        if chars + n + (chars > 0) as usize > max {
            if chars == 0 {
                out.extend(word.chars().take(max));
            }
            out.push('…');
            return out;
        }
        if chars > 0 {
            out.push(' ');
            chars += 1;
        }
        out.push_str(word);
        chars += n;
    }
    out
}

/// The words of `text` (as `split_whitespace` cuts them) with their lengths in characters,
/// decoding only non-ASCII characters: snippets are made by the thousand.
fn words(text: &str) -> impl Iterator<Item = (&str, usize)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    // The character at `i`, its length in bytes, and whether it is white space.
    let next = move |i: usize| -> (usize, bool) {
        let b = bytes[i];
        if b < 0x80 {
            (1, matches!(b, b' ' | b'\t'..=b'\r'))
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.len_utf8(), c.is_whitespace())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (len, space) = next(at);
            if !space {
                break;
            }
            at += len;
        }
        if at == bytes.len() {
            return None;
        }
        let start = at;
        let mut chars = 0;
        while at < bytes.len() {
            let (len, space) = next(at);
            if space {
                break;
            }
            at += len;
            chars += 1;
        }
        Some((&text[start..at], chars))
    })
}

/// A snippet of `text` around byte offset `off` (`u32::MAX`: the start).
pub(crate) fn snippet(text: &str, off: u32) -> String {
    let off = if off == u32::MAX {
        0
    } else {
        (off as usize).min(text.len())
    };
    let mut start = off;
    let mut back = 0;
    // Walk back up to SNIPPET_BEFORE characters, then forward to a word start.
    for (i, _) in text[..off].char_indices().rev() {
        start = i;
        back += 1;
        if back >= SNIPPET_BEFORE {
            break;
        }
    }
    if start > 0 {
        if let Some((space, c)) = text[start..off]
            .char_indices()
            .find(|(_, c)| c.is_whitespace())
        {
            start += space + c.len_utf8();
        }
    }
    let clipped = clip(&text[start..], SNIPPET_LEN);
    if start > 0 && !clipped.is_empty() {
        format!("…{clipped}")
    } else {
        clipped
    }
}

/// The URL-style slug both sides can compute: ASCII lowercase, other runs -> `-`.
pub(crate) fn simple_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Per-file string tables, so that repeated directories, breadcrumbs and kinds cost an index.
#[derive(Default)]
pub(crate) struct Tables {
    lists: [Vec<String>; 3],
}

impl Tables {
    fn index(&mut self, table: usize, value: &str) -> usize {
        let list = &mut self.lists[table];
        match list.iter().position(|v| v == value) {
            Some(i) => i,
            None => {
                list.push(value.to_string());
                list.len() - 1
            }
        }
    }

    /// Appends `,"D":[dirs],"B":[breadcrumbs],"K":[kinds]`.
    pub fn write(&self, out: &mut String) {
        for (key, list) in ["D", "B", "K"].iter().zip(&self.lists) {
            out.push_str(&format!(",\"{key}\":"));
            push_str_array(out, list.iter().map(String::as_str));
        }
    }
}

/// A result card: `[title, dir, tail, kind, breadcrumb, summary]` where the URL is
/// `D[dir] + tail`, or `D[dir] + slug(title) + "/"` when tail is `0`.
pub(crate) fn card(out: &mut String, tables: &mut Tables, card: &Card) {
    use std::fmt::Write;
    out.push('[');
    out.push_str(&card.title);
    let _ = write!(out, ",{},", tables.index(0, card.dir));
    out.push_str(&card.tail);
    let _ = write!(
        out,
        ",{},{},",
        tables.index(2, card.kind),
        tables.index(1, card.breadcrumb)
    );
    out.push_str(&card.summary);
    out.push(']');
}

/// A section reference: `heading,anchor` with anchor `0` when it is `slug(heading)`.
fn section_ref(out: &mut String, section: &SearchSection) {
    let heading = section.heading.as_deref().unwrap_or("");
    push_str(out, heading);
    out.push(',');
    match section.anchor.as_deref() {
        Some(a) if !a.is_empty() && a == simple_slug(heading) => out.push('0'),
        a => push_str(out, a.unwrap_or("")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_at_words() {
        assert_eq!(clip("one  two\nthree", 100), "one two three");
        assert_eq!(
            clip("\u{a0}caf\u{e9}\u{2003}na\u{ef}ve\u{85}x\x0b\x0cy ", 100),
            "caf\u{e9} na\u{ef}ve x y"
        );
        assert_eq!(
            clip("\u{e9}\u{e9}\u{e9}\u{e9}\u{e9} b", 4),
            "\u{e9}\u{e9}\u{e9}\u{e9}\u{2026}"
        );
        assert_eq!(clip("one two three", 8), "one two…");
        assert_eq!(clip("abcdefghij", 4), "abcd…");
    }

    #[test]
    fn snippet_starts_at_a_word_near_the_match() {
        let text =
            "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron";
        let off = text.find("omicron").unwrap() as u32;
        let s = snippet(text, off);
        assert!(s.starts_with('…'), "{s}");
        assert!(s.contains("omicron"));
        assert!(!s[3..].starts_with(' '));
        assert_eq!(snippet("short text", u32::MAX), "short text");
    }
}
