//! `fieldbook new`: create a content file with valid front matter for its kind, a comment on
//! every field, and the kind's recommended headings; then list it in its section's index
//! page so it is not an orphan. Never overwrites a file.
//!
//! Fields that cannot be known are filled so that `fieldbook check` passes at once (`owner`
//! with the first team of site.toml, `reviewed` with today, required texts with a sentence
//! saying what to write), each with a comment asking the author to confirm or replace it.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::bail;

use super::Ui;
use crate::config::{Config, Overrides};
use crate::diag::{did_you_mean, display_path};
use crate::load::{self, LoadError};
use crate::model::page::INDEX_NAMES;
use crate::model::{slug, Date, KIND_NAMES};

/// Runs `new`.
pub fn run(
    ui: &Ui,
    root: &Path,
    kind: &str,
    title: &str,
    section: Option<&str>,
) -> anyhow::Result<ExitCode> {
    if !KIND_NAMES.contains(&kind) {
        let hint = did_you_mean(kind, KIND_NAMES.iter().copied())
            .map_or_else(String::new, |h| format!("; {h}"));
        bail!(
            "unknown kind `{kind}`{hint} (kinds are {})",
            KIND_NAMES.join(", ")
        );
    }
    let title = title.trim();
    let file_slug = slug::slugify(title);
    if file_slug.is_empty() {
        bail!("cannot make a file name from the title `{title}`; use letters or digits in it");
    }
    let config = match load::config(root, &Overrides::default()) {
        Ok((config, _)) => config,
        Err(LoadError::Config(diagnostics)) => {
            ui.print_diagnostics(&diagnostics);
            bail!("site.toml has errors; fix them first");
        }
        Err(LoadError::Io(err)) => return Err(err),
    };
    let folder = match section {
        Some(section) => checked_section(section, &config)?,
        None => default_folder(kind).to_string(),
    };
    let in_content = if folder.is_empty() {
        format!("{file_slug}.md")
    } else {
        format!("{folder}/{file_slug}.md")
    };
    let today = Date::today().map_err(anyhow::Error::msg)?;
    let text = file_text(kind, title, &config, today);
    let content_dir = Path::new(&config.site.content_dir);
    let rel = display_path(&content_dir.join(&in_content));
    crate::write::create_new(root, &[(rel.clone(), text)])?;
    ui.status(&format!("created {rel}"));
    let section_dir = root.join(content_dir).join(&folder);
    match INDEX_NAMES
        .iter()
        .map(|n| section_dir.join(n))
        .find(|p| p.is_file())
    {
        Some(index) => {
            crate::write::append_list_item(
                &index,
                &format!("- [{}]({file_slug}.md)", escape_link_text(title)),
            )?;
            let index_rel = index.strip_prefix(root).unwrap_or(&index);
            ui.status(&format!("listed it in {}", display_path(index_rel)));
        }
        None => ui.status(
            "note: no page links to it yet; link to it from a related page so readers find it",
        ),
    }
    ui.status("next: fill in the fields marked in its front matter, then run `fieldbook check`");
    Ok(ExitCode::SUCCESS)
}

/// Where each kind goes without `--section`, relative to the content folder.
fn default_folder(kind: &str) -> &'static str {
    match kind {
        "playbook" => "playbooks",
        "framework" => "frameworks",
        "coaching" => "coaching",
        _ => "",
    }
}

/// `--section` as a clean relative folder, outside the folders of generated pages.
fn checked_section(section: &str, config: &Config) -> anyhow::Result<String> {
    let cleaned = section.trim().trim_matches('/');
    let segments: Vec<&str> = cleaned.split('/').collect();
    if cleaned.is_empty() {
        return Ok(String::new());
    }
    if section.contains('\\')
        || segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == ".." || s.contains(':'))
    {
        bail!("`--section {section}` must be a folder below the content folder, like `playbooks/objections`");
    }
    let top = crate::model::slug::segment_slug(segments[0]);
    if let Some((folder, what)) = config
        .routes
        .reserved()
        .into_iter()
        .find(|(folder, _)| *folder == top.as_str())
    {
        bail!("`{folder}/` is reserved for {what}; choose another section");
    }
    Ok(cleaned.to_string())
}

/// `[` and `]` would end a link's text early.
fn escape_link_text(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('[', "\\[")
        .replace(']', "\\]")
}

/// A double-quoted YAML string.
fn yaml_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Headings a kind should have: `[lint.headings]` when set, else the usual ones.
fn headings(kind: &str, config: &Config) -> Vec<String> {
    if let Some(list) = config.lint.headings.get(kind) {
        return list.clone();
    }
    let defaults: &[&str] = match kind {
        "playbook" => &["Steps", "Talk track", "Objections"],
        "framework" => &["How we use it"],
        "coaching" => &["How to observe", "Debrief"],
        _ => &[],
    };
    defaults.iter().map(|h| h.to_string()).collect()
}

/// What to write under a heading, as an HTML comment (invisible on the site).
fn heading_hint(heading: &str) -> &'static str {
    match heading.to_lowercase().as_str() {
        "steps" => "Numbered actions, with timing, that a rep can follow in the five minutes before acting.",
        "talk track" => "Words a rep can say or paste. Placeholders like {Company} stay as written.",
        "objections" => "A table: what the buyer says | a response | what to listen for.",
        "how we use it" => "How the team uses this framework stage by stage, and the minimum evidence before a demo or proposal.",
        "how to observe" => "Where and how a manager watches this skill: call recordings, ride-alongs, the CRM.",
        "debrief" => "How to run the conversation afterwards, in order.",
        _ => "Write this part.",
    }
}

/// Initials of the title's words, for a framework's `acronym`.
fn initials(title: &str) -> String {
    let letters: String = title
        .split_whitespace()
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect();
    if letters.is_empty() {
        "X".into()
    } else {
        letters
    }
}

/// The whole new file.
pub fn file_text(kind: &str, title: &str, config: &Config, today: Date) -> String {
    let mut fm = String::from("---\n");
    let line = |fm: &mut String, text: &str| {
        fm.push_str(text);
        fm.push('\n');
    };
    if kind != "page" {
        line(&mut fm, &format!("kind: {kind}"));
    }
    line(&mut fm, &format!("title: {}", yaml_string(title)));
    line(
        &mut fm,
        "# One or two plain sentences: the search snippet and the text of the page's card.",
    );
    let what = match kind {
        "playbook" => "what this play achieves and when to run it",
        "framework" => "which deals this framework qualifies and what it checks",
        "coaching" => "which skill this guide coaches and how",
        _ => "what this page is for",
    };
    line(
        &mut fm,
        &format!(
            "summary: {}",
            yaml_string(&format!("Say in one or two sentences {what}."))
        ),
    );
    let owner = config
        .teams
        .first()
        .map(|t| t.id.get_ref().clone())
        .or_else(|| config.people.first().map(|p| p.id.get_ref().clone()));
    line(
        &mut fm,
        "# Who keeps this page right: a team or person id from site.toml ([[teams]], [[people]]).",
    );
    match owner {
        Some(owner) => {
            line(
                &mut fm,
                "# Filled in with the first one there; confirm or change it.",
            );
            line(&mut fm, &format!("owner: {owner}"));
        }
        None => {
            line(
                &mut fm,
                "# site.toml declares no teams or people yet: add one there, then its id here.",
            );
            line(&mut fm, "owner:");
        }
    }
    line(
        &mut fm,
        "# The day the owner last confirmed this page is right (YYYY-MM-DD). Set to the day it",
    );
    line(
        &mut fm,
        "# was created; update it whenever the owner reviews the page, even if nothing changed.",
    );
    line(&mut fm, &format!("reviewed: {}", today.iso()));
    let first_stage = config
        .stages
        .iter()
        .find(|s| !s.terminal)
        .map_or_else(|| "discover".to_string(), |s| s.id.get_ref().clone());
    let first_role = config.roles.first().map(|r| r.id.get_ref().clone());
    let example_role = first_role.clone().unwrap_or_else(|| "ae".into());
    line(&mut fm, &format!("# Where in the sales process it applies: stage ids from [[stages]], e.g. [{first_stage}]."));
    line(&mut fm, "# stages: []");
    if kind != "coaching" {
        line(
            &mut fm,
            &format!("# Who should read it: role ids from [[roles]], e.g. [{example_role}]."),
        );
        line(&mut fm, "# roles: []");
    }
    line(
        &mut fm,
        "# Which buyers it helps with: persona ids from [[personas]].",
    );
    line(&mut fm, "# personas: []");
    line(
        &mut fm,
        "# Topics it belongs to, and other pages to show as related (paths without `.md`).",
    );
    line(&mut fm, "# tags: []");
    line(&mut fm, "# related: []");
    match kind {
        "playbook" => playbook_fields(&mut fm),
        "framework" => framework_fields(&mut fm, title),
        "coaching" => coaching_fields(&mut fm, first_role.as_deref()),
        _ => {}
    }
    fm.push_str("---\n");
    let mut body = String::new();
    let wanted = headings(kind, config);
    if wanted.is_empty() {
        body.push_str("\n<!-- Write the page here. Link other pages by their file: [BANT](frameworks/bant.md). -->\n");
    }
    for heading in wanted {
        let _ = write!(
            body,
            "\n## {heading}\n\n<!-- {} -->\n",
            heading_hint(&heading)
        );
    }
    fm + &body
}

fn playbook_fields(fm: &mut String) {
    fm.push_str(concat!(
        "# The situation that starts this play: an event two reps would agree happened.\n",
        "trigger: \"Describe the observable event that starts this play.\"\n",
        "# The outcome: something the BUYER does (\"agrees to a working session\"), not a seller action.\n",
        "goal: \"Describe what the buyer will do when this play works.\"\n",
        "# Optional: what is visible afterwards, such as an accepted invite.\n",
        "# exit_signal: \"\"\n",
        "# Optional: prospecting, research, call-plan, discovery, qualification, deal-execution,\n",
        "# objection, competitive, expansion or manager.\n",
        "# play_type: \"\"\n",
        "# Optional: framework ids this play helps evidence, and criteria as framework/criterion.\n",
        "# frameworks: []\n",
        "# criteria: []\n",
        "# Optional: honest preparation time, and material to use (`external: true` only if cleared\n",
        "# for sharing outside the company).\n",
        "# time_needed: \"\"\n",
        "# assets:\n",
        "#   - {title: \"\", url: \"https://...\"}\n",
    ));
}

fn framework_fields(fm: &mut String, title: &str) {
    let _ = writeln!(
        fm,
        "# The letters of the framework, shown on its scorecard."
    );
    let _ = writeln!(fm, "acronym: {}", yaml_string(&initials(title)));
    fm.push_str(concat!(
        "# One entry per criterion. `id` is its anchor and how other pages refer to it\n",
        "# (framework-file-name/id), so keep it short: lower-case letters, digits and dashes.\n",
        "criteria:\n",
        "  - id: first-criterion\n",
        "    letter: \"\"\n",
        "    name: \"First criterion\"\n",
        "    definition: \"What this criterion means, in one sentence.\"\n",
        "    questions: [\"A discovery question that tests it\"]\n",
        "    evidence: [\"What the buyer says or does that proves it\"]\n",
        "    red_flags: [\"What suggests it is missing\"]\n",
        "# Optional: the scale reps score each criterion on (default 0 Unknown to 3 Proven),\n",
        "# which deals it fits, and where it comes from.\n",
        "# scale:\n",
        "#   - {score: 0, label: \"Unknown\", meaning: \"We have not asked yet.\"}\n",
        "# use_when: \"\"\n",
        "# origin: \"\"\n",
    ));
}

fn coaching_fields(fm: &mut String, first_role: Option<&str>) {
    fm.push_str(concat!(
        "# The one skill coached, narrow enough to observe in one call.\n",
        "skill: \"Name the skill this guide coaches\"\n",
        "# Who is coached: role ids from [[roles]] in site.toml.\n",
    ));
    match first_role {
        Some(role) => {
            let _ = writeln!(
                fm,
                "# Filled in with the first role there; confirm or change it."
            );
            let _ = writeln!(fm, "roles: [{role}]");
        }
        None => {
            let _ = writeln!(
                fm,
                "# site.toml declares no roles yet: add one there, then its id here."
            );
            let _ = writeln!(fm, "roles: []");
        }
    }
    fm.push_str(concat!(
        "# Optional: who coaches (role ids), where to observe, drills of under 30 minutes.\n",
        "# coach_roles: []\n",
        "# observe_in: [call-recording, ride-along]\n",
        "# practice: []\n",
        "# Things a manager can point to in a recording or the CRM, never traits.\n",
        "behaviours:\n",
        "  - \"Something a manager can see or hear the rep do\"\n",
        "# At least two levels, each a concrete description of what the manager would observe.\n",
        "rubric:\n",
        "  - {level: 1, label: \"Beginning\", looks_like: \"What the manager observes at this level.\"}\n",
        "  - {level: 2, label: \"Skilled\", looks_like: \"What the manager observes at this level.\"}\n",
        "  - {level: 3, label: \"Expert\", looks_like: \"What the manager observes at this level.\"}\n",
        "# Open questions for the debrief that let the rep find the gap before being told.\n",
        "coaching_questions:\n",
        "  - \"What did you want the buyer to agree to by the end, and did they?\"\n",
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_strings_are_quoted() {
        assert_eq!(
            yaml_string("Objections: \"price\""),
            "\"Objections: \\\"price\\\"\""
        );
        assert_eq!(yaml_string("a\\b"), "\"a\\\\b\"");
    }

    #[test]
    fn link_text_is_escaped() {
        assert_eq!(escape_link_text("[Draft] plan"), "\\[Draft\\] plan");
    }

    #[test]
    fn acronyms_from_titles() {
        assert_eq!(initials("Metrics, economic buyer and pain"), "MEBAP");
        assert_eq!(initials("  "), "X");
    }
}
