//! Keys of a question from businesses (`content/faq/<slug>.toml`).

use super::{Ty, format_table};
use toml::Spanned;
use toml::value::Datetime;

/// Where a question was asked (`asked_via`).
pub const ASKED_VIA: &[&str] = &["dialogue", "hotline", "portal", "email", "other"];

format_table! {
    /// A legal text an answer draws from: a record's `[[legal_basis]]` keys plus the article.
    pub const BASIS_KEYS: pub(crate) struct RawBasis {
        number: opt String, Ty::Str, "Number and symbol, e.g. \"31/2021/NĐ-CP\".";
        title: req String, Ty::Str, "Title of the legal document.";
        date: opt Datetime, Ty::Date, "Date of issue.";
        issuer: opt String, Ty::Str, "Issuing body.";
        url: opt Spanned<String>, Ty::Str, "Link to the text (http or https).";
        article: opt String, Ty::Str, "The article and clause the answer rests on, e.g. \"Điều 38 khoản 1\".";
    }
}

format_table! {
    /// Keys of a question file.
    pub const FAQ_KEYS: pub(crate) struct RawQuestion {
        question: req Spanned<String>, Ty::Str, "The question as the business asked it (Vietnamese).";
        question_en: opt String, Ty::Str, "English question.";
        answer: req Spanned<String>, Ty::Markdown, "The Board's answer (Markdown: paragraphs, lists, links).";
        answer_en: opt Spanned<String>, Ty::Markdown, "English answer.";
        procedures: default Vec<Spanned<String>>, Ty::CodeList,
            "Codes of the procedures the question concerns; each must be a record's code.";
        stage: opt Spanned<String>, Ty::Str,
            "Journey stage it is listed under (a `[[stages]]` key). \
             Default: the first procedure's stage; required when `procedures` is empty.";
        asked_on: opt Datetime, Ty::Date, "When it was asked.";
        asked_via: opt Spanned<String>, Ty::Str,
            "How it was asked: \"dialogue\", \"hotline\", \"portal\", \"email\" or \"other\".";
        asked_where: opt String, Ty::Str, "Where it was asked: the dialogue conference or the portal, as free text.";
        asked_url: opt Spanned<String>, Ty::Str, "Link to the published question and answer (http or https).";
        basis: opt Spanned<Vec<RawBasis>>, tables,
            "The legal texts the answer is drawn from; at least one.";
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn basis_keys_are_the_legal_keys_plus_the_article() {
        let names = |k: &[crate::schema::Key]| k.iter().map(|k| k.name).collect::<Vec<_>>();
        let mut legal = names(crate::schema::LEGAL_KEYS);
        legal.push("article");
        assert_eq!(names(super::BASIS_KEYS), legal);
    }
}
