//! One content file → one [`Page`]: its URL, kind, and front matter checked field by field
//! against its kind and site.toml. References between pages are checked in `tree`.

use crate::config::Config;
use crate::diag::{did_you_mean, Diagnostic};
use crate::load::front_matter::{self, FrontMatter, Split};
use crate::model::{slug, title, Date, Heading, TextSection};
use crate::source::SourceFile;

/// The kind of a page, with the fields only that kind has.
#[derive(Debug, Clone, Default)]
pub enum PageKind {
    /// Prose.
    #[default]
    Page,
    /// A play for one selling moment.
    Playbook(Playbook),
    /// A qualification framework.
    Framework(Framework),
    /// A coaching guide.
    Coaching(Coaching),
}

impl PageKind {
    /// `playbook`, `framework`, `coaching` or `page`.
    pub fn name(&self) -> &'static str {
        match self {
            PageKind::Page => "page",
            PageKind::Playbook(_) => "playbook",
            PageKind::Framework(_) => "framework",
            PageKind::Coaching(_) => "coaching",
        }
    }
}

/// Playbook fields.
#[derive(Debug, Clone, Default)]
pub struct Playbook {
    pub trigger: String,
    pub goal: String,
    pub exit_signal: String,
    pub play_type: String,
    pub time_needed: String,
    pub frameworks: Vec<String>,
    pub criteria: Vec<String>,
    pub assets: Vec<Asset>,
}

/// A playbook asset; `url` is absolute or a page path.
#[derive(Debug, Clone, Default)]
pub struct Asset {
    pub title: String,
    pub url: String,
    pub external: bool,
}

/// Framework fields.
#[derive(Debug, Clone, Default)]
pub struct Framework {
    pub acronym: String,
    pub criteria: Vec<Criterion>,
    pub scale: Vec<ScaleLevel>,
    pub use_when: String,
    pub origin: String,
}

/// A framework criterion.
#[derive(Debug, Clone, Default)]
pub struct Criterion {
    pub id: String,
    pub name: String,
    pub letter: String,
    pub definition: String,
    pub questions: Vec<String>,
    pub evidence: Vec<String>,
    pub red_flags: Vec<String>,
}

/// A scale level.
#[derive(Debug, Clone, Default)]
pub struct ScaleLevel {
    pub score: i64,
    pub label: String,
    pub meaning: String,
}

/// Coaching guide fields.
#[derive(Debug, Clone, Default)]
pub struct Coaching {
    pub skill: String,
    pub behaviours: Vec<String>,
    pub rubric: Vec<RubricLevel>,
    pub coaching_questions: Vec<String>,
    pub coach_roles: Vec<String>,
    pub observe_in: Vec<String>,
    pub practice: Vec<String>,
    pub frameworks: Vec<String>,
    pub criteria: Vec<String>,
}

/// A rubric level.
#[derive(Debug, Clone, Default)]
pub struct RubricLevel {
    pub level: i64,
    pub label: String,
    pub looks_like: String,
}

/// Lifecycle status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Status {
    Draft,
    #[default]
    Published,
    Deprecated,
}

/// A page of the site.
#[derive(Debug, Clone, Default)]
pub struct Page {
    /// The file, `None` for a section page made for a folder without an index file.
    pub source: Option<SourceFile>,
    /// Path relative to content/, `/`-separated (`playbooks/cold-call.md`); for an implicit
    /// section, its folder (`playbooks`).
    pub rel: String,
    /// Path relative to content/ without extension, as `related:` names it.
    pub key: String,
    /// Site-relative URL ending in `/` (home: empty).
    pub url: String,
    /// Whether this is a folder's section page.
    pub is_section: bool,
    /// The folder a section page stands for, or the folder holding a regular page.
    pub dir: String,
    /// The folder holding the file: relative links in its body start here.
    pub link_dir: String,
    /// Section page index of the parent (none for home).
    pub parent: Option<usize>,
    /// Child pages and subsections, sorted.
    pub children: Vec<usize>,
    pub title: String,
    pub summary: String,
    pub kind: PageKind,
    pub status: Status,
    pub owner: Option<String>,
    pub replaced_by: Option<String>,
    pub reviewed: Option<Date>,
    pub review_every: Option<i64>,
    pub expires: Option<Date>,
    pub stages: Vec<String>,
    pub roles: Vec<String>,
    pub personas: Vec<String>,
    pub tags: Vec<String>,
    pub keywords: Vec<String>,
    pub related: Vec<String>,
    pub order: Option<i64>,
    pub aliases: Vec<String>,
    pub has_front_matter: bool,
    /// Where the Markdown body starts.
    pub body_offset: usize,
    /// Where the YAML is, for pointing at values.
    pub yaml: Option<(usize, usize)>,
    /// Rendered body HTML (filled by the markdown stage).
    pub html: String,
    /// Headings (filled by the markdown stage).
    pub headings: Vec<Heading>,
    /// Searchable text by section (filled by the markdown stage).
    pub text: Vec<TextSection>,
    /// Word count of the body.
    pub words: usize,
    /// First H1 of the body, used as title when there is no front matter.
    pub h1: Option<String>,
    /// Free-form `extra:` data, as JSON.
    pub extra: serde_json::Value,
}

impl Page {
    /// Points a diagnostic at the value of front matter `key` (or at `needle` inside it).
    pub fn at_key(&self, diagnostic: Diagnostic, key: &str, needle: Option<&str>) -> Diagnostic {
        let Some(source) = &self.source else {
            return diagnostic;
        };
        if let Some(yaml) = self.yaml {
            if let Some(needle) = needle {
                if let Some((s, e)) = front_matter::value_range(source, yaml, key, needle) {
                    return diagnostic.at(source, s, e);
                }
            }
            if let Some((line, col)) = front_matter::key_position(source, yaml.0, yaml.1, key) {
                return diagnostic.at_line_col(source, line, col, key.len());
            }
            let (line, _) = source.line_col(0);
            return diagnostic.at_line_col(source, line, 1, 3);
        }
        diagnostic.in_file(&source.path)
    }

    /// The source path for messages.
    pub fn display_path(&self) -> String {
        self.source
            .as_ref()
            .map_or_else(|| self.rel.clone(), |s| crate::diag::display_path(&s.path))
    }

    /// Criterion refs of a playbook or coaching guide.
    pub fn criteria_refs(&self) -> &[String] {
        match &self.kind {
            PageKind::Playbook(p) => &p.criteria,
            PageKind::Coaching(c) => &c.criteria,
            _ => &[],
        }
    }

    /// Framework ids named by a playbook or coaching guide.
    pub fn framework_refs(&self) -> &[String] {
        match &self.kind {
            PageKind::Playbook(p) => &p.frameworks,
            PageKind::Coaching(c) => &c.frameworks,
            _ => &[],
        }
    }
}

/// Section index file names, in order of preference.
pub const INDEX_NAMES: &[&str] = &["_index.md", "index.md", "README.md", "readme.md"];

/// Builds a page from its file: URL, kind, and every front-matter rule that needs only
/// site.toml. Never fails: problems become diagnostics and the page keeps what was valid.
pub fn from_source(source: SourceFile, rel: String, config: &Config) -> (Page, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let split = match front_matter::split(&source) {
        Ok(split) => split,
        Err(d) => {
            diagnostics.push(d);
            Split {
                yaml: None,
                body: 0,
            }
        }
    };
    let (front, fm_diags) = front_matter::parse(&source, split);
    // After a YAML error the fields are unknown; don't also report them as missing.
    let yaml_failed = fm_diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    diagnostics.extend(fm_diags);
    let (dir, file_name) = match rel.rsplit_once('/') {
        Some((dir, name)) => (dir.to_string(), name.to_string()),
        None => (String::new(), rel.clone()),
    };
    let is_section = INDEX_NAMES
        .iter()
        .any(|n| n.eq_ignore_ascii_case(&file_name));
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(s, _)| s)
        .to_string();
    let key = if dir.is_empty() {
        stem.clone()
    } else {
        format!("{dir}/{stem}")
    };
    let mut page = Page {
        rel: rel.clone(),
        key,
        is_section,
        dir: dir.clone(),
        link_dir: dir.clone(),
        body_offset: split.body,
        yaml: split.yaml,
        has_front_matter: split.yaml.is_some(),
        h1: title::first_h1(&source.text[split.body..]),
        ..Page::default()
    };
    page.source = Some(source);
    let front = front.unwrap_or_default();
    let slug_override = if yaml_failed {
        page.title = front.title.map(|t| t.0).unwrap_or_default();
        None
    } else {
        apply_front_matter(&mut page, front, config, &mut diagnostics)
    };
    page.url = url_for(&dir, &stem, is_section, slug_override.as_deref());
    if page.title.is_empty() {
        page.title = page.h1.as_deref().map(clean_text).unwrap_or_else(|| {
            slug::humanize(if is_section {
                dir.rsplit('/').next().unwrap_or("")
            } else {
                &stem
            })
        });
        if page.title.is_empty() {
            page.title = config.site.title.clone();
        }
    }
    (page, diagnostics)
}

/// The URL of a page: each folder segment slugified, then the slug or file stem.
pub fn url_for(dir: &str, stem: &str, is_section: bool, slug_override: Option<&str>) -> String {
    let mut url = String::new();
    for segment in dir.split('/').filter(|s| !s.is_empty()) {
        url.push_str(&slug::segment_slug(segment));
        url.push('/');
    }
    if !is_section {
        url.push_str(&slug_override.map_or_else(|| slug::segment_slug(stem), str::to_string));
        url.push('/');
    }
    url
}

fn text(value: Option<front_matter::Text>) -> String {
    value.map(|t| clean_text(&t.0)).unwrap_or_default()
}

/// Front-matter text as shown in titles, cards and search: trimmed, with bidirectional
/// override and isolate controls removed (they can make a title read differently from what
/// it is) and other control characters dropped.
pub fn clean_text(text: &str) -> String {
    text.trim()
        .chars()
        .filter(|&c| !matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}'))
        .filter(|&c| !c.is_control() || c == '\n' || c == '\t')
        .collect()
}

/// Copies front matter into the page, checking each field. Returns the `slug` if valid.
fn apply_front_matter(
    page: &mut Page,
    fm: FrontMatter,
    config: &Config,
    out: &mut Vec<Diagnostic>,
) -> Option<String> {
    let has_fm = page.has_front_matter;
    page.title = text(fm.title.clone());
    page.summary = text(fm.summary.clone());
    if has_fm && page.title.is_empty() && page.yaml.is_some_and(|(s, e)| s < e) {
        // A legacy page whose title is its first heading still builds; without one it cannot.
        let d = match &page.h1 {
            Some(h1) => Diagnostic::warning(
                "missing-title",
                format!("front matter has no `title`; using the first heading `{h1}`"),
            ),
            None => Diagnostic::error("missing-field", "missing required field `title`"),
        };
        out.push(
            page.at_key(d, "title", None)
                .with_help("add `title: ...` to the front matter"),
        );
    }
    page.order = fm.order;
    page.extra = fm
        .extra
        .clone()
        .and_then(|v| serde_json::to_value(v).ok())
        .unwrap_or(serde_json::Value::Null);
    let kind_name = fm
        .kind
        .as_ref()
        .map_or("page", |k| k.as_str())
        .trim()
        .to_string();
    if !KIND_LIST.contains(&kind_name.as_str()) {
        out.push(
            page.at_key(
                Diagnostic::error("unknown-kind", format!("unknown kind `{kind_name}`")),
                "kind",
                Some(&kind_name),
            )
            .with_help_opt(
                did_you_mean(&kind_name, KIND_LIST.iter().copied())
                    .or_else(|| Some(format!("kinds are {}", KIND_LIST.join(", ")))),
            ),
        );
    }
    page.status = match fm.status.as_ref().map(|s| s.as_str().trim()) {
        None | Some("published") => Status::Published,
        Some("draft") => Status::Draft,
        Some("deprecated") => Status::Deprecated,
        Some(other) => {
            out.push(
                page.at_key(
                    Diagnostic::error("invalid-value", format!("unknown status `{other}`")),
                    "status",
                    Some(other),
                )
                .with_help_opt(
                    did_you_mean(other, ["draft", "published", "deprecated"])
                        .or_else(|| Some("status is `draft`, `published` or `deprecated`".into())),
                ),
            );
            Status::Published
        }
    };
    if fm.draft == Some(true) {
        page.status = Status::Draft;
    }
    page.owner = fm
        .owner
        .as_ref()
        .map(|o| o.0.trim().to_string())
        .filter(|o| !o.is_empty());
    if let Some(owner) = &page.owner {
        let known = config
            .teams
            .iter()
            .map(|t| t.id.get_ref().as_str())
            .chain(config.people.iter().map(|p| p.id.get_ref().as_str()));
        if !known.clone().any(|k| k == owner) {
            out.push(
                page.at_key(
                    Diagnostic::error("unknown-id", format!("unknown owner `{owner}`")),
                    "owner",
                    Some(owner),
                )
                .with_help_opt(did_you_mean(owner, known).or_else(|| {
                    Some("owners are the `id`s of `[[teams]]` and `[[people]]` in site.toml".into())
                })),
            );
        }
    }
    page.replaced_by = fm.replaced_by.as_ref().map(|r| {
        r.0.trim()
            .trim_end_matches(".md")
            .trim_matches('/')
            .to_string()
    });
    page.reviewed = date_field(page, "reviewed", fm.reviewed.as_ref(), out);
    page.expires = date_field(page, "expires", fm.expires.as_ref(), out);
    if let Some(every) = &fm.review_every {
        match crate::model::date::parse_duration(every.as_str()) {
            Some(days) => page.review_every = Some(days),
            None => out.push(
                page.at_key(
                    Diagnostic::error(
                        "invalid-duration",
                        format!("`{}` is not a duration", every.as_str()),
                    ),
                    "review_every",
                    Some(every.as_str()),
                )
                .with_help("write a number and a unit: `90d`, `12w`, `6m` or `1y`"),
            ),
        }
    }
    page.stages = checked_ids(
        page,
        "stages",
        &fm.stages.0,
        config.stages.iter().map(|s| s.id.get_ref().as_str()),
        "stage",
        out,
    );
    page.roles = checked_ids(
        page,
        "roles",
        &fm.roles.0,
        config.roles.iter().map(|s| s.id.get_ref().as_str()),
        "role",
        out,
    );
    page.personas = checked_ids(
        page,
        "personas",
        &fm.personas.0,
        config.personas.iter().map(|s| s.id.get_ref().as_str()),
        "persona",
        out,
    );
    page.tags = fm
        .tags
        .0
        .iter()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect();
    page.keywords = fm.keywords.0.clone();
    page.related = fm
        .related
        .0
        .iter()
        .map(|r| {
            r.trim()
                .trim_end_matches(".md")
                .trim_matches('/')
                .to_string()
        })
        .collect();
    page.aliases = fm.aliases.0.clone();
    let slug_override = fm
        .slug
        .as_ref()
        .map(|s| s.0.trim().to_string())
        .and_then(|s| {
            if slug::is_id(&s) {
                Some(s)
            } else {
                out.push(
                    page.at_key(
                        Diagnostic::error(
                            "invalid-slug",
                            format!("slug `{s}` may only contain a-z, 0-9 and -"),
                        ),
                        "slug",
                        Some(&s),
                    )
                    .with_help(format!("try `{}`", slug::slugify(&s))),
                );
                None
            }
        });
    let required = ["summary", "owner", "reviewed"];
    if kind_name != "page" && KIND_LIST.contains(&kind_name.as_str()) {
        let present = [
            !page.summary.is_empty(),
            page.owner.is_some(),
            fm.reviewed.is_some(),
        ];
        for (field, ok) in required.iter().zip(present) {
            if !ok {
                out.push(missing(page, field, &kind_name));
            }
        }
    }
    page.kind = match kind_name.as_str() {
        "playbook" => PageKind::Playbook(playbook(page, &fm, config, out)),
        "framework" => PageKind::Framework(framework(page, &fm, out)),
        "coaching" => PageKind::Coaching(coaching(page, &fm, config, out)),
        _ => PageKind::Page,
    };
    slug_override
}

const KIND_LIST: &[&str] = crate::model::KIND_NAMES;

fn missing(page: &Page, field: &str, kind: &str) -> Diagnostic {
    let d = Diagnostic::error(
        "missing-field",
        format!("missing required field `{field}` for a {kind}"),
    );
    page.at_key(d, "kind", None)
        .with_help(format!("add `{field}:` to the front matter"))
}

fn date_field(
    page: &Page,
    key: &str,
    value: Option<&front_matter::Text>,
    out: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let value = value?;
    let parsed = Date::parse(value.as_str());
    if parsed.is_none() {
        out.push(
            page.at_key(
                Diagnostic::error(
                    "invalid-date",
                    format!("`{}` is not a date", value.as_str()),
                ),
                key,
                Some(value.as_str()),
            )
            .with_help("write dates as YYYY-MM-DD, e.g. `2026-03-31`"),
        );
    }
    parsed
}

fn checked_ids<'a>(
    page: &Page,
    key: &str,
    ids: &[String],
    known: impl Iterator<Item = &'a str> + Clone,
    what: &str,
    out: &mut Vec<Diagnostic>,
) -> Vec<String> {
    let mut kept = Vec::new();
    for id in ids {
        let id = id.trim();
        if known.clone().any(|k| k == id) {
            if !kept.iter().any(|k| k == id) {
                kept.push(id.to_string());
            }
        } else {
            let plural = format!("[[{key}]]");
            out.push(
                page.at_key(
                    Diagnostic::error("unknown-id", format!("unknown {what} `{id}`")),
                    key,
                    Some(id),
                )
                .with_help_opt(
                    did_you_mean(id, known.clone())
                        .or_else(|| Some(format!("declare it under `{plural}` in site.toml"))),
                ),
            );
        }
    }
    kept
}

fn playbook(
    page: &Page,
    fm: &FrontMatter,
    _config: &Config,
    out: &mut Vec<Diagnostic>,
) -> Playbook {
    for (field, value) in [("trigger", &fm.trigger), ("goal", &fm.goal)] {
        if value.as_ref().is_none_or(|v| v.0.trim().is_empty()) {
            out.push(missing(page, field, "playbook"));
        }
    }
    Playbook {
        trigger: text(fm.trigger.clone()),
        goal: text(fm.goal.clone()),
        exit_signal: text(fm.exit_signal.clone()),
        play_type: text(fm.play_type.clone()),
        time_needed: text(fm.time_needed.clone()),
        frameworks: fm.frameworks.0.clone(),
        criteria: criterion_refs(page, fm, out),
        assets: fm
            .assets
            .iter()
            .map(|a| Asset {
                title: a.title.0.clone(),
                url: a.url.0.trim().to_string(),
                external: a.external,
            })
            .collect(),
    }
}

fn criterion_refs(page: &Page, fm: &FrontMatter, out: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut refs = Vec::new();
    for value in &fm.criteria {
        match front_matter::criterion_ref(value) {
            Some(r) => refs.push(r.trim().to_string()),
            None => out.push(page.at_key(Diagnostic::error("invalid-type", "criteria here are references like `meddpicc/champion`"), "criteria", None)
                .with_help("only framework pages define criteria; other kinds list `framework/criterion` ids")),
        }
    }
    refs
}

fn framework(page: &Page, fm: &FrontMatter, out: &mut Vec<Diagnostic>) -> Framework {
    if fm.acronym.as_ref().is_none_or(|v| v.0.trim().is_empty()) {
        out.push(missing(page, "acronym", "framework"));
    }
    if fm.criteria.is_empty() {
        out.push(missing(page, "criteria", "framework"));
    }
    let mut criteria: Vec<Criterion> = Vec::new();
    for value in &fm.criteria {
        let needle = front_matter::criterion_id(value);
        match front_matter::criterion_def(value) {
            Ok(def) => {
                let id = def.id.0.trim().to_string();
                if !slug::is_id(&id) {
                    out.push(
                        page.at_key(
                            Diagnostic::error(
                                "invalid-id",
                                format!("criterion id `{id}` is not of the form [a-z0-9-]+"),
                            ),
                            "criteria",
                            Some(&id),
                        )
                        .with_help(format!("try `{}`", slug::slugify(&id))),
                    );
                } else if criteria.iter().any(|c| c.id == id) {
                    out.push(page.at_key(
                        Diagnostic::error(
                            "duplicate-id",
                            format!("criterion `{id}` is defined twice"),
                        ),
                        "criteria",
                        Some(&id),
                    ));
                }
                criteria.push(Criterion {
                    id,
                    name: def.name.0,
                    letter: text(def.letter),
                    definition: text(def.definition),
                    questions: def.questions.0,
                    evidence: def.evidence.0,
                    red_flags: def.red_flags.0,
                });
            }
            Err(err) => {
                let message = err.split(" at line ").next().unwrap_or(&err).to_string();
                let message = if value.is_string() {
                    "a framework's criteria must be mappings with `id` and `name`".to_string()
                } else {
                    format!("invalid criterion: {message}")
                };
                out.push(page.at_key(Diagnostic::error("invalid-criterion", message), "criteria", needle.as_deref())
                    .with_help("each criterion needs `id` and `name`, and may have `letter`, `definition`, `questions`, `evidence`, `red_flags`"));
            }
        }
    }
    let scale = fm
        .scale
        .iter()
        .map(|s| ScaleLevel {
            score: s.score,
            label: s.label.0.clone(),
            meaning: s.meaning.clone().map(|m| m.0).unwrap_or_default(),
        })
        .collect();
    Framework {
        acronym: text(fm.acronym.clone()),
        criteria,
        scale,
        use_when: text(fm.use_when.clone()),
        origin: text(fm.origin.clone()),
    }
}

fn coaching(page: &Page, fm: &FrontMatter, config: &Config, out: &mut Vec<Diagnostic>) -> Coaching {
    let checks: [(&str, bool); 5] = [
        (
            "skill",
            fm.skill.as_ref().is_some_and(|s| !s.0.trim().is_empty()),
        ),
        ("roles", !fm.roles.0.is_empty()),
        ("behaviours", !fm.behaviours.0.is_empty()),
        ("rubric", !fm.rubric.is_empty()),
        ("coaching_questions", !fm.coaching_questions.0.is_empty()),
    ];
    for (field, ok) in checks {
        if !ok {
            out.push(missing(page, field, "coaching guide"));
        }
    }
    if fm.rubric.len() == 1 {
        out.push(
            page.at_key(
                Diagnostic::error("rubric-too-short", "a rubric needs at least 2 levels"),
                "rubric",
                None,
            )
            .with_help(
                "describe what each level looks like, e.g. 1 \"Winging it\" to 4 \"Orchestrated\"",
            ),
        );
    }
    let coach_roles = checked_ids(
        page,
        "coach_roles",
        &fm.coach_roles.0,
        config.roles.iter().map(|r| r.id.get_ref().as_str()),
        "role",
        out,
    );
    Coaching {
        skill: text(fm.skill.clone()),
        behaviours: fm.behaviours.0.clone(),
        rubric: fm
            .rubric
            .iter()
            .map(|r| RubricLevel {
                level: r.level,
                label: r.label.0.clone(),
                looks_like: r.looks_like.0.clone(),
            })
            .collect(),
        coaching_questions: fm.coaching_questions.0.clone(),
        coach_roles,
        observe_in: fm.observe_in.0.clone(),
        practice: fm.practice.0.clone(),
        frameworks: fm.frameworks.0.clone(),
        criteria: criterion_refs(page, fm, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        assert_eq!(
            url_for("playbooks", "cold-call", false, None),
            "playbooks/cold-call/"
        );
        assert_eq!(url_for("playbooks", "_index", true, None), "playbooks/");
        assert_eq!(url_for("", "_index", true, None), "");
        assert_eq!(
            url_for("Team Docs", "Über uns", false, None),
            "team-docs/uber-uns/"
        );
        assert_eq!(url_for("a", "x", false, Some("y")), "a/y/");
    }

    #[test]
    fn bidi_controls_are_removed_from_titles() {
        assert_eq!(
            clean_text("  Pay\u{202e}gnp.exe\u{2066}x\u{0007} "),
            "Paygnp.exex"
        );
    }
}
