//! The machine-read outputs: `sitemap.xml` and the Atom `feed.xml`, with absolute URLs from
//! `base_url`.

use crate::markdown::{escape_attr, escape_text};
use crate::model::history::rfc3339_utc;
use crate::model::Site;

fn absolute(site: &Site, url: &str) -> String {
    let base = &site.config.site.base_url;
    let encoded = crate::markdown::links::percent_encode_path(url);
    if base.is_empty() {
        format!("/{encoded}")
    } else {
        format!("{}/{encoded}", base.trim_end_matches('/'))
    }
}

pub(super) fn sitemap(site: &Site) -> String {
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for &i in &site.reading_order {
        let page = &site.pages[i];
        xml.push_str(&format!(
            "  <url><loc>{}</loc>",
            escape_attr(&absolute(site, &page.url))
        ));
        if let Some(reviewed) = page.reviewed {
            xml.push_str(&format!("<lastmod>{}</lastmod>", reviewed.iso()));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// Atom feed of the pages reviewed or changed most recently: each page once, dated by the
/// later of its `reviewed` date and its last commit.
pub(super) fn feed(site: &Site) -> String {
    let mut entries: Vec<(i64, usize)> = site
        .reading_order
        .iter()
        .filter_map(|&i| {
            let page = &site.pages[i];
            let reviewed = page.reviewed.map(|d| d.0 * 86_400);
            let changed = site.last_change(page).map(|c| c.timestamp);
            Some((reviewed.max(changed)?, i))
        })
        .collect();
    entries.sort_by(|a, b| {
        b.0.cmp(&a.0)
            .then(site.pages[a.1].url.cmp(&site.pages[b.1].url))
    });
    entries.truncate(50);
    let updated = entries.first().map_or(0, |e| e.0);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <id>{}</id>\n  <link href=\"{}\"/>\n  <updated>{}</updated>\n",
        escape_text(&site.config.site.title),
        escape_text(&absolute(site, "")),
        escape_attr(&absolute(site, "")),
        rfc3339_utc(updated)
    );
    for (time, i) in entries {
        let page = &site.pages[i];
        // Name the author when the entry is dated by a commit rather than by a review.
        let author = site
            .last_change(page)
            .filter(|c| c.timestamp == time)
            .map_or_else(String::new, |c| {
                format!(
                    "    <author><name>{}</name></author>\n",
                    escape_text(&c.author)
                )
            });
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <id>{}</id>\n    <link href=\"{}\"/>\n    <updated>{}</updated>\n{author}    <summary>{}</summary>\n  </entry>\n",
            escape_text(&page.title),
            escape_text(&absolute(site, &page.url)),
            escape_attr(&absolute(site, &page.url)),
            rfc3339_utc(time),
            escape_text(&page.summary)
        ));
    }
    xml.push_str("</feed>\n");
    xml
}
