//! The allow-list for raw HTML in Markdown when `markdown.unsafe_html` is off: structure
//! and formatting survive, scripts, event handlers, styles, frames and unsafe URLs do not.

use std::collections::HashSet;
use std::sync::OnceLock;

fn builder() -> &'static ammonia::Builder<'static> {
    static BUILDER: OnceLock<ammonia::Builder<'static>> = OnceLock::new();
    BUILDER.get_or_init(|| {
        let mut b = ammonia::Builder::default();
        b.add_tags([
            "div",
            "span",
            "details",
            "summary",
            "kbd",
            "sup",
            "sub",
            "input",
            "figure",
            "figcaption",
            "section",
            "mark",
            "abbr",
            "picture",
            "source",
        ]);
        b.add_generic_attributes([
            "class",
            "id",
            "title",
            "lang",
            "dir",
            "aria-label",
            "aria-hidden",
            "role",
        ]);
        b.add_tag_attributes("input", ["type", "checked", "disabled"]);
        b.add_tag_attributes("img", ["width", "height", "loading"]);
        b.add_tag_attributes("td", ["align", "colspan", "rowspan"]);
        b.add_tag_attributes("th", ["align", "colspan", "rowspan", "scope"]);
        b.add_tag_attributes("ol", ["start", "type"]);
        b.add_tag_attributes("pre", ["data-lang"]);
        b.add_tag_attributes("source", ["srcset", "media", "type"]);
        b.add_tag_attributes("details", ["open"]);
        b.add_tag_attributes("a", ["href", "title", "name"]);
        b.url_schemes(HashSet::from(["http", "https", "mailto", "tel"]));
        b.link_rel(None);
        b.id_prefix(None);
        b
    })
}

/// Sanitises a rendered HTML fragment.
pub fn clean(html: &str) -> String {
    builder().clean(html).to_string()
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn scripts_and_handlers_go() {
        let out = clean("<p onclick=\"x()\">a<script>alert(1)</script></p><iframe src=x></iframe>");
        assert_eq!(out, "<p>a</p>");
    }

    #[test]
    fn javascript_urls_go() {
        assert_eq!(clean("<a href=\"javascript:alert(1)\">x</a>"), "<a>x</a>");
    }

    #[test]
    fn structure_stays() {
        let html = "<div class=\"usage\"><h2 id=\"a\">T</h2><kbd>K</kbd></div>";
        assert_eq!(clean(html), html);
    }
}
