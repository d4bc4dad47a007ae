//! Crash safety: a build killed at any point, or one that cannot write, leaves the previous
//! output complete and unchanged.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::{tree_bytes, SiteTest, SITE};

/// A site big enough that a build takes a while, in one of two versions.
fn write_pages(site: &SiteTest, version: &str) {
    for i in 0..400 {
        let body = format!("---\ntitle: Page {i}\nsummary: Version {version}\n---\n## Steps\n\n{}\n", "Ask what the problem costs. ".repeat(40));
        site.write(&format!("content/s{}/p{i}.md", i % 20), &body);
    }
}

fn manifestless(tree: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    tree.into_iter().filter(|(p, _)| !p.ends_with(".fieldbook-manifest")).collect()
}

#[test]
fn killed_builds_leave_a_complete_output() {
    let site = SiteTest::inline(SITE);
    let bin = env!("CARGO_BIN_EXE_fieldbook");
    let build = |site: &SiteTest| site.run(&["build"]).expect_code(0);
    write_pages(&site, "A");
    build(&site);
    let a = manifestless(tree_bytes(&site.path().join("public")));
    write_pages(&site, "B");
    build(&site);
    let b = manifestless(tree_bytes(&site.path().join("public")));
    assert!(a != b);
    // How long one build takes here, to spread the kills over it.
    let started = Instant::now();
    build(&site);
    let full = started.elapsed().as_micros().max(1000) as u64;
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for round in 0..24 {
        write_pages(&site, if round % 2 == 0 { "A" } else { "B" });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % full);
        let mut child = Command::new(bin)
            .arg("build")
            .current_dir(site.path())
            .env("FIELDBOOK_TODAY", crate::support::TODAY)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL on Unix
        let _ = child.wait();
        let now = manifestless(tree_bytes(&site.path().join("public")));
        assert!(now == a || now == b, "round {round}: output is neither complete version after a kill at {delay:?}");
    }
    // And the next build after all those kills is correct.
    write_pages(&site, "A");
    build(&site);
    assert!(manifestless(tree_bytes(&site.path().join("public"))) == a);
}

#[test]
fn unwritable_buffer_fails_cleanly_and_keeps_output() {
    let site = SiteTest::inline(&format!("{SITE}//- content/a.md\n# A\n"));
    site.run(&["build"]).expect_code(0);
    let before = tree_bytes(&site.path().join("public"));
    // A file where the build wants its buffer folder: the build cannot write.
    let buffer = site.path().join(".public.fieldbook-prev");
    std::fs::remove_dir_all(&buffer).ok();
    std::fs::write(&buffer, "in the way").unwrap();
    site.write("content/b.md", "# B\n");
    site.run(&["build"]).expect_code(2).expect_stderr_contains("error: cannot");
    assert!(before == tree_bytes(&site.path().join("public")));
}

#[test]
fn output_paths_never_escape() {
    // Slugs and aliases that try to climb out are errors, and nothing is written outside.
    let site = SiteTest::inline(&format!(
        "{SITE}//- content/a.md\n---\ntitle: A\naliases: [\"../../escape\", \"/x/../../y\", \"..\\\\win\", \"/abs/ok/\"]\n---\n//- content/b.md\n---\ntitle: B\nslug: ../b\n---\n"
    ));
    site.run(&["build"]).expect_code(1);
    assert!(!site.path().join("escape").exists());
    assert!(!site.path().parent().unwrap().join("escape").exists());
}
