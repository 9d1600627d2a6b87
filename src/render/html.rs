//! The website: every HTML page, from the theme's Tera templates.
//!
//! A base context (site, levels, stages, fields, UI strings) is built once
//! and cloned per page; list pages get light `Row`s; procedure pages get the
//! full record plus derived views (documents by case, journey neighbours,
//! JSON-LD).

use super::lang::{self, Lang};
use super::view::{Row, Strings};
use super::{RenderCtx, Renderer, urls};
use crate::cache::{Key, KeyBuilder};
use crate::diag::Diagnostic;
use crate::model::Site;
use crate::sink::{Produced, Sink};
use crate::theme::tera_error_chain;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

mod base;
mod glance;
mod page;

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
    "faq",
    "proc_faq",
    "processes",
    "process_count",
    "embed",
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
    Faq,
    NotFound,
    /// The staff page of the embeddable views (`render::embed`).
    Embed,
}

impl Renderer for HtmlRenderer {
    fn name(&self) -> &'static str {
        "html"
    }

    fn estimate(&self, site: &Site) -> usize {
        (site.procedures.len() + site.stages.len() + site.fields.len() + site.levels.len() + site.pages.len() + 11)
            * lang::editions(site).len()
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
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
            let shared = match Shared::new(site, lang, &editions, t, &stats, ctx, earlier, None) {
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
                Job::Faq,
                Job::NotFound,
            ];
            if !site.config.embed.views.is_empty() {
                jobs.push(Job::Embed);
            }
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

/// The pages of the procedures `indices` in every edition, as (output path, bytes), rendered
/// without the memo and without the rest of the site: `serve` shows an edited record's page
/// this way before it rebuilds everything (`build::first_look`). `earlier`: the print products'
/// files, as the last build made them.
pub fn first_pages(
    site: &Site,
    ctx: &RenderCtx,
    earlier: &Produced,
    indices: &[usize],
) -> Result<Vec<(String, Vec<u8>)>, Diagnostic> {
    let stats = crate::stats::compute(site);
    let editions = lang::editions(site);
    let mut pages = Vec::new();
    for &lang in &editions {
        let Some(t) = ctx.theme.translations.get(lang.code()) else { continue };
        let shared = Shared::new(site, lang, &editions, t, &stats, ctx, earlier, Some(indices))?;
        let mut c = shared.base.clone();
        for &i in indices {
            let mut buf = Vec::new();
            let (path, _) = shared.render_job(&Job::Procedure(i), ctx, &mut c, &mut buf)?;
            pages.push((path, buf));
            for key in PAGE_KEYS {
                c.remove(key);
            }
        }
    }
    Ok(pages)
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

impl<'a> Shared<'a> {
    /// Renders each procedure's row, journey item and sidebar link once.
    /// Only the rows `wanted` marks when it is given (the others are left empty).
    fn render_fragments(&self, ctx: &RenderCtx, wanted: Option<&[bool]>) -> Result<Vec<Fragments>, Diagnostic> {
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
                    if wanted.is_some_and(|w| !w[i]) {
                        return Ok(Fragments { row: String::new(), journey: String::new(), sidebar: String::new() });
                    }
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
    use super::{PAGE_KEYS, script_json};

    /// A key a page inserts but `PAGE_KEYS` lacks leaks into the next page and is not
    /// hashed into the serve memo's page key (an edit would not re-render the page).
    #[test]
    fn every_key_a_page_inserts_is_a_page_key() {
        let page = include_str!("html/page.rs");
        let mut missing = Vec::new();
        for part in page.split("c.insert(\"").skip(1) {
            let key = &part[..part.find('"').unwrap()];
            if !PAGE_KEYS.contains(&key) {
                missing.push(key);
            }
        }
        assert!(missing.is_empty(), "add to PAGE_KEYS: {missing:?}");
    }

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
