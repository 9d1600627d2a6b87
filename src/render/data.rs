//! Open data and the search index: `data/procedures.json` (every field),
//! `data/procedures.csv` (catalogue columns, UTF-8 with BOM for Excel) and
//! `data/search-index.json` (folded text for diacritic-insensitive search),
//! `data/internal-processes.json` (the records' internal processes, for the
//! one-stop software; always written, an empty list when no record has one).

use super::lang::Lang;
use super::view::{self, fee_text, time_text, tr};
use super::{RenderCtx, Renderer, urls};
use crate::model::{
    Agencies, Channel, ChannelKind, Decision, Document, Html, InternalProcess, LegalBasis, Responsible, Site,
};
use crate::output::Output;
use crate::text::fold;
use serde::Serialize;
use serde_json::json;
use std::borrow::Cow;
use std::io::Write;

pub struct DataRenderer;

/// The catalogue as a workbook, per edition (`en/` prefix for the English one).
pub const PROCEDURES_XLSX: &str = urls::PROCEDURES_XLSX;

/// Every record's internal processes, one entry per process.
pub use crate::routes::INTERNAL_PROCESSES_JSON;

impl Renderer for DataRenderer {
    fn name(&self) -> &'static str {
        "data"
    }

    fn estimate(&self, site: &Site) -> usize {
        4 + 2 * super::lang::editions(site).len()
    }

    fn render(&self, site: &Site, ctx: &RenderCtx, out: &Output, progress: &(dyn Fn(u64) + Sync)) {
        if !out.writes() {
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
                out.put_stream("data", urls::PROCEDURES_JSON, |w| procedures_json(site, t, w));
                out.put_stream("data", urls::STATISTICS_JSON, |w| statistics_json(site, w));
                out.put_stream("data", INTERNAL_PROCESSES_JSON, |w| internal_processes_json(site, w));
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
                out.put_stream("data", urls::PROCEDURES_CSV, |w| procedures_csv(site, t, w));
                // One search index per edition, beside its search page (`en/data/search-index.json`).
                for lang in super::lang::editions(site) {
                    out.put_stream("data", &format!("{}{}", lang.prefix(), urls::SEARCH_INDEX), |w| {
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
    summary_html: &'a Html,
    summary_en_html: Option<&'a Html>,
    applicants: &'a [String],
    agencies: Option<&'a Agencies>,
    where_to_submit_html: Option<&'a Html>,
    steps_html: &'a [Html],
    channels: Vec<ExportChannel<'a>>,
    documents: &'a [Document],
    requirements_html: Option<&'a Html>,
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

/// A cell that a spreadsheet would read as a formula (it begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP
/// recommends against CSV injection: Excel opens this file directly, and
/// `=HYPERLINK(…)` in a title would become a live link. The `'` shows in the
/// cell; the rest of the text is unchanged (docs/editing.md, open data).
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// Every cell quoted, CRLF line ends: what the file has always been.
fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).terminator(csv::Terminator::CRLF).from_writer(w)
}

/// One CSV record, each cell through [`csv_cell`].
fn csv_row<W: Write>(csv: &mut csv::Writer<W>, cells: &[impl AsRef<str>]) -> csv::Result<()> {
    for c in cells {
        csv.write_field(csv_cell(c.as_ref()).as_bytes())?;
    }
    csv.write_record(None::<&[u8]>)
}

/// One cell of the catalogue table, typed, so that the CSV writes it in a
/// machine form and the workbook as a number, a date or a boolean.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// An amount in đồng (a thousands separator in the workbook).
    Money(i64),
    Bool(bool),
    /// ISO 8601 calendar date (`2026-11-01`).
    Date(String),
    Url(String),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        let s = s.into();
        if s.is_empty() { Cell::Empty } else { Cell::Text(s) }
    }

    /// The CSV form: numbers plain (`400000`, `17.5`), `true`/`false`, ISO dates.
    fn csv(&self) -> Cow<'_, str> {
        match self {
            Cell::Text(s) | Cell::Url(s) | Cell::Date(s) => csv_cell(s),
            Cell::Number(n) => Cow::Owned(plain_number(*n)),
            Cell::Money(v) => Cow::Owned(v.to_string()),
            Cell::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Cell::Empty => Cow::Borrowed(""),
        }
    }
}

/// `400000`, `17.5`: no thousands separator, a point for decimals.
fn plain_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 { format!("{}", n as i64) } else { format!("{n}") }
}

/// The catalogue table of the open data (`procedures.csv`, `procedures.xlsx`):
/// the eleven columns the CSV has always had, in their order, then the level
/// as a number, the agencies, the time and fee of each channel and the
/// last-updated date (docs/editing.md, "Open data", lists them).
pub struct Table {
    pub header: Vec<String>,
    /// Column widths in the workbook, in characters.
    pub widths: Vec<f64>,
    pub rows: Vec<Vec<Cell>>,
}

const KINDS: [ChannelKind; 3] = [ChannelKind::Direct, ChannelKind::Online, ChannelKind::Postal];

/// The per-channel time in a machine form: `10 working-days`, `35 days`,
/// `4 hours`; the published text when it has no number; empty without the channel.
fn machine_time(c: &Channel) -> Cell {
    match (c.time, &c.time_unit, &c.time_text) {
        (Some(n), Some(u), _) => Cell::Text(format!("{} {u}", plain_number(n))),
        (_, _, Some(text)) => Cell::text(text.trim()),
        _ => Cell::Empty,
    }
}

pub fn table(site: &Site, t: &view::Strings, lang: Lang) -> Table {
    let en = lang == Lang::En;
    let l = |vi: &str, en_: &str| if en { en_.to_string() } else { vi.to_string() };
    let kind_name = |k: ChannelKind| match (k, en) {
        (ChannelKind::Direct, false) => "trực tiếp",
        (ChannelKind::Online, false) => "trực tuyến",
        (ChannelKind::Postal, false) => "bưu chính",
        (ChannelKind::Direct, true) => "in person",
        (ChannelKind::Online, true) => "online",
        (ChannelKind::Postal, true) => "by post",
    };
    let mut header: Vec<String> = vec![
        tr(t, "code").into(),
        tr(t, "name").into(),
        l("Tên tiếng Anh", "English name"),
        tr(t, "field").into(),
        tr(t, "stage").into(),
        tr(t, "level").into(),
        tr(t, "digital_signature").into(),
        tr(t, "service_center").into(),
        tr(t, "public_postal").into(),
        tr(t, "processing_time").into(),
        "URL".into(),
        l("Mức độ (số)", "Level (number)"),
        l("Cơ quan có thẩm quyền", "Competent authority"),
        l("Cơ quan thực hiện", "Executing agency"),
    ];
    let mut widths = vec![11.0, 60.0, 40.0, 26.0, 30.0, 12.0, 11.0, 11.0, 11.0, 20.0, 40.0, 11.0, 30.0, 30.0];
    for k in KINDS {
        header.push(format!("{} — {}", l("Thời hạn", "Time"), kind_name(k)));
        widths.push(18.0);
    }
    for k in KINDS {
        header.push(format!("{} — {}", l("Phí, lệ phí (đồng)", "Fee (VND)"), kind_name(k)));
        header.push(format!("{} — {}", l("Phí, lệ phí (văn bản)", "Fee (text)"), kind_name(k)));
        widths.extend([14.0, 30.0]);
    }
    header.push(l("Cập nhật", "Last updated"));
    widths.push(12.0);

    let rows = site
        .procedures
        .iter()
        .map(|p| {
            let r = view::row(p, t, lang);
            let stage = &site.stages[p.stage];
            let agency = |f: fn(&Agencies) -> &Option<String>| {
                p.agencies.as_ref().and_then(|a| f(a).as_deref()).map_or(Cell::Empty, |s| Cell::text(s.trim()))
            };
            let mut cells = vec![
                Cell::text(&p.code),
                Cell::text(&p.title.vi),
                Cell::text(p.title.en.clone().unwrap_or_default()),
                Cell::text(lang.pick(&site.fields[p.field].title).0),
                Cell::text(format!("{}. {}", stage.number, lang.pick(&stage.title).0)),
                Cell::text(lang.pick(&site.levels[p.level].label).0),
                Cell::Bool(p.digital_signature),
                Cell::Bool(p.service_center),
                Cell::Bool(p.public_postal),
                Cell::text(r.time),
                Cell::Url(format!("{}{}{}", site.config.base_url, lang.prefix(), r.path.trim_start_matches('/'))),
                Cell::Number(f64::from(p.base_level)),
                agency(|a| &a.competent),
                agency(|a| &a.executing),
            ];
            for k in KINDS {
                cells.push(p.channel(k).map_or(Cell::Empty, machine_time));
            }
            for k in KINDS {
                let c = p.channel(k);
                cells.push(c.and_then(|c| c.fee_vnd).map_or(Cell::Empty, Cell::Money));
                cells.push(c.and_then(|c| c.fee.as_deref()).map_or(Cell::Empty, |s| Cell::text(s.trim())));
            }
            cells.push(p.updated.as_ref().map_or(Cell::Empty, |u| Cell::Date(u.date.clone())));
            cells
        })
        .collect();
    Table { header, widths, rows }
}

/// `data/procedures.csv`: UTF-8 with a BOM (so Excel reads the diacritics),
/// every cell quoted, CRLF line ends, formula-like cells neutralised. Yes/no
/// columns are `true`/`false`, numbers have no thousands separator, dates are ISO.
pub fn procedures_csv(site: &Site, t: &view::Strings, w: &mut dyn Write) -> std::io::Result<()> {
    let table = table(site, t, Lang::Vi);
    w.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv_writer(w);
    csv_row(&mut csv, &table.header)?;
    for row in &table.rows {
        let cells: Vec<Cow<str>> = row.iter().map(Cell::csv).collect();
        csv_row(&mut csv, &cells)?;
    }
    csv.flush()
}

/// `data/procedures.xlsx` (`en/data/procedures.xlsx`): the same table as a
/// workbook, for Excel under a locale whose list separator is `;` (Vietnamese
/// among them), where the CSV lands in one column. Numbers, dates and booleans
/// are typed cells; the bold header row stays in view and has a filter. Text
/// cells are never formulas in a workbook, so they are written as they are.
/// Same bytes on every build: the document's creation date is the site's
/// `edition` (else 2000-01-01), never the clock.
pub fn procedures_xlsx(site: &Site, t: &view::Strings, lang: Lang) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};
    let table = table(site, t, lang);
    let mut book = Workbook::new();
    let created = site
        .config
        .edition
        .as_deref()
        .and_then(|d| ExcelDateTime::parse_from_str(d).ok())
        .map_or_else(|| ExcelDateTime::from_ymd(2000, 1, 1), Ok)?;
    let title = match lang {
        Lang::Vi => format!("{} — {}", site.config.title.vi, tr(t, "open_data")),
        Lang::En => format!("{} — {}", lang.pick(&site.config.title).0, tr(t, "open_data")),
    };
    book.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_author(lang.pick(&site.config.organisation.name).0)
            .set_creation_datetime(&created),
    );
    let bold = Format::new().set_bold().set_text_wrap().set_align(FormatAlign::Top);
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let amount = Format::new().set_num_format("#,##0");
    let sheet = book.add_worksheet();
    sheet.set_name(match lang {
        Lang::Vi => "Thủ tục",
        Lang::En => "Procedures",
    })?;
    for (c, (h, w)) in table.header.iter().zip(&table.widths).enumerate() {
        let c = c as u16;
        sheet.write_string_with_format(0, c, h, &bold)?;
        sheet.set_column_width(c, *w)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                // A cell holds at most 32,767 characters.
                Cell::Text(s) => sheet.write_string(r, c, crate::text::shorten(s, 32_000))?,
                Cell::Money(v) => sheet.write_number_with_format(r, c, *v as f64, &amount)?,
                Cell::Number(n) => sheet.write_number(r, c, *n)?,
                Cell::Bool(b) => sheet.write_boolean(r, c, *b)?,
                Cell::Date(d) => match ExcelDateTime::parse_from_str(d) {
                    Ok(dt) => sheet.write_datetime_with_format(r, c, &dt, &date)?,
                    Err(_) => sheet.write_string(r, c, d)?,
                },
                // Excel refuses links over 2,080 characters: those stay text.
                Cell::Url(u) => match sheet.write_url(r, c, u.as_str()) {
                    Ok(s) => s,
                    Err(_) => sheet.write_string(r, c, u)?,
                },
                Cell::Empty => sheet,
            };
        }
    }
    // Room for the longer headers to wrap onto three lines.
    sheet.set_row_height(0, 48)?;
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, table.rows.len() as u32, table.header.len() as u16 - 1)?;
    book.save_to_buffer()
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
    };
    serde_json::to_writer(w, &index).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `check` registers `paths()` instead of making the files: the two lists
    /// must not drift apart, or the link check of `check` and `build` differ.
    #[test]
    fn check_registers_exactly_the_files_a_build_writes() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = crate::load::load_site(root, None).unwrap();
        let theme = crate::theme::load_theme(root).unwrap();
        let cache = crate::cache::Cache::disabled();
        let ctx = RenderCtx { theme: &theme, cache: &cache, memo: None };
        let dir = tempfile::tempdir().unwrap();
        let built = Output::staging_for(&dir.path().join("out")).unwrap();
        let checked = Output::in_memory();
        for out in [&built, &checked] {
            DataRenderer.render(&site, &ctx, out, &|_| {});
            assert_eq!(out.file_count(), paths(&site).len());
            for path in paths(&site) {
                assert!(out.size_of(&path).is_some(), "{path} missing");
            }
        }
        assert!(built.size_of("data/procedures.json").unwrap() > 1000);
        assert_eq!(checked.byte_count(), 0, "check makes no open-data bytes");
        built.discard();
    }

    #[test]
    fn formula_like_cells_get_a_quote_and_others_stay_as_they_are() {
        for s in ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "=HYPERLINK(\"x\",\"y\")"] {
            assert_eq!(csv_cell(s), format!("'{s}"));
        }
        for s in ["Cấp giấy phép", "1.009794", "15 ngày làm việc", "a=1", " =1", "", "'quoted"] {
            assert_eq!(csv_cell(s), s);
        }
    }

    #[test]
    fn cells_with_commas_quotes_and_line_breaks_round_trip() {
        let cells = ["Cấp \"giấy phép\", xây dựng\r\nloại A", "x\ny", "=cmd", "Đất đai"];
        let mut buf = Vec::new();
        {
            let mut w = csv_writer(&mut buf);
            csv_row(&mut w, &cells).unwrap();
            csv_row(&mut w, &["2", "b", "-1", ""]).unwrap();
            w.flush().unwrap();
        }
        let rows: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(buf.as_slice())
            .records()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            ["Cấp \"giấy phép\", xây dựng\r\nloại A", "x\ny", "'=cmd", "Đất đai"]
        );
        assert_eq!(rows[1].iter().collect::<Vec<_>>(), ["2", "b", "'-1", ""]);
    }
}
