//! One site build, one static server and one chromedriver for the whole suite,
//! shared by every browser test; each test gets its own Chromium session.
//!
//! Process hygiene (a hang must never block CI):
//! * chromedriver runs under a small `sh` watchdog in its own process group.
//!   The watchdog waits for EOF on its stdin, which this process holds open
//!   until it exits (normally, by panic or by SIGKILL). It then TERMs and
//!   KILLs its whole process group (chromedriver and any Chromium left
//!   behind) and removes the temporary site folder. Statics are never
//!   dropped in Rust, so a plain kill-on-drop child would be orphaned here.
//! * chromedriver and Chromium write to a log file, never to our stdout or
//!   stderr, so they cannot keep a CI pipe open.
//! * every test body runs under a time limit, and the session is always
//!   closed (`let _ = client.close()`), even after a panic or a timeout.

use super::server::StaticServer;
use super::{build_site, require, which};
use fantoccini::wd::TimeoutConfiguration;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::json;
use std::future::Future;
use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The built site being served, and the chromedriver to talk to.
pub struct Site {
    /// "http://127.0.0.1:PORT/" (the site is built with this base URL).
    pub base: String,
    /// The built output folder.
    pub dir: PathBuf,
    pub driver_url: String,
    pub chromium: PathBuf,
    /// Seconds the site build took.
    pub build_secs: f64,
}

impl Site {
    /// Absolute URL for a site path such as "/thu-tuc/".
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path.trim_start_matches('/'))
    }
}

/// chromedriver, started once for the whole suite.
pub struct Driver {
    pub url: String,
    pub chromium: PathBuf,
    /// Temporary folder removed by the watchdog when the process ends.
    pub tmp: PathBuf,
    // Kept for the life of the process: dropping the stdin would stop chromedriver.
    _watchdog: Mutex<(Child, ChildStdin)>,
}

static DRIVER: OnceLock<Result<Driver, String>> = OnceLock::new();
static SITE: OnceLock<Result<Site, String>> = OnceLock::new();

/// Folder of the served site where `examples/with-statistics` is built.
pub const STATS_EXAMPLE: &str = "vi-du-thong-ke";
/// Where the FAQ fixture site (`super::faq_site`: questions on the FAQ page and procedure pages) is served.
pub const FAQ_EXAMPLE: &str = "vi-du-hoi-dap";

const WATCHDOG: &str = r#"
driver="$1"; port="$2"; dir="$3"
"$driver" --port="$port" </dev/null >"$dir/chromedriver.log" 2>&1 &
trap '' TERM
cat >/dev/null
kill -TERM 0
sleep 1
rm -rf -- "$dir"
kill -KILL 0
"#;

fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn start_driver(chromium: &Path, chromedriver: &Path) -> Result<Driver, String> {
    let tmp = tempfile::Builder::new()
        .prefix("onestop-browser-")
        .tempdir()
        .map_err(|e| format!("cannot create a temporary folder: {e}"))?
        .keep();
    let port = free_port().map_err(|e| format!("no free port: {e}"))?;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(WATCHDOG)
        .arg("onestop-chromedriver-watchdog")
        .arg(chromedriver)
        .arg(port.to_string())
        .arg(&tmp)
        .process_group(0)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start sh for chromedriver: {e}"))?;
    let stdin = child.stdin.take().expect("piped stdin");
    Ok(Driver {
        url: format!("http://127.0.0.1:{port}"),
        chromium: chromium.to_path_buf(),
        tmp,
        _watchdog: Mutex::new((child, stdin)),
    })
}

/// Waits until chromedriver accepts connections (it starts while other work goes on).
fn wait_for_driver(driver: &Driver) -> Result<(), String> {
    let port: u16 = driver.url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0);
    let log = driver.tmp.join("chromedriver.log");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        let exited = driver._watchdog.lock().map(|mut w| w.0.try_wait().ok().flatten()).unwrap_or(None);
        if exited.is_some() || Instant::now() > deadline {
            let mut text = String::new();
            let _ = std::fs::File::open(&log).and_then(|mut f| f.read_to_string(&mut text));
            return Err(format!(
                "chromedriver did not accept connections on port {port} within 30 s (watchdog exit: {exited:?}); its log:\n{text}"
            ));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn driver(chromium: &Path, chromedriver: &Path) -> Result<&'static Driver, String> {
    // Start chromedriver first, so it comes up while the site builds.
    DRIVER.get_or_init(|| start_driver(chromium, chromedriver)).as_ref().map_err(|e| e.clone())
}

fn setup(driver: &Driver) -> Result<Site, String> {
    let mut server = StaticServer::bind().map_err(|e| format!("cannot bind the static server: {e}"))?;
    let out = driver.tmp.join("public");
    let started = Instant::now();
    build_site(&out, Some(server.base_url()))?;
    // The example with sample figures, served beside it, for the statistics pages.
    onestop::build::build(&onestop::build::BuildOptions {
        root: super::root().join("examples/with-statistics"),
        out_dir: out.join(STATS_EXAMPLE),
        base_url: Some(format!("{}{STATS_EXAMPLE}/", server.base_url())),
        check_only: false,
        progress: false,
    })
    .map_err(|e| format!("examples/with-statistics build failed: {e:#?}"))?;
    // The FAQ fixture site (questions from businesses), served beside it.
    let faq_root = tempfile::tempdir().map_err(|e| e.to_string())?;
    onestop::build::build(&onestop::build::BuildOptions {
        root: super::faq_site(faq_root.path()),
        out_dir: out.join(FAQ_EXAMPLE),
        base_url: Some(format!("{}{FAQ_EXAMPLE}/", server.base_url())),
        check_only: false,
        progress: false,
    })
    .map_err(|e| format!("FAQ fixture site build failed: {e:#?}"))?;
    let build_secs = started.elapsed().as_secs_f64();
    server.start(out.clone());
    wait_for_driver(driver)?;
    eprintln!(
        "browser tests: site built in {build_secs:.2} s into {}, served at {}, chromedriver at {}",
        out.display(),
        server.base_url(),
        driver.url
    );
    Ok(Site {
        base: server.base_url(),
        dir: out,
        driver_url: driver.url.clone(),
        chromium: driver.chromium.clone(),
        build_secs,
    })
}

/// Chromium and chromedriver, or None after printing SKIPPED (panics in CI).
fn tools(test: &str) -> Option<(PathBuf, PathBuf)> {
    let chromium = which("chromium").or_else(|| which("chromium-browser"));
    if !require(test, "chromium", chromium.is_some()) {
        return None;
    }
    let driver = which("chromedriver");
    if !require(test, "chromedriver", driver.is_some()) {
        return None;
    }
    Some((chromium?, driver?))
}

/// How a session's Chromium starts: with or without JavaScript, and its window size.
#[derive(Clone, Copy)]
pub struct SessionOpts {
    pub javascript: bool,
    pub width: u32,
    pub height: u32,
}

impl Default for SessionOpts {
    fn default() -> Self {
        SessionOpts { javascript: true, width: 1280, height: 800 }
    }
}

async fn connect(chromium: &Path, driver_url: &str, profile: &Path, opts: SessionOpts) -> Result<Client, String> {
    let mut caps = serde_json::Map::new();
    let mut chrome = json!({
        "binary": chromium,
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", format!("--window-size={},{}", opts.width, opts.height),
            format!("--user-data-dir={}", profile.display()),
        ]
    });
    if opts.width < 500 {
        // Headless Chromium's windows are at least 500 px wide: a phone is emulated.
        chrome["mobileEmulation"] =
            json!({"deviceMetrics": {"width": opts.width, "height": opts.height, "pixelRatio": 2.0}});
    }
    if !opts.javascript {
        // Page scripts off (WebDriver's own scripts still run, so tests can measure).
        chrome["prefs"] = json!({"profile.managed_default_content_settings.javascript": 2});
    }
    caps.insert("goog:chromeOptions".into(), chrome);
    let client = ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(driver_url)
        .await
        .map_err(|e| format!("cannot open a Chromium session through {driver_url}: {e}"))?;
    // Explicit WebDriver limits (page load, execute/execute_async), well
    // under each test's own limit; no implicit waits (we poll with wait_js).
    let limits =
        TimeoutConfiguration::new(Some(Duration::from_secs(60)), Some(Duration::from_secs(60)), Some(Duration::ZERO));
    if let Err(e) = client.update_timeouts(limits).await {
        let _ = client.clone().close().await;
        return Err(format!("cannot set WebDriver timeouts: {e}"));
    }
    Ok(client)
}

/// Runs one browser test: skips (or fails in CI) without Chromium, then gives
/// `body` a fresh Chromium session on the shared site. The body must finish
/// within `limit`; the session is closed in every case; an `Err` or a panic
/// in the body fails the test with its message.
pub fn run<F, Fut>(test: &str, limit: Duration, body: F)
where
    F: FnOnce(Client, &'static Site) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    run_with(test, limit, SessionOpts::default(), body)
}

/// `run` with a session started with `opts` (JavaScript off, a phone-sized window…).
pub fn run_with<F, Fut>(test: &str, limit: Duration, opts: SessionOpts, body: F)
where
    F: FnOnce(Client, &'static Site) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let Some((chromium, chromedriver)) = tools(test) else { return };
    let site: &'static Site = match driver(&chromium, &chromedriver)
        .and_then(|d| SITE.get_or_init(|| setup(d)).as_ref().map_err(|e| e.clone()))
    {
        Ok(s) => s,
        Err(e) => panic!("{test}: setup failed: {e}"),
    };
    session(
        test,
        limit,
        &site.chromium,
        &site.driver_url,
        &format!("shared site build took {:.2} s", site.build_secs),
        opts,
        move |c| body(c, site),
    );
}

/// Runs one browser test that brings its own site (e.g. `onestop serve`):
/// like `run`, but only chromedriver is shared.
pub fn run_bare<F, Fut>(test: &str, limit: Duration, body: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let Some((chromium, chromedriver)) = tools(test) else { return };
    let d = match driver(&chromium, &chromedriver).and_then(|d| wait_for_driver(d).map(|_| d)) {
        Ok(d) => d,
        Err(e) => panic!("{test}: setup failed: {e}"),
    };
    session(test, limit, &d.chromium, &d.url, "no shared site", SessionOpts::default(), body);
}

fn session<F, Fut>(
    test: &str,
    limit: Duration,
    chromium: &Path,
    driver_url: &str,
    note: &str,
    opts: SessionOpts,
    body: F,
) where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let profile = tempfile::Builder::new().prefix("onestop-chromium-").tempdir().expect("temporary profile folder");
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("tokio runtime");
    let started = Instant::now();
    let outcome = rt.block_on(async {
        let client =
            match tokio::time::timeout(Duration::from_secs(60), connect(chromium, driver_url, profile.path(), opts))
                .await
            {
                Ok(Ok(c)) => c,
                Ok(Err(e)) => return Err(e),
                Err(_) => return Err("opening a Chromium session took more than 60 s".to_string()),
            };
        let task = tokio::spawn(body(client.clone()));
        let abort = task.abort_handle();
        let res = tokio::time::timeout(limit, task).await;
        if res.is_err() {
            abort.abort();
        }
        let _ = tokio::time::timeout(Duration::from_secs(15), client.close()).await;
        match res {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(format!("{e:#}")),
            Ok(Err(join)) if join.is_panic() => std::panic::resume_unwind(join.into_panic()),
            Ok(Err(join)) => Err(format!("test task failed: {join}")),
            Err(_) => Err(format!("timed out after {} s", limit.as_secs())),
        }
    });
    drop(rt);
    let secs = started.elapsed().as_secs_f64();
    match outcome {
        Ok(()) => eprintln!("{test}: passed in {secs:.2} s ({note})"),
        Err(e) => panic!("{test} failed after {secs:.2} s:\n{e}"),
    }
}

/// Polls `script` (a function body returning a boolean; `args` are its
/// `arguments`) until it returns true, or fails after `limit` with `what`
/// in the message.
pub async fn wait_js(
    c: &Client,
    script: &str,
    args: Vec<serde_json::Value>,
    limit: Duration,
    what: &str,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + limit;
    loop {
        let v = c.execute(script, args.clone()).await?;
        if v.as_bool() == Some(true) {
            return Ok(());
        }
        if Instant::now() > deadline {
            anyhow::bail!(
                "waited {} s for {what}; the page is {}",
                limit.as_secs(),
                c.current_url().await.map(|u| u.to_string()).unwrap_or_default()
            );
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Collapses runs of whitespace and trims (for comparing visible text).
pub fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
