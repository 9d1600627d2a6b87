//! Keys of a question from businesses (`content/faq/<slug>.toml`).

use super::{Key, Ty, opt, req};

/// Where a question was asked (`asked_via`).
pub const ASKED_VIA: &[&str] = &["dialogue", "hotline", "portal", "email", "other"];

/// A legal text an answer draws from: a record's `[[legal_basis]]` keys plus the article.
pub const BASIS_KEYS: &[Key] = &[
    opt("number", Ty::Str, "Number and symbol, e.g. \"31/2021/NĐ-CP\"."),
    req("title", Ty::Str, "Title of the legal document."),
    opt("date", Ty::Date, "Date of issue."),
    opt("issuer", Ty::Str, "Issuing body."),
    opt("url", Ty::Str, "Link to the text (http or https)."),
    opt("article", Ty::Str, "The article and clause the answer rests on, e.g. \"Điều 38 khoản 1\"."),
];

/// Keys of a question file.
pub const FAQ_KEYS: &[Key] = &[
    req("question", Ty::Str, "The question as the business asked it (Vietnamese)."),
    opt("question_en", Ty::Str, "English question."),
    req("answer", Ty::Markdown, "The Board's answer (Markdown: paragraphs, lists, links)."),
    opt("answer_en", Ty::Markdown, "English answer."),
    opt("procedures", Ty::CodeList, "Codes of the procedures the question concerns; each must be a record's code."),
    opt(
        "stage",
        Ty::Str,
        "Journey stage it is listed under (a `[[stages]]` key). Default: the first procedure's stage; required when `procedures` is empty.",
    ),
    opt("asked_on", Ty::Date, "When it was asked."),
    opt("asked_via", Ty::Str, "How it was asked: \"dialogue\", \"hotline\", \"portal\", \"email\" or \"other\"."),
    opt("asked_where", Ty::Str, "Where it was asked: the dialogue conference or the portal, as free text."),
    opt("asked_url", Ty::Str, "Link to the published question and answer (http or https)."),
    opt("basis", Ty::TableArray(BASIS_KEYS), "The legal texts the answer is drawn from; at least one."),
];

#[cfg(test)]
mod tests {
    #[test]
    fn basis_keys_are_the_legal_keys_plus_the_article() {
        let names = |k: &[super::Key]| k.iter().map(|k| k.name).collect::<Vec<_>>();
        let mut legal = names(crate::schema::LEGAL_KEYS);
        legal.push("article");
        assert_eq!(names(super::BASIS_KEYS), legal);
    }
}
