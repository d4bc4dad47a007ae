use super::*;

fn render_str(body: &str) -> Rendered {
    let source = SourceFile::new("content/a/page.md", body.to_string());
    let pages = [
        ("a/page.md", None, "a/page/"),
        ("a/other.md", None, "a/other/"),
    ];
    let resolver = Resolver::new(pages.into_iter(), &[], Default::default());
    let page = PageRef {
        source: &source,
        body_offset: 0,
        dir: "a",
        url: "a/page/",
        title: "T",
    };
    render(
        &page,
        &resolver,
        RenderOptions {
            unsafe_html: false,
            smart_punctuation: true,
            broken_links_warn: false,
        },
    )
}

#[test]
fn heading_ids_are_unique_and_github_style() {
    let out = render_str("## Talk track\n\n## Talk track\n\n### What's next?\n");
    let ids: Vec<&str> = out.headings.iter().map(|h| h.id.as_str()).collect();
    assert_eq!(ids, ["talk-track", "talk-track-1", "whats-next"]);
}

#[test]
fn custom_heading_id() {
    let out = render_str("## Steps {#the-steps}\n");
    assert_eq!(out.headings[0].id, "the-steps");
    assert!(out.html.contains("<h2 id=\"the-steps\">Steps"));
}

#[test]
fn md_links_are_rewritten_relative() {
    let out = render_str("[x](other.md#steps)\n");
    let html = with_root(&out.html, "a/page/");
    assert!(html.contains("href=\"../../a/other/#steps\""), "{html}");
    assert_eq!(out.anchors_to_check[0].anchor, "steps");
}

#[test]
fn broken_link_is_error_with_position() {
    let out = render_str("intro\n\nsee [x](missing.md)\n");
    let d = &out.diagnostics[0];
    assert_eq!(d.message, "broken link `missing.md`");
    assert_eq!(d.span.unwrap().line, 3);
    assert_eq!(d.span.unwrap().col, 9);
}

#[test]
fn alerts_render_as_divs() {
    let out = render_str("> [!TIP]\n> Ask first.\n");
    assert!(
        out.html
            .contains("<div class=\"markdown-alert markdown-alert-tip\""),
        "{}",
        out.html
    );
}

#[test]
fn templates_syntax_in_body_stays_literal() {
    let out = render_str("Hi {{Account Name}}, {% raw %}\n");
    assert!(out.html.contains("{{Account Name}}"));
}

#[test]
fn raw_html_is_sanitised() {
    let out = render_str("<script>alert(1)</script>\n\n<b onclick=\"x\">bold</b>\n");
    assert!(!out.html.contains("script"));
    assert!(!out.html.contains("onclick"));
}

#[test]
fn javascript_links_are_removed() {
    let out = render_str("[x](javascript:alert(1))\n");
    assert!(!out.html.contains("javascript"), "{}", out.html);
}

#[test]
fn text_is_split_into_sections() {
    let out = render_str("intro text\n\n## Steps\n\nstep one\n");
    assert_eq!(out.text.len(), 2);
    assert_eq!(out.text[1].anchor.as_deref(), Some("steps"));
    assert!(out.text[1].text.contains("step one"));
}

#[test]
fn title_h1_is_dropped() {
    let out = render_str("# T\n\nbody\n");
    assert!(!out.html.contains("<h1"));
}

#[test]
fn escaping_text_and_attributes() {
    assert_eq!(escape_text("plain"), "plain");
    assert_eq!(
        escape_text("a & b <i> \"q\" 'q'"),
        "a &amp; b &lt;i&gt; \"q\" 'q'"
    );
    assert_eq!(escape_attr("x\"y'z<&>é"), "x&quot;y&#39;z&lt;&amp;&gt;é");
    assert_eq!(escape_attr(""), "");
}
