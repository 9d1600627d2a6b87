//! Questions from businesses as the pages show them: the FAQ page
//! (`hoi-dap/`, questions grouped by journey stage) and the list on each
//! procedure page (each question linked to its full answer, with the answer's
//! first sentence). Shared by the HTML renderer and the leaflet data.

use super::lang::{Lang, Strings, tr};
use super::urls;
use super::view::Row;
use crate::model::{Question, Site};
use serde::Serialize;

/// The FAQ page: the stages that have questions, in journey order.
#[derive(Serialize)]
pub struct FaqPage<'a> {
    pub count: usize,
    pub stages: Vec<StageGroup<'a>>,
}

#[derive(Serialize)]
pub struct StageGroup<'a> {
    pub number: usize,
    pub key: &'a str,
    pub title: &'a str,
    pub title_vi_only: bool,
    pub path: String,
    pub questions: Vec<QuestionView<'a>>,
}

/// One question with its answer, in the edition's language.
#[derive(Serialize)]
pub struct QuestionView<'a> {
    /// The anchor on the FAQ page (`q-<slug>`).
    pub id: String,
    pub question: &'a str,
    pub question_vi_only: bool,
    /// The answer's HTML, links into the edition.
    pub answer: String,
    pub answer_vi_only: bool,
    pub procedures: Vec<ProcedureLink<'a>>,
    pub basis: Vec<BasisView<'a>>,
    /// "Hỏi tại hội nghị đối thoại doanh nghiệp · 12/06/2025": how, where and when, as one line.
    pub asked: Option<String>,
    pub asked_on: Option<&'a str>,
    pub asked_url: Option<&'a str>,
}

#[derive(Serialize)]
pub struct ProcedureLink<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub vi_only: bool,
    pub path: &'a str,
}

#[derive(Serialize)]
pub struct BasisView<'a> {
    pub number: Option<&'a str>,
    pub title: &'a str,
    pub issuer: Option<&'a str>,
    pub date: Option<&'a str>,
    pub url: Option<&'a str>,
    pub article: Option<&'a str>,
}

/// A question on a procedure page: linked to its full answer on the FAQ page.
#[derive(Serialize)]
pub struct QuestionLink<'a> {
    pub question: &'a str,
    pub question_vi_only: bool,
    /// The answer's first sentence (plain text).
    pub short: String,
    pub short_vi_only: bool,
    pub path: String,
}

/// The FAQ page's context.
pub fn page<'a>(site: &'a Site, lang: Lang, t: &Strings, rows: &'a [Row]) -> FaqPage<'a> {
    let mut stages: Vec<StageGroup> = Vec::new();
    for q in &site.faq {
        if stages.last().is_none_or(|g| g.number != site.stages[q.stage].number) {
            let s = &site.stages[q.stage];
            let (title, title_vi_only) = lang.pick(&s.title);
            stages.push(StageGroup {
                number: s.number,
                key: &s.key,
                title,
                title_vi_only,
                path: urls::stage(&s.key),
                questions: Vec::new(),
            });
        }
        if let Some(g) = stages.last_mut() {
            g.questions.push(question(site, q, lang, t, rows));
        }
    }
    FaqPage { count: site.faq.len(), stages }
}

fn question<'a>(site: &'a Site, q: &'a Question, lang: Lang, t: &Strings, rows: &'a [Row]) -> QuestionView<'a> {
    let (question, question_vi_only) = lang.pick(&q.question);
    let (answer, answer_vi_only) = lang.pick_rich(&q.answer);
    let procedures = q
        .procedures
        .iter()
        .filter_map(|c| site.by_code.get(c))
        .map(|&i| {
            let r = &rows[i];
            ProcedureLink { code: &r.code, title: &r.title, vi_only: r.vi_only, path: &r.path }
        })
        .collect();
    let basis = q
        .basis
        .iter()
        .map(|b| BasisView {
            number: b.text.number.as_deref(),
            title: &b.text.title,
            issuer: b.text.issuer.as_deref(),
            date: b.text.date.as_deref(),
            url: b.text.url.as_deref(),
            article: b.article.as_deref(),
        })
        .collect();
    let via = q.asked_via.as_deref().map(|v| tr(t, &format!("faq_via_{v}")).to_string());
    let asked = match (via, &q.asked_where) {
        (Some(v), Some(w)) => Some(format!("{v}: {w}")),
        (v, w) => v.or_else(|| w.clone()),
    };
    QuestionView {
        id: format!("q-{}", q.slug),
        question,
        question_vi_only,
        answer: answer.html(lang.prefix()),
        answer_vi_only,
        procedures,
        basis,
        asked,
        asked_on: q.asked_on.as_deref(),
        asked_url: q.asked_url.as_deref(),
    }
}

/// The questions about one procedure, for its page.
pub fn for_procedure<'a>(site: &'a Site, code: &str, lang: Lang) -> Vec<QuestionLink<'a>> {
    site.questions_of(code)
        .map(|q| {
            let (question, question_vi_only) = lang.pick(&q.question);
            let (plain, short_vi_only) = match (lang, &q.answer.plain_en) {
                (Lang::En, Some(en)) if !en.trim().is_empty() => (en.as_str(), false),
                (Lang::En, _) => (q.answer.plain.as_str(), true),
                (Lang::Vi, _) => (q.answer.plain.as_str(), false),
            };
            QuestionLink {
                question,
                question_vi_only,
                short: first_sentence(plain, 220),
                short_vi_only,
                path: urls::question(&q.slug),
            }
        })
        .collect()
}

/// The first sentence of a plain text (at most `max` characters, cut at a word).
pub fn first_sentence(plain: &str, max: usize) -> String {
    let text = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    // A sentence ends at ". ", "? " or "! " (not "Điều 38. " in the middle of a number: a letter follows).
    let mut end = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if matches!(c, '.' | '?' | '!' | ':' | ';')
            && k >= 20
            && chars.get(k + 1).is_some_and(|&(_, n)| n == ' ')
            && chars.get(k + 2).is_some_and(|&(_, n)| n.is_uppercase())
        {
            end = Some(i + c.len_utf8());
            break;
        }
    }
    let sentence = end.map_or(text.as_str(), |e| &text[..e]);
    crate::text::shorten(sentence, max)
}

#[cfg(test)]
mod tests {
    use super::first_sentence;

    #[test]
    fn the_first_sentence_ends_before_a_capital() {
        assert_eq!(
            first_sentence("Thời hạn là 15 ngày kể từ ngày nhận đủ hồ sơ. Hồ sơ nộp tại Ban.", 200),
            "Thời hạn là 15 ngày kể từ ngày nhận đủ hồ sơ."
        );
        assert_eq!(first_sentence("Có, theo Điều 38. khoản 1 thì được.", 200), "Có, theo Điều 38. khoản 1 thì được.");
        assert!(first_sentence(&"từ ".repeat(200), 50).chars().count() <= 51);
    }
}
