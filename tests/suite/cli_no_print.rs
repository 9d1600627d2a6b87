//! `onestop build --no-print`: a quick look without print products. The
//! pages link only products that exist, so the link check passes and no
//! link is broken; the default build stays complete (tests/suite/print.rs).

use crate::support;

use std::process::Command;

#[test]
fn build_no_print_makes_no_print_products_and_links_none() {
    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let o = Command::new(env!("CARGO_BIN_EXE_onestop"))
        .args(["build", "--root"])
        .arg(support::root())
        .arg("--out")
        .arg(&public)
        .arg("--no-print")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("print products: none (--no-print)"), "{stdout}");
    assert!(!String::from_utf8_lossy(&o.stderr).contains("print-address"), "no print products, no address warning");
    let mut pages = 0;
    for e in walkdir::WalkDir::new(&public).into_iter().flatten().filter(|e| e.file_type().is_file()) {
        let rel = e.path().strip_prefix(&public).unwrap().to_string_lossy().into_owned();
        assert!(
            !(rel.ends_with(".pdf") || (rel.starts_with("diagrams/") && rel.ends_with(".png"))),
            "{rel} is a print product"
        );
        if rel.ends_with(".html") {
            pages += 1;
            let html = std::fs::read_to_string(e.path()).unwrap();
            assert!(!html.contains(".pdf\""), "{rel} links a PDF");
        }
    }
    assert!(pages > 150, "the pages are all there: {pages}");
    // The journey diagram's SVG is the inline diagram's file: it stays.
    assert!(public.join("diagrams/hanh-trinh-dau-tu.svg").is_file());
}
