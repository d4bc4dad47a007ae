//! Golden fixture sites, determinism, atomicity, and real-world corpora.

use std::path::Path;

use crate::support::{self, main_of, tree_bytes, SiteTest};

/// Builds `tests/fixtures/<name>` and compares the `<main>` of each page listed in its
/// `expected/` folder (XML files whole). `UPDATE_EXPECT=1` rewrites them, adding every
/// content page (generated pages only when already listed).
fn golden(name: &str) {
    let site = SiteTest::fixture(name);
    site.run(&["build"]).expect_code(0);
    let expected_dir = support::fixtures().join(name).join("expected");
    let out = site.path().join("public");
    let generated = [
        "stages/",
        "process/",
        "health/",
        "print/",
        "owners/",
        "roles/",
        "personas/",
        "tags/",
        "search/",
        "static/",
    ];
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut compared = 0;
    for (rel, bytes) in tree_bytes(&out) {
        let listed = expected_dir.join(&rel).exists();
        let is_page = rel.ends_with(".html")
            && !generated.iter().any(|g| rel.starts_with(g))
            && rel != "404.html";
        if !(listed || (update && is_page)) {
            continue;
        }
        let text = String::from_utf8(bytes).unwrap();
        let actual = if rel.ends_with(".html") {
            main_of(&text) + "\n"
        } else {
            text
        };
        let path = expected_dir.join(&rel);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &actual).unwrap();
        } else {
            let expected = std::fs::read_to_string(&path).unwrap();
            assert_eq!(
                expected, actual,
                "{name}: {rel} differs (UPDATE_EXPECT=1 to accept)"
            );
        }
        compared += 1;
    }
    // Every expected file must still be produced.
    for path in support::walk(&expected_dir) {
        let rel = path.strip_prefix(&expected_dir).unwrap();
        assert!(
            out.join(rel).exists(),
            "{name}: expected {} is no longer produced",
            rel.display()
        );
    }
    assert!(compared > 0, "{name}: nothing compared");
}

#[test]
fn golden_links() {
    golden("links");
}

#[test]
fn golden_markdown() {
    golden("markdown");
}

#[test]
fn golden_sections() {
    golden("sections");
}

#[test]
fn golden_legacy() {
    golden("legacy");
}

#[test]
fn golden_kinds() {
    golden("kinds");
}

#[test]
fn build_is_deterministic() {
    let site = SiteTest::fixture("kinds");
    site.run(&["build", "--output", "one"]).expect_code(0);
    site.run(&["build", "--output", "two"]).expect_code(0);
    let one = tree_bytes(&site.path().join("one"));
    let two = tree_bytes(&site.path().join("two"));
    assert_eq!(one.len(), two.len());
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a.0, b.0);
        assert!(a.1 == b.1, "{} differs between two builds", a.0);
    }
}

#[test]
fn build_is_deterministic_across_thread_counts() {
    let site = SiteTest::fixture("kinds");
    let bin = env!("CARGO_BIN_EXE_fieldbook");
    for (threads, out) in [("1", "one"), ("4", "four")] {
        let status = std::process::Command::new(bin)
            .args(["build", "--output", out])
            .current_dir(site.path())
            .env("FIELDBOOK_TODAY", support::TODAY)
            .env("RAYON_NUM_THREADS", threads)
            .status()
            .unwrap();
        assert!(status.success());
    }
    assert!(tree_bytes(&site.path().join("one")) == tree_bytes(&site.path().join("four")));
}

#[test]
fn failed_build_leaves_previous_output_byte_identical() {
    let site = SiteTest::fixture("kinds");
    site.run(&["build"]).expect_code(0);
    let before = tree_bytes(&site.path().join("public"));
    site.write("content/broken.md", "---\ntitle: [unclosed\n---\n");
    site.run(&["build"])
        .expect_code(1)
        .expect_stderr_contains("previous output left untouched");
    let after = tree_bytes(&site.path().join("public"));
    assert!(before == after, "output changed after a failed build");
    // A successful build after the failed one still produces the same site.
    std::fs::remove_file(site.path().join("content/broken.md")).unwrap();
    site.run(&["build"]).expect_code(0);
    assert!(
        before == tree_bytes(&site.path().join("public")),
        "rebuild after a failure differs"
    );
}

#[test]
fn rebuild_replaces_output_and_drops_deleted_pages() {
    let site = SiteTest::fixture("kinds");
    site.write("content/extra.md", "# Extra\n");
    site.run(&["build"]).expect_code(0);
    assert!(site.path().join("public/extra/index.html").exists());
    std::fs::remove_file(site.path().join("content/extra.md")).unwrap();
    site.run(&["build"]).expect_code(0);
    assert!(!site.path().join("public/extra/index.html").exists());
}

#[test]
fn output_makes_no_request_to_other_hosts() {
    let site = SiteTest::fixture("kinds");
    site.run(&["build"]).expect_code(0);
    for (rel, bytes) in tree_bytes(&site.path().join("public")) {
        if !(rel.ends_with(".html") || rel.ends_with(".css") || rel.ends_with(".js")) {
            continue;
        }
        let text = String::from_utf8_lossy(&bytes);
        for attr in ["src=\"http", "href=\"//", "src=\"//", "url(http", "@import"] {
            assert!(
                !text.contains(attr),
                "{rel} loads from another host ({attr})"
            );
        }
        for line in text.lines().filter(|l| l.contains("<link")) {
            assert!(!line.contains("href=\"http"), "{rel}: {line}");
        }
    }
}

#[test]
fn bundled_handbook_builds_with_zero_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_fieldbook"))
        .args([
            "--root",
            root.to_str().unwrap(),
            "build",
            "--output",
            out.path().to_str().unwrap(),
        ])
        .env("FIELDBOOK_TODAY", support::TODAY)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(" 0 warnings, 0 errors"), "{stderr}");
}

#[test]
fn sourcegraph_handbook_builds_as_legacy_import() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/corpora/sourcegraph-handbook/content");
    if !corpus.is_dir() {
        eprintln!("skipped: {} not present", corpus.display());
        return;
    }
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"Sourcegraph\"\n");
    std::os::unix::fs::symlink(&corpus, site.path().join("content")).unwrap();
    // Strict by default: the corpus has links that are really broken.
    let strict = site.run(&["build"]).expect_code(1);
    let stderr = strict.stderr();
    assert!(
        stderr.contains("error: broken anchor `#Birthday-gift-budget`"),
        "{}",
        &stderr[..2000.min(stderr.len())]
    );
    assert!(stderr.contains("--> content/benefits-pay-perks/benefits-perks/celebrate.md:109:103"));
    // With the legacy-import setting the same corpus builds, one page per Markdown file.
    site.write(
        "site.toml",
        "[site]\ntitle = \"Sourcegraph\"\n[links]\nbroken = \"warning\"\n",
    );
    site.run(&["build"]).expect_code(0);
    let md_files = support::walk(&corpus)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .count();
    let out = site.path().join("public");
    let pages = support::walk(&out)
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n == "index.html"))
        .count();
    assert!(
        pages >= md_files,
        "{pages} pages for {md_files} Markdown files"
    );
    let index = std::fs::read_to_string(out.join("handbook/index.html")).unwrap();
    assert!(index.contains("<h1"), "section page has a title");
    let callout = support::walk(&out)
        .into_iter()
        .any(|p| std::fs::read_to_string(&p).is_ok_and(|t| t.contains("markdown-alert-warning")));
    assert!(callout, "GitHub alerts rendered");
}

#[test]
fn site_can_pick_another_theme() {
    let site = SiteTest::inline(
        "//- site.toml\n[site]\ntitle = \"T\"\ntheme = \"mini\"\n//- themes/mini/templates/page.html\n<main>mini {{ page.title }}</main>\n//- themes/mini/templates/section.html\n<main>section {{ page.title }}</main>\n//- themes/mini/static/mini.css\nbody{}\n//- content/a.md\n# Alpha\n",
    );
    site.run(&["build"]).expect_code(0);
    assert_eq!(
        site.read("public/a/index.html").trim_end(),
        "<main>mini Alpha</main>"
    );
    assert!(site.path().join("public/static/mini.css").exists());
}

#[test]
fn site_templates_override_the_theme() {
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\n//- templates/tag.html\n<main>my tag {{ tag.name }}</main>\n//- content/a.md\n---\ntitle: A\ntags: [Pricing]\n---\n");
    site.run(&["build"]).expect_code(0);
    assert_eq!(
        site.read("public/tags/pricing/index.html").trim_end(),
        "<main>my tag Pricing</main>"
    );
}

#[test]
fn side_navigation_lists_the_section_and_marks_the_current_page() {
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\n//- content/plays/_index.md\n---\ntitle: Plays\n---\n//- content/plays/a.md\n# Alpha\n//- content/plays/b.md\n# Beta\n//- content/plays/c.md\n# Gamma\n");
    site.run(&["build"]).expect_code(0);
    let side = |path: &str| {
        let html = site.read(path);
        let start = html
            .find("<nav class=\"fb-sidenav\"")
            .expect("side navigation");
        let end = start + html[start..].find("</nav>").unwrap();
        html[start..end].to_string()
    };
    let b = side("public/plays/b/index.html");
    assert_eq!(b.matches("<li class=\"fb-side-page\">").count(), 3, "{b}");
    assert_eq!(b.matches("aria-current=\"page\"").count(), 1, "{b}");
    assert!(
        b.contains("<a href=\"../../plays/b/\" aria-current=\"page\">Beta</a>"),
        "{b}"
    );
    assert!(b.contains("<a href=\"../../plays/a/\">Alpha</a>"), "{b}");
    assert!(
        b.contains("<a href=\"../../plays/\">Plays</a>"),
        "the heading links the section: {b}"
    );
    // The section's own page: its children, linked from one folder up; the heading is itself.
    let section = side("public/plays/index.html");
    assert!(
        section.contains("<a href=\"../plays/c/\">Gamma</a>"),
        "{section}"
    );
    assert!(
        section.contains("<a href=\"../plays/\" aria-current=\"page\">Plays</a>"),
        "{section}"
    );
    assert_eq!(section.matches("aria-current").count(), 1, "{section}");
}

#[test]
fn side_navigation_entries_come_from_their_template_or_the_theme_lists_siblings_itself() {
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\n//- templates/partials/sidenav_item.html\n<li class=\"mine\">{{ s.title }}{% if current %} (here){% endif %}</li>\n//- content/plays/_index.md\n---\ntitle: Plays\n---\n//- content/plays/a.md\n# Alpha\n//- content/plays/b.md\n# Beta\n");
    site.run(&["build"]).expect_code(0);
    let html = site.read("public/plays/b/index.html");
    assert!(html.contains("<li class=\"mine\">Alpha</li>"), "{html}");
    assert!(
        html.contains("<li class=\"mine\">Beta (here)</li>"),
        "{html}"
    );

    // A theme of its own, without an entry template, still gets the siblings to list.
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\ntheme = \"mini\"\n//- themes/mini/templates/page.html\n<main>{% for s in nav.siblings %}{{ s.title }}{% if s.url == current_url %}*{% endif %};{% endfor %}[{{ nav.items }}] {{ nav.listed }}</main>\n//- themes/mini/templates/section.html\n<main>section</main>\n//- content/plays/_index.md\n---\ntitle: Plays\n---\n//- content/plays/a.md\n# Alpha\n//- content/plays/b.md\n# Beta\n");
    site.run(&["build"]).expect_code(0);
    assert_eq!(
        site.read("public/plays/b/index.html").trim_end(),
        "<main>Alpha;Beta*;[] true</main>"
    );
}

#[test]
fn listing_cards_come_from_the_card_partial_and_link_right_at_any_depth() {
    // Cards are rendered once, for the tag pages' root; the role page, one folder higher
    // here, must get cards made for its own root.
    let site = SiteTest::inline("//- site.toml\nroles = [{ id = \"ae\", name = \"AE\" }]\n[site]\ntitle = \"T\"\n[routes]\ntags = \"meta/tags\"\n//- content/a.md\n---\ntitle: Alpha\nroles: [ae]\ntags: [Pricing]\n---\nbody\n");
    site.run(&["build"]).expect_code(0);
    let tag = site.read("public/meta/tags/pricing/index.html");
    assert!(tag.contains("<a href=\"../../../a/\">Alpha</a>"), "{tag}");
    let role = site.read("public/roles/ae/index.html");
    assert!(role.contains("<a href=\"../../a/\">Alpha</a>"), "{role}");

    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\n//- templates/partials/card.html\n<b>mine {{ p.title }}</b>\n//- content/a.md\n---\ntitle: Alpha\ntags: [Pricing]\n---\nbody\n");
    site.run(&["build"]).expect_code(0);
    let tag = site.read("public/tags/pricing/index.html");
    assert!(tag.contains("<li><b>mine Alpha</b></li>"), "{tag}");
}

#[test]
fn reading_time_is_counted_with_search_turned_off() {
    // Without an index the build drops page text as it goes; the word count must survive.
    let words = "word ".repeat(700);
    let site = SiteTest::inline(&format!("//- site.toml\n[site]\ntitle = \"T\"\n[search]\nenabled = false\n//- content/a.md\n# Alpha\n\n{words}\n"));
    site.run(&["build"]).expect_code(0);
    let html = site.read("public/a/index.html");
    assert!(
        html.contains("<dt>Reading time</dt><dd>3 min</dd>"),
        "{html}"
    );
    assert!(!site
        .path()
        .join("public/search/fieldbook-search.js")
        .exists());
}

#[test]
fn unknown_theme_is_an_error() {
    let site = SiteTest::inline(
        "//- site.toml\n[site]\ntitle = \"T\"\ntheme = \"nope\"\n//- content/a.md\n# A\n",
    );
    site.run(&["build"])
        .expect_code(1)
        .expect_stderr_contains("error: theme `nope` not found in `themes/`");
}

#[test]
fn aliases_redirect_relatively() {
    let site = SiteTest::fixture("kinds");
    site.run(&["build"]).expect_code(0);
    let html = site.read("public/old/notes/index.html");
    assert!(html.contains("url=../../notes/"), "{html}");
}
