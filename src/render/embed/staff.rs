//! The staff page `nhung/`: each embeddable view with a live preview and the
//! snippets to paste into another portal (an iframe with the host script that
//! sets its height, and a plain link for editors that take no iframe).

use super::super::lang::Lang;
use super::super::urls;
use super::super::view::{Strings, tr};
use super::{SANDBOX, VIEWS};
use crate::model::Site;
use serde_json::{Value, json};

/// Initial iframe heights (CSS pixels), before the first height message arrives.
fn start_height(view: &str) -> u32 {
    match view {
        "catalogue" | "journey" => 900,
        "statistics" => 600,
        _ => 420,
    }
}

/// The iframe snippet: the frame, then the host script that sets its height.
fn iframe_snippet(site: &Site, src: &str, title: &str, height: u32) -> String {
    let esc = crate::filters::escape_html;
    format!(
        "<iframe src=\"{}\" title=\"{}\" height=\"{height}\" style=\"width:100%;border:0\" loading=\"lazy\"\n  sandbox=\"{SANDBOX}\" data-onestop-embed></iframe>\n<script src=\"{}{}js/embed-host.js\" defer></script>",
        esc(src),
        esc(title),
        esc(&site.config.base_url),
        urls::STATIC,
    )
}

fn link_snippet(href: &str, text: &str) -> String {
    let esc = crate::filters::escape_html;
    format!("<a href=\"{}\">{}</a>", esc(href), esc(text))
}

/// One view on the staff page.
fn item(site: &Site, lang: Lang, t: &Strings, view: &str, path: &str, full: &str, title: &str) -> Value {
    let abs = |p: &str| format!("{}{}{p}", site.config.base_url, lang.prefix());
    json!({
        "key": view,
        "title": title,
        "intro": tr(t, &format!("embed_intro_{view}")),
        "preview": path,
        "height": start_height(view),
        "url": abs(path),
        "iframe": iframe_snippet(site, &abs(path), title, start_height(view)),
        "link": link_snippet(&abs(full), title),
    })
}

/// The staff page's data: the configured views, then the cards (one example, the pattern and the list).
pub fn staff(site: &Site, lang: Lang, t: &Strings) -> Value {
    let e = &site.config.embed;
    let views: Vec<Value> = VIEWS
        .iter()
        .filter(|(name, ..)| e.views.iter().any(|v| v == name))
        .map(|&(name, folder, title)| {
            let full = match name {
                "catalogue" => urls::CATALOGUE,
                "journey" => urls::JOURNEY,
                _ => urls::STATISTICS,
            };
            item(site, lang, t, name, &urls::embed_view(folder), full, tr(t, title))
        })
        .collect();
    let cards = (e.views.iter().any(|v| v == "cards")).then(|| {
        let list: Vec<Value> = site
            .procedures
            .iter()
            .map(|p| {
                let title = lang.pick(&p.title).0;
                json!({"code": p.code, "title": title, "vi_only": lang.pick(&p.title).1, "path": urls::embed_card(&p.slug),
                       "item": item(site, lang, t, "card", &urls::embed_card(&p.slug), &urls::procedure(&p.slug), title)})
            })
            .collect();
        let pattern = format!("{}{}{}", site.config.base_url, lang.prefix(), urls::embed_card("…"));
        json!({"example": list.first().map(|c| &c["item"]), "list": list, "pattern": pattern})
    });
    json!({"views": views, "cards": cards, "sandbox": SANDBOX, "enabled": !e.views.is_empty()})
}
