//! Small SVG drawings made at build time: the process map and the health chart.
//! Text is escaped; links are relative to the page that embeds the drawing.
//!
//! SVG text does not wrap, and the build cannot know the reader's font, so labels are laid
//! out with `text_width`, a per-character estimate taken from DejaVu Sans (the widest common
//! sans-serif, and the one a Linux machine without other fonts falls back to): names and
//! phases wrap onto as many lines as they need (up to a limit, then an ellipsis), and the
//! shapes grow to hold them. Narrower fonts only leave more room.

use crate::markdown::escape_attr;

/// One stage box of the process map.
pub struct StageBox<'a> {
    pub name: &'a str,
    pub phase: &'a str,
    pub href: String,
    pub terminal: bool,
}

/// Width of a chevron (and of a terminal box spanning one column), gap between them.
const COL_W: i64 = 190;
const GAP: i64 = 8;
/// How far a chevron's tip sticks out to the right (and its notch in on the left).
const TIP: i64 = 18;
/// Left padding of text inside a chevron / a terminal box.
const PAD_CHEVRON: i64 = 28;
const PAD_BOX: i64 = 16;
/// Font sizes in px; they must match `.process-map` in the theme's fieldbook.css.
const NAME_PX: f64 = 15.0;
const PHASE_PX: f64 = 12.0;
/// Baseline distances between lines of a name and of a phase.
const NAME_LEAD: i64 = 19;
const PHASE_LEAD: i64 = 15;
const MAX_NAME_LINES: usize = 2;
const MAX_PHASE_LINES: usize = 4;

/// The lines of one stage's label, already wrapped.
struct Label {
    name: Vec<String>,
    phase: Vec<String>,
}

impl Label {
    fn new(stage: &StageBox<'_>, width: f64) -> Label {
        Label {
            name: wrap(stage.name, NAME_PX, true, width, MAX_NAME_LINES),
            phase: wrap(stage.phase, PHASE_PX, false, width, MAX_PHASE_LINES),
        }
    }

    /// Text elements from baseline `y`; returns them and the last baseline.
    fn texts(&self, x: i64, mut y: i64) -> (String, i64) {
        let mut out = String::new();
        for (i, line) in self.name.iter().enumerate() {
            if i > 0 {
                y += NAME_LEAD;
            }
            out.push_str(&format!(
                "<text class=\"stage-name\" x=\"{x}\" y=\"{y}\">{}</text>",
                escape_attr(line)
            ));
        }
        for (i, line) in self.phase.iter().enumerate() {
            y += if i == 0 { 20 } else { PHASE_LEAD };
            out.push_str(&format!(
                "<text class=\"stage-phase\" x=\"{x}\" y=\"{y}\">{}</text>",
                escape_attr(line)
            ));
        }
        (out, y)
    }

    /// Height of the label from its first baseline to its last.
    fn depth(&self) -> i64 {
        let names = self.name.len().max(1) as i64 - 1;
        let phases = self.phase.len() as i64;
        names * NAME_LEAD
            + if phases > 0 {
                20 + (phases - 1) * PHASE_LEAD
            } else {
                0
            }
    }
}

/// The stages as chevrons in a row, terminal stages as wider boxes below.
pub fn process_map(stages: &[StageBox<'_>]) -> String {
    let main: Vec<&StageBox> = stages.iter().filter(|s| !s.terminal).collect();
    let ends: Vec<&StageBox> = stages.iter().filter(|s| s.terminal).collect();
    let columns = main.len().max(1) as i64;
    let width = columns * (COL_W + GAP) + 20 - GAP;

    // Chevrons: text between the left padding and the start of the tip.
    let chevron_text = (COL_W - PAD_CHEVRON - TIP - 6) as f64;
    let labels: Vec<Label> = main.iter().map(|s| Label::new(s, chevron_text)).collect();
    let number_y = 24;
    let name_y = number_y + 22;
    let h = labels
        .iter()
        .map(|l| name_y + l.depth() + 16)
        .max()
        .unwrap_or(0)
        .max(96);

    // Terminal boxes share the row below: as wide as the row allows, at most two columns.
    let n_ends = ends.len().max(1) as i64;
    let box_w = ((width - 20 - (n_ends - 1) * GAP) / n_ends).min(2 * COL_W + GAP);
    let box_text = (box_w - 2 * PAD_BOX) as f64;
    let end_labels: Vec<Label> = ends.iter().map(|s| Label::new(s, box_text)).collect();
    let box_name_y = 28;
    let box_h = end_labels
        .iter()
        .map(|l| box_name_y + l.depth() + 16)
        .max()
        .unwrap_or(0)
        .max(56);

    let top = 10;
    let ends_top = top + h + 30;
    let height = if ends.is_empty() {
        top + h + 10
    } else {
        ends_top + box_h + 10
    };
    let mut out = format!(
        "<svg class=\"process-map\" role=\"group\" aria-labelledby=\"process-map-title\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"process-map-title\">Sales process: {} stages</title>",
        stages.len()
    );
    for (i, (stage, label)) in main.iter().zip(&labels).enumerate() {
        let x = 10 + i as i64 * (COL_W + GAP);
        let y = top;
        let (right, mid, bottom) = (x + COL_W, y + h / 2, y + h);
        let notch = if i == 0 { x } else { x + TIP };
        let points = format!(
            "{x},{y} {},{y} {right},{mid} {},{bottom} {x},{bottom} {notch},{mid}",
            right - TIP,
            right - TIP,
        );
        let (texts, _) = label.texts(x + PAD_CHEVRON, y + name_y);
        out.push_str(&format!(
            "<a href=\"{}\"><polygon class=\"stage-shape\" points=\"{points}\"/><text class=\"stage-number\" x=\"{}\" y=\"{}\">{}</text>{texts}</a>",
            escape_attr(&stage.href),
            x + PAD_CHEVRON,
            y + number_y,
            i + 1,
        ));
    }
    for (i, (stage, label)) in ends.iter().zip(&end_labels).enumerate() {
        let x = 10 + i as i64 * (box_w + GAP);
        let (texts, _) = label.texts(x + PAD_BOX, ends_top + box_name_y);
        out.push_str(&format!(
            "<a href=\"{}\"><rect class=\"stage-shape stage-terminal\" x=\"{x}\" y=\"{ends_top}\" width=\"{box_w}\" height=\"{box_h}\" rx=\"10\"/>{texts}</a>",
            escape_attr(&stage.href),
        ));
    }
    out.push_str("</svg>");
    out
}

/// Estimated advance width of `text` in px at `px` size, from DejaVu Sans's metrics (in
/// thousandths of an em, rounded up; bold adds about an eighth). Characters not in the table count as
/// wide ones, East Asian ideographs as a full em.
fn text_width(text: &str, px: f64, bold: bool) -> f64 {
    let em: u32 = text.chars().map(char_width).sum();
    em as f64 / 1000.0 * px * if bold { 1.12 } else { 1.0 }
}

fn char_width(c: char) -> u32 {
    match c {
        'i' | 'j' | 'l' | '\'' | '|' => 280,
        ' ' | ',' | '.' | ':' | ';' | '!' => 320,
        'f' | 't' | '/' | '\\' | '-' | '(' | ')' | '[' | ']' => 400,
        'r' | 'I' | 'J' | '"' => 420,
        's' | 'z' | 'c' => 560,
        'a' | 'e' | 'o' | 'k' | 'v' | 'x' | 'y' => 620,
        'b' | 'd' | 'g' | 'h' | 'n' | 'p' | 'q' | 'u' => 640,
        '0'..='9' | '?' | '_' | '*' | '+' | '=' | '<' | '>' | '$' => 640,
        'L' | 'F' | 'P' | 'T' | 'Y' | 'E' => 640,
        'm' | 'M' | '%' | '&' | '@' => 1000,
        'w' => 820,
        'W' => 1000,
        c if c.is_ascii_uppercase() => 790,
        '…' | '—' => 1000,
        c if ('\u{2E80}'..='\u{9FFF}').contains(&c) || ('\u{AC00}'..='\u{D7AF}').contains(&c) => {
            1000
        }
        c if c.is_control()
            || ('\u{200B}'..='\u{200F}').contains(&c)
            || ('\u{202A}'..='\u{202E}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c) =>
        {
            0
        }
        _ => 720,
    }
}

/// Splits `text` into at most `max_lines` lines no wider than `width` px; words longer than a
/// line are cut; what does not fit ends the last line with "…".
fn wrap(text: &str, px: f64, bold: bool, width: f64, max_lines: usize) -> Vec<String> {
    let fits = |s: &str| text_width(s, px, bold) <= width;
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut words = text.split_whitespace().peekable();
    while let Some(word) = words.next() {
        let joined = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if fits(&joined) {
            line = joined;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        // A word wider than a whole line is cut where it stops fitting.
        let mut rest = word.to_string();
        while !fits(&rest) {
            let cut = longest_fitting_prefix(&rest, &fits);
            lines.push(rest[..cut].to_string());
            rest = rest[cut..].to_string();
        }
        line = rest;
        if lines.len() >= max_lines {
            break;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines || (lines.len() == max_lines && words.peek().is_some()) {
        lines.truncate(max_lines);
        let last = lines.pop().unwrap_or_default();
        lines.push(with_ellipsis(&last, &fits));
    }
    lines
}

/// Byte length of the longest prefix of `s` (at least one character) for which `fits` holds.
fn longest_fitting_prefix(s: &str, fits: &dyn Fn(&str) -> bool) -> usize {
    let mut end = s.chars().next().map_or(0, char::len_utf8);
    for (i, c) in s.char_indices().skip(1) {
        if !fits(&s[..i + c.len_utf8()]) {
            break;
        }
        end = i + c.len_utf8();
    }
    end
}

/// `line` shortened, character by character, until it fits with "…" appended.
fn with_ellipsis(line: &str, fits: &dyn Fn(&str) -> bool) -> String {
    let mut text = line.trim_end().to_string();
    loop {
        let candidate = format!(
            "{}…",
            text.trim_end_matches([' ', ',', ';', ':', '.', '/', '-'])
        );
        if fits(&candidate) || text.is_empty() {
            return candidate;
        }
        text.pop();
    }
}

/// A horizontal bar chart of (label, count, css class), narrow enough that its 12 px labels
/// stay readable when a phone scales it down.
pub fn bar_chart(title: &str, bars: &[(&str, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 30;
    let height = bars.len() * row + 10;
    let mut out = format!(
        "<svg class=\"health-chart\" role=\"img\" aria-labelledby=\"health-chart-title\" viewBox=\"0 0 380 {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"health-chart-title\">{}</title>",
        escape_attr(title)
    );
    for (i, (label, count, class)) in bars.iter().enumerate() {
        let y = 5 + i * row;
        let width = (*count as f64 / max as f64 * 220.0).round() as usize;
        out.push_str(&format!(
            "<text class=\"bar-label\" x=\"0\" y=\"{}\">{}</text><rect class=\"bar {}\" x=\"112\" y=\"{y}\" width=\"{}\" height=\"20\" rx=\"3\"/><text class=\"bar-value\" x=\"{}\" y=\"{}\">{count}</text>",
            y + 15,
            escape_attr(label),
            escape_attr(class),
            width.max(2),
            120 + width,
            y + 15
        ));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_map_links_every_stage_and_escapes() {
        let stages = [
            StageBox {
                name: "Discover <x>",
                phase: "Admits a problem",
                href: "../stages/discover/".into(),
                terminal: false,
            },
            StageBox {
                name: "Won",
                phase: "",
                href: "../stages/won/".into(),
                terminal: true,
            },
        ];
        let svg = process_map(&stages);
        assert!(svg.contains("href=\"../stages/discover/\""));
        assert!(svg.contains("href=\"../stages/won/\""));
        assert!(svg.contains("Discover &lt;x&gt;"));
    }

    fn check_wrap(text: &str, width: f64, max_lines: usize, expected: &[&str]) {
        let lines = wrap(text, 12.0, false, width, max_lines);
        assert_eq!(lines, expected);
        for line in &lines {
            assert!(
                text_width(line, 12.0, false) <= width,
                "{line:?} is wider than {width}"
            );
        }
    }

    #[test]
    fn short_text_stays_on_one_line() {
        check_wrap("Comparing ways", 140.0, 3, &["Comparing ways"]);
    }

    #[test]
    fn long_text_wraps_at_words() {
        check_wrap(
            "Living with the status quo; not looking for a solution",
            140.0,
            4,
            &[
                "Living with the status",
                "quo; not looking for a",
                "solution",
            ],
        );
    }

    #[test]
    fn text_beyond_the_last_line_ends_in_an_ellipsis() {
        check_wrap(
            "Living with the status quo; not looking for a solution",
            140.0,
            2,
            &["Living with the status", "quo; not looking for…"],
        );
    }

    #[test]
    fn a_word_longer_than_a_line_is_cut() {
        check_wrap(
            "Qualifizierungsgesprächsvorbereitung",
            100.0,
            3,
            &["Qualifizierungsg", "esprächsvorber", "eitung"],
        );
    }

    #[test]
    fn empty_text_has_no_lines() {
        check_wrap("", 100.0, 2, &[]);
    }

    #[test]
    fn terminal_stages_get_wide_boxes_with_their_phase() {
        let stage = |name, terminal| StageBox {
            name,
            phase: "Chose another option, or chose to do nothing",
            href: "x/".into(),
            terminal,
        };
        let svg = process_map(&[
            stage("Prospect", false),
            stage("Discover", false),
            stage("Evaluate", false),
            stage("Justify", false),
            stage("Closed won", true),
            stage("Closed lost / no decision", true),
        ]);
        assert!(svg.contains(">Closed lost / no decision</text>"), "{svg}");
        assert!(
            svg.contains("width=\"388\""),
            "two boxes of two columns each: {svg}"
        );
        assert!(!svg.contains('…'), "{svg}");
    }
}
