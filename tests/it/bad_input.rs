//! The catalogue of author mistakes: each case asserts the exact diagnostics (a snapshot
//! under tests/snapshots/invalid/) and the exit code. Never a panic, always a position.

use crate::support::SiteTest;

/// A site.toml with ids to refer to, and a framework page.
const SALES: &str = r#"//- site.toml
teams = [{ id = "enablement", name = "Enablement" }]
roles = [{ id = "ae", name = "Account Executive" }, { id = "manager", name = "Manager" }]
personas = [{ id = "cfo", name = "CFO" }]
[site]
title = "Test"
default_framework = "meddpicc"
[[stages]]
id = "discover"
name = "Discover"
order = 1
checks = ["metrics"]
//- content/frameworks/meddpicc.md
---
kind: framework
title: MEDDPICC
acronym: MEDDPICC
summary: Qualify.
owner: enablement
reviewed: 2026-10-01
criteria:
  - {id: metrics, name: Metrics, letter: M}
  - {id: champion, name: Champion, letter: C}
---
Body.
"#;

fn run_case(name: &str, spec: &str, code: i32) {
    let site = SiteTest::inline(spec);
    site.run(&["build"])
        .expect_code(code)
        .expect_stderr_snapshot(&format!("invalid/{name}"));
}

macro_rules! cases {
    ($($name:ident: $code:expr, $spec:expr;)*) => {
        $(
            #[test]
            fn $name() {
                run_case(stringify!($name), &$spec, $code);
            }
        )*
    };
}

fn sales(extra: &str) -> String {
    format!("{SALES}{extra}")
}

cases! {
    yaml_unclosed_quote: 1, sales("//- content/a.md\n---\ntitle: \"Open quote\nsummary: x\n---\nBody\n");
    yaml_colon_in_value: 1, sales("//- content/a.md\n---\ntitle: Objections: price\n---\nBody\n");
    yaml_bad_indentation: 1, sales("//- content/a.md\n---\ntitle: A\ntags:\n  - one\n - two\n---\nBody\n");
    yaml_tab_indent: 1, sales("//- content/a.md\n---\ntitle: A\n\tsummary: x\n---\nBody\n");
    yaml_duplicate_key: 1, sales("//- content/a.md\n---\ntitle: A\ntitle: B\n---\nBody\n");
    yaml_not_a_mapping: 1, sales("//- content/a.md\n---\n- just\n- a list\n---\nBody\n");
    front_matter_unclosed: 1, sales("//- content/a.md\n---\ntitle: A\n\nBody without a closing fence\n");
    wrong_type_order: 1, sales("//- content/a.md\n---\ntitle: A\norder: first\n---\nBody\n");
    wrong_type_criteria_item: 1, sales("//- content/frameworks/x.md\n---\nkind: framework\ntitle: X\nacronym: X\nsummary: s\nowner: enablement\nreviewed: 2026-10-01\ncriteria:\n  - {id: a, name: A, questions: {q: 1}}\n---\n");
    unknown_key_warns: 0, sales("//- content/a.md\n---\ntitle: A\nsumary: typo\n---\nBody\n");
    unknown_kind: 1, sales("//- content/a.md\n---\ntitle: A\nkind: playbok\n---\nBody\n");
    unknown_stage: 1, sales("//- content/a.md\n---\ntitle: A\nstages: [discover, evaluat]\n---\nBody\n");
    unknown_role_and_persona: 1, sales("//- content/a.md\n---\ntitle: A\nroles: [ae, sdr]\npersonas: [cfoo]\n---\nBody\n");
    unknown_owner: 1, sales("//- content/a.md\n---\ntitle: A\nowner: enablment\n---\nBody\n");
    unknown_criterion: 1, sales("//- content/p.md\n---\nkind: playbook\ntitle: P\nsummary: s\nowner: enablement\nreviewed: 2026-11-01\ntrigger: t\ngoal: g\ncriteria: [meddpicc/champoin, bant/need]\n---\n");
    missing_playbook_fields: 1, sales("//- content/p.md\n---\nkind: playbook\ntitle: P\n---\nBody\n");
    missing_title: 1, sales("//- content/a.md\n---\nsummary: no title and no heading\n---\nBody\n");
    coaching_rubric_one_level: 1, sales("//- content/c.md\n---\nkind: coaching\ntitle: C\nsummary: s\nowner: enablement\nreviewed: 2026-11-01\nskill: Planning\nroles: [ae]\nbehaviours: [b]\nrubric:\n  - {level: 1, label: Only, looks_like: x}\ncoaching_questions: [q]\n---\n");
    invalid_date: 1, sales("//- content/a.md\n---\ntitle: A\nreviewed: 2026-02-30\n---\nBody\n");
    invalid_slug: 1, sales("//- content/a.md\n---\ntitle: A\nslug: ../../etc\n---\nBody\n");
    duplicate_url: 1, sales("//- content/a.md\n# A\n//- content/b.md\n---\ntitle: B\nslug: a\n---\n");
    duplicate_section_index: 1, sales("//- content/x/index.md\n# X\n//- content/x/README.md\n# X again\n");
    reserved_folder: 1, sales("//- content/stages/mine.md\n# Mine\n");
    broken_link: 1, sales("//- content/a.md\n# A\n\nSee [the plan](plan.md) and [MEDDPICC](frameworks/meddpic.md).\n");
    broken_anchor: 1, sales("//- content/a.md\n# A\n\n## Steps\n\nSee [steps](#step) and [champion](frameworks/meddpicc.md#champoin).\n");
    related_missing: 1, sales("//- content/a.md\n---\ntitle: A\nrelated: [playbooks/nope]\n---\n");
    overdue_warns: 0, sales("//- content/p.md\n---\nkind: playbook\ntitle: P\nsummary: s\nowner: enablement\nreviewed: 2025-01-01\ntrigger: t\ngoal: g\n---\n");
    expired_warns: 0, sales("//- content/a.md\n---\ntitle: A\nexpires: 2026-01-31\n---\n");
    config_unknown_key: 1, "//- site.toml\n[site]\ntitle = \"T\"\nbase_ur = \"x\"\n//- content/a.md\n# A\n".to_string();
    config_missing_title: 1, "//- site.toml\n[site]\ndescription = \"x\"\n//- content/a.md\n# A\n".to_string();
    config_bad_toml: 1, "//- site.toml\n[site\ntitle = \"T\"\n//- content/a.md\n# A\n".to_string();
    config_bad_duration: 1, "//- site.toml\n[site]\ntitle = \"T\"\n[review]\nevery = \"quarterly\"\n//- content/a.md\n# A\n".to_string();
    template_syntax_error: 1, sales("//- templates/page.html\n<main>\n{% if page.title %}\n</main>\n//- content/a.md\n# A\n");
    template_render_error: 1, sales("//- templates/tag.html\n<main>{{ tag.no_such_field.deeper }}</main>\n//- content/a.md\n---\ntitle: A\ntags: [pricing]\n---\n");
    template_override_missing_blocks: 1, sales("//- templates/page.html\n<main>{{ page.title }}</main>\n//- content/a.md\n# A\n");
    empty_file_is_fine: 0, sales("//- content/empty.md\n");
    bom_and_crlf: 0, sales("//- content/a.md\n\u{feff}---\r\ntitle: A\r\nstages: [discover]\r\n---\r\nBody\r\n");
    crlf_error_position: 1, sales("//- content/a.md\n---\r\ntitle: A\r\nstages: [nope]\r\n---\r\n");
}

#[test]
fn invalid_utf8() {
    let site = SiteTest::inline(SALES);
    site.write_bytes("content/bad.md", b"# Title\n\nCaf\xe9 au lait\n");
    site.run(&["build"])
        .expect_code(1)
        .expect_stderr_snapshot("invalid/invalid_utf8");
}

#[test]
fn every_error_is_reported_not_only_the_first() {
    let site = SiteTest::inline(&sales("//- content/a.md\n---\ntitle: A\nstages: [x]\n---\n[b](b.md)\n//- content/c.md\n---\ntitle: C\nowner: nobody\n---\n"));
    let stderr = site.run(&["check"]).expect_code(1).stderr();
    assert_eq!(stderr.matches("error:").count(), 3, "{stderr}");
}

#[test]
fn five_megabyte_page_builds() {
    let site = SiteTest::inline(SALES);
    let paragraph = "Discovery is where we learn what the problem costs the buyer. ".repeat(20);
    let mut body = String::from("# Big\n\n");
    while body.len() < 5 * 1024 * 1024 {
        body.push_str(&paragraph);
        body.push_str("\n\n");
    }
    site.write("content/big.md", &body);
    site.run(&["build"]).expect_code(0);
    assert!(site.read("public/big/index.html").len() > 5 * 1024 * 1024);
}

#[test]
fn deeply_nested_lists_build() {
    let site = SiteTest::inline(SALES);
    let mut body = String::from("# Deep\n\n");
    for depth in 0..2000 {
        body.push_str(&"  ".repeat(depth));
        body.push_str("- item\n");
    }
    site.write("content/deep.md", &body);
    site.run(&["build"]).expect_code(0);
}

#[test]
fn deeply_nested_block_quotes_build() {
    let site = SiteTest::inline(SALES);
    site.write(
        "content/quotes.md",
        &format!("# Q\n\n{} deep\n", ">".repeat(5000)),
    );
    site.run(&["build"]).expect_code(0);
}
