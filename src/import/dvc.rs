//! The national public service portal's procedure JSON (dichvucong.gov.vn,
//! `{"code":"OK","data":{...}}`) → the facts of one procedure record.
//!
//! Facts are carried as published: text is only cleaned (HTML tags and
//! entities, whitespace noise, list markers in front of single names) and
//! normalised to NFC, never reworded. Anything of an unexpected shape is a
//! `Problem` naming its JSON path, so the caller can skip the file and say why.

use super::clean::{clean_line, clean_text, escape_md_line, markdown};
use super::json_at::At;
use crate::text;
use serde_json::Value;

/// Why an input file cannot be imported: where (a JSON path such as
/// `data.executionMethods[2].submissionMethod`, or a line and column for a
/// syntax error) and what.
#[derive(Debug)]
pub struct Problem {
    pub path: String,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Problem {
    pub(super) fn at(path: &str, message: impl Into<String>) -> Self {
        Problem { path: path.to_string(), line: 0, col: 0, message: message.into(), hint: None }
    }
    pub(super) fn hint(mut self, h: impl Into<String>) -> Self {
        self.hint = Some(h.into());
        self
    }
}

/// A channel (cách thức thực hiện) as the record stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Channel {
    /// `direct`, `online` or `postal`.
    pub kind: &'static str,
    pub time: Option<f64>,
    /// `working-days`, `days` or `hours`.
    pub time_unit: Option<&'static str>,
    pub time_text: Option<String>,
    pub fee: Option<String>,
    pub fee_vnd: Option<i64>,
    /// Markdown.
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Document {
    pub case: Option<String>,
    pub name: String,
    pub form: Option<String>,
    pub originals: Option<i64>,
    pub copies: Option<i64>,
}

/// The agencies, each a `; `-separated list (names themselves contain commas).
#[derive(Debug, Clone, Default)]
pub struct Agencies {
    pub competent: Option<String>,
    pub executing: Option<String>,
    pub authorised: Option<String>,
    pub coordinating: Option<String>,
}

/// One portal record's facts, cleaned, in the record format's terms.
#[derive(Debug, Clone)]
pub struct Imported {
    pub code: String,
    pub title: String,
    /// The portal's own id of the record (a UUID) and its last update (ms since 1970).
    pub portal_id: Option<String>,
    pub portal_updated_ms: Option<i64>,
    /// Field names (lĩnh vực) as the portal gives them.
    pub field_names: Vec<String>,
    /// Decree 43/2011 level derived from `isFullProcess` and the channels.
    pub level: u8,
    pub public_postal: bool,
    pub administrative_level: Option<String>,
    pub publication_decision: Option<String>,
    pub keywords: Vec<String>,
    /// Markdown, when the portal has a description of its own.
    pub summary: Option<String>,
    pub applicants: Vec<String>,
    pub agencies: Agencies,
    /// Markdown.
    pub where_to_submit: Option<String>,
    /// Markdown, one per step.
    pub steps: Vec<String>,
    pub channels: Vec<Channel>,
    pub documents: Vec<Document>,
    /// Markdown.
    pub requirements: Option<String>,
    pub result: Vec<String>,
    /// (number, title)
    pub legal_basis: Vec<(Option<String>, String)>,
}

/// Parses one portal answer.
pub fn parse(json: &str) -> Result<Imported, Problem> {
    let root = read_json(json)?;
    let root = At { v: Some(&root), path: String::new() };
    check_status(&root)?;
    let d = root.key("data");
    if !d.v.is_some_and(Value::is_object) {
        return Err(d.fail("an object with the procedure"));
    }
    let (code, title) = code_and_title(&d)?;
    let channels = channels(&d)?;
    let requirements_raw = d.key("requirementsAndConditions").opt_str()?.unwrap_or("");
    let keywords =
        Some(clean_line(d.key("keywords").opt_str()?.unwrap_or(""))).filter(|s| !s.is_empty()).into_iter().collect();
    Ok(Imported {
        portal_id: d.key("id").opt_str()?.map(str::to_string),
        portal_updated_ms: d.key("updatedAt").opt_int()?,
        field_names: field_names(&d)?,
        level: level(&d, &channels)?,
        public_postal: channels.iter().any(|c| c.kind == "postal"),
        administrative_level: administrative_level(&d)?,
        publication_decision: publication_decision(&d.key("procedureProposal"))?,
        keywords,
        summary: summary(&d, requirements_raw)?,
        applicants: names(&d.key("subjectTypesDetails"))?,
        agencies: Agencies {
            competent: agency(&d, "departmentsAuthority", "unitGroupsAuthority", "delegatedAgencies")?,
            executing: agency(&d, "departmentsExecuting", "unitGroupsExecuting", "executingAgencies")?,
            authorised: agency(&d, "departmentsAuthorized", "unitGroupsAuthorized", "authorizedAgencies")?,
            coordinating: agency(&d, "departmentsCoordinating", "unitGroupsCoordinating", "coordinatingAgencies")?,
        },
        where_to_submit: Some(markdown(d.key("dossierReceivingAddresses").opt_str()?.unwrap_or("")))
            .filter(|s| !s.is_empty()),
        steps: steps(&d, &title)?,
        channels,
        documents: documents(&d)?,
        requirements: Some(markdown(requirements_raw)).filter(|s| !s.is_empty()),
        result: names(&d.key("resultsDetails"))?,
        legal_basis: legal_basis(&d)?,
        code,
        title,
    })
}

fn read_json(json: &str) -> Result<Value, Problem> {
    serde_json::from_str(json).map_err(|e| {
        let what = match e.classify() {
            serde_json::error::Category::Eof => "the file ends too early (truncated?)",
            _ => "invalid JSON",
        };
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
        Problem {
            path: String::new(),
            line: e.line(),
            col: e.column(),
            message: format!("{what}: {msg}"),
            hint: Some("download the record again from the portal".into()),
        }
    })
}

fn check_status(root: &At) -> Result<(), Problem> {
    let status = root.key("code").opt_str()?;
    if status == Some("OK") {
        return Ok(());
    }
    let message = root.key("message").opt_str().ok().flatten().unwrap_or("");
    Err(Problem::at(
        "code",
        format!("the portal answered {:?} instead of \"OK\" {message}", status.unwrap_or("nothing")).trim().to_string(),
    )
    .hint("save the answer of a successful request: {\"code\":\"OK\",\"data\":{…}}"))
}

fn code_and_title(d: &At) -> Result<(String, String), Problem> {
    let code_at = d.key("code");
    let code = code_at.opt_str()?.map(str::trim).unwrap_or("").to_string();
    if !text::is_procedure_code(&code) {
        return Err(Problem::at(&code_at.path, format!("`{code}` is not a procedure code"))
            .hint("codes look like 1.013216 (D.DDDDDD) or 1.013216.01"));
    }
    let title = clean_line(d.key("name").opt_str()?.unwrap_or(""));
    if title.is_empty() {
        return Err(Problem::at(&d.key("name").path, "the procedure has no name"));
    }
    Ok((code, title))
}

/// The distinct, non-empty `name`s of a list of objects.
fn names(list: &At) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    for item in list.list()? {
        push_unique(&mut out, clean_line(item.key("name").opt_str()?.unwrap_or("")));
    }
    Ok(out)
}

fn field_names(d: &At) -> Result<Vec<String>, Problem> {
    let mut out = names(&d.key("categoriesDetails"))?;
    push_unique(&mut out, clean_line(d.key("category").key("name").opt_str()?.unwrap_or("")));
    Ok(out)
}

fn channels(d: &At) -> Result<Vec<Channel>, Problem> {
    let mut channels: Vec<Channel> = Vec::new();
    for m in d.key("executionMethods").list()? {
        let c = channel(&m)?;
        // The record refuses two channels of one kind with the same time:
        // merge what the portal lists twice instead of failing the record.
        match channels
            .iter_mut()
            .find(|x| x.kind == c.kind && x.time == c.time && x.time_unit == c.time_unit && x.time_text == c.time_text)
        {
            Some(x) => {
                x.note = join_distinct(x.note.take(), c.note, "\n\n");
                x.fee = join_distinct(x.fee.take(), c.fee, "; ");
                if x.fee_vnd != c.fee_vnd {
                    x.fee_vnd = None;
                }
            }
            None => channels.push(c),
        }
    }
    Ok(channels)
}

fn level(d: &At, channels: &[Channel]) -> Result<u8, Problem> {
    Ok(if d.key("isOfflineOnly").flag()? {
        2
    } else if d.key("isFullProcess").flag()? {
        4
    } else if channels.iter().any(|c| c.kind == "online") {
        3
    } else {
        2
    })
}

fn administrative_level(d: &At) -> Result<Option<String>, Problem> {
    let mut admin = Vec::new();
    for (flag, label) in
        [("isMinistry", "Cấp bộ"), ("isProvince", "Cấp tỉnh"), ("isWard", "Cấp xã"), ("isOtherAgency", "Cơ quan khác")]
    {
        if d.key(flag).flag()? {
            admin.push(label);
        }
    }
    Ok(Some(admin.join(", ")).filter(|s| !s.is_empty()))
}

fn publication_decision(p: &At) -> Result<Option<String>, Problem> {
    let mut n = clean_line(p.key("proposalNumber").opt_str()?.unwrap_or(""));
    if n.is_empty() {
        return Ok(None);
    }
    if let Some(ms) = p.key("decisionDate").opt_int()? {
        n.push_str(" ngày ");
        n.push_str(&vn_date(ms));
    }
    let by = clean_line(p.key("issuingAgency").key("name").opt_str()?.unwrap_or(""));
    if !by.is_empty() {
        n.push_str(" của ");
        n.push_str(&by);
    }
    Ok(Some(n))
}

fn summary(d: &At, requirements_raw: &str) -> Result<Option<String>, Problem> {
    let description_raw = d.key("description").opt_str()?.unwrap_or("");
    // The portal often repeats the requirements as the description, or
    // says "Không": neither describes what the procedure is for.
    Ok(match clean_text(description_raw) {
        s if s.is_empty() || s == "Không" || s == clean_text(requirements_raw) => None,
        _ => Some(markdown(description_raw)),
    })
}

fn steps(d: &At, title: &str) -> Result<Vec<String>, Problem> {
    let mut steps = Vec::new();
    for s in d.key("executionSteps").list()? {
        let name = clean_line(s.key("name").opt_str()?.unwrap_or(""));
        let body = markdown(s.key("description").opt_str()?.unwrap_or(""));
        // "Mặc định" (default) and a repeat of the title are the portal's
        // placeholders for an unnamed step.
        let name = if name == "Mặc định" || name == title { String::new() } else { escape_md_line(&name) };
        let step = match (name.is_empty(), body.is_empty()) {
            (true, true) => continue,
            (true, false) => body,
            (false, true) => name,
            (false, false) => format!("{name}\n\n{body}"),
        };
        steps.push(step);
    }
    Ok(steps)
}

fn documents(d: &At) -> Result<Vec<Document>, Problem> {
    let mut documents = Vec::new();
    for case in d.key("executionCases").list()? {
        let case_name = Some(clean_line(case.key("name").opt_str()?.unwrap_or(""))).filter(|s| !s.is_empty());
        for pc in case.key("profileComponents").list()? {
            let name = clean_line(pc.key("name").opt_str()?.unwrap_or(""));
            if name.is_empty() {
                continue; // nothing to show for a nameless entry
            }
            let mut forms = Vec::new();
            for a in pc.key("attachments").list()? {
                push_unique(&mut forms, clean_line(a.key("fileName").opt_str()?.unwrap_or("")));
            }
            documents.push(Document {
                case: case_name.clone(),
                name,
                form: Some(forms.join("; ")).filter(|s| !s.is_empty()),
                originals: pc.key("originalQty").count()?,
                copies: pc.key("copyQty").count()?,
            });
        }
    }
    Ok(documents)
}

/// (number, title) of each legal document; a number without a title stands as the title.
fn legal_basis(d: &At) -> Result<Vec<(Option<String>, String)>, Problem> {
    let mut legal_basis = Vec::new();
    for l in d.key("legalBasisesDetails").list()? {
        let number = Some(clean_line(l.key("code").opt_str()?.unwrap_or(""))).filter(|s| !s.is_empty());
        let title = clean_line(l.key("name").opt_str()?.unwrap_or(""));
        match (number, title) {
            (None, t) if t.is_empty() => continue,
            (Some(n), t) if t.is_empty() => legal_basis.push((None, n)),
            (n, t) => legal_basis.push((n, t)),
        }
    }
    Ok(legal_basis)
}

fn channel(m: &At) -> Result<Channel, Problem> {
    let how = m.key("submissionMethod");
    let kind = match how.opt_str()? {
        Some("ONLINE") => "online",
        Some("DIRECT") => "direct",
        Some("POSTAL") => "postal",
        other => {
            return Err(Problem::at(&how.path, format!("unknown submission method {other:?}"))
                .hint("the portal's methods are ONLINE, DIRECT and POSTAL"));
        }
    };
    let unit_at = m.key("processingTimeUnit");
    let unit = match unit_at.opt_str()?.unwrap_or("") {
        "WORKING_DAY" => Unit::Record("working-days"),
        "DAY" => Unit::Record("days"),
        "HOUR" => Unit::Record("hours"),
        // The record has no month or year unit, and a month is no fixed
        // number of (working) days: the time is carried in words.
        "MONTH" => Unit::Words("tháng"),
        "YEAR" => Unit::Words("năm"),
        "OTHER" | "" => Unit::None,
        u => {
            return Err(Problem::at(&unit_at.path, format!("unknown time unit `{u}`"))
                .hint("the portal's units are WORKING_DAY, DAY, HOUR, MONTH, YEAR and OTHER"));
        }
    };
    let t = m.key("processingTime");
    let (time, time_unit, time_text) = match t.v {
        None | Some(Value::Null) => (None, None, None),
        Some(Value::Number(n)) => match (n.as_f64(), unit) {
            (Some(x), Unit::Record(u)) if x > 0.0 && x.is_finite() => (Some(x), Some(u), None),
            (Some(x), Unit::Words(w)) if x > 0.0 && x.is_finite() => {
                (None, None, Some(format!("{} {w}", text::format_number_vi(x))))
            }
            (Some(x), Unit::None) if x > 0.0 && x.is_finite() => (None, None, Some(text::format_number_vi(x))),
            _ => (None, None, None), // 0: the portal's "not given"
        },
        Some(Value::String(s)) => (None, None, Some(clean_line(s)).filter(|s| !s.is_empty())),
        Some(_) => return Err(t.fail("a number or a text")),
    };
    let mut fee_texts: Vec<String> = Vec::new();
    let mut amounts = Vec::new();
    let fees = m.key("fees").list()?;
    for f in &fees {
        let desc = clean_line(f.key("description").opt_str()?.unwrap_or(""));
        let value = f.key("value").opt_int()?;
        amounts.push(value);
        let text = match value {
            Some(v) if v > 0 && fees.len() > 1 => {
                let amount = format!("{} đồng", text::format_number_vi(v as f64));
                if desc.is_empty() { amount } else { format!("{amount}: {desc}") }
            }
            _ => desc,
        };
        push_unique(&mut fee_texts, text);
    }
    // One amount is carried as a number; 0 only counts as "free" when the
    // portal says nothing else (it also writes 0 next to "per the council's rules").
    let fee_vnd = match amounts.as_slice() {
        [Some(v)] if *v > 0 => Some(*v),
        a if !a.is_empty() && fee_texts.is_empty() && a.iter().all(|v| *v == Some(0)) => Some(0),
        _ => None,
    };
    Ok(Channel {
        kind,
        time,
        time_unit,
        time_text,
        fee: Some(fee_texts.join("; ")).filter(|s| !s.is_empty()),
        fee_vnd,
        note: Some(markdown(m.key("description").opt_str()?.unwrap_or(""))).filter(|s| !s.is_empty()),
    })
}

/// How a `processingTimeUnit` of the portal is carried into the record.
#[derive(Clone, Copy)]
enum Unit {
    /// A `time_unit` of the record format.
    Record(&'static str),
    /// No unit of the record format: `time_text` "<number> <words>".
    Words(&'static str),
    /// OTHER or none: the number alone as `time_text`.
    None,
}

/// Agencies from the portal's department list, then its unit groups, or
/// else its free-text field.
fn agency(d: &At, departments: &str, groups: &str, text_key: &str) -> Result<Option<String>, Problem> {
    let mut names = Vec::new();
    for key in [departments, groups] {
        for x in d.key(key).list()? {
            push_unique(&mut names, clean_line(x.key("name").opt_str()?.unwrap_or("")));
        }
    }
    if names.is_empty() {
        push_unique(&mut names, clean_line(d.key(text_key).opt_str()?.unwrap_or("")));
    }
    Ok(Some(names.join("; ")).filter(|s| !s.is_empty()))
}

fn push_unique(v: &mut Vec<String>, s: String) {
    if !s.is_empty() && !v.contains(&s) {
        v.push(s);
    }
}

fn join_distinct(a: Option<String>, b: Option<String>, sep: &str) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) if a != b => Some(format!("{a}{sep}{b}")),
        (a, b) => a.or(b),
    }
}

/// "29/06/2026" for a portal timestamp; the portal stores dates as
/// midnight in Viet Nam (UTC+7).
fn vn_date(ms: i64) -> String {
    let (y, m, d) = text::civil_from_days((ms / 1000 + 7 * 3600).div_euclid(86_400));
    format!("{d:02}/{m:02}/{y}")
}

/// ISO date of a portal timestamp, in Viet Nam time.
pub fn iso_date(ms: i64) -> String {
    let (y, m, d) = text::civil_from_days((ms / 1000 + 7 * 3600).div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_vietnam_time() {
        // 2026-06-28T17:00:00Z is midnight of 29 June in Viet Nam.
        assert_eq!(vn_date(1_782_666_000_000), "29/06/2026");
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(text::civil_from_days(20_454), (2026, 1, 1));
    }

    #[test]
    fn unexpected_shapes_name_their_json_path() {
        let e = parse(
            r#"{"code":"OK","data":{"code":"1.000001","name":"X","executionMethods":[{"submissionMethod":"FAX"}]}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "data.executionMethods[0].submissionMethod");
        let e = parse(r#"{"code":"OK","data":{"code":"1.000001","name":"X","executionCases":[{"profileComponents":[{"name":"A","originalQty":"một"}]}]}}"#).unwrap_err();
        assert_eq!(e.path, "data.executionCases[0].profileComponents[0].originalQty");
        let e = parse(r#"{"code":"OK","data":{"code":"1.000001","na"#).unwrap_err();
        assert!(e.line == 1 && e.message.contains("truncated"), "{e:?}");
        let e = parse(r#"{"code":"ERR","message":"not found"}"#).unwrap_err();
        assert_eq!(e.path, "code");
    }

    #[test]
    fn level_follows_is_full_process_and_channels() {
        let rec = |full: bool, methods: &str| {
            parse(&format!(r#"{{"code":"OK","data":{{"code":"1.000001","name":"X","isFullProcess":{full},"executionMethods":[{methods}]}}}}"#)).unwrap().level
        };
        assert_eq!(rec(true, r#"{"submissionMethod":"ONLINE"}"#), 4);
        assert_eq!(rec(false, r#"{"submissionMethod":"ONLINE"}"#), 3);
        assert_eq!(rec(false, r#"{"submissionMethod":"DIRECT"}"#), 2);
    }
}
