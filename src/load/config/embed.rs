//! site.toml `[embed]`: which views other portals can embed, their brand colour
//! (warned when white text on it is too faint) and whether cards carry a QR code.

use crate::diag::{Diagnostic, SourceText};
use crate::levels;
use crate::model::EmbedConfig;
use crate::schema;
use crate::schema::site::RawEmbed;

/// The brand colour the embed views use when `[embed] brand_colour` is not given (the site's header band).
pub const EMBED_BRAND_DEFAULT: &str = "#9b1c1c";

/// `[embed]`: known view names, a `#rrggbb` brand colour (warned when white text on it is below 4.5:1).
pub(super) fn embed(
    raw: Option<&RawEmbed>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) -> EmbedConfig {
    let Some(e) = raw else {
        let views = schema::EMBED_VIEWS.iter().map(|v| v.to_string()).collect();
        return EmbedConfig { views, brand_colour: EMBED_BRAND_DEFAULT.into(), card_qr: false };
    };
    let mut views: Vec<String> = Vec::new();
    match &e.views {
        None => views.extend(schema::EMBED_VIEWS.iter().map(|v| v.to_string())),
        Some(list) => {
            for v in list {
                let name = v.get_ref();
                if !schema::EMBED_VIEWS.contains(&name.as_str()) {
                    let mut d = Diagnostic::new("bad-value", format!("unknown embeddable view `{name}`"))
                        .at(src, v.span().start)
                        .field("embed.views");
                    d = match crate::diag::did_you_mean(name, schema::EMBED_VIEWS.iter().copied()) {
                        Some(m) => d.hint(format!("did you mean \"{m}\"?")),
                        None => d.hint(format!("the views are {}", schema::EMBED_VIEWS.join(", "))),
                    };
                    out.push(d);
                } else if views.contains(name) {
                    out.push(
                        Diagnostic::new("bad-value", format!("view `{name}` is listed twice"))
                            .at(src, v.span().start)
                            .field("embed.views"),
                    );
                } else {
                    views.push(name.clone());
                }
            }
        }
    }
    let brand_colour = match &e.brand_colour {
        None => EMBED_BRAND_DEFAULT.to_string(),
        Some(c) => {
            let hex = c.get_ref().trim();
            let valid = hex.len() == 7 && hex.starts_with('#') && levels::parse_hex(hex).is_some();
            if !valid {
                out.push(
                    Diagnostic::new("bad-value", format!("`{hex}` is not a colour as #rrggbb"))
                        .at(src, c.span().start)
                        .field("embed.brand_colour")
                        .hint(format!("write six hex digits after #, e.g. \"{EMBED_BRAND_DEFAULT}\"")),
                );
            } else if levels::contrast(hex, "#ffffff") < 4.5 {
                warnings.push(
                    Diagnostic::new(
                        "low-contrast",
                        format!(
                            "white text on {hex} has a contrast of {:.1}:1, below the 4.5:1 WCAG AA asks for",
                            levels::contrast(hex, "#ffffff")
                        ),
                    )
                    .at(src, c.span().start)
                    .field("embed.brand_colour")
                    .hint("choose a darker colour"),
                );
            }
            hex.to_ascii_lowercase()
        }
    };
    EmbedConfig { views, brand_colour, card_qr: e.card_qr.unwrap_or(false) }
}
