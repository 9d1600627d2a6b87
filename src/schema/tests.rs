use super::*;

fn check(text: &str) -> Vec<Diagnostic> {
    let src = SourceText::new("r.toml".into(), text.into());
    let t = DeTable::parse(text).unwrap();
    let mut out = vec![];
    check_table(t.get_ref(), t.span(), RECORD_KEYS, "", &src, 0, &mut out);
    out
}

#[test]
fn reports_every_problem_of_a_file() {
    let d = check(
        "code = \"1.000001\"\ntitel = \"x\"\nstage = 3\nfield = \"a\"\nlevel = 3\nsummary = \"s\"\n[[channels]]\nkind = \"onlin\"\ntime = \"5\"\n",
    );
    let codes: Vec<_> = d.iter().map(|d| (d.code, d.field.as_str(), d.line)).collect();
    assert!(codes.contains(&("unknown-key", "titel", 2)), "{codes:?}");
    assert!(codes.contains(&("wrong-type", "stage", 3)), "{codes:?}");
    assert!(codes.contains(&("bad-value", "channels[0].kind", 8)), "{codes:?}");
    assert!(codes.contains(&("wrong-type", "channels[0].time", 9)), "{codes:?}");
    assert!(codes.contains(&("missing-key", "title", 1)), "{codes:?}");
    let unknown = d.iter().find(|d| d.code == "unknown-key").unwrap();
    assert_eq!(unknown.hint.as_deref(), Some("did you mean `title`?"));
    let kind = d.iter().find(|d| d.code == "bad-value").unwrap();
    assert_eq!(kind.hint.as_deref(), Some("did you mean \"online\"?"));
}
