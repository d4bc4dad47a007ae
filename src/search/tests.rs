//! Tests of the whole index: a golden copy of the files built from a tiny fixture, plus
//! properties every build must have.
//!
//! The golden files live in `tests/fixtures/search-golden/` (one per output file, same paths).
//! After an intended change, regenerate them with
//! `UPDATE_EXPECT=1 cargo test search::tests` and review the diff.

use std::path::{Path, PathBuf};

use super::*;

fn section(anchor: Option<&str>, heading: Option<&str>, text: &str) -> SearchSection<'static> {
    SearchSection {
        anchor: anchor.map(String::from),
        heading: heading.map(String::from),
        text: text.to_string().into(),
    }
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Four pages: a playbook, a framework, a coaching guide and a section page.
pub(crate) fn fixture() -> Vec<SearchDoc<'static>> {
    vec![
        SearchDoc {
            url: "playbooks/cold-call/".into(),
            title: "Cold call opener".into(),
            kind: "playbook".into(),
            summary: "Open a cold call with a reason the buyer cares about.".into(),
            breadcrumb: "Playbooks".into(),
            tags: strings(&["cold-call", "prospecting"]),
            stages: strings(&["prospect"]),
            roles: strings(&["sdr"]),
            personas: strings(&["cfo"]),
            keywords: strings(&["phone", "outbound call"]),
            sections: vec![
                section(
                    None,
                    None,
                    "Use this play when a trigger event gives you a reason to call.",
                ),
                section(
                    Some("steps"),
                    Some("Steps"),
                    "Research the account. Name the trigger. Ask for 20 minutes with the EB.",
                ),
                section(
                    Some("talk-track"),
                    Some("Talk track"),
                    "“I saw you opened a new site in Lyon — café owners there…”",
                ),
            ],
        },
        SearchDoc {
            url: "frameworks/meddpicc/".into(),
            title: "MEDDPICC".into(),
            kind: "framework".into(),
            summary:
                "Enterprise qualification: metrics, economic buyer, decision criteria and process."
                    .into(),
            breadcrumb: "Frameworks".into(),
            tags: strings(&["qualification"]),
            stages: strings(&["qualify", "justify"]),
            roles: strings(&["ae"]),
            personas: vec![],
            keywords: vec![],
            sections: vec![
                section(
                    Some("economic-buyer"),
                    Some("Economic buyer"),
                    "The person who controls the budget.",
                ),
                section(
                    Some("paper-process"),
                    Some("Paper process"),
                    "Procurement, legal review and the mutual action plan.",
                ),
            ],
        },
        SearchDoc {
            url: "coaching/ride-alongs/".into(),
            title: "Ride-alongs".into(),
            kind: "coaching".into(),
            summary: "".into(),
            breadcrumb: "Coaching".into(),
            tags: strings(&["coaching"]),
            stages: vec![],
            roles: strings(&["manager"]),
            personas: vec![],
            keywords: vec![],
            sections: vec![section(
                None,
                None,
                "A manager joins a live call, observes, then debriefs within a day.",
            )],
        },
        SearchDoc {
            url: "playbooks/".into(),
            title: "Playbooks".into(),
            kind: "section".into(),
            summary: "Plays for every stage.".into(),
            breadcrumb: "".into(),
            ..SearchDoc::default()
        },
    ]
}

fn options() -> SearchOptions {
    SearchOptions {
        language: "en".into(),
        synonyms: vec![strings(&["ride-along", "joint call", "field coaching"])],
        default_synonyms: true,
    }
}

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/search-golden")
}

#[test]
fn golden_index() {
    let index = build(&fixture(), &options());
    let dir = golden_dir();
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let _ = std::fs::remove_dir_all(dir.join("search"));
        for file in &index.files {
            let path = dir.join(&file.path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, &file.bytes).unwrap();
        }
        std::fs::write(dir.join("ENTRY"), format!("{ENTRY}\n")).unwrap();
        return;
    }
    let expected_entry = std::fs::read_to_string(dir.join("ENTRY"))
        .expect("golden files missing: run with UPDATE_EXPECT=1");
    assert_eq!(
        ENTRY,
        expected_entry.trim(),
        "entry path changed (UPDATE_EXPECT=1 to accept)"
    );
    let mut expected: Vec<String> = std::fs::read_dir(dir.join("search"))
        .unwrap()
        .map(|e| format!("search/{}", e.unwrap().file_name().to_string_lossy()))
        .collect();
    expected.sort();
    let built: Vec<&str> = index.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        built, expected,
        "set of files changed (UPDATE_EXPECT=1 to accept)"
    );
    for file in &index.files {
        let want = std::fs::read(dir.join(&file.path)).unwrap();
        assert!(
            file.bytes == want,
            "{} differs from the golden copy (UPDATE_EXPECT=1 to accept):\n{}",
            file.path,
            String::from_utf8_lossy(&file.bytes)
        );
    }
}

#[test]
fn build_is_deterministic() {
    let a = build(&fixture(), &options());
    let b = build(&fixture(), &options());
    assert_eq!(a.files, b.files);
}

#[test]
fn files_are_hashed_scripts_under_search() {
    let index = build(&fixture(), &options());
    assert_eq!(ENTRY, "search/fieldbook-search.js");
    assert!(index.files.iter().any(|f| f.path == ENTRY));
    for file in &index.files {
        assert!(
            file.path.starts_with("search/") && file.path.ends_with(".js"),
            "{}",
            file.path
        );
        if file.path != ENTRY {
            let name = &file.path["search/".len()..file.path.len() - 3];
            let text = std::str::from_utf8(&file.bytes).unwrap();
            let head = format!("__fb_search_load(\"{name}\",");
            assert!(text.starts_with(&head), "{}", file.path);
            let payload = &text[head.len()..];
            assert!(payload.starts_with('{'), "{}", file.path);
            assert!(!text.contains('\u{2028}'));
        }
    }
}

#[test]
fn entry_holds_engine_manifest_and_ui() {
    // Format 2: the dialog ships in the entry (one request less for a first search), and the
    // shard boundaries are one space-separated string.
    let index = build(&fixture(), &options());
    let entry = index.files.iter().find(|f| f.path == ENTRY).unwrap();
    let text = std::str::from_utf8(&entry.bytes).unwrap();
    assert!(
        text.contains("(function(M,U){"),
        "engine takes the manifest and the UI"
    );
    assert!(text.contains("})({\"v\":2,"), "manifest format 2");
    assert!(
        text.contains(",\nfunction(E){var CSS=\""),
        "UI factory with its styles"
    );
    assert!(
        !text.contains("\"ui\":"),
        "no UI file named in the manifest"
    );
    assert!(text.contains("\"t\":\""), "boundaries are one string");
    assert!(index
        .files
        .iter()
        .all(|f| !f.path.starts_with("search/ui-")));
}

#[test]
fn fragments_only_for_stems_on_three_pages() {
    // The client takes a fragment only when it holds 3 of the results it needs, so a stem on
    // fewer pages gets none (the 4-page golden fixture has none at all).
    let page = |url: &str, title: &str| SearchDoc {
        url: url.into(),
        title: title.into(),
        kind: "page".into(),
        ..SearchDoc::default()
    };
    let docs = vec![
        page("a/", "Pricing objections"),
        page("b/", "Pricing pages"),
        page("c/", "Pricing approvals"),
        page("d/", "Renewal approvals"),
    ];
    let index = build(&docs, &options());
    let fragments: Vec<&str> = index
        .files
        .iter()
        .filter(|f| f.path.starts_with("search/f-"))
        .map(|f| std::str::from_utf8(&f.bytes).unwrap())
        .collect();
    assert_eq!(fragments.len(), 1, "{fragments:?}");
    let [a, b, c] = [0, 1, 2].map(|d| index_id(&docs, d));
    assert!(
        fragments[0].contains(&format!("\"e\":{{\"price\":[[{a},0],[{b},0],[{c},0]]")),
        "{}",
        fragments[0]
    );
    assert!(!fragments[0].contains("\"approv\""), "{}", fragments[0]);
}

/// A stem and its postings, decoded: `(stem, [(doc, score, sec)])`.
type Term = (String, Vec<(u32, u32, u32)>);

/// The stems of all shards with their postings.
fn shard_terms(index: &SearchIndex) -> Vec<Term> {
    let mut out = Vec::new();
    for file in index
        .files
        .iter()
        .filter(|f| f.path.starts_with("search/t"))
    {
        let text = std::str::from_utf8(&file.bytes).unwrap();
        let json = &text[text.find(',').unwrap() + 1..text.len() - 2];
        let value: serde_json::Value = serde_json::from_str(json).unwrap();
        for (k, p) in value["k"]
            .as_array()
            .unwrap()
            .iter()
            .zip(value["p"].as_array().unwrap())
        {
            let v = encode::decode_varints(p.as_str().unwrap());
            let mut doc = -1i64;
            let postings = v
                .chunks(3)
                .map(|c| {
                    doc += c[0] as i64 + 1;
                    (doc as u32, c[1], c[2])
                })
                .collect();
            out.push((k.as_str().unwrap().to_string(), postings));
        }
    }
    out
}

/// The index's number for input page `d` (the index numbers pages by `cluster_order`).
fn index_id(docs: &[SearchDoc], d: u32) -> u32 {
    super::cluster_order(docs)
        .iter()
        .position(|&x| x == d as usize)
        .unwrap() as u32
}

/// Input page numbers -> the index's, sorted (as postings are).
fn index_ids(docs: &[SearchDoc], ids: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = ids.iter().map(|&d| index_id(docs, d)).collect();
    out.sort_unstable();
    out
}

fn docs_of(terms: &[Term], stem: &str) -> Vec<u32> {
    terms
        .iter()
        .find(|(k, _)| k == stem)
        .map(|(_, p)| p.iter().map(|x| x.0).collect())
        .unwrap_or_default()
}

#[test]
fn synonyms_and_keywords_are_searchable() {
    let docs = fixture();
    let terms = shard_terms(&build(&docs, &options()));
    let ids = |list: &[u32]| index_ids(&docs, list);
    // "EB" on the cold-call page expands to "economic buyer"; MEDDPICC says it outright.
    assert_eq!(docs_of(&terms, "econom"), ids(&[0, 1]));
    // "mutual action plan" expands to MAP (an acronym, so only "MAP" in capitals would go back).
    assert_eq!(docs_of(&terms, "map"), ids(&[1]));
    // A site synonym group: "ride-along" finds "joint call" and back.
    assert_eq!(docs_of(&terms, "joint"), ids(&[2]));
    // Page keywords.
    assert_eq!(docs_of(&terms, "phone"), ids(&[0]));
    // Diacritics are folded.
    assert_eq!(docs_of(&terms, "cafe"), ids(&[0]));
}

#[test]
fn postings_point_at_sections() {
    let docs = fixture();
    let terms = shard_terms(&build(&docs, &options()));
    let (_, trigger) = terms.iter().find(|(k, _)| k == "trigger").unwrap();
    // "trigger" occurs in the intro and in "Steps"; both once, the intro comes first.
    assert_eq!(trigger[0].0, index_id(&docs, 0));
    assert_eq!(trigger[0].2, 1);
    let (_, cold) = terms.iter().find(|(k, _)| k == "cold").unwrap();
    // A title hit is page-level.
    assert_eq!(cold[0].2, 0);
}

#[test]
fn empty_site_still_builds() {
    let index = build(&[], &SearchOptions::default());
    assert!(index.files.iter().any(|f| f.path == ENTRY));
}
