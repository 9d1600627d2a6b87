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

const WIDTH: f64 = 640.0;
const LEFT: f64 = 4.0;
/// Room right of the longest bar for its value text.
const VALUE_ROOM: f64 = 96.0;
const ROW: f64 = 44.0;
const BAR: f64 = 18.0;
const TOP: f64 = 24.0;
const INK: &str = "#1b1b1b";
/// A white outline under text, so a target line crossing it does not hurt reading.
const HALO: &str = r##" stroke="#ffffff" stroke-width="3" paint-order="stroke""##;
const OUTLINE: &str = "#1b1b1b";
/// Labels longer than this are shortened (the table beside has them in full).
const LABEL_CHARS: usize = 80;

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

fn num(x: f64) -> String {
    // Two decimals are plenty for pixels and keep the output stable.
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The chart as an SVG element.
pub fn hbar(c: &Chart) -> String {
    let max = scale_max(c);
    let plot = WIDTH - LEFT - VALUE_ROOM;
    let x = |v: f64| LEFT + plot * (v.clamp(0.0, max) / max);
    let height = TOP + ROW * c.bars.len() as f64 + 8.0;
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
        let top = TOP + ROW * i as f64;
        let mut label: String = b.label.chars().take(LABEL_CHARS).collect();
        if b.label.chars().count() > LABEL_CHARS {
            label.push('…');
        }
        let lang = b.label_lang.map(|l| format!(r#" xml:lang="{l}""#)).unwrap_or_default();
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ly}" font-size="13" fill="{INK}"{HALO}{lang}>{label}</text>"#,
            lx = num(LEFT + 4.0),
            ly = num(top + 12.0),
            label = esc(&label)
        );
        let w = x(b.value) - LEFT;
        let by = top + 17.0;
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
            r#"<text x="{tx}" y="{ty}" font-size="13" font-weight="600" fill="{INK}"{HALO}>{text}</text>"#,
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
            r#"<text x="{lx}" y="{ty}" font-size="12" text-anchor="middle" fill="{INK}">{label}</text>"#,
            ty = num(TOP - 10.0),
            label = esc(&l.label)
        );
        for i in 0..c.bars.len() {
            let by = TOP + ROW * i as f64 + 17.0;
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
