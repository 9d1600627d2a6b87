//! `site.toml` → `SiteConfig`, the active level scheme, stages and fields.

mod embed;
mod feedback;

use super::{MdCtx, opt_string, parse_toml};
use crate::diag::{Diagnostic, SourceText};
use crate::levels::{self, LevelDef};
use crate::model::{Field, Level, Organisation, SiteConfig, Stage, Text, Unit};
use crate::schema::site::{OneOrMany, RawLevel, RawOrganisation, RawSite};
use crate::text;
use toml::Spanned;

/// What `site.toml` defines, ready for records to refer to.
pub struct Config {
    pub site: SiteConfig,
    pub levels: Vec<Level>,
    pub stages: Vec<Stage>,
    pub fields: Vec<Field>,
    pub units: Vec<Unit>,
    /// What site.toml gets past the checks but should change (no feedback route, a brand
    /// colour too light for white text), for `Site.warnings`.
    pub warnings: Vec<Diagnostic>,
}

pub fn load_config(src: &SourceText, base_url_override: Option<&str>, out: &mut Vec<Diagnostic>) -> Option<Config> {
    let start = out.len();
    let raw: RawSite = parse_toml(src, 0, &src.text, out)?;
    let (base_url, base_path) = base_url(&raw, base_url_override, src, out);
    // Print products always use site.toml's address (`build` replaces it with
    // --base-url; `serve` leaves it): see `SiteConfig::print_base_url`.
    let mut print_base_url = raw.base_url.get_ref().trim().to_string();
    if !print_base_url.ends_with('/') {
        print_base_url.push('/');
    }
    let languages = languages(&raw, src, out);
    for (name, u) in [
        ("portal_url", &raw.portal_url),
        ("national_portal_url", &raw.national_portal_url),
        ("organisation.map_url", &raw.organisation.map_url),
    ] {
        if let Some(u) = u {
            check_http(u, name, src, out);
        }
    }
    let allow_html = raw.allow_html.unwrap_or(false);
    let md = MdCtx { src, allow_html, base_path: &base_path };
    let scheme = raw.level_scheme.clone().unwrap_or_else(|| "2011".into());
    let levels = levels(&raw, &scheme, &md, out);
    let stages = stages(&raw, &md, out);
    let fields = fields(&raw, &stages, src, out);
    let (target_low, target_high) = online_target(&raw, src, out);
    let units = units(&raw, src, out);
    let mut warnings = Vec::new();
    let org_email = raw.organisation.email.as_deref();
    let feedback = feedback::feedback(raw.feedback.as_ref(), org_email, src, out, &mut warnings);
    let embed = embed::embed(raw.embed.as_ref(), src, out, &mut warnings);
    let nfc_opt = |s: &Option<String>| s.as_deref().map(text::nfc);
    let site = SiteConfig {
        title: Text { vi: text::nfc(&raw.title), en: nfc_opt(&raw.title_en) },
        description: Text {
            vi: raw.description.as_deref().map(text::nfc).unwrap_or_default(),
            en: nfc_opt(&raw.description_en),
        },
        base_url,
        base_path,
        print_base_url,
        languages,
        level_scheme: scheme,
        portal_url: opt_string(&raw.portal_url),
        national_portal_url: opt_string(&raw.national_portal_url),
        online_services_decision: raw.online_services_decision.as_deref().map(text::nfc),
        allow_html,
        edition: raw.edition.map(|d| d.to_string()),
        print_paper: raw.print_paper.clone().unwrap_or_else(|| "A4".into()),
        print_standard: raw.print_standard.clone().unwrap_or_else(|| "pdf-ua-1".into()),
        organisation: organisation(&raw.organisation),
        feedback,
        target_low,
        target_high,
        abbreviations: abbreviations(&raw),
        embed,
    };
    if out.len() > start {
        return None;
    }
    Some(Config { site, levels, stages, fields, units, warnings })
}

/// The public address (always ending in `/`) and its path.
fn base_url(
    raw: &RawSite,
    base_url_override: Option<&str>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> (String, String) {
    let mut base_url = base_url_override.unwrap_or(raw.base_url.get_ref()).trim().to_string();
    let base_path = match url_path(&base_url) {
        Some(p) => p,
        None => {
            out.push(
                Diagnostic::new("bad-url", format!("`{base_url}` is not an absolute http(s) URL"))
                    .at(src, raw.base_url.span().start)
                    .field("base_url")
                    .hint("write the public address of the site, e.g. \"https://thutuc.example.gov.vn/\""),
            );
            "/".to_string()
        }
    };
    if !base_url.ends_with('/') {
        base_url.push('/');
    }
    (base_url, base_path)
}

fn languages(raw: &RawSite, src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<String> {
    let languages = raw.languages.as_ref().map(|l| l.get_ref().clone()).unwrap_or_else(|| vec!["vi".into()]);
    if let Some(l) = &raw.languages
        && (languages.first().map(String::as_str) != Some("vi") || languages.iter().any(|x| x != "vi" && x != "en"))
    {
        out.push(
            Diagnostic::new("bad-value", "languages must start with \"vi\" and may add \"en\"")
                .at(src, l.span().start)
                .field("languages")
                .hint("write languages = [\"vi\", \"en\"]"),
        );
    }
    languages
}

fn levels(raw: &RawSite, scheme: &str, md: &MdCtx, out: &mut Vec<Diagnostic>) -> Vec<Level> {
    let src = md.src;
    let nfc = |s: &str| text::nfc(s);
    let nfc_opt = |s: &Option<String>| s.as_deref().map(text::nfc);
    let defs: Vec<(LevelDef, Option<usize>)> = match scheme {
        "2022" => levels::scheme_2022().into_iter().map(|d| (d, None)).collect(),
        "custom" => match &raw.levels {
            Some(l) => custom_levels(l.get_ref(), l.span().start, src, out),
            None => {
                out.push(
                    Diagnostic::new("missing-key", "level_scheme = \"custom\" needs [[levels]] entries")
                        .in_file(&src.path)
                        .field("levels")
                        .hint("add one [[levels]] table per level, least online first, each with key, label, colour and covers"),
                );
                vec![]
            }
        },
        _ => levels::scheme_2011().into_iter().map(|d| (d, None)).collect(),
    };
    if scheme != "custom"
        && let Some(l) = &raw.levels
    {
        out.push(
            Diagnostic::new(
                "unused-levels",
                format!("[[levels]] is only used when level_scheme = \"custom\" (it is \"{scheme}\")"),
            )
            .at(src, l.span().start)
            .field("levels")
            .hint("set level_scheme = \"custom\" or remove the [[levels]] tables"),
        );
    }
    defs.into_iter()
        .map(|(d, at)| {
            let base = at.unwrap_or(0);
            let meaning = md.rich(&d.meaning, base, d.meaning_en.as_deref(), base, "levels.meaning", out);
            Level {
                text_colour: d.text_colour.clone().unwrap_or_else(|| levels::best_text_colour(&d.colour).to_string()),
                key: d.key,
                label: Text { vi: nfc(&d.label), en: nfc_opt(&d.label_en) },
                meaning,
                colour: d.colour.to_uppercase(),
                pattern: d.pattern,
                covers: d.covers,
            }
        })
        .collect()
}

fn stages(raw: &RawSite, md: &MdCtx, out: &mut Vec<Diagnostic>) -> Vec<Stage> {
    let src = md.src;
    let nfc = |s: &str| text::nfc(s);
    let nfc_opt = |s: &Option<String>| s.as_deref().map(text::nfc);
    let mut stages = Vec::new();
    for (i, s) in raw.stages.iter().enumerate() {
        check_key(&s.key, &format!("stages[{i}].key"), stages.iter().map(|x: &Stage| x.key.as_str()), src, out);
        let (sum, sum_at) = s.summary.as_ref().map_or((String::new(), 0), |m| (m.get_ref().clone(), m.span().start));
        let en = s.summary_en.as_ref();
        stages.push(Stage {
            key: s.key.get_ref().clone(),
            number: i + 1,
            title: Text { vi: nfc(&s.title), en: nfc_opt(&s.title_en) },
            summary: md.rich(
                &sum,
                sum_at,
                en.map(|m| m.get_ref().as_str()),
                en.map_or(0, |m| m.span().start),
                &format!("stages[{i}].summary"),
                out,
            ),
        });
    }
    if stages.is_empty() {
        out.push(
            Diagnostic::new("missing-key", "at least one [[stages]] entry is needed")
                .in_file(&src.path)
                .field("stages"),
        );
    }
    stages
}

fn fields(raw: &RawSite, stages: &[Stage], src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<Field> {
    let nfc = |s: &str| text::nfc(s);
    let nfc_opt = |s: &Option<String>| s.as_deref().map(text::nfc);
    let mut fields = Vec::new();
    for (i, f) in raw.fields.iter().enumerate() {
        check_key(&f.key, &format!("fields[{i}].key"), fields.iter().map(|x: &Field| x.key.as_str()), src, out);
        if let Some(st) = &f.stage
            && !stages.iter().any(|x: &Stage| &x.key == st.get_ref())
        {
            let keys = stages.iter().map(|x: &Stage| x.key.as_str());
            let hint = match crate::diag::did_you_mean(st.get_ref(), keys.clone()) {
                Some(m) => format!("did you mean \"{m}\"?"),
                None => format!("stages are: {}", keys.collect::<Vec<_>>().join(", ")),
            };
            out.push(
                Diagnostic::new("unknown-ref", format!("unknown stage `{}`", st.get_ref()))
                    .at(src, st.span().start)
                    .field(format!("fields[{i}].stage"))
                    .hint(hint),
            );
        }
        fields.push(Field {
            key: f.key.get_ref().clone(),
            title: Text { vi: nfc(&f.title), en: nfc_opt(&f.title_en) },
            stage: f.stage.as_ref().map(|s| s.get_ref().clone()),
            portal_names: f.portal_names.iter().map(|n| nfc(n.trim())).collect(),
        });
    }
    fields
}

/// The band of the online share the province aims for, in percent.
fn online_target(raw: &RawSite, src: &SourceText, out: &mut Vec<Diagnostic>) -> (f64, f64) {
    match &raw.online_target {
        Some(t) => {
            let (low, high) = (t.get_ref().low, t.get_ref().high);
            if !(0.0..=100.0).contains(&low) || !(0.0..=100.0).contains(&high) || low >= high {
                out.push(
                    Diagnostic::new("bad-value", format!("target band {low}–{high} % is not 0 ≤ low < high ≤ 100"))
                        .at(src, t.span().start)
                        .field("online_target")
                        .hint("Circular 01/2018/TT-VPCP uses low = 15 and high = 30"),
                );
            }
            (low, high)
        }
        None => (15.0, 30.0),
    }
}

fn units(raw: &RawSite, src: &SourceText, out: &mut Vec<Diagnostic>) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    for (i, u) in raw.units.iter().enumerate() {
        check_key(&u.key, &format!("units[{i}].key"), units.iter().map(|x| x.key.as_str()), src, out);
        units.push(Unit {
            key: u.key.get_ref().clone(),
            name: Text { vi: text::nfc(u.name.trim()), en: u.name_en.as_deref().map(|n| text::nfc(n.trim())) },
            kind: u.kind.clone(),
        });
    }
    units
}

fn organisation(o: &RawOrganisation) -> Organisation {
    let nfc_opt = |s: &Option<String>| s.as_deref().map(text::nfc);
    Organisation {
        name: Text { vi: text::nfc(&o.name), en: nfc_opt(&o.name_en) },
        address: nfc_opt(&o.address),
        phone: o.phone.clone(),
        email: o.email.clone(),
        hours: nfc_opt(&o.hours),
        map_url: opt_string(&o.map_url),
        service_center: nfc_opt(&o.service_center),
        service_center_address: nfc_opt(&o.service_center_address),
    }
}

fn abbreviations(raw: &RawSite) -> Vec<(String, Vec<String>)> {
    raw.search
        .iter()
        .flat_map(|s| &s.abbreviations)
        .map(|(k, v)| {
            let list = match v {
                OneOrMany::One(s) => vec![text::nfc(s.trim())],
                OneOrMany::Many(l) => l.iter().map(|s| text::nfc(s.trim())).collect(),
            };
            (text::nfc(k), list)
        })
        .collect()
}

fn custom_levels(
    raw: &[RawLevel],
    at: usize,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) -> Vec<(LevelDef, Option<usize>)> {
    let mut seen = [false; 5];
    let mut defs = Vec::new();
    for (i, l) in raw.iter().enumerate() {
        let f = |k: &str| format!("levels[{i}].{k}");
        check_key(&l.key, &f("key"), defs.iter().map(|(d, _): &(LevelDef, _)| d.key.as_str()), src, out);
        for c in [Some(&l.colour), l.text_colour.as_ref()].into_iter().flatten() {
            if levels::parse_hex(c.get_ref()).is_none() {
                out.push(
                    Diagnostic::new("bad-colour", format!("`{}` is not a #RRGGBB colour", c.get_ref()))
                        .at(src, c.span().start)
                        .field(f("colour"))
                        .hint("write a colour like \"#00224E\""),
                );
            }
        }
        for &c in l.covers.get_ref() {
            if !(1..=4).contains(&c) {
                out.push(
                    Diagnostic::new("bad-value", format!("{c} is not a level 1–4"))
                        .at(src, l.covers.span().start)
                        .field(f("covers")),
                );
            } else if std::mem::replace(&mut seen[c as usize], true) {
                out.push(
                    Diagnostic::new("bad-value", format!("level {c} is covered by two levels"))
                        .at(src, l.covers.span().start)
                        .field(f("covers"))
                        .hint("each of the levels 1–4 belongs to exactly one [[levels]] entry"),
                );
            }
        }
        defs.push((
            LevelDef {
                key: l.key.get_ref().clone(),
                label: l.label.clone(),
                label_en: l.label_en.clone(),
                meaning: l.meaning.as_ref().map(|m| m.get_ref().clone()).unwrap_or_default(),
                meaning_en: l.meaning_en.as_ref().map(|m| m.get_ref().clone()),
                colour: l.colour.get_ref().clone(),
                text_colour: l.text_colour.as_ref().map(|c| c.get_ref().to_uppercase()),
                pattern: l.pattern.clone().unwrap_or_else(|| "none".into()),
                covers: l.covers.get_ref().iter().filter(|c| (1..=4).contains(*c)).map(|&c| c as u8).collect(),
            },
            l.meaning.as_ref().map(|m| m.span().start),
        ));
    }
    if let Some(missing) = (1..=4).find(|&c| !seen[c]) {
        out.push(
            Diagnostic::new("bad-value", format!("no [[levels]] entry covers level {missing}"))
                .at(src, at)
                .field("levels")
                .hint("every record level 1–4 must be shown by some level: add it to a `covers` list"),
        );
    }
    defs
}

fn check_key<'a>(
    key: &Spanned<String>,
    field: &str,
    earlier: impl Iterator<Item = &'a str>,
    src: &SourceText,
    out: &mut Vec<Diagnostic>,
) {
    let k = key.get_ref();
    if !text::is_slug(k) {
        out.push(
            Diagnostic::new("bad-key", format!("`{k}` is not a valid key"))
                .at(src, key.span().start)
                .field(field)
                .hint(format!("use lower-case letters, digits and hyphens, e.g. \"{}\"", text::slugify(k))),
        );
    }
    if earlier.into_iter().any(|e| e == k) {
        out.push(
            Diagnostic::new("dup-key", format!("key `{k}` is defined twice")).at(src, key.span().start).field(field),
        );
    }
}

pub(super) fn check_http(u: &Spanned<String>, field: &str, src: &SourceText, out: &mut Vec<Diagnostic>) {
    let s = u.get_ref();
    if !(s.starts_with("https://") || s.starts_with("http://")) || s.contains(char::is_whitespace) {
        out.push(
            Diagnostic::new("bad-url", format!("`{s}` is not an http(s) URL"))
                .at(src, u.span().start)
                .field(field)
                .hint("write a full address starting with https://"),
        );
    }
}

/// Path part of an absolute http(s) URL, with leading and trailing `/`.
fn url_path(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    if host.is_empty() || host.contains(char::is_whitespace) {
        return None;
    }
    let path = path.trim_end_matches('/');
    Some(if path.is_empty() { "/".into() } else { format!("/{path}/") })
}

#[cfg(test)]
mod tests {
    use super::url_path;

    #[test]
    fn base_paths() {
        assert_eq!(url_path("https://a.gov.vn").as_deref(), Some("/"));
        assert_eq!(url_path("https://a.gov.vn/").as_deref(), Some("/"));
        assert_eq!(url_path("https://a.gov.vn/tthc").as_deref(), Some("/tthc/"));
        assert_eq!(url_path("https://a.gov.vn/tthc/").as_deref(), Some("/tthc/"));
        assert_eq!(url_path("ftp://a"), None);
        assert_eq!(url_path("a.gov.vn"), None);
    }
}
