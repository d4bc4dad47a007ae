//! The command line: help, version, exit codes, and `check` output formats.

use crate::support::{SiteTest, SITE};

#[test]
fn version_and_help() {
    let site = SiteTest::inline(SITE);
    let run = site.run(&["--version"]).expect_code(0);
    assert!(run.stdout().starts_with("fieldbook "));
    for cmd in ["build", "serve", "check", "init", "new"] {
        let run = site.run(&[cmd, "--help"]).expect_code(0);
        assert!(run.stdout().contains("Usage:"), "{cmd}");
    }
}

#[test]
fn usage_error_is_exit_2() {
    let site = SiteTest::inline(SITE);
    site.run(&["frobnicate"]).expect_code(2);
    site.run(&["build", "--no-such-flag"]).expect_code(2);
}

#[test]
fn missing_site_toml_is_exit_2_with_hint() {
    let site = SiteTest::inline("//- content/a.md\n# A\n");
    site.run(&["build"])
        .expect_code(2)
        .expect_stderr_contains("is this a fieldbook site?");
}

#[test]
fn summary_line() {
    let site = SiteTest::inline(&format!(
        "{SITE}//- content/a.md\n# A\n//- content/s/b.md\n# B\n"
    ));
    let run = site.run(&["build"]).expect_code(0);
    assert_eq!(
        run.stderr(),
        "built ./public: 2 pages, 2 sections, 0 warnings, 0 errors in [TIME]s\n"
    );
}

#[test]
fn quiet_prints_nothing_on_success() {
    let site = SiteTest::inline(&format!("{SITE}//- content/a.md\n# A\n"));
    assert_eq!(site.run(&["--quiet", "build"]).expect_code(0).stderr(), "");
}

#[test]
fn verbose_prints_stage_timings() {
    let site = SiteTest::inline(&format!("{SITE}//- content/a.md\n# A\n"));
    let stderr = site.run(&["--verbose", "build"]).expect_code(0).stderr();
    for stage in ["load", "markdown", "render", "swap"] {
        assert!(stderr.contains(stage), "{stderr}");
    }
}

const WITH_PROBLEMS: &str = "//- content/a.md\n---\ntitle: A\nsumary: x\n---\n[b](b.md)\n";

#[test]
fn check_json() {
    let site = SiteTest::inline(&format!("{SITE}{WITH_PROBLEMS}"));
    let run = site.run(&["check", "--format", "json"]).expect_code(1);
    let items: serde_json::Value = serde_json::from_str(&run.stdout()).unwrap();
    let codes: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"broken-link") && codes.contains(&"unknown-key"),
        "{codes:?}"
    );
    let link = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == "broken-link")
        .unwrap();
    assert_eq!(link["file"], "content/a.md");
    assert_eq!(link["line"], 5);
    assert_eq!(link["column"], 5);
    assert_eq!(link["severity"], "error");
}

#[test]
fn check_github() {
    let site = SiteTest::inline(&format!("{SITE}{WITH_PROBLEMS}"));
    let run = site.run(&["check", "--format", "github"]).expect_code(1);
    let stdout = run.stdout();
    assert!(stdout.contains("::error file=content/a.md,line=5,col=5,endColumn=9,title=broken-link::broken link `b.md`"), "{stdout}");
    assert!(
        stdout.contains("::warning file=content/a.md,line=3,col=1"),
        "{stdout}"
    );
}

#[test]
fn check_deny_warnings() {
    let site = SiteTest::inline(&format!(
        "{SITE}//- content/a.md\n---\ntitle: A\nsumary: x\n---\n"
    ));
    site.run(&["check"]).expect_code(0);
    site.run(&["check", "--deny-warnings"]).expect_code(1);
}

#[test]
fn check_writes_nothing() {
    let site = SiteTest::inline(&format!("{SITE}//- content/a.md\n# A\n"));
    site.run(&["check"]).expect_code(0);
    assert!(!site.path().join("public").exists());
}
