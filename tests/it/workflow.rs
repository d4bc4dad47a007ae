//! The authoring workflow: `check` in every format with exact output, its exit codes and
//! lints, the README's table of diagnostic codes, `init` and `new`.

use std::path::Path;

use crate::support::{self, SiteTest, SITE, TODAY};

/// One file with an error and three warnings, one clean file linked from it.
const PROBLEMS: &str = r#"//- site.toml
[site]
title = "Test"
//- content/a.md
---
title: A
sumary: x
---
See [C](c.md) and [B](b.md).
//- content/c.md
---
title: C
summary: Linked from A.
---
Fine.
"#;

#[test]
fn check_human_output() {
    let site = SiteTest::inline(PROBLEMS);
    site.run(&["check"])
        .expect_code(1)
        .expect_stdout("")
        .expect_stderr(
            r#"warning: no page links to `A`
 --> content/a.md:1:1
  |
1 | ---
  | ^
  = help: link to it from a related page or list it in `related:` so readers can find it

warning: page has no `summary`
 --> content/a.md:2:1
  |
2 | title: A
  | ^^^^^
  = help: add a one-sentence `summary:`; it is the search snippet and the card text

warning: unknown front matter key `sumary`
 --> content/a.md:3:1
  |
3 | sumary: x
  | ^^^^^^
  = help: did you mean `summary`?

error: broken link `b.md`
 --> content/a.md:5:23
  |
5 | See [C](c.md) and [B](b.md).
  |                       ^^^^
  = help: did you mean `a.md`?

checked: 3 warnings, 1 errors
"#,
        );
}

#[test]
fn check_json_output() {
    let site = SiteTest::inline(PROBLEMS);
    site.run(&["check", "--format", "json"])
        .expect_code(1)
        .expect_stderr("")
        .expect_stdout(
            r#"[
  {
    "code": "orphan-page",
    "column": 1,
    "end_column": 2,
    "end_line": 1,
    "file": "content/a.md",
    "hint": "link to it from a related page or list it in `related:` so readers can find it",
    "line": 1,
    "message": "no page links to `A`",
    "severity": "warning"
  },
  {
    "code": "missing-summary",
    "column": 1,
    "end_column": 6,
    "end_line": 2,
    "file": "content/a.md",
    "hint": "add a one-sentence `summary:`; it is the search snippet and the card text",
    "line": 2,
    "message": "page has no `summary`",
    "severity": "warning"
  },
  {
    "code": "unknown-key",
    "column": 1,
    "end_column": 7,
    "end_line": 3,
    "file": "content/a.md",
    "hint": "did you mean `summary`?",
    "line": 3,
    "message": "unknown front matter key `sumary`",
    "severity": "warning"
  },
  {
    "code": "broken-link",
    "column": 23,
    "end_column": 27,
    "end_line": 5,
    "file": "content/a.md",
    "hint": "did you mean `a.md`?",
    "line": 5,
    "message": "broken link `b.md`",
    "severity": "error"
  }
]
"#,
        );
}

#[test]
fn check_github_output() {
    let site = SiteTest::inline(PROBLEMS);
    site.run(&["check", "--format", "github"]).expect_code(1).expect_stderr("").expect_stdout(concat!(
        "::warning file=content/a.md,line=1,col=1,endColumn=2,title=orphan-page::no page links to `A`%0Ahelp: link to it from a related page or list it in `related:` so readers can find it\n",
        "::warning file=content/a.md,line=2,col=1,endColumn=6,title=missing-summary::page has no `summary`%0Ahelp: add a one-sentence `summary:`; it is the search snippet and the card text\n",
        "::warning file=content/a.md,line=3,col=1,endColumn=7,title=unknown-key::unknown front matter key `sumary`%0Ahelp: did you mean `summary`?\n",
        "::error file=content/a.md,line=5,col=23,endColumn=27,title=broken-link::broken link `b.md`%0Ahelp: did you mean `a.md`?\n",
    ));
}

#[test]
fn check_clean_site_in_every_format() {
    let site = SiteTest::inline(&format!("{SITE}//- content/_index.md\n# Home\n\n[A](a.md)\n//- content/a.md\n---\ntitle: A\nsummary: S.\n---\nText.\n"));
    site.run(&["check", "--deny-warnings"])
        .expect_code(0)
        .expect_stdout("")
        .expect_stderr("checked: 0 warnings, 0 errors\n");
    site.run(&["check", "--format", "json", "--deny-warnings"])
        .expect_code(0)
        .expect_stdout("[]\n");
    site.run(&["check", "--format", "github", "--deny-warnings"])
        .expect_code(0)
        .expect_stdout("");
}

#[test]
fn check_exit_codes_and_deny_warnings() {
    // Warnings only: success unless --deny-warnings.
    let warnings = SiteTest::inline(&format!("{SITE}//- content/_index.md\n[A](a.md)\n//- content/a.md\n---\ntitle: A\nsummary: S.\ncolour: red\n---\n"));
    warnings.run(&["check"]).expect_code(0);
    warnings.run(&["check", "--format", "json"]).expect_code(0);
    warnings.run(&["check", "--deny-warnings"]).expect_code(1);
    warnings
        .run(&["check", "--format", "github", "--deny-warnings"])
        .expect_code(1);
    // Errors fail either way; usage errors are 2.
    let errors = SiteTest::inline(PROBLEMS);
    errors.run(&["check"]).expect_code(1);
    errors.run(&["check", "--format", "yaml"]).expect_code(2);
}

#[test]
fn check_reports_the_lints_a_build_only_warns_about() {
    let site = SiteTest::inline(
        r#"//- site.toml
teams = [{ id = "enablement", name = "Enablement" }]
[site]
title = "Test"
[lint.headings]
playbook = ["Steps", "Talk track"]
//- content/_index.md
[Old](old.md), [Play](play.md)
//- content/old.md
---
title: Old
summary: Past its date.
owner: enablement
reviewed: 2025-01-01
expires: 2026-01-01
---
//- content/play.md
---
kind: playbook
title: Play
summary: A play.
owner: enablement
reviewed: 2026-01-01
trigger: T
goal: G
---
## Steps
"#,
    );
    let run = site.run(&["check", "--format", "json"]).expect_code(0);
    let items: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let found: Vec<(String, String)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["code"].as_str().unwrap().into(),
                i["file"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected = [
        ("expired", "content/old.md"),
        ("overdue", "content/play.md"),
        ("missing-heading", "content/play.md"),
    ];
    assert_eq!(found, expected.map(|(c, f)| (c.to_string(), f.to_string())));
}

#[test]
fn every_diagnostic_code_is_documented_in_the_readme() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let mut codes = Vec::new();
    for path in support::walk(&root.join("src")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        // rustfmt may break the call after its parenthesis.
        for marker in ["Diagnostic::error(", "Diagnostic::warning("] {
            for piece in text.split(marker).skip(1) {
                if let Some(rest) = piece.trim_start().strip_prefix('"') {
                    codes.push(rest.split('"').next().unwrap().to_string());
                }
            }
        }
    }
    codes.sort();
    codes.dedup();
    assert!(codes.len() > 30, "{codes:?}");
    let missing: Vec<&String> = codes
        .iter()
        .filter(|c| !readme.contains(&format!("| `{c}` |")))
        .collect();
    assert!(
        missing.is_empty(),
        "codes missing from the README's table: {missing:?}"
    );
}

#[test]
fn init_builds_with_zero_warnings_on_the_real_clock() {
    let site = SiteTest::inline("");
    site.run_unpinned(&["init", "hb"]).expect_code(0).expect_stderr(
        "created a new handbook in hb: 11 files\nnext: edit site.toml, then `fieldbook --root hb build` and open public/index.html\n",
    );
    for file in [
        "site.toml",
        "README.md",
        "content/playbooks/discovery-call.md",
        "content/frameworks/bant.md",
        "content/coaching/call-review.md",
        "content/how-we-sell.md",
    ] {
        assert!(site.path().join("hb").join(file).is_file(), "{file}");
    }
    let build = site.run_unpinned(&["--root", "hb", "build"]).expect_code(0);
    assert!(
        build
            .stderr()
            .starts_with("built hb/public: 4 pages, 4 sections, 0 warnings, 0 errors in "),
        "{}",
        build.stderr()
    );
    site.run_unpinned(&["--root", "hb", "check", "--deny-warnings"])
        .expect_code(0)
        .expect_stderr("checked: 0 warnings, 0 errors\n");
    let playbook = site.read("hb/public/playbooks/discovery-call/index.html");
    assert!(playbook.contains("Run a discovery call"));
}

#[test]
fn init_into_the_current_folder() {
    let site = SiteTest::inline("//- notes.txt\nkept\n");
    site.run(&["init"]).expect_code(0);
    assert_eq!(site.read("notes.txt"), "kept\n");
    assert!(site
        .read("content/how-we-sell.md")
        .contains(&format!("reviewed: {TODAY}\n")));
    site.run(&["build"])
        .expect_code(0)
        .expect_stderr_contains(" 0 warnings, 0 errors");
}

#[test]
fn init_refuses_to_overwrite_and_writes_nothing() {
    let site = SiteTest::inline("//- hb/site.toml\n# mine\n//- hb/content/how-we-sell.md\nmine\n");
    site.run(&["init", "hb"])
        .expect_code(2)
        .expect_stderr("error: refusing to overwrite `site.toml`, `content/how-we-sell.md` in `hb`; nothing was written\n");
    assert_eq!(site.read("hb/site.toml"), "# mine\n");
    let files: Vec<String> = support::walk(&site.path().join("hb"))
        .iter()
        .map(|p| p.strip_prefix(site.path()).unwrap().display().to_string())
        .collect();
    assert_eq!(files, ["hb/content/how-we-sell.md", "hb/site.toml"]);
}

/// An `init`ed handbook to run `new` in.
fn handbook() -> SiteTest {
    let site = SiteTest::inline("");
    site.run(&["init"]).expect_code(0);
    site
}

#[test]
fn new_of_each_kind_then_check_is_clean() {
    let site = handbook();
    let cases = [
        (
            "playbook",
            "Handle a pricing objection",
            "content/playbooks/handle-a-pricing-objection.md",
            "content/playbooks/_index.md",
        ),
        (
            "framework",
            "MEDDPICC",
            "content/frameworks/meddpicc.md",
            "content/frameworks/_index.md",
        ),
        (
            "coaching",
            "Coach the first call",
            "content/coaching/coach-the-first-call.md",
            "content/coaching/_index.md",
        ),
        (
            "page",
            "Our ideal customer: who buys & why",
            "content/our-ideal-customer-who-buys-why.md",
            "content/_index.md",
        ),
    ];
    for (kind, title, file, index) in cases {
        site.run(&["new", kind, title]).expect_code(0).expect_stderr(&format!(
            "created {file}\nlisted it in {index}\nnext: fill in the fields marked in its front matter, then run `fieldbook check`\n"
        ));
        assert!(
            site.read(index).ends_with(&format!(
                "]({}.md)\n",
                file.rsplit('/').next().unwrap().trim_end_matches(".md")
            )),
            "{index}"
        );
        site.run(&["check", "--deny-warnings"])
            .expect_code(0)
            .expect_stderr("checked: 0 warnings, 0 errors\n");
    }
    // And the site builds with the new pages, headings included.
    site.run(&["build"])
        .expect_code(0)
        .expect_stderr_contains(" 0 warnings, 0 errors");
    let play = site.read("public/playbooks/handle-a-pricing-objection/index.html");
    for heading in ["Steps", "Talk track", "Objections"] {
        assert!(
            play.contains(&format!(">{heading}<a class=\"heading-anchor\"")),
            "{heading}"
        );
    }
    assert!(
        !play.contains("Numbered actions"),
        "hints are HTML comments, not shown"
    );
}

#[test]
fn new_playbook_file() {
    let site = handbook();
    site.run(&["new", "playbook", "Win back a \"lost\" deal"])
        .expect_code(0);
    support::check_snapshot(
        "new/playbook.md",
        &site.read("content/playbooks/win-back-a-lost-deal.md"),
    );
}

#[test]
fn new_framework_and_coaching_files() {
    let site = handbook();
    site.run(&["new", "framework", "Pain chain"]).expect_code(0);
    support::check_snapshot(
        "new/framework.md",
        &site.read("content/frameworks/pain-chain.md"),
    );
    site.run(&["new", "coaching", "Deal reviews"])
        .expect_code(0);
    support::check_snapshot(
        "new/coaching.md",
        &site.read("content/coaching/deal-reviews.md"),
    );
}

#[test]
fn new_uses_lint_headings_and_section() {
    let site = SiteTest::inline(
        "//- site.toml\nteams = [{ id = \"revops\", name = \"RevOps\" }]\n[site]\ntitle = \"T\"\n[lint.headings]\npage = [\"Why\", \"How\"]\n//- content/managers/_index.md\n---\ntitle: Managers\n---\n\nIntro text.\n",
    );
    site.run(&["new", "page", "Forecast calls", "--section", "managers/"])
        .expect_code(0);
    let text = site.read("content/managers/forecast-calls.md");
    assert!(
        text.contains("\nowner: revops\n")
            && text.contains("\n## Why\n")
            && text.contains("\n## How\n"),
        "{text}"
    );
    assert_eq!(
        site.read("content/managers/_index.md"),
        "---\ntitle: Managers\n---\n\nIntro text.\n\n- [Forecast calls](forecast-calls.md)\n"
    );
    site.run(&["check", "--deny-warnings"]).expect_code(0);
}

#[test]
fn new_without_an_index_page_says_nothing_links_to_it() {
    let site = SiteTest::inline(
        "//- site.toml\nteams = [{ id = \"revops\", name = \"RevOps\" }]\n[site]\ntitle = \"T\"\n",
    );
    site.run(&["new", "page", "Glossary", "--section", "reference"])
        .expect_code(0)
        .expect_stderr(concat!(
            "created content/reference/glossary.md\n",
            "note: no page links to it yet; link to it from a related page so readers find it\n",
            "next: fill in the fields marked in its front matter, then run `fieldbook check`\n",
        ));
    site.run(&["check"]).expect_code(0);
}

#[test]
fn new_refuses_to_overwrite() {
    let site = handbook();
    site.run(&["new", "playbook", "Cold call"]).expect_code(0);
    site.write("content/playbooks/cold-call.md", "mine\n");
    let index = site.read("content/playbooks/_index.md");
    site.run(&["new", "playbook", "Cold call"])
        .expect_code(2)
        .expect_stderr("error: refusing to overwrite `content/playbooks/cold-call.md` in `.`; nothing was written\n");
    assert_eq!(site.read("content/playbooks/cold-call.md"), "mine\n");
    assert_eq!(
        site.read("content/playbooks/_index.md"),
        index,
        "listed once only"
    );
}

#[test]
fn new_usage_errors() {
    let site = handbook();
    site.run(&["new", "playbok", "X"])
        .expect_code(2)
        .expect_stderr("error: unknown kind `playbok`; did you mean `playbook`? (kinds are playbook, framework, coaching, page)\n");
    site.run(&["new", "page", "X", "--section", "stages"])
        .expect_code(2)
        .expect_stderr("error: `stages/` is reserved for stage pages; choose another section\n");
    site.run(&["new", "page", "X", "--section", "../outside"])
        .expect_code(2)
        .expect_stderr_contains("must be a folder below the content folder");
    site.run(&["new", "page", "???"])
        .expect_code(2)
        .expect_stderr_contains("cannot make a file name from the title");
    SiteTest::inline("")
        .run(&["new", "page", "X"])
        .expect_code(2)
        .expect_stderr_contains("is this a fieldbook site?");
}
