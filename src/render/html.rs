//! The website: every HTML page, from the theme's Tera templates.
//!
//! A base context (site, levels, stages, fields, UI strings) is built once
//! and cloned per page; list pages get light `Row`s; procedure pages get the
//! full record plus derived views (documents by case, journey neighbours,
//! JSON-LD).

use super::view::{self, fee_text, level_counts, time_text, tr, Row, Strings};
use super::{urls, RenderCtx, Renderer};
use crate::diag::Diagnostic;
use crate::model::{ChannelKind, Document, Procedure, Site};
use crate::output::Output;
use crate::text;
use crate::theme::tera_error_chain;
use rayon::prelude::*;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

pub struct HtmlRenderer;

/// Every key a page adds to the base context; removed after each page.
const PAGE_KEYS: &[&str] = &[
    "rows_html", "stage_items", "stage_index", "prev_stage", "next_stage", "field_index", "level_index", "page", "description",
    "title", "nav", "path", "canonical", "siblings_start", "siblings_more", "p", "channels", "channel_notes",
    "document_groups", "related", "after", "alternatives", "siblings_before", "siblings_after", "prev", "next", "json_ld", "leaflet",
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
    Print,
    NotFound,
}

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn estimate(&self, site: &Site) -> usize {
        site.procedures.len() + site.stages.len() + site.fields.len() + site.levels.len() + site.pages.len() + 10
    }

    fn render(&self, site: &Site, ctx: &RenderCtx, out: &Output, progress: &(dyn Fn(u64) + Sync)) {
        let lang = "vi";
        let Some(t) = ctx.theme.translations.get(lang) else {
            out.error(Diagnostic::new("no-translations", format!("the theme has no i18n/{lang}.toml")));
            return;
        };
        let shared = match Shared::new(site, t, ctx, out) {
            Ok(s) => s,
            Err(d) => return out.error(d),
        };
        let mut jobs = vec![Job::Home, Job::Catalogue, Job::Journey, Job::Fields, Job::Levels, Job::Search, Job::Data, Job::Print, Job::NotFound];
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

/// Everything computed once per build and shared by all pages.
struct Shared<'a> {
    site: &'a Site,
    t: &'a Strings,
    base: tera::Context,
    rows: Vec<Row>,
    by_stage: Vec<Vec<usize>>,
    /// Per procedure, HTML rendered once and reused by every page that lists it.
    fragments: Vec<Fragments>,
    /// Print products (phase 1) that exist, with their sizes, by kind.
    print_groups: Vec<PrintGroup>,
    /// Per procedure, its leaflet (path and size), if one was made.
    leaflets: Vec<Option<PrintItem>>,
}

/// A print product as the pages link it: "PDF, A4, 2 trang · 58 KB".
#[derive(Serialize, Clone)]
struct PrintItem {
    title: String,
    code: Option<String>,
    path: String,
    format: String,
    size: String,
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
    path: &'a str,
}

impl<'a> From<&'a Row> for LinkRow<'a> {
    fn from(r: &'a Row) -> Self {
        LinkRow { code: &r.code, title: &r.title, path: &r.path }
    }
}


#[derive(Serialize)]
struct LevelView<'a> {
    key: &'a str,
    label: &'a str,
    label_en: Option<&'a str>,
    meaning: &'a str,
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
    title_en: Option<&'a str>,
    summary: &'a str,
    path: String,
    count: usize,
    level_counts: Vec<usize>,
}

#[derive(Serialize)]
struct FieldView<'a> {
    key: &'a str,
    title: &'a str,
    title_en: Option<&'a str>,
    path: String,
    count: usize,
}

impl<'a> Shared<'a> {
    fn new(site: &'a Site, t: &'a Strings, ctx: &RenderCtx, out: &Output) -> Result<Self, Diagnostic> {
        let rows: Vec<Row> = site.procedures.iter().map(|p| view::row(p, t)).collect();
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
                label: &l.label.vi,
                label_en: l.label.en.as_deref(),
                meaning: &l.meaning.vi.0,
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
                title: &s.title.vi,
                title_en: s.title.en.as_deref(),
                summary: &s.summary.vi.0,
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
            .map(|(i, f)| FieldView { key: &f.key, title: &f.title.vi, title_en: f.title.en.as_deref(), path: urls::field(&f.key), count: field_counts[i] })
            .collect();
        let menu: Vec<_> = site.pages.iter().map(|p| json!({"title": p.title.vi, "path": urls::page(&p.slug), "slug": p.slug})).collect();
        let online = site.procedures.iter().filter(|p| p.base_level >= 3).count();
        let c = &site.config;
        let mut base = tera::Context::new();
        base.insert("lang", "vi");
        base.insert("t", t);
        base.insert("base", &c.base_path);
        base.insert(
            "site",
            &json!({
                "title": c.title.vi, "description": c.description.vi, "base_url": c.base_url,
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
            let size = view::file_size(out.size_of(&p.path)?);
            Some(PrintItem { title: p.title, code: p.code, path: p.path, format: p.format, size })
        };
        let leaflets = site.procedures.iter().map(|p| {
            let path = super::print::leaflet_path(&p.slug);
            out.size_of(&path).map(|n| PrintItem { title: tr(t, "print_leaflet").into(), code: None, path, format: tr(t, if site.config.print_paper == "A5" { "print_format_leaflet_a5" } else { "print_format_leaflet_a4" }).into(), size: view::file_size(n) })
        }).collect();
        let print_groups = super::print::product_groups(site, t)
            .into_iter()
            .map(|g| PrintGroup { key: g.key, title: g.title, intro: g.intro, items: g.items.into_iter().filter_map(item).collect() })
            .filter(|g| !g.items.is_empty())
            .collect();
        let mut shared = Shared { site, t, base, rows, by_stage, fragments: Vec::new(), print_groups, leaflets };
        shared.fragments = shared.render_fragments(ctx)?;
        Ok(shared)
    }

    /// Renders each procedure's row, journey item and sidebar link once.
    fn render_fragments(&self, ctx: &RenderCtx) -> Result<Vec<Fragments>, Diagnostic> {
        let mut or_before = vec![false; self.rows.len()];
        for ix in &self.by_stage {
            for k in 1..ix.len() {
                // "or" between journey neighbours that can replace each other.
                or_before[ix[k]] = self.site.procedures[ix[k]].alternatives.contains(&self.rows[ix[k - 1]].code);
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
    fn render_job(&self, job: &Job, ctx: &RenderCtx, c: &mut tera::Context, buf: &mut Vec<u8>) -> Result<(String, Option<&'a std::path::Path>), Diagnostic> {
        let site = self.site;
        let (template, path, title) = match *job {
            Job::Home => ("index.html", String::new(), site.config.title.vi.clone()),
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
                ("stage.html", urls::stage(&s.key), format!("{} {}: {}", tr(self.t, "stage_n"), s.number, s.title.vi))
            }
            Job::Fields => ("fields.html", urls::FIELDS.into(), tr(self.t, "fields").into()),
            Job::Field(i) => {
                let f = &site.fields[i];
                c.insert("field_index", &i);
                c.insert("rows_html", &self.joined((0..self.rows.len()).filter(|&j| self.rows[j].field == i), |f| &f.row));
                ("field.html", urls::field(&f.key), f.title.vi.clone())
            }
            Job::Levels => ("levels.html", urls::LEVELS.into(), tr(self.t, "levels").into()),
            Job::Level(i) => {
                let l = &site.levels[i];
                c.insert("level_index", &i);
                c.insert("rows_html", &self.joined((0..self.rows.len()).filter(|&j| self.rows[j].level == i), |f| &f.row));
                ("level.html", urls::level(&l.key), l.label.vi.clone())
            }
            Job::Page(i) => {
                let p = &site.pages[i];
                c.insert("page", p);
                c.insert("description", &p.description.as_deref().map(|d| text::shorten(d, 200)));
                ("page.html", urls::page(&p.slug), p.title.vi.clone())
            }
            Job::Search => ("search.html", urls::SEARCH.into(), tr(self.t, "search").into()),
            Job::Data => ("data.html", urls::DATA.into(), tr(self.t, "open_data").into()),
            Job::Print => {
                c.insert("print_groups", &self.print_groups);
                ("print.html", urls::PRINT.into(), tr(self.t, "print_page").into())
            }
            Job::NotFound => ("404.html", "404.html".into(), tr(self.t, "not_found_title").into()),
            Job::Procedure(i) => {
                let p = &site.procedures[i];
                self.procedure_context(p, c);
                c.insert("description", &text::shorten(&p.summary.plain, 200));
                ("procedure.html", urls::procedure(&p.slug), p.title.vi.clone())
            }
        };
        c.insert("title", &title);
        c.insert("nav", nav_key(site, &path));
        c.insert("path", &path);
        c.insert("canonical", &format!("{}{}", site.config.base_url, if path == "404.html" { "" } else { &path }));
        if !matches!(job, Job::Page(_) | Job::Procedure(_)) {
            c.insert("description", &None::<String>);
        }
        ctx.theme.tera.render_to(template, c, &mut *buf).map_err(|e| {
            Diagnostic::new("template", format!("rendering {template} for /{path}: {}", tera_error_chain(&e))).hint("check the template: a variable it uses may be missing")
        })?;
        let source = match *job {
            Job::Procedure(i) => Some(site.procedures[i].source.as_path()),
            Job::Page(i) => Some(site.pages[i].source.as_path()),
            _ => None,
        };
        Ok((urls::file(&path), source))
    }

    fn procedure_context(&self, p: &Procedure, c: &mut tera::Context) {
        let site = self.site;
        let t = self.t;
        let rows_for = |codes: &[String]| -> Vec<LinkRow> { codes.iter().filter_map(|code| site.by_code.get(code)).map(|&i| LinkRow::from(&self.rows[i])).collect() };
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
            .map(|ch| json!({"kind": ch.kind, "label": tr(t, &format!("channel_{}", ch.kind.key())), "time": time_text(ch, t), "fee": fee_text(ch, t), "note": ch.note}))
            .collect();
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
        c.insert("json_ld", &json_ld(site, p, t));
        c.insert("leaflet", &self.leaflets[site.by_code[&p.code]]);
    }
}

/// The navigation states the header is rendered for: the sections the main
/// menu marks as current, each menu page, and "-" for everything else.
/// Navigation key of the home page (an empty key would not index a map in Tera).
const HOME_NAV: &str = "index";

fn nav_keys(site: &Site) -> Vec<String> {
    let mut keys: Vec<String> = [HOME_NAV, urls::CATALOGUE, urls::JOURNEY, urls::LEVELS, "-"].iter().map(|s| s.to_string()).collect();
    keys.extend(site.pages.iter().map(|p| urls::page(&p.slug)));
    keys
}

fn nav_key<'s>(site: &Site, path: &'s str) -> &'s str {
    for section in [urls::CATALOGUE, urls::JOURNEY, urls::LEVELS] {
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

fn render_partial(ctx: &RenderCtx, name: &str, c: &tera::Context) -> Result<String, Diagnostic> {
    ctx.theme.tera.render(name, c).map_err(|e| Diagnostic::new("template", format!("rendering {name}: {}", tera_error_chain(&e))))
}

/// schema.org GovernmentService with one ServiceChannel per channel.
fn json_ld(site: &Site, p: &Procedure, t: &Strings) -> String {
    let url = format!("{}{}", site.config.base_url, urls::procedure(&p.slug));
    let channels: Vec<_> = p
        .channels
        .iter()
        .map(|ch| {
            let mut v = json!({
                "@type": "ServiceChannel",
                "name": tr(t, &format!("channel_{}", ch.kind.key())),
                "description": format!("{}: {}; {}: {}", tr(t, "processing_time"), time_text(ch, t), tr(t, "fee"), fee_text(ch, t)),
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
        "name": p.title.vi,
        "alternateName": p.title.en,
        "identifier": p.code,
        "description": p.summary.plain,
        "url": url,
        "serviceType": site.fields[p.field].title.vi,
        "provider": {"@type": "GovernmentOrganization", "name": site.config.organisation.name.vi},
        "audience": p.applicants.iter().map(|a| json!({"@type": "Audience", "audienceType": a})).collect::<Vec<_>>(),
        "availableChannel": channels,
        "isRelatedTo": p.related.iter().filter_map(|c| site.procedure_by_code(c)).map(|q| json!({"@type": "GovernmentService", "name": q.title.vi, "identifier": q.code, "url": format!("{}{}", site.config.base_url, urls::procedure(&q.slug))})).collect::<Vec<_>>(),
    });
    // `</` would end the script element early.
    serde_json::to_string(&ld).unwrap_or_default().replace("</", "<\\/")
}

/// Escapes the five HTML-significant characters. Tera's default also escapes
/// `/`, which turns every URL into `&#x2F;` soup.
fn escape_html(s: &str) -> String {
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
    // "2024-05-31" → "31/05/2024"
    tera.register_filter("vn_date", |v: &tera::Value, _: &HashMap<String, tera::Value>| {
        let s = v.as_str().unwrap_or_default();
        let parts: Vec<&str> = s.split('-').collect();
        Ok(tera::Value::String(if parts.len() == 3 { format!("{}/{}/{}", parts[2], parts[1], parts[0]) } else { s.to_string() }))
    });
}
