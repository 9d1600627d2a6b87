//! Horizontal bar charts as inline SVG, drawn at build time (no JavaScript).
//!
//! Each chart is an image with a `<title>` (`role="img"`), and the page puts
//! a table of the same numbers beside it: the SVG is for the eye, the table
//! for screen readers and copying. Bars carry their value as text, so no
//! reading depends on colour; target lines are dashed and labelled.

use std::fmt::Write;

/// One bar: a label above it, its length in `value` units, and the text shown after it.
pub struct Bar {
    pub label: String,
    /// `Some("vi")` when the label is a Vietnamese fallback on an English page.
    pub label_lang: Option<&'static str>,
    pub value: f64,
    pub text: String,
    pub fill: String,
}

/// A vertical reference line (the 15 % and 30 % targets).
pub struct Line {
    pub at: f64,
    pub label: String,
}

pub struct Chart<'a> {
    /// Unique on the page; the `<title>` gets `{id}-title`.
    pub id: &'a str,
    pub title: &'a str,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
    /// Value at the right edge; `None` scales to the data and the lines.
    pub max: Option<f64>,
}

/// Narrow on purpose: the chart is drawn at its container's width, and at 390 px (a 358 px
/// wide chart) its 13-unit text renders at 13.3 px; it stays ≥ 12 px down to a 323 px chart.
const WIDTH: f64 = 350.0;
const FONT: f64 = 13.0;
/// Height of one more label line.
const LEFT: f64 = 4.0;
/// Room right of the longest bar for its value text.
const VALUE_ROOM: f64 = 96.0;
const LINE: f64 = 16.0;
const ROW: f64 = 44.0;
const BAR: f64 = 18.0;
const TOP: f64 = 24.0;
const INK: &str = "#1b1b1b";
/// A white outline under text, so a target line crossing it does not hurt reading.
const HALO: &str = r##" stroke="#ffffff" stroke-width="3" paint-order="stroke""##;
const OUTLINE: &str = "#1b1b1b";
/// Label lines are wrapped at this many characters (about 320 units at 13 units a line)…
const LINE_CHARS: usize = 44;
/// …and at most this many lines are drawn (the table beside has the label in full).
const MAX_LINES: usize = 3;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Right edge of the scale: the largest bar or line, rounded up to 10, at most 100 unless a bar is larger.
fn scale_max(c: &Chart) -> f64 {
    if let Some(m) = c.max {
        return m.max(f64::MIN_POSITIVE);
    }
    let top = c.bars.iter().map(|b| b.value).chain(c.lines.iter().map(|l| l.at + 5.0)).fold(0.0_f64, f64::max);
    ((top / 10.0).ceil() * 10.0).max(10.0)
}

pub(super) fn num(x: f64) -> String {
    // Two decimals are plenty for pixels and keep the output stable.
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A label as lines of at most LINE_CHARS characters, broken between words; a label
/// longer than MAX_LINES lines ends in "…".
fn wrap(label: &str) -> Vec<String> {
    wrap_to(label, LINE_CHARS, MAX_LINES)
}

/// A label as lines of at most `line_chars` characters, broken between words; a label
/// longer than `max_lines` lines ends in "…".
pub(super) fn wrap_to(label: &str, line_chars: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in label.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + word.chars().count() > line_chars {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        let last = &mut lines[max_lines - 1];
        while last.chars().count() > line_chars - 1 {
            last.pop();
        }
        last.push('…');
    }
    lines
}

/// The chart as an SVG element.
pub fn hbar(c: &Chart) -> String {
    let max = scale_max(c);
    let plot = WIDTH - LEFT - VALUE_ROOM;
    let x = |v: f64| LEFT + plot * (v.clamp(0.0, max) / max);
    // Each bar's label wraps onto up to MAX_LINES lines above it; rows grow with their label.
    let labels: Vec<Vec<String>> = c.bars.iter().map(|b| wrap(&b.label)).collect();
    let mut tops = Vec::with_capacity(labels.len());
    let mut y = TOP;
    for l in &labels {
        tops.push(y);
        y += ROW + LINE * (l.len().max(1) - 1) as f64;
    }
    let bar_y = |i: usize| tops[i] + 17.0 + LINE * (labels[i].len().max(1) - 1) as f64;
    let height = y + 8.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" role="img" aria-labelledby="{id}-title" viewBox="0 0 {w} {h}" width="{w}" height="{h}" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{title}</title>"#,
        id = c.id,
        w = num(WIDTH),
        h = num(height),
        title = esc(c.title),
    );
    // Axis at zero.
    let _ = write!(
        s,
        r#"<line x1="{x0}" y1="{y0}" x2="{x0}" y2="{y1}" stroke="{INK}" stroke-width="1"/>"#,
        x0 = num(LEFT),
        y0 = num(TOP - 6.0),
        y1 = num(height - 4.0)
    );
    // Values are written last, over the target lines (their halo clears the line).
    let mut values = String::new();
    for (i, b) in c.bars.iter().enumerate() {
        let lang = b.label_lang.map(|l| format!(r#" xml:lang="{l}""#)).unwrap_or_default();
        for (k, line) in labels[i].iter().enumerate() {
            let _ = write!(
                s,
                r#"<text x="{lx}" y="{ly}" font-size="{FONT}" fill="{INK}"{HALO}{lang}>{label}</text>"#,
                lx = num(LEFT + 4.0),
                ly = num(tops[i] + 12.0 + LINE * k as f64),
                label = esc(line)
            );
        }
        let w = x(b.value) - LEFT;
        let by = bar_y(i);
        if w > 0.0 {
            let _ = write!(
                s,
                r#"<rect x="{bx}" y="{by}" width="{bw}" height="{BAR}" fill="{fill}" stroke="{OUTLINE}" stroke-width="1"/>"#,
                bx = num(LEFT),
                by = num(by),
                bw = num(w),
                fill = esc(&b.fill)
            );
        }
        let _ = write!(
            values,
            r#"<text x="{tx}" y="{ty}" font-size="{FONT}" font-weight="600" fill="{INK}"{HALO}>{text}</text>"#,
            tx = num(LEFT + w + 6.0),
            ty = num(by + 13.5),
            text = esc(&b.text)
        );
    }
    // Target lines are drawn across the bars only, not through the labels
    // above them, and once labelled at the top.
    for l in &c.lines {
        let lx = num(x(l.at));
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" font-size="{FONT}" text-anchor="middle" fill="{INK}">{label}</text>"#,
            ty = num(TOP - 10.0),
            label = esc(&l.label)
        );
        for i in 0..c.bars.len() {
            let by = bar_y(i);
            // White under the dashes keeps the line visible over dark bars.
            let _ = write!(
                s,
                r##"<line x1="{lx}" y1="{y0}" x2="{lx}" y2="{y1}" stroke="#ffffff" stroke-width="3.5"/><line x1="{lx}" y1="{y0}" x2="{lx}" y2="{y1}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 2"/>"##,
                y0 = num(by - 4.0),
                y1 = num(by + BAR + 4.0)
            );
        }
    }
    s.push_str(&values);
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart(bars: Vec<(f64, &str)>) -> String {
        hbar(&Chart {
            id: "c",
            title: "Tỷ lệ <trực tuyến>",
            bars: bars
                .into_iter()
                .map(|(v, l)| Bar {
                    label: l.into(),
                    label_lang: None,
                    value: v,
                    text: format!("{v} %"),
                    fill: "#00224E".into(),
                })
                .collect(),
            lines: vec![Line { at: 15.0, label: "15 %".into() }, Line { at: 30.0, label: "30 %".into() }],
            max: None,
        })
    }

    #[test]
    fn accessible_and_escaped() {
        let svg = chart(vec![(10.0, "2023"), (20.0, "A & B")]);
        assert!(svg.starts_with(r#"<svg class="chart" role="img" aria-labelledby="c-title""#));
        assert!(svg.contains(r#"<title id="c-title">Tỷ lệ &lt;trực tuyến&gt;</title>"#));
        assert!(svg.contains("A &amp; B"));
        assert_eq!(svg.matches("<rect").count(), 2);
        // Two target lines, one dashed segment per bar each.
        assert_eq!(svg.matches("stroke-dasharray").count(), 4);
        let _ = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    }

    #[test]
    fn text_readable_on_a_phone_and_long_labels_wrap() {
        // A 390 px phone shows the chart 358 px wide: every text must render at ≥ 12 px.
        let long = "Cấp giấy chứng nhận đăng ký đầu tư cho dự án không thuộc diện chấp thuận chủ trương đầu tư của Ban Quản lý các khu công nghiệp tỉnh, kể cả khi điều chỉnh";
        let svg = chart(vec![(10.0, long), (20.0, "2025")]);
        let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
        let width: f64 = doc.root_element().attribute("width").unwrap().parse().unwrap();
        for t in doc.descendants().filter(|n| n.has_tag_name("text")) {
            let size: f64 = t.attribute("font-size").unwrap().parse().unwrap();
            assert!(size * 358.0 / width >= 12.0, "{size} units at 358 px: {svg}");
            // No line is wider than the chart at about 0.6 em a character.
            let chars = t.text().unwrap_or("").chars().count() as f64;
            assert!(chars * size * 0.6 <= width, "{:?} too long", t.text());
        }
        // The long label took three lines, the last shortened; the whole title is in the table.
        assert_eq!(svg.matches("<text").count(), 3 + 1 + 2 + 2);
        assert!(svg.contains("…"));
    }

    #[test]
    fn bars_scale_to_the_data_and_lines() {
        // Scale 0–40 (30 % line + 5, rounded up): a 20 % bar is half the plot.
        let svg = chart(vec![(20.0, "x")]);
        let plot = WIDTH - LEFT - VALUE_ROOM;
        assert!(svg.contains(&format!(r#"width="{}""#, num(plot / 2.0))), "{svg}");
        // A zero bar draws no rectangle but still shows its value.
        let svg = chart(vec![(0.0, "x")]);
        assert_eq!(svg.matches("<rect").count(), 0);
        assert!(svg.contains(">0 %<"));
    }
}
