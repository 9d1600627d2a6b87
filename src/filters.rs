//! The Tera filters and the HTML escaping every theme's templates use.
//!
//! A leaf module (it uses only `text`): the theme registers these when it
//! parses its templates, without depending on the renderers.

use std::collections::HashMap;

/// Escapes the five HTML-significant characters. Tera's default also escapes
/// `/`, which turns every URL into `&#x2F;` soup.
pub fn escape_html(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = String::with_capacity(s.len() + 16);
    let mut last = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
    out
}

/// Filters and escaping the templates use.
pub fn register_filters(tera: &mut tera::Tera) {
    tera.set_escape_fn(escape_html);
    // Vietnamese number format: 1.250.000
    tera.register_filter("vn_number", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(v.as_f64().map(crate::text::format_number_vi).unwrap_or_default()))
    });
    // A URI component (RFC 3986): UTF-8, every byte but the unreserved ones
    // percent-encoded, so a `mailto:` subject or body reads back exactly.
    tera.register_filter("uri_component", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(uri_component(v.as_str().unwrap_or_default())))
    });
    // "2024-05-31" → "31/05/2024"
    tera.register_filter("vn_date", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        Ok(tera::Value::String(crate::text::format_date_vi(v.as_str().unwrap_or_default())))
    });
}

/// Percent-encodes all but RFC 3986's unreserved characters (`A–Z a–z 0–9 - . _ ~`).
pub fn uri_component(s: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const SET: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');
    utf8_percent_encode(s, SET).to_string()
}
