use super::*;
use crate::markdown::{MarkdownOptions, parse};
use crate::model::{Channel, ChannelKind};

fn strings() -> Strings {
    [
        ("currency", "đồng"),
        ("no_info", "Không có thông tin"),
        ("glance_free", "Không mất phí"),
        ("unit_working-days", "ngày làm việc"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn channel(fee: Option<&str>, fee_vnd: Option<i64>, note: Option<&str>) -> Channel {
    Channel {
        kind: ChannelKind::Direct,
        time: Some(17.5),
        time_unit: Some("working-days".into()),
        time_text: None,
        time_note: None,
        fee: fee.map(str::to_string),
        fee_vnd,
        note: note.map(|n| parse(n, &MarkdownOptions { allow_html: false, base_path: "/", heading_ids: false }).0.doc),
    }
}

#[test]
fn a_fee_only_in_the_note_is_surfaced() {
    let t = strings();
    let c = channel(
        Some("Theo quy định của Hội đồng nhân dân cấp tỉnh."),
        None,
        Some("Biểu lệ phí của Ban: cấp giấy phép xây dựng trong khu công nghiệp 100.000 đồng/giấy phép."),
    );
    assert_eq!(fee_short_in(&c, &t, Lang::Vi), ("100.000 đồng/giấy phép".to_string(), FeeSource::Note));
    let mut en = t.clone();
    en.insert("currency".into(), "VND".into());
    assert_eq!(fee_short_in(&c, &en, Lang::En).0, "100,000 VND/giấy phép");
    let c = channel(Some("Phí thẩm định: 5.000.000 đồng/báo cáo; thẩm định lại: 50% (2.500.000 đồng)"), None, None);
    assert_eq!(fee_short_in(&c, &t, Lang::Vi), ("5.000.000 đồng/báo cáo".to_string(), FeeSource::Fee));
    assert_eq!(fee_short_in(&channel(None, Some(0), None), &t, Lang::Vi).0, "Không mất phí");
    assert_eq!(fee_short_in(&channel(None, None, None), &t, Lang::Vi).0, "Không có thông tin");
    let c = channel(Some("Theo quy định của Hội đồng nhân dân cấp tỉnh."), None, None);
    assert_eq!(
        fee_short_in(&c, &t, Lang::Vi),
        ("Theo quy định của Hội đồng nhân dân cấp tỉnh.".to_string(), FeeSource::Text)
    );
}

#[test]
fn times_use_the_editions_decimal_mark() {
    let mut t = strings();
    let c = channel(None, None, None);
    assert_eq!(time_short_in(&c, &t, Lang::Vi), "17,5 ngày làm việc");
    t.insert("unit_working-days".into(), "working days".into());
    assert_eq!(time_short_in(&c, &t, Lang::En), "17.5 working days");
    assert_eq!(time_text_in(&c, &t, Lang::En), "17.5 working days");
}

fn english() -> Strings {
    [
        ("currency", "VND"),
        ("no_info", "No information"),
        ("glance_free", "Free of charge"),
        ("unit_working-days", "working days"),
        ("unit_days", "days"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn timed(n: f64, unit: &str, note: &str) -> Channel {
    Channel { time: Some(n), time_unit: Some(unit.into()), time_note: Some(note.into()), ..channel(None, None, None) }
}

#[test]
fn english_times_translate_known_qualifiers_and_keep_the_rest_apart() {
    let t = english();
    let en = |c: &Channel| time_in_english(c, &t, "see the note");
    let c = timed(10.0, "working-days", "kể từ ngày nhận đủ hồ sơ hợp lệ");
    assert_eq!(en(&c), ("10 working days from receipt of a complete, valid dossier".into(), None));
    let c = timed(15.0, "working-days", "kể từ ngày nhận được hồ sơ (Nghị định 96/2026/NĐ-CP, Điều 80 khoản 3)");
    assert_eq!(
        en(&c),
        ("15 working days from receipt of the dossier (Decree 96/2026/NĐ-CP, Article 80 clause 3)".into(), None)
    );
    let c = timed(7.5, "working-days", "Không quá 7,5 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ;");
    assert_eq!(en(&c), ("at most 7.5 working days from receipt of a complete, valid dossier".into(), None));
    let c = timed(30.0, "days", "tối đa, kể từ ngày nhận đầy đủ hồ sơ hợp lệ, đối với giấy phép thuộc thẩm quyền");
    assert_eq!(
        en(&c),
        (
            "at most 30 days from receipt of a complete, valid dossier".into(),
            Some("đối với giấy phép thuộc thẩm quyền".into())
        )
    );
    let c = timed(
        10.0,
        "working-days",
        "Đối với các xã miền núi, vùng sâu, vùng xa, vùng có điều kiện kinh tế - xã hội khó khăn, vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn thì thời gian thực hiện được tăng thêm 10 ngày làm việc.",
    );
    let (s, rest) = en(&c);
    assert_eq!(rest, None);
    assert!(s.starts_with("10 working days; in mountain communes") && s.ends_with(": 10 working days more"), "{s}");
    // An unknown note stays whole, apart; a free-text time is all note.
    let c = timed(20.0, "working-days", "Không quá 17 ngày làm việc đối với trường hợp đăng ký đất đai");
    assert_eq!(
        en(&c),
        ("20 working days".into(), Some("Không quá 17 ngày làm việc đối với trường hợp đăng ký đất đai".into()))
    );
    let c = Channel {
        time: None,
        time_unit: None,
        time_text: Some("Lấy ý kiến: 02 ngày".into()),
        ..channel(None, None, None)
    };
    assert_eq!(en(&c), ("see the note".into(), Some("Lấy ý kiến: 02 ngày".into())));
}

#[test]
fn english_fees_say_free_amounts_and_known_phrases() {
    let t = english();
    let en = |f: Option<&str>, v: Option<i64>| fee_in_english(&channel(f, v, None), &t, "see the note");
    assert_eq!(en(Some("Không"), Some(0)), ("Free of charge".into(), None));
    assert_eq!(en(None, Some(0)), ("Free of charge".into(), None));
    assert_eq!(en(None, None), ("No information".into(), None));
    assert_eq!(
        en(Some("Không thu phí (biểu lệ phí của Ban)"), None),
        ("Free of charge".into(), Some("biểu lệ phí của Ban".into()))
    );
    assert_eq!(
        en(
            Some("400.000 đồng/giấy phép (biểu lệ phí của Ban theo Quyết định 575/QĐ-UBND ngày 13/6/2014)"),
            Some(400_000)
        ),
        (
            "400,000 VND per permit".into(),
            Some("biểu lệ phí của Ban theo Quyết định 575/QĐ-UBND ngày 13/6/2014".into())
        )
    );
    assert_eq!(
        en(Some("Theo quy định của Hội đồng nhân dân cấp tỉnh."), None),
        ("as set by the provincial People's Council".into(), None)
    );
    let long = "Phí thẩm định: 5.000.000 đồng/báo cáo; thẩm định lại: 50%";
    assert_eq!(en(Some(long), Some(5_000_000)), ("5,000,000 VND".into(), Some(long.into())));
    let long = "Nghị quyết số 09/2025/NQ-HĐND ngày 27/10/2025";
    assert_eq!(en(Some(long), None), ("see the note".into(), Some(long.into())));
}

#[test]
fn file_sizes() {
    assert_eq!(super::file_size(57_700, Lang::Vi), "57 KB");
    assert_eq!(super::file_size(1, Lang::Vi), "1 KB");
    assert_eq!(super::file_size(1_300_000, Lang::Vi), "1,2 MB");
    assert_eq!(super::file_size(1_300_000, Lang::En), "1.2 MB");
}
