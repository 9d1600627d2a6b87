use super::table::{csv_row, csv_writer};
use super::*;

/// `check` registers `paths()` instead of making the files: the two lists
/// must not drift apart, or the link check of `check` and `build` differ.
#[test]
fn check_registers_exactly_the_files_a_build_writes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = crate::load::load_site(root, None).unwrap();
    let theme = crate::theme::load_theme(root).unwrap();
    let cache = crate::cache::Cache::disabled();
    let earlier = crate::sink::Produced::default();
    let built = crate::sink::MemorySink::default();
    let ctx = RenderCtx { theme: &theme, cache: &cache, memo: None, writes: true };
    DataRenderer.render(&site, &ctx, &earlier, &built, &|_| {});
    let (files, errors) = built.into_parts();
    assert!(errors.is_empty(), "{errors:?}");
    let mut expected = paths(&site);
    expected.sort();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(files["data/procedures.json"].len() > 1000);

    let checked = crate::sink::MemorySink::default();
    let ctx = RenderCtx { writes: false, ..ctx };
    DataRenderer.render(&site, &ctx, &earlier, &checked, &|_| {});
    let (files, _) = checked.into_parts();
    assert_eq!(files.keys().cloned().collect::<Vec<_>>(), expected);
    assert!(files.values().all(Vec::is_empty), "check makes no open-data bytes");
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
