//! The procedure page as a reader meets it (issue 11): the summary panel's
//! level, online action, time and fee in the first phone screen of every
//! procedure page, the whole panel in the first laptop screen, no horizontal
//! scroll at 390 px, and the browser's print of a procedure page on A4
//! portrait paper.
//!
//! Headless Chromium through chromedriver (tests/suite/support/browser.rs). The
//! viewport is set exactly with the DevTools command
//! `Emulation.setDeviceMetricsOverride`, sent through chromedriver's
//! `goog/cdp/execute` endpoint; the print check asks `Page.printToPDF` to
//! use the page's own `@page` size and reads the PDF's MediaBox.

use crate::support;

use anyhow::{Context, bail, ensure};
use fantoccini::Client;
use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::Duration;
use support::browser::{self, Site};

/// Sends one DevTools command to the session's Chromium through chromedriver.
async fn cdp(c: &Client, site: &Site, cmd: &str, params: Value) -> anyhow::Result<Value> {
    let session = c.session_id().await?.context("no WebDriver session id")?;
    let addr = site.driver_url.trim_start_matches("http://").to_string();
    let body = json!({"cmd": cmd, "params": params}).to_string();
    let cmd = cmd.to_string();
    tokio::task::spawn_blocking(move || -> anyhow::Result<Value> {
        let mut s = TcpStream::connect(&addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        write!(
            s,
            "POST /session/{session}/goog/cdp/execute HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        // Read the header, then exactly Content-Length bytes (chromedriver may keep the connection open).
        let mut raw = Vec::new();
        let mut buf = [0u8; 65536];
        let header_end = loop {
            let n = s.read(&mut buf)?;
            ensure!(n > 0, "{cmd}: connection closed before the response header");
            raw.extend_from_slice(&buf[..n]);
            if let Some(i) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&raw[..header_end]).to_ascii_lowercase();
        let json_text = if let Some(len) = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .and_then(|v| v.trim().parse::<usize>().ok())
        {
            while raw.len() < header_end + len {
                let n = s.read(&mut buf)?;
                ensure!(n > 0, "{cmd}: connection closed mid-body");
                raw.extend_from_slice(&buf[..n]);
            }
            String::from_utf8_lossy(&raw[header_end..header_end + len]).into_owned()
        } else {
            // Chunked: read until the terminating chunk.
            while !raw.ends_with(b"0\r\n\r\n") {
                let n = s.read(&mut buf)?;
                if n == 0 {
                    break;
                }
                raw.extend_from_slice(&buf[..n]);
            }
            dechunk(&String::from_utf8_lossy(&raw[header_end..]))?
        };
        let v: Value = serde_json::from_str(&json_text).with_context(|| format!("{cmd}: not JSON: {head}"))?;
        if v["value"]["error"].is_string() {
            bail!("{cmd}: {}", v["value"]);
        }
        Ok(v["value"].clone())
    })
    .await?
}

fn dechunk(mut s: &str) -> anyhow::Result<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n").context("bad chunk")?;
        let n = usize::from_str_radix(size.trim(), 16)?;
        if n == 0 {
            return Ok(out);
        }
        out.push_str(&rest[..n]);
        s = &rest[n + 2..];
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let (mut out, mut acc, mut bits) = (Vec::new(), 0u32, 0);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

async fn viewport(c: &Client, site: &Site, width: u32, height: u32) -> anyhow::Result<()> {
    cdp(
        c,
        site,
        "Emulation.setDeviceMetricsOverride",
        json!({"width": width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
    )
    .await?;
    Ok(())
}

/// Site paths of every procedure page of both editions.
fn procedure_pages(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for prefix in ["", "en/"] {
        let Ok(entries) = std::fs::read_dir(dir.join(prefix).join("thu-tuc")) else { continue };
        let mut slugs: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().join("index.html").is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        slugs.sort();
        out.extend(slugs.into_iter().map(|s| format!("/{prefix}thu-tuc/{s}/")));
    }
    out
}

/// Measures, at the top of the page: each `[data-glance]` fact's bottom edge,
/// the panel's bottom edge, the document's scroll width, and any table cell of
/// the procedure that reaches past the viewport's right edge.
const MEASURE: &str = r#"
window.scrollTo(0, 0);
// The level, the online action and the first row's time and fee.
const facts = ['level', 'online', 'time', 'fee'].map(k => document.querySelector(`.glance [data-glance="${k}"]`)).filter(e => e).map(e => {
  const r = e.getBoundingClientRect();
  return {kind: e.dataset.glance, bottom: r.bottom + window.scrollY, text: e.textContent.trim().slice(0, 60)};
});
const panel = document.querySelector('.glance');
const cells = [...document.querySelectorAll('.proc td, .proc th, .proc summary, .proc h1')]
  .filter(e => e.getClientRects().length > 0)
  .map(e => ({right: e.getBoundingClientRect().right, text: e.textContent.trim().slice(0, 40)}))
  .filter(c => c.right > window.innerWidth + 0.5);
return {
  facts,
  panel_bottom: panel ? panel.getBoundingClientRect().bottom + window.scrollY : null,
  scroll_width: document.documentElement.scrollWidth,
  inner: [window.innerWidth, window.innerHeight],
  cells_past_edge: cells.slice(0, 3),
  level_online: document.querySelector('.glance-online .button-file') !== null,
};
"#;

#[test]
fn summary_panel_facts_are_in_the_first_phone_screen_of_every_procedure_page() {
    browser::run(
        "summary_panel_facts_are_in_the_first_phone_screen_of_every_procedure_page",
        Duration::from_secs(600),
        |c, site| async move {
            viewport(&c, site, 390, 844).await?;
            let pages = procedure_pages(&site.dir);
            ensure!(pages.len() >= 100, "expected both editions' procedure pages, found {}", pages.len());
            let mut problems = Vec::new();
            let mut worst = (0.0f64, String::new());
            for path in &pages {
                c.goto(&site.url(path)).await?;
                let m = c.execute(MEASURE, vec![]).await?;
                ensure!(m["inner"] == json!([390, 844]), "viewport is {} on {path}", m["inner"]);
                let facts = m["facts"].as_array().context("facts")?;
                for kind in ["level", "online", "time"] {
                    if !facts.iter().any(|f| f["kind"] == kind) {
                        problems.push(format!("{path}: no {kind} in the summary panel"));
                    }
                }
                for f in facts {
                    let bottom = f["bottom"].as_f64().unwrap_or(f64::MAX);
                    if bottom > worst.0 {
                        worst = (bottom, format!("{path} {}", f["kind"]));
                    }
                    if bottom > 844.0 {
                        problems.push(format!("{path}: {} {:?} ends at {bottom:.0} px (> 844)", f["kind"], f["text"]));
                    }
                }
                if m["scroll_width"].as_f64().unwrap_or(0.0) > 390.0 {
                    problems.push(format!("{path}: page scrolls sideways ({} px wide)", m["scroll_width"]));
                }
                if let Some(cells) = m["cells_past_edge"].as_array().filter(|a| !a.is_empty()) {
                    problems.push(format!("{path}: cells past the right edge: {cells:?}"));
                }
            }
            eprintln!("  {} pages at 390×844; lowest fact ends at {:.0} px ({})", pages.len(), worst.0, worst.1);
            ensure!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
            Ok(())
        },
    );
}

#[test]
fn whole_summary_panel_is_in_the_first_laptop_screen_of_every_procedure_page() {
    browser::run(
        "whole_summary_panel_is_in_the_first_laptop_screen_of_every_procedure_page",
        Duration::from_secs(600),
        |c, site| async move {
            viewport(&c, site, 1280, 800).await?;
            let pages = procedure_pages(&site.dir);
            let mut problems = Vec::new();
            let mut worst = (0.0f64, String::new());
            for path in &pages {
                c.goto(&site.url(path)).await?;
                let m = c.execute(MEASURE, vec![]).await?;
                let bottom = m["panel_bottom"].as_f64().with_context(|| format!("{path}: no summary panel"))?;
                if bottom > worst.0 {
                    worst = (bottom, path.clone());
                }
                if bottom > 800.0 {
                    problems.push(format!("{path}: the summary panel ends at {bottom:.0} px (> 800)"));
                }
                if m["scroll_width"].as_f64().unwrap_or(0.0) > 1280.0 {
                    problems.push(format!("{path}: page scrolls sideways ({} px wide)", m["scroll_width"]));
                }
            }
            eprintln!("  {} pages at 1280×800; lowest panel ends at {:.0} px ({})", pages.len(), worst.0, worst.1);
            ensure!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
            Ok(())
        },
    );
}

/// MediaBox sizes of a PDF's pages, in points.
fn media_boxes(pdf: &[u8]) -> Vec<(f64, f64)> {
    let text = String::from_utf8_lossy(pdf);
    text.match_indices("/MediaBox")
        .filter_map(|(i, _)| {
            let rest = &text[i..];
            let open = rest.find('[')?;
            let close = rest.find(']')?;
            let n: Vec<f64> = rest[open + 1..close].split_whitespace().filter_map(|x| x.parse().ok()).collect();
            (n.len() == 4).then(|| (n[2] - n[0], n[3] - n[1]))
        })
        .collect()
}

async fn print_pages(c: &Client, site: &Site, path: &str) -> anyhow::Result<Vec<(f64, f64)>> {
    c.goto(&site.url(path)).await?;
    let pdf = cdp(c, site, "Page.printToPDF", json!({"preferCSSPageSize": true, "printBackground": true})).await?;
    let bytes = base64_decode(pdf["data"].as_str().context("printToPDF gave no data")?);
    let boxes = media_boxes(&bytes);
    ensure!(!boxes.is_empty(), "{path}: no page in the printed PDF");
    Ok(boxes)
}

#[test]
fn a_procedure_page_prints_on_a4_portrait_and_the_catalogue_on_a4_landscape() {
    browser::run(
        "a_procedure_page_prints_on_a4_portrait_and_the_catalogue_on_a4_landscape",
        Duration::from_secs(180),
        |c, site| async move {
            let a4 = |(w, h): (f64, f64)| ((w - 595.3).abs() < 2.0, (h - 841.9).abs() < 2.0);
            for path in ["/thu-tuc/cap-giay-phep-xay-dung-moi/", "/en/thu-tuc/cap-giay-phep-xay-dung-moi/"] {
                let boxes = print_pages(&c, site, path).await?;
                let first = boxes[0];
                ensure!(a4(first) == (true, true), "{path} prints on {first:?} pt, not A4 portrait (595 × 842)");
                ensure!(
                    boxes.iter().all(|b| a4(*b) == (true, true)),
                    "{path}: not every page is A4 portrait: {boxes:?}"
                );
                eprintln!("  {path}: {} A4 portrait pages", boxes.len());
            }
            // The catalogue keeps its office-wall landscape print.
            let boxes = print_pages(&c, site, "/thu-tuc/").await?;
            let (w, h) = boxes[0];
            ensure!(
                (w - 841.9).abs() < 2.0 && (h - 595.3).abs() < 2.0,
                "the catalogue prints on {w} × {h} pt, not A4 landscape"
            );
            Ok(())
        },
    );
}

#[test]
fn the_panel_shows_fees_from_notes_and_english_decimals() {
    browser::run(
        "the_panel_shows_fees_from_notes_and_english_decimals",
        Duration::from_secs(60),
        |_c, site| async move {
            let read = |p: &str| std::fs::read_to_string(site.dir.join(p).join("index.html")).unwrap_or_default();
            let panel = |html: &str| {
                html.split("class=\"glance\"").nth(1).map(|s| s.split("</section>").next().unwrap_or("").to_string())
            };
            // The only amount of 1.013236 is in its channels' description column.
            let vi = panel(&read("thu-tuc/cap-giay-phep-xay-dung-moi")).context("no summary panel")?;
            ensure!(vi.contains("100.000 đồng/giấy phép"), "the fee amount is not in the panel:\n{vi}");
            ensure!(vi.contains("10 ngày"), "no time in the panel:\n{vi}");
            // English numbers: "17.5 working days", never "17,5".
            let en = read("en/thu-tuc/chuyen-hinh-thuc-giao-dat-cho-thue-dat");
            let en_panel = panel(&en).context("no English summary panel")?;
            ensure!(en_panel.contains("17.5 working days"), "English panel:\n{en_panel}");
            ensure!(!en.contains("17,5 working days"), "an English page says 17,5");
            Ok(())
        },
    );
}
