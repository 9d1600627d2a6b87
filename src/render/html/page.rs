//! One page (`Shared::render_job`): its keys on top of the base context, its
//! links to the other editions, and the template rendered (or reused from
//! the memo).

use super::super::lang::Lang;
use super::super::view::{self, tr};
use super::super::{RenderCtx, faq_view, stats_view, urls};
use super::glance::{glance, json_ld};
use super::{Job, LinkRow, SIDEBAR_WINDOW, Shared, nav_key, page_key};
use crate::diag::Diagnostic;
use crate::model::{Document, Procedure};
use crate::text;
use crate::theme::tera_error_chain;
use serde_json::json;

impl<'a> Shared<'a> {
    /// Renders one page into `buf`, using `c` (the base context) plus page keys.
    pub(super) fn render_job(
        &self,
        job: &Job,
        ctx: &RenderCtx,
        c: &mut tera::Context,
        buf: &mut Vec<u8>,
    ) -> Result<(String, Option<&'a std::path::Path>), Diagnostic> {
        let site = self.site;
        let (template, path, title) = self.page_keys(job, c);
        c.insert("title", &title);
        c.insert("nav", nav_key(site, &path));
        c.insert("path", &path);
        self.edition_links(&path, c);
        if !matches!(job, Job::Page(_) | Job::Procedure(_)) {
            c.insert("description", &None::<String>);
        }
        let file = urls::file(&format!("{}{}", self.lang.prefix(), path));
        self.render_page(ctx, template, &path, &file, c, buf)?;
        let source = match *job {
            Job::Procedure(i) => Some(site.procedures[i].source.as_path()),
            Job::Page(i) => Some(site.pages[i].source.as_path()),
            _ => None,
        };
        Ok((file, source))
    }

    /// Adds the page's own keys to `c`; returns its template, path and title.
    fn page_keys(&self, job: &Job, c: &mut tera::Context) -> (&'static str, String, String) {
        let site = self.site;
        match *job {
            Job::Home => ("index.html", String::new(), self.lang.pick(&site.config.title).0.to_string()),
            Job::Catalogue => {
                c.insert("rows_html", &self.joined(0..self.rows.len(), |f| &f.row));
                ("catalogue.html", urls::CATALOGUE.into(), tr(self.t, "catalogue").into())
            }
            Job::Journey => {
                c.insert("stage_items", &self.journey_items());
                ("journey.html", urls::JOURNEY.into(), tr(self.t, "journey").into())
            }
            Job::Stage(i) => {
                let s = &site.stages[i];
                c.insert("rows_html", &self.joined(self.by_stage[i].iter().copied(), |f| &f.row));
                c.insert("stage_index", &i);
                c.insert("prev_stage", &i.checked_sub(1));
                c.insert("next_stage", &Some(i + 1).filter(|&n| n < site.stages.len()));
                (
                    "stage.html",
                    urls::stage(&s.key),
                    format!("{} {}: {}", tr(self.t, "stage_n"), s.number, self.lang.pick(&s.title).0),
                )
            }
            Job::Fields => ("fields.html", urls::FIELDS.into(), tr(self.t, "fields").into()),
            Job::Field(i) => {
                let f = &site.fields[i];
                c.insert("field_index", &i);
                c.insert(
                    "rows_html",
                    &self.joined((0..self.rows.len()).filter(|&j| self.rows[j].field == i), |f| &f.row),
                );
                ("field.html", urls::field(&f.key), self.lang.pick(&f.title).0.to_string())
            }
            Job::Levels => ("levels.html", urls::LEVELS.into(), tr(self.t, "levels").into()),
            Job::Level(i) => {
                let l = &site.levels[i];
                c.insert("level_index", &i);
                c.insert(
                    "rows_html",
                    &self.joined((0..self.rows.len()).filter(|&j| self.rows[j].level == i), |f| &f.row),
                );
                ("level.html", urls::level(&l.key), self.lang.pick(&l.label).0.to_string())
            }
            Job::Page(i) => self.page_page(i, c),
            Job::Search => ("search.html", urls::SEARCH.into(), tr(self.t, "search").into()),
            Job::Data => {
                let processes: usize = site.procedures.iter().map(|p| p.internal_process.len()).sum();
                c.insert("process_count", &processes);
                ("data.html", urls::DATA.into(), tr(self.t, "open_data").into())
            }
            Job::Changes => {
                c.insert("changes", &self.changes());
                ("changes.html", urls::CHANGES.into(), tr(self.t, "recent_changes").into())
            }
            Job::Statistics => {
                c.insert("st", &stats_view::page(site, self.stats, self.lang, self.t, &self.rows));
                ("statistics.html", urls::STATISTICS.into(), tr(self.t, "statistics").into())
            }
            Job::Print => {
                c.insert("print_groups", &self.print_groups);
                ("print.html", urls::PRINT.into(), tr(self.t, "print_page").into())
            }
            Job::Faq => {
                c.insert("faq", &faq_view::page(site, self.lang, self.t, &self.rows));
                ("faq.html", urls::FAQ.into(), tr(self.t, "faq_title").into())
            }
            Job::NotFound => ("404.html", "404.html".into(), tr(self.t, "not_found_title").into()),
            Job::Embed => {
                c.insert("embed", &super::super::embed::staff(site, self.lang, self.t));
                ("embed/staff.html", urls::EMBED.into(), tr(self.t, "embed_title").into())
            }
            Job::Procedure(i) => {
                let p = &site.procedures[i];
                self.procedure_context(p, c);
                let description = match (self.lang, &p.summary.plain_en) {
                    (Lang::En, Some(en)) => text::shorten(en, 200),
                    _ => text::shorten(&p.summary.plain, 200),
                };
                c.insert("description", &description);
                ("procedure.html", urls::procedure(&p.slug), self.lang.pick(&p.title).0.to_string())
            }
        }
    }

    /// The journey page's items of each stage, required and optional apart.
    fn journey_items(&self) -> Vec<serde_json::Value> {
        self.by_stage
            .iter()
            .map(|ix| {
                let (opt, req): (Vec<usize>, Vec<usize>) = ix.iter().partition(|&&i| self.rows[i].optional);
                json!({"required": self.joined(req.into_iter(), |f| &f.journey), "optional": self.joined(opt.into_iter(), |f| &f.journey)})
            })
            .collect()
    }

    /// The recently changed procedures.
    fn changes(&self) -> Vec<serde_json::Value> {
        let site = self.site;
        view::recent(site, view::RECENT_PAGE)
            .into_iter()
            .map(|i| {
                let (p, r) = (&site.procedures[i], &self.rows[i]);
                let u = p.updated.as_ref();
                json!({"code": r.code, "title": r.title, "path": r.path, "iso": u.map(|u| &u.iso), "date": u.map(|u| &u.date)})
            })
            .collect()
    }

    /// A Markdown page of the site.
    fn page_page(&self, i: usize, c: &mut tera::Context) -> (&'static str, String, String) {
        let site = self.site;
        let p = &site.pages[i];
        let (title, vi_only) = self.lang.pick(&p.title);
        c.insert("page", p);
        // The body is Markdown in Vietnamese only; an English page marks it.
        c.insert(
            "pt",
            &json!({"title": title, "title_vi_only": vi_only, "body_vi_only": self.lang != Lang::Vi, "body": p.body.html(self.lang.prefix())}),
        );
        c.insert("description", &p.description.as_deref().map(|d| text::shorten(d, 200)));
        ("page.html", urls::page(&p.slug), title.to_string())
    }

    /// The page's address, and the same page in the other editions.
    fn edition_links(&self, path: &str, c: &mut tera::Context) {
        let site = self.site;
        // The same page in every edition: the slugs are identical, only the prefix changes.
        let url_in =
            |l: Lang| format!("{}{}{}", site.config.base_url, l.prefix(), if path == "404.html" { "" } else { path });
        c.insert("canonical", &url_in(self.lang));
        if self.editions.len() > 1 && path != "404.html" {
            let alternates: Vec<_> =
                self.editions.iter().map(|&l| json!({"lang": l.code(), "href": url_in(l)})).collect();
            c.insert("alternates", &alternates);
            c.insert("x_default", &url_in(self.editions[0]));
        }
        if let Some(&other) = self.editions.iter().find(|&&l| l != self.lang) {
            let target = if path == "404.html" { "" } else { path };
            let label = match other {
                Lang::Vi => "Tiếng Việt",
                Lang::En => "English",
            };
            c.insert("switch", &json!({"lang": other.code(), "label": label, "href": format!("{}{}{}", site.config.base_path, other.prefix(), target)}));
        }
    }

    /// Renders the template into `buf`. With a memo (serve), a page whose
    /// context is unchanged since the last good build is copied from it
    /// instead of being rendered.
    fn render_page(
        &self,
        ctx: &RenderCtx,
        template: &'static str,
        path: &str,
        file: &str,
        c: &tera::Context,
        buf: &mut Vec<u8>,
    ) -> Result<(), Diagnostic> {
        let key = self.memo_key.as_ref().map(|m| page_key(m, &ctx.theme.tera, template, c));
        let reused = match (ctx.memo, &key) {
            (Some(m), Some(k)) => m.reuse(file, k).map(|bytes| buf.extend_from_slice(&bytes)).is_some(),
            _ => false,
        };
        if !reused {
            ctx.theme.tera.render_to(template, c, &mut *buf).map_err(|e| {
                Diagnostic::new("template", format!("rendering {template} for /{path}: {}", tera_error_chain(&e)))
                    .hint("check the template: a variable it uses may be missing")
            })?;
            if let (Some(m), Some(k)) = (ctx.memo, key) {
                m.rendered(file, k);
            }
        }
        Ok(())
    }

    fn procedure_context(&self, p: &Procedure, c: &mut tera::Context) {
        let site = self.site;
        let t = self.t;
        let rows_for = |codes: &[String]| -> Vec<LinkRow> {
            codes.iter().filter_map(|code| site.by_code.get(code)).map(|&i| LinkRow::from(&self.rows[i])).collect()
        };
        let stage = &self.by_stage[p.stage];
        // Procedures are in journey order, so a stage's indices are sorted.
        let pos = stage.binary_search(&p.journey_index).unwrap_or(0);
        let prev = pos.checked_sub(1).map(|k| LinkRow::from(&self.rows[stage[k]]));
        let next = stage.get(pos + 1).map(|&k| LinkRow::from(&self.rows[k]));
        // The sidebar shows a window of the stage around this procedure, so a
        // stage of thousands of records does not make every page huge.
        let from = pos.saturating_sub(SIDEBAR_WINDOW);
        let to = (pos + SIDEBAR_WINDOW + 1).min(stage.len());
        c.insert("siblings_before", &self.joined(stage[from..pos].iter().copied(), |f| &f.sidebar));
        c.insert("siblings_after", &self.joined(stage[(pos + 1).min(to)..to].iter().copied(), |f| &f.sidebar));
        c.insert("siblings_start", &(from + 1));
        c.insert("siblings_more", &(from > 0 || to < stage.len()));
        let channels: Vec<_> = p
            .channels
            .iter()
            .map(|ch| {
                // Which cells are the record's own (Vietnamese) text rather than UI strings and numbers.
                let time_vi = ch.time_note.is_some() || (ch.time.is_none() && ch.time_text.is_some());
                json!({"kind": ch.kind, "label": tr(t, &format!("channel_{}", ch.kind.key())), "time": view::time_text_in(ch, t, self.lang), "time_vi": time_vi, "fee": view::fee_text_in(ch, t, self.lang), "fee_vi": ch.fee.is_some(), "note": ch.note})
            })
            .collect();
        let channels_vi = p.channels.iter().any(|ch| {
            ch.time_note.is_some()
                || (ch.time.is_none() && ch.time_text.is_some())
                || ch.fee.is_some()
                || ch.note.is_some()
        });
        c.insert("channels_vi", &channels_vi);
        let mut groups: Vec<(Option<&str>, Vec<&Document>)> = Vec::new();
        for d in &p.documents {
            match groups.iter_mut().find(|(case, _)| *case == d.case.as_deref()) {
                Some((_, docs)) => docs.push(d),
                None => groups.push((d.case.as_deref(), vec![d])),
            }
        }
        let groups: Vec<_> = groups.into_iter().map(|(case, docs)| json!({"case": case, "documents": docs})).collect();
        c.insert("p", p);
        c.insert("channels", &channels);
        c.insert("channel_notes", &p.channels.iter().any(|ch| ch.note.is_some()));
        c.insert("document_groups", &groups);
        c.insert("related", &rows_for(&p.related));
        c.insert("after", &rows_for(&p.after));
        c.insert("alternatives", &rows_for(&p.alternatives));
        c.insert("prev", &prev);
        c.insert("next", &next);
        c.insert("stage_index", &p.stage);
        c.insert("json_ld", &json_ld(site, p, t, self.lang));
        let (title, title_vi_only) = self.lang.pick(&p.title);
        let (summary, summary_vi_only) = self.lang.pick_rich(&p.summary);
        c.insert(
            "pt",
            &json!({
                "title": title, "title_vi_only": title_vi_only,
                "summary": summary.html(self.lang.prefix()), "summary_vi_only": summary_vi_only,
                // The other language's name as a subtitle: English on Vietnamese pages,
                // the official Vietnamese name on English pages.
                "alt_title": self.lang.other(&p.title).filter(|_| !title_vi_only),
                "alt_lang": if self.lang == Lang::Vi { "en" } else { "vi" },
                "alt_label": if self.lang == Lang::Vi { None } else { Some(tr(t, "vietnamese_name")) },
            }),
        );
        c.insert("proc_stats", &stats_view::procedure(p, site, self.lang, t));
        c.insert("leaflet", &self.leaflets[site.by_code[&p.code]]);
        c.insert("glance", &glance(site, p, t, self.lang, &self.board_names));
        c.insert("processes", &super::super::process_view::sections(site, p, self.lang, t));
        c.insert("proc_faq", &faq_view::for_procedure(site, &p.code, self.lang));
    }
}
