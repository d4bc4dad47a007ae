//! Ids, slugs and GitHub-style heading anchors. Pure string functions.

/// Whether `text` is a valid id or slug: `[a-z0-9-]+`.
pub fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A URL-safe slug: ASCII letters and digits lowercased, everything else folded to single dashes.
/// Letters with diacritics lose them; other scripts are kept as-is only in [`anchor`].
pub fn slugify(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    if text.is_ascii() {
        // The same rules without decomposition, which leaves ASCII as it is.
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() {
                if dash && !out.is_empty() {
                    out.push('-');
                }
                dash = false;
                out.push(b.to_ascii_lowercase() as char);
            } else if b != b'\'' {
                dash = true;
            }
        }
        return out;
    }
    for c in text.nfkd() {
        if c.is_ascii_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(c.to_ascii_lowercase());
        } else if unicode_normalization::char::is_combining_mark(c) || c == '\'' || c == '’' {
            continue;
        } else {
            dash = true;
        }
    }
    out
}

/// A GitHub-style heading anchor: lowercase, spaces to `-`, punctuation dropped
/// (letters of every script, digits, `-` and `_` are kept).
pub fn anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let text = text.trim();
    if text.is_ascii() {
        for b in text.bytes() {
            if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' {
                out.push(b.to_ascii_lowercase() as char);
            } else if b == b' ' {
                out.push('-');
            }
        }
        return out;
    }
    for c in text.chars() {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// A URL segment for a file or folder name: a slug, or for names in other scripts the
/// lowercased letters themselves (percent-encoded when linked).
pub fn segment_slug(name: &str) -> String {
    let slug = slugify(name);
    if slug.is_empty() {
        let fallback = anchor(name).replace(['/', '\\', '.'], "");
        if fallback.is_empty() {
            "page".into()
        } else {
            fallback
        }
    } else {
        slug
    }
}

/// `cold-call_notes` → `Cold call notes`.
pub fn humanize(stem: &str) -> String {
    let text = stem.replace(['-', '_'], " ");
    let mut chars = text.trim().chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids() {
        assert!(is_id("meddpicc"));
        assert!(is_id("tier-1"));
        assert!(!is_id("Tier 1"));
        assert!(!is_id(""));
        assert!(!is_id("../x"));
    }
    #[test]
    fn slugs() {
        assert_eq!(slugify("Cold Call: Opening"), "cold-call-opening");
        assert_eq!(slugify("Joaquín's plan"), "joaquins-plan");
        assert_eq!(slugify("  --x--  "), "x");
        assert_eq!(slugify("../../etc"), "etc");
        assert_eq!(slugify("Rep's 1:1 -- QBR"), "reps-1-1-qbr");
        assert_eq!(slugify("Rep’s 1:1 -- QBR"), "reps-1-1-qbr");
    }
    #[test]
    fn anchors_like_github() {
        assert_eq!(anchor("Talk track"), "talk-track");
        assert_eq!(anchor("What's next?"), "whats-next");
        assert_eq!(anchor("MEDDPICC: the 8 letters"), "meddpicc-the-8-letters");
        assert_eq!(anchor("Über uns"), "über-uns");
        assert_eq!(anchor("a  b"), "a--b");
        assert_eq!(anchor(" Step_2 - (Send) "), "step_2---send");
        assert_eq!(anchor(" Step_2 - (Sénd) "), "step_2---sénd");
    }
}
