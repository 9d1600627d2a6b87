//! What every page of an edition shares (`Shared::new`): the base context
//! with the site's lists and its chrome, and the print products pages link.

use super::super::lang::Lang;
use super::super::view::{self, Row, Strings, level_counts, tr};
use super::super::{RenderCtx, urls};
use super::glance::board_names;
use super::{HOME_NAV, MemoKey, PrintGroup, PrintItem, Shared, nav_keys, render_partial};
use crate::cache::KeyBuilder;
use crate::diag::Diagnostic;
use crate::filters::escape_html;
use crate::model::Site;
use crate::sink::Produced;
use serde::Serialize;
use serde_json::json;

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
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        site: &'a Site,
        lang: Lang,
        editions: &'a [Lang],
        t: &'a Strings,
        stats: &'a crate::stats::Stats,
        ctx: &RenderCtx,
        earlier: &Produced,
        only: Option<&[usize]>,
    ) -> Result<Self, Diagnostic> {
        let rows: Vec<Row> = site.procedures.iter().map(|p| view::row(p, t, lang)).collect();
        let mut by_stage = vec![Vec::new(); site.stages.len()];
        for (i, p) in site.procedures.iter().enumerate() {
            by_stage[p.stage].push(i);
        }
        let mut base = edition_context(site, lang, t, &by_stage);
        // The journey diagram (home and journey pages) and the poster files.
        let c = &site.config;
        // Only the procedures `only` names (`first_pages`): no inline diagram unless their
        // template shows it (a large site's diagram is laid out in a second).
        let inline = if only.is_none() || crate::memo::template_reads(&ctx.theme.tera, "procedure.html", "diagram") {
            super::super::diagrams::inline_diagram(site, ctx, lang, &c.base_path)
                .map_err(|e| Diagnostic::new("diagram", e))?
        } else {
            None
        };
        base.insert("diagram", &inline);
        base.insert("posters", &super::super::diagrams::poster_views(site, earlier, lang));
        insert_chrome(&mut base, site, ctx)?;
        let leaflets = leaflets(site, t, lang, earlier);
        let print_groups = print_groups(site, t, lang, earlier);
        // The base context's key leaves out what only some templates show
        // (`memo::NARROW_VARS`); `page_key` adds it for those.
        let memo_key = ctx.memo.map(|_| memo_key(&base, ctx));
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
        // The fragments `only`'s pages show: their sidebars' windows of their stages.
        let wanted = only.map(|only| {
            let mut wanted = vec![false; site.procedures.len()];
            for &i in only {
                let stage = &shared.by_stage[site.procedures[i].stage];
                let pos = stage.iter().position(|&k| k == i).unwrap_or(0);
                let window =
                    pos.saturating_sub(super::SIDEBAR_WINDOW)..(pos + super::SIDEBAR_WINDOW + 1).min(stage.len());
                for &k in &stage[window] {
                    wanted[k] = true;
                }
            }
            wanted
        });
        shared.fragments = shared.render_fragments(ctx, wanted.as_deref())?;
        Ok(shared)
    }
}

fn level_views(site: &Site, lang: Lang) -> Vec<LevelView<'_>> {
    let total = level_counts(site, site.procedures.iter());
    site.levels
        .iter()
        .enumerate()
        .map(|(i, l)| LevelView {
            key: &l.key,
            label: lang.pick(&l.label).0,
            label_en: l.label.en.as_deref(),
            label_vi_only: lang.pick(&l.label).1,
            meaning: lang.pick_rich(&l.meaning).0.html(lang.prefix()),
            meaning_vi_only: lang.pick_rich(&l.meaning).1,
            colour: &l.colour,
            text_colour: &l.text_colour,
            pattern: &l.pattern,
            covers: &l.covers,
            path: urls::level(&l.key),
            count: total[i],
        })
        .collect()
}

fn stage_views<'s>(site: &'s Site, lang: Lang, by_stage: &[Vec<usize>]) -> Vec<StageView<'s>> {
    site.stages
        .iter()
        .enumerate()
        .map(|(i, s)| StageView {
            key: &s.key,
            number: s.number,
            title: lang.pick(&s.title).0,
            title_en: if lang == Lang::Vi { lang.other(&s.title) } else { None },
            title_vi_only: lang.pick(&s.title).1,
            summary: lang.pick_rich(&s.summary).0.html(lang.prefix()),
            summary_vi_only: lang.pick_rich(&s.summary).1,
            path: urls::stage(&s.key),
            count: by_stage[i].len(),
            level_counts: level_counts(site, by_stage[i].iter().map(|&j| &site.procedures[j])),
        })
        .collect()
}

fn field_views(site: &Site, lang: Lang) -> Vec<FieldView<'_>> {
    let mut field_counts = vec![0; site.fields.len()];
    for p in &site.procedures {
        field_counts[p.field] += 1;
    }
    site.fields
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
        .collect()
}

/// The edition's base context: its language and strings, the site, and the
/// lists of levels, stages, fields, menu pages and routes.
fn edition_context(site: &Site, lang: Lang, t: &Strings, by_stage: &[Vec<usize>]) -> tera::Context {
    let levels = level_views(site, lang);
    let stages = stage_views(site, lang, by_stage);
    let fields = field_views(site, lang);
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
            "organisation": c.organisation, "feedback": c.feedback, "target_low": c.target_low, "target_high": c.target_high,
            "procedure_count": site.procedures.len(), "online_count": online,
        }),
    );
    base.insert("levels", &levels);
    base.insert("stages", &stages);
    base.insert("fields", &fields);
    base.insert("menu", &menu);
    base.insert("routes", &urls::template_routes());
    base.insert("navigation", &urls::navigation());
    base
}

/// Site-wide pieces (header per navigation state, footer, level colours)
/// are rendered once, not on every page.
fn insert_chrome(base: &mut tera::Context, site: &Site, ctx: &RenderCtx) -> Result<(), Diagnostic> {
    let mut header = serde_json::Map::new();
    for key in nav_keys(site) {
        base.insert("path", if key == HOME_NAV { "" } else { &key });
        header.insert(key, render_partial(ctx, "partials/header.html", base)?.into());
    }
    base.remove("path");
    let chrome = json!({
        "header": header,
        "footer": render_partial(ctx, "partials/footer.html", base)?,
        "level_style": render_partial(ctx, "partials/level-style.html", base)?,
    });
    base.insert("chrome", &chrome);
    Ok(())
}

/// Per procedure, its leaflet if the print renderer made one, with its size.
fn leaflets(site: &Site, t: &Strings, lang: Lang, earlier: &Produced) -> Vec<Option<PrintItem>> {
    site.procedures
        .iter()
        .map(|p| {
            let path = super::super::print::leaflet_path(lang, &p.slug);
            earlier.size_of(&path).map(|n| PrintItem {
                title: tr(t, "print_leaflet").into(),
                code: None,
                path,
                format: tr(
                    t,
                    if site.config.print_paper == "A5" { "print_format_leaflet_a5" } else { "print_format_leaflet_a4" },
                )
                .into(),
                size: view::file_size(n, lang),
                title_vi: false,
                vi_only: false,
            })
        })
        .collect()
}

/// The print products by kind: only those the print renderer made are
/// linked, with their size; kinds without any are left out.
fn print_groups(site: &Site, t: &Strings, lang: Lang, earlier: &Produced) -> Vec<PrintGroup> {
    let item = |p: super::super::print::Product| -> Option<PrintItem> {
        let size = view::file_size(earlier.size_of(&p.path)?, lang);
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
    super::super::print::product_groups(site, t, lang)
        .into_iter()
        .map(|g| PrintGroup {
            key: g.key,
            title: g.title,
            intro: g.intro,
            items: g.items.into_iter().filter_map(item).collect(),
        })
        .filter(|g| !g.items.is_empty())
        .collect()
}

/// The memo's key of the base context, without the narrow variables.
fn memo_key(base: &tera::Context, ctx: &RenderCtx) -> MemoKey {
    let mut json = base.clone().into_json();
    let mut narrow = Vec::new();
    for var in crate::memo::NARROW_VARS {
        let value = json.as_object_mut().and_then(|o| o.remove(*var)).unwrap_or_default();
        narrow.push((*var, serde_json::to_vec(&value).unwrap_or_default()));
    }
    let mut k = KeyBuilder::new("page-v2");
    k.add(ctx.theme.templates_key.as_str().as_bytes()).add(&serde_json::to_vec(&json).unwrap_or_default());
    MemoKey { base: k, narrow, reads: Default::default() }
}
