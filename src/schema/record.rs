//! Keys of a procedure record (`content/procedures/**/<slug>.toml`) and of its tables.

use super::process::RawProcess;
use super::{CHANNEL_KINDS, TIME_UNITS, Ty, format_table};
use toml::Spanned;
use toml::value::Datetime;

format_table! {
    pub const AGENCY_KEYS: pub(crate) struct RawAgencies {
        competent: opt String, Ty::Str, "Agency with the competence to decide (cơ quan có thẩm quyền).";
        executing: opt String, Ty::Str, "Agency that carries it out (cơ quan thực hiện).";
        authorised: opt String, Ty::Str, "Agency authorised or delegated to decide (cơ quan được ủy quyền).";
        coordinating: opt String, Ty::Str, "Agencies that coordinate (cơ quan phối hợp).";
    }
}

format_table! {
    pub const CHANNEL_KEYS: pub(crate) struct RawChannel {
        kind: req String, Ty::Enum(CHANNEL_KINDS), "How the dossier is filed: in person, online, or by post.";
        time: opt Spanned<f64>, Ty::Number, "Processing time for this channel (may be fractional, e.g. 17.5).";
        time_unit: opt String, Ty::Enum(TIME_UNITS), "Unit of `time`. Required when `time` is given.";
        time_text: opt String, Ty::Str, "Processing time as text, when the source gives no single number.";
        time_note: opt String, Ty::Str, "Qualifies the time, e.g. \"kể từ ngày nhận đủ hồ sơ hợp lệ\".";
        fee: opt String, Ty::Str, "Fee or charge as published (text).";
        fee_vnd: opt Spanned<i64>, Ty::Int, "Fee amount in VND, when the source gives one amount.";
        note: opt Spanned<String>, Ty::Markdown, "Anything else about this channel.";
    }
}

format_table! {
    pub const DOCUMENT_KEYS: pub(crate) struct RawDocument {
        case: opt String, Ty::Str, "Case this document belongs to; documents are grouped by case.";
        name: req String, Ty::Str, "Name of the document (thành phần hồ sơ).";
        form: opt String, Ty::Str, "Name or number of the form template (mẫu đơn, tờ khai).";
        form_url: opt Spanned<String>, Ty::Str,
            "Link to the form: an http(s) URL or a path under the site's `static/`.";
        originals: opt Spanned<i64>, Ty::Int, "Number of originals (bản chính).";
        copies: opt Spanned<i64>, Ty::Int, "Number of copies (bản sao).";
        required: opt bool, Ty::Bool, "Whether the document is mandatory. Default true.";
        note: opt Spanned<String>, Ty::Markdown, "Notes on the document.";
    }
}

format_table! {
    /// A legal text: a record's `[[legal_basis]]`, and the source of a satisfaction result or target.
    pub const LEGAL_KEYS: pub(crate) struct RawLegal {
        number: opt String, Ty::Str, "Number and symbol, e.g. \"61/2020/QH14\".";
        title: req String, Ty::Str, "Title of the legal document.";
        date: opt Datetime, Ty::Date, "Date of issue.";
        issuer: opt String, Ty::Str, "Issuing body.";
        url: opt Spanned<String>, Ty::Str, "Link to the text (http or https).";
    }
}

format_table! {
    pub const STATISTICS_KEYS: pub(crate) struct RawStats {
        year: req Spanned<i64>, Ty::Int, "Calendar year of the figures.";
        received: opt Spanned<i64>, Ty::Int, "Dossiers received in total.";
        received_online: opt Spanned<i64>, Ty::Int, "Dossiers received online.";
        resolved_online: opt Spanned<i64>, Ty::Int, "Dossiers resolved online.";
        resolved_on_time: opt Spanned<i64>, Ty::Int, "Dossiers resolved on time.";
        satisfied_percent: opt Spanned<f64>, Ty::Number,
            "Share of this procedure's surveyed users who were satisfied, in percent.";
    }
}

format_table! {
    /// Keys of a procedure record (`content/procedures/**/<slug>.toml`).
    pub const RECORD_KEYS: pub(crate) struct RawRecord {
        code: req Spanned<String>, Ty::Str, "Code in the national database: D.DDDDDD, optionally .NN. Unique.";
        title: req Spanned<String>, Ty::Str, "Name of the procedure, as published.";
        title_en: opt String, Ty::Str, "English title.";
        short_title: opt String, Ty::Str,
            "Shorter title for diagram blocks. Default: the title without a leading \"Thủ tục\".";
        short_title_en: opt String, Ty::Str, "English short title.";
        stage: req Spanned<String>, Ty::Str, "Key of the journey stage (a `[[stages]]` key in site.toml).";
        field: req Spanned<String>, Ty::Str, "Key of the field, lĩnh vực (a `[[fields]]` key in site.toml).";
        level: req Spanned<i64>, Ty::Int,
            "Online service level 1–4 as in Decree 43/2011; the site's level scheme decides how it is shown.";
        digital_signature: opt bool, Ty::Bool,
            "The online dossier accepts a digital signature (chữ ký số). Default false.";
        service_center: opt bool, Ty::Bool,
            "Received and returned at the Public Administration Service Center. Default false.";
        public_postal: opt bool, Ty::Bool, "Can be filed and returned by public postal service. Default false.";
        online_url: opt Spanned<String>, Ty::Str, "Address of the online service on the portal (http or https).";
        administrative_level: opt String, Ty::Str, "Administrative level that handles it, e.g. \"Cấp tỉnh\".";
        publication_decision: opt String, Ty::Str, "Decision that published the procedure.";
        online_decision: opt String, Ty::Str,
            "Decision providing it as an online service: its level's basis in annex 1.";
        optional: opt bool, Ty::Bool,
            "Not every investor needs it (shown as optional on the journey). Default false.";
        alternative_to: default Vec<Spanned<String>>, Ty::CodeList,
            "Codes of procedures this one can replace (\"or\" on the journey).";
        after: default Vec<Spanned<String>>, Ty::CodeList,
            "Codes of procedures that come before this one on the journey.";
        related: default Vec<Spanned<String>>, Ty::CodeList, "Codes of related procedures.";
        keywords: default Vec<String>, Ty::StrList, "Extra words the search should match.";
        summary: req Spanned<String>, Ty::Markdown, "What the procedure is for, in one or two paragraphs.";
        summary_en: opt Spanned<String>, Ty::Markdown, "English summary.";
        applicants: default Vec<String>, Ty::StrList, "Who may file it (đối tượng thực hiện).";
        agencies: opt RawAgencies, table, "Agencies involved.";
        where_to_submit: opt Spanned<String>, Ty::Markdown, "Where the dossier is handed in (địa chỉ tiếp nhận).";
        steps: default Vec<Spanned<String>>, Ty::MarkdownList, "The steps in order (trình tự thực hiện).";
        channels: default Vec<Spanned<RawChannel>>, tables,
            "How it can be filed, each channel with its time and fee (cách thức thực hiện).";
        documents: default Vec<RawDocument>, tables, "The dossier (thành phần hồ sơ).";
        requirements: opt Spanned<String>, Ty::Markdown, "Requirements and conditions (yêu cầu, điều kiện).";
        result: default Vec<String>, Ty::StrList, "What the applicant receives (kết quả).";
        legal_basis: default Vec<RawLegal>, tables, "Legal basis (căn cứ pháp lý).";
        statistics: default Vec<Spanned<RawStats>>, tables, "Dossier figures by year.";
        internal_process: default Vec<Spanned<RawProcess>>, tables,
            "How the Board handles the dossier inside (quy trình nội bộ, quy trình điện tử): \
             one per channel or case.";
    }
}
