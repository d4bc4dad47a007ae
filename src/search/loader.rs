//! The client script: the entry script every page loads (deferred), holding the manifest, the
//! engine of `themes/default/static/search.js`, and the dialog and results page of
//! `search-ui.js` with the styles of `search.css`. The UI is one function the engine calls on
//! first use (styles are added to the page only then); it ships in the entry because a separate
//! file cost every first search one more request and made the dialog wait for the network.
//!
//! The client sources are compiled in with `include_str!` and minified here (comments and
//! needless whitespace go; see [`minify_js`]).

use super::encode::push_str;

const ENGINE_JS: &str = include_str!("../../themes/default/static/search.js");
const UI_JS: &str = include_str!("../../themes/default/static/search-ui.js");
const UI_CSS: &str = include_str!("../../themes/default/static/search.css");

/// Removes comments and the whitespace JavaScript does not need. Strings, template literals and
/// regular expression literals are copied verbatim; a line break is kept where it separates two
/// words or values, so automatic semicolon insertion cannot change meaning.
pub(crate) fn minify_js(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let mut pending_space = false;
    let mut pending_newline = false;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            pending_space = true;
            pending_newline |= c == '\n';
            i += 1;
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && chars.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
            pending_space = true;
            continue;
        }
        let last = out.chars().last();
        if pending_space {
            let value_end =
                last.is_some_and(|l| word(l) || matches!(l, ')' | ']' | '}' | '\'' | '"' | '`'));
            let value_start = word(c) || matches!(c, '\'' | '"' | '`');
            if pending_newline && value_end && value_start {
                out.push('\n');
            } else if last
                .is_some_and(|l| (word(l) && word(c)) || (l == c && matches!(c, '+' | '-')))
            {
                out.push(' ');
            }
        }
        pending_space = false;
        pending_newline = false;
        let regex = c == '/' && {
            let before = out.trim_end();
            let tail: String = before
                .chars()
                .rev()
                .take_while(|&ch| word(ch))
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            match before.chars().last() {
                None => true,
                Some(l) if word(l) => matches!(
                    tail.as_str(),
                    "return" | "typeof" | "case" | "in" | "of" | "void" | "delete"
                ),
                Some(l) => "(,=:[!&|?{};+-*%<>~^".contains(l),
            }
        };
        if matches!(c, '\'' | '"' | '`') || regex {
            let start = i;
            let mut class = false;
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                if d == '\\' {
                    i += 2;
                    continue;
                }
                if regex && d == '[' {
                    class = true;
                } else if regex && d == ']' {
                    class = false;
                } else if d == c && !class {
                    break;
                }
                i += 1;
            }
            i += 1;
            // Regex flags.
            while regex && i < chars.len() && chars[i].is_ascii_alphabetic() {
                i += 1;
            }
            out.extend(&chars[start..i.min(chars.len())]);
            continue;
        }
        out.push(c);
        i += 1;
    }
    out.push('\n');
    out
}

/// Drops comments and collapses whitespace.
pub(crate) fn minify_css(source: &str) -> String {
    let mut text = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find("/*") {
        text.push_str(&rest[..start]);
        rest = match rest[start + 2..].find("*/") {
            Some(end) => &rest[start + 2 + end + 2..],
            None => "",
        };
    }
    text.push_str(rest);
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let glue = matches!(out.chars().last(), None | Some('{' | '}' | ';' | ':' | ','))
            || matches!(word.chars().next(), Some('{' | '}' | ';' | ','));
        if !glue {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The UI factory, `function(E){var CSS="…";…}`.
fn ui() -> String {
    let mut out = String::from("function(E){var CSS=");
    push_str(&mut out, &minify_css(UI_CSS));
    out.push_str(";\n");
    out.push_str(&minify_js(UI_JS));
    out.push('}');
    out
}

/// The entry script: `(function(M,U){ engine })(manifest, ui factory);`.
/// The client sources are small enough that minifying them on every build costs well under 1 ms.
pub(crate) fn entry(manifest: &str) -> String {
    let mut out = String::from("/* fieldbook search */\n(function(M,U){\n");
    out.push_str(&minify_js(ENGINE_JS));
    out.push_str("})(");
    out.push_str(manifest);
    out.push_str(",\n");
    out.push_str(&ui());
    out.push_str(");\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_minifier() {
        assert_eq!(
            minify_js("  // note\n  var a = 1\n\n  a++\n"),
            "var a=1\na++\n"
        );
        assert_eq!(
            minify_js("if (a) { b = 'x  y' / 2; }"),
            "if(a){b='x  y'/2;}\n"
        );
        assert_eq!(
            minify_js("s.replace(/a \\/ [/]/g, \"\") + + c"),
            "s.replace(/a \\/ [/]/g,\"\")+ +c\n"
        );
        assert_eq!(
            minify_js("return /x y/.test(z) /* c */ || a - -b"),
            "return/x y/.test(z)||a- -b\n"
        );
        assert_eq!(
            minify_js("var f = function () {}\nvar g"),
            "var f=function(){}\nvar g\n"
        );
    }

    #[test]
    fn css_minifier() {
        assert_eq!(
            minify_css("/* x */\n.a {\n  color: red;\n}\n.b .c { x: 1 }"),
            ".a{color:red;}.b .c{x:1}"
        );
    }
}
