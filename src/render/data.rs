//! Open data and the search index: `data/procedures.json` (every field),
//! `data/procedures.csv` (catalogue columns, UTF-8 with BOM for Excel) and
//! `data/search-index.json` (folded text for diacritic-insensitive search),
//! `data/internal-processes.json` (the records' internal processes, for the
//! one-stop software; always written, an empty list when no record has one).

use super::lang::Lang;
use super::view::{self, fee_text, time_text};
use super::{RenderCtx, Renderer, urls};
use crate::model::{
    Agencies, Channel, ChannelKind, Decision, Doc, Document, InternalProcess, LegalBasis, Responsible, Site,
};
use crate::sink::{Produced, Sink};
use crate::text::fold;
use serde::Serialize;
use serde_json::json;
use std::io::Write;

pub struct DataRenderer;

/// The catalogue as a workbook, per edition (`en/` prefix for the English one).
pub const PROCEDURES_XLSX: &str = urls::PROCEDURES_XLSX;

/// Every record's internal processes, one entry per process.
pub use crate::routes::INTERNAL_PROCESSES_JSON;

mod faq;
pub use faq::{faq_json, search_docs};
mod table;
pub use table::{Cell, Table, csv_cell, procedures_csv, procedures_xlsx, table};

impl Renderer for DataRenderer {
    fn name(&self) -> &'static str {
        "data"
    }

    fn estimate(&self, site: &Site) -> usize {
        5 + 2 * super::lang::editions(site).len()
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        if !ctx.writes {
            // `onestop check` writes nothing and these files hold no links: the
            // link check needs only their paths (pages link them). The two
            // workbooks alone held over 100 MB at 10,000 records.
            for path in paths(site) {
                out.put("data", &path, b"");
            }
            return progress(self.estimate(site) as u64);
        }
        let empty = Default::default();
        let t = ctx.theme.translations.get("vi").unwrap_or(&empty);
        rayon::join(
            || {
                out.put_stream("data", urls::PROCEDURES_JSON, &mut |w| procedures_json(site, t, w));
                out.put_stream("data", urls::STATISTICS_JSON, &mut |w| statistics_json(site, w));
                out.put_stream("data", INTERNAL_PROCESSES_JSON, &mut |w| internal_processes_json(site, w));
                out.put_stream("data", urls::FAQ_JSON, &mut |w| faq_json(site, w));
                // The workbook of each edition, beside its open-data page (`en/data/procedures.xlsx`).
                for lang in super::lang::editions(site) {
                    let t = ctx.theme.translations.get(lang.code()).unwrap_or(&empty);
                    let path = format!("{}{PROCEDURES_XLSX}", lang.prefix());
                    match procedures_xlsx(site, t, lang) {
                        Ok(bytes) => out.put("data", &path, &bytes),
                        Err(e) => out.error(crate::diag::Diagnostic::new("io", format!("cannot write {path}: {e}"))),
                    }
                }
            },
            || {
                out.put_stream("data", urls::PROCEDURES_CSV, &mut |w| procedures_csv(site, t, w));
                // One search index per edition, beside its search page (`en/data/search-index.json`).
                for lang in super::lang::editions(site) {
                    out.put_stream("data", &format!("{}{}", lang.prefix(), urls::SEARCH_INDEX), &mut |w| {
                        search_index(site, lang, w)
                    });
                }
            },
        );
        progress(self.estimate(site) as u64);
    }
}

/// Every file this renderer makes, in no particular order.
fn paths(site: &Site) -> Vec<String> {
    let mut paths = vec![
        "data/procedures.json".to_string(),
        urls::STATISTICS_JSON.into(),
        "data/procedures.csv".into(),
        INTERNAL_PROCESSES_JSON.into(),
        urls::FAQ_JSON.into(),
    ];
    for lang in super::lang::editions(site) {
        paths.push(format!("{}{PROCEDURES_XLSX}", lang.prefix()));
        paths.push(format!("{}{}", lang.prefix(), urls::SEARCH_INDEX));
    }
    paths
}

/// One procedure in `procedures.json`. Borrowed from the model and written
/// straight to the output buffer: no intermediate JSON tree at 10k records.
#[derive(Serialize)]
struct ExportProcedure<'a> {
    code: &'a str,
    title: &'a str,
    title_en: Option<&'a str>,
    url: String,
    stage: ExportRef<'a>,
    field: ExportRef<'a>,
    level: ExportLevel<'a>,
    digital_signature: bool,
    service_center: bool,
    public_postal: bool,
    online_url: Option<&'a str>,
    administrative_level: Option<&'a str>,
    publication_decision: Option<&'a str>,
    optional: bool,
    alternative_to: &'a [String],
    after: &'a [String],
    related: &'a [String],
    journey_position: usize,
    summary: &'a str,
    summary_html: &'a Doc,
    summary_en_html: Option<&'a Doc>,
    applicants: &'a [String],
    agencies: Option<&'a Agencies>,
    where_to_submit_html: Option<&'a Doc>,
    steps_html: &'a [Doc],
    channels: Vec<ExportChannel<'a>>,
    documents: &'a [Document],
    requirements_html: Option<&'a Doc>,
    result: &'a [String],
    legal_basis: &'a [LegalBasis],
    /// The record's figures with the share and band of each year (`stats::procedure_years`).
    statistics: Vec<crate::stats::YearShare>,
    /// The internal processes (quy trình nội bộ), as in `internal-processes.json`.
    internal_process: Vec<ExportProcess<'a>>,
    keywords: &'a [String],
    /// Calendar date of the record's last change (ISO 8601), when known.
    updated: Option<&'a str>,
}

#[derive(Serialize)]
struct ExportRef<'a> {
    key: &'a str,
    title: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    number: Option<usize>,
}

#[derive(Serialize)]
struct ExportLevel<'a> {
    decree_43_2011: u8,
    scheme: &'a str,
    key: &'a str,
    label: &'a str,
}

#[derive(Serialize)]
struct ExportChannel<'a> {
    #[serde(flatten)]
    channel: &'a Channel,
    display_time: String,
    display_fee: String,
}

pub fn procedures_json(site: &Site, t: &view::Strings, w: &mut dyn Write) -> std::io::Result<()> {
    let procedures: Vec<ExportProcedure> = site
        .procedures
        .iter()
        .map(|p| {
            let level = &site.levels[p.level];
            let stage = &site.stages[p.stage];
            let field = &site.fields[p.field];
            ExportProcedure {
                code: &p.code,
                title: &p.title.vi,
                title_en: p.title.en.as_deref(),
                url: format!("{}{}", site.config.base_url, urls::procedure(&p.slug)),
                stage: ExportRef { key: &stage.key, title: &stage.title.vi, number: Some(stage.number) },
                field: ExportRef { key: &field.key, title: &field.title.vi, number: None },
                level: ExportLevel {
                    decree_43_2011: p.base_level,
                    scheme: &site.config.level_scheme,
                    key: &level.key,
                    label: &level.label.vi,
                },
                digital_signature: p.digital_signature,
                service_center: p.service_center,
                public_postal: p.public_postal,
                online_url: p.online_url.as_deref(),
                administrative_level: p.administrative_level.as_deref(),
                publication_decision: p.publication_decision.as_deref(),
                optional: p.optional,
                alternative_to: &p.alternative_to,
                after: &p.after,
                related: &p.related,
                journey_position: p.journey_index + 1,
                summary: &p.summary.plain,
                summary_html: &p.summary.vi,
                summary_en_html: p.summary.en.as_ref(),
                applicants: &p.applicants,
                agencies: p.agencies.as_ref(),
                where_to_submit_html: p.where_to_submit.as_ref(),
                steps_html: &p.steps,
                channels: p
                    .channels
                    .iter()
                    .map(|c| ExportChannel { channel: c, display_time: time_text(c, t), display_fee: fee_text(c, t) })
                    .collect(),
                documents: &p.documents,
                requirements_html: p.requirements.as_ref(),
                result: &p.result,
                legal_basis: &p.legal_basis,
                statistics: crate::stats::procedure_years(p, site.config.target_low, site.config.target_high),
                internal_process: p.internal_process.iter().map(|ip| export_process(site, ip)).collect(),
                keywords: &p.keywords,
                updated: p.updated.as_ref().map(|u| u.date.as_str()),
            }
        })
        .collect();
    let doc = json!({
        "publisher": site.config.organisation.name.vi,
        "edition": site.config.edition,
        "level_scheme": site.config.level_scheme,
        "levels": site.levels.iter().map(|l| json!({"key": l.key, "label": l.label.vi, "label_en": l.label.en, "covers_decree_43_2011": l.covers, "colour": l.colour})).collect::<Vec<_>>(),
    });
    #[derive(Serialize)]
    struct Export<'a> {
        #[serde(flatten)]
        head: serde_json::Value,
        procedures: Vec<ExportProcedure<'a>>,
    }
    serde_json::to_writer(&mut *w, &Export { head: doc, procedures })?;
    w.write_all(b"\n")
}

/// One internal process in the open data.
#[derive(Serialize)]
struct ExportProcess<'a> {
    /// The channel whose legal time the steps add up to; `null`: every channel.
    channel: Option<ChannelKind>,
    case: Option<&'a str>,
    decision: Option<&'a Decision>,
    steps: Vec<ExportStep<'a>>,
    /// Sum of the steps in working hours (8 a working day).
    total_hours: f64,
    /// The legal processing time in working hours, when the record gives one.
    limit_hours: Option<f64>,
}

#[derive(Serialize)]
struct ExportStep<'a> {
    step: usize,
    action: &'a str,
    action_en: Option<&'a str>,
    /// The Board's unit that does the step (site.toml `[[units]]`), or `null`…
    unit: Option<ExportUnit<'a>>,
    /// …another agency, by name.
    agency: Option<&'a str>,
    /// As written, in `time_unit` (`hours` are working hours, or `working-days`).
    time: f64,
    time_unit: &'a str,
    /// In working hours.
    hours: f64,
    /// Done in the provincial one-stop software (quy trình điện tử).
    electronic: bool,
    output: Option<&'a str>,
}

#[derive(Serialize)]
struct ExportUnit<'a> {
    key: &'a str,
    name: &'a str,
    name_en: Option<&'a str>,
    kind: &'a str,
}

fn export_process<'a>(site: &'a Site, ip: &'a InternalProcess) -> ExportProcess<'a> {
    ExportProcess {
        channel: ip.channel,
        case: ip.case.as_deref(),
        decision: ip.decision.as_ref(),
        steps: ip
            .steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (unit, agency) = match &s.responsible {
                    Responsible::Unit(u) => {
                        let u = &site.units[*u];
                        let unit =
                            ExportUnit { key: &u.key, name: &u.name.vi, name_en: u.name.en.as_deref(), kind: &u.kind };
                        (Some(unit), None)
                    }
                    Responsible::Agency(a) => (None, Some(a.as_str())),
                };
                ExportStep {
                    step: i + 1,
                    action: &s.action.vi,
                    action_en: s.action.en.as_deref(),
                    unit,
                    agency,
                    time: s.time,
                    time_unit: &s.time_unit,
                    hours: s.hours,
                    electronic: s.electronic,
                    output: s.output.as_deref(),
                }
            })
            .collect(),
        total_hours: ip.total_hours,
        limit_hours: ip.limit_hours,
    }
}

/// `data/internal-processes.json`: one entry per internal process of every
/// record (a record with two channels' processes has two), with the
/// procedure's code, title and page, for configuring the one-stop software.
/// Written even when no record has a process (`"processes": []`), so the
/// address never breaks.
pub fn internal_processes_json(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Entry<'a> {
        code: &'a str,
        title: &'a str,
        title_en: Option<&'a str>,
        url: String,
        #[serde(flatten)]
        process: ExportProcess<'a>,
    }
    let processes: Vec<Entry> = site
        .procedures
        .iter()
        .flat_map(|p| {
            p.internal_process.iter().map(move |ip| Entry {
                code: &p.code,
                title: &p.title.vi,
                title_en: p.title.en.as_deref(),
                url: format!("{}{}", site.config.base_url, urls::procedure(&p.slug)),
                process: export_process(site, ip),
            })
        })
        .collect();
    let units: Vec<ExportUnit> = site
        .units
        .iter()
        .map(|u| ExportUnit { key: &u.key, name: &u.name.vi, name_en: u.name.en.as_deref(), kind: &u.kind })
        .collect();
    let doc = json!({
        "publisher": site.config.organisation.name.vi,
        "hours_per_working_day": 8,
        "units": units,
        "processes": processes,
    });
    serde_json::to_writer(&mut *w, &doc)?;
    w.write_all(b"\n")
}

/// `data/statistics.json`: the figures of the statistics page (totals,
/// shares and bands per year, stage and field; level shares; the promotion
/// ranking), computed once by `stats::compute` for the page and this file.
pub fn statistics_json(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    let stats = crate::stats::compute(site);
    let mut v = serde_json::to_value(&stats).map_err(std::io::Error::other)?;
    // Procedures by index mean nothing outside the build: add their titles and URLs.
    if let Some(list) = v["promote"].as_array_mut() {
        for (item, x) in list.iter_mut().zip(&stats.promote) {
            let p = &site.procedures[x.procedure];
            item["title"] = json!(p.title.vi);
            item["title_en"] = json!(p.title.en);
            item["url"] = json!(format!("{}{}", site.config.base_url, urls::procedure(&p.slug)));
            if let Some(o) = item.as_object_mut() {
                o.remove("procedure");
            }
        }
    }
    for group in ["by_stage", "by_field"] {
        if let Some(list) = v[group].as_array_mut() {
            for item in list {
                if let Some(o) = item.as_object_mut() {
                    o.remove("index");
                }
            }
        }
    }
    serde_json::to_writer(&mut *w, &v)?;
    w.write_all(b"\n")
}

/// Compact index: one entry per procedure. `k` is the folded text a query is
/// matched against as title: the Vietnamese title, the English one and the
/// record's keywords, separated by " | " (so the English edition finds
/// "giay phep xay dung" and the Vietnamese one "construction permit"). The
/// body text is the summary `s`, which the script folds itself (`fold` in
/// search.js), and the field's name. `ab` is the abbreviation table
/// (`crate::search`). Nothing is stored twice: about 0.5 KB per record.
pub fn search_index(site: &Site, lang: Lang, w: &mut dyn Write) -> std::io::Result<()> {
    #[derive(Serialize)]
    struct Doc<'a> {
        c: &'a str,
        t: &'a str,
        u: String,
        s: String,
        l: usize,
        g: usize,
        f: usize,
        k: String,
    }
    #[derive(Serialize)]
    struct Index<'a> {
        levels: serde_json::Value,
        stages: Vec<String>,
        fields: Vec<&'a str>,
        ab: std::collections::BTreeMap<String, Vec<String>>,
        docs: Vec<Doc<'a>>,
        /// The questions from businesses (`data/faq.rs`), searched after the procedures.
        qa: Vec<faq::QaDoc<'a>>,
    }
    let docs: Vec<Doc> = site
        .procedures
        .iter()
        .map(|p| {
            let plain = match lang {
                Lang::En => p.summary.plain_en.as_deref().unwrap_or(&p.summary.plain),
                Lang::Vi => &p.summary.plain,
            };
            let mut k = fold(&p.title.vi);
            for extra in p.title.en.iter().chain(&p.keywords).filter(|x| !x.trim().is_empty()) {
                k.push_str(" | ");
                k.push_str(&fold(extra));
            }
            Doc {
                c: &p.code,
                t: lang.pick(&p.title).0,
                u: urls::procedure(&p.slug),
                s: crate::text::shorten(plain, 240),
                l: p.level,
                g: p.stage,
                f: p.field,
                k,
            }
        })
        .collect();
    let index = Index {
        levels: json!(
            site.levels
                .iter()
                .map(|l| json!({"label": lang.pick(&l.label).0, "colour": l.colour, "text": l.text_colour}))
                .collect::<Vec<_>>()
        ),
        stages: site.stages.iter().map(|s| format!("{}. {}", s.number, lang.pick(&s.title).0)).collect(),
        fields: site.fields.iter().map(|f| lang.pick(&f.title).0).collect(),
        ab: crate::search::abbreviations(&site.config),
        docs,
        qa: search_docs(site, lang),
    };
    serde_json::to_writer(w, &index).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests;
