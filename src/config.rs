//! `site.toml` → [`Config`]. Unknown keys and wrong types are diagnostics with a position.
//! CLI overrides are applied once, in [`Config::apply_overrides`]. Reads no files itself.

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{did_you_mean, Diagnostic};
use crate::source::SourceFile;

/// The whole of `site.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// `[site]`: title and paths.
    pub site: SiteConfig,
    /// `[markdown]`.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// `[review]`: freshness intervals.
    #[serde(default)]
    pub review: ReviewConfig,
    /// `[lint]`.
    #[serde(default)]
    pub lint: LintConfig,
    /// `[search]`.
    #[serde(default)]
    pub search: SearchConfig,
    /// `[links]`: how strictly links are checked.
    #[serde(default)]
    pub links: LinksConfig,
    /// `[routes]`: folders of the generated pages.
    #[serde(default)]
    pub routes: RoutesConfig,
    /// `[[teams]]`.
    #[serde(default)]
    pub teams: Vec<Team>,
    /// `[[people]]`.
    #[serde(default)]
    pub people: Vec<Person>,
    /// `[[roles]]`: the seller-side audience.
    #[serde(default)]
    pub roles: Vec<Role>,
    /// `[[personas]]`: the buyer side.
    #[serde(default)]
    pub personas: Vec<Persona>,
    /// `[[stages]]`: the buyer-aligned process.
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// Free-form data for templates.
    #[serde(default)]
    pub extra: toml::Table,
}

/// `[site]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The only required key.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Absolute URL, used only for sitemap.xml and feed.xml.
    #[serde(default)]
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_content_dir")]
    pub content_dir: String,
    #[serde(default = "default_output_dir")]
    pub output_dir: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    /// Framework whose criteria the stage pages check.
    #[serde(default)]
    pub default_framework: Option<Spanned<String>>,
    /// "Edit this page" URL with a `{path}` placeholder.
    #[serde(default)]
    pub edit_url: Option<String>,
}

/// `[markdown]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    /// Keep raw HTML as written instead of sanitising it.
    pub unsafe_html: bool,
    pub smart_punctuation: bool,
    /// A syntect theme name; its colours become `static/syntax.css`.
    pub highlight_theme: String,
    /// The theme used for dark mode.
    pub highlight_theme_dark: String,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            unsafe_html: false,
            smart_punctuation: true,
            highlight_theme: "InspiredGitHub".into(),
            highlight_theme_dark: "base16-ocean.dark".into(),
        }
    }
}

/// `[review]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReviewConfig {
    pub every: Spanned<String>,
    pub warn_before: Spanned<String>,
    pub every_by_kind: std::collections::BTreeMap<String, Spanned<String>>,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            every: Spanned::new(0..0, "180d".into()),
            warn_before: Spanned::new(0..0, "14d".into()),
            every_by_kind: Default::default(),
        }
    }
}

/// `[lint]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LintConfig {
    /// H2 headings each kind should have.
    pub headings: std::collections::BTreeMap<String, Vec<String>>,
}

/// `[search]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    /// Groups of equivalent terms.
    pub synonyms: Vec<Vec<String>>,
    /// Whether the built-in sales acronyms are added to `synonyms`.
    pub default_synonyms: bool,
    /// Whether a search index is built at all.
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            synonyms: Vec::new(),
            default_synonyms: true,
            enabled: true,
        }
    }
}

/// `[links]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LinksConfig {
    /// `"error"` (default) or `"warning"`: how a broken internal link is reported.
    pub broken: Spanned<String>,
}

impl Default for LinksConfig {
    fn default() -> Self {
        LinksConfig {
            broken: Spanned::new(0..0, "error".into()),
        }
    }
}

/// `[routes]`: the top-level folder of each kind of generated page.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RoutesConfig {
    pub stages: String,
    pub process: String,
    pub health: String,
    pub print: String,
    pub owners: String,
    pub roles: String,
    pub personas: String,
    pub tags: String,
    pub search: String,
    /// The "What's new" page: recent changes from Git and recent reviews.
    pub whats_new: String,
    pub assets: String,
}

impl Default for RoutesConfig {
    fn default() -> Self {
        RoutesConfig {
            stages: "stages".into(),
            process: "process".into(),
            health: "health".into(),
            print: "print".into(),
            owners: "owners".into(),
            roles: "roles".into(),
            personas: "personas".into(),
            tags: "tags".into(),
            search: "search".into(),
            whats_new: "whats-new".into(),
            assets: "static".into(),
        }
    }
}

impl RoutesConfig {
    /// Every reserved folder with the name of its generated pages.
    pub fn reserved(&self) -> [(&str, &'static str); 11] {
        [
            (&self.stages, "stage pages"),
            (&self.process, "the process map"),
            (&self.health, "the health report"),
            (&self.print, "the print view"),
            (&self.owners, "owner pages"),
            (&self.roles, "role pages"),
            (&self.personas, "persona pages"),
            (&self.tags, "tag pages"),
            (&self.search, "the search page and index"),
            (&self.whats_new, "the \"What's new\" page"),
            (&self.assets, "theme assets"),
        ]
    }
}

/// `[[teams]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub contact: String,
}

/// `[[people]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub team: Option<Spanned<String>>,
}

/// `[[roles]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub id: Spanned<String>,
    pub name: String,
}

/// `[[personas]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Persona {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub deal_role: String,
    #[serde(default)]
    pub cares_about: Vec<String>,
    #[serde(default)]
    pub typical_objections: Vec<String>,
}

/// `[[stages]]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stage {
    pub id: Spanned<String>,
    pub name: String,
    #[serde(default)]
    pub order: i64,
    #[serde(default)]
    pub buyer_phase: String,
    #[serde(default)]
    pub goal: String,
    #[serde(default)]
    pub entry: Vec<String>,
    #[serde(default)]
    pub exit: Vec<String>,
    #[serde(default)]
    pub buyer_actions: Vec<String>,
    /// Criterion ids of `default_framework`.
    #[serde(default)]
    pub checks: Vec<Spanned<String>>,
    #[serde(default)]
    pub forecast: String,
    #[serde(default)]
    pub terminal: bool,
}

/// Overrides from the command line, applied once after loading.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
}

fn default_language() -> String {
    "en".into()
}
fn default_content_dir() -> String {
    "content".into()
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_theme() -> String {
    "default".into()
}

const TOP_KEYS: &[&str] = &[
    "site", "markdown", "review", "lint", "search", "links", "routes", "teams", "people", "roles",
    "personas", "stages", "extra",
];

impl Config {
    /// Parses and validates `site.toml`. Errors are diagnostics; warnings come back alongside.
    pub fn parse(source: &SourceFile) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        let mut config: Config = match toml::from_str(&source.text) {
            Ok(config) => config,
            Err(err) => return Err(vec![toml_error(source, &err)]),
        };
        config.clean_names();
        let diagnostics = config.validate(source);
        if diagnostics
            .iter()
            .any(|d| d.severity == crate::diag::Severity::Error)
        {
            return Err(diagnostics);
        }
        Ok((config, diagnostics))
    }

    /// Names shown as titles are cleaned like page titles: no bidi override or isolate
    /// controls (they make a tab title read differently from what it is), no control
    /// characters.
    fn clean_names(&mut self) {
        let clean = crate::model::page::clean_text;
        self.site.title = clean(&self.site.title);
        for team in &mut self.teams {
            team.name = clean(&team.name);
        }
        for person in &mut self.people {
            person.name = clean(&person.name);
        }
        for role in &mut self.roles {
            role.name = clean(&role.name);
        }
        for persona in &mut self.personas {
            persona.name = clean(&persona.name);
        }
        for stage in &mut self.stages {
            stage.name = clean(&stage.name);
        }
    }

    /// Applies command-line overrides.
    pub fn apply_overrides(&mut self, overrides: &Overrides) {
        if let Some(base_url) = &overrides.base_url {
            self.site.base_url = base_url.clone();
        }
    }

    fn validate(&self, source: &SourceFile) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let at = |d: Diagnostic, span: std::ops::Range<usize>| d.at(source, span.start, span.end);
        let mut check_id = |id: &Spanned<String>, what: &str, seen: &mut Vec<String>| {
            if !crate::model::slug::is_id(id.get_ref()) {
                out.push(
                    at(
                        Diagnostic::error(
                            "invalid-id",
                            format!("{what} id `{}` is not of the form [a-z0-9-]+", id.get_ref()),
                        ),
                        id.span(),
                    )
                    .with_help(format!(
                        "try `{}`",
                        crate::model::slug::slugify(id.get_ref())
                    )),
                );
            } else if seen.contains(id.get_ref()) {
                out.push(at(
                    Diagnostic::error(
                        "duplicate-id",
                        format!("{what} id `{}` is declared twice", id.get_ref()),
                    ),
                    id.span(),
                ));
            }
            seen.push(id.get_ref().clone());
        };
        let mut owners = Vec::new();
        for team in &self.teams {
            check_id(&team.id, "team", &mut owners);
        }
        for person in &self.people {
            check_id(&person.id, "person", &mut owners);
        }
        let mut seen = Vec::new();
        for role in &self.roles {
            check_id(&role.id, "role", &mut seen);
        }
        let mut seen = Vec::new();
        for persona in &self.personas {
            check_id(&persona.id, "persona", &mut seen);
        }
        let mut seen = Vec::new();
        for stage in &self.stages {
            check_id(&stage.id, "stage", &mut seen);
        }
        for person in &self.people {
            if let Some(team) = &person.team {
                if !self.teams.iter().any(|t| t.id.get_ref() == team.get_ref()) {
                    out.push(
                        at(
                            Diagnostic::error(
                                "unknown-id",
                                format!("unknown team `{}`", team.get_ref()),
                            ),
                            team.span(),
                        )
                        .with_help_opt(did_you_mean(
                            team.get_ref(),
                            self.teams.iter().map(|t| t.id.get_ref().as_str()),
                        )),
                    );
                }
            }
        }
        let durations = std::iter::once(&self.review.every)
            .chain(std::iter::once(&self.review.warn_before))
            .chain(self.review.every_by_kind.values());
        for duration in durations {
            if crate::model::date::parse_duration(duration.get_ref()).is_none() {
                out.push(
                    at(
                        Diagnostic::error(
                            "invalid-duration",
                            format!("`{}` is not a duration", duration.get_ref()),
                        ),
                        duration.span(),
                    )
                    .with_help("write a number and a unit: `90d`, `12w`, `6m` or `1y`"),
                );
            }
        }
        for kind in self
            .review
            .every_by_kind
            .keys()
            .chain(self.lint.headings.keys())
        {
            if !crate::model::KIND_NAMES.contains(&kind.as_str()) {
                out.push(
                    Diagnostic::error("unknown-kind", format!("unknown kind `{kind}`"))
                        .in_file(&source.path)
                        .with_help(format!("kinds are {}", crate::model::KIND_NAMES.join(", "))),
                );
            }
        }
        let broken = self.links.broken.get_ref();
        if broken != "error" && broken != "warning" {
            out.push(at(
                Diagnostic::error(
                    "invalid-value",
                    format!("`links.broken` must be `error` or `warning`, not `{broken}`"),
                ),
                self.links.broken.span(),
            ));
        }
        out
    }

    /// The review interval in days for a page kind.
    pub fn review_days(&self, kind: &str) -> i64 {
        let text = self
            .review
            .every_by_kind
            .get(kind)
            .unwrap_or(&self.review.every);
        crate::model::date::parse_duration(text.get_ref()).unwrap_or(180)
    }

    /// How many days before the due date a page counts as due soon.
    pub fn warn_days(&self) -> i64 {
        crate::model::date::parse_duration(self.review.warn_before.get_ref()).unwrap_or(14)
    }

    /// Whether broken internal links are only warnings.
    pub fn broken_links_are_warnings(&self) -> bool {
        self.links.broken.get_ref() == "warning"
    }
}

/// Turns a TOML error into a diagnostic, with a "did you mean" for unknown keys.
fn toml_error(source: &SourceFile, err: &toml::de::Error) -> Diagnostic {
    let message = err.message().trim().to_string();
    let mut diagnostic = Diagnostic::error("config", message.clone());
    if let Some(unknown) = message
        .strip_prefix("unknown field `")
        .and_then(|m| m.split('`').next())
    {
        let expected: Vec<&str> = message
            .split("expected ")
            .nth(1)
            .map_or_else(Vec::new, |rest| {
                rest.split('`').skip(1).step_by(2).collect()
            });
        let candidates: Vec<&str> = if expected.is_empty() {
            TOP_KEYS.to_vec()
        } else {
            expected
        };
        diagnostic = Diagnostic::error(
            "unknown-key",
            format!("unknown key `{unknown}` in site.toml"),
        )
        .with_help_opt(
            did_you_mean(unknown, candidates.iter().copied()).or_else(|| {
                Some(format!(
                    "expected one of {}",
                    candidates
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }),
        );
    } else if message.starts_with("missing field `title`") {
        diagnostic = diagnostic.with_help("add `title = \"My Handbook\"` under `[site]`");
    }
    match err.span() {
        Some(span) => diagnostic.at(source, span.start, span.end),
        None => diagnostic.in_file(&source.path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Vec<Diagnostic>> {
        Config::parse(&SourceFile::new("site.toml", text.to_string())).map(|(c, _)| c)
    }

    #[test]
    fn title_only() {
        let config = parse("[site]\ntitle = \"T\"\n").unwrap();
        assert_eq!(config.site.output_dir, "public");
        assert_eq!(config.review_days("playbook"), 180);
    }

    #[test]
    fn unknown_key_suggests() {
        let errors = parse("[site]\ntitle = \"T\"\nbase_ur = \"x\"\n").unwrap_err();
        assert_eq!(errors[0].message, "unknown key `base_ur` in site.toml");
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `base_url`?"));
        assert_eq!(errors[0].span.unwrap().line, 3);
    }

    #[test]
    fn bidi_controls_are_removed_from_names() {
        let config = parse(
            "[site]\ntitle = \"Hand\\u202ebook\"\n[[people]]\nid = \"m\"\nname = \"Mallory \\u202Eyrollam\\u202C\"\n[[stages]]\nid = \"s\"\nname = \"Dis\\u2066covery\\u2069\"\norder = 1\nbuyer_phase = \"p\"\nexit = [\"e\"]\n",
        )
        .unwrap();
        assert_eq!(config.site.title, "Handbook");
        assert_eq!(config.people[0].name, "Mallory yrollam");
        assert_eq!(config.stages[0].name, "Discovery");
    }

    #[test]
    fn bad_duration() {
        let errors = parse("[site]\ntitle = \"T\"\n[review]\nevery = \"soon\"\n").unwrap_err();
        assert_eq!(errors[0].message, "`soon` is not a duration");
    }
}
