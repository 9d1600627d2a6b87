//! The website: every HTML page, from the theme's Tera templates.
//!
//! A base context (site, levels, stages, fields, UI strings) is built once
//! and cloned per page; list pages get light `Row`s; procedure pages get the
//! full record plus derived views (documents by case, journey neighbours,
//! JSON-LD).

use super::lang::{self, Lang};
use super::view::{self, Row, Strings, level_counts, tr};
use super::{RenderCtx, Renderer, stats_view, urls};
use crate::cache::{Key, KeyBuilder};
use crate::diag::Diagnostic;
use crate::filters::escape_html;
use crate::model::{ChannelKind, Document, Procedure, Site};
use crate::output::Output;
use crate::text;
use crate::theme::tera_error_chain;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

pub struct HtmlRenderer;

/// Every key a page adds to the base context; removed after each page. The
/// memo's page key (`page_key`) hashes exactly these: a new page key must be listed.
const PAGE_KEYS: &[&str] = &[
    "rows_html",
    "stage_items",
    "stage_index",
    "prev_stage",
    "next_stage",
    "field_index",
    "level_index",
    "page",
    "description",
    "title",
    "nav",
    "path",
    "canonical",
    "siblings_start",
    "siblings_more",
    "p",
    "channels",
    "channel_notes",
    "document_groups",
    "related",
    "after",
    "alternatives",
    "siblings_before",
    "siblings_after",
    "prev",
    "next",
    "json_ld",
    "changes",
    "alternates",
    "x_default",
    "switch",
    "pt",
    "st",
    "proc_stats",
    "channels_vi",
    "leaflet",
    "glance",
    "print_groups",
];

/// Procedures shown before and after the current one in the journey sidebar.
const SIDEBAR_WINDOW: usize = 8;

/// One page to render.
enum Job {
    Home,
    Catalogue,
    Procedure(usize),
    Journey,
    Stage(usize),
    Fields,
    Field(usize),
    Levels,
    Level(usize),
    Page(usize),
    Search,
    Data,
    Changes,
    Statistics,
    Print,
    NotFound,
}

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn estimate(&self, site: &Site) -> usize {
        (site.procedures.len() + site.stages.len() + site.fields.len() + site.levels.len() + site.pages.len() + 10)
            * lang::editions(site).len()
    }

    fn render(&self, site: &Site, ctx: &RenderCtx, out: &Output, progress: &(dyn Fn(u64) + Sync)) {
        let stats = crate::stats::compute(site);
        let editions = lang::editions(site);
        // One edition after the other: each has its own base context, rows and fragments.
        for &lang in &editions {
            let Some(t) = ctx.theme.translations.get(lang.code()) else {
                out.error(
                    Diagnostic::new("no-translations", format!("the theme has no i18n/{}.toml", lang.code()))
                        .hint("add the file, or remove the language from `languages` in site.toml"),
                );
                continue;
            };
            let shared = match Shared::new(site, lang, &editions, t, &stats, ctx, out) {
                Ok(s) => s,
                Err(d) => return out.error(d),
            };
            let mut jobs = vec![
                Job::Home,
                Job::Catalogue,
                Job::Journey,
                Job::Fields,
                Job::Levels,
                Job::Search,
                Job::Data,
                Job::Statistics,
                Job::Changes,
                Job::Print,
                Job::NotFound,
            ];
            jobs.extend((0..site.procedures.len()).map(Job::Procedure));
            jobs.extend((0..site.stages.len()).map(Job::Stage));
            jobs.extend((0..site.fields.len()).map(Job::Field));
            jobs.extend((0..site.levels.len()).map(Job::Level));
            jobs.extend((0..site.pages.len()).map(Job::Page));
            // Each worker clones the base context once and reuses it (and one
            // output buffer) for all its pages: cloning per page dominated at 10k.
            jobs.par_iter().for_each_init(
                || (shared.base.clone(), Vec::with_capacity(64 * 1024)),
                |(c, buf), job| {
                    buf.clear();
                    match shared.render_job(job, ctx, c, buf) {
                        Ok((path, source)) => out.put_html("html", &path, buf, source),
                        Err(d) => out.error(d),
                    }
                    for key in PAGE_KEYS {
                        c.remove(key);
                    }
                    progress(1);
                },
            );
        }
    }
}

/// Everything computed once per build and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
    lang: Lang,
    editions: &'a [Lang],
    t: &'a Strings,
    stats: &'a crate::stats::Stats,
    base: tera::Context,
    rows: Vec<Row>,
    by_stage: Vec<Vec<usize>>,
    /// Per procedure, HTML rendered once and reused by every page that lists it.
    fragments: Vec<Fragments>,
    /// With a memo: the key of the templates and the base context, which
    /// each page's key extends with its own keys.
    memo_key: Option<MemoKey>,
    /// Print products (phase 1) that exist, with their sizes, by kind.
    print_groups: Vec<PrintGroup>,
    /// Per procedure, its leaflet (path and size), if one was made.
    leaflets: Vec<Option<PrintItem>>,
    /// The organisation's names, folded (`board_names`).
    board_names: Vec<String>,
}

/// A print product as the pages link it: "PDF, A4, 2 trang · 58 KB".
#[derive(Serialize, Clone)]
struct PrintItem {
    title: String,
    code: Option<String>,
    path: String,
    format: String,
    size: String,
    title_vi: bool,
    vi_only: bool,
}

#[derive(Serialize)]
struct PrintGroup {
    key: &'static str,
    title: String,
    intro: String,
    items: Vec<PrintItem>,
}

/// A procedure's pieces that appear on many pages.
struct Fragments {
    /// Table row (`partials/row.html`).
    row: String,
    /// Journey page item (`partials/journey-item.html`).
    journey: String,
    /// Sidebar link on its stage's other procedures (`partials/sidebar-item.html`).
    sidebar: String,
}

/// A link to another procedure: all the sidebar and related lists need.
#[derive(Serialize)]
struct LinkRow<'a> {
    code: &'a str,
    title: &'a str,
    vi_only: bool,
    path: &'a str,
}

impl<'a> From<&'a Row> for LinkRow<'a> {
    fn from(r: &'a Row) -> Self {
        LinkRow { code: &r.code, title: &r.title, vi_only: r.vi_only, path: &r.path }
    }
}

#[derive(Serialize)]
struct LevelView<'a> {
    key: &'a str,
    label: &'a str,
    label_en: Option<&'a str>,
    label_vi_only: bool,
    /// HTML, its site links pointing into the edition.
    meaning: String,
    meaning_vi_only: bool,
    colour: &'a str,
    text_colour: &'a str,
    pattern: &'a str,
    covers: &'a [u8],
    path: String,
    count: usize,
}

#[derive(Serialize)]
struct StageView<'a> {
    key: &'a str,
    number: usize,
    title: &'a str,
    /// The title in the other language (the edition's subtitle).
    title_en: Option<&'a str>,
    title_vi_only: bool,
    /// HTML, its site links pointing into the edition.
    summary: String,
    summary_vi_only: bool,
    path: String,
    count: usize,
    level_counts: Vec<usize>,
}

#[derive(Serialize)]
struct FieldView<'a> {
    key: &'a str,
    title: &'a str,
    title_en: Option<&'a str>,
    title_vi_only: bool,
    path: String,
    count: usize,
}

impl<'a> Shared<'a> {
    fn new(
        site: &'a Site,
        lang: Lang,
        editions: &'a [Lang],
        t: &'a Strings,
        stats: &'a crate::stats::Stats,
        ctx: &RenderCtx,
        out: &Output,
    ) -> Result<Self, Diagnostic> {
        let rows: Vec<Row> = site.procedures.iter().map(|p| view::row(p, t, lang)).collect();
        let mut by_stage = vec![Vec::new(); site.stages.len()];
        for (i, p) in site.procedures.iter().enumerate() {
            by_stage[p.stage].push(i);
        }
        let total = level_counts(site, site.procedures.iter());
        let levels: Vec<LevelView> = site
            .levels
            .iter()
            .enumerate()
            .map(|(i, l)| LevelView {
                key: &l.key,
                label: lang.pick(&l.label).0,
                label_en: l.label.en.as_deref(),
                label_vi_only: lang.pick(&l.label).1,
                meaning: lang::localise_links(&lang.pick_rich(&l.meaning).0.0, &site.config.base_path, lang),
                meaning_vi_only: lang.pick_rich(&l.meaning).1,
                colour: &l.colour,
                text_colour: &l.text_colour,
                pattern: &l.pattern,
                covers: &l.covers,
                path: urls::level(&l.key),
                count: total[i],
            })
            .collect();
        let stages: Vec<StageView> = site
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| StageView {
                key: &s.key,
                number: s.number,
                title: lang.pick(&s.title).0,
                title_en: if lang == Lang::Vi { lang.other(&s.title) } else { None },
                title_vi_only: lang.pick(&s.title).1,
                summary: lang::localise_links(&lang.pick_rich(&s.summary).0.0, &site.config.base_path, lang),
                summary_vi_only: lang.pick_rich(&s.summary).1,
                path: urls::stage(&s.key),
                count: by_stage[i].len(),
                level_counts: level_counts(site, by_stage[i].iter().map(|&j| &site.procedures[j])),
            })
            .collect();
        let mut field_counts = vec![0; site.fields.len()];
        for p in &site.procedures {
            field_counts[p.field] += 1;
        }
        let fields: Vec<FieldView> = site
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| FieldView {
                key: &f.key,
                title: lang.pick(&f.title).0,
                title_en: if lang == Lang::Vi { lang.other(&f.title) } else { None },
                title_vi_only: lang.pick(&f.title).1,
                path: urls::field(&f.key),
                count: field_counts[i],
            })
            .collect();
        let menu: Vec<_> = site
            .pages
            .iter()
            .map(|p| json!({"title": lang.pick(&p.title).0, "vi_only": lang.pick(&p.title).1, "path": urls::page(&p.slug), "slug": p.slug}))
            .collect();
        let online = site.procedures.iter().filter(|p| p.base_level >= 3).count();
        let c = &site.config;
        let mut base = tera::Context::new();
        base.insert("lang", lang.code());
        base.insert("t", t);
        // `base` leads to the edition's pages; `root` to what all editions share (static files, open data).
        base.insert("base", &format!("{}{}", c.base_path, lang.prefix()));
        base.insert("root", &c.base_path);
        // Vietnamese text shown on an English page: its mark and its lang attribute.
        base.insert(
            "vi_mark",
            &if lang == Lang::Vi {
                String::new()
            } else {
                format!(r#" <span class="vi-only">{}</span>"#, escape_html(tr(t, "only_vi")))
            },
        );
        base.insert("vi_attr", if lang == Lang::Vi { "" } else { r#" lang="vi""# });
        let (org_name, org_vi_only) = lang.pick(&c.organisation.name);
        base.insert(
            "site",
            &json!({
                "title": lang.pick(&c.title).0, "description": lang.pick(&c.description).0, "base_url": c.base_url,
                "org_name": org_name, "org_vi_only": org_vi_only,
                "portal_url": c.portal_url, "national_portal_url": c.national_portal_url,
                "edition": c.edition, "level_scheme": c.level_scheme,
                "organisation": c.organisation, "target_low": c.target_low, "target_high": c.target_high,
                "procedure_count": site.procedures.len(), "online_count": online,
            }),
        );
        base.insert("levels", &levels);
        base.insert("stages", &stages);
        base.insert("fields", &fields);
        base.insert("menu", &menu);
        base.insert("routes", &urls::template_routes());
        base.insert("navigation", &urls::navigation());
        // The journey diagram (home and journey pages) and the poster files.
        let inline = super::diagrams::inline_diagram(site, ctx, lang, &c.base_path)
            .map_err(|e| Diagnostic::new("diagram", e))?;
        base.insert("diagram", &inline);
        base.insert("posters", &super::diagrams::poster_views(site, out, lang));
        // Site-wide pieces (header per navigation state, footer, level colours)
        // are rendered once, not on every page.
        let mut header = serde_json::Map::new();
        for key in nav_keys(site) {
            base.insert("path", if key == HOME_NAV { "" } else { &key });
            header.insert(key, render_partial(ctx, "partials/header.html", &base)?.into());
        }
        base.remove("path");
        let chrome = json!({
            "header": header,
            "footer": render_partial(ctx, "partials/footer.html", &base)?,
            "level_style": render_partial(ctx, "partials/level-style.html", &base)?,
        });
        base.insert("chrome", &chrome);
        // Only products the print renderer made are linked, with their size.
        let item = |p: super::print::Product| -> Option<PrintItem> {
            let size = view::file_size(out.size_of(&p.path)?, lang);
            Some(PrintItem {
                title: p.title,
                code: p.code,
                path: p.path,
                format: p.format,
                size,
                title_vi: p.title_vi,
                vi_only: p.vi_only,
            })
        };
        let leaflets = site
            .procedures
            .iter()
            .map(|p| {
                let path = super::print::leaflet_path(lang, &p.slug);
                out.size_of(&path).map(|n| PrintItem {
                    title: tr(t, "print_leaflet").into(),
                    code: None,
                    path,
                    format: tr(
                        t,
                        if site.config.print_paper == "A5" {
                            "print_format_leaflet_a5"
                        } else {
                            "print_format_leaflet_a4"
                        },
                    )
                    .into(),
                    size: view::file_size(n, lang),
                    title_vi: false,
                    vi_only: false,
                })
            })
            .collect();
        let print_groups = super::print::product_groups(site, t, lang)
            .into_iter()
            .map(|g| PrintGroup {
                key: g.key,
                title: g.title,
                intro: g.intro,
                items: g.items.into_iter().filter_map(item).collect(),
            })
            .filter(|g| !g.items.is_empty())
            .collect();
        // The base context's key leaves out what only some templates show
        // (`memo::NARROW_VARS`); `page_key` adds it for those.
        let memo_key = ctx.memo.map(|_| {
            let mut json = base.clone().into_json();
            let mut narrow = Vec::new();
            for var in crate::memo::NARROW_VARS {
                let value = json.as_object_mut().and_then(|o| o.remove(*var)).unwrap_or_default();
                narrow.push((*var, serde_json::to_vec(&value).unwrap_or_default()));
            }
            let mut k = KeyBuilder::new("page-v2");
            k.add(ctx.theme.templates_key.as_str().as_bytes()).add(&serde_json::to_vec(&json).unwrap_or_default());
            MemoKey { base: k, narrow, reads: Default::default() }
        });
        let mut shared = Shared {
            site,
            lang,
            editions,
            t,
            stats,
            base,
            rows,
            by_stage,
            fragments: Vec::new(),
            memo_key,
            print_groups,
            leaflets,
            board_names: board_names(site, lang),
        };
        shared.fragments = shared.render_fragments(ctx)?;
        Ok(shared)
    }

    /// Renders each procedure's row, journey item and sidebar link once.
    fn render_fragments(&self, ctx: &RenderCtx) -> Result<Vec<Fragments>, Diagnostic> {
        let mut or_before = vec![false; self.rows.len()];
        let mut and_before = vec![false; self.rows.len()];
        for ix in &self.by_stage {
            for k in 1..ix.len() {
                // "or" between journey neighbours that can replace each other.
                or_before[ix[k]] = self.site.procedures[ix[k]].alternatives.contains(&self.rows[ix[k - 1]].code);
            }
            // "and" between the required procedures of a step (the optional ones are each "when needed").
            let mut seen_required = false;
            for &i in ix.iter().filter(|&&i| !self.rows[i].optional) {
                and_before[i] = seen_required && !or_before[i];
                seen_required = true;
            }
        }
        self.rows
            .par_iter()
            .enumerate()
            .map_init(
                || self.base.clone(),
                |c, (i, r)| {
                    c.insert("r", r);
                    c.insert("or_before", &or_before[i]);
                    c.insert("and_before", &and_before[i]);
                    Ok(Fragments {
                        row: render_partial(ctx, "partials/row.html", c)?,
                        journey: render_partial(ctx, "partials/journey-item.html", c)?,
                        sidebar: render_partial(ctx, "partials/sidebar-item.html", c)?,
                    })
                },
            )
            .collect()
    }

    fn joined<'s>(&'s self, indices: impl Iterator<Item = usize>, pick: impl Fn(&'s Fragments) -> &'s str) -> String {
        let mut out = String::new();
        for i in indices {
            out.push_str(pick(&self.fragments[i]));
        }
        out
    }

    /// Renders one page into `buf`, using `c` (the base context) plus page keys.
    fn render_job(
        &self,
        job: &Job,
        ctx: &RenderCtx,
        c: &mut tera::Context,
        buf: &mut Vec<u8>,
    ) -> Result<(String, Option<&'a std::path::Path>), Diagnostic> {
        let site = self.site;
        let (template, path, title) = match *job {
            Job::Home => ("index.html", String::new(), self.lang.pick(&site.config.title).0.to_string()),
            Job::Catalogue => {
                c.insert("rows_html", &self.joined(0..self.rows.len(), |f| &f.row));
                ("catalogue.html", urls::CATALOGUE.into(), tr(self.t, "catalogue").into())
            }
            Job::Journey => {
                let items: Vec<_> = self
                    .by_stage
                    .iter()
                    .map(|ix| {
                        let (opt, req): (Vec<usize>, Vec<usize>) = ix.iter().partition(|&&i| self.rows[i].optional);
                        json!({"required": self.joined(req.into_iter(), |f| &f.journey), "optional": self.joined(opt.into_iter(), |f| &f.journey)})
                    })
                    .collect();
                c.insert("stage_items", &items);
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
            Job::Page(i) => {
                let p = &site.pages[i];
                let (title, vi_only) = self.lang.pick(&p.title);
                c.insert("page", p);
                // The body is Markdown in Vietnamese only; an English page marks it.
                c.insert(
                    "pt",
                    &json!({"title": title, "title_vi_only": vi_only, "body_vi_only": self.lang != Lang::Vi, "body": lang::localise_links(&p.body.0, &site.config.base_path, self.lang)}),
                );
                c.insert("description", &p.description.as_deref().map(|d| text::shorten(d, 200)));
                ("page.html", urls::page(&p.slug), title.to_string())
            }
            Job::Search => ("search.html", urls::SEARCH.into(), tr(self.t, "search").into()),
            Job::Data => {
                let processes: usize = site.procedures.iter().map(|p| p.internal_process.len()).sum();
                c.insert("process_count", &processes);
                ("data.html", urls::DATA.into(), tr(self.t, "open_data").into())
            }
            Job::Changes => {
                let changes: Vec<_> = view::recent(site, view::RECENT_PAGE)
                    .into_iter()
                    .map(|i| {
                        let (p, r) = (&site.procedures[i], &self.rows[i]);
                        let u = p.updated.as_ref();
                        json!({"code": r.code, "title": r.title, "path": r.path, "iso": u.map(|u| &u.iso), "date": u.map(|u| &u.date)})
                    })
                    .collect();
                c.insert("changes", &changes);
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
            Job::NotFound => ("404.html", "404.html".into(), tr(self.t, "not_found_title").into()),
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
        };
        c.insert("title", &title);
        c.insert("nav", nav_key(site, &path));
        c.insert("path", &path);
        // The same page in every edition: the slugs are identical, only the prefix changes.
        let url_in =
            |l: Lang| format!("{}{}{}", site.config.base_url, l.prefix(), if path == "404.html" { "" } else { &path });
        c.insert("canonical", &url_in(self.lang));
        if self.editions.len() > 1 && path != "404.html" {
            let alternates: Vec<_> =
                self.editions.iter().map(|&l| json!({"lang": l.code(), "href": url_in(l)})).collect();
            c.insert("alternates", &alternates);
            c.insert("x_default", &url_in(self.editions[0]));
        }
        if let Some(&other) = self.editions.iter().find(|&&l| l != self.lang) {
            let target = if path == "404.html" { "" } else { &path };
            let label = match other {
                Lang::Vi => "Tiếng Việt",
                Lang::En => "English",
            };
            c.insert("switch", &json!({"lang": other.code(), "label": label, "href": format!("{}{}{}", site.config.base_path, other.prefix(), target)}));
        }
        if !matches!(job, Job::Page(_) | Job::Procedure(_)) {
            c.insert("description", &None::<String>);
        }
        let file = urls::file(&format!("{}{}", self.lang.prefix(), path));
        // With a memo (serve), a page whose context is unchanged since the
        // last good build is copied from it instead of being rendered.
        let key = self.memo_key.as_ref().map(|m| page_key(m, &ctx.theme.tera, template, c));
        let reused = match (ctx.memo, &key) {
            (Some(m), Some(k)) => m.reuse(&file, k).map(|bytes| buf.extend_from_slice(&bytes)).is_some(),
            _ => false,
        };
        if !reused {
            ctx.theme.tera.render_to(template, c, &mut *buf).map_err(|e| {
                Diagnostic::new("template", format!("rendering {template} for /{path}: {}", tera_error_chain(&e)))
                    .hint("check the template: a variable it uses may be missing")
            })?;
            if let (Some(m), Some(k)) = (ctx.memo, key) {
                m.rendered(&file, k);
            }
        }
        let source = match *job {
            Job::Procedure(i) => Some(site.procedures[i].source.as_path()),
            Job::Page(i) => Some(site.pages[i].source.as_path()),
            _ => None,
        };
        Ok((file, source))
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
                "summary": lang::localise_links(&summary.0, &site.config.base_path, self.lang), "summary_vi_only": summary_vi_only,
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
        c.insert("processes", &super::process_view::sections(site, p, self.lang, t));
    }
}

/// The summary panel under a procedure's title: what a reader came for (can
/// I file online, where, how long, how much, what do I bring), in the
/// edition's language and number format.
fn glance(site: &Site, p: &Procedure, t: &Strings, lang: Lang, orgs: &[String]) -> serde_json::Value {
    // Channels with the same time and fee share a row ("Trực tiếp, Trực tuyến: 10 ngày, 100.000 đồng").
    // (channel labels, time, (fee, where the amount came from), time is the record's own text)
    type TimeFeeRow = (Vec<String>, String, (String, view::FeeSource), bool);
    let mut rows: Vec<TimeFeeRow> = Vec::new();
    for ch in &p.channels {
        let time = view::time_short_in(ch, t, lang);
        let fee = view::fee_short_in(ch, t, lang);
        let time_vi = ch.time.is_none() && ch.time_text.is_some();
        let label = tr(t, &format!("channel_{}", ch.kind.key())).to_string();
        match rows.iter_mut().find(|r| r.1 == time && r.2 == fee) {
            Some(r) => {
                if !r.0.contains(&label) {
                    r.0.push(label)
                }
            }
            None => rows.push((vec![label], time, fee, time_vi)),
        }
    }
    let times: Vec<_> = rows
        .into_iter()
        .map(|(labels, time, (fee, source), time_vi)| {
            json!({
                "channels": labels.join(", "), "time": time, "time_vi": time_vi,
                "fee": fee, "fee_source": source,
                // Amounts are numbers and a UI currency; published texts are Vietnamese.
                "fee_vi": source != view::FeeSource::Amount,
            })
        })
        .collect();

    let org = &site.config.organisation;
    let (org_name, org_vi) = lang.pick(&org.name);
    let contact = |address: &Option<String>, phone: &Option<String>, hours: &Option<String>, email: &Option<String>| {
        json!({"address": address, "phone": phone, "hours": hours, "email": email,
               "none": address.is_none() && phone.is_none() && hours.is_none() && email.is_none()})
    };
    let mut offices = Vec::new();
    // The service centre receives the dossier when the record says so; its
    // contact is the centre's own, never the Board's.
    if p.service_center {
        let name = org.service_center.as_deref().unwrap_or_else(|| tr(t, "glance_service_center"));
        offices.push(json!({
            "name": name, "name_vi": org.service_center.is_some() && lang != Lang::Vi,
            "contact": contact(&org.service_center_address, &None, &None, &None),
        }));
    }
    if names_board(p, orgs) {
        offices.push(json!({
            "name": org_name, "name_vi": org_vi,
            "contact": contact(&org.address, &org.phone, &org.hours, &org.email),
        }));
    }
    // Neither: the record's own words, shortened (the full text is in the details).
    let where_text = if offices.is_empty() {
        p.where_to_submit
            .as_ref()
            .map(|h| text::shorten(&strip_tags(&h.0), 160))
            .or_else(|| p.agencies.as_ref().and_then(|a| a.executing.clone().or(a.competent.clone())))
    } else {
        None
    };

    let has_direct = p.channel(ChannelKind::Direct).is_some();
    let postal = p.channel(ChannelKind::Postal).is_some() || p.public_postal;
    let online = p.base_level >= 3;
    let online_url = p.online_url.as_deref().or(if online { site.config.portal_url.as_deref() } else { None });

    // Documents: how many, and how many cases they are grouped in.
    let mut cases: Vec<Option<&str>> = Vec::new();
    for d in &p.documents {
        if !cases.contains(&d.case.as_deref()) {
            cases.push(d.case.as_deref());
        }
    }
    let per_case: Vec<usize> =
        cases.iter().map(|c| p.documents.iter().filter(|d| d.case.as_deref() == *c).count()).collect();
    let (min, max) = (per_case.iter().copied().min().unwrap_or(0), per_case.iter().copied().max().unwrap_or(0));
    let documents = if p.documents.is_empty() {
        None
    } else if cases.len() > 1 {
        let range = if min == max { min.to_string() } else { format!("{min}–{max}") };
        Some(tr(t, "glance_documents_cases").replace("{n}", &range).replace("{cases}", &cases.len().to_string()))
    } else {
        let required = p.documents.iter().filter(|d| d.required).count();
        let mut s = tr(t, "glance_documents_n").replace("{n}", &p.documents.len().to_string());
        if required < p.documents.len() {
            s.push_str(&tr(t, "glance_documents_required").replace("{n}", &required.to_string()));
        }
        Some(s)
    };
    // Forms: each named form once, linked when the record gives its file.
    let mut forms: Vec<serde_json::Value> = Vec::new();
    for d in &p.documents {
        let Some(name) = d.form.as_deref().or(d.form_url.as_ref().map(|_| tr(t, "form"))) else { continue };
        if !forms.iter().any(|f| f["name"] == name) {
            forms.push(json!({"name": name, "url": d.form_url}));
        }
    }
    let more_forms = forms.len().saturating_sub(3);
    forms.truncate(3);

    json!({
        "plain": tr(t, &format!("glance_level_{}", p.base_level.clamp(1, 4))),
        "online": online,
        "online_url": online_url,
        "times": times,
        // One "no information" line for all the offices when none has a contact.
        "offices_no_contact": !offices.is_empty() && offices.iter().all(|o| o["contact"]["none"] == true),
        "offices": offices,
        "where_text": where_text,
        "has_direct": has_direct,
        "postal": postal,
        "documents": documents,
        "forms": forms,
        "more_forms": more_forms,
    })
}

/// The organisation's names as `names_board` compares them: folded once per
/// edition (the edition's name and the Vietnamese one), not once per page.
/// Names shorter than 8 characters are too generic to compare and left out.
fn board_names(site: &Site, lang: Lang) -> Vec<String> {
    let org = &site.config.organisation.name;
    let mut names: Vec<String> = Vec::new();
    for name in [lang.pick(org).0, org.vi.as_str()] {
        let folded = text::fold(name);
        if folded.chars().count() >= 8 && !names.contains(&folded) {
            names.push(folded);
        }
    }
    names
}

/// True when the record names the site's organisation (one of `orgs`, folded
/// by `board_names`) among its agencies or where to submit ("Ban Quản lý các
/// Khu công nghiệp" names "Ban Quản lý các khu công nghiệp tỉnh Hà Nam"; a
/// generic "ban quản lý khu công nghiệp, khu chế xuất, …" of a national record
/// does not).
fn names_board(p: &Procedure, orgs: &[String]) -> bool {
    if orgs.is_empty() {
        return false;
    }
    let mut names: Vec<&str> = Vec::new();
    if let Some(a) = &p.agencies {
        for s in [&a.competent, &a.executing, &a.authorised].into_iter().flatten() {
            names.extend(s.split(';'));
        }
    }
    let names: Vec<String> = names.iter().map(|n| text::fold(n.trim())).collect();
    let submit = p.where_to_submit.as_ref().map(|h| text::fold(&h.0));
    orgs.iter().any(|org| {
        names.iter().any(|n| {
            *n == *org || (n.chars().count() >= 20 && (org.starts_with(n.as_str()) || n.contains(org.as_str())))
        }) || submit.as_ref().is_some_and(|s| s.contains(org.as_str()))
    })
}

/// The text of a small piece of HTML (entities stay escaped, so it is still safe HTML).
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The navigation states the header is rendered for: the sections the main
/// menu marks as current, each menu page, and "-" for everything else.
/// Navigation key of the home page (an empty key would not index a map in Tera).
const HOME_NAV: &str = "index";

fn nav_keys(site: &Site) -> Vec<String> {
    let mut keys: Vec<String> = vec![HOME_NAV.to_string()];
    keys.extend(nav_sections().map(String::from));
    keys.push("-".into());
    keys.extend(site.pages.iter().map(|p| urls::page(&p.slug)));
    keys
}

/// The sections of the header's menu (from the route table), home aside.
fn nav_sections() -> impl Iterator<Item = &'static str> {
    urls::menu(urls::Menu::Header).into_iter().map(|r| r.path).filter(|p| !p.is_empty())
}

fn nav_key<'s>(site: &Site, path: &'s str) -> &'s str {
    for section in nav_sections() {
        if path.starts_with(section) {
            return &path[..section.len()];
        }
    }
    if path.is_empty() {
        return HOME_NAV;
    }
    if site.pages.iter().any(|p| urls::page(&p.slug) == path) {
        return path;
    }
    "-"
}

/// The memo's key of the base context, in two parts: what every page sees,
/// and the narrow variables (`memo::NARROW_VARS`) with their values, added
/// to a page's key only when its template reads them.
struct MemoKey {
    base: KeyBuilder,
    narrow: Vec<(&'static str, Vec<u8>)>,
    /// Per template: whether it reads each narrow variable.
    reads: std::sync::Mutex<HashMap<&'static str, Vec<bool>>>,
}

/// Key of one page: the base key, the narrow variables its template reads,
/// the template and every page key's value (`PAGE_KEYS` is the complete
/// list of what a page adds to the base context).
fn page_key(memo: &MemoKey, tera: &tera::Tera, template: &'static str, c: &tera::Context) -> Key {
    let mut k = memo.base.clone();
    let reads = {
        let mut r = memo.reads.lock().unwrap_or_else(|e| e.into_inner());
        r.entry(template)
            .or_insert_with(|| {
                memo.narrow.iter().map(|(var, _)| crate::memo::template_reads(tera, template, var)).collect()
            })
            .clone()
    };
    for ((var, value), read) in memo.narrow.iter().zip(reads) {
        if read {
            k.add_str(var).add(value);
        }
    }
    k.add_str(template);
    for key in PAGE_KEYS {
        k.add_str(key);
        match c.get(key) {
            Some(v) => k.add(&serde_json::to_vec(v).unwrap_or_default()),
            None => k.add(b"\0absent"),
        };
    }
    k.finish()
}

fn render_partial(ctx: &RenderCtx, name: &str, c: &tera::Context) -> Result<String, Diagnostic> {
    ctx.theme
        .tera
        .render(name, c)
        .map_err(|e| Diagnostic::new("template", format!("rendering {name}: {}", tera_error_chain(&e))))
}

/// schema.org GovernmentService with one ServiceChannel per channel.
fn json_ld(site: &Site, p: &Procedure, t: &Strings, lang: Lang) -> String {
    let url = format!("{}{}{}", site.config.base_url, lang.prefix(), urls::procedure(&p.slug));
    let channels: Vec<_> = p
        .channels
        .iter()
        .map(|ch| {
            let mut v = json!({
                "@type": "ServiceChannel",
                "name": tr(t, &format!("channel_{}", ch.kind.key())),
                "description": format!("{}: {}; {}: {}", tr(t, "processing_time"), view::time_text_in(ch, t, lang), tr(t, "fee"), view::fee_text_in(ch, t, lang)),
            });
            if let (Some(n), Some(u)) = (ch.time, ch.time_unit.as_deref())
                && n.fract() == 0.0 {
                    v["processingTime"] = json!(if u == "hours" { format!("PT{}H", n as i64) } else { format!("P{}D", n as i64) });
                }
            match ch.kind {
                ChannelKind::Online => {
                    if let Some(u) = p.online_url.as_ref().or(site.config.portal_url.as_ref()) {
                        v["serviceUrl"] = json!(u);
                    }
                }
                ChannelKind::Direct | ChannelKind::Postal => {
                    if let Some(a) = &site.config.organisation.address {
                        v["serviceLocation"] = json!({"@type": "Place", "address": a});
                    }
                }
            }
            v
        })
        .collect();
    let ld = json!({
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": lang.pick(&p.title).0,
        "alternateName": lang.other(&p.title),
        "inLanguage": lang.code(),
        "identifier": p.code,
        "description": if lang == Lang::En { p.summary.plain_en.as_ref().unwrap_or(&p.summary.plain) } else { &p.summary.plain },
        "url": url,
        "serviceType": lang.pick(&site.fields[p.field].title).0,
        "provider": {"@type": "GovernmentOrganization", "name": lang.pick(&site.config.organisation.name).0},
        "audience": p.applicants.iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
        "availableChannel": channels,
        "isRelatedTo": p.related.iter().filter_map(|c| site.procedure_by_code(c)).map(|q| json!({"@type": "GovernmentService", "name": lang.pick(&q.title).0, "identifier": q.code, "url": format!("{}{}{}", site.config.base_url, lang.prefix(), urls::procedure(&q.slug))})).collect::<Vec<_>>(),
    });
    script_json(&serde_json::to_string(&ld).unwrap_or_default())
}

/// JSON to embed in an HTML `<script>` element. The HTML parser does not know
/// JSON: `</script>` ends the element, and `<!--` followed by `<script>`
/// makes it swallow the rest of the page. These characters, and `&`, `>` and
/// the line separators U+2028/U+2029 (line ends to older JavaScript), can only
/// occur inside JSON strings, where the `\uXXXX` escape means the same
/// character: the JSON is unchanged for a JSON reader.
pub(crate) fn script_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::script_json;

    #[test]
    fn json_in_a_script_element_has_no_markup_characters_and_reads_back_the_same() {
        let title = "a <!--<script> </script> & > \u{2028}\u{2029} \\<b> \"q\"";
        let json = script_json(&serde_json::to_string(&serde_json::json!({ "name": title })).unwrap());
        for c in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!json.contains(c), "{c:?} in {json}");
        }
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"].as_str(), Some(title));
    }
}
