//! A tiny static file server for the built site, good enough for a browser:
//! GET/HEAD only, one thread per connection, `Connection: close`.
//! "/x/" → "x/index.html", "/x" (a folder) → 301 to "/x/", missing → 404.html
//! with status 404, any ".." segment → 400.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub struct StaticServer {
    listener: Option<TcpListener>,
    pub addr: SocketAddr,
}

impl StaticServer {
    /// Binds 127.0.0.1 on an ephemeral port; nothing is served until `start`.
    /// (Bind first, so the site can be built with the final base URL.)
    pub fn bind() -> io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        Ok(Self { listener: Some(listener), addr })
    }

    /// "http://127.0.0.1:PORT/"
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves `root` from a background thread for the rest of the process.
    pub fn start(&mut self, root: PathBuf) {
        let listener = self.listener.take().expect("server already started");
        std::thread::Builder::new()
            .name("static-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    let root = root.clone();
                    let _ = std::thread::Builder::new().name("static-conn".into()).spawn(move || {
                        let _ = handle(stream, &root);
                    });
                }
            })
            .expect("spawn static server thread");
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(|e| e.to_ascii_lowercase()).as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js" | "mjs") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("ttf") => "font/ttf",
        Some("otf") => "font/otf",
        Some("woff") => "font/woff",
        Some("woff2") => "font/woff2",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("ico") => "image/x-icon",
        Some("csv") => "text/csv; charset=utf-8",
        Some("xml") => "application/xml",
        Some("txt") => "text/plain; charset=utf-8",
        Some("pdf") => "application/pdf",
        Some("webmanifest") => "application/manifest+json",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = std::str::from_utf8(b.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn respond(
    s: &mut TcpStream,
    status: &str,
    headers: &[(&str, String)],
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let mut h = format!(
        "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n",
        body.len()
    );
    for (k, v) in headers {
        h.push_str(&format!("{k}: {v}\r\n"));
    }
    h.push_str("\r\n");
    s.write_all(h.as_bytes())?;
    if !head_only {
        s.write_all(body)?;
    }
    s.flush()
}

fn handle(mut s: TcpStream, root: &Path) -> io::Result<()> {
    s.set_read_timeout(Some(Duration::from_secs(10)))?;
    s.set_write_timeout(Some(Duration::from_secs(10)))?;
    // Read the request head (we ignore headers and bodies).
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = s.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > 64 * 1024 {
            return respond(&mut s, "431 Request Header Fields Too Large", &[], b"", false);
        }
    }
    let head = String::from_utf8_lossy(&buf);
    let mut parts = head.lines().next().unwrap_or("").split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(&mut s, "405 Method Not Allowed", &[("Allow", "GET, HEAD".into())], b"", false);
    }
    let raw_path = target.split(['?', '#']).next().unwrap_or("");
    let Some(path) = percent_decode(raw_path) else {
        return respond(&mut s, "400 Bad Request", &[], b"bad path", head_only);
    };
    if !path.starts_with('/') || path.contains('\\') || path.contains('\0') || path.split('/').any(|seg| seg == "..") {
        return respond(&mut s, "400 Bad Request", &[], b"bad path", head_only);
    }
    let rel = path.trim_start_matches('/');
    let mut file = root.join(rel);
    if path.ends_with('/') {
        file = file.join("index.html");
    } else if file.is_dir() {
        let location = format!("{raw_path}/");
        return respond(&mut s, "301 Moved Permanently", &[("Location", location)], b"", head_only);
    }
    if file.is_file() {
        let body = std::fs::read(&file)?;
        return respond(&mut s, "200 OK", &[("Content-Type", content_type(&file).into())], &body, head_only);
    }
    let not_found = root.join("404.html");
    let body = std::fs::read(&not_found).unwrap_or_else(|_| b"404 Not Found".to_vec());
    respond(&mut s, "404 Not Found", &[("Content-Type", "text/html; charset=utf-8".into())], &body, head_only)
}
