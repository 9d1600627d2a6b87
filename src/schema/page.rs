//! Keys of a page's front matter and of a diagram spec.

use super::{Ty, format_table};
use toml::Spanned;

format_table! {
    /// Keys of a page's front matter (`content/pages/*.md`, between `+++` lines).
    pub const PAGE_KEYS: pub(crate) struct RawFrontMatter {
        title: req String, Ty::Str, "Page title.";
        title_en: opt String, Ty::Str, "English title.";
        description: opt String, Ty::Str, "One sentence for search engines and link previews.";
        weight: opt i64, Ty::Int, "Order in the footer menu (smaller first).";
    }
}

pub const POSTER_PAPERS: &[&str] = &["A0", "A1", "A2", "A3", "A4"];
pub const ORIENTATIONS: &[&str] = &["landscape", "portrait"];
pub const ARROWS: &[&str] = &["all", "none"];

format_table! {
    /// Keys of a diagram (`diagrams/<name>.toml`).
    pub const DIAGRAM_KEYS: pub(crate) struct RawDiagram {
        title: req String, Ty::Str, "Title printed at the top.";
        title_en: opt String, Ty::Str, "English title.";
        subtitle: opt String, Ty::Str, "One line under the title.";
        subtitle_en: opt String, Ty::Str, "English subtitle.";
        stages: opt Vec<Spanned<String>>, Ty::StrList, "Stage keys to show, in journey order. Default: all stages.";
        fields: opt Vec<Spanned<String>>, Ty::StrList, "Only procedures of these fields. Default: all fields.";
        levels: opt Vec<Spanned<i64>>, Ty::IntList, "Only procedures at these Decree 43 levels (1–4). Default: all.";
        procedures: opt Vec<Spanned<String>>, Ty::CodeList,
            "Only these procedures (codes). Default: all that pass the other filters.";
        optional: opt bool, Ty::Bool, "Show optional procedures. Default true.";
        orientation: opt String, Ty::Enum(ORIENTATIONS), "Poster orientation. Default \"landscape\".";
        paper: opt String, Ty::Enum(POSTER_PAPERS), "Poster paper size for the PNG and PDF. Default \"A1\".";
        dpi: opt Spanned<i64>, Ty::Int, "Resolution of the PNG poster, 72–600. Default 150.";
        qr: opt bool, Ty::Bool, "Print a QR code to the online portal in the footer. Default true.";
        legend: opt bool, Ty::Bool, "Print the legend. Default true.";
        arrows: opt String, Ty::Enum(ARROWS), "Draw `after` relations as arrows. Default \"all\".";
        footer: opt String, Ty::Str, "Extra line in the footer (e.g. where the poster hangs).";
        footer_en: opt String, Ty::Str, "English footer line.";
        inline: opt Spanned<bool>, Ty::Bool,
            "Show this diagram on the home and journey pages. At most one diagram. Default false.";
        internal_process: opt bool, Ty::Bool,
            "Blocks show the internal process's total days and units. Default false.";
    }
}
