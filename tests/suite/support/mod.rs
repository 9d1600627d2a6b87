//! Shared helpers for the integration tests that need outside tools
//! (Chromium + chromedriver, Java + the Nu Html Checker, axe-core).
//!
//! * Tool checks: a missing tool skips the test with
//!   `SKIPPED <test>: <tool> not installed`, except when the `CI` environment
//!   variable is set, where a missing tool fails the test.
//! * `build_site`: one site build through the library API.
//! * `StaticServer`: a tiny static file server on 127.0.0.1 (ephemeral port).
//! * `browser`: one shared site build + server + chromedriver for the whole suite,
//!   and a runner that gives each test its own Chromium session, a time limit
//!   and a guaranteed `close()`.
#![allow(dead_code)]

pub mod browser;
pub mod server;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The crate root (where site.toml, package.json and node_modules live).
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// True when running in CI (`CI` set to anything but "", "0" or "false").
pub fn in_ci() -> bool {
    match std::env::var("CI") {
        Ok(v) => !matches!(v.trim().to_ascii_lowercase().as_str(), "" | "0" | "false"),
        Err(_) => false,
    }
}

/// Returns true if the tool is present. Otherwise prints the SKIPPED line
/// and returns false, or panics when running in CI.
pub fn require(test: &str, tool: &str, present: bool) -> bool {
    if present {
        return true;
    }
    if in_ci() {
        panic!("{test}: {tool} not installed, and CI is set: a missing tool is a failure in CI (see .ci/run)");
    }
    // Written to the stderr handle directly (not eprintln!), so that the line
    // shows up even though libtest captures the output of passing tests.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "SKIPPED {test}: {tool} not installed");
    false
}

/// Finds an executable on PATH (or checks an absolute/relative path).
pub fn which(name: &str) -> Option<PathBuf> {
    let is_exe = |p: &Path| {
        use std::os::unix::fs::PermissionsExt;
        p.is_file() && p.metadata().map(|m| m.permissions().mode() & 0o111 != 0).unwrap_or(false)
    };
    if name.contains('/') {
        let p = PathBuf::from(name);
        return is_exe(&p).then_some(p);
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| is_exe(p))
}

/// Java that actually runs (`java -version` exits 0).
pub fn java() -> Option<PathBuf> {
    let java = which("java")?;
    let ok = Command::new(&java)
        .arg("-version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    ok.then_some(java)
}

/// node_modules/vnu-jar/build/dist/vnu.jar, if `npm ci` has been run.
pub fn vnu_jar() -> Option<PathBuf> {
    let p = root().join("node_modules/vnu-jar/build/dist/vnu.jar");
    p.is_file().then_some(p)
}

/// node_modules/axe-core/axe.min.js, if `npm ci` has been run.
pub fn axe_js() -> Option<PathBuf> {
    let p = root().join("node_modules/axe-core/axe.min.js");
    p.is_file().then_some(p)
}

/// Builds the site from this repository into `out_dir` through the library
/// API. `base_url` overrides site.toml's (None keeps site.toml's).
pub fn build_site(out_dir: &Path, base_url: Option<String>) -> Result<onestop::build::BuildSummary, String> {
    onestop::build::build(&onestop::build::BuildOptions {
        root: root(),
        out_dir: out_dir.to_path_buf(),
        base_url,
        check_only: false,
        progress: false,
    })
    .map_err(|e| format!("site build failed: {e:#?}"))
}

/// Copies the folder `from` (recursively) into `to`, creating it.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// A copy of `tests/fixtures/valid-min` in both editions with the questions of
/// `tests/fixtures/faq/` in its `content/faq/`, written into `dir` (the FAQ
/// page, procedure pages with questions, and a question without English).
pub fn faq_site(dir: &Path) -> PathBuf {
    let site = dir.join("faq-site");
    copy_dir(&root().join("tests/fixtures/valid-min"), &site);
    copy_dir(&root().join("tests/fixtures/faq"), &site.join("content/faq"));
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    let toml = toml.replace("level_scheme = \"2011\"\n", "level_scheme = \"2011\"\nlanguages = [\"vi\", \"en\"]\n");
    std::fs::write(site.join("site.toml"), toml).unwrap();
    site
}
