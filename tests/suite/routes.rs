//! The route table (`src/routes.rs`) is the only place a section path is
//! written: templates take every path from `routes.<name>` and the menus from
//! `navigation` (issue 14). These tests read the default theme's templates,
//! the ones compiled into the binary.

use onestop::routes::{self, FILES, ROUTES};
use std::path::{Path, PathBuf};

fn templates() -> Vec<(PathBuf, String)> {
    fn walk(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(&p, out);
            } else {
                out.push((p.clone(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates"), &mut out);
    assert!(out.len() > 20, "templates not found");
    out
}

#[test]
fn no_template_writes_a_section_path_by_hand() {
    let mut found = Vec::new();
    for (file, text) in templates() {
        for r in ROUTES {
            let seg = routes::segment(r.path);
            if seg.is_empty() {
                continue;
            }
            // `{{ base }}thu-tuc/`, `{{ root }}404.html`, `starting_with("thu-tuc/")`
            for pattern in [format!("}}}}{seg}/"), format!("}}}}{seg}."), format!("\"{seg}/")] {
                for (line, l) in text.lines().enumerate() {
                    if l.contains(&pattern) {
                        found.push(format!("{}:{}: {pattern} (use routes.{})", file.display(), line + 1, r.name));
                    }
                }
            }
        }
    }
    assert!(found.is_empty(), "section paths written by hand:\n{}", found.join("\n"));
}

#[test]
fn every_route_a_template_names_is_in_the_table() {
    let known = routes::template_routes();
    let mut unknown = Vec::new();
    for (file, text) in templates() {
        for (at, _) in text.match_indices("routes.") {
            let name: String = text[at + 7..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !known.contains_key(name.as_str()) {
                unknown.push(format!("{}: routes.{name}", file.display()));
            }
        }
    }
    assert!(unknown.is_empty(), "templates name routes the table does not have:\n{}", unknown.join("\n"));
    assert!(FILES.iter().all(|(name, _)| known.contains_key(name)));
}

#[test]
fn every_menu_label_is_translated() {
    let nav = routes::navigation();
    for lang in ["vi", "en"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("themes/default/i18n/{lang}.toml"));
        let text = std::fs::read_to_string(path).unwrap();
        for item in nav.header.iter().chain(&nav.footer) {
            assert!(
                text.lines().any(|l| l.split('=').next().is_some_and(|k| k.trim() == item.label)),
                "{lang}.toml has no `{}` (the label of {})",
                item.label,
                item.name
            );
        }
    }
}
