//! `onestop new`: a commented record skeleton generated from the schema, so
//! the skeleton, the checks and the docs cannot drift apart.

use crate::schema::{Key, RECORD_KEYS, Ty};
use std::fmt::Write;

/// Example value for a key, in TOML.
fn example(key: &Key, stage: &str, code: Option<&str>) -> String {
    match key.name {
        "code" => format!("\"{}\"", code.unwrap_or("TODO: mã thủ tục, ví dụ 1.009664")),
        "stage" => format!("\"{stage}\""),
        "field" => "\"TODO: khóa lĩnh vực trong site.toml\"".into(),
        "level" => "3".into(),
        "kind" => "\"online\"".into(),
        "channel" => "\"direct\"".into(),
        "unit" => "\"TODO: khóa đơn vị trong [[units]] của site.toml\"".into(),
        "time_unit" => "\"working-days\"".into(),
        "online_url" | "url" | "form_url" => "\"https://dichvucong.gov.vn/\"".into(),
        "date" => "2020-06-17".into(),
        "year" => "2025".into(),
        "after" | "related" | "alternative_to" => "[\"1.009664\"]".into(),
        _ => match key.ty {
            Ty::Str | Ty::Enum(_) => format!("\"TODO: {}\"", key.name.replace('_', " ")),
            Ty::Markdown => "\"\"\"\nTODO\n\"\"\"".into(),
            Ty::Bool => "false".into(),
            Ty::Int => "1".into(),
            Ty::Number => "15".into(),
            Ty::Date => "2024-01-01".into(),
            Ty::StrList | Ty::MarkdownList => "[\"TODO\"]".into(),
            Ty::IntList => "[3]".into(),
            Ty::CodeList => "[]".into(),
            Ty::Table(_) | Ty::TableArray(_) | Ty::StrMap => String::new(),
        },
    }
}

/// The skeleton text. Required keys are written with TODO values that
/// `check` refuses until they are filled; optional keys are commented out.
pub fn record_skeleton(slug: &str, stage: &str, code: Option<&str>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# Procedure record `{slug}`: its page will be /thu-tuc/{slug}/.");
    let _ = writeln!(s, "# Fill in every TODO (`onestop check` refuses them) and uncomment the optional");
    let _ = writeln!(s, "# keys the sources give. Leave out what they do not give: the page then says");
    let _ = writeln!(s, "# \"Không có thông tin\". Every key is described in docs/content-format.md.");
    let mut tables = Vec::new();
    for key in RECORD_KEYS {
        match key.ty {
            Ty::Table(_) | Ty::TableArray(_) => tables.push(key),
            _ => write_key(&mut s, key, "", stage, code),
        }
    }
    for key in tables {
        let _ = writeln!(s);
        let _ = writeln!(s, "# {} ({}, optional)", key.doc, key.ty.describe());
        write_table(&mut s, key, "", stage, code);
    }
    s
}

/// A commented `[table]` or `[[array]]` with its keys, then its own nested tables
/// (`[[internal_process.steps]]`).
fn write_table(s: &mut String, key: &Key, parent: &str, stage: &str, code: Option<&str>) {
    let (open, close, sub) = match key.ty {
        Ty::Table(sub) => ("[", "]", sub),
        Ty::TableArray(sub) => ("[[", "]]", sub),
        _ => return,
    };
    let _ = writeln!(s, "# {open}{parent}{}{close}", key.name);
    let nested: Vec<&Key> = sub.iter().filter(|k| matches!(k.ty, Ty::Table(_) | Ty::TableArray(_))).collect();
    for k in sub.iter().filter(|k| !matches!(k.ty, Ty::Table(_) | Ty::TableArray(_))) {
        write_key(s, k, "# ", stage, code);
    }
    for k in nested {
        let _ = writeln!(s, "# {} ({})", k.doc, k.ty.describe());
        write_table(s, k, &format!("{parent}{}.", key.name), stage, code);
    }
}

fn write_key(s: &mut String, key: &Key, prefix: &str, stage: &str, code: Option<&str>) {
    let req = if key.required { "required" } else { "optional" };
    let _ = writeln!(s, "{prefix}# {} ({}, {req})", key.doc, key.ty.describe());
    let value = example(key, stage, code);
    let comment = if key.required && prefix.is_empty() { "" } else { "# " };
    let line = format!("{}{} = {}", if prefix.is_empty() { comment } else { prefix }, key.name, value);
    // Multi-line values stay commented line by line.
    let commented: Vec<String> = line
        .lines()
        .enumerate()
        .map(|(i, l)| if i > 0 && !(key.required && prefix.is_empty()) { format!("# {l}") } else { l.to_string() })
        .collect();
    let _ = writeln!(s, "{}", commented.join("\n"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skeleton_mentions_every_key() {
        let s = record_skeleton("x", "dau-tu", None);
        let mut paths = Vec::new();
        crate::schema::key_paths(RECORD_KEYS, "", &mut paths);
        for p in paths {
            let name = p.rsplit(['.', ']']).next().unwrap();
            assert!(
                s.contains(&format!("{name} = "))
                    || s.contains(&format!("[{name}]"))
                    || s.contains(&format!(".{name}]]")),
                "{name} missing"
            );
        }
    }

    #[test]
    fn nested_tables_get_their_own_commented_header() {
        let s = record_skeleton("x", "dau-tu", None);
        let process = s.find("# [[internal_process]]").expect("internal_process header");
        let steps = s.find("# [[internal_process.steps]]").expect("steps header");
        assert!(process < steps);
        assert!(s[steps..].contains("# action = "), "the steps' keys follow their header");
        assert!(!s.contains("# steps = \n"), "no empty value for a nested table");
    }
}
