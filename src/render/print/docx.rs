//! The annexes as editable Word documents (`.docx`), made with docx-rs from
//! the same data as their PDFs (`annex::data`): the office drafts its
//! decisions in Word and amends the annex there.
//!
//! Decree 30/2020/NĐ-CP format as in the PDF: A4 (landscape: the tables need
//! the width at 13 pt), margins top 25 mm, bottom 20 mm, left 30 mm, right
//! 15 mm, Times New Roman 13 pt (the font Word has on an office's machines;
//! the PDF uses the metric-compatible Liberation Serif), the annex heading,
//! page numbers centred at the top from page 2, real Word tables whose header
//! row repeats on every page and whose rows do not split.
//!
//! The bytes are deterministic: fixed document dates (the site's edition),
//! zip entries dated 1980 (docx-rs's zip has no clock), and paragraph ids
//! counted from 1 on a fresh thread (docx-rs numbers paragraphs with a
//! thread-local counter it does not reset between documents).

use super::annex::Annex;
use crate::render::view::{Strings, tr};
use docx_rs::{
    AlignmentType, Docx, Header, LineSpacing, PageMargin, PageNum, PageOrientationType, Paragraph, Run, RunFonts,
    Table, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};
use serde_json::Value;

/// The font named in the document (see the module comment).
const FONT: &str = "Times New Roman";
/// Body size in half-points (13 pt).
const BODY: usize = 26;
/// Heading size in half-points (14 pt).
const HEADING: usize = 28;
/// A4 landscape in twips.
const PAGE_W: u32 = 16838;
const PAGE_H: u32 = 11906;
/// Margins in twips: 25, 20, 30, 15 mm.
const TOP: i32 = 1417;
const BOTTOM: i32 = 1134;
const LEFT: i32 = 1701;
const RIGHT: i32 = 851;
/// The text width the table columns share.
const TEXT_W: usize = (PAGE_W as i32 - LEFT - RIGHT) as usize;
/// Height (twips) given to header rows only, so they can be marked as
/// repeating after docx-rs has written them (it has no `w:tblHeader`).
const HEADER_ROW_TWIPS: f32 = 397.0;

/// The `.docx` of an annex from its data (`annex::data`).
pub fn annex(annex: Annex, data: &Value, edition: Option<&str>) -> Result<Vec<u8>, String> {
    // A fresh thread: docx-rs's paragraph ids start at 1 for every document.
    std::thread::scope(|s| s.spawn(|| build(annex, data, edition)).join())
        .map_err(|_| "the Word document writer panicked".to_string())?
}

fn build(annex: Annex, data: &Value, edition: Option<&str>) -> Result<Vec<u8>, String> {
    let t: Strings = serde_json::from_value(data["t"].clone()).map_err(|e| e.to_string())?;
    let fonts = RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT).east_asia(FONT);
    let date = format!("{}T00:00:00Z", edition.unwrap_or("2000-01-01"));
    let mut doc = Docx::new()
        .default_fonts(fonts)
        .default_size(BODY)
        .page_size(PAGE_W, PAGE_H)
        .page_orient(PageOrientationType::Landscape)
        .page_margin(PageMargin::new().top(TOP).bottom(BOTTOM).left(LEFT).right(RIGHT).header(709).footer(709))
        // Page numbers centred at the top from page 2 (an empty first-page header).
        .header(Header::new().add_paragraph(Paragraph::new().align(AlignmentType::Center).add_page_num(PageNum::new())))
        .first_header(Header::new())
        .created_at(&date)
        .updated_at(&date);
    for p in heading(&t, data["title"].as_str().unwrap_or_default()) {
        doc = doc.add_paragraph(p);
    }
    match annex {
        Annex::Online => doc = doc.add_table(online_table(&t, &data["groups"])),
        Annex::Process => {
            for g in data["groups"].as_array().into_iter().flatten() {
                doc = doc.add_paragraph(
                    para(&format!("{}. {} {}", s(&g["roman"]), tr(&t, "field"), s(&g["field"])), HEADING)
                        .bold()
                        .keep_next(true)
                        .line_spacing(LineSpacing::new().before(240).after(120)),
                );
                for p in g["procedures"].as_array().into_iter().flatten() {
                    doc = doc.add_paragraph(
                        para(
                            &format!(
                                "{}. {} ({} {})",
                                p["no"],
                                s(&p["title"]),
                                tr(&t, "annex_code_word"),
                                s(&p["code"])
                            ),
                            BODY,
                        )
                        .bold()
                        .keep_next(true)
                        .line_spacing(LineSpacing::new().before(200).after(80)),
                    );
                    for ip in p["processes"].as_array().into_iter().flatten() {
                        if let Some(label) = ip["label"].as_str() {
                            doc = doc.add_paragraph(para(label, BODY).italic().keep_next(true));
                        }
                        if let Some(d) = ip["decision"].as_str() {
                            doc = doc.add_paragraph(
                                para(&format!("{}: {d}", tr(&t, "annex_approved_by")), BODY).italic().keep_next(true),
                            );
                        }
                        doc = doc.add_table(process_table(&t, ip));
                        doc = doc.add_paragraph(Paragraph::new().size(BODY));
                    }
                }
            }
        }
    }
    let mut xml = doc.build();
    xml.document = mark_header_rows(&xml.document)?;
    let mut bytes = std::io::Cursor::new(Vec::new());
    xml.pack(&mut bytes).map_err(|e| format!("cannot write the Word document: {e}"))?;
    Ok(bytes.into_inner())
}

fn s(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        v => v.to_string(),
    }
}

fn para(text: &str, size: usize) -> Paragraph {
    Paragraph::new().size(size).add_run(Run::new().size(size).add_text(text))
}

/// "Phụ lục", the title in bold capitals, "(Kèm theo Quyết định số …)" in
/// italics, and a short rule (Decree 30/2020, Appendix I).
fn heading(t: &Strings, title: &str) -> Vec<Paragraph> {
    let centre = |p: Paragraph| p.align(AlignmentType::Center);
    vec![
        centre(para(tr(t, "annex_heading"), HEADING).bold()),
        centre(para(&title.to_uppercase(), HEADING).bold()),
        centre(para(tr(t, "annex_attached"), HEADING).italic()),
        centre(para("―――――――", BODY)).line_spacing(LineSpacing::new().after(240)),
    ]
}

/// A table cell of one paragraph.
fn cell(text: &str, width: usize, bold: bool, align: AlignmentType) -> TableCell {
    let mut run = Run::new().size(BODY).add_text(text);
    if bold {
        run = run.bold();
    }
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Center)
        .add_paragraph(Paragraph::new().size(BODY).align(align).add_run(run))
}

fn header_row(cols: &[(&str, usize)]) -> TableRow {
    TableRow::new(cols.iter().map(|(h, w)| cell(h, *w, true, AlignmentType::Center)).collect())
        .row_height(HEADER_ROW_TWIPS)
        .height_rule(docx_rs::HeightRule::AtLeast)
        .cant_split()
}

fn table(grid: &[usize], rows: Vec<TableRow>) -> Table {
    Table::new(rows).set_grid(grid.to_vec()).width(TEXT_W, WidthType::Dxa).layout(TableLayoutType::Fixed)
}

fn yes_no(t: &Strings, v: &Value) -> String {
    match v.as_bool() {
        Some(true) => tr(t, "yes").to_string(),
        Some(false) => tr(t, "no").to_string(),
        None => tr(t, "no_info").to_string(),
    }
}

fn online_table(t: &Strings, groups: &Value) -> Table {
    let grid = [700, 1600, 5486, 1600, 2900, 1000, 1000];
    let heads = [
        "annex_col_no",
        "annex_col_code",
        "annex_col_title",
        "annex_col_level",
        "annex_col_basis",
        "annex_col_center",
        "annex_col_signature",
    ];
    let cols: Vec<(&str, usize)> = heads.iter().zip(grid).map(|(k, w)| (tr(t, k), w)).collect();
    let mut rows = vec![header_row(&cols)];
    let c = AlignmentType::Center;
    let l = AlignmentType::Left;
    for g in groups.as_array().into_iter().flatten() {
        let title = format!("{}. {} {}", s(&g["roman"]), tr(t, "field"), s(&g["field"]));
        rows.push(TableRow::new(vec![cell(&title, TEXT_W, true, l).grid_span(grid.len())]).cant_split());
        for r in g["rows"].as_array().into_iter().flatten() {
            let basis = r["basis"].as_str().map_or_else(|| tr(t, "no_info").to_string(), str::to_string);
            rows.push(
                TableRow::new(vec![
                    cell(&s(&r["no"]), grid[0], false, c),
                    cell(&s(&r["code"]), grid[1], false, c),
                    cell(&s(&r["title"]), grid[2], false, l),
                    cell(&s(&r["level"]), grid[3], false, c),
                    cell(&basis, grid[4], false, l),
                    cell(&yes_no(t, &r["service_center"]), grid[5], false, c),
                    cell(&yes_no(t, &r["digital_signature"]), grid[6], false, c),
                ])
                .cant_split(),
            );
        }
    }
    table(&grid, rows)
}

fn process_table(t: &Strings, ip: &Value) -> Table {
    let grid = [700, 4786, 2900, 1900, 1300, 2700];
    let heads = [
        "annex_col_step",
        "annex_col_action",
        "annex_col_responsible",
        "annex_col_time",
        "annex_col_electronic",
        "annex_col_output",
    ];
    let cols: Vec<(&str, usize)> = heads.iter().zip(grid).map(|(k, w)| (tr(t, k), w)).collect();
    let mut rows = vec![header_row(&cols)];
    let c = AlignmentType::Center;
    let l = AlignmentType::Left;
    for st in ip["steps"].as_array().into_iter().flatten() {
        rows.push(
            TableRow::new(vec![
                cell(&s(&st["step"]), grid[0], false, c),
                cell(&s(&st["action"]), grid[1], false, l),
                cell(&s(&st["responsible"]), grid[2], false, l),
                cell(&s(&st["time"]), grid[3], false, c),
                cell(&yes_no(t, &st["electronic"]), grid[4], false, c),
                cell(&s(&st["output"]), grid[5], false, l),
            ])
            .cant_split(),
        );
    }
    let left: usize = grid[..3].iter().sum();
    let right: usize = grid[3..].iter().sum();
    rows.push(
        TableRow::new(vec![
            cell(tr(t, "annex_total"), left, true, AlignmentType::Right).grid_span(3),
            cell(&s(&ip["total"]), right, true, l).grid_span(3),
        ])
        .cant_split(),
    );
    table(&grid, rows)
}

/// Marks the header rows (the only rows of `HEADER_ROW_TWIPS` height) as
/// repeating at the top of every page: `<w:tblHeader/>`.
fn mark_header_rows(document: &[u8]) -> Result<Vec<u8>, String> {
    let xml = std::str::from_utf8(document).map_err(|e| e.to_string())?;
    let marker = format!(r#"<w:trHeight w:val="{HEADER_ROW_TWIPS}" w:hRule="atLeast" />"#);
    if !xml.contains(&marker) {
        return Err("the Word document's table header rows were not found".into());
    }
    Ok(xml.replace(&marker, &format!("{marker}<w:tblHeader />")).into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_rows_repeat_and_bytes_are_stable() {
        let t: Strings = toml::from_str(include_str!("../../../themes/default/i18n/vi.toml")).unwrap();
        let data = serde_json::json!({
            "t": t,
            "title": "Danh mục",
            "groups": [{"roman": "I", "field": "Đầu tư", "rows": [
                {"no": 1, "code": "1.000001", "title": "Thủ tục ấy", "level": "Mức độ 3", "basis": null,
                 "service_center": true, "digital_signature": false}
            ]}],
        });
        let a = annex(Annex::Online, &data, Some("2026-11-01")).unwrap();
        let b = annex(Annex::Online, &data, Some("2026-11-01")).unwrap();
        assert_eq!(a, b);
        let text = String::from_utf8_lossy(&a);
        assert!(text.contains("<w:tblHeader />"), "no repeating header row");
        assert!(text.contains("1.000001") && text.contains("Không có thông tin"));
    }
}
