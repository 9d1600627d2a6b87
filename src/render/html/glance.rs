//! What a procedure page derives from its record: the summary panel under
//! its title (`glance`) and its schema.org description (`json_ld`).

use super::super::lang::Lang;
use super::super::urls;
use super::super::view::{self, Strings, tr};
use super::script_json;
use crate::model::{ChannelKind, Procedure, Site};
use crate::text;
use serde_json::json;

/// The summary panel under a procedure's title: what a reader came for (can
/// I file online, where, how long, how much, what do I bring), in the
/// edition's language and number format.
pub(super) fn glance(site: &Site, p: &Procedure, t: &Strings, lang: Lang, orgs: &[String]) -> serde_json::Value {
    let times = times(p, t, lang);
    let (offices, where_text) = offices(site, p, t, lang, orgs);

    let has_direct = p.channel(ChannelKind::Direct).is_some();
    let postal = p.channel(ChannelKind::Postal).is_some() || p.public_postal;
    let online = p.base_level >= 3;
    let online_url = p.online_url.as_deref().or(if online { site.config.portal_url.as_deref() } else { None });

    let documents = documents(p, t);
    let (forms, more_forms) = forms(p, t);

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

/// The panel's time and fee rows.
fn times(p: &Procedure, t: &Strings, lang: Lang) -> Vec<serde_json::Value> {
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
    rows.into_iter()
        .map(|(labels, time, (fee, source), time_vi)| {
            json!({
                "channels": labels.join(", "), "time": time, "time_vi": time_vi,
                "fee": fee, "fee_source": source,
                // Amounts are numbers and a UI currency; published texts are Vietnamese.
                "fee_vi": source != view::FeeSource::Amount,
            })
        })
        .collect()
}

/// Where to submit: the offices with their contacts, else the record's own words.
fn offices(
    site: &Site,
    p: &Procedure,
    t: &Strings,
    lang: Lang,
    orgs: &[String],
) -> (Vec<serde_json::Value>, Option<String>) {
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
            .map(|h| text::shorten(&strip_tags(&h.html("")), 160))
            .or_else(|| p.agencies.as_ref().and_then(|a| a.executing.clone().or(a.competent.clone())))
    } else {
        None
    };
    (offices, where_text)
}

/// Documents: how many, and how many cases they are grouped in.
fn documents(p: &Procedure, t: &Strings) -> Option<String> {
    let mut cases: Vec<Option<&str>> = Vec::new();
    for d in &p.documents {
        if !cases.contains(&d.case.as_deref()) {
            cases.push(d.case.as_deref());
        }
    }
    let per_case: Vec<usize> =
        cases.iter().map(|c| p.documents.iter().filter(|d| d.case.as_deref() == *c).count()).collect();
    let (min, max) = (per_case.iter().copied().min().unwrap_or(0), per_case.iter().copied().max().unwrap_or(0));
    if p.documents.is_empty() {
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
    }
}

/// Forms: each named form once, linked when the record gives its file; the
/// first three, and how many more.
fn forms(p: &Procedure, t: &Strings) -> (Vec<serde_json::Value>, usize) {
    let mut forms: Vec<serde_json::Value> = Vec::new();
    for d in &p.documents {
        let Some(name) = d.form.as_deref().or(d.form_url.as_ref().map(|_| tr(t, "form"))) else { continue };
        if !forms.iter().any(|f| f["name"] == name) {
            forms.push(json!({"name": name, "url": d.form_url}));
        }
    }
    let more_forms = forms.len().saturating_sub(3);
    forms.truncate(3);
    (forms, more_forms)
}

/// The organisation's names as `names_board` compares them: folded once per
/// edition (the edition's name and the Vietnamese one), not once per page.
/// Names shorter than 8 characters are too generic to compare and left out.
pub(super) fn board_names(site: &Site, lang: Lang) -> Vec<String> {
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
    let submit = p.where_to_submit.as_ref().map(|h| text::fold(&h.html("")));
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

/// schema.org GovernmentService with one ServiceChannel per channel.
pub(super) fn json_ld(site: &Site, p: &Procedure, t: &Strings, lang: Lang) -> String {
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
