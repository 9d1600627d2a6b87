//! The catalogue table of the open data, typed cells and the two files made
//! from it: `data/procedures.csv` and the per-edition `procedures.xlsx`.

use super::super::lang::Lang;
use super::super::view::{self, tr};
use crate::model::{Agencies, Channel, ChannelKind, Site};
use std::borrow::Cow;
use std::io::Write;

/// A cell that a spreadsheet would read as a formula (it begins with `=`,
/// `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`, as OWASP
/// recommends against CSV injection: Excel opens this file directly, and
/// `=HYPERLINK(…)` in a title would become a live link. The `'` shows in the
/// cell; the rest of the text is unchanged (docs/editing.md, open data).
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) }
}

/// Every cell quoted, CRLF line ends: what the file has always been.
pub(super) fn csv_writer<W: Write>(w: W) -> csv::Writer<W> {
    csv::WriterBuilder::new().quote_style(csv::QuoteStyle::Always).terminator(csv::Terminator::CRLF).from_writer(w)
}

/// One CSV record, each cell through [`csv_cell`].
pub(super) fn csv_row<W: Write>(csv: &mut csv::Writer<W>, cells: &[impl AsRef<str>]) -> csv::Result<()> {
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
