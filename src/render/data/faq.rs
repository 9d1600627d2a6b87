//! The questions from businesses in the open data (`data/faq.json`) and in
//! each edition's search index (the index's `qa` list, searched after the
//! procedures by `search.js`).

use super::super::lang::Lang;
use super::super::urls;
use crate::model::{Basis, Doc, Site};
use crate::text::fold;
use serde::Serialize;
use std::io::Write;

#[derive(Serialize)]
struct ExportQuestion<'a> {
    slug: &'a str,
    url: String,
    question: &'a str,
    question_en: Option<&'a str>,
    answer: &'a str,
    answer_html: &'a Doc,
    answer_en: Option<&'a str>,
    answer_en_html: Option<&'a Doc>,
    stage: ExportStage<'a>,
    procedures: Vec<ExportProcedureRef<'a>>,
    asked_on: Option<&'a str>,
    asked_via: Option<&'a str>,
    asked_where: Option<&'a str>,
    asked_url: Option<&'a str>,
    basis: &'a [Basis],
}

#[derive(Serialize)]
struct ExportStage<'a> {
    key: &'a str,
    number: usize,
    title: &'a str,
}

#[derive(Serialize)]
struct ExportProcedureRef<'a> {
    code: &'a str,
    title: &'a str,
    url: String,
}

/// `data/faq.json`: every question with its answer (plain text and HTML, both
/// languages), stage, procedures, where and when it was asked and the legal
/// texts of the answer. Written even when there are none (`"questions": []`).
pub fn faq_json(site: &Site, w: &mut dyn Write) -> std::io::Result<()> {
    let questions: Vec<ExportQuestion> = site
        .faq
        .iter()
        .map(|q| {
            let s = &site.stages[q.stage];
            ExportQuestion {
                slug: &q.slug,
                url: format!("{}{}", site.config.base_url, urls::question(&q.slug)),
                question: &q.question.vi,
                question_en: q.question.en.as_deref(),
                answer: &q.answer.plain,
                answer_html: &q.answer.vi,
                answer_en: q.answer.plain_en.as_deref(),
                answer_en_html: q.answer.en.as_ref(),
                stage: ExportStage { key: &s.key, number: s.number, title: &s.title.vi },
                procedures: q
                    .procedures
                    .iter()
                    .filter_map(|c| site.procedure_by_code(c))
                    .map(|p| ExportProcedureRef {
                        code: &p.code,
                        title: &p.title.vi,
                        url: format!("{}{}", site.config.base_url, urls::procedure(&p.slug)),
                    })
                    .collect(),
                asked_on: q.asked_on.as_deref(),
                asked_via: q.asked_via.as_deref(),
                asked_where: q.asked_where.as_deref(),
                asked_url: q.asked_url.as_deref(),
                basis: &q.basis,
            }
        })
        .collect();
    let doc = serde_json::json!({
        "publisher": site.config.organisation.name.vi,
        "edition": site.config.edition,
        "questions": questions,
    });
    serde_json::to_writer(&mut *w, &doc)?;
    w.write_all(b"\n")
}

/// One question in the search index: `c` its slug, `t` the question in the
/// edition's language, `u` its anchor on the FAQ page, `s` the answer's
/// start, `g` its stage, `k` the folded questions (Vietnamese | English).
#[derive(Serialize)]
pub struct QaDoc<'a> {
    c: &'a str,
    t: &'a str,
    u: String,
    s: String,
    g: usize,
    k: String,
}

/// The questions of an edition's search index.
pub fn search_docs(site: &Site, lang: Lang) -> Vec<QaDoc<'_>> {
    site.faq
        .iter()
        .map(|q| {
            let plain = match lang {
                Lang::En => q.answer.plain_en.as_deref().unwrap_or(&q.answer.plain),
                Lang::Vi => &q.answer.plain,
            };
            let mut k = fold(&q.question.vi);
            if let Some(en) = q.question.en.as_deref().filter(|x| !x.trim().is_empty()) {
                k.push_str(" | ");
                k.push_str(&fold(en));
            }
            QaDoc {
                c: &q.slug,
                t: lang.pick(&q.question).0,
                u: urls::question(&q.slug),
                s: crate::text::shorten(plain, 240),
                g: q.stage,
                k,
            }
        })
        .collect()
}
