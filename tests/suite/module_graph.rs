//! The top-level modules of `src/` form a graph without cycles (issue 14):
//! every `crate::<module>` a file names, and every `super::…` that climbs out
//! of its top-level module, is an arrow from the file's top-level module to
//! that module; the test fails on any cycle and names it. The graph is
//! written out in docs/design.md ("Module graph").
//!
//! Only the standard library is used, so the test is cheap to build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Graph = BTreeMap<String, BTreeSet<String>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src/render/view.rs` → `["render", "view"]`; `src/diagram/mod.rs` → `["diagram"]`.
fn module_path(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
    if parts.last().is_some_and(|l| l == "mod") {
        parts.pop();
    }
    parts
}

/// The text without `//` comments (doc comments name modules in prose).
fn code_only(text: &str) -> String {
    text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
}

fn ident_after(s: &str) -> &str {
    let end = s.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(s.len());
    &s[..end]
}

/// Top-level modules named by one file: `crate::x`, `crate::{x, y::z}` and `super::` paths that leave it.
fn targets(module: &[String], text: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        if at > 0 && text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        let rest = &text[at + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let inner = &group[..group.find('}').unwrap_or(group.len())];
            for item in inner.split(',') {
                let name = ident_after(item.trim());
                if !name.is_empty() && name != "self" {
                    found.insert(name.to_string());
                }
            }
        } else {
            found.insert(ident_after(rest).to_string());
        }
    }
    // `super::` from a file n levels deep: a chain of n `super::` reaches the crate root.
    let depth = module.len();
    for (at, _) in text.match_indices("super::") {
        if at > 0 && text[..at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let mut rest = &text[at..];
        let mut ups = 0;
        while let Some(r) = rest.strip_prefix("super::") {
            ups += 1;
            rest = r;
        }
        if depth > 0 && ups >= depth {
            found.insert(ident_after(rest).to_string());
        }
    }
    found.retain(|m| !m.is_empty());
    found
}

fn graph() -> Graph {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let tops: BTreeSet<String> = files
        .iter()
        .filter_map(|f| module_path(&src, f).first().cloned())
        .filter(|m| m != "main" && m != "lib")
        .collect();
    let mut g = Graph::new();
    for f in &files {
        let module = module_path(&src, f);
        let Some(top) = module.first().filter(|m| tops.contains(*m)) else { continue };
        let text = code_only(&std::fs::read_to_string(f).unwrap());
        let entry = g.entry(top.clone()).or_default();
        entry.extend(targets(&module, &text).into_iter().filter(|t| t != top && tops.contains(t)));
    }
    g
}

/// A cycle of the graph as `a → b → a`, if there is one.
fn find_cycle(g: &Graph) -> Option<Vec<String>> {
    fn visit(n: &str, g: &Graph, state: &mut BTreeMap<String, u8>, stack: &mut Vec<String>) -> Option<Vec<String>> {
        match state.get(n) {
            Some(2) => return None,
            Some(1) => {
                let from = stack.iter().position(|s| s == n).unwrap();
                let mut cycle = stack[from..].to_vec();
                cycle.push(n.to_string());
                return Some(cycle);
            }
            _ => {}
        }
        state.insert(n.to_string(), 1);
        stack.push(n.to_string());
        for m in g.get(n).into_iter().flatten() {
            if let Some(c) = visit(m, g, state, stack) {
                return Some(c);
            }
        }
        stack.pop();
        state.insert(n.to_string(), 2);
        None
    }
    let mut state = BTreeMap::new();
    g.keys().find_map(|n| visit(n, g, &mut state, &mut Vec::new()))
}

#[test]
fn top_level_modules_have_no_cycle() {
    let g = graph();
    assert!(g.len() > 10, "too few modules found: {g:?}");
    let mut cycles = Vec::new();
    // Report every cycle through each arrow, not just the first one found.
    for (from, tos) in &g {
        for to in tos {
            if g.get(to).is_some_and(|back| back.contains(from)) && from < to {
                cycles.push(format!("{from} ↔ {to}"));
            }
        }
    }
    if let Some(c) = find_cycle(&g) {
        cycles.push(c.join(" → "));
    }
    let arrows: Vec<String> =
        g.iter().map(|(m, ts)| format!("{m} → {}", Vec::from_iter(ts.clone()).join(", "))).collect();
    assert!(cycles.is_empty(), "module cycles: {cycles:#?}\nthe graph:\n{}", arrows.join("\n"));
}

#[test]
fn the_parser_sees_grouped_and_super_paths() {
    let m = vec!["render".to_string(), "print".to_string(), "typst".to_string()];
    let t = targets(&m, "use crate::{diag::X, model};\nuse super::super::super::theme::Theme;\nuse super::view;");
    assert_eq!(t, BTreeSet::from(["diag".to_string(), "model".to_string(), "theme".to_string()]));
    let g = Graph::from([
        ("a".into(), BTreeSet::from(["b".to_string()])),
        ("b".into(), BTreeSet::from(["c".to_string()])),
        ("c".into(), BTreeSet::from(["a".to_string()])),
    ]);
    assert_eq!(find_cycle(&g).unwrap(), ["a", "b", "c", "a"]);
}

/// The graph as docs/design.md lists it under "Module graph": `module → a, b` lines
/// (a line that starts with a space continues the one before), and the leaves line.
fn documented_graph() -> Graph {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/design.md")).unwrap();
    let section = doc.split("## Module graph").nth(1).expect("docs/design.md has a \"Module graph\" section");
    let block = section.split("```").nth(1).expect("the module graph is a fenced block");
    let mut g = Graph::new();
    let mut current = String::new();
    for line in block.lines().skip(1) {
        let (from, tos) = match line.split_once('→') {
            Some((from, tos)) => (from.trim().to_string(), tos),
            None if line.starts_with(' ') => (current.clone(), line),
            None => {
                // The leaves: modules that use no other.
                for m in line.split('(').next().unwrap_or("").split(',').map(str::trim).filter(|m| !m.is_empty()) {
                    g.entry(m.to_string()).or_default();
                }
                continue;
            }
        };
        let entry = g.entry(from.clone()).or_default();
        entry.extend(tos.split(',').map(|m| m.trim().to_string()).filter(|m| !m.is_empty()));
        current = from;
    }
    g
}

#[test]
fn design_doc_lists_the_module_graph() {
    assert_eq!(
        documented_graph(),
        graph(),
        "docs/design.md's module graph differs from src/ (documented, then actual)"
    );
}
