//! The content format as data: every key of `site.toml`, of a procedure
//! record and of a page's front matter, with its type, whether it is required,
//! and a one-line description.
//!
//! This one table drives the unknown-key and type checks (all errors of a file
//! at once, with did-you-mean hints), the skeleton written by `onestop new`,
//! and a test that `docs/content-format.md` documents every key.

use crate::diag::{Diagnostic, SourceText, did_you_mean};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// The type a key's value must have.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    /// A string holding Markdown.
    Markdown,
    Bool,
    Int,
    /// Integer or float.
    Number,
    /// A TOML local date, `2024-05-31`.
    Date,
    StrList,
    MarkdownList,
    IntList,
    /// A list of procedure codes.
    CodeList,
    /// A string from a fixed set.
    Enum(&'static [&'static str]),
    Table(&'static [Key]),
    TableArray(&'static [Key]),
    /// A table with keys of the editor's choosing, each a string or an array
    /// of strings (`[search] abbreviations = { GPXD = "giấy phép xây dựng" }`).
    StrMap,
}

impl Ty {
    pub fn describe(&self) -> String {
        match self {
            Ty::Str => "string".into(),
            Ty::Markdown => "string (Markdown)".into(),
            Ty::Bool => "boolean".into(),
            Ty::Int => "integer".into(),
            Ty::Number => "number".into(),
            Ty::Date => "date (YYYY-MM-DD, no quotes)".into(),
            Ty::StrList => "array of strings".into(),
            Ty::MarkdownList => "array of strings (Markdown)".into(),
            Ty::IntList => "array of integers".into(),
            Ty::CodeList => "array of procedure codes".into(),
            Ty::Enum(v) => format!("one of {}", v.iter().map(|s| format!("\"{s}\"")).collect::<Vec<_>>().join(", ")),
            Ty::Table(_) => "table".into(),
            Ty::TableArray(_) => "array of tables".into(),
            Ty::StrMap => "table of strings (or arrays of strings)".into(),
        }
    }
}

/// One key of the content format.
#[derive(Debug)]
pub struct Key {
    pub name: &'static str,
    pub ty: Ty,
    pub required: bool,
    pub doc: &'static str,
}

const fn req(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key { name, ty, required: true, doc }
}
const fn opt(name: &'static str, ty: Ty, doc: &'static str) -> Key {
    Key { name, ty, required: false, doc }
}

pub const CHANNEL_KINDS: &[&str] = &["direct", "online", "postal"];
pub const TIME_UNITS: &[&str] = &["working-days", "days", "hours"];
pub const PATTERNS: &[&str] = &["none", "hatch", "cross", "dots", "solid"];
pub const SCHEMES: &[&str] = &["2011", "2022", "custom"];
/// Paper sizes of the procedure leaflets (`print_paper`).
pub const PAPERS: &[&str] = &["A4", "A5"];
/// PDF standards of the typeset products (`print_standard`).
pub const PDF_STANDARDS: &[&str] = &["pdf-ua-1", "pdf-a-2b"];

/// Bounds of the numbers of a record, checked at load (and documented in
/// docs/content-format.md) so no sum, duration or amount can overflow.
/// Largest `fee_vnd`: one trillion đồng.
pub const MAX_FEE_VND: i64 = 1_000_000_000_000;
/// Largest `time` in days or working days: ten years.
pub const MAX_TIME_DAYS: f64 = 3_650.0;
/// Largest `time` in hours: ten years.
pub const MAX_TIME_HOURS: f64 = 87_600.0;
/// Largest dossier count of one procedure in one year (`statistics`).
pub const MAX_DOSSIERS: i64 = 100_000_000;
/// Largest number of originals or copies of one document.
pub const MAX_DOCUMENT_COPIES: i64 = 1_000;

pub const AGENCY_KEYS: &[Key] = &[
    opt("competent", Ty::Str, "Agency with the competence to decide (cơ quan có thẩm quyền)."),
    opt("executing", Ty::Str, "Agency that carries it out (cơ quan thực hiện)."),
    opt("authorised", Ty::Str, "Agency authorised or delegated to decide (cơ quan được ủy quyền)."),
    opt("coordinating", Ty::Str, "Agencies that coordinate (cơ quan phối hợp)."),
];

pub const CHANNEL_KEYS: &[Key] = &[
    req("kind", Ty::Enum(CHANNEL_KINDS), "How the dossier is filed: in person, online, or by post."),
    opt("time", Ty::Number, "Processing time for this channel (may be fractional, e.g. 17.5)."),
    opt("time_unit", Ty::Enum(TIME_UNITS), "Unit of `time`. Required when `time` is given."),
    opt("time_text", Ty::Str, "Processing time as text, when the source gives no single number."),
    opt("time_note", Ty::Str, "Qualifies the time, e.g. \"kể từ ngày nhận đủ hồ sơ hợp lệ\"."),
    opt("fee", Ty::Str, "Fee or charge as published (text)."),
    opt("fee_vnd", Ty::Int, "Fee amount in VND, when the source gives one amount."),
    opt("note", Ty::Markdown, "Anything else about this channel."),
];

pub const DOCUMENT_KEYS: &[Key] = &[
    opt("case", Ty::Str, "Case this document belongs to; documents are grouped by case."),
    req("name", Ty::Str, "Name of the document (thành phần hồ sơ)."),
    opt("form", Ty::Str, "Name or number of the form template (mẫu đơn, tờ khai)."),
    opt("form_url", Ty::Str, "Link to the form: an http(s) URL or a path under the site's `static/`."),
    opt("originals", Ty::Int, "Number of originals (bản chính)."),
    opt("copies", Ty::Int, "Number of copies (bản sao)."),
    opt("required", Ty::Bool, "Whether the document is mandatory. Default true."),
    opt("note", Ty::Markdown, "Notes on the document."),
];

pub const LEGAL_KEYS: &[Key] = &[
    opt("number", Ty::Str, "Number and symbol, e.g. \"61/2020/QH14\"."),
    req("title", Ty::Str, "Title of the legal document."),
    opt("date", Ty::Date, "Date of issue."),
    opt("issuer", Ty::Str, "Issuing body."),
    opt("url", Ty::Str, "Link to the text (http or https)."),
];

pub const STATISTICS_KEYS: &[Key] = &[
    req("year", Ty::Int, "Calendar year of the figures."),
    opt("received", Ty::Int, "Dossiers received in total."),
    opt("received_online", Ty::Int, "Dossiers received online."),
    opt("resolved_online", Ty::Int, "Dossiers resolved online."),
    opt("resolved_on_time", Ty::Int, "Dossiers resolved on time."),
    opt("satisfied_percent", Ty::Number, "Share of this procedure's surveyed users who were satisfied, in percent."),
];

/// Keys of a procedure record (`content/procedures/**/<slug>.toml`).
pub const RECORD_KEYS: &[Key] = &[
    req("code", Ty::Str, "Code in the national database: D.DDDDDD, optionally .NN. Unique."),
    req("title", Ty::Str, "Name of the procedure, as published."),
    opt("title_en", Ty::Str, "English title."),
    opt("short_title", Ty::Str, "Shorter title for diagram blocks. Default: the title without a leading \"Thủ tục\"."),
    opt("short_title_en", Ty::Str, "English short title."),
    req("stage", Ty::Str, "Key of the journey stage (a `[[stages]]` key in site.toml)."),
    req("field", Ty::Str, "Key of the field, lĩnh vực (a `[[fields]]` key in site.toml)."),
    req(
        "level",
        Ty::Int,
        "Online service level 1–4 as in Decree 43/2011; the site's level scheme decides how it is shown.",
    ),
    opt("digital_signature", Ty::Bool, "The online dossier accepts a digital signature (chữ ký số). Default false."),
    opt(
        "service_center",
        Ty::Bool,
        "Received and returned at the Public Administration Service Center. Default false.",
    ),
    opt("public_postal", Ty::Bool, "Can be filed and returned by public postal service. Default false."),
    opt("online_url", Ty::Str, "Address of the online service on the portal (http or https)."),
    opt("administrative_level", Ty::Str, "Administrative level that handles it, e.g. \"Cấp tỉnh\"."),
    opt("publication_decision", Ty::Str, "Decision that published the procedure."),
    opt("online_decision", Ty::Str, "Decision providing it as an online service: its level's basis in annex 1."),
    opt("optional", Ty::Bool, "Not every investor needs it (shown as optional on the journey). Default false."),
    opt("alternative_to", Ty::CodeList, "Codes of procedures this one can replace (\"or\" on the journey)."),
    opt("after", Ty::CodeList, "Codes of procedures that come before this one on the journey."),
    opt("related", Ty::CodeList, "Codes of related procedures."),
    opt("keywords", Ty::StrList, "Extra words the search should match."),
    req("summary", Ty::Markdown, "What the procedure is for, in one or two paragraphs."),
    opt("summary_en", Ty::Markdown, "English summary."),
    opt("applicants", Ty::StrList, "Who may file it (đối tượng thực hiện)."),
    opt("agencies", Ty::Table(AGENCY_KEYS), "Agencies involved."),
    opt("where_to_submit", Ty::Markdown, "Where the dossier is handed in (địa chỉ tiếp nhận)."),
    opt("steps", Ty::MarkdownList, "The steps in order (trình tự thực hiện)."),
    opt(
        "channels",
        Ty::TableArray(CHANNEL_KEYS),
        "How it can be filed, each channel with its time and fee (cách thức thực hiện).",
    ),
    opt("documents", Ty::TableArray(DOCUMENT_KEYS), "The dossier (thành phần hồ sơ)."),
    opt("requirements", Ty::Markdown, "Requirements and conditions (yêu cầu, điều kiện)."),
    opt("result", Ty::StrList, "What the applicant receives (kết quả)."),
    opt("legal_basis", Ty::TableArray(LEGAL_KEYS), "Legal basis (căn cứ pháp lý)."),
    opt("statistics", Ty::TableArray(STATISTICS_KEYS), "Dossier figures by year."),
    opt(
        "internal_process",
        Ty::TableArray(PROCESS_KEYS),
        "How the Board handles the dossier inside (quy trình nội bộ, quy trình điện tử): one per channel or case.",
    ),
];

pub const ORGANISATION_KEYS: &[Key] = &[
    req("name", Ty::Str, "Name of the agency."),
    opt("name_en", Ty::Str, "English name."),
    opt("address", Ty::Str, "Postal address."),
    opt("phone", Ty::Str, "Telephone."),
    opt("email", Ty::Str, "E-mail address."),
    opt("hours", Ty::Str, "Opening hours."),
    opt("map_url", Ty::Str, "Link to a map (http or https)."),
    opt("service_center", Ty::Str, "Name of the Public Administration Service Center."),
    opt("service_center_address", Ty::Str, "Address of the service centre."),
];

pub const FEEDBACK_KEYS: &[Key] = &[
    opt("email", Ty::Str, "Address of the procedure pages' `mailto:` link. Default: organisation.email."),
    opt("url", Ty::Str, "The province's feedback portal (Phản ánh, kiến nghị), http or https."),
    opt("label", Ty::Str, "Text of the portal link. Default: \"Gửi phản ánh, kiến nghị\"."),
    opt("label_en", Ty::Str, "English text of the portal link."),
];

pub const TARGET_KEYS: &[Key] = &[
    req("low", Ty::Number, "Lower bound of the online-share target band, in percent (15)."),
    req("high", Ty::Number, "Upper bound, in percent (30)."),
];

pub const STAGE_KEYS: &[Key] = &[
    req("key", Ty::Str, "Identifier used by records' `stage` and in URLs (a slug)."),
    req("title", Ty::Str, "Title of the stage."),
    opt("title_en", Ty::Str, "English title."),
    opt("summary", Ty::Markdown, "One paragraph about the stage."),
    opt("summary_en", Ty::Markdown, "English summary."),
];

pub const FIELD_KEYS: &[Key] = &[
    req("key", Ty::Str, "Identifier used by records' `field` and in URLs (a slug)."),
    req("title", Ty::Str, "Name of the field (lĩnh vực)."),
    opt("title_en", Ty::Str, "English name."),
    opt("stage", Ty::Str, "Journey stage (a `[[stages]]` key) that `onestop import` gives procedures of this field."),
    opt(
        "portal_names",
        Ty::StrList,
        "Other names of this field on the national portal, for `onestop import` (the title always matches).",
    ),
];

pub const LEVEL_KEYS: &[Key] = &[
    req("key", Ty::Str, "Identifier used in URLs (a slug)."),
    req("label", Ty::Str, "Label shown on badges."),
    opt("label_en", Ty::Str, "English label."),
    opt("meaning", Ty::Markdown, "One paragraph: what this level means for the applicant."),
    opt("meaning_en", Ty::Markdown, "English meaning."),
    req("colour", Ty::Str, "Fill colour, #RRGGBB."),
    opt("text_colour", Ty::Str, "Text colour on the fill, #RRGGBB. Default: black or white, whichever contrasts more."),
    opt("pattern", Ty::Enum(PATTERNS), "Pattern for print and diagrams."),
    req("covers", Ty::IntList, "Which Decree 43/2011 levels (1–4) of the records this level shows."),
];

/// Keys of `site.toml`.
pub const SITE_KEYS: &[Key] = &[
    req("title", Ty::Str, "Site title."),
    opt("title_en", Ty::Str, "English site title."),
    opt("description", Ty::Str, "One sentence for the home page and search engines."),
    opt("description_en", Ty::Str, "English description."),
    req("base_url", Ty::Str, "Public address of the site, may include a sub-path: https://example.gov.vn/tthc/."),
    opt("languages", Ty::StrList, "Languages, the first is the default: [\"vi\", \"en\"]."),
    opt("level_scheme", Ty::Enum(SCHEMES), "Which online-service level scheme to show. Default \"2011\"."),
    opt("portal_url", Ty::Str, "The provincial online public service portal."),
    opt("national_portal_url", Ty::Str, "The national public service portal."),
    opt("online_services_decision", Ty::Str, "Decision listing procedures as online services: their level's basis."),
    opt("allow_html", Ty::Bool, "Let raw HTML in Markdown through. Default false (it is escaped)."),
    opt("edition", Ty::Date, "Edition date shown in footers and print products."),
    opt("print_paper", Ty::Enum(PAPERS), "Paper of the procedure leaflets: \"A4\" (two pages, default) or \"A5\"."),
    opt(
        "print_standard",
        Ty::Enum(PDF_STANDARDS),
        "PDF standard of leaflets, guide and catalogues: \"pdf-ua-1\" (tagged and accessible, default) or \"pdf-a-2b\" (for archiving).",
    ),
    req("organisation", Ty::Table(ORGANISATION_KEYS), "The agency that publishes the site."),
    opt("online_target", Ty::Table(TARGET_KEYS), "Online-share target band. Default 15 and 30."),
    req("stages", Ty::TableArray(STAGE_KEYS), "The investor journey's stages, in order."),
    req("fields", Ty::TableArray(FIELD_KEYS), "Fields (lĩnh vực)."),
    opt("levels", Ty::TableArray(LEVEL_KEYS), "Own level scheme; used when level_scheme = \"custom\"."),
    opt("search", Ty::Table(SEARCH_KEYS), "How the site search reads queries."),
    opt("feedback", Ty::Table(FEEDBACK_KEYS), "Where readers report an error or ask a question about a procedure."),
    opt(
        "units",
        Ty::TableArray(UNIT_KEYS),
        "The Board's units and positions that handle dossiers (for records' internal processes).",
    ),
    opt("embed", Ty::Table(EMBED_KEYS), "The views other portals can embed (`/nhung/`)."),
];

/// The embeddable views `[embed] views` may name.
pub const EMBED_VIEWS: &[&str] = &["catalogue", "journey", "statistics", "cards"];
pub const EMBED_KEYS: &[Key] = &[
    opt("views", Ty::StrList, "Views to build: \"catalogue\", \"journey\", \"statistics\", \"cards\" (default all)."),
    opt("brand_colour", Ty::Str, "Header and button colour under white text, #rrggbb. Default \"#9b1c1c\"."),
    opt("card_qr", Ty::Bool, "Whether each procedure card shows a QR code to its page. Default false."),
];

pub const SEARCH_KEYS: &[Key] = &[opt(
    "abbreviations",
    Ty::StrMap,
    "Abbreviations readers type, added to the built-in list (an entry replaces a built-in one of the same name): `GPXD = \"giấy phép xây dựng\"` or a list of expansions.",
)];

pub const POSTER_PAPERS: &[&str] = &["A0", "A1", "A2", "A3", "A4"];
pub const ORIENTATIONS: &[&str] = &["landscape", "portrait"];
pub const ARROWS: &[&str] = &["all", "none"];

/// Keys of a diagram (`diagrams/<name>.toml`).
pub const DIAGRAM_KEYS: &[Key] = &[
    req("title", Ty::Str, "Title printed at the top."),
    opt("title_en", Ty::Str, "English title."),
    opt("subtitle", Ty::Str, "One line under the title."),
    opt("subtitle_en", Ty::Str, "English subtitle."),
    opt("stages", Ty::StrList, "Stage keys to show, in journey order. Default: all stages."),
    opt("fields", Ty::StrList, "Only procedures of these fields. Default: all fields."),
    opt("levels", Ty::IntList, "Only procedures at these Decree 43 levels (1–4). Default: all."),
    opt("procedures", Ty::CodeList, "Only these procedures (codes). Default: all that pass the other filters."),
    opt("optional", Ty::Bool, "Show optional procedures. Default true."),
    opt("orientation", Ty::Enum(ORIENTATIONS), "Poster orientation. Default \"landscape\"."),
    opt("paper", Ty::Enum(POSTER_PAPERS), "Poster paper size for the PNG and PDF. Default \"A1\"."),
    opt("dpi", Ty::Int, "Resolution of the PNG poster, 72–600. Default 150."),
    opt("qr", Ty::Bool, "Print a QR code to the online portal in the footer. Default true."),
    opt("legend", Ty::Bool, "Print the legend. Default true."),
    opt("arrows", Ty::Enum(ARROWS), "Draw `after` relations as arrows. Default \"all\"."),
    opt("footer", Ty::Str, "Extra line in the footer (e.g. where the poster hangs)."),
    opt("footer_en", Ty::Str, "English footer line."),
    opt("inline", Ty::Bool, "Show this diagram on the home and journey pages. At most one diagram. Default false."),
    opt("internal_process", Ty::Bool, "Blocks show the internal process's total days and units. Default false."),
];

/// Keys of a page's front matter (`content/pages/*.md`, between `+++` lines).
pub const PAGE_KEYS: &[Key] = &[
    req("title", Ty::Str, "Page title."),
    opt("title_en", Ty::Str, "English title."),
    opt("description", Ty::Str, "One sentence for search engines and link previews."),
    opt("weight", Ty::Int, "Order in the footer menu (smaller first)."),
];

/// Checks a parsed TOML table against `keys`: unknown keys, missing required
/// keys and wrong types, all reported. `base` is the byte offset of the TOML
/// text inside `src` (non-zero for front matter).
pub fn check_table(
    table: &DeTable<'_>,
    span: std::ops::Range<usize>,
    keys: &[Key],
    path: &str,
    src: &SourceText,
    base: usize,
    out: &mut Vec<Diagnostic>,
) {
    for (k, v) in table.iter() {
        let name = k.get_ref().as_ref();
        let field = join(path, name);
        match keys.iter().find(|key| key.name == name) {
            None => {
                let mut d = Diagnostic::new("unknown-key", format!("unknown key `{name}`"))
                    .at(src, base + k.span().start)
                    .field(&field);
                d = match did_you_mean(name, keys.iter().map(|k| k.name)) {
                    Some(s) => d.hint(format!("did you mean `{s}`?")),
                    None => d.hint(format!(
                        "allowed keys here: {}",
                        keys.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
                    )),
                };
                out.push(d);
            }
            Some(key) => check_value(v, key, &field, src, base, out),
        }
    }
    for key in keys.iter().filter(|k| k.required) {
        if !table.iter().any(|(k, _)| k.get_ref().as_ref() == key.name) {
            out.push(
                Diagnostic::new("missing-key", format!("required key `{}` is missing", key.name))
                    .at(src, base + span.start)
                    .field(join(path, key.name))
                    .hint(format!("add `{} = …` ({}): {}", key.name, key.ty.describe(), key.doc)),
            );
        }
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() { name.to_string() } else { format!("{path}.{name}") }
}

fn check_value(
    v: &Spanned<DeValue<'_>>,
    key: &Key,
    field: &str,
    src: &SourceText,
    base: usize,
    out: &mut Vec<Diagnostic>,
) {
    let c = ValueCheck { key, field, src, base };
    let val = v.get_ref();
    let at = v.span().start;
    match key.ty {
        Ty::Str | Ty::Markdown => match val.as_str() {
            Some(s) if s.trim_start().starts_with("TODO") => out.push(
                Diagnostic::new("todo", "this field still says TODO")
                    .at(src, base + at)
                    .field(field)
                    .hint(format!("fill it in: {}", key.doc)),
            ),
            Some(_) => {}
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Enum(allowed) => match val.as_str() {
            Some(s) if allowed.contains(&s) => {}
            Some(s) => {
                let mut d = Diagnostic::new("bad-value", format!("`{s}` is not {}", key.ty.describe()))
                    .at(src, base + at)
                    .field(field);
                if let Some(m) = did_you_mean(s, allowed.iter().copied()) {
                    d = d.hint(format!("did you mean \"{m}\"?"));
                }
                out.push(d);
            }
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Bool if !val.is_bool() => out.push(c.wrong(at, val.type_str())),
        Ty::Int => match val.as_integer() {
            Some(i) if i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()).is_err() => out.push(
                Diagnostic::new("bad-value", format!("{} is too large a number", i.as_str()))
                    .at(src, base + at)
                    .field(field)
                    .hint(key.doc),
            ),
            Some(_) => {}
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Number if !val.is_integer() && !val.is_float() => out.push(c.wrong(at, val.type_str())),
        Ty::Date => match val.as_datetime() {
            Some(d) if d.date.is_some() && d.time.is_none() => {}
            _ => out.push(c.wrong(at, val.type_str())),
        },
        Ty::StrList | Ty::MarkdownList | Ty::CodeList => c.list_of(v, |v| v.is_str(), "string", out),
        Ty::IntList => c.list_of(v, |v| v.is_integer(), "integer", out),
        Ty::Table(keys) => match val.as_table() {
            Some(t) => check_table(t, v.span(), keys, field, src, base, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::StrMap => match val.as_table() {
            Some(t) => c.str_map(t, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::TableArray(keys) => match val.as_array() {
            Some(items) => c.table_array(items, keys, out),
            None => out.push(c.wrong(at, val.type_str())),
        },
        Ty::Bool | Ty::Number => {}
    }
}

/// One value being checked against its key: where it is, for located errors.
struct ValueCheck<'a> {
    key: &'a Key,
    field: &'a str,
    src: &'a SourceText,
    base: usize,
}

impl ValueCheck<'_> {
    fn wrong(&self, at: usize, found: &str) -> Diagnostic {
        Diagnostic::new("wrong-type", format!("expected {}, found {found}", self.key.ty.describe()))
            .at(self.src, self.base + at)
            .field(self.field)
            .hint(self.key.doc)
    }

    fn list_of(&self, v: &Spanned<DeValue<'_>>, ok: fn(&DeValue<'_>) -> bool, elem: &str, out: &mut Vec<Diagnostic>) {
        let Some(items) = v.get_ref().as_array() else {
            out.push(self.wrong(v.span().start, v.get_ref().type_str()));
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let at = self.base + item.span().start;
            if item.get_ref().as_str().is_some_and(|s| s.trim_start().starts_with("TODO")) {
                out.push(
                    Diagnostic::new("todo", "this entry still says TODO")
                        .at(self.src, at)
                        .field(format!("{}[{i}]", self.field))
                        .hint(format!("fill it in or remove it: {}", self.key.doc)),
                );
            } else if !ok(item.get_ref()) {
                out.push(
                    Diagnostic::new("wrong-type", format!("expected {elem}, found {}", item.get_ref().type_str()))
                        .at(self.src, at)
                        .field(format!("{}[{i}]", self.field))
                        .hint(self.key.doc),
                );
            }
        }
    }

    /// An abbreviation table: one word → a string or a list of strings.
    fn str_map(&self, t: &DeTable<'_>, out: &mut Vec<Diagnostic>) {
        for (k, item) in t.iter() {
            let name: &str = k.get_ref();
            let field = join(self.field, name);
            if name.is_empty() || !name.chars().all(char::is_alphanumeric) {
                out.push(
                    Diagnostic::new("bad-value", format!("`{name}` is not one word of letters and digits"))
                        .at(self.src, self.base + k.span().start)
                        .field(&field)
                        .hint("write the abbreviation as readers type it, without spaces or dots: GPXD = \"giấy phép xây dựng\""),
                );
            }
            let blank = |x: &DeValue<'_>| x.as_str().is_some_and(|s| s.trim().is_empty());
            let (ok, empty) = match item.get_ref() {
                DeValue::String(_) => (true, blank(item.get_ref())),
                DeValue::Array(a) => {
                    (a.iter().all(|x| x.get_ref().is_str()), a.is_empty() || a.iter().any(|x| blank(x.get_ref())))
                }
                _ => (false, false),
            };
            let at = self.base + item.span().start;
            if empty {
                out.push(
                    Diagnostic::new("bad-value", "an abbreviation needs the words it stands for")
                        .at(self.src, at)
                        .field(&field)
                        .hint(self.key.doc),
                );
            } else if !ok {
                let found = item.get_ref().type_str();
                out.push(
                    Diagnostic::new("wrong-type", format!("expected a string or an array of strings, found {found}"))
                        .at(self.src, at)
                        .field(&field)
                        .hint(self.key.doc),
                );
            }
        }
    }

    fn table_array(&self, items: &[Spanned<DeValue<'_>>], keys: &[Key], out: &mut Vec<Diagnostic>) {
        for (i, item) in items.iter().enumerate() {
            let field = format!("{}[{i}]", self.field);
            match item.get_ref().as_table() {
                Some(t) => check_table(t, item.span(), keys, &field, self.src, self.base, out),
                None => out.push(
                    Diagnostic::new("wrong-type", format!("expected a table, found {}", item.get_ref().type_str()))
                        .at(self.src, self.base + item.span().start)
                        .field(field)
                        .hint(format!("write each entry as [[{}]]", self.key.name)),
                ),
            }
        }
    }
}

/// Every key path of a schema, for the docs test: `channels[].time`.
pub fn key_paths(keys: &[Key], prefix: &str, out: &mut Vec<String>) {
    for k in keys {
        let p = join(prefix, k.name);
        out.push(p.clone());
        match k.ty {
            Ty::Table(sub) => key_paths(sub, &p, out),
            Ty::TableArray(sub) => key_paths(sub, &format!("{p}[]"), out),
            _ => {}
        }
    }
}

mod faq;
pub use faq::{ASKED_VIA, BASIS_KEYS, FAQ_KEYS};
mod process;
pub use process::{PROCESS_KEYS, STEP_KEYS, STEP_TIME_UNITS, UNIT_KEYS, UNIT_KINDS};

#[cfg(test)]
mod tests;
