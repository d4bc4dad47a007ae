//! Splits a Markdown file into YAML front matter and body, and parses the YAML into
//! [`FrontMatter`]. YAML errors point at the line of the Markdown file, not of the block.
//! The only module that imports serde_yaml.

use std::collections::HashMap;
use std::fmt;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;

use crate::diag::{did_you_mean, Diagnostic};
use crate::source::SourceFile;

mod simple;

/// The typed front matter of a page. Every field is optional here; which ones a kind
/// requires is checked by the model, which knows site.toml.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct FrontMatter {
    pub title: Option<Text>,
    pub kind: Option<Text>,
    pub summary: Option<Text>,
    pub owner: Option<Text>,
    pub status: Option<Text>,
    pub replaced_by: Option<Text>,
    pub reviewed: Option<Text>,
    pub review_every: Option<Text>,
    pub expires: Option<Text>,
    pub stages: List,
    pub roles: List,
    pub personas: List,
    pub tags: List,
    pub keywords: List,
    pub related: List,
    pub order: Option<i64>,
    pub aliases: List,
    pub slug: Option<Text>,
    pub draft: Option<bool>,
    // playbook
    pub trigger: Option<Text>,
    pub goal: Option<Text>,
    pub exit_signal: Option<Text>,
    pub play_type: Option<Text>,
    pub time_needed: Option<Text>,
    pub frameworks: List,
    pub assets: Vec<Asset>,
    /// `framework/criterion` refs on playbooks and coaching guides, definitions on frameworks.
    pub criteria: Vec<serde_yaml::Value>,
    // framework
    pub acronym: Option<Text>,
    pub scale: Vec<ScaleLevel>,
    pub use_when: Option<Text>,
    pub origin: Option<Text>,
    // coaching
    pub skill: Option<Text>,
    pub behaviours: List,
    pub rubric: Vec<RubricLevel>,
    pub coaching_questions: List,
    pub coach_roles: List,
    pub observe_in: List,
    pub practice: List,
    /// Free-form data for templates.
    pub extra: Option<serde_yaml::Value>,
}

/// Every key [`FrontMatter`] knows.
pub const KNOWN_KEYS: &[&str] = &[
    "title",
    "kind",
    "summary",
    "owner",
    "status",
    "replaced_by",
    "reviewed",
    "review_every",
    "expires",
    "stages",
    "roles",
    "personas",
    "tags",
    "keywords",
    "related",
    "order",
    "aliases",
    "slug",
    "draft",
    "trigger",
    "goal",
    "exit_signal",
    "play_type",
    "time_needed",
    "frameworks",
    "assets",
    "criteria",
    "acronym",
    "scale",
    "use_when",
    "origin",
    "skill",
    "behaviours",
    "rubric",
    "coaching_questions",
    "coach_roles",
    "observe_in",
    "practice",
    "extra",
];

/// A playbook asset.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Asset {
    pub title: Text,
    pub url: Text,
    #[serde(default)]
    pub external: bool,
}

/// A framework criterion.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    pub id: Text,
    pub name: Text,
    #[serde(default)]
    pub letter: Option<Text>,
    #[serde(default)]
    pub definition: Option<Text>,
    #[serde(default)]
    pub questions: List,
    #[serde(default)]
    pub evidence: List,
    #[serde(default)]
    pub red_flags: List,
}

/// One level of a framework's scale.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    pub score: i64,
    pub label: Text,
    #[serde(default)]
    pub meaning: Option<Text>,
}

/// One level of a coaching rubric.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricLevel {
    pub level: i64,
    pub label: Text,
    pub looks_like: Text,
}

/// A scalar read as text: `title: 2024` is the string "2024", as an author means it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl Text {
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Text, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

/// A list of scalars; a single scalar is a list of one (`tags: pricing`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct List(pub Vec<String>);

impl List {
    /// The items.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<List, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = List;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<List, E> {
                Ok(List(vec![v.to_string()]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<List, E> {
                Ok(List(Vec::new()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Text>()? {
                    items.push(item.0);
                }
                Ok(List(items))
            }
        }
        deserializer.deserialize_any(ListVisitor)
    }
}

/// Where the front matter and the body are in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// Byte range of the YAML between the fences, if the file has front matter.
    pub yaml: Option<(usize, usize)>,
    /// Byte offset where the Markdown body starts.
    pub body: usize,
}

/// Finds the front matter: a first line `---` and the next line `---` (or `...`).
pub fn split(source: &SourceFile) -> Result<Split, Diagnostic> {
    let text = &source.text;
    let first_end = text.find('\n').map_or(text.len(), |i| i + 1);
    if text[..first_end].trim_end() != "---" {
        return Ok(Split {
            yaml: None,
            body: 0,
        });
    }
    let mut pos = first_end;
    while pos < text.len() {
        let end = text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1);
        let line = text[pos..end].trim_end();
        if line == "---" || line == "..." {
            return Ok(Split {
                yaml: Some((first_end, pos)),
                body: end,
            });
        }
        pos = end;
    }
    Err(
        Diagnostic::error("front-matter-unclosed", "front matter is not closed")
            .at(source, 0, 3)
            .with_help("add a line `---` after the last front matter key"),
    )
}

/// Parses the front matter of `source`. A file without front matter gives `None`.
/// On a YAML or type error the diagnostics are returned with whatever could be read
/// (at least the title), so the page still exists and links to it still resolve.
pub fn parse(source: &SourceFile, split: Split) -> (Option<FrontMatter>, Vec<Diagnostic>) {
    let Some((start, end)) = split.yaml else {
        return (None, Vec::new());
    };
    let yaml = &source.text[start..end];
    let yaml_line = source.line_col(start).0;
    let mut diagnostics = Vec::new();
    if yaml.trim().is_empty() {
        return (Some(FrontMatter::default()), diagnostics);
    }
    // The plain subset first; anything else (and every error) is serde_yaml's.
    let value = match simple::mapping(yaml) {
        Some(mapping) => Ok(serde_yaml::Value::Mapping(mapping)),
        None => serde_yaml::from_str::<serde_yaml::Value>(yaml),
    };
    let mapping: serde_yaml::Mapping = match value {
        Ok(serde_yaml::Value::Mapping(mapping)) => mapping,
        Ok(serde_yaml::Value::Null) => return (Some(FrontMatter::default()), diagnostics),
        Ok(_) => {
            diagnostics.push(
                Diagnostic::error(
                    "front-matter-not-mapping",
                    "front matter must be a mapping of `key: value` lines",
                )
                .at_line_col(
                    source,
                    yaml_line,
                    1,
                    source.line_text(yaml_line).chars().count(),
                )
                .with_help("write `title: My page` and one key per line"),
            );
            return (Some(FrontMatter::default()), diagnostics);
        }
        Err(err) => {
            diagnostics.push(yaml_error(source, yaml_line, &err));
            return (Some(FrontMatter::default()), diagnostics);
        }
    };
    // Found once for all unknown keys: a search per key is quadratic in a front matter of
    // many keys (issue #7: 100,000 keys must build in linear time).
    let mut key_lines = None;
    for key in mapping.keys() {
        let Some(key) = key.as_str() else { continue };
        if !KNOWN_KEYS.contains(&key) {
            let mut d =
                Diagnostic::warning("unknown-key", format!("unknown front matter key `{key}`"));
            let lines = key_lines.get_or_insert_with(|| top_level_keys(source, start, end));
            if let Some((line, col)) = lines.get(key).map(|&offset| source.line_col(offset)) {
                d = d.at_line_col(source, line, col, key.chars().count());
            } else {
                d = d.in_file(&source.path);
            }
            diagnostics.push(d.with_help_opt(
                did_you_mean(key, KNOWN_KEYS.iter().copied()).or_else(|| {
                    Some("put custom data under `extra:` so templates can use it".into())
                }),
            ));
        }
    }
    let value = serde_yaml::Value::Mapping(mapping);
    match FrontMatter::deserialize(&value) {
        Ok(front_matter) => (Some(front_matter), diagnostics),
        Err(_) => {
            // Re-parse from text to get a position for the type error.
            let err = serde_yaml::from_str::<FrontMatter>(yaml).err();
            if let Some(err) = err {
                diagnostics.push(yaml_error(source, yaml_line, &err));
            }
            let title = value
                .get("title")
                .and_then(|v| v.as_str())
                .map(|s| Text(s.to_string()));
            (
                Some(FrontMatter {
                    title,
                    ..FrontMatter::default()
                }),
                diagnostics,
            )
        }
    }
}

/// Converts a serde_yaml error into a diagnostic at the right line of the Markdown file.
fn yaml_error(source: &SourceFile, yaml_line: usize, err: &serde_yaml::Error) -> Diagnostic {
    let full = err.to_string();
    let message = match full.find(" at line ") {
        Some(i) => &full[..i],
        None => full.as_str(),
    };
    let message = message.trim_end_matches('.').trim();
    let (help, message) = explain_yaml(message);
    let mut d = Diagnostic::error("front-matter-yaml", message);
    if let Some(location) = err.location() {
        let line = yaml_line + location.line() - 1;
        let col = location.column().max(1);
        let width = source
            .line_text(line)
            .chars()
            .count()
            .saturating_sub(col - 1)
            .max(1);
        d = d.at_line_col(source, line, col, width);
    } else {
        d = d.at_line_col(source, yaml_line, 1, 1);
    }
    d.with_help_opt(help)
}

fn explain_yaml(message: &str) -> (Option<String>, String) {
    let help = if message.contains("mapping values are not allowed") {
        Some("a value containing `: ` must be quoted: `title: \"Objections: price\"`".to_string())
    } else if message.contains("did not find expected")
        || message.contains("could not find expected")
    {
        Some("check quotes, brackets and indentation on this line and the one before".to_string())
    } else if message.contains("found character that cannot start any token") {
        Some("a value starting with `@`, `` ` `` or a tab must be quoted".to_string())
    } else if message.contains("tab character") {
        Some("indent with spaces; YAML does not allow tabs".to_string())
    } else if message.contains("unexpected end of stream") {
        Some("a quote or bracket opened above is never closed".to_string())
    } else if message.contains("duplicate entry") {
        Some("each key may appear once; remove or merge the duplicate".to_string())
    } else if message.contains("invalid type") {
        Some("see the front matter reference in README.md for each field's type".to_string())
    } else if message.starts_with("unknown field") {
        Some("see the front matter reference in README.md for the fields of this item".to_string())
    } else {
        None
    };
    (help, format!("invalid front matter: {message}"))
}

/// Line and column of a top-level `key:` inside the YAML block.
pub fn key_position(
    source: &SourceFile,
    start: usize,
    end: usize,
    key: &str,
) -> Option<(usize, usize)> {
    let mut pos = start;
    for line in source.text[start..end].split_inclusive('\n') {
        if line.starts_with(key)
            && line[key.len()..]
                .trim_start_matches([' ', '\t'])
                .starts_with(':')
        {
            return Some(source.line_col(pos));
        }
        pos += line.len();
    }
    None
}

/// The byte offset of each `key:` line in the YAML block (the first, if a key repeats): the
/// text before the first `: ` (or a final `:`), as [`key_position`] finds it.
fn top_level_keys(source: &SourceFile, start: usize, end: usize) -> HashMap<&str, usize> {
    let mut keys = HashMap::new();
    let mut pos = start;
    for line in source.text[start..end].split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let colon = text
            .match_indices(':')
            .map(|(i, _)| i)
            .find(|&i| matches!(text.as_bytes().get(i + 1), None | Some(b' ' | b'\t')));
        if let Some(colon) = colon {
            keys.entry(text[..colon].trim_end_matches([' ', '\t']))
                .or_insert(pos);
        }
        pos += line.len();
    }
    keys
}

/// Byte range of `needle` in the value of top-level `key` (the key's line and its
/// indented continuation), for pointing at one id in a list.
pub fn value_range(
    source: &SourceFile,
    yaml: (usize, usize),
    key: &str,
    needle: &str,
) -> Option<(usize, usize)> {
    let (start, end) = yaml;
    let mut pos = start;
    let mut inside = false;
    for line in source.text[start..end].split_inclusive('\n') {
        let is_key_line = line.starts_with(key) && line[key.len()..].trim_start().starts_with(':');
        if is_key_line {
            inside = true;
        } else if inside && !(line.starts_with([' ', '\t', '-']) || line.trim().is_empty()) {
            break;
        }
        if inside {
            let from = if is_key_line { key.len() + 1 } else { 0 };
            if let Some(i) = find_token(&line[from..], needle) {
                let s = pos + from + i;
                return Some((s, s + needle.len()));
            }
        }
        pos += line.len();
    }
    None
}

/// Finds `needle` as a whole token (not inside a longer id).
fn find_token(haystack: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_id_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'/';
    let bytes = haystack.as_bytes();
    let mut from = 0;
    while let Some(i) = haystack[from..].find(needle) {
        let s = from + i;
        let e = s + needle.len();
        let before_ok = s == 0 || !is_id_byte(bytes[s - 1]);
        let after_ok = e >= bytes.len() || !is_id_byte(bytes[e]);
        if before_ok && after_ok {
            return Some(s);
        }
        from = s + needle.len().max(1);
        while !haystack.is_char_boundary(from) {
            from += 1;
        }
    }
    None
}

/// Deserialises one framework criterion from its YAML value.
pub fn criterion_def(value: &serde_yaml::Value) -> Result<CriterionDef, String> {
    serde_yaml::from_value(value.clone()).map_err(|e| e.to_string())
}

/// A criterion list item as a plain string (`meddpicc/champion`), if it is one.
pub fn criterion_ref(value: &serde_yaml::Value) -> Option<String> {
    match value {
        serde_yaml::Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

/// The `id` of a criterion definition, for pointing at it.
pub fn criterion_id(value: &serde_yaml::Value) -> Option<String> {
    value.get("id").and_then(|v| v.as_str()).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(text: &str) -> SourceFile {
        SourceFile::new("content/a.md", text.to_string())
    }

    #[test]
    fn no_front_matter() {
        let s = source("# Hello\n");
        assert_eq!(
            split(&s).unwrap(),
            Split {
                yaml: None,
                body: 0
            }
        );
    }

    #[test]
    fn crlf_front_matter() {
        let s = source("---\r\ntitle: T\r\n---\r\nbody");
        let sp = split(&s).unwrap();
        assert_eq!(&s.text[sp.body..], "body");
        let (fm, diags) = parse(&s, sp);
        assert!(diags.is_empty());
        assert_eq!(fm.unwrap().title.unwrap().0, "T");
    }

    #[test]
    fn unclosed() {
        let s = source("---\ntitle: T\n");
        assert_eq!(split(&s).unwrap_err().message, "front matter is not closed");
    }

    #[test]
    fn yaml_error_points_into_markdown_file() {
        let s = source("---\ntitle: T\nsummary: [a\n---\n");
        let (_, diags) = parse(&s, split(&s).unwrap());
        assert_eq!(diags.len(), 1);
        assert!(diags[0].span.unwrap().line >= 3, "{:?}", diags[0]);
    }

    #[test]
    fn unknown_key_warns_with_suggestion() {
        let s = source("---\ntittle: T\n---\n");
        let (_, diags) = parse(&s, split(&s).unwrap());
        assert_eq!(diags[0].message, "unknown front matter key `tittle`");
        assert_eq!(diags[0].help.as_deref(), Some("did you mean `title`?"));
        assert_eq!(diags[0].span.unwrap().line, 2);
    }

    #[test]
    fn scalars_are_text_and_lists_accept_one_item() {
        let s = source("---\ntitle: 2024\ntags: pricing\n---\n");
        let (fm, diags) = parse(&s, split(&s).unwrap());
        let fm = fm.unwrap();
        assert!(diags.is_empty());
        assert_eq!(fm.title.unwrap().0, "2024");
        assert_eq!(fm.tags.0, vec!["pricing"]);
    }

    #[test]
    fn value_range_finds_list_item() {
        let s = source("---\nstages: [discover, evaluat]\n---\n");
        let sp = split(&s).unwrap();
        let (a, b) = value_range(&s, sp.yaml.unwrap(), "stages", "evaluat").unwrap();
        assert_eq!(&s.text[a..b], "evaluat");
    }

    #[test]
    fn top_level_keys_agree_with_key_position() {
        let s = source("---\ntitle: T\ntittle : x\na:b: y\nextra:\n  nested: 1\nlast:\n---\n");
        let (start, end) = split(&s).unwrap().yaml.unwrap();
        let keys = top_level_keys(&s, start, end);
        for key in ["title", "tittle", "a:b", "extra", "last"] {
            assert_eq!(
                keys.get(key).map(|&offset| s.line_col(offset)),
                key_position(&s, start, end, key),
                "{key}"
            );
        }
        assert!(!keys.contains_key("nested"));
    }

    /// Issue #7: a front matter of many unknown keys is linear, not a search per key.
    #[test]
    fn many_unknown_keys_are_each_reported_at_their_line() {
        let mut text = String::from("---\ntitle: T\n");
        for i in 0..2000 {
            text.push_str(&format!("key{i}: v\n"));
        }
        text.push_str("---\n");
        let s = source(&text);
        let (_, diags) = parse(&s, split(&s).unwrap());
        assert_eq!(diags.len(), 2000);
        assert_eq!(diags[1999].span.as_ref().map(|span| span.line), Some(2002));
    }
}
