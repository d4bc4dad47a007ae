//! Resolves a link destination written in a page to a page, an anchor, a copied file or
//! an external URL, the way links work on a Git host's web view. Pure.

use std::collections::{HashMap, HashSet};

/// Everything link resolution needs to know about the site.
#[derive(Debug, Default)]
pub struct Resolver {
    /// Content-relative Markdown path (`playbooks/x.md`) → page index.
    by_file: HashMap<String, usize>,
    /// Content-relative folder → its section page index.
    by_dir: HashMap<String, usize>,
    /// Page URL → page index.
    by_url: HashMap<String, usize>,
    /// Every page's URL, by index.
    pub urls: Vec<String>,
    /// Content-relative paths of non-Markdown files.
    assets: HashSet<String>,
    /// URLs of generated pages (`stages/discover/`), valid link targets.
    generated: HashSet<String>,
}

/// What a destination points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A page, with an optional `#anchor`.
    Page {
        index: usize,
        anchor: Option<String>,
    },
    /// An anchor on the same page.
    SelfAnchor(String),
    /// A file copied from content/, by content-relative path, with any `#fragment`.
    Asset {
        path: String,
        fragment: Option<String>,
    },
    /// A generated page's URL, with any `#fragment`.
    Generated {
        url: String,
        fragment: Option<String>,
    },
    /// Another site, `mailto:` and the like: left as written.
    External,
    /// Nothing matches; the string is a hint.
    Broken(String),
}

impl Resolver {
    /// Indexes pages by file, folder and URL. `pages` yields (rel path, section folder if a
    /// section, url).
    pub fn new<'a>(
        pages: impl Iterator<Item = (&'a str, Option<&'a str>, &'a str)>,
        assets: &[String],
        generated: HashSet<String>,
    ) -> Resolver {
        let mut resolver = Resolver {
            generated,
            ..Resolver::default()
        };
        for (i, (rel, section_dir, url)) in pages.enumerate() {
            resolver.by_file.insert(rel.to_string(), i);
            if let Some(dir) = section_dir {
                resolver.by_dir.entry(dir.to_string()).or_insert(i);
            }
            resolver.by_url.entry(url.to_string()).or_insert(i);
            resolver.urls.push(url.to_string());
        }
        resolver.assets = assets.iter().cloned().collect();
        resolver
    }

    /// Resolves `dest` as written in a file whose folder is `from_dir` (content-relative).
    pub fn resolve(&self, from_dir: &str, dest: &str) -> Target {
        let dest = dest.trim();
        if let Some(anchor) = dest.strip_prefix('#') {
            return Target::SelfAnchor(percent_decode(anchor));
        }
        if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
            return Target::External;
        }
        let (path, fragment) = match dest.split_once('#') {
            Some((p, f)) => (p, Some(percent_decode(f))),
            None => (dest, None),
        };
        let path = path.split('?').next().unwrap_or("");
        let decoded = percent_decode(path);
        let joined = if let Some(abs) = decoded.strip_prefix('/') {
            abs.to_string()
        } else if from_dir.is_empty() {
            decoded.clone()
        } else {
            format!("{from_dir}/{decoded}")
        };
        let Some(normal) = normalize(&joined) else {
            return Target::Broken("the link points outside the content folder".into());
        };
        let page = |index: usize| Target::Page {
            index,
            anchor: fragment.clone(),
        };
        let lower = normal.to_lowercase();
        if lower.ends_with(".md") || lower.ends_with(".markdown") {
            return match self.by_file.get(&normal) {
                Some(&i) => page(i),
                None => Target::Broken(self.hint_for_missing(&normal)),
            };
        }
        let trimmed = normal.trim_end_matches('/');
        if let Some(&i) = self.by_dir.get(trimmed) {
            return page(i);
        }
        if self.assets.contains(trimmed) {
            return Target::Asset {
                path: trimmed.to_string(),
                fragment,
            };
        }
        if let Some(&i) = self.by_file.get(&format!("{trimmed}.md")) {
            return page(i);
        }
        let as_url = if trimmed.is_empty() {
            String::new()
        } else {
            format!("{trimmed}/")
        };
        if let Some(&i) = self.by_url.get(&as_url) {
            return page(i);
        }
        if self.generated.contains(&as_url)
            || (decoded.starts_with('/') && self.generated.contains(trimmed))
        {
            return Target::Generated {
                url: if self.generated.contains(&as_url) {
                    as_url
                } else {
                    trimmed.to_string()
                },
                fragment,
            };
        }
        Target::Broken(self.hint_for_missing(trimmed))
    }

    fn hint_for_missing(&self, path: &str) -> String {
        let candidates = self
            .by_file
            .keys()
            .map(String::as_str)
            .chain(self.assets.iter().map(String::as_str));
        crate::diag::did_you_mean(path, candidates).unwrap_or_else(|| "no page or file has that path; paths are relative to this file's folder, or to content/ when they start with `/`".into())
    }
}

/// Whether `dest` starts with a URL scheme such as `https:` or `mailto:`.
pub fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else {
        return false;
    };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '+' || c == '-' || c == '.')
        && !scheme.contains('/')
}

/// Whether an external URL is safe to keep in sanitised output.
pub fn is_safe_scheme(dest: &str) -> bool {
    if !has_scheme(dest) {
        return true;
    }
    let scheme = dest.split(':').next().unwrap_or("").to_ascii_lowercase();
    matches!(
        scheme.as_str(),
        "http" | "https" | "mailto" | "tel" | "ftp" | "sftp" | "ssh" | "git" | "irc" | "news"
    )
}

/// Removes `.` and `..` segments; `None` when the path climbs above the root.
pub fn normalize(path: &str) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split(['/', '\\']) {
        match segment {
            "" | "." => {}
            ".." => {
                out.pop()?;
            }
            s => out.push(s),
        }
    }
    let trailing = path.ends_with('/') && !out.is_empty();
    let mut joined = out.join("/");
    if trailing {
        joined.push('/');
    }
    Some(joined)
}

/// Decodes `%20`-style escapes; invalid escapes are kept as written.
pub fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && bytes[i + 1].is_ascii_hexdigit()
            && bytes[i + 2].is_ascii_hexdigit()
        {
            let hex = |b: u8| (b as char).to_digit(16).unwrap_or(0) as u8;
            out.push(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a path for an `href`: everything but unreserved characters and `/`.
pub fn percent_encode_path(path: &str) -> String {
    let plain = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(plain) {
        return path.to_string();
    }
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(path.len() + 8);
    for b in path.bytes() {
        if plain(b) {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[(b >> 4) as usize] as char);
            out.push(HEX[(b & 15) as usize] as char);
        }
    }
    out
}

/// `../` once per folder level of `url`: the way from a page back to the site root.
pub fn root_prefix(url: &str) -> String {
    "../".repeat(url.matches('/').count())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolver() -> Resolver {
        let pages = [
            ("_index.md", Some(""), ""),
            ("playbooks/_index.md", Some("playbooks"), "playbooks/"),
            ("playbooks/cold-call.md", None, "playbooks/cold-call/"),
            ("frameworks/meddpicc.md", None, "frameworks/meddpicc/"),
        ];
        let generated = ["stages/discover/".to_string()].into_iter().collect();
        Resolver::new(
            pages.into_iter(),
            &["playbooks/img.png".to_string()],
            generated,
        )
    }

    #[test]
    fn relative_md_link_with_anchor() {
        assert_eq!(
            resolver().resolve("playbooks", "../frameworks/meddpicc.md#champion"),
            Target::Page {
                index: 3,
                anchor: Some("champion".into())
            }
        );
    }
    #[test]
    fn root_relative() {
        assert_eq!(
            resolver().resolve("frameworks", "/playbooks/cold-call.md"),
            Target::Page {
                index: 2,
                anchor: None
            }
        );
    }
    #[test]
    fn folder_link_is_section() {
        assert_eq!(
            resolver().resolve("", "playbooks/"),
            Target::Page {
                index: 1,
                anchor: None
            }
        );
    }
    #[test]
    fn asset_and_external() {
        assert_eq!(
            resolver().resolve("playbooks", "img.png"),
            Target::Asset {
                path: "playbooks/img.png".into(),
                fragment: None
            }
        );
        assert_eq!(
            resolver().resolve("", "https://example.com/x.md"),
            Target::External
        );
        assert_eq!(resolver().resolve("", "mailto:a@b.c"), Target::External);
    }
    #[test]
    fn generated_pages() {
        assert!(matches!(
            resolver().resolve("playbooks", "/stages/discover/"),
            Target::Generated { .. }
        ));
    }
    #[test]
    fn broken_and_escaping() {
        assert!(
            matches!(resolver().resolve("playbooks", "cold-cal.md"), Target::Broken(h) if h.contains("cold-call.md"))
        );
        assert!(matches!(
            resolver().resolve("", "../../etc/passwd"),
            Target::Broken(_)
        ));
    }
    #[test]
    fn encoding() {
        assert_eq!(percent_encode_path("a b/ü"), "a%20b/%C3%BC");
        assert_eq!(percent_decode("a%20b"), "a b");
        assert_eq!(root_prefix("a/b/"), "../../");
        assert_eq!(root_prefix(""), "");
    }
    #[test]
    fn schemes() {
        assert!(!is_safe_scheme("javascript:alert(1)"));
        assert!(!is_safe_scheme("JaVaScRiPt:alert(1)"));
        assert!(!is_safe_scheme("data:text/html,x"));
        assert!(is_safe_scheme("https://x"));
        assert!(is_safe_scheme("../x.md"));
    }
}
