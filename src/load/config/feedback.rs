//! site.toml `[feedback]`: where readers report an error or ask a question
//! about a procedure, and the warning when a site gives no such route.

use super::check_http;
use crate::diag::{Diagnostic, SourceText};
use crate::model::{Feedback, Text};
use crate::schema::site::RawFeedback;
use crate::text;
use toml::Spanned;

/// The feedback routes: `[feedback] email` (else the organisation's e-mail)
/// and `url`. Bad values are errors; no route at all is one warning.
pub(super) fn feedback(
    raw: Option<&RawFeedback>,
    org_email: Option<&str>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> Feedback {
    let trimmed =
        |s: &Option<Spanned<String>>| s.as_ref().map(|s| s.get_ref().trim().to_string()).filter(|s| !s.is_empty());
    let mut fb = Feedback::default();
    if let Some(raw) = raw {
        if let Some(e) = &raw.email
            && !is_email(e.get_ref().trim())
        {
            out.push(
                Diagnostic::new("bad-value", format!("`{}` is not an e-mail address", e.get_ref()))
                    .at(src, e.span().start)
                    .field("feedback.email")
                    .hint("write one address, e.g. \"bqlkcn@example.gov.vn\""),
            );
        }
        if let Some(u) = &raw.url {
            check_http(u, "feedback.url", src, out);
        }
        fb.email = trimmed(&raw.email);
        fb.url = trimmed(&raw.url);
        let nfc = |s: &Option<String>| s.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(text::nfc);
        fb.label = Text { vi: nfc(&raw.label).unwrap_or_default(), en: nfc(&raw.label_en) };
    }
    if fb.email.is_none() {
        fb.email = org_email.map(str::trim).filter(|e| is_email(e)).map(String::from);
    }
    if fb.email.is_none() && fb.url.is_none() {
        warnings.push(
            Diagnostic::new("no-feedback", "procedure pages offer no way to report an error or ask a question")
                .in_file(&src.path)
                .field("feedback")
                .hint(
                    "add [feedback] with email = \"…\" (or [organisation] email) or url = \"…\" (the feedback portal)",
                ),
        );
    }
    fb
}

/// One plain address: `local@domain.tld`, characters that need no escaping
/// in a `mailto:` link.
pub(crate) fn is_email(s: &str) -> bool {
    let ok = |c: char, extra: &str| c.is_ascii_alphanumeric() || extra.contains(c);
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && local.chars().all(|c| ok(c, ".-_+"))
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && domain.chars().all(|c| ok(c, ".-"))
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::is_email;

    #[test]
    fn emails() {
        assert!(is_email("bqlkcn@hanam.gov.vn"));
        assert!(is_email("a.b+c@x-y.vn"));
        for bad in ["", "a", "a@b", "@b.vn", "a b@c.vn", "a@b.vn?cc=x", "a@.vn", "a@b.", "a@@b.vn"] {
            assert!(!is_email(bad), "{bad}");
        }
    }
}
