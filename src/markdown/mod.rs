//! Markdown → HTML with pulldown-cmark: every extension of SPEC §4.3, GitHub-style unique
//! heading ids, GitHub alerts, syntect highlighting, link rewriting and sanitising. Also
//! collects the headings, the plain text by section (for search) and the links to check.
//! Pure: takes a source and a link resolver, returns values.

pub mod highlight;
pub mod links;
mod sanitize;

use std::collections::HashMap;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd,
};

use crate::diag::Diagnostic;
use crate::model::{slug, Heading, TextSection};
use crate::source::SourceFile;
use links::{Resolver, Target};

/// Stands for the way back to the site root in rendered bodies; [`with_root`] replaces it
/// for the page the body ends up on (its own page, or the print page).
pub const ROOT_MARK: &str = "@@fbroot@@/";

/// Replaces [`ROOT_MARK`] with the relative path to the root from `url`.
pub fn with_root(html: &str, url: &str) -> String {
    let prefix = links::root_prefix(url);
    let mut out = String::with_capacity(html.len());
    let mut at = 0;
    // memchr's SIMD search: `str::replace` was ~1% of a large build.
    for found in memchr::memmem::find_iter(html.as_bytes(), ROOT_MARK) {
        out.push_str(&html[at..found]);
        out.push_str(&prefix);
        at = found + ROOT_MARK.len();
    }
    out.push_str(&html[at..]);
    out
}

/// How to render.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Keep raw HTML as written.
    pub unsafe_html: bool,
    /// Curly quotes and dashes.
    pub smart_punctuation: bool,
    /// Report broken links as warnings instead of errors.
    pub broken_links_warn: bool,
}

/// Where a page is and how it links.
pub struct PageRef<'a> {
    /// The file.
    pub source: &'a SourceFile,
    /// Byte offset of the body in the file.
    pub body_offset: usize,
    /// Content-relative folder the file is in.
    pub dir: &'a str,
    /// The page's URL (for the relative way back to the root).
    pub url: &'a str,
    /// A leading H1 with this text is dropped (the template shows the title).
    pub title: &'a str,
}

/// An `#anchor` to check once every page's headings are known.
#[derive(Debug, Clone)]
pub struct AnchorUse {
    /// Target page index, or `None` for the page itself.
    pub page: Option<usize>,
    /// The anchor without `#`.
    pub anchor: String,
    /// Byte range in the source file.
    pub range: (usize, usize),
}

/// The result of rendering one page body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub headings: Vec<Heading>,
    /// Anchor ids other than headings (footnotes).
    pub extra_anchors: Vec<String>,
    pub text: Vec<TextSection>,
    pub words: usize,
    /// Pages this body links to.
    pub linked_pages: Vec<usize>,
    pub anchors_to_check: Vec<AnchorUse>,
    pub diagnostics: Vec<Diagnostic>,
}

fn parser_options(smart: bool) -> Options {
    let mut options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM;
    if smart {
        options |= Options::ENABLE_SMART_PUNCTUATION;
    }
    options
}

/// Renders one page body.
pub fn render(page: &PageRef<'_>, resolver: &Resolver, options: RenderOptions) -> Rendered {
    let body = &page.source.text[page.body_offset..];
    let root = ROOT_MARK;
    let mut out = Rendered::default();
    // About one event per 12 bytes of Markdown in prose: sized once instead of doubling.
    let mut events: Vec<Event<'_>> = Vec::with_capacity(body.len() / 12 + 16);
    let mut used_ids: HashMap<String, usize> = HashMap::new();
    let mut has_raw_html = false;
    let mut section = TextSection::default();
    let mut heading: Option<(HeadingLevel, Option<String>, Vec<Event<'_>>, String)> = None;
    let mut code: Option<(String, String)> = None;
    let mut first_block = true;
    let mut alerts: Vec<bool> = Vec::new();

    for (event, range) in
        Parser::new_ext(body, parser_options(options.smart_punctuation)).into_offset_iter()
    {
        let range = (range.start + page.body_offset, range.end + page.body_offset);
        if let Some((_, _, inner, text)) = heading.as_mut() {
            match event {
                Event::End(TagEnd::Heading(_)) => {}
                other => {
                    if let Event::Text(t) | Event::Code(t) = &other {
                        text.push_str(t);
                    }
                    let other =
                        rewrite_link_event(other, range, page, &root, resolver, options, &mut out);
                    inner.push(other);
                    continue;
                }
            }
        }
        if let Some((lang, buffer)) = code.as_mut() {
            match event {
                Event::Text(t) => {
                    buffer.push_str(&t);
                    continue;
                }
                Event::End(TagEnd::CodeBlock) => {
                    let html = code_block_html(lang, buffer);
                    section.text.push_str(buffer);
                    section.text.push('\n');
                    events.push(Event::Html(html.into()));
                    code = None;
                    continue;
                }
                _ => continue,
            }
        }
        match event {
            Event::Start(Tag::Heading { level, id, .. }) => {
                heading = Some((level, id.map(|s| s.to_string()), Vec::new(), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, custom_id, inner, text) =
                    heading
                        .take()
                        .unwrap_or((HeadingLevel::H2, None, Vec::new(), String::new()));
                let title = text.trim().to_string();
                let is_title_h1 = first_block && level == HeadingLevel::H1 && title == page.title;
                first_block = false;
                if is_title_h1 {
                    continue;
                }
                let base = custom_id.unwrap_or_else(|| {
                    let a = slug::anchor(&title);
                    if a.is_empty() {
                        "section".into()
                    } else {
                        a
                    }
                });
                let id = unique_id(&mut used_ids, base);
                let level_num = level as u8;
                out.headings.push(Heading {
                    level: level_num,
                    id: id.clone(),
                    title: title.clone(),
                });
                if level_num <= 3 && level_num >= 2 {
                    flush_section(&mut out.text, &mut section);
                    section.anchor = Some(id.clone());
                    section.heading = Some(title.clone());
                } else {
                    section.text.push_str(&title);
                    section.text.push('\n');
                }
                events.push(Event::Html(
                    format!("<h{level_num} id=\"{}\">", escape_attr(&id)).into(),
                ));
                events.extend(inner);
                events.push(Event::Html(format!("<a class=\"heading-anchor\" href=\"#{}\" aria-label=\"Link to this section\">#</a></h{level_num}>\n", escape_attr(&id)).into()));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                first_block = false;
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Start(Tag::BlockQuote(kind)) => {
                first_block = false;
                alerts.push(kind.is_some());
                if let Some(kind) = kind {
                    let (class, label) = alert_names(kind);
                    events.push(Event::Html(format!("<div class=\"markdown-alert markdown-alert-{class}\" role=\"note\"><p class=\"markdown-alert-title\">{label}</p>\n").into()));
                } else {
                    events.push(Event::Start(Tag::BlockQuote(None)));
                }
            }
            Event::End(TagEnd::BlockQuote(kind)) => {
                if alerts.pop().unwrap_or(false) {
                    events.push(Event::Html("</div>\n".into()));
                } else {
                    events.push(Event::End(TagEnd::BlockQuote(kind)));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                has_raw_html = true;
                first_block = false;
                events.push(Event::Html(html));
            }
            Event::Text(text) => {
                section.text.push_str(&text);
                events.push(Event::Text(text));
            }
            Event::Code(text) => {
                section.text.push_str(&text);
                events.push(Event::Code(text));
            }
            Event::SoftBreak | Event::HardBreak => {
                section.text.push(' ');
                events.push(event);
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                section.text.push('\n');
                events.push(event);
            }
            Event::Start(Tag::FootnoteDefinition(ref label)) => {
                out.extra_anchors.push(label.to_string());
                events.push(event);
            }
            other => {
                if matches!(
                    other,
                    Event::Start(Tag::Paragraph | Tag::List(_) | Tag::Table(_))
                ) {
                    first_block = false;
                }
                let other =
                    rewrite_link_event(other, range, page, &root, resolver, options, &mut out);
                events.push(other);
            }
        }
    }
    if let Some((lang, buffer)) = code.take() {
        events.push(Event::Html(code_block_html(&lang, &buffer).into()));
    }
    flush_section(&mut out.text, &mut section);
    let mut html = String::with_capacity(body.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    if has_raw_html && !options.unsafe_html {
        html = sanitize::clean(&html);
    }
    out.words = out
        .text
        .iter()
        .map(|s| s.text.split_whitespace().count())
        .sum();
    html.shrink_to_fit();
    out.html = html;
    out
}

fn flush_section(sections: &mut Vec<TextSection>, section: &mut TextSection) {
    if !section.text.trim().is_empty() || section.heading.is_some() {
        // Kept for the whole build (search): without its growth slack, ~1/3 less memory.
        section.text.shrink_to_fit();
        sections.push(std::mem::take(section));
    } else {
        *section = TextSection::default();
    }
}

fn unique_id(used: &mut HashMap<String, usize>, base: String) -> String {
    let count = used.entry(base.clone()).or_insert(0);
    let id = if *count == 0 {
        base.clone()
    } else {
        format!("{base}-{count}")
    };
    *count += 1;
    if id != base {
        used.entry(id.clone()).or_insert(1);
    }
    id
}

fn alert_names(kind: BlockQuoteKind) -> (&'static str, &'static str) {
    match kind {
        BlockQuoteKind::Note => ("note", "Note"),
        BlockQuoteKind::Tip => ("tip", "Tip"),
        BlockQuoteKind::Important => ("important", "Important"),
        BlockQuoteKind::Warning => ("warning", "Warning"),
        BlockQuoteKind::Caution => ("caution", "Caution"),
    }
}

fn code_block_html(info: &str, code: &str) -> String {
    let lang = info.split([',', ' ', '{']).next().unwrap_or("").trim();
    let lang_attr = if lang.is_empty() {
        String::new()
    } else {
        format!(" data-lang=\"{}\"", escape_attr(lang))
    };
    let inner = highlight::highlight(code, lang).unwrap_or_else(|| escape_text(code));
    format!("<pre class=\"code\"{lang_attr}><code>{inner}</code></pre>\n")
}

/// Rewrites link and image destinations; records broken links and anchors to check.
fn rewrite_link_event<'a>(
    event: Event<'a>,
    range: (usize, usize),
    page: &PageRef<'_>,
    root: &str,
    resolver: &Resolver,
    options: RenderOptions,
    out: &mut Rendered,
) -> Event<'a> {
    match event {
        // `<name@example.com>`: the HTML writer adds `mailto:` itself.
        event @ Event::Start(Tag::Link {
            link_type: pulldown_cmark::LinkType::Email,
            ..
        }) => event,
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = rewrite_dest(&dest_url, range, page, root, resolver, options, out);
            Event::Start(Tag::Link {
                link_type,
                dest_url: dest,
                title,
                id,
            })
        }
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            let dest = rewrite_dest(&dest_url, range, page, root, resolver, options, out);
            Event::Start(Tag::Image {
                link_type,
                dest_url: dest,
                title,
                id,
            })
        }
        other => other,
    }
}

fn rewrite_dest<'a>(
    dest: &str,
    range: (usize, usize),
    page: &PageRef<'_>,
    root: &str,
    resolver: &Resolver,
    options: RenderOptions,
    out: &mut Rendered,
) -> CowStr<'a> {
    // Only links that may need a diagnostic are located in the source.
    let dest_range = || locate(page.source, range, dest);
    let with_fragment = |base: String, fragment: &Option<String>| match fragment {
        Some(f) => format!("{base}#{}", links::percent_encode_path(f)),
        None => base,
    };
    match resolver.resolve(page.dir, dest) {
        Target::Page { index, anchor } => {
            out.linked_pages.push(index);
            if let Some(anchor) = &anchor {
                out.anchors_to_check.push(AnchorUse {
                    page: Some(index),
                    anchor: anchor.clone(),
                    range: dest_range(),
                });
            }
            let url = links::percent_encode_path(&resolver.urls[index]);
            let base = format!("{root}{url}");
            with_fragment(base, &anchor).into()
        }
        Target::SelfAnchor(anchor) => {
            out.anchors_to_check.push(AnchorUse {
                page: None,
                anchor: anchor.clone(),
                range: dest_range(),
            });
            format!("#{}", links::percent_encode_path(&anchor)).into()
        }
        Target::Asset { path, fragment } => with_fragment(
            format!("{root}{}", links::percent_encode_path(&path)),
            &fragment,
        )
        .into(),
        Target::Generated { url, fragment } => with_fragment(
            format!("{root}{}", links::percent_encode_path(&url)),
            &fragment,
        )
        .into(),
        Target::External => {
            if !options.unsafe_html && !links::is_safe_scheme(dest) {
                let dest_range = dest_range();
                out.diagnostics.push(
                    Diagnostic::warning("unsafe-url", format!("link to `{}` was removed", truncate(dest, 40)))
                        .at(page.source, dest_range.0, dest_range.1)
                        .with_help("only http, https, mailto and tel links are kept unless `markdown.unsafe_html = true`"),
                );
                "#".into()
            } else {
                dest.to_string().into()
            }
        }
        Target::Broken(help) => {
            let message = format!("broken link `{dest}`");
            let d = if options.broken_links_warn {
                Diagnostic::warning("broken-link", message)
            } else {
                Diagnostic::error("broken-link", message)
            };
            let dest_range = dest_range();
            out.diagnostics.push(
                d.at(page.source, dest_range.0, dest_range.1)
                    .with_help(help),
            );
            dest.to_string().into()
        }
    }
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(max).collect::<String>())
    }
}

/// Narrows a link's byte range to its destination text when it can be found there.
fn locate(source: &SourceFile, range: (usize, usize), dest: &str) -> (usize, usize) {
    let (start, end) = range;
    let end = crate::source::floor_char_boundary(&source.text, end.min(source.text.len()));
    let start = crate::source::floor_char_boundary(&source.text, start.min(end));
    if !dest.is_empty() {
        // Usually `[text](dest)`: the destination ends just before the closing parenthesis.
        let text = &source.text[start..end];
        if let Some(before) = text.strip_suffix(')').and_then(|t| t.strip_suffix(dest)) {
            return (start + before.len(), start + before.len() + dest.len());
        }
        if let Some(i) = text.find(dest) {
            return (start + i, start + i + dest.len());
        }
    }
    (start, end)
}

/// Escapes text for HTML element content.
pub fn escape_text(text: &str) -> String {
    escape(text, false)
}

/// Escapes text for a double-quoted attribute.
pub fn escape_attr(text: &str) -> String {
    escape(text, true)
}

/// `&`, `<`, `>` and, in attributes, both quotes as entities; one pass, and a plain copy
/// when there is nothing to escape (most text).
fn escape(text: &str, quotes: bool) -> String {
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>') || (quotes && matches!(b, b'"' | b'\''));
    let bytes = text.as_bytes();
    let Some(first) = bytes.iter().position(|&b| special(b)) else {
        return text.to_string();
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    let mut start = first;
    for (i, &b) in bytes.iter().enumerate().skip(first) {
        if !special(b) {
            continue;
        }
        out.push_str(&text[start..i]);
        out.push_str(match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        start = i + 1;
    }
    out.push_str(&text[start..]);
    out
}

#[cfg(test)]
mod tests;
