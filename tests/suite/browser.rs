//! Browser end-to-end tests: the built site served over HTTP on 127.0.0.1,
//! driven in headless Chromium through chromedriver (fantoccini).
//!
//! Needs `chromium` and `chromedriver` (Debian packages of the same names)
//! and, for `accessibility_axe`, node_modules/axe-core (`npm ci`). Without
//! them each test prints "SKIPPED <test>: <tool> not installed" and passes,
//! unless the CI environment variable is set, where it fails.
//!
//! All tests in this file share one site build, one static server and one
//! chromedriver (see tests/suite/support/browser.rs); each has its own Chromium
//! session and a time limit.

use crate::support;

use anyhow::{Context, bail, ensure};
use fantoccini::{Client, Locator};
use serde_json::{Value, json};
use std::time::Duration;
use support::browser::{self, Site, squash, wait_js};

/// The procedure the search and journey tests look for (code 1.009664).
const INVESTMENT_CERT: &str = "/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/";
const INVESTMENT_CERT_TITLE: &str = "Thủ tục cấp Giấy chứng nhận đăng ký đầu tư";
/// "Among the top results" = within the first TOP_N hits.
const TOP_N: usize = 5;
const WAIT: Duration = Duration::from_secs(10);

/// Turns an href (relative or absolute on the test server) into a site path.
fn site_path(site: &Site, href: &str) -> String {
    match href.strip_prefix(site.base.trim_end_matches('/')) {
        Some(rest) => rest.to_string(),
        None => href.to_string(),
    }
}

async fn current_path(c: &Client) -> anyhow::Result<String> {
    Ok(c.current_url().await?.path().to_string())
}

// ---------------------------------------------------------------------------
// 1. Catalogue: filter by level
// ---------------------------------------------------------------------------

#[test]
fn catalogue_filter_by_level() {
    browser::run("catalogue_filter_by_level", Duration::from_secs(120), |c, site| async move {
        c.goto(&site.url("/thu-tuc/")).await?;
        wait_js(
            &c,
            "return document.getElementById('catalogue-filters').hidden === false",
            vec![],
            WAIT,
            "site.js to show #catalogue-filters",
        )
        .await?;

        let rows = c.find_all(Locator::Css("table#catalogue tbody tr")).await?;
        let total = rows.len();
        ensure!(total > 1, "the catalogue has {total} rows; expected several");
        let mut row_levels = Vec::with_capacity(total);
        for r in &rows {
            row_levels.push(r.attr("data-level").await?.context("a catalogue row has no data-level")?);
        }

        let select = c.find(Locator::Css("#f-level")).await?;
        let mut candidates = Vec::new();
        let mut all_counts = Vec::new();
        for opt in select.find_all(Locator::Css("option")).await? {
            let value = opt.attr("value").await?.unwrap_or_default();
            if value.is_empty() {
                continue;
            }
            let n = row_levels.iter().filter(|l| **l == value).count();
            all_counts.push(format!("{value}:{n}"));
            if n > 0 && n < total {
                candidates.push((value, squash(&opt.text().await?), n));
            }
        }
        ensure!(
            !candidates.is_empty(),
            "no option of #f-level selects a strict, non-empty subset of the {total} rows (option value:rows = {all_counts:?})"
        );

        let status = c.find(Locator::Css("#filter-status")).await?;
        let mut before = squash(&status.text().await?);
        ensure!(!before.is_empty(), "#filter-status is empty after site.js ran");

        for (value, label, n) in &candidates {
            select.select_by_value(value).await?;
            let hidden_wanted = total - n;
            wait_js(
                &c,
                "return document.querySelectorAll('table#catalogue tbody tr[hidden]').length === arguments[0]",
                vec![json!(hidden_wanted)],
                WAIT,
                &format!("{hidden_wanted} rows to get the hidden attribute after choosing level {label:?}"),
            )
            .await?;
            // What the user sees (is_displayed also catches CSS overriding `hidden`).
            let mut shown = Vec::new();
            for (r, level) in rows.iter().zip(&row_levels) {
                if r.is_displayed().await? {
                    shown.push(level.clone());
                }
            }
            let wrong: Vec<_> = shown.iter().filter(|l| *l != value).collect();
            ensure!(
                wrong.is_empty(),
                "level {label:?} (value {value}): visible rows with other data-level values: {wrong:?}"
            );
            ensure!(
                shown.len() == *n,
                "level {label:?} (value {value}): {} rows visible, {n} rows have data-level={value}",
                shown.len()
            );

            let now = squash(&status.text().await?);
            ensure!(now != before, "#filter-status did not change after choosing level {label:?}: still {now:?}");
            let numbers: Vec<&str> = now.split(|ch: char| !ch.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
            ensure!(
                numbers.contains(&n.to_string().as_str()),
                "#filter-status {now:?} does not mention the {n} rows shown for level {label:?}"
            );
            eprintln!("  level {label:?}: {n}/{total} rows shown, status {now:?}");
            before = now;
        }

        // Back to "all": every row visible again.
        select.select_by_value("").await?;
        wait_js(
            &c,
            "return document.querySelectorAll('table#catalogue tbody tr[hidden]').length === 0",
            vec![],
            WAIT,
            "all rows to be shown again",
        )
        .await?;
        let now = squash(&status.text().await?);
        ensure!(now != before, "#filter-status did not change after resetting the level filter: {now:?}");
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// 2. Search
// ---------------------------------------------------------------------------

/// Runs `window.onestopSearch(q)` on the current (search) page.
async fn search(c: &Client, site: &Site, q: &str) -> anyhow::Result<Vec<String>> {
    let v = c
        .execute_async(
            "const [q, done] = arguments;
             if (typeof window.onestopSearch !== 'function') { done({error: 'window.onestopSearch is not a function'}); return; }
             window.onestopSearch(q).then(done, e => done({error: String(e && e.stack || e)}));",
            vec![json!(q)],
        )
        .await?;
    if let Some(err) = v.get("error") {
        bail!("onestopSearch({q:?}) failed: {err}");
    }
    let arr = v.as_array().with_context(|| format!("onestopSearch({q:?}) resolved to {v}, not an array"))?;
    Ok(arr.iter().map(|h| site_path(site, h.as_str().unwrap_or_default())).collect())
}

/// The hrefs (as site paths) and texts of the rendered result links.
async fn result_links(c: &Client, site: &Site) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for a in c.find_all(Locator::Css("#search-results a.result-title")).await? {
        out.push((site_path(site, &a.attr("href").await?.unwrap_or_default()), squash(&a.text().await?)));
    }
    Ok(out)
}

#[test]
fn search_finds_procedures() {
    browser::run("search_finds_procedures", Duration::from_secs(120), |c, site| async move {
        c.goto(&site.url("/tim-kiem/")).await?;
        wait_js(
            &c,
            "return typeof window.onestopSearch === 'function'",
            vec![],
            WAIT,
            "search.js to define window.onestopSearch",
        )
        .await?;

        // No diacritics: "dang ky dau tu" must find "đăng ký đầu tư".
        let hits = search(&c, site, "dang ky dau tu").await?;
        let rank = hits.iter().position(|h| h == INVESTMENT_CERT);
        ensure!(
            matches!(rank, Some(r) if r < TOP_N),
            "onestopSearch(\"dang ky dau tu\"): {INVESTMENT_CERT} is at {rank:?}, expected in the top {TOP_N}; top results: {:?}",
            &hits[..hits.len().min(10)]
        );
        eprintln!("  \"dang ky dau tu\": {} hits, target at rank {}", hits.len(), rank.unwrap() + 1);

        // By code: first.
        let hits = search(&c, site, "1.009664").await?;
        ensure!(
            hits.first().map(String::as_str) == Some(INVESTMENT_CERT),
            "onestopSearch(\"1.009664\"): first results {:?}, expected {INVESTMENT_CERT} first",
            &hits[..hits.len().min(5)]
        );

        // Through the UI: type into #q and press the submit button.
        c.goto(&site.url("/tim-kiem/")).await?;
        wait_js(
            &c,
            "return typeof window.onestopSearch === 'function'",
            vec![],
            WAIT,
            "search.js on a fresh search page",
        )
        .await?;
        let input = c.find(Locator::Css("#q")).await?;
        input.clear().await?;
        input.send_keys("dang ky dau tu").await?;
        c.find(Locator::Css("#search-form button[type=submit]")).await?.click().await?;
        wait_js(
            &c,
            "return new URLSearchParams(location.search).get('q') === arguments[0] && document.querySelectorAll('#search-results a.result-title').length > 0",
            vec![json!("dang ky dau tu")],
            WAIT,
            "results for \"dang ky dau tu\" and ?q= in the URL after submitting #search-form",
        )
        .await?;
        let links = result_links(&c, site).await?;
        let rank = links.iter().position(|(h, _)| h == INVESTMENT_CERT);
        ensure!(
            matches!(rank, Some(r) if r < TOP_N),
            "UI search \"dang ky dau tu\": {INVESTMENT_CERT} at {rank:?}, expected in the top {TOP_N}; shown: {links:?}"
        );
        ensure!(
            links[rank.unwrap()].1 == INVESTMENT_CERT_TITLE,
            "result link text {:?}, expected {INVESTMENT_CERT_TITLE:?}",
            links[rank.unwrap()].1
        );
        let status = squash(&c.find(Locator::Css("#search-status")).await?.text().await?);
        // "16 thủ tục phù hợp · 6 câu hỏi của doanh nghiệp": procedures and questions add up to the links.
        let counted: usize = status.split(|c: char| !c.is_ascii_digit()).filter_map(|n| n.parse::<usize>().ok()).sum();
        ensure!(counted == links.len(), "#search-status {status:?} does not give the {} results shown", links.len());

        // ?q= in the URL is read on load.
        c.goto(&site.url("/tim-kiem/?q=1.009664")).await?;
        wait_js(
            &c,
            "return document.querySelectorAll('#search-results a.result-title').length > 0",
            vec![],
            WAIT,
            "results for /tim-kiem/?q=1.009664",
        )
        .await?;
        let links = result_links(&c, site).await?;
        ensure!(
            links[0] == (INVESTMENT_CERT.to_string(), INVESTMENT_CERT_TITLE.to_string()),
            "/tim-kiem/?q=1.009664: first result {:?}",
            links[0]
        );

        // The home page search box leads to the same results.
        c.goto(&site.url("/")).await?;
        let home_q = c.find(Locator::Css("main form[role=search] input[type=search]")).await?;
        home_q.send_keys("dang ky dau tu").await?;
        c.find(Locator::Css("main form[role=search] button[type=submit]")).await?.click().await?;
        wait_js(
            &c,
            "return location.pathname.endsWith('/tim-kiem/') && document.querySelectorAll('#search-results a.result-title').length > 0",
            vec![],
            WAIT,
            "the home page search form to open /tim-kiem/ with results",
        )
        .await?;
        let links = result_links(&c, site).await?;
        ensure!(
            links.iter().take(TOP_N).any(|(h, _)| h == INVESTMENT_CERT),
            "home search \"dang ky dau tu\": {INVESTMENT_CERT} not in the top {TOP_N}: {links:?}"
        );
        Ok(())
    });
}

#[test]
fn english_search_matches_the_vietnamese_title_without_diacritics() {
    browser::run(
        "english_search_matches_the_vietnamese_title_without_diacritics",
        Duration::from_secs(120),
        |c, site| async move {
            // The Vietnamese name, typed without diacritics, on the English search page.
            c.goto(&site.url("/en/tim-kiem/?q=cap%20giay%20chung%20nhan%20dang%20ky%20dau%20tu")).await?;
            wait_js(
                &c,
                "return document.querySelectorAll('#search-results a.result-title').length > 0",
                vec![],
                WAIT,
                "English results for a Vietnamese query",
            )
            .await?;
            let links = result_links(&c, site).await?;
            let want = format!("/en{INVESTMENT_CERT}");
            let rank = links.iter().position(|(h, _)| *h == want);
            ensure!(
                matches!(rank, Some(r) if r < TOP_N),
                "/en/tim-kiem/ \"cap giay chung nhan dang ky dau tu\": {want} at {rank:?}; shown: {links:?}"
            );
            ensure!(
                links[rank.unwrap()].1 == "Issuance of the Investment Registration Certificate",
                "English result title {:?}",
                links[rank.unwrap()].1
            );
            // And in English.
            c.goto(&site.url("/en/tim-kiem/?q=investment%20registration%20certificate")).await?;
            wait_js(
                &c,
                "return document.querySelectorAll('#search-results a.result-title').length > 0",
                vec![],
                WAIT,
                "English results for an English query",
            )
            .await?;
            let links = result_links(&c, site).await?;
            ensure!(
                links.iter().take(TOP_N).any(|(h, _)| *h == want),
                "English query: {want} not in the top {TOP_N}: {links:?}"
            );
            // The language switch of the result page leads to the Vietnamese twin, and back.
            c.goto(&site.url(&want)).await?;
            c.find(Locator::Css(".lang-switch a")).await?.click().await?;
            let path = current_path(&c).await?;
            ensure!(path == INVESTMENT_CERT, "the language switch on {want} opened {path}");
            c.find(Locator::Css(".lang-switch a")).await?.click().await?;
            let path = current_path(&c).await?;
            ensure!(path == want, "the language switch on {INVESTMENT_CERT} opened {path}");
            Ok(())
        },
    );
}

// ---------------------------------------------------------------------------
// 3. Journey → procedure
// ---------------------------------------------------------------------------

#[test]
fn journey_opens_procedure() {
    browser::run("journey_opens_procedure", Duration::from_secs(60), |c, site| async move {
        c.goto(&site.url("/hanh-trinh/")).await?;
        let first_step = c
            .find(Locator::Css("ol.step-by-step > li.step"))
            .await
            .context("no ol.step-by-step > li.step on /hanh-trinh/")?;
        let details = first_step.find(Locator::Css("details")).await?;
        ensure!(details.attr("open").await?.is_some(), "the first stage's <details> is not open");
        let link =
            first_step.find(Locator::Css(".step-procs a")).await.context("no .step-procs a in the first stage")?;
        let text = squash(&link.text().await?);
        let href = link.attr("href").await?.unwrap_or_default();
        ensure!(!text.is_empty(), "the first procedure link ({href}) has no visible text");
        link.click().await?;
        wait_js(
            &c,
            "return !location.pathname.startsWith('/hanh-trinh/') && document.readyState === 'complete'",
            vec![],
            WAIT,
            "the procedure page to load",
        )
        .await?;
        let path = current_path(&c).await?;
        ensure!(
            path.starts_with("/thu-tuc/") && path.len() > "/thu-tuc/".len(),
            "clicking {text:?} ({href}) opened {path}, not a page under /thu-tuc/"
        );
        let h1 = squash(&c.find(Locator::Css("h1")).await?.text().await?);
        ensure!(h1 == text, "h1 on {path} is {h1:?}, the link text was {text:?}");
        eprintln!("  {text:?} → {path}");
        Ok(())
    });
}

// ---------------------------------------------------------------------------
// 4. Accessibility (axe-core, WCAG 2.0/2.1 A and AA)
// ---------------------------------------------------------------------------

/// The subpage of `dir` with the most content (largest index.html; ties by
/// name), as a site path: e.g. the level page that lists procedures rather
/// than an empty one.
fn richest_subpage(site: &Site, dir: &str) -> anyhow::Result<String> {
    let mut pages: Vec<(u64, String)> = std::fs::read_dir(site.dir.join(dir))
        .with_context(|| format!("the built site has no {dir}/"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let len = std::fs::metadata(e.path().join("index.html")).ok()?.len();
            Some((len, e.file_name().to_string_lossy().into_owned()))
        })
        .collect();
    pages.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let (_, name) = pages.first().with_context(|| format!("no pages under /{dir}/"))?;
    Ok(format!("/{dir}/{name}/"))
}

#[test]
fn accessibility_axe() {
    let test = "accessibility_axe";
    let axe = support::axe_js();
    if !support::require(test, "axe-core (node_modules/axe-core/axe.min.js; run `npm ci`)", axe.is_some()) {
        return;
    }
    let axe_src = std::fs::read_to_string(axe.unwrap()).expect("read axe.min.js");
    browser::run(test, Duration::from_secs(300), move |c, site| async move {
        // (page path, what to wait for before running axe)
        let mut pages: Vec<(String, &str)> = vec![
            ("/".into(), ""),
            ("/thu-tuc/".into(), "return document.getElementById('catalogue-filters').hidden === false"),
            (INVESTMENT_CERT.into(), ""),
            ("/hanh-trinh/".into(), ""),
            (richest_subpage(site, "hanh-trinh")?, ""),
            ("/linh-vuc/".into(), ""),
            (richest_subpage(site, "linh-vuc")?, ""),
            ("/muc-do/".into(), ""),
            (richest_subpage(site, "muc-do")?, ""),
        ];
        for free in ["/gioi-thieu/", "/lien-he/", "/huong-dan-nop-truc-tuyen/", "/muc-do-dich-vu-cong/"] {
            pages.push((free.into(), ""));
        }
        pages.push((
            "/tim-kiem/?q=dang%20ky%20dau%20tu".into(),
            "return document.querySelectorAll('#search-results li').length > 0",
        ));
        pages.push(("/data/".into(), ""));
        pages.push(("/thay-doi/".into(), "")); // Recent changes (history from git)
        pages.push(("/thong-ke/".into(), ""));
        // The English edition: every page type once.
        pages.push(("/en/".into(), ""));
        pages.push(("/en/thu-tuc/".into(), "return document.getElementById('catalogue-filters').hidden === false"));
        pages.push((format!("/en{INVESTMENT_CERT}"), ""));
        pages.push(("/en/hanh-trinh/".into(), ""));
        pages.push((format!("/en{}", richest_subpage(site, "hanh-trinh")?), ""));
        pages.push(("/en/linh-vuc/".into(), ""));
        pages.push((format!("/en{}", richest_subpage(site, "linh-vuc")?), ""));
        pages.push(("/en/muc-do/".into(), ""));
        pages.push((format!("/en{}", richest_subpage(site, "muc-do")?), ""));
        pages.push(("/en/gioi-thieu/".into(), ""));
        pages.push((
            "/en/tim-kiem/?q=giay%20phep%20xay%20dung".into(),
            "return document.querySelectorAll('#search-results li').length > 0",
        ));
        pages.push(("/en/data/".into(), ""));
        pages.push(("/en/thong-ke/".into(), ""));
        // Statistics with (sample) figures: charts and tables, both editions, and a procedure's figures.
        let ex = browser::STATS_EXAMPLE;
        pages.push((format!("/{ex}/thong-ke/"), ""));
        pages.push((format!("/{ex}/en/thong-ke/"), ""));
        pages.push((format!("/{ex}{INVESTMENT_CERT}"), ""));
        pages.push((format!("/{ex}/en{INVESTMENT_CERT}"), ""));
        // Questions from businesses: the FAQ page (empty or not) and procedure pages with questions, both editions.
        pages.push(("/hoi-dap/".into(), ""));
        pages.push(("/en/hoi-dap/".into(), ""));
        let faq = browser::FAQ_EXAMPLE;
        pages.push((format!("/{faq}/hoi-dap/"), ""));
        pages.push((format!("/{faq}/en/hoi-dap/"), ""));
        pages.push((format!("/{faq}{INVESTMENT_CERT}"), ""));
        pages.push((format!("/{faq}/en/thu-tuc/cap-giay-phep-xay-dung/"), ""));
        pages.push((
            format!("/{faq}/tim-kiem/?q=mien%20giay%20phep"),
            "return document.querySelectorAll('#search-results li').length > 0",
        ));
        pages.push(("/in-an/".into(), ""));
        pages.push(("/trang-khong-ton-tai/".into(), "")); // served as 404.html, status 404
        for (path, _) in &pages {
            let file = path.split('?').next().unwrap();
            if file != "/trang-khong-ton-tai/" {
                ensure!(
                    site.dir.join(file.trim_start_matches('/')).join("index.html").is_file(),
                    "the built site has no page {file}"
                );
            }
        }
        ensure!(site.dir.join("404.html").is_file(), "the built site has no 404.html");

        let mut report = Vec::new();
        let mut clean = 0;
        for (path, ready) in &pages {
            let started = std::time::Instant::now();
            c.goto(&site.url(path)).await?;
            if !ready.is_empty() {
                wait_js(&c, ready, vec![], WAIT, &format!("{path} to be ready for axe")).await?;
            }
            c.execute(&axe_src, vec![]).await.with_context(|| format!("injecting axe.min.js into {path}"))?;
            let v: Value = c
                .execute_async(
                    "const done = arguments[0];
                     axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                                        resultTypes: ['violations']})
                       .then(r => done({violations: r.violations.map(v => ({
                               id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
                               nodes: v.nodes.slice(0, 3).map(n => ({target: n.target, html: n.html, summary: n.failureSummary}))}))}),
                             e => done({error: String(e && e.stack || e)}));",
                    vec![],
                )
                .await
                .with_context(|| format!("running axe on {path}"))?;
            if let Some(err) = v.get("error") {
                bail!("axe.run failed on {path}: {err}");
            }
            let violations = v["violations"].as_array().cloned().unwrap_or_default();
            eprintln!("  axe {path}: {} violation(s) in {:.2} s", violations.len(), started.elapsed().as_secs_f64());
            if violations.is_empty() {
                clean += 1;
            }
            for viol in violations {
                let mut s = format!(
                    "{path}: [{}] {} ({}; {} element(s)) {}",
                    viol["id"].as_str().unwrap_or("?"),
                    viol["help"].as_str().unwrap_or(""),
                    viol["impact"].as_str().unwrap_or("?"),
                    viol["count"],
                    viol["helpUrl"].as_str().unwrap_or("")
                );
                for n in viol["nodes"].as_array().into_iter().flatten() {
                    s.push_str(&format!(
                        "\n      target {}\n      html   {}\n      why    {}",
                        n["target"],
                        n["html"].as_str().unwrap_or(""),
                        n["summary"].as_str().unwrap_or("").replace('\n', "\n             ")
                    ));
                }
                report.push(s);
            }
        }
        if !report.is_empty() {
            bail!(
                "axe found {} violation(s) (WCAG 2.0/2.1 A+AA) on {} of {} pages:\n  {}",
                report.len(),
                pages.len() - clean,
                pages.len(),
                report.join("\n  ")
            );
        }
        Ok(())
    });
}
