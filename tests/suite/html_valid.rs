//! HTML validity: the Nu Html Checker (node_modules/vnu-jar, `npm ci`) run
//! once over the whole built site, HTML plus CSS and SVG.
//!
//! Needs `java` (11+) and node_modules/vnu-jar. Without them the test prints
//! "SKIPPED html_valid: <tool> not installed" and passes, unless the CI
//! environment variable is set, where it fails.

use crate::support;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(300);

#[test]
fn html_valid() {
    let test = "html_valid";
    let java = support::java();
    if !support::require(test, "java", java.is_some()) {
        return;
    }
    let jar = support::vnu_jar();
    if !support::require(test, "vnu.jar (node_modules/vnu-jar; run `npm ci`)", jar.is_some()) {
        return;
    }
    let (java, jar) = (java.unwrap(), jar.unwrap());

    let tmp = tempfile::Builder::new().prefix("onestop-vnu-").tempdir().expect("temporary folder");
    let out = tmp.path().join("public");
    let started = Instant::now();
    let summary = support::build_site(&out, None).unwrap_or_else(|e| panic!("{e}"));
    // The example with sample figures too: statistics charts and tables, both editions.
    let stats_out = tmp.path().join("with-statistics");
    onestop::build::build(&onestop::build::BuildOptions {
        root: support::root().join("examples/with-statistics"),
        out_dir: stats_out.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("examples/with-statistics must build: {e:?}"));
    // The FAQ fixture site: the questions page and procedure pages with questions, both editions.
    let faq_out = tmp.path().join("with-faq");
    onestop::build::build(&onestop::build::BuildOptions {
        root: support::faq_site(tmp.path()),
        out_dir: faq_out.clone(),
        base_url: None,
        check_only: false,
        progress: false,
    })
    .unwrap_or_else(|e| panic!("the FAQ fixture site must build: {e:?}"));
    let build_secs = started.elapsed().as_secs_f64();
    assert!(
        summary.html_pages >= 10,
        "only {} HTML pages were built; expected the whole example site",
        summary.html_pages
    );

    // One JVM for the whole folder: HTML (errors only), plus CSS and SVG files.
    // --also-check-css: site.css (custom properties, @media print, etc.) gives
    // no false positives with vnu 26.9.27, so it stays on.
    let started = Instant::now();
    let mut child = Command::new(&java)
        .arg("-jar")
        .arg(&jar)
        .args(["--errors-only", "--skip-non-html", "--also-check-css", "--also-check-svg"])
        .arg(&out)
        .arg(&stats_out)
        .arg(&faq_out)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", java.display()));
    let mut so = child.stdout.take().unwrap();
    let mut se = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = so.read_to_string(&mut s);
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = se.read_to_string(&mut s);
        s
    });
    let status = loop {
        if let Some(st) = child.try_wait().expect("wait for java") {
            break Some(st);
        }
        if started.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let text = format!("{}{}", t_out.join().unwrap_or_default(), t_err.join().unwrap_or_default());
    let check_secs = started.elapsed().as_secs_f64();
    // Show site paths ("/lien-he/index.html") rather than the temporary folder.
    let prefix = format!("file:{}/", out.display());
    let text = text.replace(&prefix, "/");
    let errors = text.lines().filter(|l| l.contains(": error:")).count();
    eprintln!(
        "html_valid: site built in {build_secs:.2} s; vnu over {} HTML pages in {check_secs:.2} s",
        summary.html_pages
    );
    match status {
        None => panic!("vnu.jar did not finish within {} s; output so far:\n{text}", LIMIT.as_secs()),
        Some(st) if !st.success() => panic!(
            "the Nu Html Checker (vnu.jar --errors-only --also-check-css --also-check-svg) found {errors} error(s) in the built site (exit {st}):\n{text}"
        ),
        Some(_) => {}
    }
}
