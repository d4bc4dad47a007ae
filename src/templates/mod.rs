//! Tera 2 set-up: loads the theme's templates (with the site's overrides) and turns tera's
//! errors into diagnostics that name the template file, its line, and the page being
//! rendered. The only module, with `render`, that imports tera.

use crate::diag::Diagnostic;
use crate::source::SourceFile;

/// The compiled templates.
pub struct Templates {
    tera: tera::Tera,
    sources: Vec<SourceFile>,
}

/// Template names every theme must provide.
pub const REQUIRED: &[&str] = &["page.html", "section.html"];

impl Templates {
    /// Compiles every template. All syntax errors are reported, not only the first.
    pub fn load(sources: Vec<SourceFile>) -> Result<Templates, Vec<Diagnostic>> {
        let mut tera = tera::Tera::default();
        tera.autoescape_on([".html", ".xml"]);
        tera.set_escape_fn(escape_html);
        let mut errors = Vec::new();
        let named: Vec<(String, String)> = sources
            .iter()
            .map(|s| (crate::load::template_name(s).to_string(), s.text.clone()))
            .collect();
        if let Err(err) =
            tera.add_raw_templates(named.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        {
            errors.push(template_error(&sources, &err, None));
        }
        for name in REQUIRED {
            if !named.iter().any(|(n, _)| n == name) {
                errors.push(
                    Diagnostic::error("missing-template", format!("template `{name}` not found"))
                        .with_help("add it to `templates/` or use a theme that has it"),
                );
            }
        }
        if errors.is_empty() {
            Ok(Templates { tera, sources })
        } else {
            Err(errors)
        }
    }

    /// Sets values every template sees (`site`, `build`), converted once per build.
    pub fn set_globals(&mut self, values: &[(&'static str, &serde_json::Value)]) {
        let globals = self.tera.global_context();
        for (key, value) in values {
            globals.insert(*key, *value);
        }
    }

    /// A hash of every template's name and text: equal fingerprints render alike.
    pub fn fingerprint(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for source in &self.sources {
            (&source.path, &source.text).hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether a template of that name exists.
    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name` with a context of Tera values (see `render::context::to_tera`).
    /// `page` names what was being rendered.
    pub fn render_context(
        &self,
        name: &str,
        context: &tera::Context,
        page: &str,
    ) -> Result<String, Diagnostic> {
        self.tera
            .render(name, context)
            .map_err(|err| template_error(&self.sources, &err, Some(page)))
    }

    /// Like [`Templates::render_context`], as the bytes of a file, into a buffer of `capacity`
    /// bytes to start with (0: the template's own estimate): a page or print view whose size
    /// is known roughly is then written without the buffer doubling and being copied as it
    /// grows. The bytes are UTF-8 (Tera writes only what it holds as `str`); they go to a file
    /// as they are, so they are not checked again.
    pub fn render_file_sized(
        &self,
        name: &str,
        context: &tera::Context,
        page: &str,
        capacity: usize,
    ) -> Result<Vec<u8>, Diagnostic> {
        if capacity == 0 {
            return Ok(self.render_context(name, context, page)?.into_bytes());
        }
        let mut out = Vec::with_capacity(capacity);
        self.tera
            .render_to(name, context, &mut out)
            .map_err(|err| template_error(&self.sources, &err, Some(page)))?;
        Ok(out)
    }

    /// Renders `name` with a serialisable context. `page` names what was being rendered.
    pub fn render(
        &self,
        name: &str,
        context: &impl serde::Serialize,
        page: &str,
    ) -> Result<String, Diagnostic> {
        let context = tera::Context::from_serialize(context)
            .map_err(|err| template_error(&self.sources, &err, Some(page)))?;
        self.tera
            .render(name, &context)
            .map_err(|err| template_error(&self.sources, &err, Some(page)))
    }
}

/// Escapes `&<>"'` like Tera's own escaping, but writes the runs between them in one go
/// (Tera's default writes byte by byte, which was a tenth of a large build).
fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let special = |b: u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    // Most values (titles, URLs, dates) need no escaping; this check has no early exit, so
    // the compiler makes it a vector loop.
    if !bytes.iter().fold(false, |found, &b| found | special(b)) {
        return out.write_all(bytes);
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// Turns a tera error into a diagnostic at the template's file and line.
fn template_error(sources: &[SourceFile], err: &tera::Error, page: Option<&str>) -> Diagnostic {
    let report = match err.kind() {
        tera::ErrorKind::SyntaxError(report) | tera::ErrorKind::RenderingError(report) => {
            Some(report)
        }
        _ => None,
    };
    let mut message = match report {
        Some(r) => r.message().to_string(),
        None => err.to_string(),
    };
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        message.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    let message = message.trim_start_matches("error: ").to_string();
    let mut d = Diagnostic::error(
        "template",
        format!("template error: {}", lowercase_first(&message)),
    );
    if let Some(report) = report {
        let file = sources
            .iter()
            .find(|s| crate::load::template_name(s) == report.filename());
        if let Some(file) = file {
            let span = report.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            d = d.at_line_col(file, span.start_line.max(1), span.start_col + 1, len.max(1));
        } else if !report.filename().is_empty() {
            d = d.in_file(std::path::Path::new(&format!(
                "templates/{}",
                report.filename()
            )));
        }
    } else if let tera::ErrorKind::TemplateNotFound(name) = err.kind() {
        d.message = format!("template `{name}` not found");
        d = d.with_help("add it to the theme's or the site's `templates/` folder");
    }
    if let Some(page) = page {
        let note = format!("while rendering `{page}`");
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h} ({note})"),
            None => note,
        });
    }
    d
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(c) if chars.clone().next().is_some_and(|n| n.is_lowercase()) => {
            c.to_lowercase().chain(chars).collect()
        }
        Some(c) => std::iter::once(c).chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(name: &str, text: &str) -> SourceFile {
        SourceFile::new(format!("templates/{name}"), text.to_string())
    }

    #[test]
    fn text_without_special_characters_is_written_as_is() {
        for text in [
            "",
            "Discovery call",
            "playbooks/cold-call/",
            "caf\u{e9} \u{2014} 2026",
        ] {
            let mut out = Vec::new();
            escape_html(text, &mut out).unwrap();
            assert_eq!(out, text.as_bytes());
        }
        let mut out = Vec::new();
        escape_html("x'", &mut out).unwrap();
        assert_eq!(out, b"x&#39;");
    }

    #[test]
    fn escaping_covers_the_five_characters() {
        let mut out = Vec::new();
        escape_html("a&b<c>d\"e'f\u{e9}", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "a&amp;b&lt;c&gt;d&quot;e&#39;f\u{e9}"
        );
        let mut out = Vec::new();
        escape_html("", &mut out).unwrap();
        assert!(out.is_empty());
    }

    #[test]
    fn syntax_error_names_file_and_line() {
        let errors = Templates::load(vec![
            src("page.html", "ok\n{% if %}\n"),
            src("section.html", ""),
        ])
        .err()
        .unwrap();
        let d = &errors[0];
        assert_eq!(
            d.file.as_deref(),
            Some(std::path::Path::new("templates/page.html"))
        );
        assert_eq!(d.span.unwrap().line, 2);
    }

    #[test]
    fn render_error_names_page() {
        let t = Templates::load(vec![
            src("page.html", "{{ nope.x }}"),
            src("section.html", ""),
        ])
        .ok()
        .unwrap();
        let d = t
            .render("page.html", &serde_json::json!({}), "content/a.md")
            .unwrap_err();
        assert!(d.help.unwrap().contains("while rendering `content/a.md`"));
    }
}
