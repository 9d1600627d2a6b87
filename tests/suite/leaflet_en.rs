//! English leaflets in English (issue 12): what the record lets us say in
//! English is said in English ("10 working days from receipt of a valid
//! dossier", "Free of charge", "400,000 VND per permit", the agency's English
//! name), and what exists only in Vietnamese is printed as it is, tagged
//! `lang="vi"`, and marked once per section, never mid-sentence.
//!
//! Reads every English leaflet of the example with pdftotext; prints SKIPPED
//! without poppler (and fails under CI=true).

use crate::support;

use onestop::build::{BuildOptions, build};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use support::{require, root, which};

/// The example site copied (without public/ and the cache) and built once.
fn example() -> &'static Path {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, out) = DIR.get_or_init(|| {
        let d = tempfile::tempdir().unwrap();
        for item in ["site.toml", "content", "themes"] {
            let from = root().join(item);
            if from.is_file() {
                fs::copy(&from, d.path().join(item)).unwrap();
                continue;
            }
            for e in walkdir::WalkDir::new(&from).into_iter().flatten() {
                let rel = e.path().strip_prefix(root()).unwrap();
                if e.file_type().is_dir() {
                    fs::create_dir_all(d.path().join(rel)).unwrap();
                } else {
                    fs::copy(e.path(), d.path().join(rel)).unwrap();
                }
            }
        }
        let out = d.path().join("public");
        build(&BuildOptions {
            root: d.path().to_path_buf(),
            out_dir: out.clone(),
            base_url: None,
            check_only: false,
            progress: false,
        })
        .unwrap_or_else(|e| panic!("site must build: {e:?}"));
        (d, out)
    });
    out
}

fn poppler(test: &str) -> bool {
    require(test, "poppler-utils (pdftotext)", which("pdftotext").is_some())
}

fn en() -> &'static toml::Table {
    static EN: OnceLock<toml::Table> = OnceLock::new();
    EN.get_or_init(|| toml::from_str(&fs::read_to_string(root().join("themes/default/i18n/en.toml")).unwrap()).unwrap())
}

fn s(key: &str) -> &'static str {
    en()[key].as_str().unwrap_or_else(|| panic!("en.toml has {key}"))
}

/// Every English leaflet's text (pdftotext, reading order), by slug.
fn leaflets() -> &'static Vec<(String, String)> {
    static TEXTS: OnceLock<Vec<(String, String)>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let mut v: Vec<(String, String)> = fs::read_dir(example().join("en/in-an"))
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "pdf"))
            .map(|p| {
                let out = Command::new("pdftotext").args(["-enc", "UTF-8", p.to_str().unwrap(), "-"]).output().unwrap();
                assert!(out.status.success(), "pdftotext {}", p.display());
                (p.file_stem().unwrap().to_string_lossy().into_owned(), String::from_utf8(out.stdout).unwrap())
            })
            .collect();
        v.sort();
        assert!(v.len() > 50, "the example has English leaflets ({})", v.len());
        v
    })
}

/// Lines without the page footers, joined, white space collapsed.
fn flat(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches('\u{c}'))
        .filter(|l| !(l.contains("Updated:") || (l.starts_with("Page ") && l.contains(" / "))))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

const VI_LETTERS: &str = "ăâđêôơưàáảãạằắẳẵặầấẩẫậèẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ";

/// Vietnamese words in a text that should be English: any word with a
/// Vietnamese letter, except the numbers of legal documents ("96/2026/NĐ-CP").
fn vietnamese_words(text: &str) -> Vec<&str> {
    text.split_whitespace()
        .filter(|w| !w.contains('/'))
        .filter(|w| w.chars().flat_map(char::to_lowercase).any(|c| VI_LETTERS.contains(c)))
        .collect()
}

/// The text after each `label` up to the first of `ends`.
fn segments<'a>(text: &'a str, label: &str, ends: &[&str]) -> Vec<&'a str> {
    text.match_indices(label)
        .map(|(i, _)| {
            let rest = &text[i + label.len()..];
            let end = ends.iter().filter_map(|e| rest.find(e)).min().unwrap_or(rest.len());
            rest[..end].trim()
        })
        .collect()
}

#[test]
fn processing_times_and_fees_are_english() {
    if !poppler("processing_times_and_fees_are_english") {
        return;
    }
    let channel_ends: Vec<String> =
        ["channel_direct", "channel_online", "channel_postal"].iter().map(|k| format!(" {}:", s(k))).collect();
    let mut ends: Vec<&str> = vec![
        "·",
        "Processing time:",
        "The dossier has",
        "The record lists no documents",
        s("print_vi_note"),
        s("print_notes_overleaf"),
    ];
    ends.extend(channel_ends.iter().map(String::as_str));
    let mut times = 0;
    for (slug, text) in leaflets() {
        let text = flat(text);
        assert!(!text.contains("working days, kể từ"), "{slug}: a time mixes English and Vietnamese");
        assert!(!text.contains("days, tối đa"), "{slug}: a time mixes English and Vietnamese");
        let label = format!("{}:", s("processing_time"));
        for time in segments(&text, &label, &ends) {
            let vi = vietnamese_words(time);
            assert!(vi.is_empty(), "{slug}: processing time “{time}” has Vietnamese words {vi:?}");
            times += 1;
        }
        for fee in segments(&text, &format!("{}:", s("fee")), &ends) {
            let vi = vietnamese_words(fee);
            assert!(vi.is_empty(), "{slug}: fee “{fee}” has Vietnamese words {vi:?}");
        }
    }
    assert!(times > 50, "the leaflets print processing times ({times})");
}

/// Section headings of a leaflet (the English UI strings).
fn headings() -> Vec<&'static str> {
    [
        "print_what_for",
        "applicants",
        "print_how_online",
        "print_in_person",
        "print_by_post",
        "print_time_fee",
        "print_notes",
        "print_prepare",
        "requirements",
        "steps",
        "result",
        "legal_basis",
        "print_contact",
    ]
    .iter()
    .map(|k| s(k))
    .collect()
}

#[test]
fn vietnamese_only_text_is_marked_once_per_section_never_mid_sentence() {
    if !poppler("vietnamese_only_text_is_marked_once_per_section_never_mid_sentence") {
        return;
    }
    let mark = format!("({})", s("only_vi"));
    let note = s("print_vi_note");
    let heads = headings();
    let is_heading = |l: &str| {
        let l = l.trim().trim_end_matches(mark.as_str()).trim();
        heads.contains(&l)
    };
    let mut marked = 0;
    for (slug, text) in leaflets() {
        // Sections: from one heading line to the next (the header band first).
        let mut sections: Vec<(String, usize)> = vec![("(header)".into(), 0)];
        for line in text.lines().map(|l| l.trim_matches('\u{c}').trim()) {
            if is_heading(line) {
                sections.push((line.to_string(), 0));
            }
            let n = line.matches(mark.as_str()).count() + line.matches(note).count();
            if n > 0 {
                marked += n;
                // A mark ends a heading, or is the note that opens a block:
                // never inside a sentence.
                assert!(
                    is_heading(line) || line.starts_with(note),
                    "{slug}: the Vietnamese-only mark is inside a line: “{line}”"
                );
            }
            sections.last_mut().unwrap().1 += n;
        }
        for (heading, n) in &sections {
            assert!(*n <= 1, "{slug}: section “{heading}” is marked {n} times");
        }
        let flat = flat(text);
        for punct in [".", ",", ";", ":"] {
            assert!(!flat.contains(&format!("{mark}{punct}")), "{slug}: “{mark}{punct}” is mid-sentence");
        }
    }
    assert!(marked > 50, "the English leaflets do mark their Vietnamese text ({marked})");
}

#[test]
fn english_fields_and_translatable_facts_are_printed_in_english() {
    if !poppler("english_fields_and_translatable_facts_are_printed_in_english") {
        return;
    }
    let get = |slug: &str| flat(&leaflets().iter().find(|(s, _)| s == slug).unwrap().1);
    // A record with English title and summary; its agency is the publishing
    // Board, whose English name site.toml gives.
    let t = get("cap-giay-chung-nhan-dang-ky-dau-tu");
    assert!(t.contains("Issuance of the Investment Registration Certificate"), "title_en: {t}");
    assert!(t.contains("Issues the Investment Registration Certificate for an investment project"), "summary_en: {t}");
    assert!(t.contains("Hà Nam Industrial Zones Management Board"), "agency in English: {t}");
    assert!(!t.contains("choose the agency: Ban Quản lý"), "{t}");
    assert!(t.contains("10 working days from receipt of a valid dossier"), "known qualifier translated: {t}");
    // The rest of the qualifier, which the table does not know, is kept in
    // Vietnamese after a mark (the note's lead, or the notes' heading overleaf).
    let rest = t.find("đối với dự án không thuộc diện chấp thuận chủ trương đầu tư").expect("the rest is printed");
    let mark = [note_lead().to_string(), format!("{} ({})", s("print_notes"), s("only_vi"))]
        .iter()
        .filter_map(|m| t.find(m.as_str()))
        .min()
        .expect("the note is marked");
    assert!(mark < rest, "the mark comes before the Vietnamese note: {t}");
    assert!(t.contains("Hà Nam Provincial Public Administration Service Center"), "service centre in English: {t}");
    // All of "Filing in person" is English here: no mark.
    assert!(!t.contains(&format!("{} ({})", s("print_in_person"), s("only_vi"))), "{t}");
    // Free of charge, and "Không" never printed as a fee.
    let t = get("dang-ky-noi-quy-lao-dong");
    assert!(t.contains("Registration of an enterprise's internal labour rules"), "{t}");
    assert!(t.contains(&format!("7 working days · {}: {}", s("fee"), s("glance_free"))), "{t}");
    // An amount in VND with its unit, the rest of the fee text in the note.
    let t = get("cap-giay-phep-lao-dong");
    assert!(t.contains("400,000 VND per permit"), "{t}");
    assert!(t.contains("10 working days from receipt of a complete, valid dossier"), "{t}");
    // Legal basis issuers in English.
    assert!(t.contains("(Government)"), "{t}");
}

fn note_lead() -> &'static str {
    s("print_vi_note")
}

#[test]
fn vietnamese_parts_are_tagged_vi_in_an_english_document() {
    let pdf = fs::read(example().join("en/in-an/cap-giay-chung-nhan-dang-ky-dau-tu.pdf")).unwrap();
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(has(b"/Lang(en)") && has(b"/Lang(vi)"), "PDF language tags en and vi");
}
