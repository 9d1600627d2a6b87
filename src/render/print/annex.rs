//! The annexes the office attaches to the Board's two decisions (issue 15),
//! as PDF (typst, `print/annex-*.typ`) and as an editable Word document
//! (`docx.rs`), both from the same data:
//!
//! 1. "Danh mục thủ tục hành chính thực hiện dịch vụ công trực tuyến": every
//!    record at level 3 or 4 (`base_level`), grouped by field;
//! 2. "Quy trình nội bộ, quy trình điện tử giải quyết thủ tục hành chính": one
//!    table per internal process (`[[internal_process]]`), grouped by field.
//!
//! A site with no level 3/4 record gets no annex 1, a site with no internal
//! process no annex 2: neither file is made and the print page lists only
//! what exists (an empty annex is nothing an office can attach).

use super::data::site_view;
use crate::cache::KeyBuilder;
use crate::diag::Diagnostic;
use crate::model::{InternalProcess, Procedure, Responsible, Site};
use crate::render::lang::Lang;
use crate::render::view::{Strings, tr};
use serde_json::{Value, json};

/// One of the two annexes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Annex {
    /// The list of procedures provided as online public services.
    Online,
    /// The internal and electronic processes.
    Process,
}

pub const ONLINE_PDF: &str = "in-an/phu-luc-danh-muc-dich-vu-cong-truc-tuyen.pdf";
pub const ONLINE_DOCX: &str = "in-an/phu-luc-danh-muc-dich-vu-cong-truc-tuyen.docx";
pub const PROCESS_PDF: &str = "in-an/phu-luc-quy-trinh-noi-bo.pdf";
pub const PROCESS_DOCX: &str = "in-an/phu-luc-quy-trinh-noi-bo.docx";

impl Annex {
    pub fn pdf_path(self) -> &'static str {
        match self {
            Annex::Online => ONLINE_PDF,
            Annex::Process => PROCESS_PDF,
        }
    }

    pub fn docx_path(self) -> &'static str {
        match self {
            Annex::Online => ONLINE_DOCX,
            Annex::Process => PROCESS_DOCX,
        }
    }

    /// The typst template (`themes/default/print/`).
    pub fn template(self) -> &'static str {
        match self {
            Annex::Online => "annex-online.typ",
            Annex::Process => "annex-process.typ",
        }
    }

    /// UI string key of its title (the print page and the document title).
    pub fn title_key(self) -> &'static str {
        match self {
            Annex::Online => "annex_online_title",
            Annex::Process => "annex_process_title",
        }
    }
}

/// The annexes a site has: annex 1 when a record is at level 3 or 4, annex 2
/// when a record has an internal process.
pub fn annexes(site: &Site) -> Vec<Annex> {
    let mut out = Vec::new();
    if site.procedures.iter().any(is_online) {
        out.push(Annex::Online);
    }
    if site.procedures.iter().any(|p| !p.internal_process.is_empty()) {
        out.push(Annex::Process);
    }
    out
}

fn is_online(p: &Procedure) -> bool {
    p.base_level >= 3
}

/// "I", "II", … for the field groups (the numbering of administrative documents).
pub fn roman(mut n: usize) -> String {
    const DIGITS: [(usize, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    let mut s = String::new();
    for (v, d) in DIGITS {
        while n >= v {
            s.push_str(d);
            n -= v;
        }
    }
    s
}

/// The records `keep` selects, grouped by field in site.toml's order of
/// fields, each group in journey order.
fn by_field(site: &Site, keep: impl Fn(&Procedure) -> bool) -> Vec<(usize, Vec<&Procedure>)> {
    let mut groups: Vec<(usize, Vec<&Procedure>)> = Vec::new();
    for (fi, _) in site.fields.iter().enumerate() {
        let ps: Vec<&Procedure> = site.procedures.iter().filter(|p| p.field == fi && keep(p)).collect();
        if !ps.is_empty() {
            groups.push((fi, ps));
        }
    }
    groups
}

/// The data of an annex: `/data.json` of its template and the input of its
/// Word document (described in docs/print.md).
pub fn data(site: &Site, t: &Strings, annex: Annex) -> Value {
    let body = match annex {
        Annex::Online => online(site),
        Annex::Process => process(site, t),
    };
    json!({
        "lang": "vi",
        "t": t,
        "site": site_view(site, Lang::Vi),
        "title": tr(t, annex.title_key()),
        "groups": body,
    })
}

fn online(site: &Site) -> Value {
    let mut no = 0;
    let groups: Vec<Value> = by_field(site, is_online)
        .into_iter()
        .enumerate()
        .map(|(gi, (fi, ps))| {
            let rows: Vec<Value> = ps
                .into_iter()
                .map(|p| {
                    no += 1;
                    json!({
                        "no": no,
                        "code": p.code,
                        "title": p.title.vi,
                        "level": site.levels[p.level].label.vi,
                        // The basis of its online level: the decision that provides it
                        // as an online public service (the record's own, else the one
                        // site.toml names for all). Not `publication_decision`: a
                        // procedure's publication says nothing of its online level.
                        // null prints "Không có thông tin", never a blank.
                        "basis": online_basis(site, p),
                        "service_center": p.service_center,
                        "digital_signature": p.digital_signature,
                    })
                })
                .collect();
            json!({"roman": roman(gi + 1), "field": site.fields[fi].title.vi, "rows": rows})
        })
        .collect();
    Value::Array(groups)
}

/// The basis of a record's online level, if the data names one.
pub fn online_basis<'a>(site: &'a Site, p: &'a Procedure) -> Option<&'a str> {
    p.online_decision.as_deref().or(site.config.online_services_decision.as_deref())
}

/// A number in the Vietnamese format, as few decimals as it needs ("4", "0,5").
fn num(n: f64) -> String {
    Lang::Vi.number(n)
}

/// "160 giờ làm việc (20 ngày làm việc)".
pub fn hours_text(t: &Strings, hours: f64) -> String {
    let days = hours / crate::load::process::HOURS_PER_DAY;
    format!("{} {} ({} {})", num(hours), tr(t, "annex_working_hours"), num(days), tr(t, "unit_working-days"))
}

fn process_label(t: &Strings, ip: &InternalProcess) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(c) = &ip.case {
        parts.push(format!("{}: {c}", tr(t, "annex_case")));
    }
    if let Some(ch) = ip.channel {
        parts.push(format!("{}: {}", tr(t, "channel_kind"), tr(t, &format!("channel_{}", ch.key()))));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

fn decision_text(ip: &InternalProcess) -> Option<String> {
    let d = ip.decision.as_ref()?;
    let mut s = d.number.clone()?;
    if let Some(date) = &d.date {
        s.push_str(&format!(" ngày {}", super::vn_date(date)));
    }
    if let Some(issuer) = &d.issuer {
        s.push_str(&format!(" của {issuer}"));
    }
    Some(s)
}

fn process(site: &Site, t: &Strings) -> Value {
    let mut no = 0;
    let groups: Vec<Value> = by_field(site, |p| !p.internal_process.is_empty())
        .into_iter()
        .enumerate()
        .map(|(gi, (fi, ps))| {
            let procedures: Vec<Value> = ps
                .into_iter()
                .map(|p| {
                    no += 1;
                    let processes: Vec<Value> = p
                        .internal_process
                        .iter()
                        .map(|ip| {
                            let steps: Vec<Value> = ip
                                .steps
                                .iter()
                                .enumerate()
                                .map(|(i, s)| {
                                    let unit_key = format!("unit_{}", s.time_unit);
                                    let unit = match &s.time_unit[..] {
                                        "hours" => tr(t, "annex_working_hours"),
                                        _ => tr(t, &unit_key),
                                    };
                                    json!({
                                        "step": i + 1,
                                        "action": s.action.vi,
                                        "responsible": match &s.responsible {
                                            Responsible::Unit(u) => site.units[*u].name.vi.clone(),
                                            Responsible::Agency(a) => a.clone(),
                                        },
                                        "time": format!("{} {unit}", num(s.time)),
                                        "electronic": s.electronic,
                                        "output": s.output,
                                    })
                                })
                                .collect();
                            json!({
                                "label": process_label(t, ip),
                                "decision": decision_text(ip),
                                "steps": steps,
                                "total": hours_text(t, ip.total_hours),
                                "limit": ip.limit_hours.map(|h| hours_text(t, h)),
                            })
                        })
                        .collect();
                    json!({"no": no, "code": p.code, "title": p.title.vi, "processes": processes})
                })
                .collect();
            json!({"roman": roman(gi + 1), "field": site.fields[fi].title.vi, "procedures": procedures})
        })
        .collect();
    Value::Array(groups)
}

/// Bump when the Word documents change for the same data.
const DOCX_FORMAT: &str = "annex-docx-v1";

/// The Word document of an annex, from the cache or made now (like the PDFs:
/// `serve` defers it to the background).
pub fn word(site: &Site, t: &Strings, annex: Annex, ctx: &crate::render::RenderCtx) -> Result<Vec<u8>, Diagnostic> {
    let data = data(site, t, annex);
    let json = serde_json::to_vec(&data)
        .map_err(|e| Diagnostic::new("print", format!("{}: cannot serialise the data: {e}", annex.docx_path())))?;
    let edition = site.config.edition.as_deref();
    let mut key = KeyBuilder::new("docx");
    key.add_str(DOCX_FORMAT).add_str(annex.docx_path()).add(&json).add_str(edition.unwrap_or_default());
    ctx.cache.get_or_render("print", &key.finish(), || {
        super::docx::annex(annex, &data, edition)
            .map_err(|e| Diagnostic::new("print", format!("{}: {e}", annex.docx_path())))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn roman_numerals() {
        let r: Vec<String> = [1, 2, 4, 9, 14, 40].into_iter().map(super::roman).collect();
        assert_eq!(r, ["I", "II", "IV", "IX", "XIV", "XL"]);
    }
}
