//! Print products (issue 4): leaflets, the how-to-file-online leaflet, the
//! A4 catalogue and the A1 poster, checked with poppler's tools the way a
//! print shop would look at them: fonts embedded, text extracts correctly in
//! NFC Vietnamese, paper size, the QR code scans. Tests that need poppler
//! print SKIPPED without it (and fail under CI=true).

use crate::support;

use onestop::build::{BuildOptions, BuildSummary, build};
use onestop::render::print::markup;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{require, root, which};
use unicode_normalization::UnicodeNormalization;

fn build_into(site: &Path, out: &Path) -> BuildSummary {
    build(&BuildOptions {
        root: site.to_path_buf(),
        out_dir: out.to_path_buf(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("site must build: {e:?}"))
}

/// Copies the example site (not public/, not the cache) so a test can edit it.
fn copy_site(to: &Path) {
    for item in ["site.toml", "content", "themes"] {
        let from = root().join(item);
        if from.is_file() {
            fs::copy(&from, to.join(item)).unwrap();
            continue;
        }
        for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = e.path().strip_prefix(root()).unwrap();
            if e.file_type().is_dir() {
                fs::create_dir_all(to.join(rel)).unwrap();
            } else {
                fs::copy(e.path(), to.join(rel)).unwrap();
            }
        }
    }
}

/// The example site copied and built once for the read-only tests.
fn example() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        copy_site(d.path());
        let out = d.path().join("public");
        build_into(d.path(), &out);
        (d, out)
    });
    out
}

fn poppler(test: &str) -> bool {
    require(
        test,
        "poppler-utils (pdftotext, pdffonts, pdfinfo, pdftoppm)",
        ["pdftotext", "pdffonts", "pdfinfo", "pdftoppm"].iter().all(|t| which(t).is_some()),
    )
}

fn run(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| panic!("{tool}: {e}"));
    assert!(out.status.success(), "{tool} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap_or_else(|_| panic!("{tool} {args:?}: output is not UTF-8"))
}

fn pdf_text(pdf: &Path) -> String {
    run("pdftotext", &["-enc", "UTF-8", pdf.to_str().unwrap(), "-"])
}

/// pdfinfo's "Pages" and "Page size" (in points).
fn pdf_info(pdf: &Path) -> (usize, f64, f64) {
    let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| {
        info.lines()
            .find_map(|l| l.strip_prefix(name))
            .map(str::trim)
            .unwrap_or_else(|| panic!("{}: no {name}\n{info}", pdf.display()))
            .to_string()
    };
    let pages = field("Pages:").parse().unwrap();
    let size = field("Page size:");
    let nums: Vec<f64> = size.split_whitespace().filter_map(|w| w.parse().ok()).collect();
    (pages, nums[0], nums[1])
}

/// Text with page footers, form feeds and line breaks removed and runs of
/// white space collapsed, so a sentence that wraps or crosses a page matches.
fn flat(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .map(|l| l.trim_matches('\u{c}'))
        .filter(|l| {
            !l.contains("Cập nhật:") && !l.contains("Updated:") && (!l.starts_with("Trang ") || !l.contains(" / "))
        })
        .collect();
    // List bullets are layout, not text.
    kept.join(" ").split_whitespace().filter(|w| !matches!(*w, "•" | "‣" | "–")).collect::<Vec<_>>().join(" ")
}

/// Without any white space: lines also wrap after `/` or `-`, where the
/// extracted text has no space but a line break.
fn squash(s: &str) -> String {
    flat(s).split_whitespace().collect()
}

fn squash_html(doc: &onestop::model::Doc) -> String {
    squash(&markup::plain(&markup::nodes(doc, "https://x/")))
}

fn site() -> &'static onestop::model::Site {
    static SITE: OnceLock<onestop::model::Site> = OnceLock::new();
    SITE.get_or_init(|| onestop::load::load_site(&root(), None).unwrap_or_else(|e| panic!("{e:?}")))
}

#[test]
fn every_print_product_is_made_and_linked_with_its_size() {
    let out = example();
    for p in &site().procedures {
        let pdf = out.join(format!("in-an/{}.pdf", p.slug));
        assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{}", pdf.display());
        let page = fs::read_to_string(out.join(format!("thu-tuc/{}/index.html", p.slug))).unwrap();
        let kb = fs::metadata(&pdf).unwrap().len().div_ceil(1024);
        assert!(page.contains(&format!("href=\"/in-an/{}.pdf\"", p.slug)), "{} does not link its leaflet", p.slug);
        assert!(page.contains(&format!("{kb} KB)")), "{}: leaflet size {kb} KB not shown", p.slug);
    }
    let print_page = fs::read_to_string(out.join("in-an/index.html")).unwrap();
    for f in ["huong-dan-nop-truc-tuyen.pdf", "danh-muc-thu-tuc-a4.pdf", "danh-muc-thu-tuc-a1.pdf"] {
        assert!(out.join("in-an").join(f).is_file(), "{f}");
        assert!(print_page.contains(&format!("href=\"/in-an/{f}\"")), "the print page lists {f}");
    }
    // Leaflets, the guide, two catalogues and each diagram's poster PDF (if the copy has diagrams).
    let posters = fs::read_dir(out.join("diagrams"))
        .map(|d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "pdf")).count())
        .unwrap_or(0);
    // The decision annexes (`phu-luc-*.pdf`, beside their Word copies) are listed too.
    let annexes = fs::read_dir(out.join("in-an"))
        .unwrap()
        .flatten()
        .filter(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            name.starts_with("phu-luc-") && name.ends_with(".pdf")
        })
        .count();
    assert!(annexes >= 1, "the example has level-3/4 procedures: Annex 1 is made");
    assert_eq!(print_page.matches("type=\"application/pdf\"").count(), site().procedures.len() + 3 + posters + annexes);
    assert!(
        fs::read_to_string(out.join("index.html")).unwrap().contains("href=\"/in-an/\""),
        "the footer links the print page"
    );
}

#[test]
fn every_font_is_embedded() {
    if !poppler("every_font_is_embedded") {
        return;
    }
    let dirs = [example().join("in-an"), example().join("en/in-an")];
    let mut annexes = 0;
    for e in dirs.iter().flat_map(|d| fs::read_dir(d).unwrap().flatten()) {
        let path = e.path();
        if path.extension().is_none_or(|x| x != "pdf") {
            continue;
        }
        let fonts = run("pdffonts", &[path.to_str().unwrap()]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert!(!rows.is_empty(), "{}: no fonts", path.display());
        for row in rows {
            // Be Vietnam Pro everywhere; the decision annexes use the bundled Liberation Serif.
            let annex = path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("phu-luc-"));
            let bundled = row.contains("BeVietnamPro") || (annex && row.contains("LiberationSerif"));
            assert!(bundled, "{}: a font that is not a bundled one: {row}", path.display());
            // Columns: name type encoding emb sub uni object ID
            let cols: Vec<&str> = row.split_whitespace().collect();
            let emb = cols[cols.len() - 5];
            assert_eq!(emb, "yes", "{}: font not embedded: {row}", path.display());
        }
        if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("phu-luc-")) {
            assert!(fonts.contains("LiberationSerif"), "{}: the annex embeds Liberation Serif", path.display());
            annexes += 1;
        }
    }
    assert!(annexes > 0, "the example has a decision annex");
    // The annexes' serif is a print-only font (themes/default/print/fonts/): the
    // website's static/fonts/ holds only the web font and its licence.
    let web_fonts: Vec<String> = fs::read_dir(example().join("static/fonts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(web_fonts.iter().all(|f| f.starts_with("BeVietnamPro") || f == "OFL.txt"), "{web_fonts:?}");
}

#[test]
fn leaflet_text_comes_out_in_nfc_vietnamese() {
    if !poppler("leaflet_text_comes_out_in_nfc_vietnamese") {
        return;
    }
    let mut checked_steps = 0;
    for p in &site().procedures {
        let pdf = example().join(format!("in-an/{}.pdf", p.slug));
        let raw = pdf_text(&pdf);
        assert_eq!(raw, raw.nfc().collect::<String>(), "{}: extracted text is not NFC", p.slug);
        let text = squash(&raw);
        assert!(text.contains(&p.code), "{}: code", p.slug);
        assert!(text.contains(&squash(&p.title.vi)), "{}: title {}", p.slug, p.title.vi);
        // A leaflet whose full content does not fit two pages says so and
        // prints a condensed list (names shortened, steps left to the website).
        let condensed = text.contains(&squash("Danh sách rút gọn"));
        if condensed {
            let page = format!("thutuc.example.gov.vn/thu-tuc/{}/", p.slug).replace('-', "");
            assert!(text.replace('-', "").contains(&page), "{}: points to the full list online", p.slug);
        }
        for s in p.steps.iter().filter(|_| !condensed || text.contains(&squash("Trình tự thực hiện"))) {
            assert!(text.contains(&squash_html(s)), "{}: step not found: {}", p.slug, s.html(""));
            checked_steps += 1;
        }
        for d in &p.documents {
            // A document name that crosses a page repeats the table header in the middle.
            let head: String = squash(&d.name).chars().take(if condensed { 25 } else { 40 }).collect();
            assert!(text.contains(&head), "{}: document not found: {}", p.slug, d.name);
        }
        if p.steps.is_empty() || p.documents.is_empty() {
            assert!(text.contains("Khôngcóthôngtin"), "{}: missing facts say so", p.slug);
        }
    }
    assert!(checked_steps > 50, "the example has steps to check ({checked_steps})");
}

#[test]
fn paper_sizes_and_page_counts() {
    if !poppler("paper_sizes_and_page_counts") {
        return;
    }
    let close = |a: f64, b: f64| (a - b).abs() < 1.0;
    let out = example();
    let (pages, w, h) = pdf_info(&out.join("in-an/dang-ky-noi-quy-lao-dong.pdf"));
    assert!(close(w, 595.3) && close(h, 841.9), "leaflet is A4 portrait: {w}×{h}");
    assert_eq!(pages, 2, "a leaflet of a typical record fills two A4 pages");
    let (pages, w, h) = pdf_info(&out.join("in-an/danh-muc-thu-tuc-a4.pdf"));
    assert!(close(w, 841.9) && close(h, 595.3), "catalogue is A4 landscape: {w}×{h}");
    assert!(pages > 1, "the catalogue of 59 procedures takes several pages");
    // The header row repeats on every page.
    let text = pdf_text(&out.join("in-an/danh-muc-thu-tuc-a4.pdf"));
    assert_eq!(text.split('\u{c}').filter(|p| p.contains("Tên thủ tục")).count(), pages, "header row on every page");
    for p in &site().procedures {
        assert!(flat(&text).contains(&p.code), "catalogue lists {}", p.code);
    }
    let (_, w, h) = pdf_info(&out.join("in-an/danh-muc-thu-tuc-a1.pdf"));
    assert!(close(w, 2383.9) && close(h, 1683.8), "poster is A1 landscape: {w}×{h}");
    let (_, w, _) = pdf_info(&out.join("in-an/huong-dan-nop-truc-tuyen.pdf"));
    assert!(close(w, 595.3));
}

#[test]
fn a5_leaflets_by_site_toml() {
    if !poppler("a5_leaflets_by_site_toml") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let toml = fs::read_to_string(dir.path().join("site.toml"))
        .unwrap()
        .replace("edition = 2026-11-01", "edition = 2026-11-01\nprint_paper = \"A5\"");
    fs::write(dir.path().join("site.toml"), toml).unwrap();
    let out = dir.path().join("public");
    build_into(dir.path(), &out);
    let (pages, w, h) = pdf_info(&out.join("in-an/dang-ky-noi-quy-lao-dong.pdf"));
    assert!((w - 419.5).abs() < 1.0 && (h - 595.3).abs() < 1.0, "A5: {w}×{h}");
    assert!(pages >= 2, "the same content on smaller paper");
    assert!(fs::read_to_string(out.join("in-an/index.html")).unwrap().contains("PDF, khổ A5"));
}

#[test]
fn pdf_a_2b_for_archiving_by_site_toml() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let toml = fs::read_to_string(dir.path().join("site.toml"))
        .unwrap()
        .replace("edition = 2026-11-01", "edition = 2026-11-01\nprint_standard = \"pdf-a-2b\"");
    fs::write(dir.path().join("site.toml"), toml).unwrap();
    let out = dir.path().join("public");
    build_into(dir.path(), &out);
    for product in ["in-an/dang-ky-noi-quy-lao-dong.pdf", "in-an/danh-muc-thu-tuc-a4.pdf"] {
        let bytes = fs::read(out.join(product)).unwrap();
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"pdfaid:part"), "{product}: no PDF/A identification");
        assert!(!has(b"pdfuaid:part"), "{product}: still declares PDF/UA-1");
    }
}

/// Renders page 1 of a PDF and decodes every QR code on it.
fn qr_codes(pdf: &Path, dpi: u32) -> Vec<String> {
    qr_codes_sized(pdf, dpi).into_iter().map(|(s, _)| s).collect()
}

/// Every QR code on page 1 with the side of its symbol (without the quiet
/// zone) in millimetres.
fn qr_codes_sized(pdf: &Path, dpi: u32) -> Vec<(String, f64)> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    run(
        "pdftoppm",
        &[
            "-r",
            &dpi.to_string(),
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            "-gray",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let png = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "png"))
        .unwrap();
    let decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(png).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    let (w, h) = (info.width as usize, info.height as usize);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| buf[(y * w + x) * channels]);
    img.detect_grids()
        .into_iter()
        .filter_map(|g| {
            let b = g.bounds;
            let side = (((b[1].x - b[0].x) as f64).powi(2) + ((b[1].y - b[0].y) as f64).powi(2)).sqrt();
            g.decode().ok().map(|(_, s)| (s, side / dpi as f64 * 25.4))
        })
        .collect()
}

#[test]
fn every_leaflet_qr_code_opens_its_procedure_page() {
    if !poppler("every_leaflet_qr_code_opens_its_procedure_page") {
        return;
    }
    let base = &site().config.base_url;
    for p in &site().procedures {
        for prefix in ["", "en/"] {
            let pdf = example().join(format!("{prefix}in-an/{}.pdf", p.slug));
            let codes = qr_codes_sized(&pdf, 150);
            let url = format!("{base}{prefix}thu-tuc/{}/", p.slug);
            assert_eq!(codes.iter().map(|c| &c.0).collect::<Vec<_>>(), vec![&url], "{}", pdf.display());
            assert!(codes[0].1 >= 25.0, "{}: QR code {:.1} mm, at least 25 mm", pdf.display(), codes[0].1);
            // The short address is printed beside it, the online service
            // named on a level 3/4 leaflet.
            let text = squash(&pdf_text(&pdf));
            // (pdftotext drops a hyphen that ends a line.)
            let dehyphen = |s: &str| s.replace('-', "");
            let short = squash(url.trim_start_matches("https://"));
            assert!(dehyphen(&text).contains(&dehyphen(&short)), "{}: address printed", pdf.display());
            if p.base_level >= 3 {
                let online = p.online_url.clone().or(site().config.portal_url.clone()).unwrap();
                assert!(
                    text.contains(&squash(online.trim_start_matches("https://"))),
                    "{}: online service",
                    pdf.display()
                );
            }
        }
    }
}

#[test]
fn catalogue_and_guide_qr_codes() {
    if !poppler("catalogue_and_guide_qr_codes") {
        return;
    }
    let catalogue = format!("{}thu-tuc/", site().config.base_url);
    let a4 = qr_codes_sized(&example().join("in-an/danh-muc-thu-tuc-a4.pdf"), 200);
    assert_eq!(a4.len(), 1);
    assert_eq!(a4[0].0, catalogue, "the A4 catalogue's code opens the catalogue page");
    assert!(a4[0].1 >= 25.0, "A4 catalogue QR code {:.1} mm", a4[0].1);
    let a1 = qr_codes_sized(&example().join("in-an/danh-muc-thu-tuc-a1.pdf"), 40);
    assert_eq!(a1.len(), 1);
    assert_eq!(a1[0].0, catalogue, "the A1 catalogue's code opens the catalogue page");
    assert!(a1[0].1 >= 80.0, "A1 catalogue QR code {:.1} mm, at least 80 mm", a1[0].1);
    // The general leaflet's code opens the portal, and every link prints its address.
    assert_eq!(
        qr_codes(&example().join("in-an/huong-dan-nop-truc-tuyen.pdf"), 150),
        vec![site().config.portal_url.clone().unwrap()]
    );
    let guide = squash(&pdf_text(&example().join("in-an/huong-dan-nop-truc-tuyen.pdf")));
    assert!(guide.contains(&squash("Liên hệ (thutuc.example.gov.vn/lien-he/)")), "{guide}");
}

#[test]
fn every_example_leaflet_fits_two_a4_pages() {
    if !poppler("every_example_leaflet_fits_two_a4_pages") {
        return;
    }
    for p in &site().procedures {
        for prefix in ["", "en/"] {
            let pdf = example().join(format!("{prefix}in-an/{}.pdf", p.slug));
            let (pages, _, _) = pdf_info(&pdf);
            assert!(pages <= 2, "{}: {pages} pages", pdf.display());
            // No near-empty last page.
            if pages == 2 {
                let last = run("pdftotext", &["-f", "2", "-l", "2", "-layout", pdf.to_str().unwrap(), "-"]);
                let lines = last.lines().filter(|l| !l.trim().is_empty()).count();
                assert!(lines >= 8, "{}: the last page holds {lines} lines", pdf.display());
            }
        }
    }
}

/// Font sizes of the words of a PDF (from poppler's word boxes: their
/// height is the font size × (ascent − descent) = 1.265 em for Be Vietnam
/// Pro), split into body and footer (the bottom 18 mm).
/// (size in pt, word) of each word.
type Words = Vec<(f64, String)>;

fn word_sizes(pdf: &Path) -> (Words, Words) {
    let html = run("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]);
    let (mut body, mut footer) = (Vec::new(), Vec::new());
    let mut page_h = 0.0;
    let num = |l: &str, k: &str| -> f64 {
        let i = l.find(&format!("{k}=\"")).unwrap() + k.len() + 2;
        l[i..].split('"').next().unwrap().parse().unwrap()
    };
    for l in html.lines() {
        if l.contains("<page ") {
            page_h = num(l, "height");
        } else if l.contains("<word ") {
            let size = (num(l, "yMax") - num(l, "yMin")) / 1.265;
            let word = l.split('>').nth(1).unwrap_or("").split('<').next().unwrap_or("").to_string();
            if num(l, "yMin") > page_h - 18.0 / 25.4 * 72.0 {
                footer.push((size, word))
            } else {
                body.push((size, word))
            }
        }
    }
    (body, footer)
}

#[test]
fn leaflet_type_is_readable() {
    if !poppler("leaflet_type_is_readable") {
        return;
    }
    for p in &site().procedures {
        for prefix in ["", "en/"] {
            let pdf = example().join(format!("{prefix}in-an/{}.pdf", p.slug));
            let (body, footer) = word_sizes(&pdf);
            let small = body.iter().find(|(s, _)| *s < 10.9);
            assert!(small.is_none(), "{}: body text {small:?} under 11 pt", pdf.display());
            let small = footer.iter().find(|(s, _)| *s < 8.9);
            assert!(small.is_none(), "{}: footer text {small:?} under 9 pt", pdf.display());
        }
    }
    let (body, _) = word_sizes(&example().join("in-an/danh-muc-thu-tuc-a4.pdf"));
    let small = body.iter().find(|(s, _)| *s < 7.9);
    assert!(small.is_none(), "A4 catalogue: {small:?} under 8 pt");
    let (body, footer) = word_sizes(&example().join("in-an/danh-muc-thu-tuc-a1.pdf"));
    let small = body.iter().chain(&footer).find(|(s, _)| *s < 13.9);
    assert!(small.is_none(), "A1 catalogue: {small:?} under 14 pt");
}

#[test]
fn print_products_are_tagged_with_title_and_language() {
    if !poppler("print_products_are_tagged_with_title_and_language") {
        return;
    }
    let mut products: Vec<PathBuf> =
        ["in-an/huong-dan-nop-truc-tuyen.pdf", "in-an/danh-muc-thu-tuc-a4.pdf", "in-an/danh-muc-thu-tuc-a1.pdf"]
            .iter()
            .map(|p| example().join(p))
            .collect();
    for p in &site().procedures {
        products.push(example().join(format!("in-an/{}.pdf", p.slug)));
        products.push(example().join(format!("en/in-an/{}.pdf", p.slug)));
    }
    for pdf in products {
        let info = run("pdfinfo", &[pdf.to_str().unwrap()]);
        assert!(info.contains("Tagged:          yes"), "{}: not tagged\n{info}", pdf.display());
        let title = info.lines().find_map(|l| l.strip_prefix("Title:")).map(str::trim).unwrap_or_default();
        assert!(!title.is_empty(), "{}: no title", pdf.display());
        let bytes = fs::read(&pdf).unwrap();
        assert!(bytes.windows(6).any(|w| w == b"/Lang("), "{}: no document language", pdf.display());
        assert!(bytes.windows(10).any(|w| w == b"pdfuaid:pa"), "{}: not PDF/UA-1", pdf.display());
    }
}

#[test]
fn the_leaflet_names_the_records_office_and_who_may_apply() {
    if !poppler("the_leaflet_names_the_records_office_and_who_may_apply") {
        return;
    }
    let p = site().procedures.iter().find(|p| p.slug == "dang-ky-noi-quy-lao-dong").unwrap();
    let text = flat(&pdf_text(&example().join("in-an/dang-ky-noi-quy-lao-dong.pdf")));
    let board = &site().config.organisation.name.vi;
    assert!(!text.contains(&format!("chọn cơ quan giải quyết: {board}")), "step 3 names the Board:\n{text}");
    assert!(text.contains("chọn cơ quan giải quyết: Cơ quan chuyên môn về nội vụ"), "{text}");
    assert!(text.contains("Nơi tiếp nhận và giải quyết: Cơ quan chuyên môn về nội vụ"), "{text}");
    for a in &p.applicants {
        assert!(text.contains(a.as_str()), "who may apply: {a}");
    }
    // Catalogue: a blank cell never means "no"; times are not cut off.
    let cat = flat(&pdf_text(&example().join("in-an/danh-muc-thu-tuc-a4.pdf")));
    let noes = site().procedures.iter().filter(|p| !p.digital_signature).count()
        + site().procedures.iter().filter(|p| !p.service_center).count();
    assert!(cat.matches("Không").count() >= noes, "Không in the Ký số and TT PVHCC columns");
    assert!(!cat.contains('…'), "no processing time is cut off");
}

/// A record with typst-special characters, Markdown emphasis and nothing
/// optional filled in.
const SPECIAL: &str = r#"code = "9.999901"
title = "Thủ tục thử: ký tự # $ * _ @ < > đặc biệt"
stage = "dau-tu"
field = "dau-tu"
level = 4
online_url = "https://dichvucong.hanam.gov.vn/thu?ma=9.999901&x=1"
summary = "Phí 5% cho #hashtag, $10 * 2 = $20, tên_có_gạch @nguoidung <thẻ> và `mã #1`. **Chữ đậm** và *chữ nghiêng*."
steps = ["Bước **một**: nộp = #set text(red) và $x^2$", "Bước hai: gửi tới <label> @ref"]

[[documents]]
name = "Giấy #1 * bản _sao_ $"
originals = 1
"#;

#[test]
fn special_characters_emphasis_and_missing_facts() {
    if !poppler("special_characters_emphasis_and_missing_facts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    fs::write(dir.path().join("content/procedures/dau-tu/thu-ky-tu-dac-biet.toml"), SPECIAL).unwrap();
    let out = dir.path().join("public");
    build_into(dir.path(), &out);
    let pdf = out.join("in-an/thu-ky-tu-dac-biet.pdf");
    let text = flat(&pdf_text(&pdf));
    for s in [
        "Thủ tục thử: ký tự # $ * _ @ < > đặc biệt",
        "Phí 5% cho #hashtag, $10 * 2 = $20, tên_có_gạch @nguoidung <thẻ> và mã #1.",
        "Chữ đậm và chữ nghiêng.",
        "Bước một: nộp = #set text(red) và $x^2$",
        "Bước hai: gửi tới <label> @ref",
        "Giấy #1 * bản _sao_ $",
        "Không có thông tin",
    ] {
        assert!(text.contains(s), "not printed as written: {s}\n--- got:\n{text}");
    }
    assert!(!text.contains("**"), "Markdown emphasis markers must not print");
    let fonts = run("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.contains("BeVietnamPro-Bold") && fonts.contains("BeVietnamPro-Italic"),
        "emphasis uses the bold and italic faces:\n{fonts}"
    );
    assert_eq!(qr_codes(&pdf, 150), vec![format!("{}thu-tuc/thu-ky-tu-dac-biet/", site().config.base_url)]);
    assert!(squash(&text).contains("dichvucong.hanam.gov.vn/thu?ma=9.999901&x=1"), "the online service is named");
}

fn pdfs(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = ["in-an", "en/in-an"]
        .iter()
        .flat_map(|d| fs::read_dir(dir.join(d)).unwrap().flatten())
        .filter(|e| e.path().extension().is_some_and(|x| x == "pdf"))
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned(), fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn deterministic_and_cached() {
    let dir = tempfile::tempdir().unwrap();
    copy_site(dir.path());
    let first = build_into(dir.path(), &dir.path().join("a"));
    // Leaflets in both editions (the example site lists "en"), the three
    // office products, and each decision annex as PDF and Word.
    let annexes = fs::read_dir(dir.path().join("a/in-an"))
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with("phu-luc-"))
        .count();
    let n = 2 * site().procedures.len() + 3 + annexes;
    assert_eq!((first.cache_hits, first.cache_misses), (0, n), "a fresh site typesets everything");
    // Without the cache: typeset again, same bytes.
    fs::remove_dir_all(dir.path().join(onestop::cache::DIR)).unwrap();
    let second = build_into(dir.path(), &dir.path().join("b"));
    assert_eq!(second.cache_misses, n);
    let a = pdfs(&dir.path().join("a"));
    assert_eq!(a, pdfs(&dir.path().join("b")), "typesetting twice gives byte-identical PDFs");
    // With the cache: nothing typeset, same bytes.
    let third = build_into(dir.path(), &dir.path().join("c"));
    assert_eq!((third.cache_hits, third.cache_misses), (n, 0), "an unchanged site is not typeset again");
    assert_eq!(a, pdfs(&dir.path().join("c")));
    // Editing one record typesets its leaflet and the lists that show it, nothing else.
    let rec = dir.path().join("content/procedures/van-hanh-lao-dong/dang-ky-noi-quy-lao-dong.toml");
    let text = fs::read_to_string(&rec)
        .unwrap()
        .replace("name = \"Nội quy lao động\"", "name = \"Nội quy lao động (bản đã ban hành)\"");
    fs::write(&rec, text).unwrap();
    let fourth = build_into(dir.path(), &dir.path().join("d"));
    assert_eq!(
        fourth.cache_misses, 2,
        "only the edited record's leaflets (Vietnamese and English) are typeset (document names are not in the catalogue)"
    );
    let d = pdfs(&dir.path().join("d"));
    for ((name, x), (_, y)) in a.iter().zip(&d) {
        assert_eq!(x == y, !name.ends_with("in-an/dang-ky-noi-quy-lao-dong.pdf"), "{name}");
    }
}

/// The English UI strings of the default theme.
fn en_strings() -> toml::Table {
    toml::from_str(&fs::read_to_string(root().join("themes/default/i18n/en.toml")).unwrap()).unwrap()
}

#[test]
fn english_leaflets_are_made_and_linked() {
    let out = example();
    let print_page = fs::read_to_string(out.join("en/in-an/index.html")).unwrap();
    for p in &site().procedures {
        let pdf = out.join(format!("en/in-an/{}.pdf", p.slug));
        assert!(fs::read(&pdf).unwrap().starts_with(b"%PDF-"), "{}", pdf.display());
        let kb = fs::metadata(&pdf).unwrap().len().div_ceil(1024);
        let page = fs::read_to_string(out.join(format!("en/thu-tuc/{}/index.html", p.slug))).unwrap();
        assert!(
            page.contains(&format!("href=\"/en/in-an/{}.pdf\"", p.slug)),
            "{}: the English page links the English leaflet",
            p.slug
        );
        assert!(page.contains(&format!("{kb} KB)")), "{}: English leaflet size {kb} KB not shown", p.slug);
        assert!(
            !page.contains(&format!("href=\"/in-an/{}.pdf\"", p.slug)),
            "{}: the English page does not link the Vietnamese leaflet",
            p.slug
        );
        assert!(
            print_page.contains(&format!("href=\"/en/in-an/{}.pdf\"", p.slug)),
            "{}: the English print page lists it",
            p.slug
        );
    }
    // The products that exist in Vietnamese only are listed as such.
    let only_vi = en_strings()["only_vi"].as_str().unwrap().to_string();
    let item = print_page
        .lines()
        .find(|l| l.contains("href=\"/in-an/danh-muc-thu-tuc-a4.pdf\""))
        .expect("the English print page lists the catalogue");
    assert!(item.contains(&only_vi), "the Vietnamese catalogue is marked: {item}");
}

#[test]
fn english_leaflet_text_marks_what_is_only_in_vietnamese() {
    if !poppler("english_leaflet_text_marks_what_is_only_in_vietnamese") {
        return;
    }
    let en = en_strings();
    let s = |k: &str| en[k].as_str().unwrap().to_string();
    let mark = format!("({})", s("only_vi"));
    let mut checked = 0;
    for p in site().procedures.iter().filter(|p| p.title.en.is_some() && !p.steps.is_empty() && !p.documents.is_empty())
    {
        let pdf = example().join(format!("en/in-an/{}.pdf", p.slug));
        let raw = pdf_text(&pdf);
        assert_eq!(raw, raw.nfc().collect::<String>(), "{}: extracted text is not NFC", p.slug);
        let text = squash(&raw);
        let title = squash(p.title.en.as_deref().unwrap());
        // pdftotext drops a hyphen that ends a line ("land-use-|change").
        let dehyphen = |s: &str| s.replace('-', "");
        assert!(dehyphen(&text).contains(&dehyphen(&title)), "{}: English title", p.slug);
        assert!(!text.contains(&format!("{title}{}", squash(&mark))), "{}: an English title is not marked", p.slug);
        assert!(text.contains(&squash(&s("print_how_online"))), "{}: English UI heading", p.slug);
        // Steps and documents have no English text: printed in Vietnamese,
        // with the mark right after their heading.
        // (A condensed leaflet leaves the steps to the website.)
        if text.contains(&squash(&s("steps"))) {
            assert!(text.contains(&squash(&format!("{} {mark}", s("steps")))), "{}: steps marked", p.slug);
            assert!(text.contains(&squash_html(&p.steps[0])), "{}: the Vietnamese step is printed", p.slug);
        }
        assert!(text.contains(&squash(&format!("{} {mark}", s("print_prepare")))), "{}: documents marked", p.slug);
        let head: String = squash(&p.documents[0].name).chars().take(30).collect();
        assert!(text.contains(&head), "{}: the Vietnamese document name is printed", p.slug);
        // The Vietnamese leaflet has no such mark.
        assert!(
            !pdf_text(&example().join(format!("in-an/{}.pdf", p.slug))).contains(&mark),
            "{}: Vietnamese leaflet",
            p.slug
        );
        // The document language is English, the Vietnamese parts tagged as such.
        let bytes = fs::read(&pdf).unwrap();
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        assert!(has(b"/Lang(en)") && has(b"/Lang(vi)"), "{}: PDF language tags", p.slug);
        checked += 1;
    }
    assert!(checked > 10, "the example has English records with steps and documents ({checked})");
}

/// The Board's units and a 20-working-day internal process (4 h + 18 days + 8 h + 4 h; as
/// tests/suite/process.rs) for the construction permit of tests/fixtures/valid-min.
const PROCESS_UNITS: &str = r#"
[[units]]
key = "mot-cua"
name = "Bộ phận Một cửa"
kind = "one-stop"

[[units]]
key = "phong-xay-dung"
name = "Phòng Quản lý quy hoạch và xây dựng"
kind = "division"

[[units]]
key = "lanh-dao"
name = "Lãnh đạo Ban"
kind = "leadership"
"#;

const PROCESS: &str = r#"
[[internal_process]]
[[internal_process.steps]]
action = "Tiếp nhận hồ sơ"
unit = "mot-cua"
time = 4
time_unit = "hours"

[[internal_process.steps]]
action = "Thẩm định hồ sơ"
unit = "phong-xay-dung"
time = 18
time_unit = "working-days"

[[internal_process.steps]]
action = "Xin ý kiến Sở Xây dựng"
agency = "Sở Xây dựng"
time = 8
time_unit = "hours"

[[internal_process.steps]]
action = "Ký duyệt"
unit = "lanh-dao"
time = 4
time_unit = "hours"
"#;

/// Issue 15: "the journey poster and the catalogue can show, per procedure, the total
/// internal time and the number of units involved (a diagram option)". The catalogues
/// follow the journey diagram (the one with `inline = true`): with its
/// `internal_process = true`, the A4 and A1 catalogues print "Nội bộ: 20 ngày làm việc,
/// 4 đơn vị" under the time of the one record with an internal process (three units of
/// the Board and one other agency), and nothing for the two without; off by default.
#[test]
fn catalogues_show_each_records_internal_process_with_the_journey_diagrams_option() {
    if !poppler("catalogues_show_each_records_internal_process_with_the_journey_diagrams_option") {
        return;
    }
    for option in [true, false] {
        let d = tempfile::tempdir().unwrap();
        let from = root().join("tests/fixtures/valid-min");
        for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
            let rel = e.path().strip_prefix(&from).unwrap();
            if rel.starts_with(".onestop-cache") || rel.starts_with("public") {
                continue;
            }
            if e.file_type().is_dir() {
                fs::create_dir_all(d.path().join(rel)).unwrap();
            } else {
                fs::copy(e.path(), d.path().join(rel)).unwrap();
            }
        }
        let site = d.path().join("site.toml");
        fs::write(&site, format!("{}{PROCESS_UNITS}", fs::read_to_string(&site).unwrap())).unwrap();
        let rec = d.path().join("content/procedures/xay-dung/cap-giay-phep-xay-dung.toml");
        fs::write(&rec, format!("{}{PROCESS}", fs::read_to_string(&rec).unwrap())).unwrap();
        fs::create_dir_all(d.path().join("diagrams")).unwrap();
        let spec = format!("title = \"Hành trình\"\ninline = true\ninternal_process = {option}\n");
        fs::write(d.path().join("diagrams/hanh-trinh.toml"), spec).unwrap();
        let out = d.path().join("public");
        build_into(d.path(), &out);
        for name in ["danh-muc-thu-tuc-a4.pdf", "danh-muc-thu-tuc-a1.pdf"] {
            let text = flat(&pdf_text(&out.join("in-an").join(name)));
            let text: String = text.nfc().collect();
            assert!(text.contains("1.009794") && text.contains("1.009645"), "{name}: the three records");
            let found = text.matches("Nội bộ:").count();
            if option {
                assert!(text.contains("Nội bộ: 20 ngày làm việc, 4 đơn vị"), "{name}: the process's total:\n{text}");
                assert_eq!(found, 1, "{name}: only the record with a process");
            } else {
                assert_eq!(found, 0, "{name}: off unless the journey diagram sets it");
            }
        }
    }
}
