//! The Markdown renderer with link rewriting: an arbitrary body rendered as a page of a
//! small site whose links resolve to pages, sections, assets and generated pages.
#![no_main]

use std::collections::HashSet;

use fieldbook::markdown::{self, links::Resolver, PageRef, RenderOptions};
use fieldbook::source::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let flags = data.first().copied().unwrap_or(0);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let pages = [
        ("playbooks/_index.md", Some("playbooks"), "playbooks/"),
        ("playbooks/cold-call.md", None, "playbooks/cold-call/"),
        ("playbooks/deep/x.md", None, "playbooks/deep/x/"),
        ("README.md", None, ""),
    ];
    let assets = vec!["playbooks/deck.pdf".to_string(), "img/a b.png".to_string()];
    let generated: HashSet<String> = ["stages/discover/".to_string(), "search/".to_string()]
        .into_iter()
        .collect();
    let resolver = Resolver::new(pages.into_iter(), &assets, generated);
    let source = SourceFile::new("content/playbooks/cold-call.md", text);
    let page = PageRef {
        source: &source,
        body_offset: 0,
        dir: "playbooks",
        url: "playbooks/cold-call/",
        title: "Cold call",
    };
    let options = RenderOptions {
        unsafe_html: flags & 1 != 0,
        smart_punctuation: flags & 2 != 0,
        broken_links_warn: flags & 4 != 0,
    };
    let rendered = markdown::render(&page, &resolver, options);
    let _ = markdown::with_root(&rendered.html, page.url);
    let _ = markdown::with_root(&rendered.html, "print/");
    for diagnostic in &rendered.diagnostics {
        let _ = diagnostic.render(false);
    }
});
