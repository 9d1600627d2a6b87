//! The validated, immutable site model that every renderer reads.
//!
//! Built once by `load`; renderers never touch files. Markdown fields are
//! already trees here (`markdown::Doc`, parsed and checked while loading, so
//! a bad link is a located load error), and derived data shared by several renderers
//! (journey order, counts, search text) is computed once in `load`.

pub use crate::markdown::Doc;
use serde::Serialize;
use std::collections::HashMap;
use std::path::PathBuf;

/// A piece of text in Vietnamese with its optional English translation.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Text {
    pub vi: String,
    pub en: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RichText {
    pub vi: Doc,
    pub en: Option<Doc>,
    /// Plain text of the Vietnamese version, for meta descriptions and search.
    pub plain: String,
    /// Plain text of the English version, for the English edition's descriptions and search.
    pub plain_en: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Organisation {
    pub name: Text,
    pub address: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub hours: Option<String>,
    pub map_url: Option<String>,
    pub service_center: Option<String>,
    pub service_center_address: Option<String>,
}

/// Where a reader reports an error or asks a question about a procedure
/// (site.toml `[feedback]`). Both empty: the pages offer no feedback link.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Feedback {
    /// `[feedback] email`, else `[organisation] email`: the pages' `mailto:`.
    pub email: Option<String>,
    /// The province's feedback portal ("Phản ánh, kiến nghị").
    pub url: Option<String>,
    /// The portal link's text; default: the theme's `feedback_portal` string.
    pub label: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct SiteConfig {
    pub title: Text,
    pub description: Text,
    /// Always ends with `/`.
    pub base_url: String,
    /// Path part of `base_url`, starts and ends with `/` (`/` or `/tthc/`).
    pub base_path: String,
    /// The address print products (QR codes, printed links, posters) use:
    /// site.toml's `base_url` or `build --base-url`, never `serve`'s local
    /// address, so `build` and `serve` share one cache. Always ends with `/`.
    pub print_base_url: String,
    pub languages: Vec<String>,
    pub level_scheme: String,
    pub portal_url: Option<String>,
    pub national_portal_url: Option<String>,
    /// The decision listing the procedures as online public services (the basis of
    /// their level in the decision annex), unless a record names its own.
    pub online_services_decision: Option<String>,
    pub allow_html: bool,
    /// ISO date.
    pub edition: Option<String>,
    /// Paper of the procedure leaflets: `A4` or `A5`.
    pub print_paper: String,
    /// PDF standard of the typeset products: `pdf-ua-1` or `pdf-a-2b`.
    pub print_standard: String,
    pub organisation: Organisation,
    pub feedback: Feedback,
    pub target_low: f64,
    pub target_high: f64,
    /// `[search] abbreviations` of site.toml: (abbreviation, expansions), NFC,
    /// sorted by abbreviation. Merged with the built-in list by `search`.
    pub abbreviations: Vec<(String, Vec<String>)>,
    /// `[embed]`: the embeddable views for other portals (issue 17).
    pub embed: EmbedConfig,
}

/// `[embed]` of site.toml.
#[derive(Debug, Clone, Serialize)]
pub struct EmbedConfig {
    /// Which views are built, of `catalogue`, `journey`, `statistics`, `cards`
    /// (all four by default); none turns the embed pages off.
    pub views: Vec<String>,
    /// `#rrggbb`, the colour of the views' header band and buttons (white text on it).
    pub brand_colour: String,
    /// Whether each procedure card shows a QR code to the procedure's page.
    pub card_qr: bool,
}

/// One level of the active scheme, ordered from least to most online.
#[derive(Debug, Clone, Serialize)]
pub struct Level {
    pub key: String,
    pub label: Text,
    pub meaning: RichText,
    pub colour: String,
    pub text_colour: String,
    pub pattern: String,
    /// Decree 43/2011 levels (1–4) shown as this level.
    pub covers: Vec<u8>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Stage {
    pub key: String,
    /// 1-based position on the journey.
    pub number: usize,
    pub title: Text,
    pub summary: RichText,
}

#[derive(Debug, Clone, Serialize)]
pub struct Field {
    pub key: String,
    pub title: Text,
    /// Stage key that `onestop import` gives this field's procedures.
    pub stage: Option<String>,
    /// Other names of the field on the national portal (for `onestop import`).
    pub portal_names: Vec<String>,
}

/// A unit or position of the Board that handles dossiers (`[[units]]`).
#[derive(Debug, Clone, Serialize)]
pub struct Unit {
    pub key: String,
    pub name: Text,
    /// `one-stop`, `division`, `leadership`, `clerk` or `other`.
    pub kind: String,
}

/// Who does a step of an internal process.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Responsible {
    /// Index into `Site::units`.
    Unit(usize),
    /// Another agency, by name.
    Agency(String),
}

/// One step of an internal process.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessStep {
    pub action: Text,
    pub responsible: Responsible,
    /// As written, with its unit (`hours` or `working-days`).
    pub time: f64,
    pub time_unit: String,
    /// The time in working hours (8 a working day).
    pub hours: f64,
    pub electronic: bool,
    pub output: Option<String>,
}

/// The decision that approved an internal process.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    pub number: Option<String>,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub url: Option<String>,
}

/// How the Board handles a dossier inside (quy trình nội bộ / điện tử).
#[derive(Debug, Clone, Serialize)]
pub struct InternalProcess {
    pub channel: Option<ChannelKind>,
    pub case: Option<String>,
    pub decision: Option<Decision>,
    /// How the process came to be, when the reader must know (modelled on another body's decision).
    pub note: Option<Text>,
    pub steps: Vec<ProcessStep>,
    /// Sum of the steps, in working hours.
    pub total_hours: f64,
    /// The legal processing time it must equal, in working hours, when the record gives one.
    pub limit_hours: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Agencies {
    pub competent: Option<String>,
    pub executing: Option<String>,
    pub authorised: Option<String>,
    pub coordinating: Option<String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    Direct,
    Online,
    Postal,
}

impl ChannelKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "direct" => Some(Self::Direct),
            "online" => Some(Self::Online),
            "postal" => Some(Self::Postal),
            _ => None,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Direct => "direct",
            Self::Online => "online",
            Self::Postal => "postal",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Channel {
    pub kind: ChannelKind,
    pub time: Option<f64>,
    /// `working-days`, `days` or `hours`.
    pub time_unit: Option<String>,
    pub time_text: Option<String>,
    pub time_note: Option<String>,
    pub fee: Option<String>,
    pub fee_vnd: Option<i64>,
    pub note: Option<Doc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub case: Option<String>,
    pub name: String,
    pub form: Option<String>,
    pub form_url: Option<String>,
    pub originals: Option<i64>,
    pub copies: Option<i64>,
    pub required: bool,
    pub note: Option<Doc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LegalBasis {
    pub number: Option<String>,
    pub title: String,
    pub date: Option<String>,
    pub issuer: Option<String>,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct YearStats {
    pub year: i64,
    pub received: Option<i64>,
    pub received_online: Option<i64>,
    pub resolved_online: Option<i64>,
    pub resolved_on_time: Option<i64>,
    /// Share of the procedure's surveyed users who were satisfied (SIPAS), in percent.
    pub satisfied_percent: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Procedure {
    pub slug: String,
    /// Source file relative to the site root.
    pub source: PathBuf,
    pub code: String,
    pub title: Text,
    /// For diagram blocks: `short_title`, or the title without "Thủ tục".
    pub short_title: Text,
    /// Index into `Site::stages`.
    pub stage: usize,
    /// Index into `Site::fields`.
    pub field: usize,
    /// Decree 43/2011 level 1–4 as written in the record.
    pub base_level: u8,
    /// Index into `Site::levels` (the active scheme).
    pub level: usize,
    pub digital_signature: bool,
    pub service_center: bool,
    pub public_postal: bool,
    pub online_url: Option<String>,
    pub administrative_level: Option<String>,
    pub publication_decision: Option<String>,
    /// The decision providing it as an online public service at its level.
    pub online_decision: Option<String>,
    pub optional: bool,
    pub alternative_to: Vec<String>,
    /// Codes this procedure can replace or be replaced by: `alternative_to`
    /// in both directions, sorted. Derived in `load::resolve`.
    pub alternatives: Vec<String>,
    pub after: Vec<String>,
    pub related: Vec<String>,
    pub keywords: Vec<String>,
    pub summary: RichText,
    pub applicants: Vec<String>,
    pub agencies: Option<Agencies>,
    pub where_to_submit: Option<Doc>,
    pub steps: Vec<Doc>,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    pub requirements: Option<Doc>,
    pub result: Vec<String>,
    pub legal_basis: Vec<LegalBasis>,
    pub statistics: Vec<YearStats>,
    pub internal_process: Vec<InternalProcess>,
    /// Position on the journey (0-based, across all stages).
    pub journey_index: usize,
    /// When the record last changed (git, else the file's time; `load::history`).
    pub updated: Option<Updated>,
}

/// A point in time as RFC 3339 (`iso`, with the committer's offset), its
/// calendar date in that offset, and Unix seconds for ordering.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Updated {
    pub iso: String,
    pub date: String,
    pub unix: i64,
}

impl Procedure {
    pub fn channel(&self, kind: ChannelKind) -> Option<&Channel> {
        self.channels.iter().find(|c| c.kind == kind)
    }
}

/// A question from businesses and the Board's answer (`content/faq/<slug>.toml`).
#[derive(Debug, Clone, Serialize)]
pub struct Question {
    /// File stem; the question's anchor on the FAQ page is `q-<slug>`.
    pub slug: String,
    pub source: PathBuf,
    pub question: Text,
    pub answer: RichText,
    /// Codes of the procedures it concerns, as written (each one a record's code).
    pub procedures: Vec<String>,
    /// Index into `Site::stages`: `stage`, or the first procedure's stage.
    pub stage: usize,
    /// ISO date.
    pub asked_on: Option<String>,
    /// `dialogue`, `hotline`, `portal`, `email` or `other`.
    pub asked_via: Option<String>,
    pub asked_where: Option<String>,
    pub asked_url: Option<String>,
    /// The legal texts the answer is drawn from (at least one).
    pub basis: Vec<Basis>,
}

/// A legal text an answer draws from, and the article it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Basis {
    #[serde(flatten)]
    pub text: LegalBasis,
    pub article: Option<String>,
}

impl Site {
    /// The questions that concern a procedure, in FAQ order.
    pub fn questions_of<'a>(&'a self, code: &str) -> impl Iterator<Item = &'a Question> + 'a {
        self.faq_by_code.get(code).into_iter().flatten().map(|&i| &self.faq[i])
    }
}

/// A free Markdown page (`content/pages/<slug>.md`).
#[derive(Debug, Clone, Serialize)]
pub struct Page {
    pub slug: String,
    pub source: PathBuf,
    pub title: Text,
    pub description: Option<String>,
    pub weight: i64,
    pub body: Doc,
    /// Headings of the body for the in-page contents: (id, text).
    pub toc: Vec<(String, String)>,
}

/// The whole validated site.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    pub levels: Vec<Level>,
    pub stages: Vec<Stage>,
    pub fields: Vec<Field>,
    /// The Board's units (`[[units]]`), for internal processes.
    pub units: Vec<Unit>,
    /// In journey order: by stage, then so that every `after` comes first, then by code.
    pub procedures: Vec<Procedure>,
    pub pages: Vec<Page>,
    pub by_code: HashMap<String, usize>,
    /// Number of procedures at each level of `levels` (counted once: every
    /// leaflet and list shows them).
    pub level_totals: Vec<usize>,
    /// Diagram specs from `diagrams/*.toml`, sorted by name.
    pub diagrams: Vec<Diagram>,
    /// Questions from businesses (`content/faq/*.toml`): by stage in journey
    /// order, then newest first (undated last), then slug.
    pub faq: Vec<Question>,
    /// Per procedure code, the indices into `faq` of the questions that concern it, in `faq` order.
    pub faq_by_code: HashMap<String, Vec<usize>>,
    /// Problems that do not stop the build (files left out), sorted.
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// Satisfaction survey results (`content/statistics/satisfaction.toml`).
    pub satisfaction: Satisfaction,
}

/// The yearly satisfaction survey (SIPAS: Chỉ số hài lòng của người dân, tổ
/// chức đối với sự phục vụ của cơ quan hành chính nhà nước) as published:
/// share of satisfied respondents overall and per criterion, and the target.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Satisfaction {
    /// The criteria results may give, in the order shown.
    pub criteria: Vec<SatisfactionCriterion>,
    /// Ascending by year.
    pub years: Vec<SatisfactionYear>,
    pub target: Option<SatisfactionTarget>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionCriterion {
    pub key: String,
    pub name: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionYear {
    pub year: i64,
    /// Percent of respondents satisfied overall.
    pub overall: f64,
    pub respondents: Option<i64>,
    /// (index into `Satisfaction::criteria`, percent), in the criteria's order.
    pub criteria: Vec<(usize, f64)>,
    pub source: LegalBasis,
}

#[derive(Debug, Clone, Serialize)]
pub struct SatisfactionTarget {
    /// At least this percent satisfied.
    pub percent: f64,
    /// The year by which it is to be reached.
    pub year: Option<i64>,
    pub source: LegalBasis,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Paper {
    A0,
    A1,
    A2,
    A3,
    A4,
}

impl Paper {
    pub fn parse(s: &str) -> Option<Paper> {
        Some(match s {
            "A0" => Paper::A0,
            "A1" => Paper::A1,
            "A2" => Paper::A2,
            "A3" => Paper::A3,
            "A4" => Paper::A4,
            _ => return None,
        })
    }
    pub fn name(self) -> &'static str {
        match self {
            Paper::A0 => "A0",
            Paper::A1 => "A1",
            Paper::A2 => "A2",
            Paper::A3 => "A3",
            Paper::A4 => "A4",
        }
    }
    /// Portrait width and height in millimetres (ISO 216).
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            Paper::A0 => (841.0, 1189.0),
            Paper::A1 => (594.0, 841.0),
            Paper::A2 => (420.0, 594.0),
            Paper::A3 => (297.0, 420.0),
            Paper::A4 => (210.0, 297.0),
        }
    }
}

/// One diagram: which procedures it shows and how its poster is printed.
#[derive(Debug, Clone, Serialize)]
pub struct Diagram {
    /// File stem of `diagrams/<name>.toml`; names the output files.
    pub name: String,
    pub source: PathBuf,
    pub title: Text,
    pub subtitle: Option<Text>,
    /// Indices into `Site::stages`; empty = all.
    pub stages: Vec<usize>,
    /// Indices into `Site::fields`; empty = all.
    pub fields: Vec<usize>,
    /// Decree 43 levels; empty = all.
    pub levels: Vec<u8>,
    /// Codes; empty = all.
    pub procedures: Vec<String>,
    pub optional: bool,
    pub landscape: bool,
    pub paper: Paper,
    pub dpi: u32,
    pub qr: bool,
    pub legend: bool,
    pub arrows: bool,
    pub footer: Option<Text>,
    pub inline: bool,
    /// Blocks show their record's internal process: total time and units involved.
    pub internal_process: bool,
}

impl Diagram {
    /// The procedures it shows, in journey order.
    pub fn select<'a>(&'a self, site: &'a Site) -> impl Iterator<Item = &'a Procedure> + 'a {
        site.procedures.iter().filter(move |p| {
            (self.stages.is_empty() || self.stages.contains(&p.stage))
                && (self.fields.is_empty() || self.fields.contains(&p.field))
                && (self.levels.is_empty() || self.levels.contains(&p.base_level))
                && (self.procedures.is_empty() || self.procedures.contains(&p.code))
                && (self.optional || !p.optional)
        })
    }
    /// Stages shown, in journey order.
    pub fn stage_list(&self, site: &Site) -> Vec<usize> {
        if self.stages.is_empty() {
            (0..site.stages.len()).collect()
        } else {
            let mut s = self.stages.clone();
            s.sort_unstable();
            s
        }
    }
}

impl Site {
    pub fn procedure_by_code(&self, code: &str) -> Option<&Procedure> {
        self.by_code.get(code).map(|&i| &self.procedures[i])
    }

    pub fn procedures_in_stage(&self, stage: usize) -> impl Iterator<Item = &Procedure> {
        self.procedures.iter().filter(move |p| p.stage == stage)
    }
}
