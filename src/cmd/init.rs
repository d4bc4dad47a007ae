//! `fieldbook init`: scaffold a new handbook (site.toml, one example of each kind, a README
//! for authors) that builds with zero warnings at once. The texts live in `src/cmd/init/`;
//! `{{today}}` in them becomes today's date, so every example starts freshly reviewed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::Ui;
use crate::model::Date;

/// The scaffold: (path in the new handbook, text).
const FILES: &[(&str, &str)] = &[
    ("site.toml", include_str!("init/site.toml")),
    ("README.md", include_str!("init/README.md")),
    (".gitignore", include_str!("init/gitignore")),
    ("content/_index.md", include_str!("init/content/_index.md")),
    (
        "content/how-we-sell.md",
        include_str!("init/content/how-we-sell.md"),
    ),
    (
        "content/playbooks/_index.md",
        include_str!("init/content/playbooks/_index.md"),
    ),
    (
        "content/playbooks/discovery-call.md",
        include_str!("init/content/playbooks/discovery-call.md"),
    ),
    (
        "content/frameworks/_index.md",
        include_str!("init/content/frameworks/_index.md"),
    ),
    (
        "content/frameworks/bant.md",
        include_str!("init/content/frameworks/bant.md"),
    ),
    (
        "content/coaching/_index.md",
        include_str!("init/content/coaching/_index.md"),
    ),
    (
        "content/coaching/call-review.md",
        include_str!("init/content/coaching/call-review.md"),
    ),
];

/// Runs `init`: writes the scaffold into `dir` (created if needed), or nothing at all if
/// any of its files already exists there.
pub fn run(ui: &Ui, dir: PathBuf) -> anyhow::Result<ExitCode> {
    let today = Date::today().map_err(anyhow::Error::msg)?;
    let files = scaffold(today);
    crate::write::create_new(&dir, &files)?;
    ui.status(&format!(
        "created a new handbook in {}: {} files",
        shown(&dir),
        files.len()
    ));
    let root = if dir == Path::new(".") {
        String::new()
    } else {
        format!(" --root {}", shown(&dir))
    };
    ui.status(&format!(
        "next: edit site.toml, then `fieldbook{root} build` and open public/index.html"
    ));
    Ok(ExitCode::SUCCESS)
}

/// The scaffold's files for a given day. Pure, for tests.
pub fn scaffold(today: Date) -> Vec<(String, String)> {
    FILES
        .iter()
        .map(|(path, text)| (path.to_string(), text.replace("{{today}}", &today.iso())))
        .collect()
}

fn shown(dir: &Path) -> String {
    crate::diag::display_path(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_example_is_reviewed_today() {
        let files = scaffold(Date::parse("2027-03-04").unwrap());
        let examples: Vec<&(String, String)> = files
            .iter()
            .filter(|(p, _)| {
                p.ends_with(".md") && !p.ends_with("_index.md") && p.starts_with("content/")
            })
            .collect();
        assert_eq!(examples.len(), 4);
        for (path, text) in examples {
            assert!(text.contains("reviewed: 2027-03-04\n"), "{path}");
        }
        assert!(files.iter().all(|(_, text)| !text.contains("{{today}}")));
    }
}
