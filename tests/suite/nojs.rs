//! The reader's side of the lists, the journey, the navigation and the statistics
//! (issue 11): with JavaScript off no control is shown that does nothing; with it on,
//! the journey's first step is in the first phone screen and the catalogue sorts by
//! the processing time itself; every top-level navigation item is visible on a phone;
//! an empty level page says so; the statistics page speaks to the public and its chart
//! text is readable on a phone.
//!
//! Headless Chromium through chromedriver, as tests/suite/browser.rs (same requirements; a
//! missing tool skips the test, or fails it under CI=true).

use crate::support;

use anyhow::{Context, ensure};
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::time::Duration;
use support::browser::{self, SessionOpts, Site, wait_js};

const WAIT: Duration = Duration::from_secs(10);
const PHONE: SessionOpts = SessionOpts { javascript: true, width: 390, height: 844 };
const NO_JS: SessionOpts = SessionOpts { javascript: false, width: 1280, height: 800 };
const NO_JS_PHONE: SessionOpts = SessionOpts { javascript: false, width: 390, height: 844 };

/// One page of every type, in both editions, and the statistics example with figures.
fn every_page_type(site: &Site) -> anyhow::Result<Vec<String>> {
    let first = |dir: &str| -> anyhow::Result<String> {
        let mut names: Vec<String> = std::fs::read_dir(site.dir.join(dir))
            .with_context(|| format!("the built site has no {dir}/"))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("index.html").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(format!("/{dir}/{}/", names.first().with_context(|| format!("no page under /{dir}/"))?))
    };
    let mut pages = vec![
        "/".to_string(),
        "/thu-tuc/".into(),
        first("thu-tuc")?,
        "/hanh-trinh/".into(),
        first("hanh-trinh")?,
        "/linh-vuc/".into(),
        first("linh-vuc")?,
        "/muc-do/".into(),
        "/muc-do/muc-do-1/".into(),
        "/muc-do/muc-do-3/".into(),
        "/gioi-thieu/".into(),
        "/tim-kiem/".into(),
        "/data/".into(),
        "/thay-doi/".into(),
        "/thong-ke/".into(),
        "/in-an/".into(),
        "/trang-khong-ton-tai/".into(),
    ];
    let english: Vec<String> =
        pages.iter().filter(|p| *p != "/trang-khong-ton-tai/").map(|p| format!("/en{p}")).collect();
    pages.extend(english);
    let ex = browser::STATS_EXAMPLE;
    pages.push(format!("/{ex}/thong-ke/"));
    pages.push(format!("/{ex}/en/thong-ke/"));
    Ok(pages)
}

/// Visible controls that cannot work without JavaScript: a button, field or list that is
/// not part of a form that submits somewhere; and any `[hidden]` element that shows.
const INERT: &str = r#"
var bad = [];
var shown = function (e) {
  var r = e.getBoundingClientRect(), s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== "hidden" && s.display !== "none";
};
document.querySelectorAll("[hidden]").forEach(function (e) {
  if (shown(e)) bad.push("shown although hidden: " + e.outerHTML.slice(0, 100));
});
document.querySelectorAll("button, select, input, textarea, [role=button]").forEach(function (e) {
  if (e.type === "hidden" || !shown(e)) return;
  var f = e.form;
  var submits = f && f.getAttribute("action") && f.querySelector("button[type=submit], input[type=submit], button:not([type])");
  var ok = submits && e.type !== "reset" && e.type !== "button";
  if (!ok) bad.push(e.outerHTML.slice(0, 140));
});
return bad;
"#;

/// Fails unless the session's viewport is a phone's (≤ 400 px wide).
async fn ensure_phone(c: &Client, path: &str) -> anyhow::Result<()> {
    let w = c.execute("return innerWidth", vec![]).await?.as_f64().unwrap_or(f64::NAN);
    ensure!(w <= 400.0, "{path}: the viewport is {w} px wide, not a phone");
    Ok(())
}

async fn inert_controls(c: &Client, site: &Site, pages: &[String]) -> anyhow::Result<Vec<String>> {
    let mut report = Vec::new();
    for path in pages {
        c.goto(&site.url(path)).await?;
        let bad = c.execute(INERT, vec![]).await?;
        for b in bad.as_array().into_iter().flatten() {
            report.push(format!("{path}: {}", b.as_str().unwrap_or_default()));
        }
    }
    Ok(report)
}

#[test]
fn no_inert_control_without_javascript() {
    browser::run_with("no_inert_control_without_javascript", Duration::from_secs(300), NO_JS, |c, site| async move {
        // The catalogue's filter form is hidden, so the proof JavaScript is off is
        // that it stays hidden (site.js would show it at once).
        c.goto(&site.url("/thu-tuc/")).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let hidden = c.execute("return document.getElementById('catalogue-filters').hidden", vec![]).await?;
        ensure!(hidden == Value::Bool(true), "site.js ran: the session does not have JavaScript off");
        let pages = every_page_type(site)?;
        let report = inert_controls(&c, site, &pages).await?;
        ensure!(report.is_empty(), "visible controls that do nothing without JavaScript:\n{}", report.join("\n"));
        eprintln!("  {} pages, no inert control at 1280 px", pages.len());
        Ok(())
    });
}

#[test]
fn no_inert_control_without_javascript_on_a_phone() {
    browser::run_with(
        "no_inert_control_without_javascript_on_a_phone",
        Duration::from_secs(300),
        NO_JS_PHONE,
        |c, site| async move {
            let pages = ["/".to_string(), "/thu-tuc/".into(), "/hanh-trinh/".into(), "/en/hanh-trinh/".into()];
            c.goto(&site.url("/")).await?;
            ensure_phone(&c, "/").await?;
            let report = inert_controls(&c, site, &pages).await?;
            ensure!(report.is_empty(), "visible controls that do nothing without JavaScript:\n{}", report.join("\n"));
            Ok(())
        },
    );
}

/// Without JavaScript every filter of the catalogue is a link: each stage, each field
/// with procedures and each level has its page linked from the catalogue.
#[test]
fn every_filter_is_a_link_without_javascript() {
    browser::run_with(
        "every_filter_is_a_link_without_javascript",
        Duration::from_secs(120),
        NO_JS,
        |c, site| async move {
            for prefix in ["", "/en"] {
                c.goto(&site.url(&format!("{prefix}/thu-tuc/"))).await?;
                c.find(Locator::Css("#browse-links summary")).await?.click().await?;
                let hrefs = c
                .execute(
                    "return Array.from(document.querySelectorAll('#browse-links a')).filter(a => a.getBoundingClientRect().height > 0).map(a => a.getAttribute('href'))",
                    vec![],
                )
                .await?;
                let hrefs: Vec<String> =
                    hrefs.as_array().into_iter().flatten().filter_map(|v| v.as_str().map(String::from)).collect();
                for dir in ["hanh-trinh", "linh-vuc", "muc-do"] {
                    let on_disk: Vec<String> = std::fs::read_dir(site.dir.join(dir))?
                        .filter_map(|e| e.ok())
                        .filter(|e| e.path().join("index.html").is_file())
                        .map(|e| format!("{prefix}/{dir}/{}/", e.file_name().to_string_lossy()))
                        .collect();
                    let linked = on_disk.iter().filter(|p| hrefs.iter().any(|h| h.ends_with(p.as_str()))).count();
                    // Fields without procedures are not linked; every stage and level is.
                    if dir == "linh-vuc" {
                        ensure!(linked >= 1, "{prefix}/thu-tuc/ links no field page: {hrefs:?}");
                    } else {
                        ensure!(
                            linked == on_disk.len(),
                            "{prefix}/thu-tuc/ links {linked} of the {} pages under /{dir}/: {hrefs:?}",
                            on_disk.len()
                        );
                    }
                }
            }
            Ok(())
        },
    );
}

/// The journey leads with its step-by-step: the first step's heading and its first
/// procedure are inside the first 390×844 screen, and "show all" opens every step.
#[test]
fn journey_first_step_in_the_first_phone_screen() {
    browser::run_with(
        "journey_first_step_in_the_first_phone_screen",
        Duration::from_secs(120),
        PHONE,
        |c, site| async move {
            for path in ["/hanh-trinh/", "/en/hanh-trinh/"] {
                c.goto(&site.url(path)).await?;
                ensure_phone(&c, path).await?;
                wait_js(
                    &c,
                    "return !document.querySelector('.step-controls').hidden",
                    vec![],
                    WAIT,
                    "site.js to show the step controls",
                )
                .await?;
                let m = c
                .execute(
                    "var s = document.querySelector('ol.step-by-step > li.step summary');
                     var d = s.parentNode;
                     return {w: innerWidth, h: innerHeight, bottom: s.getBoundingClientRect().bottom,
                             open: d.open, diagram: document.querySelector('.diagram-section').getBoundingClientRect().top};",
                    vec![],
                )
                .await?;
                let num = |k: &str| m[k].as_f64().unwrap_or(f64::NAN);
                eprintln!(
                    "  {path}: viewport {}×{}, first step ends at {} px, diagram starts at {} px",
                    num("w"),
                    num("h"),
                    num("bottom"),
                    num("diagram")
                );
                ensure!(num("w") <= 400.0, "{path}: the viewport is {} px wide, not a phone", num("w"));
                ensure!(
                    num("bottom") <= num("h"),
                    "{path}: the first step ends at {} px, below the first screen ({} px)",
                    num("bottom"),
                    num("h")
                );
                ensure!(m["open"] == Value::Bool(true), "{path}: the first step is not open");
                ensure!(num("diagram") > num("bottom"), "{path}: the diagram comes before the step-by-step");
                // "Show all" opens every step; again closes them.
                c.find(Locator::Id("toggle-all")).await?.click().await?;
                let all_open = c
                    .execute(
                        "return Array.from(document.querySelectorAll('.step-by-step details')).every(d => d.open)",
                        vec![],
                    )
                    .await?;
                ensure!(all_open == Value::Bool(true), "{path}: show all did not open every step");
                c.find(Locator::Id("toggle-all")).await?.click().await?;
                let none_open = c
                    .execute(
                        "return Array.from(document.querySelectorAll('.step-by-step details')).every(d => !d.open)",
                        vec![],
                    )
                    .await?;
                ensure!(none_open == Value::Bool(true), "{path}: hide all left a step open");
            }
            Ok(())
        },
    );
}

/// Sorting the catalogue by processing time orders the rows by the numeric key in
/// `data-value` (working days), both ways, with the rows without a time always last.
#[test]
fn catalogue_sorts_by_the_processing_time_itself() {
    browser::run("catalogue_sorts_by_the_processing_time_itself", Duration::from_secs(120), |c, site| async move {
        c.goto(&site.url("/thu-tuc/")).await?;
        wait_js(
            &c,
            "return document.querySelector('#catalogue th button.sort') !== null",
            vec![],
            WAIT,
            "the sort buttons",
        )
        .await?;
        let col = c
            .execute(
                "var ths = Array.from(document.querySelectorAll('#catalogue thead th'));
                 return ths.findIndex(th => th.querySelector('button.sort') && ths.indexOf(th) === ths.length - 1);",
                vec![],
            )
            .await?
            .as_i64()
            .context("no sort button in the last column")?;
        let keys = r#"var col = arguments[0];
            return Array.from(document.querySelectorAll('#catalogue tbody tr')).map(function (r) {
              var c = r.cells[col]; return c.dataset.value === undefined ? null : parseFloat(c.dataset.value); });"#;
        let button = format!("#catalogue thead th:nth-child({}) button.sort", col + 1);
        for (round, ascending) in [(1, true), (2, false)] {
            c.find(Locator::Css(&button)).await?.click().await?;
            let v = c.execute(keys, vec![Value::from(col)]).await?;
            let v: Vec<Option<f64>> = v.as_array().context("no rows")?.iter().map(|x| x.as_f64()).collect();
            let known: Vec<f64> = v.iter().map_while(|x| *x).collect();
            ensure!(known.len() >= 5, "click {round}: only {} rows with a time lead the table", known.len());
            ensure!(
                v[known.len()..].iter().all(Option::is_none),
                "click {round}: a row without a time is not last: {v:?}"
            );
            ensure!(
                known.iter().all(|&k| k >= 0.0),
                "click {round}: a negative sort key (an unknown time as -1?): {known:?}"
            );
            // The rows that read "Không có thông tin" are exactly the last ones.
            let texts = c
                .execute(
                    "var col = arguments[0]; return Array.from(document.querySelectorAll('#catalogue tbody tr')).map(r => r.cells[col].textContent.trim());",
                    vec![Value::from(col)],
                )
                .await?;
            let texts: Vec<&str> = texts.as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let first_unknown =
                texts.iter().position(|t| *t == "Không có thông tin").context("no row without a time")?;
            ensure!(
                texts[first_unknown..].iter().all(|t| *t == "Không có thông tin") && first_unknown >= known.len(),
                "click {round}: \"Không có thông tin\" is not last: {texts:?}"
            );
            let ordered = known.windows(2).all(|w| if ascending { w[0] <= w[1] } else { w[0] >= w[1] });
            ensure!(
                ordered,
                "click {round}: the times are not in {} order: {known:?}",
                if ascending { "ascending" } else { "descending" }
            );
            eprintln!(
                "  click {round}: {} timed rows from {} to {} working days, {} without a time last",
                known.len(),
                known[0],
                known[known.len() - 1],
                v.len() - known.len()
            );
        }
        // The key is in working days: 30 calendar days (30 × 5/7) sort below 25 working days.
        let pairs = c
            .execute(
                "var col = arguments[0]; return Array.from(document.querySelectorAll('#catalogue tbody tr')).map(r => [r.cells[col].textContent.trim(), r.cells[col].dataset.value || null]);",
                vec![Value::from(col)],
            )
            .await?;
        let calendar = pairs
            .as_array()
            .into_iter()
            .flatten()
            .find(|p| p[0].as_str().is_some_and(|t| t == "30 ngày"))
            .context("no row reads \"30 ngày\" (calendar days)")?;
        let k: f64 = calendar[1].as_str().unwrap_or_default().parse()?;
        ensure!((k - 30.0 * 5.0 / 7.0).abs() < 1e-6, "30 calendar days have the key {k}, not 30 × 5/7");
        Ok(())
    });
}

/// At 390 px every top-level navigation item is on screen, whole and visible.
#[test]
fn phone_navigation_shows_every_item() {
    browser::run_with(
        "phone_navigation_shows_every_item",
        Duration::from_secs(120),
        NO_JS_PHONE,
        |c, site| async move {
            for path in ["/", "/en/", "/thu-tuc/"] {
                c.goto(&site.url(path)).await?;
                ensure_phone(&c, path).await?;
                let items = c
                .execute(
                    "return Array.from(document.querySelectorAll('.main-nav a')).map(function (a) {
                       var r = a.getBoundingClientRect();
                       return {text: a.textContent.trim(), left: r.left, right: r.right, w: r.width, sw: a.scrollWidth, cw: a.clientWidth, vw: innerWidth};
                     });",
                    vec![],
                )
                .await?;
                let items = items.as_array().context("no navigation")?;
                ensure!(items.len() >= 4, "{path}: {} navigation items", items.len());
                for i in items {
                    let f = |k: &str| i[k].as_f64().unwrap_or(f64::NAN);
                    ensure!(
                        f("left") >= 0.0 && f("right") <= f("vw") && f("w") > 0.0 && f("sw") <= f("cw") + 1.0,
                        "{path}: the navigation item {} is cut or off-screen at {} px: {i}",
                        i["text"],
                        f("vw")
                    );
                }
            }
            Ok(())
        },
    );
}

/// A level without procedures says so in a sentence, in both editions.
#[test]
fn empty_level_page_says_so() {
    browser::run_with("empty_level_page_says_so", Duration::from_secs(60), NO_JS, |c, site| async move {
        for (path, words) in
            [("/muc-do/muc-do-1/", "không có thủ tục nào"), ("/en/muc-do/muc-do-1/", "No procedure is at this level")]
        {
            c.goto(&site.url(path)).await?;
            let text = c
                .find(Locator::Css("#level-empty"))
                .await
                .with_context(|| format!("{path}: no #level-empty"))?
                .text()
                .await?;
            ensure!(text.contains(words), "{path}: the empty-level sentence reads {text:?}");
            let tables = c.find_all(Locator::Css("main table")).await?.len();
            ensure!(tables == 0, "{path}: an empty level page shows {tables} table(s)");
        }
        Ok(())
    });
}

/// /thong-ke/ never shows editor syntax, and on a phone its charts' text renders at ≥ 12 px.
#[test]
fn statistics_for_the_public_and_readable_on_a_phone() {
    browser::run_with(
        "statistics_for_the_public_and_readable_on_a_phone",
        Duration::from_secs(120),
        PHONE,
        |c, site| async move {
            let ex = browser::STATS_EXAMPLE;
            for path in [
                "/thong-ke/".to_string(),
                "/en/thong-ke/".into(),
                format!("/{ex}/thong-ke/"),
                format!("/{ex}/en/thong-ke/"),
            ] {
                c.goto(&site.url(&path)).await?;
                ensure_phone(&c, &path).await?;
                let text = c.find(Locator::Css("main")).await?.text().await?;
                for syntax in ["[[", "]]", "received_online", ".toml"] {
                    ensure!(!text.contains(syntax), "{path} shows editor syntax {syntax:?}");
                }
                let sizes = c
                    .execute(
                        "return Array.from(document.querySelectorAll('svg.chart text')).map(function (t) {
                       var svg = t.ownerSVGElement, k = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
                       return parseFloat(t.getAttribute('font-size')) * k; });",
                        vec![],
                    )
                    .await?;
                let sizes: Vec<f64> = sizes.as_array().into_iter().flatten().filter_map(Value::as_f64).collect();
                if let Some(min) = sizes.iter().copied().reduce(f64::min) {
                    eprintln!("  {path}: {} chart texts, the smallest {min:.1} px", sizes.len());
                    ensure!(min >= 12.0, "{path}: chart text renders at {min:.1} px on a 390 px phone");
                }
                // No chart is wider than the screen.
                let wide = c.execute("return Array.from(document.querySelectorAll('svg.chart')).some(s => s.getBoundingClientRect().right > innerWidth)", vec![]).await?;
                ensure!(wide == Value::Bool(false), "{path}: a chart is wider than the phone screen");
            }
            Ok(())
        },
    );
}
