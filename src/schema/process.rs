//! Keys of the Board's units (site.toml `[[units]]`) and of a record's internal
//! processes (`[[internal_process]]`).

use super::{CHANNEL_KINDS, Key, Ty, opt, req};

/// Kinds of the Board's units (`[[units]]`).
pub const UNIT_KINDS: &[&str] = &["one-stop", "division", "leadership", "clerk", "other"];
/// Units of an internal-process step's time.
pub const STEP_TIME_UNITS: &[&str] = &["hours", "working-days"];

pub const UNIT_KEYS: &[Key] = &[
    req("key", Ty::Str, "Identifier used by internal-process steps' `unit` (a slug)."),
    req("name", Ty::Str, "Name of the unit or position, as the Board's decisions write it."),
    opt("name_en", Ty::Str, "English name."),
    req(
        "kind",
        Ty::Enum(UNIT_KINDS),
        "\"one-stop\" (the desk at the service centre), \"division\", \"leadership\", \"clerk\" or \"other\".",
    ),
];

pub const STEP_KEYS: &[Key] = &[
    opt("step", Ty::Int, "The step's number as published; when given, steps are numbered 1, 2, 3… in order."),
    req("action", Ty::Str, "What is done at this step."),
    opt("action_en", Ty::Str, "English description."),
    opt("unit", Ty::Str, "Who does it: a `[[units]]` key of site.toml. Give `unit` or `agency`."),
    opt("agency", Ty::Str, "Who does it, when it is another agency (inter-agency steps): its name."),
    req("time", Ty::Number, "Time allowed for the step."),
    req("time_unit", Ty::Enum(STEP_TIME_UNITS), "\"hours\" (working hours, 8 a day) or \"working-days\"."),
    opt("electronic", Ty::Bool, "Done in the provincial one-stop software (quy trình điện tử). Default true."),
    opt("output", Ty::Str, "What the step produces (phiếu, tờ trình, dự thảo, kết quả…)."),
];

pub const PROCESS_KEYS: &[Key] = &[
    opt(
        "channel",
        Ty::Enum(CHANNEL_KINDS),
        "The channel whose processing time the steps add up to. Default: every channel with a time (they must agree).",
    ),
    opt("case", Ty::Str, "The case this process is for, when the procedure has several."),
    opt("decision", Ty::Str, "Number of the decision approving the process, e.g. \"Quyết định số 95/QĐ-BQLKCN\"."),
    opt("decision_date", Ty::Date, "Date of that decision."),
    opt("decision_issuer", Ty::Str, "Who issued it."),
    opt("decision_url", Ty::Str, "Link to the decision (http or https)."),
    opt(
        "note",
        Ty::Str,
        "Shown under the decision: where the process comes from, when the reader must know (e.g. modelled on another province's decision).",
    ),
    opt("note_en", Ty::Str, "English note."),
    req("steps", Ty::TableArray(STEP_KEYS), "The steps in order."),
];
