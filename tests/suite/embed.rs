//! The embeddable views (issue 17, `/nhung/`): embedded in a host page served
//! on another port (so another origin), in iframes 320 and 1024 px wide,
//! sandboxed as the snippets say.
//!
//! * each view tells the host its height and the host's `embed-host.js` sets
//!   it: no scrollbar inside the frame (document height ≤ frame height + 2),
//!   no sideways overflow, and axe reports 0 violations inside the frame;
//! * a link click navigates the top window (the host page) to the full page
//!   when the frame may (no sandbox, or the snippets' sandbox with
//!   `allow-top-navigation-by-user-activation`), and otherwise (the issue's
//!   `allow-scripts allow-popups`, which blocks `target="_top"` as
//!   `top_navigation_needs_its_own_sandbox_flag` shows) opens it in a new window;
//! * under `Content-Security-Policy: default-src 'self'` nothing is blocked;
//! * without JavaScript the views show everything, with no inert controls;
//! * embed pages are `noindex`, not in the sitemap, with no inline script or
//!   style, and the `[embed]` options are checked.
//!
//! Browser tests need Chromium, chromedriver and node_modules/axe-core (see
//! tests/suite/browser.rs); without them they print SKIPPED and pass, except in CI.

use crate::support;

use anyhow::{Context, bail, ensure};
use fantoccini::{Client, Locator};
use serde_json::Value;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use support::browser::{self, SessionOpts, Site, wait_js};
use support::server::StaticServer;

const CARD: &str = "/nhung/the/cap-giay-chung-nhan-dang-ky-dau-tu/";
const CARD_FULL: &str = "/thu-tuc/cap-giay-chung-nhan-dang-ky-dau-tu/";
/// Every view, both editions, and the statistics with (sample) figures.
const VIEWS: &[&str] = &[
    "/nhung/thu-tuc/",
    "/nhung/hanh-trinh/",
    "/nhung/thong-ke/",
    CARD,
    "/en/nhung/thu-tuc/",
    "/en/nhung/the/cap-giay-chung-nhan-dang-ky-dau-tu/",
    "/vi-du-thong-ke/nhung/thong-ke/",
];
const WIDTHS: &[u32] = &[320, 1024];
/// The sandbox the issue names; the snippets add `allow-popups-to-escape-sandbox`
/// and `allow-top-navigation-by-user-activation`.
const ISSUE_SANDBOX: &str = "allow-scripts allow-popups";
/// The snippets' sandbox before the top navigation (new windows only, unsandboxed).
const ESCAPE_SANDBOX: &str = "allow-scripts allow-popups allow-popups-to-escape-sandbox";
/// For `host_page`: an iframe with no `sandbox` attribute at all.
const NO_SANDBOX: &str = "";
const START_HEIGHT: u32 = 150;
const WAIT: Duration = Duration::from_secs(15);

/// The host pages' own server: another port of 127.0.0.1, so another origin than the site.
struct Host {
    base: String,
    dir: PathBuf,
}

static HOST: OnceLock<Host> = OnceLock::new();

fn host() -> &'static Host {
    HOST.get_or_init(|| {
        let dir = tempfile::Builder::new().prefix("onestop-embed-host-").tempdir().expect("host folder").keep();
        let mut server = StaticServer::bind().expect("bind the host server");
        let base = server.base_url();
        server.start(dir.clone());
        Host { base, dir }
    })
}

/// Writes a host page embedding `src` (a site path) in a frame `width` px wide, sandboxed
/// with `sandbox` (`NO_SANDBOX`: no attribute); returns its URL.
fn host_page(site: &Site, name: &str, src: &str, width: u32, sandbox: &str) -> String {
    let h = host();
    let sandbox = if sandbox.is_empty() { String::new() } else { format!(" sandbox=\"{sandbox}\"") };
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Host page</title></head><body>\
         <h1>A portal page</h1><div style=\"width:{width}px\"><iframe id=\"f\" src=\"{}\" title=\"Embedded view\" \
         height=\"{START_HEIGHT}\"{sandbox} data-onestop-embed></iframe></div><p>After the frame.</p>\
         <script src=\"{}static/js/embed-host.js\"></script></body></html>",
        site.url(src),
        site.base
    );
    std::fs::write(h.dir.join(format!("{name}.html")), html).expect("write the host page");
    format!("{}{name}.html", h.base)
}

/// Waits until the frame has been resized and fits its content; returns (frame height, document height).
async fn fitted(c: &Client, what: &str) -> anyhow::Result<(f64, f64)> {
    let deadline = Instant::now() + WAIT;
    loop {
        let frame_h = c.execute("return document.getElementById('f').clientHeight", vec![]).await?;
        let frame_h = frame_h.as_f64().unwrap_or(0.0);
        c.clone().enter_frame(0).await?;
        let inner = c
            .execute(
                "const d = document.documentElement; return [d.scrollHeight, d.getBoundingClientRect().height, \
                 d.scrollWidth, d.clientWidth, document.readyState === 'complete' && document.fonts.status === 'loaded'];",
                vec![],
            )
            .await;
        c.clone().enter_parent_frame().await?;
        let inner = inner?;
        let n = |i: usize| inner[i].as_f64().unwrap_or(f64::MAX);
        let (scroll_h, content_h, scroll_w, client_w) = (n(0), n(1), n(2), n(3));
        let ready = inner[4].as_bool() == Some(true);
        // Resized, no inner scrollbar, and no taller than its content.
        if ready
            && frame_h as u32 != START_HEIGHT
            && scroll_h <= frame_h + 2.0
            && (frame_h - content_h).abs() <= 2.0
            && scroll_w <= client_w + 1.0
        {
            return Ok((frame_h, content_h));
        }
        if Instant::now() > deadline {
            bail!(
                "{what}: the frame is {frame_h} px high and its document {scroll_h} px (content {content_h}), \
                 {scroll_w} px wide in {client_w}: not fitted within {} s",
                WAIT.as_secs()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// axe (WCAG 2.0/2.1 A and AA) inside the current frame; the violations, one line each.
async fn axe(c: &Client, axe_src: &str) -> anyhow::Result<Vec<String>> {
    c.execute(axe_src, vec![]).await.context("injecting axe")?;
    let v: Value = c
        .execute_async(
            "const done = arguments[0];
             axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})
               .then(r => done({v: r.violations.map(v => v.id + ': ' + v.help + ' ' + JSON.stringify(v.nodes.slice(0, 2).map(n => n.html)))}),
                     e => done({error: String(e)}));",
            vec![],
        )
        .await?;
    if let Some(e) = v.get("error") {
        bail!("axe failed: {e}");
    }
    Ok(v["v"].as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect())
}

#[test]
fn embedded_views_fit_their_frame_and_pass_axe() {
    let test = "embedded_views_fit_their_frame_and_pass_axe";
    let Some(axe_path) = support::axe_js() else {
        support::require(test, "axe-core (node_modules/axe-core/axe.min.js; run `npm ci`)", false);
        return;
    };
    let axe_src = std::fs::read_to_string(axe_path).expect("read axe.min.js");
    browser::run(test, Duration::from_secs(400), |c, site| async move {
        let sandbox = onestop::render::embed::SANDBOX;
        let mut problems = Vec::new();
        for (i, view) in VIEWS.iter().enumerate() {
            for &w in WIDTHS {
                let url = host_page(site, &format!("fit-{i}-{w}"), view, w, sandbox);
                c.goto(&url).await?;
                let what = format!("{view} at {w} px");
                let (frame_h, _) = fitted(&c, &what).await?;
                c.clone().enter_frame(0).await?;
                let violations = axe(&c, &axe_src).await.with_context(|| format!("axe on {what}"))?;
                c.clone().enter_parent_frame().await?;
                eprintln!("  {what}: frame {frame_h} px high, {} axe violation(s)", violations.len());
                problems.extend(violations.into_iter().map(|v| format!("{what}: {v}")));
            }
        }
        ensure!(problems.is_empty(), "axe inside the frames:\n  {}", problems.join("\n  "));
        Ok(())
    });
}

/// The host page's windows after a click in the frame: waits for a second one and returns its URL.
async fn new_window_url(c: &Client) -> anyhow::Result<String> {
    let deadline = Instant::now() + WAIT;
    let first = c.window().await?;
    loop {
        let windows = c.windows().await?;
        if let Some(w) = windows.into_iter().find(|w| *w != first) {
            c.switch_to_window(w).await?;
            wait_js(
                c,
                "return document.readyState === 'complete' && location.href !== 'about:blank'",
                vec![],
                WAIT,
                "the new window",
            )
            .await?;
            let url = c.current_url().await?.to_string();
            return Ok(url);
        }
        if Instant::now() > deadline {
            bail!("no new window opened within {} s", WAIT.as_secs());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the (top-level) window shows `want`; returns where it is.
async fn top_at(c: &Client, want: &str) -> anyhow::Result<String> {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = c.current_url().await?.to_string();
        if now == want || Instant::now() > deadline {
            return Ok(now);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A plain click on the card's full-page link, in a frame sandboxed as `sandbox`: the top window
/// goes to the full page when the frame may navigate it (embed.js), else a new window opens
/// (`target="_blank"`) and the host page stays. A click with a modifier key is the browser's.
#[test]
fn a_link_in_a_frame_opens_the_full_page() {
    browser::run("a_link_in_a_frame_opens_the_full_page", Duration::from_secs(180), |c, site| async move {
        let full = site.url(CARD_FULL);
        let cases = [
            (NO_SANDBOX, "none", true),
            (onestop::render::embed::SANDBOX, "snippet", true),
            (ISSUE_SANDBOX, "issue", false),
            (ESCAPE_SANDBOX, "escape", false),
        ];
        for (sandbox, name, navigates_top) in cases {
            let url = host_page(site, &format!("click-{name}"), CARD, 320, sandbox);
            c.goto(&url).await?;
            fitted(&c, CARD).await?;
            let host_window = c.window().await?;
            c.clone().enter_frame(0).await?;
            c.find(Locator::Css("a.oe-more")).await?.click().await?;
            if navigates_top {
                // The frame is gone with the host page: back to the top-level context.
                c.switch_to_window(host_window).await?;
                let now = top_at(&c, &full).await?;
                eprintln!("  sandbox=\"{sandbox}\": the top window is at {now}");
                ensure!(now == full, "sandbox \"{sandbox}\": the top window is at {now}, not the full page");
                let windows = c.windows().await?.len();
                ensure!(windows == 1, "sandbox \"{sandbox}\": {windows} windows after the click");
                continue;
            }
            let opened = new_window_url(&c).await?;
            eprintln!("  sandbox=\"{sandbox}\": a new window opened {opened}");
            ensure!(opened == full, "sandbox \"{sandbox}\": the link opened {opened}");
            // With allow-popups-to-escape-sandbox, the opened page is a normal page (it has its origin).
            let origin = c.execute("return window.origin", vec![]).await?;
            if sandbox == ESCAPE_SANDBOX {
                ensure!(origin.as_str() != Some("null"), "the opened page is still sandboxed");
            }
            c.close_window().await?;
            c.switch_to_window(host_window).await?;
            ensure!(c.current_url().await?.as_str() == url, "sandbox \"{sandbox}\": the host page navigated away");
        }
        Ok(())
    });
}

/// How embed.js tells whether it may navigate the top window: under the issue's sandbox
/// Chromium's location setter throws a SecurityError (the script then leaves the click to
/// `target="_blank"`); nothing is silently dropped.
#[test]
fn a_refused_top_navigation_throws() {
    browser::run("a_refused_top_navigation_throws", Duration::from_secs(120), |c, site| async move {
        let url = host_page(site, "throws", CARD, 320, ISSUE_SANDBOX);
        c.goto(&url).await?;
        fitted(&c, CARD).await?;
        c.clone().enter_frame(0).await?;
        let r = c
            .execute(
                "try { window.top.location.href = arguments[0]; return 'no exception'; } \
                 catch (e) { return e.name + ': ' + e.message; }",
                vec![Value::String(site.url(CARD_FULL))],
            )
            .await?;
        c.clone().enter_parent_frame().await?;
        eprintln!("  top.location.href = … under sandbox=\"{ISSUE_SANDBOX}\": {r}");
        ensure!(r.as_str().is_some_and(|s| s.starts_with("SecurityError")), "expected a SecurityError, got {r}");
        tokio::time::sleep(Duration::from_millis(500)).await;
        ensure!(c.current_url().await?.as_str() == url, "the host page navigated away");
        Ok(())
    });
}

/// Why the links open a new window: under the issue's sandbox a `target="_top"` link does
/// nothing (Chromium blocks it); it takes `allow-top-navigation-by-user-activation`.
#[test]
fn top_navigation_needs_its_own_sandbox_flag() {
    browser::run("top_navigation_needs_its_own_sandbox_flag", Duration::from_secs(120), |c, site| async move {
        let card = site.dir.join(CARD.trim_start_matches('/')).join("index.html");
        let html = std::fs::read_to_string(&card)?;
        ensure!(html.contains(r#"<base target="_blank">"#), "the card has no <base target=\"_blank\">");
        let top = site.dir.join(CARD.trim_start_matches('/')).join("top.html");
        std::fs::write(&top, html.replace(r#"<base target="_blank">"#, r#"<base target="_top">"#))?;
        let src = format!("{CARD}top.html");
        for (sandbox, navigates) in
            [(ISSUE_SANDBOX, false), ("allow-scripts allow-popups allow-top-navigation-by-user-activation", true)]
        {
            let url = host_page(site, "top", &src, 320, sandbox);
            c.goto(&url).await?;
            fitted(&c, &src).await?;
            c.clone().enter_frame(0).await?;
            c.find(Locator::Css("a.oe-more")).await?.click().await?;
            tokio::time::sleep(Duration::from_millis(1500)).await;
            let _ = c.clone().enter_parent_frame().await;
            let now = c.current_url().await?.to_string();
            let moved = now == site.url(CARD_FULL);
            eprintln!("  target=_top under sandbox=\"{sandbox}\": the top window is at {now}");
            ensure!(
                moved == navigates,
                "sandbox \"{sandbox}\": expected top navigation {navigates}, the top is at {now}"
            );
        }
        Ok(())
    });
}

#[test]
fn views_run_under_a_strict_content_security_policy() {
    browser::run("views_run_under_a_strict_content_security_policy", Duration::from_secs(200), |c, site| async move {
        // The static test server sends no headers: each view gets a copy beside it with the
        // policy as <meta>, and a first (allowed, same-origin) script that records violations.
        std::fs::write(
            site.dir.join("csp-listen.js"),
            "window.__violations = []; document.addEventListener('securitypolicyviolation', \
             function (e) { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });",
        )?;
        for (i, view) in VIEWS.iter().enumerate() {
            let folder = site.dir.join(view.trim_start_matches('/'));
            let html = std::fs::read_to_string(folder.join("index.html"))?;
            let meta = "<head>\n<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">\n\
                        <script src=\"/csp-listen.js\"></script>";
            std::fs::write(folder.join("csp.html"), html.replacen("<head>", meta, 1))?;
            let url =
                host_page(site, &format!("csp-{i}"), &format!("{view}csp.html"), 1024, onestop::render::embed::SANDBOX);
            c.goto(&url).await?;
            // Resized: embed.js ran under the policy.
            fitted(&c, &format!("{view} under CSP")).await?;
            c.clone().enter_frame(0).await?;
            let v = c.execute("return window.__violations || ['the listener did not run']", vec![]).await?;
            let stylesheets = c.execute("return document.styleSheets.length", vec![]).await?;
            c.clone().enter_parent_frame().await?;
            let list: Vec<String> = v.as_array().into_iter().flatten().map(|x| x.to_string()).collect();
            ensure!(list.is_empty(), "{view}: CSP violations {list:?}");
            ensure!(
                stylesheets.as_u64() == Some(2),
                "{view}: {stylesheets} style sheets, expected embed.css and colours.css"
            );
        }
        Ok(())
    });
}

#[test]
fn views_work_without_javascript() {
    let opts = SessionOpts { javascript: false, ..SessionOpts::default() };
    browser::run_with("views_work_without_javascript", Duration::from_secs(120), opts, |c, site| async move {
        for view in VIEWS {
            c.goto(&site.url(view)).await?;
            let v = c
                .execute(
                    "const visible = e => e.offsetParent !== null || e.getClientRects().length > 0;
                     return [
                       [...document.querySelectorAll('input, select, textarea, button')].filter(visible).length,
                       [...document.querySelectorAll('a')].filter(a => !a.getAttribute('href')).length,
                       document.querySelectorAll('a').length,
                       document.querySelector('base') && document.querySelector('base').target,
                       document.querySelectorAll('#oe-catalogue tbody tr').length,
                       [...document.querySelectorAll('#oe-catalogue tbody tr')].filter(visible).length];",
                    vec![],
                )
                .await?;
            ensure!(v[0] == 0, "{view}: {} visible form control(s) without JavaScript", v[0]);
            ensure!(v[1] == 0, "{view}: {} link(s) without href", v[1]);
            ensure!(v[2].as_u64() >= Some(2), "{view}: only {} link(s)", v[2]);
            ensure!(v[3] == "_blank", "{view}: links open in {}", v[3]);
            ensure!(v[4] == v[5], "{view}: {} of {} catalogue rows shown", v[5], v[4]);
        }
        // A link works: the card's full-page link opens the procedure page.
        c.goto(&site.url(CARD)).await?;
        c.find(Locator::Css("a.oe-more")).await?.click().await?;
        let opened = new_window_url(&c).await?;
        ensure!(opened == site.url(CARD_FULL), "the card's link opened {opened}");
        // The staff page: snippets as text, no copy buttons, every card listed.
        let first = c.windows().await?.into_iter().next().context("a window")?;
        c.switch_to_window(first).await?;
        c.goto(&site.url("/nhung/")).await?;
        let v = c
            .execute(
                "return [document.querySelectorAll('.embed-copy').length, document.querySelectorAll('pre.embed-code').length,
                         document.querySelectorAll('.embed-card-list a').length, document.getElementById('embed-choose').hidden];",
                vec![],
            )
            .await?;
        ensure!(
            v[0] == 0 && v[1].as_u64() >= Some(8) && v[2].as_u64() >= Some(50) && v[3] == true,
            "staff page without JavaScript: {v}"
        );
        Ok(())
    });
}

#[test]
fn staff_page_copies_snippets_and_previews_fit() {
    browser::run("staff_page_copies_snippets_and_previews_fit", Duration::from_secs(120), |c, site| async move {
        c.goto(&site.url("/nhung/")).await?;
        wait_js(&c, "return document.querySelectorAll('.embed-copy').length >= 8", vec![], WAIT, "copy buttons")
            .await?;
        // The card chooser switches the preview and both snippets.
        let select = c.find(Locator::Id("embed-card-select")).await?;
        select.select_by_index(1).await?;
        let v = c
            .execute(
                "const s = document.getElementById('embed-card-select'); const o = s.options[1];
                 const codes = s.closest('section').querySelectorAll('pre.embed-code code');
                 return [document.getElementById('embed-card-preview').getAttribute('src') === o.dataset.preview,
                         codes[0].textContent.includes(o.dataset.preview.replace(/^\\//, '')),
                         codes[1].textContent === o.dataset.link];",
                vec![],
            )
            .await?;
        ensure!(v == serde_json::json!([true, true, true]), "the card chooser: {v}");
        Ok(())
    });
}

/// Built once without a browser: what the pages say about themselves.
#[test]
fn embed_pages_are_noindex_out_of_the_sitemap_and_have_no_inline_code() {
    let tmp = tempfile::Builder::new().prefix("onestop-embed-").tempdir().expect("temporary folder");
    let out = tmp.path().join("public");
    support::build_site(&out, None).unwrap_or_else(|e| panic!("{e}"));
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(!sitemap.contains("/nhung/"), "an embed page is in sitemap.xml");
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(out.join("nhung")).into_iter().chain(walkdir::WalkDir::new(out.join("en/nhung")))
    {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        pages += 1;
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let rel = entry.path().strip_prefix(&out).unwrap().display().to_string();
        assert!(html.contains(r#"<meta name="robots" content="noindex">"#), "{rel}: no noindex");
        assert!(
            html.contains(r#"<link rel="canonical" href="https://thutuc.example.gov.vn/"#),
            "{rel}: no canonical link"
        );
        let staff = rel.ends_with("nhung/index.html");
        if staff {
            continue;
        }
        assert!(!html.contains("style=") && !html.contains("<style"), "{rel}: inline style");
        for (i, _) in html.match_indices("<script") {
            assert!(html[i..].starts_with("<script src="), "{rel}: inline script");
        }
        assert!(!regex_lite_on(&html), "{rel}: an on… event attribute");
        if rel.contains("/the/") {
            let canonical = format!(
                "https://thutuc.example.gov.vn/{}thu-tuc/{}/",
                if rel.starts_with("en/") { "en/" } else { "" },
                entry.path().parent().unwrap().file_name().unwrap().to_string_lossy()
            );
            assert!(html.contains(&canonical), "{rel}: canonical is not {canonical}");
            assert!(
                entry.path().with_file_name("qr.svg").is_file(),
                "{rel}: no QR code (site.toml has card_qr = true)"
            );
        }
    }
    assert!(pages >= 2 * (59 + 4), "only {pages} embed pages");
}

/// True when the text has an HTML event-handler attribute (` onclick=`, ` onload=`…).
fn regex_lite_on(html: &str) -> bool {
    let b = html.as_bytes();
    html.match_indices(" on").any(|(i, _)| {
        let rest = &b[i + 3..];
        let n = rest.iter().take_while(|c| c.is_ascii_lowercase()).count();
        n > 0 && rest.get(n) == Some(&b'=')
    })
}

fn site_toml_with(embed: &str) -> tempfile::TempDir {
    let dir = tempfile::Builder::new().prefix("onestop-embed-config-").tempdir().unwrap();
    let text = std::fs::read_to_string(support::root().join("site.toml")).unwrap();
    let head = text.split("\n[embed]").next().unwrap();
    std::fs::write(dir.path().join("site.toml"), format!("{head}\n[embed]\n{embed}\n")).unwrap();
    dir
}

#[test]
fn embed_options_are_checked() {
    let dir = site_toml_with("views = [\"catalog\", \"cards\", \"cards\"]\nbrand_colour = \"red\"");
    let errors = match onestop::load::load_config_at(dir.path()) {
        Ok(_) => panic!("bad [embed] options were accepted"),
        Err(e) => e,
    };
    let has = |field: &str, words: &str| {
        errors.iter().any(|d| {
            d.field == field
                && d.line > 0
                && format!("{} {}", d.message, d.hint.as_deref().unwrap_or("")).contains(words)
        })
    };
    assert!(has("embed.views", "`catalog`") && has("embed.views", "did you mean \"catalogue\""), "{errors:#?}");
    assert!(has("embed.views", "twice"), "{errors:#?}");
    assert!(has("embed.brand_colour", "#rrggbb"), "{errors:#?}");

    let dir = site_toml_with("brand_colour = \"#FFCC00\"");
    let config = onestop::load::load_config_at(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(config.site.embed.brand_colour, "#ffcc00");
    assert_eq!(config.site.embed.views, ["catalogue", "journey", "statistics", "cards"]);
    assert!(!config.site.embed.card_qr);
    assert!(
        config.warnings.iter().any(|w| w.field == "embed.brand_colour" && w.line > 0 && w.message.contains("4.5:1")),
        "no contrast warning: {:?}",
        config.warnings
    );
    let dir = site_toml_with("views = []");
    let config = onestop::load::load_config_at(dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
    // No embed warning (the site may still be warned about other keys, e.g. no [feedback]).
    assert!(config.site.embed.views.is_empty() && config.warnings.iter().all(|w| !w.field.starts_with("embed")));
}
