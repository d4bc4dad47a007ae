//! The search analyzer and indexer: arbitrary documents (fields cut from the input at
//! `\x01`, documents at `\x02`) in a language and with synonyms taken from the input.
#![no_main]

use fieldbook::search::{self, SearchDoc, SearchOptions, SearchSection};
use libfuzzer_sys::fuzz_target;

const LANGUAGES: &[&str] = &["en", "de", "fr", "sv", "tr", "xx", "", "EN-gb"];

fuzz_target!(|data: &[u8]| {
    let flags = data.first().copied().unwrap_or(0);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let mut chunks = text.split('\u{2}');
    // The first chunk holds synonym groups: lines of comma-separated terms.
    let synonyms: Vec<Vec<String>> = chunks
        .next()
        .unwrap_or("")
        .lines()
        .map(|line| line.split(',').map(str::to_string).collect())
        .collect();
    let docs: Vec<SearchDoc> = chunks
        .enumerate()
        .map(|(i, chunk)| {
            let mut fields = chunk.split('\u{1}');
            let mut next = || fields.next().unwrap_or("").to_string();
            let title = next();
            let summary = next();
            let tags = next().split(' ').map(str::to_string).collect();
            let keywords = next().split(',').map(str::to_string).collect();
            let mut sections = vec![SearchSection {
                anchor: None,
                heading: None,
                text: next(),
            }];
            loop {
                let heading = next();
                let body = next();
                if heading.is_empty() && body.is_empty() {
                    break;
                }
                sections.push(SearchSection {
                    anchor: Some(heading.to_lowercase().replace(' ', "-")),
                    heading: Some(heading),
                    text: body,
                });
            }
            SearchDoc {
                url: format!("p{i}/"),
                title,
                kind: "page".to_string(),
                summary,
                breadcrumb: "Pages".to_string(),
                tags,
                stages: vec!["discover".to_string()],
                roles: Vec::new(),
                personas: Vec::new(),
                keywords,
                sections,
            }
        })
        .collect();
    let options = SearchOptions {
        language: LANGUAGES[usize::from(flags) % LANGUAGES.len()].to_string(),
        synonyms,
        default_synonyms: flags & 0x80 != 0,
    };
    let index = search::build(&docs, &options);
    assert!(index.files.iter().any(|f| f.path == index.entry));
});
