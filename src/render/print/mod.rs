//! Print products, typeset with typst: a leaflet per procedure
//! (`in-an/<slug>.pdf`), the general "how to file online" leaflet, the
//! procedure catalogue for the office wall (A4 landscape) and an A1 poster.
//!
//! Templates are the theme's `print/*.typ` (a site overrides them by path).
//! Each product's data goes in as the virtual file `/data.json`, its QR code
//! as `/qr.svg`; the templates read them with `json(..)` and `image(..)`, so
//! record text is never evaluated as markup. Products are cached by a hash of
//! everything they depend on (data, templates, fonts): an unchanged record's
//! leaflet is not typeset again.

pub mod annex;
mod data;
mod docx;
pub mod markup;
mod qr;
/// An SVG QR code for a URL (the embeddable cards use it too).
pub use qr::svg_remembered as qr_svg;
mod template_errors;

use super::lang::{self, Lang};
use super::view::Strings;
use super::{RenderCtx, Renderer};
use crate::cache::KeyBuilder;
use crate::diag::Diagnostic;
use crate::model::{Page, Procedure, Site};
use crate::sink::{Produced, Sink};
use onestop_print::{Assets, PrintWorld, workers};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use template_errors::TemplateErrors;

pub use data::vn_date;

/// Output folder of the print products (and the URL of the print page).
pub const DIR: &str = super::urls::PRINT;
/// The Markdown page the general leaflet is made from.
pub const GUIDE_PAGE: &str = "huong-dan-nop-truc-tuyen";
pub const GUIDE_PATH: &str = "in-an/huong-dan-nop-truc-tuyen.pdf";
pub const CATALOGUE_PATH: &str = "in-an/danh-muc-thu-tuc-a4.pdf";
pub const POSTER_PATH: &str = "in-an/danh-muc-thu-tuc-a1.pdf";
/// Bump when the renderer's output changes for the same data and templates.
const FORMAT: &str = "print-v2";
/// Products typeset between two evictions of typst's memo cache (see
/// `workers`): 2 keeps it smallest and costs least CPU at 100 records.
const EVICT_EVERY: usize = 2;
/// Table rows a product gets in `onestop check`, which typesets only to find template errors.
const CHECK_ROWS: usize = 50;

/// The leaflet of a procedure in an edition: `in-an/<slug>.pdf`, the
/// English one under `en/in-an/`.
pub fn leaflet_path(lang: Lang, slug: &str) -> String {
    format!("{}{DIR}{slug}.pdf", lang.prefix())
}

/// One print product for the print page: title (UI string key or text), file.
#[derive(Serialize, Clone, Debug)]
pub struct Product {
    pub title: String,
    /// Code of the procedure, for leaflets.
    pub code: Option<String>,
    /// Output path (site-relative).
    pub path: String,
    /// Paper, e.g. "A4, 2 trang".
    pub format: String,
    /// The title is Vietnamese text (on an English page).
    pub title_vi: bool,
    /// The product itself is in Vietnamese only (on an English page).
    pub vi_only: bool,
}

/// Products grouped by kind, in the order the print page shows them. The
/// website lists them (with sizes) on `/in-an/`; more groups (the diagram
/// posters) are one more entry.
#[derive(Serialize, Clone, Debug)]
pub struct Group {
    pub key: &'static str,
    pub title: String,
    pub intro: String,
    pub items: Vec<Product>,
}

/// The products of an edition's print page. The English edition has its own
/// leaflets; the office products and posters exist in Vietnamese only and
/// say so.
pub fn product_groups(site: &Site, t: &Strings, lang: Lang) -> Vec<Group> {
    let tr = |k: &str| super::view::tr(t, k).to_string();
    let en = lang != Lang::Vi;
    let office = office_products(site, &tr, en);
    let paper = if site.config.print_paper == "A5" { "print_format_leaflet_a5" } else { "print_format_leaflet_a4" };
    let leaflets = site
        .procedures
        .iter()
        .map(|p| {
            let (title, title_vi) = lang.pick(&p.title);
            Product {
                title: title.to_string(),
                code: Some(p.code.clone()),
                path: leaflet_path(lang, &p.slug),
                format: tr(paper),
                title_vi,
                vi_only: false,
            }
        })
        .collect();
    let posters = poster_products(site, &tr, en);
    // The annexes to the Board's decisions: each as PDF and Word, side by side.
    let annexes = annex::annexes(site)
        .into_iter()
        .flat_map(|a| {
            let title = tr(a.title_key());
            [(a.pdf_path(), "print_format_annex_pdf"), (a.docx_path(), "print_format_annex_docx")].map(
                |(path, format)| Product {
                    title: title.clone(),
                    code: None,
                    path: path.into(),
                    format: tr(format),
                    title_vi: false,
                    vi_only: en,
                },
            )
        })
        .collect();
    vec![
        Group {
            key: "posters",
            title: tr("print_group_posters"),
            intro: tr("print_group_posters_intro"),
            items: posters,
        },
        Group { key: "office", title: tr("print_group_office"), intro: tr("print_group_office_intro"), items: office },
        Group {
            key: "annexes",
            title: tr("print_group_annexes"),
            intro: tr("print_group_annexes_intro"),
            items: annexes,
        },
        Group {
            key: "leaflets",
            title: tr("print_group_leaflets"),
            intro: tr("print_group_leaflets_intro"),
            items: leaflets,
        },
    ]
}

/// The guide and the two catalogues.
fn office_products(site: &Site, tr: &dyn Fn(&str) -> String, en: bool) -> Vec<Product> {
    let mut office = Vec::new();
    if let Some(page) = guide_page(site) {
        office.push(Product {
            title: page.title.vi.clone(),
            code: None,
            path: GUIDE_PATH.into(),
            format: tr("print_format_guide"),
            title_vi: en,
            vi_only: en,
        });
    }
    office.push(Product {
        title: tr("print_catalogue_a4"),
        code: None,
        path: CATALOGUE_PATH.into(),
        format: tr("print_format_catalogue"),
        title_vi: false,
        vi_only: en,
    });
    office.push(Product {
        title: tr("print_catalogue_a1"),
        code: None,
        path: POSTER_PATH.into(),
        format: tr("print_format_poster"),
        title_vi: false,
        vi_only: en,
    });
    office
}

/// The journey diagrams' posters (made by the diagrams renderer), PDF and PNG.
fn poster_products(site: &Site, tr: &dyn Fn(&str) -> String, en: bool) -> Vec<Product> {
    let mut posters = Vec::new();
    for d in &site.diagrams {
        let stem = super::diagrams::poster_stem(&d.name);
        let orientation = tr(if d.landscape { "print_landscape" } else { "print_portrait" });
        posters.push(Product {
            title: d.title.vi.clone(),
            code: None,
            path: format!("{stem}.pdf"),
            format: format!("PDF, {} {orientation}", d.paper.name()),
            title_vi: en,
            vi_only: en,
        });
        posters.push(Product {
            title: d.title.vi.clone(),
            code: None,
            path: format!("{stem}.png"),
            format: format!("PNG, {} {orientation}, {} dpi", d.paper.name(), d.dpi),
            title_vi: en,
            vi_only: en,
        });
    }
    posters
}

/// Warnings for print products that would carry an address nobody can
/// open: a placeholder or local `base_url` (every QR code and printed
/// address is built on it) or one generic `online_url` shared by many
/// records. `build` and `check` print them with the content warnings; they
/// are warnings, not errors.
pub fn print_address_warnings(site: &Site) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let host = |url: &str| -> String {
        let rest = url.split_once("://").map_or(url, |(_, r)| r);
        rest.split(['/', ':']).next().unwrap_or_default().to_ascii_lowercase()
    };
    let placeholder = |h: &str| {
        h == "localhost"
            || h.starts_with("127.")
            || h.starts_with("10.")
            || h.starts_with("192.168.")
            || (h.starts_with("172.")
                && h.split('.').nth(1).and_then(|n| n.parse::<u8>().ok()).is_some_and(|n| (16..32).contains(&n)))
            || h.split('.').any(|label| label == "example")
            || h.ends_with(".local")
            || h.ends_with(".test")
    };
    let base = &site.config.print_base_url;
    if placeholder(&host(base)) {
        out.push(
            Diagnostic::new(
                "print-address",
                format!("base_url {base} is a placeholder or local address: every leaflet's QR code and printed address would lead nowhere"),
            )
            .hint("set base_url in site.toml to the site's public address before printing"),
        );
    }
    let mut shared: BTreeMap<&str, usize> = BTreeMap::new();
    for p in &site.procedures {
        if let Some(u) = p.online_url.as_deref() {
            *shared.entry(u).or_default() += 1;
        }
    }
    for (url, n) in shared {
        if n >= 5 && n * 2 > site.procedures.len() {
            out.push(
                Diagnostic::new(
                    "print-address",
                    format!("{n} of {} records share the online_url {url}: a reader lands on a generic page", site.procedures.len()),
                )
                .hint("give each record the portal address of its own procedure, or leave online_url out to use portal_url"),
            );
        }
    }
    out
}

fn guide_page(site: &Site) -> Option<&Page> {
    site.pages.iter().find(|p| p.slug == GUIDE_PAGE)
}

pub struct PrintRenderer;

/// One product to typeset.
enum Job<'a> {
    /// A procedure's leaflet in one edition, with its UI strings.
    Leaflet(&'a Procedure, Lang, &'a Strings),
    Guide(&'a Page),
    Catalogue,
    Poster,
    /// An annex to the Board's decisions as PDF, and as Word document.
    Annex(annex::Annex),
    AnnexWord(annex::Annex),
}

impl Renderer for PrintRenderer {
    fn name(&self) -> &'static str {
        "print"
    }

    fn estimate(&self, site: &Site) -> usize {
        site.procedures.len() * lang::editions(site).len()
            + 2
            + usize::from(guide_page(site).is_some())
            + 2 * annex::annexes(site).len()
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        let strings = match edition_strings(site, ctx) {
            Ok(s) => s,
            Err(d) => return out.error(d),
        };
        let t = strings[0].1;
        let (fonts, templates) = print_inputs(ctx);
        let assets = Assets::new(&fonts, &templates);
        if assets.font_count() == 0 {
            return out.error(
                Diagnostic::new("no-fonts", "the theme has no fonts under static/fonts/: print products need them")
                    .hint("restore themes/default/static/fonts/ (Be Vietnam Pro)"),
            );
        }
        // Everything every product depends on besides its own data.
        let mut base = KeyBuilder::new(FORMAT);
        for (name, text) in &templates {
            base.add_str(name).add_str(text);
        }
        for f in &fonts {
            base.add(f);
        }
        let base = base.finish();
        let origins: HashMap<String, PathBuf> =
            ctx.theme.print_files.iter().map(|(k, f)| (k.clone(), f.origin.clone())).collect();
        let edition = site.config.edition.as_deref();

        let jobs = jobs(site, &strings, ctx.writes);
        let template_errors = TemplateErrors::default();
        let typeset = Typeset { site, origins: &origins, base: base.as_str() };
        let work = |world: &mut PrintWorld, index: usize, job: &Job| {
            if let Job::AnnexWord(a) = job {
                put_word(site, t, *a, ctx, out);
                progress(1);
                return;
            }
            let (path, template, mut data, qr_url) = job_input(site, t, job);
            if !ctx.writes
                && let Some(rows) = data.get_mut("rows").and_then(serde_json::Value::as_array_mut)
            {
                // `onestop check` typesets to find template errors: a few
                // rows show them as well as all of them (the guide's table of
                // every online procedure took 5 s and 800 MB at 10,000 records).
                rows.truncate(CHECK_ROWS);
            }
            let source = match job {
                Job::Leaflet(p, ..) => Some(p.source.clone()),
                Job::Guide(page) => Some(page.source.clone()),
                _ => None,
            };
            let key_kind = if matches!(job, Job::Leaflet(..)) { "leaflet" } else { "print" };
            match typeset.product(world, ctx, key_kind, &path, template, &data, qr_url.as_deref()) {
                Ok(pdf) => out.put("print", &path, &pdf),
                // Typeset in the background (`serve`): the last good build's copy until then.
                Err(d) if d.code == crate::cache::DEFERRED => {
                    if let Some(old) = ctx.cache.previous(&path) {
                        out.put("print", &path, &old)
                    }
                }
                Err(mut d) => match template_errors.key(&d, template, &path, &origins) {
                    Some(key) => template_errors.add(key, index, d, source),
                    None => {
                        if d.file.is_none() {
                            d.file = source;
                        }
                        out.error(d)
                    }
                },
            }
            progress(1);
        };
        // The products with a row per procedure (catalogues, guide, annexes)
        // are the longest (seconds at 1,000 records) and the largest (see
        // `heavy`): they come after the leaflets, one at a time. Beside
        // leaflets, a long product in flight would keep the memo cache from
        // being evicted (see `workers`); before them, what typst kept of it
        // stayed in the leaflets' heap (900 MiB instead of 300 at 5,000
        // records).
        let split = jobs.iter().take_while(|j| matches!(j, Job::Leaflet(..))).count();
        let (short, long) = jobs.split_at(split);
        let threads = rayon::current_num_threads();
        let init = || PrintWorld::new(assets.clone(), edition);
        let result = workers::run(short, threads, EVICT_EVERY, init, work).and_then(|()| {
            let _turn = super::heavy::turn();
            workers::run_one_by_one(long, init, |w, i, j| work(w, split + i, j))
        });
        if let Err(e) = result {
            out.error(Diagnostic::new("print", e));
        }
        for d in template_errors.into_diagnostics() {
            out.error(d);
        }
        // Nothing is typeset any more: a watch session does not keep the
        // last products' layouts between rebuilds.
        onestop_print::forget_layouts();
    }
}

/// Each edition's UI strings.
fn edition_strings<'a>(site: &Site, ctx: &RenderCtx<'a>) -> Result<Vec<(Lang, &'a Strings)>, Diagnostic> {
    lang::editions(site)
        .into_iter()
        .map(|lang| match ctx.theme.translations.get(lang.code()) {
            Some(t) => Ok((lang, t)),
            None => Err(Diagnostic::new("no-translations", format!("the theme has no i18n/{}.toml", lang.code()))),
        })
        .collect()
}

/// An annex as Word (no typst: made from the data alone), or in `serve` the
/// last good build's copy while it is made in the background.
fn put_word(site: &Site, t: &Strings, a: annex::Annex, ctx: &RenderCtx, out: &dyn Sink) {
    match annex::word(site, t, a, ctx) {
        Ok(bytes) => out.put("print", a.docx_path(), &bytes),
        Err(d) if d.code == crate::cache::DEFERRED => {
            if let Some(old) = ctx.cache.previous(a.docx_path()) {
                out.put("print", a.docx_path(), &old)
            }
        }
        Err(d) => out.error(d),
    }
}

/// The products of a build, longest first; `onestop check` (which writes
/// nothing) gets one product of each template.
fn jobs<'a>(site: &'a Site, strings: &[(Lang, &'a Strings)], writes: bool) -> Vec<Job<'a>> {
    // The leaflets, then the products with a row per procedure (see `render`).
    let mut jobs: Vec<Job> = Vec::new();
    for &(lang, t) in strings {
        jobs.extend(site.procedures.iter().map(|p| Job::Leaflet(p, lang, t)));
    }
    jobs.extend([Job::Catalogue, Job::Poster]);
    jobs.extend(guide_page(site).map(Job::Guide));
    jobs.extend(annex::annexes(site).into_iter().flat_map(|a| [Job::Annex(a), Job::AnnexWord(a)]));
    if !writes {
        // `onestop check` writes nothing: typeset one product of each
        // template to catch template errors, not every leaflet (record
        // text reaches typst as data, so it cannot break a template).
        let mut seen_leaflet = false;
        jobs.retain(|j| match j {
            Job::Leaflet(..) => !std::mem::replace(&mut seen_leaflet, true),
            Job::Catalogue | Job::Poster | Job::Annex(_) => site.procedures.len() <= 500,
            Job::Guide(_) => true,
            // Made from data alone: no template to check.
            Job::AnnexWord(_) => false,
        });
    }
    jobs
}

/// The theme's fonts and print templates, which every product depends on: the site's
/// web fonts (`static/fonts/`) and the print-only ones (`print/fonts/`, not copied into the site).
fn print_inputs(ctx: &RenderCtx) -> (Vec<Vec<u8>>, BTreeMap<String, String>) {
    let web = ctx.theme.static_files.iter().filter(|(k, _)| k.starts_with("fonts/") && crate::theme::is_font(k));
    let fonts = web.chain(&ctx.theme.print_fonts).map(|(_, v)| v.clone()).collect();
    let templates = ctx.theme.print_files.iter().map(|(k, f)| (k.clone(), f.text.clone())).collect();
    (fonts, templates)
}

/// What a job typesets: output path, template, data, and the QR code's target.
fn job_input(site: &Site, t: &Strings, job: &Job) -> (String, &'static str, serde_json::Value, Option<String>) {
    match job {
        Job::Leaflet(p, lang, t) => (
            leaflet_path(*lang, &p.slug),
            "leaflet.typ",
            data::leaflet(site, p, t, *lang),
            // Every leaflet's code opens the procedure's own page.
            Some(data::leaflet_target(site, p, *lang)),
        ),
        Job::Guide(page) => {
            (GUIDE_PATH.to_string(), "guide.typ", data::guide(site, t, page), site.config.portal_url.clone())
        }
        Job::Catalogue => {
            (CATALOGUE_PATH.to_string(), "catalogue.typ", data::catalogue(site, t), Some(data::catalogue_target(site)))
        }
        Job::Poster => {
            (POSTER_PATH.to_string(), "poster.typ", data::catalogue(site, t), Some(data::catalogue_target(site)))
        }
        Job::Annex(a) => (a.pdf_path().to_string(), a.template(), annex::data(site, t, *a), None),
        // Made without typst (`annex::word`), never asked for its input.
        Job::AnnexWord(a) => (a.docx_path().to_string(), "", serde_json::Value::Null, None),
    }
}

struct Typeset<'a> {
    site: &'a Site,
    /// Template file name (`leaflet.typ`) → the file it was read from.
    origins: &'a HashMap<String, PathBuf>,
    base: &'a str,
}

impl Typeset<'_> {
    /// The PDF of one product, from the cache or typeset now.
    #[allow(clippy::too_many_arguments)]
    fn product(
        &self,
        world: &mut PrintWorld,
        ctx: &RenderCtx,
        kind: &str,
        path: &str,
        template: &str,
        data: &serde_json::Value,
        qr_url: Option<&str>,
    ) -> Result<Vec<u8>, Diagnostic> {
        let json = serde_json::to_vec(data)
            .map_err(|e| Diagnostic::new("print", format!("{path}: cannot serialise the data: {e}")))?;
        // The path (`en/in-an/…`) and the data (its `lang`, its strings)
        // make the edition part of the key.
        let mut key = KeyBuilder::new(kind);
        key.add_str(self.base).add_str(template).add_str(path).add(&json).add_str(qr_url.unwrap_or_default());
        key.add_str(&self.site.config.print_standard);
        let key = key.finish();
        ctx.cache.get_or_render(kind, &key, || {
            let mut files = vec![("/data.json", json.clone())];
            if let Some(url) = qr_url {
                files.push(("/qr.svg", qr::svg(url).map_err(|e| Diagnostic::new("print", e))?));
            }
            if !world.set_product(template, files) {
                return Err(Diagnostic::new("print-template", format!("the theme has no print/{template}"))
                    .hint("restore it from the default theme (themes/default/print/)"));
            }
            self.compile(world, path)
        })
    }

    fn compile(&self, world: &PrintWorld, path: &str) -> Result<Vec<u8>, Diagnostic> {
        let config = &self.site.config;
        let ident = format!("{}{path}", config.print_base_url);
        world.typeset(&ident, &config.print_standard).map_err(|f| self.located(path, f))
    }

    /// A typesetting failure as a diagnostic, located in the template file it comes from.
    fn located(&self, path: &str, f: onestop_print::Failure) -> Diagnostic {
        let mut msg = format!("typesetting {path}: {}", f.message);
        for h in &f.hints {
            msg.push_str("; ");
            msg.push_str(h);
        }
        let mut d = Diagnostic::new("print-template", msg).hint("check the print template (themes/default/print/ or the site's print/); the data it reads is described in docs/print.md");
        if let Some(place) = f.at
            && let Some(origin) = self.origins.get(&place.template)
        {
            d.file = Some(origin.clone());
            if let Some((line, col)) = place.line_col {
                (d.line, d.col) = (line, col);
            }
        }
        d
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholder_addresses_are_warned() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut site = crate::load::load_site(root, None).unwrap();
        let w = super::print_address_warnings(&site);
        assert!(w.iter().any(|d| d.message.contains("thutuc.example.gov.vn")), "{w:?}");
        assert!(w.iter().any(|d| d.message.contains("share the online_url")), "{w:?}");
        site.config.print_base_url = "https://thutuc.hanam.gov.vn/".into();
        for p in &mut site.procedures {
            p.online_url = None;
        }
        assert!(super::print_address_warnings(&site).is_empty());
    }
}
