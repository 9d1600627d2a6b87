//! Keys of `site.toml` and of its tables.

use super::process::RawUnit;
use super::{PAPERS, PATTERNS, PDF_STANDARDS, SCHEMES, Ty, format_table};
use std::collections::BTreeMap;
use toml::Spanned;
use toml::value::Datetime;

format_table! {
    pub const ORGANISATION_KEYS: pub(crate) struct RawOrganisation {
        name: req String, Ty::Str, "Name of the agency.";
        name_en: opt String, Ty::Str, "English name.";
        address: opt String, Ty::Str, "Postal address.";
        phone: opt String, Ty::Str, "Telephone.";
        email: opt String, Ty::Str, "E-mail address.";
        hours: opt String, Ty::Str, "Opening hours.";
        map_url: opt Spanned<String>, Ty::Str, "Link to a map (http or https).";
        service_center: opt String, Ty::Str, "Name of the Public Administration Service Center.";
        service_center_address: opt String, Ty::Str, "Address of the service centre.";
    }
}

format_table! {
    pub const FEEDBACK_KEYS: pub(crate) struct RawFeedback {
        email: opt Spanned<String>, Ty::Str,
            "Address of the procedure pages' `mailto:` link. Default: organisation.email.";
        url: opt Spanned<String>, Ty::Str, "The province's feedback portal (Phản ánh, kiến nghị), http or https.";
        label: opt String, Ty::Str, "Text of the portal link. Default: \"Gửi phản ánh, kiến nghị\".";
        label_en: opt String, Ty::Str, "English text of the portal link.";
    }
}

format_table! {
    pub const TARGET_KEYS: pub(crate) struct RawTarget {
        low: req f64, Ty::Number, "Lower bound of the online-share target band, in percent (15).";
        high: req f64, Ty::Number, "Upper bound, in percent (30).";
    }
}

format_table! {
    pub const STAGE_KEYS: pub(crate) struct RawStage {
        key: req Spanned<String>, Ty::Str, "Identifier used by records' `stage` and in URLs (a slug).";
        title: req String, Ty::Str, "Title of the stage.";
        title_en: opt String, Ty::Str, "English title.";
        summary: opt Spanned<String>, Ty::Markdown, "One paragraph about the stage.";
        summary_en: opt Spanned<String>, Ty::Markdown, "English summary.";
    }
}

format_table! {
    pub const FIELD_KEYS: pub(crate) struct RawField {
        key: req Spanned<String>, Ty::Str, "Identifier used by records' `field` and in URLs (a slug).";
        title: req String, Ty::Str, "Name of the field (lĩnh vực).";
        title_en: opt String, Ty::Str, "English name.";
        stage: opt Spanned<String>, Ty::Str,
            "Journey stage (a `[[stages]]` key) that `onestop import` gives procedures of this field.";
        portal_names: default Vec<String>, Ty::StrList,
            "Other names of this field on the national portal, for `onestop import` (the title always matches).";
    }
}

format_table! {
    pub const LEVEL_KEYS: pub(crate) struct RawLevel {
        key: req Spanned<String>, Ty::Str, "Identifier used in URLs (a slug).";
        label: req String, Ty::Str, "Label shown on badges.";
        label_en: opt String, Ty::Str, "English label.";
        meaning: opt Spanned<String>, Ty::Markdown, "One paragraph: what this level means for the applicant.";
        meaning_en: opt Spanned<String>, Ty::Markdown, "English meaning.";
        colour: req Spanned<String>, Ty::Str, "Fill colour, #RRGGBB.";
        text_colour: opt Spanned<String>, Ty::Str,
            "Text colour on the fill, #RRGGBB. Default: black or white, whichever contrasts more.";
        pattern: opt String, Ty::Enum(PATTERNS), "Pattern for print and diagrams.";
        covers: req Spanned<Vec<i64>>, Ty::IntList, "Which Decree 43/2011 levels (1–4) of the records this level shows.";
    }
}

format_table! {
    /// Keys of `site.toml`.
    pub const SITE_KEYS: pub(crate) struct RawSite {
        title: req String, Ty::Str, "Site title.";
        title_en: opt String, Ty::Str, "English site title.";
        description: opt String, Ty::Str, "One sentence for the home page and search engines.";
        description_en: opt String, Ty::Str, "English description.";
        base_url: req Spanned<String>, Ty::Str,
            "Public address of the site, may include a sub-path: https://example.gov.vn/tthc/.";
        languages: opt Spanned<Vec<String>>, Ty::StrList, "Languages, the first is the default: [\"vi\", \"en\"].";
        level_scheme: opt String, Ty::Enum(SCHEMES), "Which online-service level scheme to show. Default \"2011\".";
        portal_url: opt Spanned<String>, Ty::Str, "The provincial online public service portal.";
        national_portal_url: opt Spanned<String>, Ty::Str, "The national public service portal.";
        online_services_decision: opt String, Ty::Str,
            "Decision listing procedures as online services: their level's basis.";
        allow_html: opt bool, Ty::Bool, "Let raw HTML in Markdown through. Default false (it is escaped).";
        edition: opt Datetime, Ty::Date, "Edition date shown in footers and print products.";
        print_paper: opt String, Ty::Enum(PAPERS),
            "Paper of the procedure leaflets: \"A4\" (two pages, default) or \"A5\".";
        print_standard: opt String, Ty::Enum(PDF_STANDARDS),
            "PDF standard of leaflets, guide and catalogues: \"pdf-ua-1\" (tagged and accessible, default) \
             or \"pdf-a-2b\" (for archiving).";
        organisation: req RawOrganisation, table, "The agency that publishes the site.";
        online_target: opt Spanned<RawTarget>, table, "Online-share target band. Default 15 and 30.";
        stages: req Vec<RawStage>, tables, "The investor journey's stages, in order.";
        fields: req Vec<RawField>, tables, "Fields (lĩnh vực).";
        levels: opt Spanned<Vec<RawLevel>>, tables,
            "Own level scheme; used when level_scheme = \"custom\".";
        search: opt RawSearch, table, "How the site search reads queries.";
        feedback: opt RawFeedback, table,
            "Where readers report an error or ask a question about a procedure.";
        units: default Vec<RawUnit>, tables,
            "The Board's units and positions that handle dossiers (for records' internal processes).";
        embed: opt RawEmbed, table, "The views other portals can embed (`/nhung/`).";
    }
}

/// The embeddable views `[embed] views` may name.
pub const EMBED_VIEWS: &[&str] = &["catalogue", "journey", "statistics", "cards"];

format_table! {
    pub const EMBED_KEYS: pub(crate) struct RawEmbed {
        views: opt Vec<Spanned<String>>, Ty::StrList,
            "Views to build: \"catalogue\", \"journey\", \"statistics\", \"cards\" (default all).";
        brand_colour: opt Spanned<String>, Ty::Str,
            "Header and button colour under white text, #rrggbb. Default \"#9b1c1c\".";
        card_qr: opt bool, Ty::Bool, "Whether each procedure card shows a QR code to its page. Default false.";
    }
}

format_table! {
    pub const SEARCH_KEYS: pub(crate) struct RawSearch {
        abbreviations: default BTreeMap<String, OneOrMany>, Ty::StrMap,
            "Abbreviations readers type, added to the built-in list (an entry replaces a built-in one of \
             the same name): `GPXD = \"giấy phép xây dựng\"` or a list of expansions.";
    }
}

/// `GPXD = "giấy phép xây dựng"` or `GPXD = ["giấy phép xây dựng", "construction permit"]`.
#[derive(serde::Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}
