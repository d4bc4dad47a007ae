//! Code highlighting with syntect, emitted as CSS classes so one stylesheet serves light
//! and dark. The syntax set and themes are loaded once per process.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

fn themes() -> &'static ThemeSet {
    static SET: OnceLock<ThemeSet> = OnceLock::new();
    SET.get_or_init(ThemeSet::load_defaults)
}

/// Names of the bundled highlight themes.
pub fn theme_names() -> Vec<&'static str> {
    themes().themes.keys().map(String::as_str).collect()
}

/// Highlights `code` in language `lang` as classed HTML spans. `None` when the language is
/// unknown (the caller then escapes the code as plain text).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let lang = lang.split([',', ' ', '{']).next().unwrap_or("").trim();
    if lang.is_empty() {
        return None;
    }
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_extension(lang))?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// The stylesheet for highlighted code: `light` by default, `dark` when the system or the
/// page's theme toggle asks for it. `None` when a theme name is unknown.
pub fn stylesheet(light: &str, dark: &str) -> Result<String, String> {
    let set = themes();
    let get = |name: &str| set.themes.get(name).ok_or_else(|| name.to_string());
    let light_css =
        css_for_theme_with_class_style(get(light)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    let dark_css =
        css_for_theme_with_class_style(get(dark)?, CLASS_STYLE).map_err(|e| e.to_string())?;
    let scoped = |prefix: &str| scope_css(&dark_css, prefix);
    Ok(format!(
        "/* light: {light} */\n{light_css}\n/* dark: {dark} */\n{}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        scoped("[data-theme=dark]"),
        scoped(":root:not([data-theme=light])")
    ))
}

/// Prefixes every selector of a flat stylesheet with `prefix`.
fn scope_css(css: &str, prefix: &str) -> String {
    let mut out = String::with_capacity(css.len() * 2);
    let mut rest = css;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        let selectors = rest[..open].trim();
        let selectors = strip_comments(selectors);
        let scoped: Vec<String> = selectors
            .split(',')
            .map(|s| format!("{prefix} {}", s.trim()))
            .collect();
        out.push_str(&scoped.join(", "));
        out.push_str(&rest[open..open + close + 1]);
        out.push('\n');
        rest = &rest[open + close + 1..];
    }
    out
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("/*") {
        out.push_str(&rest[..start]);
        match rest[start..].find("*/") {
            Some(end) => rest = &rest[start + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_known_language_with_classes() {
        let html = highlight("a: 1\n", "yaml").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn unknown_language_is_none() {
        assert!(highlight("x", "no-such-lang").is_none());
    }

    #[test]
    fn stylesheet_scopes_dark_rules() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark").unwrap();
        assert!(css.contains("[data-theme=dark] .hl-"));
    }
}
