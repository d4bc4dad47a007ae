//! Small SVG drawings made at build time: the process map and the health chart.
//! Text is escaped; links are relative to the page that embeds the drawing.

use crate::markdown::escape_attr;

/// One stage box of the process map.
pub struct StageBox<'a> {
    pub name: &'a str,
    pub phase: &'a str,
    pub href: String,
    pub terminal: bool,
}

/// The stages as chevrons in a row, terminal stages as boxes below.
pub fn process_map(stages: &[StageBox<'_>]) -> String {
    let main: Vec<&StageBox> = stages.iter().filter(|s| !s.terminal).collect();
    let ends: Vec<&StageBox> = stages.iter().filter(|s| s.terminal).collect();
    let (w, h, gap) = (190, 96, 8);
    let width = (main.len().max(1) * (w + gap)) as i64 + 20;
    let height = if ends.is_empty() { h + 20 } else { h * 2 + 50 };
    let mut out = format!(
        "<svg class=\"process-map\" role=\"group\" aria-labelledby=\"process-map-title\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"process-map-title\">Sales process: {} stages</title>",
        stages.len()
    );
    for (i, stage) in main.iter().enumerate() {
        let x = 10 + i as i64 * (w + gap) as i64;
        let y = 10;
        let tip = 18;
        let points = format!(
            "{x},{y} {},{y} {},{} {},{} {x},{} {},{}",
            x + w as i64 - tip,
            x + w as i64,
            y + h as i64 / 2,
            x + w as i64 - tip,
            y + h as i64,
            y + h as i64,
            if i == 0 { x } else { x + tip },
            y + h as i64 / 2
        );
        out.push_str(&format!(
            "<a href=\"{}\"><polygon class=\"stage-shape\" points=\"{points}\"/><text class=\"stage-number\" x=\"{}\" y=\"{}\">{}</text><text class=\"stage-name\" x=\"{}\" y=\"{}\">{}</text>{}</a>",
            escape_attr(&stage.href),
            x + 28,
            y + 26,
            i + 1,
            x + 28,
            y + 50,
            escape_attr(&shorten(stage.name, 18)),
            wrap_phase(stage.phase, x + 28, y + 70)
        ));
    }
    for (i, stage) in ends.iter().enumerate() {
        let x = 10 + i as i64 * (w + gap) as i64;
        let y = h as i64 + 40;
        out.push_str(&format!(
            "<a href=\"{}\"><rect class=\"stage-shape stage-terminal\" x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"10\"/><text class=\"stage-name\" x=\"{}\" y=\"{}\">{}</text></a>",
            escape_attr(&stage.href),
            x + 16,
            y + h as i64 / 2 + 5,
            escape_attr(&shorten(stage.name, 22))
        ));
    }
    out.push_str("</svg>");
    out
}

fn wrap_phase(phase: &str, x: i64, y: i64) -> String {
    if phase.is_empty() {
        return String::new();
    }
    format!(
        "<text class=\"stage-phase\" x=\"{x}\" y=\"{y}\">{}</text>",
        escape_attr(&shorten(phase, 24))
    )
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        format!(
            "{}…",
            text.chars().take(max - 1).collect::<String>().trim_end()
        )
    }
}

/// A horizontal bar chart of (label, count, css class).
pub fn bar_chart(title: &str, bars: &[(&str, usize, &str)]) -> String {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 30;
    let height = bars.len() * row + 10;
    let mut out = format!(
        "<svg class=\"health-chart\" role=\"img\" aria-labelledby=\"health-chart-title\" viewBox=\"0 0 480 {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"health-chart-title\">{}</title>",
        escape_attr(title)
    );
    for (i, (label, count, class)) in bars.iter().enumerate() {
        let y = 5 + i * row;
        let width = (*count as f64 / max as f64 * 300.0).round() as usize;
        out.push_str(&format!(
            "<text class=\"bar-label\" x=\"0\" y=\"{}\">{}</text><rect class=\"bar {}\" x=\"120\" y=\"{y}\" width=\"{}\" height=\"20\" rx=\"3\"/><text class=\"bar-value\" x=\"{}\" y=\"{}\">{count}</text>",
            y + 15,
            escape_attr(label),
            escape_attr(class),
            width.max(2),
            128 + width,
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
}
