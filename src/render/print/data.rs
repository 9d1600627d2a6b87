//! What the print templates read: one JSON document per product (the
//! virtual `/data.json`). Records go in as data, never as typst markup;
//! Markdown fields go in as node trees (`markup::nodes`). Missing facts are
//! `null` and the templates print "Không có thông tin".

use super::markup;
use crate::model::{ChannelKind, Doc, Procedure, Site};
use crate::render::lang::Lang;
use crate::render::urls;
use crate::render::view::{self, Strings, fee_in_english, fee_text, time_in_english, time_text, tr};
use serde_json::{Value, json};

/// "2026-11-01" → "01/11/2026".
pub fn vn_date(iso: &str) -> String {
    let parts: Vec<&str> = iso.split('-').collect();
    if parts.len() == 3 { format!("{}/{}/{}", parts[2], parts[1], parts[0]) } else { iso.to_string() }
}

fn rich(site: &Site, doc: &Doc) -> Value {
    markup::nodes(doc, &site.config.print_base_url)
}

fn rich_opt(site: &Site, doc: Option<&Doc>) -> Value {
    doc.filter(|d| !d.is_empty()).map_or(Value::Null, |d| rich(site, d))
}

/// Site-wide facts every product shows (header, footer, contact).
pub fn site_view(site: &Site, lang: Lang) -> Value {
    let c = &site.config;
    let o = &c.organisation;
    json!({
        "title": lang.pick(&c.title).0,
        "url": c.print_base_url,
        "portal_url": c.portal_url,
        "national_portal_url": c.national_portal_url,
        "edition": c.edition.as_deref().map(vn_date),
        "paper": c.print_paper,
        "organisation": {
            "name": lang.pick(&o.name).0, "address": o.address, "phone": o.phone, "email": o.email, "hours": o.hours,
            "service_center": o.service_center, "service_center_address": o.service_center_address,
        },
    })
}

/// The level legend: label, meaning and colours of every level.
pub fn levels_view(site: &Site, lang: Lang) -> Value {
    let counts = &site.level_totals;
    site.levels
        .iter()
        .enumerate()
        .map(|(i, l)| json!({"label": lang.pick(&l.label).0, "meaning": rich(site, lang.pick_rich(&l.meaning).0), "colour": l.colour, "text_colour": l.text_colour, "count": counts[i]}))
        .collect()
}

/// Where a procedure is filed online: its own address, else the portal.
pub fn online_url<'a>(site: &'a Site, p: &'a Procedure) -> Option<&'a str> {
    p.online_url.as_deref().or(site.config.portal_url.as_deref())
}

/// True when the procedure can be filed online (level 3 or 4 of Decree
/// 43/2011, whatever scheme the site shows).
pub fn is_online(p: &Procedure) -> bool {
    p.base_level >= 3
}

/// The agency a dossier is addressed to, as the record names it: the
/// competent agency, else the executing one, else the authorised one.
pub fn receiving_agency(p: &Procedure) -> Option<&str> {
    let a = p.agencies.as_ref()?;
    [&a.competent, &a.executing, &a.authorised].into_iter().find_map(|v| v.as_deref().filter(|s| !s.trim().is_empty()))
}

/// An address as a person types it: without `https://` (and `mailto:`).
pub fn short_url(url: &str) -> &str {
    ["https://", "http://", "mailto:", "tel:"].iter().find_map(|s| url.strip_prefix(s)).unwrap_or(url)
}

/// The first `max` characters of `s`, cut at a word boundary, with "…".
fn shorten(s: &str, max: usize) -> (String, bool) {
    let s = s.trim();
    if s.chars().count() <= max {
        return (s.to_string(), false);
    }
    let head: String = s.chars().take(max).collect();
    let cut = head.rfind(' ').filter(|&i| i > max / 2).unwrap_or(head.len());
    (format!("{}…", head[..cut].trim_end_matches([',', ';', ':', ' ', '.'])), true)
}

/// Agency and issuer names the national portal uses again and again, in
/// English (the publishing agency's own English name comes from site.toml).
const AGENCIES: &[(&str, &str)] = &[
    ("Chính phủ", "Government"),
    ("Quốc hội", "National Assembly"),
    ("Bộ Nội vụ", "Ministry of Home Affairs"),
    ("Ủy ban nhân dân tỉnh", "Provincial People's Committee"),
    ("Ủy ban nhân dân cấp tỉnh", "Provincial People's Committee"),
    ("Chủ tịch Ủy ban nhân dân tỉnh", "Chairman of the Provincial People's Committee"),
    ("Ủy ban nhân dân cấp xã", "Commune People's Committee"),
    ("Chủ tịch Ủy ban nhân dân cấp xã", "Chairman of the Commune People's Committee"),
    ("Chủ tịch UBND cấp xã", "Chairman of the Commune People's Committee"),
    ("Sở Xây dựng", "Department of Construction"),
    ("Sở Tài chính", "Department of Finance"),
    ("Sở Nông nghiệp và Môi trường", "Department of Agriculture and Environment"),
    ("Văn phòng đăng ký đất đai", "Land Registration Office"),
    ("Chi nhánh Văn phòng đăng ký đất đai khu vực", "Regional branch of the Land Registration Office"),
    ("Thuế cơ sở", "Local tax office"),
    ("Công an cấp tỉnh", "Provincial Police"),
];

/// An agency (or "; "-separated agencies) in English when every name is known
/// (the table above, or the publishing agency with its English name); None
/// when any is not, so a name is never half translated.
pub fn agency_en(site: &Site, name: &str) -> Option<String> {
    let o = &site.config.organisation.name;
    let one = |n: &str| -> Option<String> {
        let n = n.trim();
        if n.to_lowercase() == o.vi.to_lowercase() {
            return o.en.clone();
        }
        if let Some(en) = AGENCIES.iter().find(|(vi, _)| *vi == n).map(|(_, en)| en.to_string()) {
            return Some(en);
        }
        // "Ủy ban nhân dân tỉnh Gia Lai" → "Gia Lai Provincial People's Committee".
        for (vi, en) in [
            ("Ủy ban nhân dân tỉnh ", "Provincial People's Committee"),
            ("Hội đồng nhân dân tỉnh ", "Provincial People's Council"),
            ("Trung tâm Phục vụ hành chính công tỉnh ", "Provincial Public Administration Service Center"),
        ] {
            if let Some(place) =
                n.strip_prefix(vi).filter(|p| p.split_whitespace().all(|w| w.starts_with(char::is_uppercase)))
            {
                return Some(format!("{place} {en}"));
            }
        }
        None
    };
    name.split("; ").map(one).collect::<Option<Vec<_>>>().map(|v| v.join("; "))
}

/// The numbered "how to file online" steps for one procedure, from UI
/// strings with the procedure's code, agency and portal filled in.
///
/// A step is a string, or `{text, vi, after}` when it names an agency that
/// has no English name: the portal lists it in Vietnamese, so the English step
/// says so in its own words and the name is tagged Vietnamese (never a
/// "(only in Vietnamese)" inside the sentence).
fn online_steps(site: &Site, p: &Procedure, t: &Strings, lang: Lang) -> Vec<Value> {
    let url = short_url(online_url(site, p).unwrap_or_default());
    // The record's own receiving agency; a record without one gets a step
    // without it (never the publishing Board's name in its place).
    let (agency, agency_vi) = match receiving_agency(p) {
        Some(a) if lang != Lang::Vi => match agency_en(site, a) {
            Some(en) => (Some(en), false),
            None => (Some(a.to_string()), true),
        },
        a => (a.map(str::to_string), false),
    };
    let fill = |key: &str| -> Value {
        let s = tr(t, key).replace("{url}", url).replace("{code}", &p.code);
        match (&agency, s.split_once("{agency}")) {
            (Some(a), Some((text, after))) if agency_vi => json!({"text": text, "vi": a, "after": after}),
            (a, _) => Value::String(s.replace("{agency}", a.as_deref().unwrap_or(""))),
        }
    };
    let find = match (&agency, agency_vi) {
        (None, _) => "print_step_find_code",
        (Some(_), true) => "print_step_find_vi",
        (Some(_), false) => "print_step_find",
    };
    let mut steps = vec![fill("print_step_open"), fill("print_step_login"), fill(find), fill("print_step_fill")];
    if p.digital_signature {
        steps.push(fill("print_step_sign"));
    }
    steps.push(fill("print_step_submit"));
    steps.push(fill(if p.base_level >= 4 { "print_step_result_4" } else { "print_step_result_3" }));
    steps
}

/// The leaflet of one procedure in one edition. The English leaflet takes
/// the record's English fields; what has no English text (steps, documents,
/// legal basis…) prints in Vietnamese, and `vi_only` names those parts so the
/// template marks them ("only in Vietnamese") and sets their language.
pub fn leaflet(site: &Site, p: &Procedure, t: &Strings, lang: Lang) -> Value {
    let level = &site.levels[p.level];
    let en = lang != Lang::Vi;
    let (channels, channels_vi) = leaflet_channels(site, p, t, en);
    let groups = document_groups(site, p);
    let (agencies, agencies_vi) = leaflet_agencies(site, p, t, en);
    let has_agencies = agencies.as_ref().is_some_and(|a| !a.is_empty());
    let (condensed, case_list) = condensed_documents(p, &groups);
    let online = is_online(p) && online_url(site, p).is_some();
    let (title, title_vi) = lang.pick(&p.title);
    let (summary, summary_vi) = lang.pick_rich(&p.summary);
    let (stage, _) = lang.pick(&site.stages[p.stage].title);
    let (field, field_vi) = lang.pick(&site.fields[p.field].title);
    let (level_label, _) = lang.pick(&level.label);
    let (level_meaning, level_vi) = lang.pick_rich(&level.meaning);
    let summary = rich_opt(site, Some(summary));
    let where_to_submit = rich_opt(site, p.where_to_submit.as_ref());
    let requirements = rich_opt(site, p.requirements.as_ref());
    let receiving = receiving_agency(p);
    let receiving_en = receiving.filter(|_| en).and_then(|a| agency_en(site, a));
    let service_center = if p.service_center { site.config.organisation.service_center.as_deref() } else { None };
    let service_center_en = service_center.filter(|_| en).and_then(|n| agency_en(site, n));
    let service_center_name = service_center_en.as_deref().or(service_center);
    // Filing in person prints the service centre, the record's
    // where-to-submit, else its receiving agency: marked when any of them is
    // printed in Vietnamese.
    let in_person_vi = en
        && ((service_center.is_some() && service_center_en.is_none())
            || !where_to_submit.is_null()
            || (receiving.is_some() && receiving_en.is_none()));
    // Parts printed in Vietnamese in another edition (all false in the
    // Vietnamese one).
    let vi_only = json!({
        "title": title_vi,
        "summary": summary_vi && !summary.is_null(),
        "field": field_vi,
        "level": level_vi,
        "in_person": in_person_vi,
        "steps": en && !p.steps.is_empty(),
        "documents": en && !p.documents.is_empty(),
        "requirements": en && !requirements.is_null(),
        "channels": channels_vi,
        "result": en && !p.result.is_empty(),
        "legal_basis": en && !p.legal_basis.is_empty(),
        "agencies": en && has_agencies && agencies_vi,
        "applicants": en && !p.applicants.is_empty(),
    });
    json!({
        "lang": lang.code(),
        "t": t,
        "site": site_view(site, lang),
        "levels": levels_view(site, lang),
        "p": {
            "code": p.code,
            "title": title,
            "url": leaflet_target(site, p, lang),
            "short_url": short_url(&leaflet_target(site, p, lang)),
            "online_service": if online { online_url(site, p).map(|u| json!({"url": u, "short": short_url(u)})) } else { None },
            "receiving_agency": receiving_en.as_deref().or(receiving),
            "service_center_name": service_center_name,
            "service_center_address": if p.service_center { site.config.organisation.service_center_address.as_deref() } else { None },
            "document_count": condensed.len(),
            "documents_condensed": condensed,
            "cases": case_list,
            "summary": summary,
            "stage": stage,
            "field": field,
            "level": {"label": level_label, "meaning": rich(site, level_meaning), "colour": level.colour, "text_colour": level.text_colour},
            "online": online,
            "online_url": if online { online_url(site, p) } else { None },
            "online_steps": if online { online_steps(site, p, t, lang) } else { Vec::new() },
            "digital_signature": p.digital_signature,
            "service_center": p.service_center,
            "public_postal": p.public_postal,
            "has_direct": p.channel(ChannelKind::Direct).is_some(),
            "has_postal": p.channel(ChannelKind::Postal).is_some() || p.public_postal,
            "applicants": p.applicants,
            "where_to_submit": where_to_submit,
            "steps": p.steps.iter().map(|s| rich(site, s)).collect::<Vec<_>>(),
            "channels": channels,
            "document_groups": groups.into_iter().map(|(case, docs)| json!({"case": case, "documents": docs})).collect::<Vec<_>>(),
            "requirements": requirements,
            "result": p.result,
            "legal_basis": p.legal_basis.iter().map(|l| {
                let issuer = l.issuer.as_deref().map(|i| if en { agency_en(site, i).unwrap_or_else(|| i.to_string()) } else { i.to_string() });
                json!({"number": l.number, "title": l.title, "date": l.date.as_deref().map(vn_date), "issuer": issuer})
            }).collect::<Vec<_>>(),
            "agencies": agencies,
            "vi_only": vi_only,
        },
    })
}

/// The channels, those with the same time and fee in one row (a leaflet
/// repeats nothing; the website keeps one row per channel), and whether any
/// part of them stays in Vietnamese in another edition.
fn leaflet_channels(site: &Site, p: &Procedure, t: &Strings, en: bool) -> (Vec<Value>, bool) {
    // In English the time and fee are said in English where the record
    // allows (`view::time_in_english`), and what is left of the record's
    // Vietnamese words goes into `rest`, printed in one marked note.
    // (labels, time, fee, note, rest) of each group of channels.
    type Group<'a> = (Vec<&'a str>, String, String, Value, Vec<Value>);
    let mut channels: Vec<Group> = Vec::new();
    let see_note = tr(t, "print_see_note");
    for ch in &p.channels {
        let note = rich_opt(site, ch.note.as_ref());
        let (time, fee, rest) = if en {
            let (time, time_rest) = time_in_english(ch, t, see_note);
            let (fee, fee_rest) = fee_in_english(ch, t, see_note);
            let rest: Vec<Value> = [("print_time", time_rest), ("print_fee", fee_rest)]
                .into_iter()
                .filter_map(|(k, r)| Some(json!({"label": tr(t, k), "text": r?})))
                .collect();
            (time, fee, rest)
        } else {
            (time_text(ch, t), fee_text(ch, t), Vec::new())
        };
        let label = tr(
            t,
            match ch.kind {
                ChannelKind::Direct => "channel_direct",
                ChannelKind::Online => "channel_online",
                ChannelKind::Postal => "channel_postal",
            },
        );
        match channels.iter_mut().find(|c| c.1 == time && c.2 == fee && c.3 == note && c.4 == rest) {
            Some(c) => c.0.push(label),
            None => channels.push((vec![label], time, fee, note, rest)),
        }
    }
    // What stays in Vietnamese: the channels' notes and the rest of times
    // and fees the tables do not know.
    let channels_vi = en && channels.iter().any(|c| !c.3.is_null() || !c.4.is_empty());
    let channels: Vec<Value> = channels
        .into_iter()
        .map(|(labels, time, fee, note, rest)| {
            json!({"label": labels.join(", "), "time": time, "fee": fee, "note": note, "rest": rest})
        })
        .collect();
    (channels, channels_vi)
}

/// The documents grouped by case, in the record's order.
fn document_groups<'a>(site: &Site, p: &'a Procedure) -> Vec<(Option<&'a str>, Vec<Value>)> {
    let mut groups: Vec<(Option<&str>, Vec<Value>)> = Vec::new();
    for d in &p.documents {
        let doc = json!({"name": d.name, "form": d.form, "originals": d.originals, "copies": d.copies, "required": d.required, "note": rich_opt(site, d.note.as_ref())});
        match groups.iter_mut().find(|(case, _)| *case == d.case.as_deref()) {
            Some((_, docs)) => docs.push(doc),
            None => groups.push((d.case.as_deref(), vec![doc])),
        }
    }
    groups
}

/// The agencies with their labels, and whether any name stays in Vietnamese.
fn leaflet_agencies(site: &Site, p: &Procedure, t: &Strings, en: bool) -> (Option<Vec<Value>>, bool) {
    // Agency names in English where known; `agencies_vi` when any is not.
    let mut agencies_vi = false;
    let agencies = p.agencies.as_ref().map(|a| {
        [
            ("agency_competent", &a.competent),
            ("agency_executing", &a.executing),
            ("agency_authorised", &a.authorised),
            ("agency_coordinating", &a.coordinating),
        ]
        .into_iter()
        .filter_map(|(k, v)| {
            let vi = v.as_deref()?;
            let name = if en { agency_en(site, vi) } else { None };
            agencies_vi |= en && name.is_none();
            Some(json!({"label": tr(t, k), "name": name.as_deref().unwrap_or(vi)}))
        })
        .collect::<Vec<_>>()
    });
    (agencies, agencies_vi)
}

/// The condensed document list and the cases it refers to.
fn condensed_documents(p: &Procedure, groups: &[(Option<&str>, Vec<Value>)]) -> (Vec<Value>, Vec<Value>) {
    // The condensed list for a leaflet whose full list does not fit two
    // pages: every distinct document once, its name shortened, with the
    // cases it belongs to (none when it belongs to every case).
    let cases: Vec<&str> = groups.iter().filter_map(|(c, _)| *c).collect();
    let case_label = |i: usize, c: &str| -> String {
        match c.strip_prefix('(').and_then(|r| r.split_once(')')) {
            Some((n, _)) if n.len() <= 8 => format!("({n})"),
            _ => format!("({})", i + 1),
        }
    };
    let mut condensed: Vec<(&str, Vec<usize>, bool)> = Vec::new();
    for d in &p.documents {
        let case = d.case.as_deref().and_then(|c| cases.iter().position(|x| *x == c));
        match condensed.iter_mut().find(|(n, ..)| *n == d.name.as_str()) {
            Some((_, cs, _)) => cs.extend(case),
            None => condensed.push((d.name.as_str(), case.into_iter().collect(), d.required)),
        }
    }
    let condensed: Vec<Value> = condensed
        .into_iter()
        .map(|(name, cs, required)| {
            let (short, cut) = shorten(name, 160);
            let (shorter, cut2) = shorten(name, 80);
            let (shortest, _) = shorten(name, 50);
            let every = cases.is_empty() || cs.len() == cases.len();
            let labels: Vec<String> = if every { Vec::new() } else { cs.iter().map(|&i| case_label(i, cases[i])).collect() };
            json!({"name": short, "short": shorter, "shortest": shortest, "cut": cut || cut2, "cases": labels, "required": required})
        })
        .collect();
    // "(1.1) Đối với…" → label "(1.1)", name "Đối với…" (not the label twice).
    let case_list: Vec<Value> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let label = case_label(i, c);
            let name = c.strip_prefix(label.as_str()).unwrap_or(c).trim();
            json!({"label": label, "name": shorten(name, 160).0})
        })
        .collect();
    (condensed, case_list)
}

/// What a leaflet's QR code opens: the procedure's own page on the site,
/// in the leaflet's edition.
pub fn leaflet_target(site: &Site, p: &Procedure, lang: Lang) -> String {
    format!("{}{}{}", site.config.print_base_url, lang.prefix(), urls::procedure(&p.slug))
}

/// What the catalogues' QR codes open: the site's catalogue page.
pub fn catalogue_target(site: &Site) -> String {
    format!("{}{}", site.config.print_base_url, urls::CATALOGUE)
}

/// Whether the catalogues show each record's internal process: they follow the journey
/// diagram (the one with `inline = true`) and its `internal_process` option.
pub fn catalogue_shows_process(site: &Site) -> bool {
    site.diagrams.iter().any(|d| d.inline && d.internal_process)
}

/// One catalogue row per procedure, in journey order; `process`: with the record's
/// internal process ("Nội bộ: 20 ngày làm việc, 4 đơn vị", null for a record without one).
fn rows(site: &Site, t: &Strings, only_online: bool, process: bool) -> Vec<Value> {
    site.procedures
        .iter()
        .filter(|p| !only_online || is_online(p))
        .enumerate()
        .map(|(i, p)| {
            // The time as published, never cut off: the catalogue wraps it.
            let main = p.channel(ChannelKind::Online).or_else(|| p.channel(ChannelKind::Direct)).or(p.channels.first());
            let time = match main {
                Some(c) if c.time.is_some() && c.time_unit.is_some() => view::time_short_in(c, t, Lang::Vi),
                Some(c) => time_text(c, t),
                None => tr(t, "no_info").to_string(),
            };
            json!({
                "no": i + 1, "code": p.code, "title": p.title.vi, "field": site.fields[p.field].title.vi,
                "stage": site.stages[p.stage].number, "level": p.level, "digital_signature": p.digital_signature,
                "service_center": p.service_center, "time": time,
                "process": process.then(|| crate::diagram::process_summary(p, Lang::Vi, &|k| {
                    tr(t, &format!("diagram_{k}")).to_string()
                })).flatten(),
            })
        })
        .collect()
}

/// The office-wall catalogue (A4 landscape) and the A1 poster share this.
pub fn catalogue(site: &Site, t: &Strings) -> Value {
    json!({
        "lang": "vi",
        "t": t,
        "site": site_view(site, Lang::Vi),
        "levels": levels_view(site, Lang::Vi),
        "stages": site.stages.iter().map(|s| json!({"number": s.number, "title": s.title.vi})).collect::<Vec<_>>(),
        "rows": rows(site, t, false, catalogue_shows_process(site)),
        "catalogue_url": catalogue_target(site),
        "catalogue_short": short_url(&catalogue_target(site)),
    })
}

/// The general "how to file online" leaflet from the Markdown page.
pub fn guide(site: &Site, t: &Strings, page: &crate::model::Page) -> Value {
    json!({
        "lang": "vi",
        "t": t,
        "site": site_view(site, Lang::Vi),
        "levels": levels_view(site, Lang::Vi),
        "page": {"title": page.title.vi, "description": page.description, "body": rich(site, &page.body), "url": format!("{}{}", site.config.print_base_url, urls::page(&page.slug))},
        "rows": rows(site, t, true, false),
    })
}
