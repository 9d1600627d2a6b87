//! The HTTP side of `onestop serve`: the built files, plus three routes of
//! its own under `/_onestop/` (no page can live there: slugs cannot start
//! with `_`):
//!
//! * `events`: Server-Sent Events, one `state` event on connect and one per
//!   build (`{"site": n, "errors": [...]}`). A `watch` channel gives a new
//!   connection the current state, so a page that connects while a build
//!   finishes cannot miss it.
//! * `state.json`: the same state, once.
//! * `client.js`: reloads the page after a good build and shows the errors
//!   of a failed one over the last good page. The server adds it to every
//!   HTML response; built files never contain it.

use super::State;
use crate::cache::KeyBuilder;
use crate::render::lang::Lang;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State as Shared};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tokio::sync::watch;
use tower_http::services::ServeDir;

const CLIENT_JS: &str = include_str!("client.js");

#[derive(Clone)]
struct AppState {
    state: watch::Receiver<State>,
    /// Differs between runs of `serve`, so a page left open across a restart reloads.
    server_id: String,
}

pub(super) async fn run(listener: tokio::net::TcpListener, out_dir: PathBuf, state: watch::Receiver<State>) {
    let server_id = format!(
        "{}-{}",
        std::process::id(),
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
    );
    let app_state = AppState { state, server_id };
    let site = Router::new()
        .fallback(site_file)
        .with_state(Arc::new(out_dir))
        .layer(middleware::from_fn_with_state(app_state.clone(), files));
    let app = Router::new()
        .route("/_onestop/events", get(events))
        .route("/_onestop/state.json", get(state_json))
        .route("/_onestop/client.js", get(client_js))
        .with_state(app_state)
        .fallback_service(site);
    if let Err(e) = axum::serve(listener, app).await {
        eprintln!("error: the server stopped: {e}");
        std::process::exit(1);
    }
}

/// A built file; for a path that names none (missing, or one the file
/// system cannot even open: a name over 255 bytes, a file used as a folder),
/// the 404 page of the path's edition.
async fn site_file(Shared(out_dir): Shared<Arc<PathBuf>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    match ServeDir::new(out_dir.as_path()).try_call(req).await {
        Ok(res) if res.status() != StatusCode::NOT_FOUND => res.map(Body::new),
        Ok(_) => not_found(&out_dir, &path).await,
        Err(e) if names_no_file(&e) => not_found(&out_dir, &path).await,
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read {path}: {e}\n")).into_response(),
    }
}

/// Errors that say the request's path names no file, rather than that a file
/// could not be read.
fn names_no_file(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{InvalidFilename, InvalidInput, IsADirectory, NotADirectory, NotFound, PermissionDenied};
    matches!(e.kind(), NotFound | PermissionDenied | NotADirectory | IsADirectory | InvalidFilename | InvalidInput)
}

/// The 404 page for `path`, as the build wrote it: `en/404.html` for a path
/// in the English edition (when the site has one), `404.html` otherwise.
async fn not_found(out_dir: &Path, path: &str) -> Response {
    let mut page = None;
    for file in not_found_pages(path) {
        if let Ok(bytes) = tokio::fs::read(out_dir.join(file)).await {
            page = Some(bytes);
            break;
        }
    }
    match page {
        Some(bytes) => {
            (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], bytes).into_response()
        }
        None => (StatusCode::NOT_FOUND, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], "404 Not Found\n")
            .into_response(),
    }
}

/// The 404 pages to try for `path`, best first.
fn not_found_pages(path: &str) -> Vec<String> {
    let rel = path.trim_start_matches('/');
    let mut pages: Vec<String> = [Lang::Vi, Lang::En]
        .into_iter()
        .map(Lang::prefix)
        .filter(|prefix| !prefix.is_empty() && rel.starts_with(prefix))
        .map(|prefix| format!("{prefix}404.html"))
        .collect();
    pages.push("404.html".to_string());
    pages
}

fn state_body(s: &AppState) -> String {
    let st = s.state.borrow().clone();
    let changed = st.changed.as_deref();
    serde_json::json!({ "server": s.server_id, "site": st.site, "errors": *st.errors, "changed": changed }).to_string()
}

async fn events(Shared(s): Shared<AppState>) -> Sse<impl futures_util::Stream<Item = Result<Event, Infallible>>> {
    let mut rx = s.state.clone();
    rx.mark_changed();
    let stream = futures_util::stream::unfold((rx, s), |(mut rx, s)| async move {
        rx.changed().await.ok()?;
        let data = state_body(&s);
        Some((Ok(Event::default().event("state").data(data)), (rx, s)))
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn state_json(Shared(s): Shared<AppState>) -> Response {
    ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], state_body(&s)).into_response()
}

async fn client_js(req: Request) -> Response {
    let tag = format!("\"{}\"", KeyBuilder::new("etag").add_str(CLIENT_JS).finish().as_str());
    if req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(tag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag), (header::CACHE_CONTROL, "no-cache".to_string())])
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8".to_string()),
            (header::ETAG, tag),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
        CLIENT_JS,
    )
        .into_response()
}

/// Every file response. Pages get the client script and are never stored
/// (the script carries the build number). Other files are revalidated with
/// an ETag of their content: every build rewrites every file, so the mtime
/// (which `Last-Modified` and tower-http's ETag are made of) changes even
/// when the bytes do not, and the fonts alone would be 540 KB per reload.
async fn files(Shared(s): Shared<AppState>, mut req: Request, next: Next) -> Response {
    // Read the build number before the file: if a build lands in between,
    // the page reloads once more instead of never.
    let site = s.state.borrow().site;
    let head = req.method() == Method::HEAD;
    req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    let if_none_match = req.headers_mut().remove(header::IF_NONE_MATCH);
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    if parts.status != StatusCode::OK && parts.status != StatusCode::NOT_FOUND || head {
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Response::from_parts(parts, body);
    }
    let bytes = match axum::body::to_bytes(body, 256 << 20).await {
        Ok(b) => b,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("cannot read the file: {e}")).into_response(),
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.remove(header::LAST_MODIFIED);
    let is_html = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html {
        parts.headers.remove(header::ETAG);
        parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        return Response::from_parts(parts, Body::from(with_client(&bytes, site, &s.server_id)));
    }
    // The tag is made from the bytes being sent, so it always matches them.
    let tag = format!("\"{}\"", KeyBuilder::new("etag").add(&bytes).finish().as_str());
    parts.headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(&tag) {
        parts.headers.insert(header::ETAG, v);
    }
    if parts.status == StatusCode::OK
        && if_none_match.as_ref().and_then(|v| v.to_str().ok()).is_some_and(|v| v.split(',').any(|t| t.trim() == tag))
    {
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_TYPE);
        return Response::from_parts(parts, Body::empty());
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The page with the client script before `</body>` (or at the end).
fn with_client(html: &[u8], site: u64, server: &str) -> Bytes {
    // async: the page's own rendering never waits for it.
    let tag =
        format!("<script src=\"/_onestop/client.js\" async data-site=\"{site}\" data-server=\"{server}\"></script>");
    let at = memchr::memmem::rfind(html, b"</body>").unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out.into()
}

/// What is served when the very first build failed: a page for the client
/// script (and its error overlay) to live in.
pub(super) fn write_placeholder(out_dir: &Path) -> std::io::Result<()> {
    let page = "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Chưa dựng được trang</title></head><body><main><h1>Chưa dựng được trang</h1>\
<p>Nội dung có lỗi (xem danh sách bên dưới và trong cửa sổ dòng lệnh). Sửa rồi lưu tệp: trang sẽ tự tải lại.</p>\
<p lang=\"en\">The site has content errors (listed below and in the terminal). Fix them and save: this page reloads by itself.</p>\
</main></body></html>\n";
    std::fs::write(out_dir.join("index.html"), page)?;
    std::fs::write(out_dir.join("404.html"), page)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_page_gets_its_editions_404_page() {
        assert_eq!(not_found_pages("/khong-co/"), ["404.html"]);
        assert_eq!(not_found_pages("/en/khong-co/"), ["en/404.html", "404.html"]);
        assert_eq!(not_found_pages("/en/"), ["en/404.html", "404.html"]);
        assert_eq!(not_found_pages("/english/"), ["404.html"]);
        assert_eq!(not_found_pages("/thu-tuc/en/x"), ["404.html"]);
    }

    #[test]
    fn the_client_goes_before_the_end_of_body() {
        let out = with_client(b"<html><body><p>x</p></body></html>", 3, "s");
        let text = std::str::from_utf8(&out).unwrap();
        assert_eq!(
            text,
            "<html><body><p>x</p><script src=\"/_onestop/client.js\" async data-site=\"3\" data-server=\"s\"></script></body></html>"
        );
        let out = with_client(b"<p>no body</p>", 1, "s");
        assert!(std::str::from_utf8(&out).unwrap().ends_with("</script>"));
    }
}
