//! Keys of the Board's units (site.toml `[[units]]`) and of a record's internal
//! processes (`[[internal_process]]`).

use super::{CHANNEL_KINDS, Ty, format_table};
use toml::Spanned;
use toml::value::Datetime;

/// Kinds of the Board's units (`[[units]]`).
pub const UNIT_KINDS: &[&str] = &["one-stop", "division", "leadership", "clerk", "other"];
/// Units of an internal-process step's time.
pub const STEP_TIME_UNITS: &[&str] = &["hours", "working-days"];

format_table! {
    pub const UNIT_KEYS: pub(crate) struct RawUnit {
        key: req Spanned<String>, Ty::Str, "Identifier used by internal-process steps' `unit` (a slug).";
        name: req String, Ty::Str, "Name of the unit or position, as the Board's decisions write it.";
        name_en: opt String, Ty::Str, "English name.";
        kind: req String, Ty::Enum(UNIT_KINDS),
            "\"one-stop\" (the desk at the service centre), \"division\", \"leadership\", \"clerk\" or \"other\".";
    }
}

format_table! {
    pub const STEP_KEYS: pub(crate) struct RawStep {
        step: opt Spanned<i64>, Ty::Int,
            "The step's number as published; when given, steps are numbered 1, 2, 3… in order.";
        action: req String, Ty::Str, "What is done at this step.";
        action_en: opt String, Ty::Str, "English description.";
        unit: opt Spanned<String>, Ty::Str, "Who does it: a `[[units]]` key of site.toml. Give `unit` or `agency`.";
        agency: opt String, Ty::Str, "Who does it, when it is another agency (inter-agency steps): its name.";
        time: req Spanned<f64>, Ty::Number, "Time allowed for the step.";
        time_unit: req String, Ty::Enum(STEP_TIME_UNITS), "\"hours\" (working hours, 8 a day) or \"working-days\".";
        electronic: opt bool, Ty::Bool, "Done in the provincial one-stop software (quy trình điện tử). Default true.";
        output: opt String, Ty::Str, "What the step produces (phiếu, tờ trình, dự thảo, kết quả…).";
    }
}

format_table! {
    pub const PROCESS_KEYS: pub(crate) struct RawProcess {
        channel: opt Spanned<String>, Ty::Enum(CHANNEL_KINDS),
            "The channel whose processing time the steps add up to. \
             Default: every channel with a time (they must agree).";
        case: opt String, Ty::Str, "The case this process is for, when the procedure has several.";
        decision: opt String, Ty::Str,
            "Number of the decision approving the process, e.g. \"Quyết định số 95/QĐ-BQLKCN\".";
        decision_date: opt Datetime, Ty::Date, "Date of that decision.";
        decision_issuer: opt String, Ty::Str, "Who issued it.";
        decision_url: opt Spanned<String>, Ty::Str, "Link to the decision (http or https).";
        note: opt String, Ty::Str,
            "Shown under the decision: where the process comes from, when the reader must know \
             (e.g. modelled on another province's decision).";
        note_en: opt String, Ty::Str, "English note.";
        steps: req Spanned<Vec<Spanned<RawStep>>>, tables, "The steps in order.";
    }
}
