//! The authoring workflow: `check` in every format with exact output, its exit codes and
//! lints, and the README's table of diagnostic codes.

use std::path::Path;

use crate::support::{self, SiteTest, SITE};

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
        for marker in ["Diagnostic::error(\"", "Diagnostic::warning(\""] {
            for piece in text.split(marker).skip(1) {
                codes.push(piece.split('"').next().unwrap().to_string());
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
