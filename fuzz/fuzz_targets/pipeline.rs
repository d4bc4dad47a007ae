//! The whole pipeline (load, model, Markdown, links, templates, render, search) on a
//! mini-site made from the input, output kept in memory (`MemorySink`).
//!
//! The input is the `//- path` multi-file format of the integration tests: each section is
//! a file under `content/`. The first byte picks one of a few fixed site.toml files: the
//! fuzzer never writes site.toml itself, since a `content_dir` of `/` would walk the disk.
//! The site lives in a folder of its own under the temporary directory (use a tmpfs).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use fieldbook::cmd::pipeline::{self, Options};
use fieldbook::write::is_safe_path;
use libfuzzer_sys::fuzz_target;

const SITES: &[&str] = &[
    "[site]\ntitle = \"T\"\n",
    "[site]\ntitle = \"T\"\nlanguage = \"de\"\n[markdown]\nunsafe_html = true\nsmart_punctuation = false\n[links]\nbroken = \"warning\"\n",
    "roles = [{ id = \"ae\", name = \"AE\" }]\npersonas = [{ id = \"cfo\", name = \"CFO\" }]\npeople = [{ id = \"hanna\", name = \"Hanna\" }]\n[site]\ntitle = \"T\"\nbase_url = \"https://example.com/hb/\"\n[[stages]]\nid = \"discover\"\nname = \"Discover\"\norder = 1\n[[stages]]\nid = \"close\"\nname = \"Close\"\norder = 2\nterminal = true\n[lint.headings]\nplaybook = [\"Steps\"]\n",
];

fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        // One thread: the machine is shared, and libFuzzer measures one core anyway.
        std::env::set_var("RAYON_NUM_THREADS", "1");
        std::env::set_var("FIELDBOOK_TODAY", "2026-11-27");
        let root = std::env::temp_dir().join(format!("fieldbook-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&root).expect("temporary site folder");
        root
    })
}

fuzz_target!(|data: &[u8]| {
    let root = root();
    let flags = data.first().copied().unwrap_or(0);
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let content = root.join("content");
    let _ = std::fs::remove_dir_all(&content);
    std::fs::create_dir_all(&content).expect("content folder");
    std::fs::write(
        root.join("site.toml"),
        SITES[usize::from(flags) % SITES.len()],
    )
    .expect("site.toml");
    let mut files = 0;
    for section in text.split("//- ").skip(1) {
        let (path, body) = section.split_once('\n').unwrap_or((section, ""));
        let path = path.trim();
        if !is_safe_path(path) || files >= 16 {
            continue;
        }
        let dest = content.join(path);
        if let Some(dir) = dest.parent() {
            if std::fs::create_dir_all(dir).is_err() {
                continue;
            }
        }
        // A path can name a folder made by an earlier section: then it is skipped.
        if std::fs::write(&dest, body).is_ok() {
            files += 1;
        }
    }
    let options = Options {
        root: root.clone(),
        drafts: flags & 0x80 != 0,
        git_history: false,
        ..Options::default()
    };
    let outcome = pipeline::run(&options).expect("no I/O failure in a temporary folder");
    for file in &outcome.files {
        assert!(
            is_safe_path(&file.path),
            "unsafe output path {:?}",
            file.path
        );
    }
    for diagnostic in &outcome.diagnostics {
        let _ = diagnostic.render(false);
    }
});
