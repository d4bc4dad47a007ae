//! `fieldbook serve`: a real server on port 0 over a fixture site, driven by editing files
//! and read through plain HTTP and the event stream.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use crate::support::{walk, Event, Events, Server, SiteTest};

const SCRIPT_TAG: &str = "<script src=\"/__fieldbook/live.js\"></script>";

fn site() -> SiteTest {
    SiteTest::fixture("kinds")
}

/// The reload events of one rebuild (the first event and those after it with the same build
/// number), waiting `quiet_ms` for stragglers; returns the union of their paths.
fn reloaded(events: &Events) -> BTreeSet<String> {
    let first = events.expect("reload");
    let build = first.data["build"].as_u64().unwrap();
    let mut paths = paths_of(&first);
    for e in events.collect(600) {
        assert_eq!(e.kind, "reload", "{e:?}");
        assert_eq!(
            e.data["build"].as_u64().unwrap(),
            build,
            "a second rebuild: {e:?}"
        );
        paths.extend(paths_of(&e));
    }
    paths
}

fn paths_of(e: &Event) -> BTreeSet<String> {
    e.data["paths"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect()
}

fn rebuild_lines(server: &Server) -> usize {
    server
        .stderr()
        .lines()
        .filter(|l| l.starts_with("rebuilt") || l.starts_with("build failed"))
        .count()
}

fn wait_for(what: &str, mut f: impl FnMut() -> bool) {
    for _ in 0..300 {
        if f() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn serves_the_site_from_memory() {
    let site = site();
    let server = site.serve(&[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let html = home.text();
    assert_eq!(html.matches(SCRIPT_TAG).count(), 1);
    assert!(html.find(SCRIPT_TAG).unwrap() < html.rfind("</body>").unwrap());
    assert_eq!(server.get("/playbooks/discovery/").status, 200);
    let redirect = server.get("/playbooks/discovery?x=1");
    assert_eq!(redirect.status, 301);
    assert_eq!(
        redirect.header("location"),
        Some("/playbooks/discovery/?x=1")
    );
    let css = server.get("/static/fieldbook.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert!(!css.text().contains(SCRIPT_TAG));
    assert_eq!(
        server.get("/sitemap.xml").header("content-type"),
        Some("application/xml")
    );
    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert!(
        missing.text().contains(SCRIPT_TAG),
        "the site's 404 page, with the script"
    );
    assert_eq!(
        server.get("/__fieldbook/live.js").header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(server.request("HEAD", b"/").status, 200);
    assert_eq!(server.request("POST", b"/").status, 405);
    // Nothing was written to disk.
    assert!(!site.path().join("public").exists());
}

#[test]
fn paths_never_escape_the_site() {
    let site = site();
    site.write("secret.txt", "TOP SECRET\n");
    let server = site.serve(&[]);
    let attempts: &[&[u8]] = &[
        b"/../secret.txt",
        b"/../../../../etc/passwd",
        b"/%2e%2e/secret.txt",
        b"/%2E%2E/secret.txt",
        b"/.%2e/secret.txt",
        b"/static/..%2f..%2fsecret.txt",
        b"/static/%2e%2e%2f%2e%2e%2fsecret.txt",
        b"/..%5csecret.txt",
        b"/static\\..\\..\\secret.txt",
        b"/..../secret.txt",
        b"/.../secret.txt",
        b"/static/./../secret.txt",
        b"//secret.txt",
        b"/secret.txt%00.html",
        b"/%252e%252e/secret.txt",
        b"/site.toml",
        b"/content/notes.md",
        b"/secret.txt",
        b"*",
        b"http://127.0.0.1/../secret.txt",
    ];
    for raw in attempts {
        let response = server.request("GET", raw);
        let shown = String::from_utf8_lossy(raw);
        assert!(
            [400, 404].contains(&response.status),
            "{shown}: {}",
            response.status
        );
        let text = response.text();
        assert!(
            !text.contains("TOP SECRET") && !text.contains("[site]") && !text.contains("root:"),
            "{shown} leaked"
        );
    }
    // A NUL byte on the wire.
    let response = server.request("GET", b"/a\0b");
    assert!(response.status >= 400);
}

#[test]
fn edit_add_rename_delete_reload_the_right_pages() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();

    // Edit a body.
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\naliases: [/old/notes/]\n---\nA changed body.\n",
    );
    let paths = reloaded(&events);
    assert!(paths.contains("notes/index.html"), "{paths:?}");
    assert!(
        !paths.contains("index.html"),
        "the home page shows no body: {paths:?}"
    );
    assert!(server.get("/notes/").text().contains("A changed body."));

    // Add a page: it appears, and the home page lists it.
    site.write("content/added.md", "---\ntitle: Added page\n---\nNew.\n");
    let paths = reloaded(&events);
    assert!(
        paths.contains("added/index.html") && paths.contains("index.html"),
        "{paths:?}"
    );
    assert!(server.get("/added/").text().contains("Added page"));

    // Rename it.
    std::fs::rename(
        site.path().join("content/added.md"),
        site.path().join("content/renamed.md"),
    )
    .unwrap();
    let paths = reloaded(&events);
    assert!(
        paths.contains("added/index.html") && paths.contains("renamed/index.html"),
        "{paths:?}"
    );
    assert_eq!(server.get("/added/").status, 404);
    assert_eq!(server.get("/renamed/").status, 200);

    // Delete it.
    std::fs::remove_file(site.path().join("content/renamed.md")).unwrap();
    let paths = reloaded(&events);
    assert!(paths.contains("renamed/index.html"), "{paths:?}");
    assert_eq!(server.get("/renamed/").status, 404);
    assert!(!server.get("/").text().contains("Added page"));
}

#[test]
fn broken_front_matter_shows_the_overlay_and_keeps_the_last_good_site() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();
    let good = server.get("/notes/").text();

    site.write("content/notes.md", "---\ntitle: [Notes\n---\nBroken.\n");
    let failed = events.expect("build-error");
    assert!(failed.data["errors"].as_u64().unwrap() >= 1);
    let first = &failed.data["diagnostics"][0];
    assert_eq!(first["file"], "content/notes.md");
    assert_eq!(first["severity"], "error");
    assert!(first["line"].as_u64().unwrap() >= 2, "{first}");
    assert!(first["hint"].as_str().is_some(), "{first}");
    assert!(first["column"].as_u64().is_some());
    assert!(!first["message"].as_str().unwrap().is_empty());
    // The last good site stays served.
    assert_eq!(server.get("/notes/").text(), good);
    wait_for("the terminal report", || {
        server.stderr().contains("--> content/notes.md:")
    });
    assert!(server
        .stderr()
        .contains("still serving the last good version"));
    // A page opened now gets the error at once.
    let late = server.events();
    assert_eq!(late.expect("build-error").data, failed.data);

    // Fixing it clears the overlay: the changed page reloads.
    site.write("content/notes.md", "---\ntitle: Notes\n---\nFixed.\n");
    let paths = reloaded(&events);
    assert!(paths.contains("notes/index.html"));
    assert!(server.get("/notes/").text().contains("Fixed."));
    assert_eq!(server.manifest()["failed"], false);
    // A late stream opened now starts clean (the comment only, then nothing).
    assert!(server.events().next(1).is_none());
}

#[test]
fn a_failing_fix_that_restores_the_same_output_sends_ok() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();
    let original = site.read("content/notes.md");
    site.write("content/notes.md", "---\ntitle: [\n---\n");
    events.expect("build-error");
    site.write("content/notes.md", &original);
    events.expect("ok");
}

#[test]
fn a_first_build_that_fails_still_serves() {
    let site = site();
    site.write("content/notes.md", "---\ntitle: [Notes\n---\nBroken.\n");
    let server = site.serve(&[]);
    let page = server.get("/");
    assert_eq!(page.status, 503);
    assert!(page.text().contains(SCRIPT_TAG));
    assert_eq!(server.get("/notes/").status, 503);
    let events = server.events();
    let failed = events.expect("build-error");
    assert_eq!(failed.data["diagnostics"][0]["file"], "content/notes.md");
    site.write("content/notes.md", "---\ntitle: Notes\n---\nFixed.\n");
    let all = events.expect("reload");
    assert_eq!(all.data["paths"], serde_json::json!(["*"]));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn css_changes_swap_stylesheets() {
    let site = site();
    site.write("static/extra.css", "body { color: red; }\n");
    let server = site.serve(&[]);
    let events = server.events();
    site.write("static/extra.css", "body { color: blue; }\n");
    let e = events.expect("reload");
    assert_eq!(e.data["css_only"], true);
    assert_eq!(e.data["paths"], serde_json::json!(["static/extra.css"]));
    assert_eq!(
        server.get("/static/extra.css").text(),
        "body { color: blue; }\n"
    );
    // A template change is not CSS-only.
    site.write(
        "templates/404.html",
        "<!doctype html><title>gone</title><body><p>Nothing here</p></body>\n",
    );
    let e = events.expect("reload");
    assert_eq!(e.data["css_only"], false);
    assert!(server.get("/nope/").text().contains("Nothing here"));
}

#[test]
fn editor_save_patterns_are_one_rebuild_each() {
    let site = SiteTest::fixture_in_memory("kinds");
    let server = site.serve(&[]);
    let events = server.events();
    let page = |n: u32| format!("---\ntitle: Notes\n---\nVersion {n}.\n");
    let root = site.path();
    let mut expected_rebuilds = 0;
    let mut check = |events: &Events, n: u32| {
        let paths = reloaded(events);
        assert!(paths.contains("notes/index.html"), "{paths:?}");
        assert!(server
            .get("/notes/")
            .text()
            .contains(&format!("Version {n}.")));
        expected_rebuilds += 1;
        assert_eq!(
            rebuild_lines(&server),
            expected_rebuilds,
            "{}",
            server.stderr()
        );
    };

    // Write to a temporary file, then rename it over the page (VS Code, many others).
    std::fs::write(root.join("content/.notes.md.tmp"), page(1)).unwrap();
    std::fs::rename(
        root.join("content/.notes.md.tmp"),
        root.join("content/notes.md"),
    )
    .unwrap();
    check(&events, 1);

    // Two writes in a row (truncate, then write).
    std::fs::write(root.join("content/notes.md"), "").unwrap();
    std::fs::write(root.join("content/notes.md"), page(2)).unwrap();
    check(&events, 2);

    // vim: swap file, backup by rename, new file written, backup removed.
    std::fs::write(root.join("content/.notes.md.swp"), "swap").unwrap();
    std::fs::rename(
        root.join("content/notes.md"),
        root.join("content/notes.md~"),
    )
    .unwrap();
    std::fs::write(root.join("content/notes.md"), page(3)).unwrap();
    std::fs::remove_file(root.join("content/notes.md~")).unwrap();
    std::fs::remove_file(root.join("content/.notes.md.swp")).unwrap();
    check(&events, 3);

    // emacs: lock symlink-ish file and autosave file around the write.
    std::fs::write(root.join("content/.#notes.md"), "lock").unwrap();
    std::fs::write(root.join("content/#notes.md#"), "autosave").unwrap();
    std::fs::write(root.join("content/notes.md"), page(4)).unwrap();
    std::fs::remove_file(root.join("content/.#notes.md")).unwrap();
    std::fs::remove_file(root.join("content/#notes.md#")).unwrap();
    check(&events, 4);
}

#[test]
fn a_checkout_of_200_files_is_one_rebuild() {
    let site = SiteTest::fixture_in_memory("kinds");
    let server = site.serve(&[]);
    let events = server.events();
    // Like git: the files are written back to back.
    let files: Vec<(std::path::PathBuf, String)> = (0..200)
        .map(|i| {
            (
                site.path().join(format!("content/many/p{i:03}.md")),
                format!("---\ntitle: Page {i}\n---\nBody {i}.\n"),
            )
        })
        .collect();
    let started = std::time::Instant::now();
    std::fs::create_dir_all(site.path().join("content/many")).unwrap();
    for (path, text) in &files {
        std::fs::write(path, text).unwrap();
    }
    let took = started.elapsed();
    let paths = reloaded(&events);
    assert!(
        paths.contains("many/p000/index.html") && paths.contains("many/p199/index.html"),
        "{} paths; writing took {took:?}",
        paths.len()
    );
    assert_eq!(rebuild_lines(&server), 1, "{}", server.stderr());
    // And back: 200 deletions and the folder.
    std::fs::remove_dir_all(site.path().join("content/many")).unwrap();
    let paths = reloaded(&events);
    assert!(paths.contains("many/p000/index.html"));
    assert_eq!(rebuild_lines(&server), 2, "{}", server.stderr());
    assert_eq!(server.get("/many/p000/").status, 404);
}

#[test]
fn ignored_files_and_the_output_folder_trigger_nothing() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();
    for (path, text) in [
        ("content/.hidden.md", "x"),
        ("content/notes.md~", "x"),
        ("content/.#notes.md", "x"),
        ("content/notes.md.swp", "x"),
        ("content/.git/HEAD", "x"),
        ("public/index.html", "x"),
        ("public/deep/er/x.html", "x"),
        ("README.md", "x"),
    ] {
        site.write(path, text);
    }
    // Reading files (our own build does) must not loop either.
    let _ = site.read("content/notes.md");
    assert!(events.collect(800).is_empty());
    assert_eq!(rebuild_lines(&server), 0, "{}", server.stderr());
}

#[test]
fn deleted_and_recreated_folders_keep_being_watched() {
    let site = site();
    site.write("templates/extra.html", "x");
    let server = site.serve(&[]);
    let events = server.events();

    // A content subfolder.
    std::fs::remove_dir_all(site.path().join("content/frameworks")).unwrap();
    events.expect("build-error"); // playbooks name the framework: an error, shown as such
    site.write(
        "content/frameworks/bant.md",
        &std::fs::read_to_string(
            crate::support::fixtures().join("kinds/content/frameworks/bant.md"),
        )
        .unwrap(),
    );
    // The same site as before the error: nothing to reload, the overlay goes. (A loaded
    // machine may see the folder before the file: one more error first.)
    events.expect_eventually("ok");
    site.write(
        "content/frameworks/bant.md",
        &format!("{}\nMore.\n", site.read("content/frameworks/bant.md")),
    );
    assert!(reloaded(&events).contains("frameworks/bant/index.html"));

    // The whole content folder.
    let saved = tempfile::tempdir().unwrap();
    crate::support::copy_tree(&site.path().join("content"), saved.path());
    std::fs::remove_dir_all(site.path().join("content")).unwrap();
    events.expect_eventually("build-error");
    crate::support::copy_tree(saved.path(), &site.path().join("content"));
    events.expect_eventually("ok");
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\nAfter recreation.\n",
    );
    assert!(reloaded(&events).contains("notes/index.html"));
    assert!(server.get("/notes/").text().contains("After recreation."));

    // The site's templates folder.
    std::fs::remove_dir_all(site.path().join("templates")).unwrap();
    site.write(
        "templates/404.html",
        "<!doctype html><body>Recreated 404</body>\n",
    );
    wait_for("the new 404 page", || {
        server.get("/nope/").text().contains("Recreated 404")
    });
}

#[test]
fn served_site_equals_a_fresh_build_after_edits() {
    let site = site();
    site.write("static/extra.css", "a { color: red; }\n");
    let server = site.serve(&[]);
    let events = server.events();
    let edits: Vec<Box<dyn Fn(&Path)>> = vec![
        // A body.
        Box::new(|r| {
            append(
                r,
                "content/playbooks/discovery.md",
                "\nA new paragraph with a [link](../notes.md).\n",
            )
        }),
        // A title.
        Box::new(|r| replace(r, "content/notes.md", "title: Notes", "title: Field notes")),
        // A heading the lint wants, and a new page.
        Box::new(|r| {
            write(r, "content/playbooks/second.md", "---\nkind: playbook\ntitle: Second play\nsummary: S.\nowner: hanna\nreviewed: 2026-10-01\ntrigger: T.\ngoal: G.\nexit_signal: E.\n---\n## Steps\n\nDo it.\n")
        }),
        // Another body and the same page again.
        Box::new(|r| append(r, "content/coaching/discovery.md", "\nCoach it.\n")),
        Box::new(|r| {
            append(
                r,
                "content/playbooks/discovery.md",
                "\n## Another heading\n\nText.\n",
            )
        }),
        // A template.
        Box::new(|r| {
            write(
                r,
                "templates/404.html",
                "<!doctype html><title>x</title><body>Custom 404</body>\n",
            )
        }),
        // A static file.
        Box::new(|r| write(r, "static/extra.css", "a { color: blue; }\n")),
        // A rename and a delete.
        Box::new(|r| {
            std::fs::rename(
                r.join("content/playbooks/second.md"),
                r.join("content/playbooks/third.md"),
            )
            .unwrap()
        }),
        Box::new(|r| std::fs::remove_file(r.join("content/playbooks/third.md")).unwrap()),
        // site.toml.
        Box::new(|r| {
            replace(
                r,
                "site.toml",
                "title = \"Kinds\"",
                "title = \"Kinds handbook\"",
            )
        }),
        // A body again after the full rebuild.
        Box::new(|r| append(r, "content/frameworks/bant.md", "\nOne more line.\n")),
    ];
    for edit in edits {
        edit(site.path());
        let e = events.next(30).expect("an event");
        assert_eq!(e.kind, "reload", "{e:?}\n{}", server.stderr());
        events.collect(300);
    }
    assert_same_as_build(&site, &server);
}

fn append(root: &Path, rel: &str, text: &str) {
    let mut s = std::fs::read_to_string(root.join(rel)).unwrap();
    s.push_str(text);
    std::fs::write(root.join(rel), s).unwrap();
}

fn replace(root: &Path, rel: &str, from: &str, to: &str) {
    let s = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(s.contains(from), "{rel} lacks {from}");
    std::fs::write(root.join(rel), s.replace(from, to)).unwrap();
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::create_dir_all(root.join(rel).parent().unwrap()).unwrap();
    std::fs::write(root.join(rel), text).unwrap();
}

/// Every served file equals the file a fresh `build` writes, and no file is missing or extra.
pub fn assert_same_as_build(site: &SiteTest, server: &Server) {
    let manifest = server.manifest();
    let served: BTreeSet<String> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_string())
        .collect();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("fresh");
    site.run(&["build", "--output", out_dir.to_str().unwrap()])
        .expect_code(0);
    let built: BTreeSet<String> = walk(&out_dir)
        .iter()
        .map(|p| {
            p.strip_prefix(&out_dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        // The manifest is `build`'s record of what it wrote, not part of the site.
        .filter(|p| p != ".fieldbook-manifest")
        .collect();
    assert_eq!(served, built, "served and built file lists differ");
    for path in &built {
        let expected = std::fs::read(out_dir.join(path)).unwrap();
        let url = format!(
            "/{}",
            path.split('/').map(encode).collect::<Vec<_>>().join("/")
        );
        let response = server.get(&url);
        assert_eq!(response.status, 200, "{url}");
        let mut body = response.body;
        if path.ends_with(".html") {
            let text = String::from_utf8(body).unwrap();
            assert_eq!(text.matches(SCRIPT_TAG).count(), 1, "{path}");
            body = text.replacen(SCRIPT_TAG, "", 1).into_bytes();
        }
        if body != expected {
            panic!(
                "{path} differs from a fresh build:\n--- built\n{}\n--- served\n{}",
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(&body)
            );
        }
    }
}

fn encode(segment: &str) -> String {
    let mut out = String::new();
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[test]
fn port_in_use_is_a_clear_error() {
    let site = site();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let run = site.run(&["serve", "--port", &port]);
    assert_eq!(run.code(), 2);
    assert_eq!(
        run.stderr(),
        format!("error: port {port} is in use; try --port 0\n")
    );
}

#[test]
fn binds_loopback_by_default_and_prints_the_url() {
    let site = site();
    let server = site.serve(&[]);
    assert!(server.addr.starts_with("127.0.0.1:"), "{}", server.addr);
    assert!(server
        .stderr()
        .contains(&format!("serving http://{}/", server.addr)));
}

#[test]
fn ctrl_c_stops_cleanly_with_streams_open() {
    let site = site();
    let server = site.serve(&[]);
    let _events = server.events();
    let _more = server.events();
    let stderr = std::sync::Arc::clone(&server.stderr);
    assert_eq!(server.interrupt(), Some(0));
    wait_for("the stop message", || {
        stderr.lock().unwrap().contains("stopped")
    });
}

#[test]
fn many_open_pages_get_the_event() {
    let site = site();
    let server = site.serve(&[]);
    let streams: Vec<Events> = (0..40).map(|_| server.events()).collect();
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\nFor everyone.\n",
    );
    for events in &streams {
        let e = events.expect("reload");
        assert!(paths_of(&e).contains("notes/index.html"), "{e:?}");
    }
    // Pages still load while the streams stay open.
    for _ in 0..20 {
        assert_eq!(server.get("/notes/").status, 200);
    }
}

#[test]
fn body_edits_take_the_fast_path_and_equal_a_build() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();
    let plans = |server: &Server| -> Vec<String> {
        server
            .stderr()
            .lines()
            .filter_map(|l| l.strip_prefix("rebuilt ("))
            .map(|l| l.split(')').next().unwrap().to_string())
            .collect()
    };

    // A body: the page and the print views change, nothing else.
    append(site.path(), "content/notes.md", "\nFast path text.\n");
    let paths = reloaded(&events);
    assert!(
        paths.contains("notes/index.html") && paths.contains("print/index.html"),
        "{paths:?}"
    );
    assert!(!paths.contains("index.html"), "{paths:?}");
    assert!(server.get("/print/").text().contains("Fast path text."));

    // A broken link fails the build; another page edited meanwhile; then the fix.
    append(
        site.path(),
        "content/playbooks/discovery.md",
        "\nSee [missing](nowhere.md).\n",
    );
    let failed = events.expect("build-error");
    assert_eq!(failed.data["diagnostics"][0]["code"], "broken-link");
    append(
        site.path(),
        "content/coaching/discovery.md",
        "\nEdited while broken.\n",
    );
    events.expect("build-error");
    replace(
        site.path(),
        "content/playbooks/discovery.md",
        "See [missing](nowhere.md).",
        "See [the notes](../notes.md).",
    );
    let paths = reloaded(&events);
    assert!(
        paths.contains("playbooks/discovery/index.html")
            && paths.contains("coaching/discovery/index.html"),
        "{paths:?}"
    );
    assert!(server
        .get("/coaching/discovery/")
        .text()
        .contains("Edited while broken."));

    // A link that makes a page no longer orphaned changes the health page.
    let health_before = server.get("/health/").text();
    append(
        site.path(),
        "content/notes.md",
        "\nSee [BANT](frameworks/bant.md) and [coaching](coaching/discovery.md).\n",
    );
    let paths = reloaded(&events);
    assert!(paths.contains("notes/index.html"), "{paths:?}");
    if paths.contains("health/index.html") {
        assert_ne!(server.get("/health/").text(), health_before);
    }

    // A heading the lint looks for, an anchor into it from another page.
    append(
        site.path(),
        "content/playbooks/discovery.md",
        "\n## Later steps\n\nMore.\n",
    );
    reloaded(&events);
    append(
        site.path(),
        "content/notes.md",
        "\nJump to [later](playbooks/discovery.md#later-steps).\n",
    );
    reloaded(&events);
    // Removing the heading breaks that anchor: the error names the page that links.
    replace(
        site.path(),
        "content/playbooks/discovery.md",
        "## Later steps",
        "## Other steps",
    );
    let failed = events.expect("build-error");
    assert_eq!(
        failed.data["diagnostics"][0]["code"], "broken-anchor",
        "{}",
        failed.data
    );
    assert_eq!(failed.data["diagnostics"][0]["file"], "content/notes.md");
    replace(
        site.path(),
        "content/playbooks/discovery.md",
        "## Other steps",
        "## Later steps",
    );
    events.expect("ok"); // the same site as before the error

    let plans = plans(&server);
    assert!(
        plans.iter().all(|p| p == "edited bodies"),
        "{plans:?}\n{}",
        server.stderr()
    );
    assert_same_as_build(&site, &server);
}

#[test]
fn front_matter_and_template_edits_take_the_full_path_and_equal_a_build() {
    let site = site();
    let server = site.serve(&[]);
    let events = server.events();
    // The title shows on other pages (lists, navigation): the home page changes too.
    replace(
        site.path(),
        "content/notes.md",
        "title: Notes",
        "title: Field notes",
    );
    let paths = reloaded(&events);
    assert!(
        paths.contains("notes/index.html") && paths.contains("index.html"),
        "{paths:?}"
    );
    site.write(
        "templates/404.html",
        "<!doctype html><body>Template 404</body>\n",
    );
    let paths = reloaded(&events);
    assert_eq!(paths, BTreeSet::from(["404.html".to_string()]));
    assert!(server.stderr().contains("rebuilt (full rebuild)"));
    assert_same_as_build(&site, &server);
}

#[test]
fn open_starts_the_browser_and_ignores_failure() {
    use std::os::unix::fs::PermissionsExt as _;
    let site = site();
    // A stand-in for xdg-open that records the URL it was given.
    let bin = tempfile::tempdir().unwrap();
    let record = bin.path().join("opened.txt");
    let script = bin.path().join("xdg-open");
    std::fs::write(
        &script,
        format!("#!/bin/sh\necho \"$1\" > '{}'\n", record.display()),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let server = site.serve_with_env(&["--open"], &[("PATH", &path)]);
    wait_for("the browser to be opened", || {
        std::fs::read_to_string(&record).is_ok_and(|t| t.ends_with('\n'))
    });
    assert_eq!(
        std::fs::read_to_string(&record).unwrap().trim(),
        format!("http://{}/", server.addr)
    );
    drop(server);
    // No opener at all: still serves.
    let server = site.serve_with_env(&["--open"], &[("PATH", "/nonexistent")]);
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn bind_must_be_an_address() {
    let site = site();
    let run = site.run(&["serve", "--bind", "localhost-ish", "--port", "0"]);
    assert_eq!(run.code(), 2);
    assert!(
        run.stderr().contains("is not an IP address"),
        "{}",
        run.stderr()
    );
}

#[test]
fn other_host_names_are_refused_on_loopback() {
    use std::io::{Read as _, Write as _};
    let site = site();
    let server = site.serve(&[]);
    let ask = |host: &str, path: &str| {
        let mut stream = std::net::TcpStream::connect(&server.addr).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
        let mut text = String::new();
        stream.read_to_string(&mut text).unwrap();
        text
    };
    // DNS rebinding: a page on another site whose name now points at 127.0.0.1.
    assert!(ask("evil.example", "/").starts_with("HTTP/1.0 421"));
    assert!(ask("evil.example:1111", "/__fieldbook/events").starts_with("HTTP/1.0 421"));
    assert!(ask("localhost", "/").starts_with("HTTP/1.0 200"));
    assert!(ask(&server.addr, "/").starts_with("HTTP/1.0 200"));
}

/// Resident memory of a process in KiB (Linux).
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

#[test]
fn serve_under_load_answers_every_request() {
    // Issue #7: 200 HTTP clients and 50 live-reload connections while 100 edits are made.
    const CLIENTS: usize = 200;
    const STREAMS: usize = 50;
    const EDITS: usize = 100;
    let site = site();
    let server = site.serve(&[]);
    let pages: Vec<String> = server.manifest()["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("/{}", p.as_str().unwrap()))
        .filter(|p| p.ends_with("index.html") && !p.starts_with("/old/"))
        .map(|p| p.trim_end_matches("index.html").to_string())
        .collect();
    assert!(pages.len() > 20, "{pages:?}");
    let streams: Vec<Events> = (0..STREAMS).map(|_| server.events()).collect();
    for page in &pages {
        assert_eq!(server.get(page).status, 200, "{page}");
    }
    let rss_start = rss_kib(server.child.id());

    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let escapes: [&[u8]; 4] = [
        b"/../site.toml",
        b"/%2e%2e/%2e%2e/etc/passwd",
        b"/static/..%2f..%2fsite.toml",
        b"/static/....//....//site.toml",
    ];
    let outcome = std::thread::scope(|scope| {
        let clients: Vec<_> = (0..CLIENTS)
            .map(|n| {
                let (server, pages, done) = (&server, &pages, &done);
                scope.spawn(move || {
                    let mut requests = 0usize;
                    let mut problems = Vec::new();
                    let mut i = n;
                    // Every client makes requests until the edits are over, at least 10.
                    while requests < 10 || !done.load(std::sync::atomic::Ordering::Relaxed) {
                        i = i.wrapping_mul(31).wrapping_add(7);
                        if i % 10 == 0 {
                            let raw = escapes[i / 10 % escapes.len()];
                            let status = server.request("GET", raw).status;
                            if status != 404 && status != 400 {
                                problems
                                    .push(format!("{}: {status}", String::from_utf8_lossy(raw)));
                            }
                        } else {
                            let page = &pages[i % pages.len()];
                            let response = server.get(page);
                            if response.status != 200 || !response.text().contains("</html>") {
                                problems.push(format!("{page}: {}", response.status));
                            }
                        }
                        requests += 1;
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    (requests, problems)
                })
            })
            .collect();
        let mut rss_mid = 0;
        for n in 0..EDITS {
            if n == EDITS / 2 {
                rss_mid = rss_kib(server.child.id());
            }
            site.write(
                "content/notes.md",
                &format!("---\ntitle: Notes\naliases: [/old/notes/]\n---\nEdit number {n}.\n"),
            );
            std::thread::sleep(Duration::from_millis(40));
        }
        let last = format!("Edit number {}.", EDITS - 1);
        wait_for("the last edit to be served", || {
            server.get("/notes/").text().contains(&last)
        });
        let rss_end = rss_kib(server.child.id());
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let outcome = clients
            .into_iter()
            .map(|c| c.join().unwrap())
            .collect::<Vec<_>>();
        (outcome, rss_mid, rss_end)
    });
    let (outcome, rss_mid, rss_end) = outcome;
    let requests: usize = outcome.iter().map(|(n, _)| n).sum();
    let problems: Vec<&String> = outcome.iter().flat_map(|(_, p)| p).collect();
    assert!(
        problems.is_empty(),
        "{} problems, e.g. {:?}",
        problems.len(),
        &problems[..problems.len().min(5)]
    );
    assert!(requests >= CLIENTS * 10, "{requests}");

    // Every live-reload connection saw the rebuild that served the last edit.
    let newest = |events: &Events| {
        events
            .collect(300)
            .into_iter()
            .filter(|e| e.kind == "reload")
            .filter_map(|e| e.data["build"].as_u64())
            .max()
    };
    let builds: Vec<Option<u64>> = streams.iter().map(newest).collect();
    assert!(
        builds.iter().all(|b| b.is_some()),
        "a stream got no reload: {builds:?}"
    );
    let first = builds[0];
    assert!(
        builds.iter().all(|b| *b == first),
        "streams disagree on the last build: {builds:?}"
    );

    // Memory stays flat under the same load: the first half of the edits brings the
    // connections' buffers up to their high-water mark; the second half adds little.
    eprintln!(
        "serve under load: {requests} requests; RSS {rss_start} KiB idle, {rss_mid} KiB after \
         {} edits, {rss_end} KiB after {EDITS}",
        EDITS / 2
    );
    assert!(
        rss_end < rss_mid + 16 * 1024,
        "RSS grew from {rss_mid} KiB to {rss_end} KiB over the second half of the edits"
    );
}
