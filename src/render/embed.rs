//! Embeddable views for other portals (issue 17): the catalogue, the journey,
//! the statistics summary and one card per procedure, each a small page of
//! its own under `nhung/` (and `en/nhung/`) that another site shows in an
//! iframe. They share no chrome with the site: their own CSS
//! (`static/css/embed.css`, plus `nhung/colours.css` with the level and brand
//! colours), one script (`static/js/embed.js`: the height message to the
//! host, the catalogue filters) and no inline script or style, so they work
//! under a strict Content-Security-Policy. The staff page that lists them
//! with their snippets (`nhung/`) is an ordinary page of the site
//! (`staff`, rendered by `html`).

use super::lang::{self, Lang};
use super::view::{self, Row, Strings, tr};
use super::{RenderCtx, Renderer, urls};
use crate::diag::Diagnostic;
use crate::model::{ChannelKind, Procedure, Site};
use crate::sink::{Produced, Sink};
use crate::theme::tera_error_chain;
use rayon::prelude::*;
use serde_json::{Value, json};

mod staff;
pub use staff::staff;

pub struct EmbedRenderer;

/// The views, by `[embed] views` name: (name, folder under `nhung/`, UI string of its title).
pub const VIEWS: &[(&str, &str, &str)] = &[
    ("catalogue", "thu-tuc", "catalogue"),
    ("journey", "hanh-trinh", "journey"),
    ("statistics", "thong-ke", "embed_statistics_title"),
];

/// The iframe attributes the snippets give: the issue's `allow-scripts
/// allow-popups`; `allow-popups-to-escape-sandbox` so a page opened in a new
/// window is not sandboxed itself; `allow-top-navigation-by-user-activation`
/// so that a click (and only a click) opens the full page in the portal's own
/// window (`embed.js`). Under the issue's sandbox alone links open in a new
/// window (`target="_blank"`, the markup's default).
pub const SANDBOX: &str =
    "allow-scripts allow-popups allow-popups-to-escape-sandbox allow-top-navigation-by-user-activation";

impl Renderer for EmbedRenderer {
    fn name(&self) -> &'static str {
        "embed"
    }

    fn estimate(&self, site: &Site) -> usize {
        if site.config.embed.views.is_empty() {
            return 0;
        }
        (site.procedures.len() * 2 + VIEWS.len()) * lang::editions(site).len() + 1
    }

    fn render(
        &self,
        site: &Site,
        ctx: &RenderCtx,
        _earlier: &Produced,
        out: &dyn Sink,
        progress: &(dyn Fn(u64) + Sync),
    ) {
        let e = &site.config.embed;
        if e.views.is_empty() {
            return;
        }
        out.put("embed", urls::EMBED_COLOURS, colours_css(site).as_bytes());
        progress(1);
        let stats = crate::stats::compute(site);
        for lang in lang::editions(site) {
            let Some(t) = ctx.theme.translations.get(lang.code()) else { continue };
            let rows: Vec<Row> = site.procedures.iter().map(|p| view::row(p, t, lang)).collect();
            let base = base_context(site, lang, t);
            for &(name, folder, title) in VIEWS {
                if !e.views.iter().any(|v| v == name) {
                    continue;
                }
                let mut c = base.clone();
                let full = match name {
                    "catalogue" => {
                        c.insert("rows", &rows);
                        urls::CATALOGUE
                    }
                    "journey" => {
                        match journey(site, ctx, lang, &rows) {
                            Ok(v) => c.insert("journey", &v),
                            Err(d) => return out.error(d),
                        }
                        urls::JOURNEY
                    }
                    _ => {
                        c.insert("st", &super::stats_view::page(site, &stats, lang, t, &rows));
                        urls::STATISTICS
                    }
                };
                let path = urls::embed_view(folder);
                page(site, ctx, out, lang, &mut c, (&format!("embed/{folder}.html"), &path, full, tr(t, title)));
                progress(1);
            }
            if e.views.iter().any(|v| v == "cards") {
                cards(site, ctx, out, lang, t, &base, progress);
            }
        }
    }
}

/// The context every embed page of an edition shares.
fn base_context(site: &Site, lang: Lang, t: &Strings) -> tera::Context {
    let c = &site.config;
    let mut base = tera::Context::new();
    base.insert("lang", lang.code());
    base.insert("t", t);
    base.insert("base", &format!("{}{}", c.base_path, lang.prefix()));
    base.insert("root", &c.base_path);
    base.insert("routes", &urls::template_routes());
    let online = site.procedures.iter().filter(|p| p.base_level >= 3).count();
    base.insert(
        "site",
        &json!({
            "title": lang.pick(&c.title).0, "org_name": lang.pick(&c.organisation.name).0,
            "target": format!("{} – {}", lang.percent(c.target_low), lang.percent(c.target_high)),
            "procedure_count": site.procedures.len(), "online_count": online,
        }),
    );
    let levels: Vec<Value> = site
        .levels
        .iter()
        .zip(view::level_counts(site, site.procedures.iter()))
        .map(|(l, n)| json!({"key": l.key, "label": lang.pick(&l.label).0, "path": urls::level(&l.key), "count": n}))
        .collect();
    base.insert("levels", &levels);
    let stages: Vec<Value> = site
        .stages
        .iter()
        .map(|s| json!({"key": s.key, "number": s.number, "title": lang.pick(&s.title).0, "path": urls::stage(&s.key)}))
        .collect();
    base.insert("stages", &stages);
    let fields: Vec<Value> = site.fields.iter().map(|f| json!({"title": lang.pick(&f.title).0})).collect();
    base.insert("fields", &fields);
    base.insert(
        "vi_mark",
        &if lang == Lang::Vi {
            String::new()
        } else {
            format!(r#" <span class="oe-vi-only">{}</span>"#, crate::filters::escape_html(tr(t, "only_vi")))
        },
    );
    base
}

/// Renders one embed page: (template, its path, the full page it stands for, title).
fn page(site: &Site, ctx: &RenderCtx, out: &dyn Sink, lang: Lang, c: &mut tera::Context, p: (&str, &str, &str, &str)) {
    let (template, path, full, title) = p;
    c.insert("title", title);
    c.insert("full", full);
    c.insert("canonical", &format!("{}{}{full}", site.config.base_url, lang.prefix()));
    match ctx.theme.tera.render(template, c) {
        Ok(html) => out.put_html("embed", &urls::file(&format!("{}{path}", lang.prefix())), html.as_bytes(), None),
        Err(e) => out
            .error(Diagnostic::new("template", format!("rendering {template} for /{path}: {}", tera_error_chain(&e)))),
    }
}

/// The journey view's data: each stage with its procedures, and the inline diagram.
fn journey(site: &Site, ctx: &RenderCtx, lang: Lang, rows: &[Row]) -> Result<Value, Diagnostic> {
    let mut by_stage: Vec<Vec<&Row>> = vec![Vec::new(); site.stages.len()];
    for r in rows {
        by_stage[r.stage].push(r);
    }
    for list in &mut by_stage {
        list.sort_by_key(|r| r.journey_index);
    }
    let diagram = super::diagrams::inline_diagram(site, ctx, lang, &site.config.base_path)
        .map_err(|e| Diagnostic::new("diagram", e))?
        .map(|mut d| {
            // Block links open a new window, as every link of the views does.
            d.svg = d.svg.replace("<a href=", r#"<a target="_blank" href="#);
            d
        });
    let stages: Vec<Value> = by_stage
        .iter()
        .map(|list| {
            let (optional, required): (Vec<&&Row>, Vec<&&Row>) = list.iter().partition(|r| r.optional);
            json!({"required": required, "optional": optional})
        })
        .collect();
    Ok(json!({"stages": stages, "diagram": diagram}))
}

/// One card per procedure, and its QR code when `card_qr` is on.
fn cards(
    site: &Site,
    ctx: &RenderCtx,
    out: &dyn Sink,
    lang: Lang,
    t: &Strings,
    base: &tera::Context,
    progress: &(dyn Fn(u64) + Sync),
) {
    let qr = site.config.embed.card_qr;
    site.procedures.par_iter().for_each_init(
        || base.clone(),
        |c, p| {
            let path = urls::embed_card(&p.slug);
            let full = urls::procedure(&p.slug);
            // The code a phone scans opens the published site, also in `serve` (whose own
            // address a phone cannot reach): site.toml's address, as on the print products.
            let url = format!("{}{}{full}", site.config.print_base_url, lang.prefix());
            if qr {
                match super::print::qr_svg(&url, ctx.memo, ctx.cache) {
                    Ok(svg) => out.put("embed", &format!("{}{path}qr.svg", lang.prefix()), &svg),
                    Err(e) => out.error(Diagnostic::new("qr", e)),
                }
            }
            c.insert("card", &card(site, p, t, lang, qr));
            let title = lang.pick(&p.title).0.to_string();
            page(site, ctx, out, lang, c, ("embed/card.html", &path, &full, &title));
            progress(2);
        },
    );
}

/// What a card shows: title, code, level, time and fee per channel, where to file online.
fn card(site: &Site, p: &Procedure, t: &Strings, lang: Lang, qr: bool) -> Value {
    let (title, vi_only) = lang.pick(&p.title);
    let l = &site.levels[p.level];
    let online_url =
        p.online_url.as_deref().or(if p.base_level >= 3 { site.config.portal_url.as_deref() } else { None });
    // Channels with the same time and fee share a line, as on the procedure page.
    let mut times: Vec<(Vec<String>, String, String, bool)> = Vec::new();
    for ch in &p.channels {
        let time = view::time_short_in(ch, t, lang);
        let (fee, source) = view::fee_short_in(ch, t, lang);
        let label = tr(t, &format!("channel_{}", ch.kind.key())).to_string();
        match times.iter_mut().find(|r| r.1 == time && r.2 == fee) {
            Some(r) if !r.0.contains(&label) => r.0.push(label),
            Some(_) => {}
            None => times.push((vec![label], time, fee, source != view::FeeSource::Amount)),
        }
    }
    let times: Vec<Value> = times
        .into_iter()
        .map(|(labels, time, fee, fee_vi)| json!({"channels": labels.join(", "), "time": time, "fee": fee, "fee_vi": fee_vi && lang != Lang::Vi}))
        .collect();
    json!({
        "code": p.code, "title": title, "vi_only": vi_only,
        "level": {"key": l.key, "label": lang.pick(&l.label).0, "path": urls::level(&l.key)},
        "online": p.channel(ChannelKind::Online).is_some() || p.base_level >= 3,
        "online_url": online_url, "times": times, "qr": qr,
    })
}

/// `nhung/colours.css`: the level colours and the brand colour as custom properties (no inline style in the pages).
fn colours_css(site: &Site) -> String {
    let e = &site.config.embed;
    let mut css = String::from("/* The site's level and brand colours (site.toml), for the embeddable views. */\n");
    css.push_str(&format!(".oe {{ --oe-brand: {}; }}\n", e.brand_colour));
    for l in &site.levels {
        css.push_str(&format!(".oe .lv-{} {{ --fill: {}; --on-fill: {}; }}\n", l.key, l.colour, l.text_colour));
    }
    css
}

#[cfg(test)]
mod tests {
    #[test]
    fn views_have_their_own_folders() {
        let folders: Vec<&str> = super::VIEWS.iter().map(|v| v.1).collect();
        assert!(!folders.contains(&"the"), "the cards' folder is taken by a view");
        let names: Vec<&str> = super::VIEWS.iter().map(|v| v.0).collect();
        assert_eq!(names, ["catalogue", "journey", "statistics"], "keep in step with schema::EMBED_VIEWS");
    }
}
