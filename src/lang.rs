//! The languages a site is rendered in. Vietnamese is the default edition at
//! the site root; English, when `languages` lists it, is the same site under
//! `en/` with the same slugs, so the language switch is a prefix change.
//!
//! Content comes from a record's English fields and falls back to the
//! Vietnamese text field by field; `pick` says when it fell back so the
//! templates can mark it ("only in Vietnamese") and set `lang="vi"` on it.

//!
//! A leaf module (it uses only the model and `text`): the renderers, the
//! diagrams and the print products all take a `Lang` and the UI `Strings`
//! of one language from here, so none of them depends on another for it.

use crate::model::{Doc, RichText, Site, Text};
use std::collections::BTreeMap;

/// UI strings of one language (the theme's `i18n/<lang>.toml`), key → text.
pub type Strings = BTreeMap<String, String>;

/// Looks up a UI string; a missing key shows as the key itself (and a test checks none is missing).
pub fn tr<'a>(t: &'a Strings, key: &'a str) -> &'a str {
    t.get(key).map(String::as_str).unwrap_or(key)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    /// URL prefix of the edition, relative to the site's base path.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::Vi => "",
            Lang::En => "en/",
        }
    }

    /// The text in this language, or the Vietnamese text and `true` when the
    /// translation is missing.
    pub fn pick(self, t: &Text) -> (&str, bool) {
        match (self, &t.en) {
            (Lang::En, Some(en)) if !en.trim().is_empty() => (en, false),
            (Lang::En, _) => (&t.vi, true),
            (Lang::Vi, _) => (&t.vi, false),
        }
    }

    pub fn pick_rich(self, t: &RichText) -> (&Doc, bool) {
        match (self, &t.en) {
            (Lang::En, Some(en)) if !en.is_empty() => (en, false),
            (Lang::En, _) => (&t.vi, true),
            (Lang::Vi, _) => (&t.vi, false),
        }
    }

    /// The text in the other language, shown as a subtitle (the English name
    /// on Vietnamese pages, the official Vietnamese name on English pages).
    pub fn other(self, t: &Text) -> Option<&str> {
        match self {
            Lang::Vi => t.en.as_deref().filter(|s| !s.trim().is_empty()),
            Lang::En => Some(&t.vi),
        }
    }

    /// Numbers in the edition's style: `1.250,5` in Vietnamese, `1,250.5` in English.
    pub fn number(self, n: f64) -> String {
        let vi = crate::text::format_number_vi(n);
        match self {
            Lang::Vi => vi,
            Lang::En => vi
                .chars()
                .map(|c| match c {
                    '.' => ',',
                    ',' => '.',
                    c => c,
                })
                .collect(),
        }
    }

    /// A percentage with one decimal: `15,5 %` / `15.5%`.
    pub fn percent(self, p: f64) -> String {
        match self {
            Lang::Vi => format!("{} %", self.number(p)),
            Lang::En => format!("{}%", self.number(p)),
        }
    }
}

/// The editions of a site, the default (Vietnamese) first.
pub fn editions(site: &Site) -> Vec<Lang> {
    let mut out = vec![Lang::Vi];
    if site.config.languages.iter().any(|l| l == "en") {
        out.push(Lang::En);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn falls_back_to_vietnamese_and_says_so() {
        let both = Text { vi: "Xây dựng".into(), en: Some("Construction".into()) };
        let vi_only = Text { vi: "Xây dựng".into(), en: None };
        let blank = Text { vi: "Xây dựng".into(), en: Some("  ".into()) };
        assert_eq!(Lang::En.pick(&both), ("Construction", false));
        assert_eq!(Lang::En.pick(&vi_only), ("Xây dựng", true));
        assert_eq!(Lang::En.pick(&blank), ("Xây dựng", true));
        assert_eq!(Lang::Vi.pick(&both), ("Xây dựng", false));
        assert_eq!(Lang::Vi.other(&both), Some("Construction"));
        assert_eq!(Lang::Vi.other(&vi_only), None);
        assert_eq!(Lang::En.other(&both), Some("Xây dựng"));
    }

    #[test]
    fn numbers_and_percent_per_language() {
        assert_eq!(Lang::Vi.number(1250000.0), "1.250.000");
        assert_eq!(Lang::En.number(1250000.0), "1,250,000");
        assert_eq!(Lang::Vi.percent(15.5), "15,5 %");
        assert_eq!(Lang::En.percent(15.5), "15.5%");
        assert_eq!(Lang::En.percent(30.0), "30%");
    }
}
