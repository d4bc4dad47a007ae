//! Print views (`print/`): the whole handbook, and each top-level section, as one printable
//! page with its own table of contents. They hold every page body, so they are made straight
//! into Tera values with each body copied once.

use std::hash::Hasher;

use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::{map, with_key, Out};

/// Print views; with `only`, just those holding one of these pages' bodies.
pub(super) fn print(out: &mut Out<'_>, only: Option<&std::collections::HashSet<usize>>) {
    let site = out.site;
    let routes = &site.config.routes;
    let mut scopes: Vec<(String, String, Vec<usize>)> = vec![(
        format!("{}/", routes.print),
        site.config.site.title.clone(),
        site.reading_order.clone(),
    )];
    for &section in &site.home().children {
        let page = &site.pages[section];
        if !page.is_section {
            continue;
        }
        let members: Vec<usize> = site
            .reading_order
            .iter()
            .copied()
            .filter(|&i| site.pages[i].url.starts_with(&page.url))
            .collect();
        scopes.push((
            format!("{}/{}", routes.print, page.url),
            page.title.clone(),
            members,
        ));
    }
    // One page holding every page of a very large handbook helps nobody and costs most of
    // the build; above this size the whole-handbook print view links to the sections' views.
    const PRINT_ALL_LIMIT: usize = 1000;
    let section_links: Vec<Value> = scopes
        .iter()
        .skip(1)
        .map(|(url, title, members)| json!({"title": title, "url": url, "count": members.len()}))
        .collect();
    for (n, (url, title, members)) in scopes.into_iter().enumerate() {
        let too_large = n == 0 && members.len() > PRINT_ALL_LIMIT;
        if let Some(only) = only {
            if too_large || !members.iter().any(|i| only.contains(i)) {
                continue;
            }
        }
        if too_large {
            out.page("print.html", &url, map(vec![("print", json!({"title": title, "pages": [], "sections": section_links, "too_large": true}))]));
            continue;
        }
        let base_depth = members
            .first()
            .map_or(0, |&i| site.pages[i].url.matches('/').count());
        // Print views hold whole page bodies (megabytes at a time), so their items are made as
        // Tera values directly: one copy of each body instead of four. The bodies are hashed
        // only for a memo (`serve`): a one-off build would hash ~80 MB at 10,000 pages.
        let memo = out.memo.is_some();
        let items: Vec<(tera::Value, u64, usize)> = members
            .par_iter()
            .enumerate()
            .map(|(n, &i)| {
                let page = &site.pages[i];
                let anchor = format!("p{n}");
                let head = json!({"title": page.title, "url": page.url, "anchor": anchor, "kind": page.kind.name(), "summary": page.summary,
                       "depth": page.url.matches('/').count().saturating_sub(base_depth)});
                let content = print_body(&page.html, &url, &anchor);
                let mut hash = std::collections::hash_map::DefaultHasher::new();
                if memo {
                    hash.write(head.to_string().as_bytes());
                    hash.write(content.as_bytes());
                }
                // The template's wrapper, contents line and "Online" link around the body.
                let size = content.len()
                    + 768
                    + 3 * page.title.len()
                    + page.summary.len()
                    + 2 * (page.url.len() + url.len());
                (with_key(&head, "content", tera::Value::from(content)), hash.finish(), size)
            })
            .collect();
        // Generous on purpose: a buffer that runs short doubles and is copied (twice a 17 MB
        // view), while capacity that is never written costs no memory.
        let size = items.iter().map(|i| i.2).sum::<usize>() + 16 * 1024;
        let book = json!({"title": title, "sections": [], "too_large": false});
        let mut hash = std::collections::hash_map::DefaultHasher::new();
        hash.write(book.to_string().as_bytes());
        let pages: Vec<tera::Value> = items
            .into_iter()
            .map(|(item, item_hash, _)| {
                hash.write_u64(item_hash);
                item
            })
            .collect();
        let book = with_key(&book, "pages", tera::Value::from(pages));
        let lists = vec![("print", book, hash.finish())];
        out.sized_page("print.html", &url, Map::new(), lists, size);
        out.render_all();
    }
}

/// A page body as it appears in a print view at `url`: links relative to the view, and every
/// id and in-page link prefixed with `anchor`, so the pages of one view cannot clash. One
/// pass, as bodies are long and a view holds hundreds of them.
fn print_body(html: &str, url: &str, anchor: &str) -> String {
    let root = crate::markdown::links::root_prefix(url);
    let id = format!(" id=\"{anchor}-");
    let fragment = format!("href=\"#{anchor}-");
    let patterns: [(&str, &str); 3] = [
        (crate::markdown::ROOT_MARK, &root),
        (" id=\"", &id),
        ("href=\"#", &fragment),
    ];
    let find = |from: usize, pattern: &str| {
        memchr::memmem::find(&html.as_bytes()[from..], pattern.as_bytes()).map(|n| n + from)
    };
    let mut next: [Option<usize>; 3] = patterns.map(|(p, _)| find(0, p));
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut at = 0;
    while let Some((k, start)) = next
        .iter()
        .enumerate()
        .filter_map(|(k, n)| n.map(|n| (k, n)))
        .min_by_key(|&(_, n)| n)
    {
        let (pattern, replacement) = patterns[k];
        out.push_str(&html[at..start]);
        out.push_str(replacement);
        at = start + pattern.len();
        for (j, (p, _)) in patterns.iter().enumerate() {
            if next[j].is_some_and(|n| n < at) {
                next[j] = find(at, p);
            }
        }
    }
    out.push_str(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::print_body;
    use crate::markdown::ROOT_MARK;

    #[test]
    fn print_bodies_prefix_ids_and_fragments_and_resolve_the_root() {
        let html = format!(
            "<h2 id=\"a\">A</h2><p><a href=\"#a\">up</a> <a href=\"{ROOT_MARK}x/\">x</a>\
             <a href=\"{ROOT_MARK}y/#b\">y</a></p><p id=\"c\">{ROOT_MARK}</p>"
        );
        assert_eq!(
            print_body(&html, "print/sales/", "p7"),
            "<h2 id=\"p7-a\">A</h2><p><a href=\"#p7-a\">up</a> <a href=\"../../x/\">x</a>\
             <a href=\"../../y/#b\">y</a></p><p id=\"p7-c\">../../</p>"
        );
        assert_eq!(print_body("plain", "print/", "p0"), "plain");
        assert_eq!(print_body("", "print/", "p0"), "");
    }
}
