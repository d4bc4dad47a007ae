//! What `serve` adds to pages, and only when serving: the live-reload script tag injected
//! before `</body>`, the script itself, the page shown while no build has succeeded, and the
//! JSON form of diagnostics the in-page overlay shows. `build` output never contains any of it.

use serde_json::{json, Value};

use crate::diag::{display_path, Diagnostic, Severity};

/// Path prefix of everything `serve` adds (never a path of the site: `_` folders are fine
/// in content, but this one starts with two).
pub const PREFIX: &str = "/__fieldbook/";

/// The Server-Sent Events endpoint.
pub const EVENTS: &str = "/__fieldbook/events";

/// The list of served files (JSON).
pub const MANIFEST: &str = "/__fieldbook/manifest";

/// The live-reload script.
pub const SCRIPT_PATH: &str = "/__fieldbook/live.js";

/// The shared worker that holds one event stream for all open tabs of the site (browsers
/// allow only a few connections per host over HTTP/1.1, and each stream holds one open).
pub const WORKER_PATH: &str = "/__fieldbook/worker.js";

/// The tag injected into every served HTML page.
pub const SCRIPT_TAG: &str = "<script src=\"/__fieldbook/live.js\"></script>";

/// Inserts [`SCRIPT_TAG`] before the last `</body>` (any case), or at the end.
pub fn inject(html: &[u8]) -> Vec<u8> {
    let at = rfind_ci(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + SCRIPT_TAG.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(SCRIPT_TAG.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn rfind_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if haystack.len() < needle.len() {
        return None;
    }
    (0..=haystack.len() - needle.len())
        .rev()
        .find(|&i| haystack[i..i + needle.len()].eq_ignore_ascii_case(needle))
}

/// Diagnostics as the overlay shows them.
pub fn diagnostics_json(diagnostics: &[Diagnostic]) -> Value {
    let items: Vec<Value> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "severity": if d.severity == Severity::Error { "error" } else { "warning" },
                "code": d.code,
                "message": d.message,
                "file": d.file.as_ref().map(|f| display_path(f)),
                "line": d.span.map(|s| s.line),
                "column": d.span.map(|s| s.col),
                "source_line": d.line_text,
                "hint": d.help,
            })
        })
        .collect();
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    json!({"errors": errors, "warnings": diagnostics.len() - errors, "diagnostics": items})
}

/// The page served for every HTML request while no build has succeeded yet (the script is
/// injected when served, like on every page). The overlay (filled from the event stream)
/// says what is wrong; the page reloads once a build works.
pub fn error_page_raw() -> &'static [u8] {
    b"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build failed - fieldbook</title>\
          <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
          <body><main style=\"font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem\">\
          <h1>The site could not be built</h1><p>The errors are listed in the terminal running \
          <code>fieldbook serve</code> and over this page. Fix them and save: this page reloads by itself.</p></main></body></html>\n"
}

/// The live-reload client. Reads events from [`EVENTS`]:
/// - `reload` `{"paths": [...], "css_only": bool}`: swap stylesheets, or reload the page in
///   place (keeping the scroll position) when its own file is among `paths` (`*` = all);
/// - `build-error` (diagnostics JSON): show the overlay; `ok`: remove it.
///
/// Tabs share one stream through a `SharedWorker` ([`WORKER`]) where there is one.
/// The overlay is built with `textContent` only, never `innerHTML`.
pub const SCRIPT: &str = include_str!("live.js");

/// The shared worker: one `EventSource` for every tab, messages passed on to each tab's port.
/// A tab opened while a build is failing gets the last error at once.
pub const WORKER: &str = include_str!("worker.js");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn injects_before_the_last_body_end() {
        let out = inject(b"<html><body><p>&lt;/body&gt;</p></BODY></html>");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!("<html><body><p>&lt;/body&gt;</p>{SCRIPT_TAG}</BODY></html>")
        );
    }

    #[test]
    fn injects_at_the_end_without_body() {
        assert_eq!(inject(b"<p>x"), format!("<p>x{SCRIPT_TAG}").into_bytes());
        assert_eq!(inject(b""), SCRIPT_TAG.as_bytes());
    }

    #[test]
    fn overlay_never_uses_inner_html() {
        assert!(
            !SCRIPT.contains("innerHTML")
                && !SCRIPT.contains("insertAdjacentHTML")
                && !SCRIPT.contains("document.write")
        );
    }

    #[test]
    fn diagnostics_payload() {
        let source = crate::source::SourceFile::new("content/a.md", "---\ntitle: [\n---\n".into());
        let d = Diagnostic::error("front-matter-yaml", "bad <b>yaml</b>")
            .at(&source, 4, 9)
            .with_help("close the bracket");
        let v = diagnostics_json(&[d]);
        assert_eq!(v["errors"], 1);
        assert_eq!(v["diagnostics"][0]["file"], "content/a.md");
        assert_eq!(v["diagnostics"][0]["line"], 2);
        assert_eq!(v["diagnostics"][0]["column"], 1);
        assert_eq!(v["diagnostics"][0]["message"], "bad <b>yaml</b>");
        assert_eq!(v["diagnostics"][0]["hint"], "close the bracket");
    }
}
