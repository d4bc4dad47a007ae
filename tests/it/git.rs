//! Git: "last changed" on pages, the feed and the "What's new" page from scripted commits
//! (with renames), a shallow clone, a folder outside Git, and `check --changed-since`.

use std::path::Path;
use std::process::Command;

use crate::support::{tree_bytes, SiteTest};

/// Runs git in `dir` as `author` at `date`, isolated from the user's configuration.
fn git_as(dir: &Path, author: &str, date: &str, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", author)
        .env(
            "GIT_AUTHOR_EMAIL",
            format!("{}@example.com", author.to_lowercase()),
        )
        .env("GIT_AUTHOR_DATE", date)
        .env("GIT_COMMITTER_NAME", author)
        .env(
            "GIT_COMMITTER_EMAIL",
            format!("{}@example.com", author.to_lowercase()),
        )
        .env("GIT_COMMITTER_DATE", date)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn git(dir: &Path, args: &[&str]) -> String {
    git_as(dir, "Tester", "2026-01-01T00:00:00+00:00", args)
}

fn init_repo(dir: &Path) {
    git(dir, &["init", "-q", "-b", "main"]);
    git(dir, &["config", "user.name", "Tester"]);
    git(dir, &["config", "user.email", "tester@example.com"]);
}

fn commit(site: &SiteTest, author: &str, date: &str, message: &str) {
    git_as(site.path(), author, date, &["add", "-A"]);
    git_as(site.path(), author, date, &["commit", "-q", "-m", message]);
}

const SITE_TOML: &str = "teams = [{ id = \"enablement\", name = \"Enablement\" }]\n[site]\ntitle = \"Test\"\nbase_url = \"https://handbook.example/\"\n";

/// A page; with a `reviewed` date it is due for review yearly, so no test date makes it overdue.
fn page(title: &str, reviewed: Option<&str>, body: &str) -> String {
    let review = reviewed.map_or_else(String::new, |r| {
        format!("reviewed: {r}\nreview_every: 1y\n")
    });
    format!(
        "---\ntitle: {title}\nsummary: About {title}.\nowner: enablement\n{review}---\n{body}\n"
    )
}

/// Four scripted commits by four authors: edits, a pure rename, a rename with edits.
fn scripted() -> SiteTest {
    let site = SiteTest::inline("");
    init_repo(site.path());
    site.write("site.toml", SITE_TOML);
    site.write(
        "content/_index.md",
        "# Home\n\n[A](a.md) [B](b.md) [Old](old.md)\n",
    );
    site.write("content/a.md", &page("A", Some("2026-01-01"), "First."));
    site.write(
        "content/b.md",
        &page("B", None, "One\ntwo\nthree\nfour\nfive\nsix"),
    );
    site.write("content/old.md", &page("Moved", None, "Stays the same."));
    commit(
        &site,
        "Alice",
        "2026-01-05T09:00:00+01:00",
        "Start the handbook",
    );
    site.write("content/a.md", &page("A", Some("2026-01-01"), "Second."));
    commit(&site, "Bob", "2026-02-10T23:30:00-05:00", "Sharpen A");
    git(site.path(), &["mv", "content/old.md", "content/new.md"]);
    site.write(
        "content/_index.md",
        "# Home\n\n[A](a.md) [B](b.md) [Moved](new.md)\n",
    );
    commit(
        &site,
        "Carol",
        "2026-03-15T12:00:00+00:00",
        "Move old to new",
    );
    git(site.path(), &["mv", "content/b.md", "content/b2.md"]);
    site.write(
        "content/b2.md",
        &page("B", None, "One\ntwo\nthree\nfour\nfive\nsix and more"),
    );
    site.write(
        "content/_index.md",
        "# Home\n\n[A](a.md) [B](b2.md) [Moved](new.md)\n",
    );
    commit(
        &site,
        "Dave",
        "2026-04-01T08:00:00+02:00",
        "Rename B and extend it",
    );
    site
}

fn last_changed(html: &str) -> Option<String> {
    let start = html.find("<div class=\"fb-changed\">")?;
    let end = start + html[start..].find("</div>")?;
    let part = &html[start..end];
    // Drop the commit hash: ` title="Commit 0123…"`.
    let hash_start = part.find(" title=\"Commit ")?;
    let hash_end = hash_start + part[hash_start..].find("\">")? + 1;
    Some(format!("{}{}", &part[..hash_start], &part[hash_end..]))
}

#[test]
fn pages_show_last_change_from_git() {
    let site = scripted();
    site.run(&["build"])
        .expect_code(0)
        .expect_stderr("built ./public: 3 pages, 1 sections, 0 warnings, 0 errors in [TIME]s\n");
    let row = |date: &str, author: &str| {
        format!("<div class=\"fb-changed\"><dt>Last changed</dt><dd><time datetime=\"{date}\">{date}</time> by {author}</dd>")
    };
    // The author's own calendar day, as Git records it.
    assert_eq!(
        last_changed(&site.read("public/a/index.html")),
        Some(row("2026-02-10", "Bob"))
    );
    // A pure rename is not a change: the history before it is followed.
    assert_eq!(
        last_changed(&site.read("public/new/index.html")),
        Some(row("2026-01-05", "Alice"))
    );
    // A rename with edits is a change.
    assert_eq!(
        last_changed(&site.read("public/b2/index.html")),
        Some(row("2026-04-01", "Dave"))
    );
    // "Reviewed" still shows the front matter, never the Git date.
    let a = site.read("public/a/index.html");
    assert!(a.contains("<dt>Reviewed</dt><dd><time datetime=\"2026-01-01\">2026-01-01</time></dd>"));
    let full = git(
        site.path(),
        &["log", "-1", "--format=%H", "--", "content/a.md"],
    );
    assert!(a.contains(&format!("title=\"Commit {}\"", full.trim())));
}

#[test]
fn uncommitted_pages_have_no_change_date() {
    let site = scripted();
    site.write(
        "content/fresh.md",
        &page("Fresh", Some("2026-11-01"), "Not committed yet."),
    );
    site.run(&["build"]).expect_code(0);
    assert_eq!(last_changed(&site.read("public/fresh/index.html")), None);
}

#[test]
fn feed_lists_recent_changes_and_reviews() {
    let site = scripted();
    site.write(
        "content/reviewed.md",
        &page(
            "Reviewed late",
            Some("2026-05-01"),
            "Reviewed after every commit.",
        ),
    );
    site.run(&["build"]).expect_code(0);
    let feed = site.read("public/feed.xml");
    let entry = |title: &str, url: &str, updated: &str, author: Option<&str>| {
        let author = author.map_or_else(String::new, |a| {
            format!("    <author><name>{a}</name></author>\n")
        });
        format!("  <entry>\n    <title>{title}</title>\n    <id>https://handbook.example/{url}</id>\n    <link href=\"https://handbook.example/{url}\"/>\n    <updated>{updated}</updated>\n{author}    <summary>About {title}.</summary>\n  </entry>\n")
    };
    let expected = [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>Test</title>\n  <id>https://handbook.example/</id>\n  <link href=\"https://handbook.example/\"/>\n  <updated>2026-05-01T00:00:00Z</updated>\n".to_string(),
        entry("Reviewed late", "reviewed/", "2026-05-01T00:00:00Z", None),
        // The home page changed in Dave's commit too; it has no summary. Ties go by URL.
        "  <entry>\n    <title>Home</title>\n    <id>https://handbook.example/</id>\n    <link href=\"https://handbook.example/\"/>\n    <updated>2026-04-01T06:00:00Z</updated>\n    <author><name>Dave</name></author>\n    <summary></summary>\n  </entry>\n".to_string(),
        entry("B", "b2/", "2026-04-01T06:00:00Z", Some("Dave")),
        entry("A", "a/", "2026-02-11T04:30:00Z", Some("Bob")),
        entry("Moved", "new/", "2026-01-05T08:00:00Z", Some("Alice")),
        "</feed>\n".to_string(),
    ]
    .concat();
    assert_eq!(feed, expected);
}

#[test]
fn whats_new_lists_commits_with_their_pages() {
    let site = scripted();
    site.run(&["build"]).expect_code(0);
    let html = site.read("public/whats-new/index.html");
    let start = html.find("<ol class=\"fb-changes\">").unwrap();
    let changes = &html[start..start + html[start..].find("</ol>").unwrap()];
    let items: Vec<String> = changes
        .split("<li class=\"fb-change\">")
        .skip(1)
        .map(|item| {
            let text: String = item
                .split('<')
                .map(|part| part.split_once('>').map_or(part, |(_, t)| t))
                .collect();
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        })
        .collect();
    assert_eq!(
        items,
        [
            "2026-04-01 · Dave: Rename B and extend it Home changed B changed",
            "2026-03-15 · Carol: Move old to new Home changed Moved moved",
            "2026-02-10 · Bob: Sharpen A A changed",
            "2026-01-05 · Alice: Start the handbook Home added A added B added Moved added",
        ]
    );
    assert!(html.contains("<h2 id=\"fb-wn-reviewed\">Recently reviewed</h2>"));
}

#[test]
fn git_history_is_deterministic() {
    let site = scripted();
    site.run(&["build", "--output", "one"]).expect_code(0);
    site.run(&["build", "--output", "two"]).expect_code(0);
    assert!(tree_bytes(&site.path().join("one")) == tree_bytes(&site.path().join("two")));
}

#[test]
fn shallow_clone_builds_and_says_so_once() {
    let site = scripted();
    let clone = site.path().join("clone");
    let url = format!("file://{}", site.path().display());
    git(
        site.path(),
        &["clone", "-q", "--depth", "1", &url, clone.to_str().unwrap()],
    );
    let run = site.run_in("clone", &["build"]).expect_code(0);
    assert_eq!(
        run.stderr(),
        "note: shallow Git clone; pages show changes only from the fetched commits (`git fetch --unshallow` for all)\nbuilt ./public: 3 pages, 1 sections, 0 warnings, 0 errors in [TIME]s\n"
    );
    // The one fetched commit stands in for all older ones, so it dates nothing.
    assert_eq!(last_changed(&site.read("clone/public/a/index.html")), None);
    assert!(site
        .read("clone/public/whats-new/index.html")
        .contains("No changes recorded yet."));
    // Deepening the clone brings the history of what changed since back.
    git(&clone, &["fetch", "-q", "--deepen", "1"]);
    site.run_in("clone", &["build"]).expect_code(0);
    assert!(last_changed(&site.read("clone/public/b2/index.html"))
        .is_some_and(|row| row.contains("by Dave")));
}

#[test]
fn outside_git_the_build_is_silent_unless_verbose() {
    let site = SiteTest::inline(&format!(
        "//- site.toml\n{SITE_TOML}//- content/a.md\n# A\n"
    ));
    site.run(&["build"])
        .expect_code(0)
        .expect_stderr("built ./public: 1 pages, 1 sections, 0 warnings, 0 errors in [TIME]s\n");
    site.run(&["--verbose", "build"])
        .expect_code(0)
        .expect_stderr_contains("note: not a Git work tree; pages show no change history\n");
    assert_eq!(last_changed(&site.read("public/a/index.html")), None);
    assert!(site
        .read("public/whats-new/index.html")
        .contains("Change history is not available"));
}

#[test]
fn site_in_a_subfolder_of_the_repository() {
    let site = SiteTest::inline("");
    init_repo(site.path());
    site.write("docs/site.toml", SITE_TOML);
    site.write("docs/content/a.md", &page("A", None, "Text."));
    site.write("content/a.md", "# Not the site\n");
    commit(&site, "Erin", "2026-06-06T10:00:00+00:00", "Add docs");
    site.run(&["--root", "docs", "build"]).expect_code(0);
    assert!(last_changed(&site.read("docs/public/a/index.html"))
        .is_some_and(|row| row.contains("2026-06-06</time> by Erin")));
}

#[test]
fn changed_since_limits_lints_but_not_errors() {
    let site = SiteTest::inline("");
    init_repo(site.path());
    site.write("site.toml", "[site]\ntitle = \"T\"\n");
    site.write("content/_index.md", "[A](a.md) [B](b.md)\n");
    site.write(
        "content/a.md",
        "---\ntitle: A\nsummary: S.\ncolour: red\n---\n",
    );
    site.write(
        "content/b.md",
        "---\ntitle: B\nsummary: S.\nshade: blue\n---\n",
    );
    commit(&site, "Alice", "2026-01-05T09:00:00+01:00", "Start");
    // Without --changed-since both files' warnings are reported.
    let all = site
        .run(&["check", "--format", "github"])
        .expect_code(0)
        .stdout();
    assert_eq!(all.lines().count(), 2, "{all}");
    // Nothing changed since HEAD: no lints at all.
    site.run(&["check", "--format", "github", "--changed-since", "HEAD"])
        .expect_code(0)
        .expect_stdout("");
    // Change b, and add an untracked c with warnings and an error; a is unchanged.
    site.write(
        "content/b.md",
        "---\ntitle: B\nsummary: S.\nshade: green\n---\n",
    );
    site.write(
        "content/c.md",
        "---\ntitle: C\nsummary: S.\nhue: red\n---\n[gone](gone.md)\n",
    );
    site.run(&["check", "--format", "github", "--changed-since", "HEAD", "--deny-warnings"]).expect_code(1).expect_stdout(concat!(
        "::warning file=content/b.md,line=4,col=1,endColumn=6,title=unknown-key::unknown front matter key `shade`%0Ahelp: put custom data under `extra:` so templates can use it\n",
        "::warning file=content/c.md,line=1,col=1,endColumn=2,title=orphan-page::no page links to `C`%0Ahelp: link to it from a related page or list it in `related:` so readers can find it\n",
        "::warning file=content/c.md,line=4,col=1,endColumn=4,title=unknown-key::unknown front matter key `hue`%0Ahelp: put custom data under `extra:` so templates can use it\n",
        "::error file=content/c.md,line=6,col=8,endColumn=15,title=broken-link::broken link `gone.md`%0Ahelp: no page or file has that path; paths are relative to this file's folder, or to content/ when they start with `/`\n",
    ));
    // An error in a file that did not change is still reported.
    site.write("content/_index.md", "[A](a.md) [B](b.md) [C](c.md)\n");
    commit(&site, "Bob", "2026-01-06T09:00:00+01:00", "More");
    site.write(
        "content/a.md",
        "---\ntitle: A\nsummary: S.\ncolour: red\n---\n[x](nope.md)\n",
    );
    git(site.path(), &["commit", "-q", "-am", "Break a"]);
    let json = site
        .run(&["check", "--format", "json", "--changed-since", "HEAD"])
        .expect_code(1)
        .stdout();
    let items: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found: Vec<(&str, &str)> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["code"].as_str().unwrap(), i["file"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("broken-link", "content/a.md"),
            ("broken-link", "content/c.md")
        ]
    );
}

#[test]
fn changed_since_needs_a_revision_git_knows() {
    let site = SiteTest::inline("//- site.toml\n[site]\ntitle = \"T\"\n//- content/a.md\n# A\n");
    site.run(&["check", "--changed-since", "HEAD"])
        .expect_code(2)
        .expect_stderr_contains("error: git diff HEAD failed: ");
    init_repo(site.path());
    commit(&site, "Alice", "2026-01-05T09:00:00+01:00", "Start");
    site.run(&["check", "--changed-since", "no-such-rev"])
        .expect_code(2)
        .expect_stderr_contains("error: git diff no-such-rev failed: ");
}
