//! Diagram specs: `diagrams/<name>.toml`. Loaded after the records, because a
//! spec names stages, fields and procedure codes that must exist.

use super::parse_toml;
use crate::diag::{Diagnostic, SourceText, did_you_mean};
use crate::model::{Diagram, Paper, Site, Text};
use crate::schema::page::RawDiagram;
use crate::text;
use toml::Spanned;

pub const DIAGRAMS_DIR: &str = "diagrams";

pub fn load_diagram(src: &SourceText, name: &str, site: &Site, out: &mut Vec<Diagnostic>) -> Option<Diagram> {
    let before = out.len();
    let raw: RawDiagram = parse_toml(src, 0, &src.text, out)?;
    let stages = key_refs(&raw.stages, "stages", site.stages.iter().map(|s| s.key.as_str()).collect(), src, out);
    let fields = key_refs(&raw.fields, "fields", site.fields.iter().map(|f| f.key.as_str()).collect(), src, out);
    let levels = levels(&raw, src, out);
    let procedures = procedures(&raw, site, src, out);
    let dpi = match &raw.dpi {
        None => 150,
        Some(d) => match u32::try_from(*d.get_ref()) {
            Ok(v @ 72..=600) => v,
            _ => {
                out.push(
                    Diagnostic::new("bad-value", format!("dpi {} is out of range", d.get_ref()))
                        .at(src, d.span().start)
                        .field("dpi")
                        .hint("use 72 to 600; print shops usually ask for 150 (posters seen from afar) or 300"),
                );
                150
            }
        },
    };
    let text = |vi: &str, en: &Option<String>| Text {
        vi: text::nfc(vi.trim()),
        en: en.as_deref().map(|s| text::nfc(s.trim())),
    };
    if out.len() > before {
        return None;
    }
    let diagram = Diagram {
        name: name.to_string(),
        source: src.path.clone(),
        title: text(&raw.title, &raw.title_en),
        subtitle: raw.subtitle.as_deref().map(|s| text(s, &raw.subtitle_en)),
        stages,
        fields,
        levels,
        procedures,
        optional: raw.optional.unwrap_or(true),
        landscape: raw.orientation.as_deref() != Some("portrait"),
        // The schema check has already refused any other value.
        paper: raw.paper.as_deref().and_then(Paper::parse).unwrap_or(Paper::A1),
        dpi,
        qr: raw.qr.unwrap_or(true),
        legend: raw.legend.unwrap_or(true),
        arrows: raw.arrows.as_deref() != Some("none"),
        footer: raw.footer.as_deref().map(|s| text(s, &raw.footer_en)),
        inline: raw.inline.as_ref().is_some_and(|b| *b.get_ref()),
        internal_process: raw.internal_process.unwrap_or(false),
    };
    if diagram.select(site).next().is_none() {
        out.push(
            Diagnostic::new("empty-diagram", "no procedure passes this diagram's filters")
                .in_file(&src.path)
                .hint("check `stages`, `fields`, `levels` and `procedures`: together they select nothing"),
        );
        return None;
    }
    Some(diagram)
}

/// Positions of the listed keys in `known`; an unknown key is an error with a did-you-mean hint.
fn key_refs(
    list: &Option<Vec<Spanned<String>>>,
    field: &str,
    known: Vec<&str>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<usize> {
    let mut found = Vec::new();
    for k in list.iter().flatten() {
        match known.iter().position(|x| *x == k.get_ref().as_str()) {
            Some(i) => found.push(i),
            None => {
                let hint = match did_you_mean(k.get_ref(), known.iter().copied()) {
                    Some(s) => format!("did you mean \"{s}\"?"),
                    None => format!("known keys (site.toml): {}", known.join(", ")),
                };
                out.push(
                    Diagnostic::new("unknown-ref", format!("unknown {field} `{}`", k.get_ref()))
                        .at(src, k.span().start)
                        .field(field)
                        .hint(hint),
                );
            }
        }
    }
    found
}

fn levels(raw: &RawDiagram, src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<u8> {
    let mut levels = Vec::new();
    for l in raw.levels.iter().flatten() {
        match u8::try_from(*l.get_ref()) {
            Ok(v @ 1..=4) => levels.push(v),
            _ => out.push(
                Diagnostic::new("bad-value", format!("level {} does not exist", l.get_ref()))
                    .at(src, l.span().start)
                    .field("levels")
                    .hint("levels are the Decree 43/2011 levels 1, 2, 3 and 4"),
            ),
        }
    }
    levels
}

fn procedures(raw: &RawDiagram, site: &Site, src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<String> {
    let mut procedures = Vec::new();
    for c in raw.procedures.iter().flatten() {
        let code = c.get_ref().trim();
        if site.by_code.contains_key(code) {
            procedures.push(code.to_string());
        } else {
            let hint = match did_you_mean(code, site.procedures.iter().map(|p| p.code.as_str())) {
                Some(s) => format!("did you mean \"{s}\"?"),
                None => "use the `code` of a record under content/procedures/".to_string(),
            };
            out.push(
                Diagnostic::new("unknown-ref", format!("no procedure has code `{code}`"))
                    .at(src, c.span().start)
                    .field("procedures")
                    .hint(hint),
            );
        }
    }
    procedures
}

/// At most one diagram is shown on the home and journey pages.
pub fn check_inline(diagrams: &[Diagram], out: &mut Vec<Diagnostic>) {
    let inline: Vec<&Diagram> = diagrams.iter().filter(|d| d.inline).collect();
    if inline.len() > 1 {
        for d in &inline[1..] {
            out.push(
                Diagnostic::new(
                    "two-inline-diagrams",
                    format!("`inline = true` is also set in {}", inline[0].source.display()),
                )
                .in_file(&d.source)
                .field("inline")
                .hint("only one diagram can be shown on the home and journey pages; remove `inline` from all but one"),
            );
        }
    }
}
