//! Open data and the search index: `data/procedures.json` (every field),
//! `data/procedures.csv` (catalogue columns, UTF-8 with BOM for Excel) and
//! `data/search-index.json` (folded text for diacritic-insensitive search).

use super::view::{self, fee_text, time_text, tr};
use super::{urls, RenderCtx, Renderer};
use crate::model::Site;
use crate::output::Output;
use crate::text::fold;
use serde_json::json;

pub struct DataRenderer;

impl Renderer for DataRenderer {
    fn name(&self) -> &'static str {
        "data"
    }

    fn estimate(&self, _: &Site) -> usize {
        3
    }

    fn render(&self, site: &Site, ctx: &RenderCtx, out: &Output, progress: &(dyn Fn(u64) + Sync)) {
        let empty = Default::default();
        let t = ctx.theme.translations.get("vi").unwrap_or(&empty);
        let (json, (csv, index)) = rayon::join(|| procedures_json(site, t), || rayon::join(|| procedures_csv(site, t), || search_index(site)));
        out.put("data", "data/procedures.json", json.as_bytes());
        out.put("data", "data/procedures.csv", csv.as_bytes());
        out.put("data", urls::SEARCH_INDEX, index.as_bytes());
        progress(3);
    }
}

pub fn procedures_json(site: &Site, t: &view::Strings) -> String {
    let items: Vec<_> = site
        .procedures
        .iter()
        .map(|p| {
            let level = &site.levels[p.level];
            json!({
                "code": p.code,
                "title": p.title.vi,
                "title_en": p.title.en,
                "url": format!("{}{}", site.config.base_url, urls::procedure(&p.slug)),
                "stage": {"key": site.stages[p.stage].key, "number": site.stages[p.stage].number, "title": site.stages[p.stage].title.vi},
                "field": {"key": site.fields[p.field].key, "title": site.fields[p.field].title.vi},
                "level": {"decree_43_2011": p.base_level, "scheme": site.config.level_scheme, "key": level.key, "label": level.label.vi},
                "digital_signature": p.digital_signature,
                "service_center": p.service_center,
                "public_postal": p.public_postal,
                "online_url": p.online_url,
                "administrative_level": p.administrative_level,
                "publication_decision": p.publication_decision,
                "optional": p.optional,
                "alternative_to": p.alternative_to,
                "after": p.after,
                "related": p.related,
                "journey_position": p.journey_index + 1,
                "summary": p.summary.plain,
                "summary_html": p.summary.vi,
                "summary_en_html": p.summary.en,
                "applicants": p.applicants,
                "agencies": p.agencies,
                "where_to_submit_html": p.where_to_submit,
                "steps_html": p.steps,
                "channels": p.channels.iter().map(|c| json!({
                    "kind": c.kind, "time": c.time, "time_unit": c.time_unit, "time_text": c.time_text,
                    "time_note": c.time_note, "fee": c.fee, "fee_vnd": c.fee_vnd, "note_html": c.note,
                    "display": {"time": time_text(c, t), "fee": fee_text(c, t)},
                })).collect::<Vec<_>>(),
                "documents": p.documents,
                "requirements_html": p.requirements,
                "result": p.result,
                "legal_basis": p.legal_basis,
                "statistics": p.statistics,
                "keywords": p.keywords,
            })
        })
        .collect();
    let doc = json!({
        "publisher": site.config.organisation.name.vi,
        "edition": site.config.edition,
        "level_scheme": site.config.level_scheme,
        "levels": site.levels.iter().map(|l| json!({"key": l.key, "label": l.label.vi, "label_en": l.label.en, "covers_decree_43_2011": l.covers, "colour": l.colour})).collect::<Vec<_>>(),
        "procedures": items,
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn csv_field(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

pub fn procedures_csv(site: &Site, t: &view::Strings) -> String {
    let yes_no = |b: bool| tr(t, if b { "yes" } else { "no" }).to_string();
    let header = [
        tr(t, "code"), tr(t, "name"), "Tên tiếng Anh", tr(t, "field"), tr(t, "stage"), tr(t, "level"),
        tr(t, "digital_signature"), tr(t, "service_center"), tr(t, "public_postal"), tr(t, "processing_time"), "URL",
    ];
    let mut out = String::from("\u{feff}");
    out.push_str(&header.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","));
    out.push_str("\r\n");
    for p in &site.procedures {
        let r = view::row(p, t);
        let cols = [
            p.code.clone(),
            p.title.vi.clone(),
            p.title.en.clone().unwrap_or_default(),
            site.fields[p.field].title.vi.clone(),
            format!("{}. {}", site.stages[p.stage].number, site.stages[p.stage].title.vi),
            site.levels[p.level].label.vi.clone(),
            yes_no(p.digital_signature),
            yes_no(p.service_center),
            yes_no(p.public_postal),
            r.time,
            format!("{}{}", site.config.base_url, r.path),
        ];
        out.push_str(&cols.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

/// Compact index: one entry per procedure with its folded search text. The
/// script folds the query the same way (`fold` in search.js).
pub fn search_index(site: &Site) -> String {
    let docs: Vec<_> = site
        .procedures
        .iter()
        .map(|p| {
            let field = &site.fields[p.field].title.vi;
            let mut summary: String = p.summary.plain.chars().take(240).collect();
            if summary.len() < p.summary.plain.len() {
                summary = match summary.rfind(' ') {
                    Some(i) => format!("{}…", &summary[..i]),
                    None => format!("{summary}…"),
                };
            }
            let words = format!("{} {} {} {} {} {}", p.code, p.title.vi, p.title.en.as_deref().unwrap_or(""), summary, field, p.keywords.join(" "));
            json!({
                "c": p.code, "t": p.title.vi, "u": urls::procedure(&p.slug), "s": summary,
                "l": p.level, "g": p.stage, "f": p.field,
                "ft": fold(&p.title.vi), "k": fold(&words),
            })
        })
        .collect();
    let doc = json!({
        "levels": site.levels.iter().map(|l| json!({"label": l.label.vi, "colour": l.colour, "text": l.text_colour})).collect::<Vec<_>>(),
        "stages": site.stages.iter().map(|s| format!("{}. {}", s.number, s.title.vi)).collect::<Vec<_>>(),
        "fields": site.fields.iter().map(|f| f.title.vi.clone()).collect::<Vec<_>>(),
        "docs": docs,
    });
    serde_json::to_string(&doc).unwrap_or_default()
}
