//! A fast reader for the plain subset of YAML that front matter is nearly always written in:
//! block mappings and block lists (nested, and `- key: value` list items) of plain, quoted or
//! integer scalars. It gives the same `serde_yaml::Value` the full parser would, or `None` for
//! anything outside the subset (comments, flow collections, multi-line or escaped scalars,
//! tabs, CRLF, anchors and tags, values YAML would read as something other than a string, a
//! boolean or a small integer), which then goes to serde_yaml, as does every error. libyaml
//! spends most of its time on generality this subset never needs: at 2,000 pages it was about
//! a tenth of the build's instructions.

use serde_yaml::{Mapping, Number, Value};

/// The mapping of `yaml`, when every line is in the subset.
pub(super) fn mapping(yaml: &str) -> Option<Mapping> {
    if yaml.bytes().any(|b| b < b' ' && b != b'\n') || !plain_text(yaml) {
        return None;
    }
    let mut lines = Vec::new();
    for line in yaml.split('\n') {
        let content = line.trim_start_matches(' ');
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') {
            return None;
        }
        lines.push((line.len() - content.len(), content));
    }
    let mut reader = Reader { lines, pos: 0 };
    if reader.lines.first().is_some_and(|&(indent, _)| indent != 0) {
        return None;
    }
    let map = reader.mapping(0)?;
    (reader.pos == reader.lines.len()).then_some(map)
}

/// Non-blank lines as (indentation, content), read by recursive descent: a node's lines
/// all start at its indentation, and its children's further in.
struct Reader<'a> {
    lines: Vec<(usize, &'a str)>,
    pos: usize,
}

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<(usize, &'a str)> {
        self.lines.get(self.pos).copied()
    }

    /// A block mapping whose keys are at `indent`.
    fn mapping(&mut self, indent: usize) -> Option<Mapping> {
        let mut map = Mapping::new();
        while let Some((at, content)) = self.peek() {
            if at < indent {
                break;
            }
            if at > indent {
                return None;
            }
            let (key, rest) = entry(content)?;
            self.pos += 1;
            let value = if !rest.is_empty() {
                scalar(rest)?
            } else {
                match self.peek() {
                    Some((at, next)) if at > indent => self.node(at, next)?,
                    // A list may sit at its key's indentation.
                    Some((at, next)) if at == indent && is_item(next) => self.sequence(at)?,
                    _ => Value::Null,
                }
            };
            insert(&mut map, Value::String(key.to_string()), value)?;
        }
        Some(map)
    }

    fn node(&mut self, indent: usize, content: &str) -> Option<Value> {
        if is_item(content) {
            self.sequence(indent)
        } else {
            self.mapping(indent).map(Value::Mapping)
        }
    }

    /// A block sequence whose dashes are at `indent`; items are scalars or mappings.
    fn sequence(&mut self, indent: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some((at, content)) = self.peek() {
            if at > indent {
                return None;
            }
            if at < indent || !is_item(content) {
                break;
            }
            let after = content.strip_prefix("- ")?;
            let item = after.trim_start_matches(' ');
            if item.is_empty() || is_item(item) {
                return None;
            }
            if entry(item).is_some() {
                // `- key: value`: a mapping whose keys line up with this first one.
                let column = indent + 2 + (after.len() - item.len());
                self.lines[self.pos] = (column, item);
                items.push(Value::Mapping(self.mapping(column)?));
            } else {
                self.pos += 1;
                items.push(scalar(item)?);
            }
        }
        Some(Value::Sequence(items))
    }
}

fn is_item(content: &str) -> bool {
    content == "-" || content.starts_with("- ")
}

/// `key: rest` or `key:` with a plain key; `rest` is empty for the second.
fn entry(content: &str) -> Option<(&str, &str)> {
    let colon = content.find(':')?;
    let key = &content[..colon];
    let rest = &content[colon + 1..];
    if !plain_key(key) {
        return None;
    }
    if rest.trim_end_matches(' ').is_empty() {
        Some((key, ""))
    } else if rest.starts_with(' ') {
        Some((key, rest))
    } else {
        None
    }
}

/// Adds an entry; a duplicate key is an error for serde_yaml, so it is not in the subset.
fn insert(map: &mut Mapping, key: Value, value: Value) -> Option<()> {
    if map.contains_key(&key) {
        return None;
    }
    map.insert(key, value);
    Some(())
}

/// No character that YAML treats as a line break or refuses outright: NEL, the Unicode line
/// and paragraph separators, the byte-order mark, DEL and the C1 controls, and U+FFFE/U+FFFF.
fn plain_text(yaml: &str) -> bool {
    yaml.is_ascii()
        || !yaml.chars().any(|c| {
            matches!(
                c,
                '\u{7f}'
                    ..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}'
            )
        })
}

/// A key that YAML reads as the same string: a letter or `_`, then letters, digits, `_`, `-`,
/// and not one of the words that resolve to null or a boolean.
fn plain_key(key: &str) -> bool {
    let bytes = key.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 100
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'_')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !special_word(key)
}

/// Words a plain scalar would resolve to null or a boolean in some spelling.
fn special_word(word: &str) -> bool {
    ["null", "true", "false"]
        .iter()
        .any(|w| w.eq_ignore_ascii_case(word))
}

/// One scalar value (after `key:` or `- `), or `None` if it is outside the subset.
fn scalar(text: &str) -> Option<Value> {
    let text = text.trim_matches(' ');
    let bytes = text.as_bytes();
    let first = *bytes.first()?;
    if first == b'"' || first == b'\'' {
        // Quoted, on one line, with no escapes: the text between the quotes.
        let inner = &text[1..];
        let close = inner.find(first as char)?;
        if close + 1 != inner.len() || (first == b'"' && inner[..close].contains('\\')) {
            return None;
        }
        return Some(Value::String(inner[..close].to_string()));
    }
    if text.contains(": ") || text.contains(" #") || text.ends_with(':') {
        return None;
    }
    if first.is_ascii_alphabetic() {
        return match text {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ if special_word(text) => None,
            _ => Some(Value::String(text.to_string())),
        };
    }
    if first.is_ascii_digit() {
        if bytes.iter().all(u8::is_ascii_digit) && bytes.len() <= 18 {
            // A leading zero makes YAML 1.2 read digits as a string; leave that to serde_yaml.
            if first == b'0' && bytes.len() > 1 {
                return None;
            }
            return Some(Value::Number(Number::from(text.parse::<u64>().ok()?)));
        }
        // An ISO date stays a string.
        let date = bytes.len() == 10
            && bytes.iter().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    *b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        return date.then(|| Value::String(text.to_string()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fast reader either declines or agrees with serde_yaml.
    fn agrees(yaml: &str) -> bool {
        match mapping(yaml) {
            Some(fast) => {
                let full: Value = serde_yaml::from_str(yaml).expect("valid YAML");
                assert_eq!(Value::Mapping(fast), full, "for {yaml:?}");
                true
            }
            None => false,
        }
    }

    #[test]
    fn reads_the_usual_front_matter() {
        assert!(!agrees("summary: What to do: nothing\n"));
        assert!(agrees(
            "title: \"When to quantify the quota\"\nkind: playbook\nstages:\n  - \"onboarding\"\n  - demo\npersonas:\n- coo\n- 'champion'\nowner: \"hiro-haddad\"\nreviewed: 2023-03-26\norder: 20\ndraft: false\nextra:\n"
        ));
        assert!(agrees("title: A\n\ntags:\n\n  - a\n\n  - b\n"));
        assert!(agrees(
            "title: Café — “quotes” and 'inner' ones\norder: 0\n"
        ));
    }

    #[test]
    fn declines_what_it_does_not_read() {
        for yaml in [
            "title: a # comment\n",
            "# comment\ntitle: a\n",
            "tags: [a, b]\n",
            "extra:\n  nested: a: b\n",
            "rubric:\n  - level: 1\n   label: a\n",
            "rubric:\n  -\n    level: 1\n",
            "rubric:\n  - - a\n",
            "  title: a\n",
            "title: a\r\n",
            "title:\ta\n",
            "title: \"a \\\" b\"\n",
            "title: 'it''s'\n",
            "title: \"a\" b\n",
            "order: 020\n",
            "order: 1.5\n",
            "order: -1\n",
            "draft: True\n",
            "title: null\n",
            "title: NULL\n",
            "title: ~\n",
            "title: a\ntitle: b\n",
            "true: a\n",
            "tags:\n  - a\n    - b\n",
            "tags:\n  - a\n - b\n",
            "tags:\n  - a\n  b\n",
            "title: a\n  continued\n",
            "title: -a\n",
            "title: *alias\n",
            "title: |\n  block\n",
            "key:value\n",
            "- a\n",
            "title: a:\n",
            "title: 2024-1-1\n",
            "title: a\u{2028}b\n",
        ] {
            assert!(mapping(yaml).is_none(), "should decline {yaml:?}");
        }
    }

    #[test]
    fn empty_values_and_lists() {
        assert!(agrees("title:\nsummary: s\n"));
        assert!(agrees("tags:\n"));
        assert!(agrees("tags:\n- a\nroles:\n  - b\n"));
    }

    #[test]
    fn nested_mappings_and_lists() {
        assert!(agrees("extra:\n  team: emea\n  size: 12\ntitle: t\n"));
        assert!(agrees(
            "rubric:\n  - level: 1\n    label: \"Developing\"\n  -   level: 2\n      label: Expert\nx: y\n"
        ));
        assert!(agrees(
            "criteria:\n  - id: \"risk\"\n    questions:\n      - \"What?\"\n    red_flags:\n    - a\n  - plain item\nscale:\n- score: 0\n  label: x\n"
        ));
    }

    /// Every front matter in the repository's content and fixtures (and in `FB_YAML_DIRS`,
    /// colon-separated, for corpora outside it) is read alike. The starter handbook writes
    /// its rubrics and scales as flow mappings, which the fast reader leaves to serde_yaml;
    /// the synthetic benchmark corpus is nearly all read by it (10,296 of 10,395 files).
    #[test]
    fn agrees_with_serde_yaml_on_real_front_matter() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut dirs = vec![root.join("content"), root.join("tests/fixtures")];
        if let Ok(extra) = std::env::var("FB_YAML_DIRS") {
            dirs.extend(extra.split(':').map(std::path::PathBuf::from));
        }
        let (mut read, mut declined) = (0, 0);
        for dir in dirs {
            for entry in walkdir::WalkDir::new(dir).into_iter().flatten() {
                if entry.path().extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                let Some(rest) = text.strip_prefix("---\n") else {
                    continue;
                };
                let Some(end) = rest.find("\n---\n") else {
                    continue;
                };
                let yaml = &rest[..end + 1];
                if serde_yaml::from_str::<Value>(yaml).is_err() {
                    assert!(mapping(yaml).is_none(), "{}", entry.path().display());
                    continue;
                }
                if agrees(yaml) {
                    read += 1;
                } else {
                    declined += 1;
                }
            }
        }
        eprintln!("fast reader: {read} read, {declined} declined");
        assert!(read >= 10, "{read} read, {declined} declined");
    }
}
