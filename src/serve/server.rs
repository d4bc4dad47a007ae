//! The HTTP side of `serve` (axum on tokio): the site from memory, with content types,
//! `index.html` for folders, the site's 404 page, the live-reload script injected into HTML,
//! and the event stream (Server-Sent Events) that tells open pages to reload or to show the
//! error overlay. No path reaches the filesystem: requests are looked up in the in-memory
//! map, after rejecting anything that is not a plain relative path.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::Response;
use futures_util::stream::Stream;
use tokio::sync::{broadcast, watch};

use super::inject;

/// A message for open pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// Output files changed (paths inside the site; `*` for all). `build` numbers the
    /// rebuild; files it renders after the first event come with the same number.
    Reload {
        build: u64,
        paths: Vec<String>,
        css_only: bool,
    },
    /// The last build failed: diagnostics JSON.
    Failed(Arc<str>),
    /// A build succeeded after a failure, with no output change.
    Ok,
}

impl Message {
    fn to_event(&self) -> Event {
        match self {
            Message::Reload {
                build,
                paths,
                css_only,
            } => Event::default().event("reload").data(
                serde_json::json!({"build": build, "paths": paths, "css_only": css_only})
                    .to_string(),
            ),
            Message::Failed(json) => Event::default().event("build-error").data(json.to_string()),
            Message::Ok => Event::default().event("ok").data("{}"),
        }
    }
}

/// The site being served.
#[derive(Debug, Default)]
pub struct Served {
    /// Output path → bytes of the last good build.
    pub files: HashMap<String, Bytes>,
    /// Whether any build has succeeded (before that, pages show the error page).
    pub has_site: bool,
    /// Diagnostics JSON of the last build, when it failed.
    pub failed: Option<Arc<str>>,
    /// Paths being re-rendered after the edited pages were swapped in: requests for them
    /// wait until they are done, so nothing stale is ever served.
    pub pending: HashSet<String>,
}

/// State shared by the handlers and the rebuild loop.
pub struct Hub {
    served: RwLock<Served>,
    events: broadcast::Sender<Message>,
    settled: watch::Sender<u64>,
    shutdown: watch::Receiver<bool>,
    builds: std::sync::atomic::AtomicU64,
}

impl Hub {
    /// Numbers a new build.
    pub fn next_build(&self) -> u64 {
        self.builds
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst)
            + 1
    }

    /// The number of the last build.
    pub fn build(&self) -> u64 {
        self.builds.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A hub; `shutdown` turning true ends every event stream.
    pub fn new(shutdown: watch::Receiver<bool>) -> Arc<Hub> {
        let (events, _) = broadcast::channel(256);
        let (settled, _) = watch::channel(0);
        Arc::new(Hub {
            served: RwLock::new(Served::default()),
            events,
            settled,
            shutdown,
            builds: 0.into(),
        })
    }

    /// Reads the served state.
    pub fn read<T>(&self, f: impl FnOnce(&Served) -> T) -> T {
        f(&self.served.read().unwrap_or_else(|e| e.into_inner()))
    }

    /// Changes the served state; wakes requests waiting for pending paths.
    pub fn update<T>(&self, f: impl FnOnce(&mut Served) -> T) -> T {
        let out = f(&mut self.served.write().unwrap_or_else(|e| e.into_inner()));
        self.settled.send_modify(|n| *n += 1);
        out
    }

    /// Tells every open page.
    pub fn send(&self, message: Message) {
        let _ = self.events.send(message);
    }
}

/// Whether a `Host` header names this machine's loopback interface (`localhost`,
/// `*.localhost`, `127.x.x.x`, `[::1]`, any port). A server bound to loopback answers only
/// such requests, so a web page cannot read the site through DNS rebinding.
pub fn is_loopback_host(host: &str) -> bool {
    let name = if let Some(rest) = host.strip_prefix('[') {
        match rest.split_once(']') {
            Some((name, _)) => name,
            None => return false,
        }
    } else {
        host.rsplit_once(':').map_or(host, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                host
            }
        })
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    name.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| ip.is_loopback())
}

/// The router. With `loopback_only`, requests naming another host are refused.
pub fn app(hub: Arc<Hub>, loopback_only: bool) -> axum::Router {
    let guard = axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| async move {
            let host = request
                .headers()
                .get(header::HOST)
                .and_then(|h| h.to_str().ok());
            if loopback_only && host.is_some_and(|h| !is_loopback_host(h)) {
                return plain(
                    StatusCode::MISDIRECTED_REQUEST,
                    "this server answers only to localhost and 127.0.0.1\n",
                );
            }
            next.run(request).await
        },
    );
    axum::Router::new()
        .route(inject::EVENTS, axum::routing::get(events))
        .route(
            inject::SCRIPT_PATH,
            axum::routing::get(|| async { script(inject::SCRIPT) }),
        )
        .route(
            inject::WORKER_PATH,
            axum::routing::get(|| async { script(inject::WORKER) }),
        )
        .route(inject::MANIFEST, axum::routing::get(manifest))
        .fallback(site)
        .with_state(hub)
        .layer(guard)
}

fn script(text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    set_headers(&mut response, "text/javascript; charset=utf-8");
    response
}

/// The served files and the build number, for tools and tests: `{"build", "files", "pending",
/// "failed"}`. Waits for deferred files first.
async fn manifest(State(hub): State<Arc<Hub>>) -> Response {
    let mut settled = hub.settled.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while hub.read(|s| !s.pending.is_empty()) {
        if tokio::time::timeout_at(deadline, settled.changed())
            .await
            .is_err()
        {
            break;
        }
    }
    let json = hub.read(|s| {
        let mut files: Vec<&String> = s.files.keys().collect();
        files.sort();
        let mut pending: Vec<&String> = s.pending.iter().collect();
        pending.sort();
        serde_json::json!({"build": hub.build(), "files": files, "pending": pending, "failed": s.failed.is_some()}).to_string()
    });
    let mut response = Response::new(Body::from(json));
    set_headers(&mut response, "application/json");
    response
}

async fn events(State(hub): State<Arc<Hub>>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the state, so nothing between the two is missed.
    let rx = hub.events.subscribe();
    let initial = hub.read(|s| s.failed.clone()).map(Message::Failed);
    let shutdown = hub.shutdown.clone();
    let stream = futures_util::stream::unfold(
        (rx, shutdown, initial, true),
        |(mut rx, mut shutdown, initial, first)| async move {
            if first {
                // A comment first, so clients see the stream open at once.
                let event = match &initial {
                    Some(message) => message.to_event(),
                    None => Event::default().comment("connected"),
                };
                return Some((Ok(event), (rx, shutdown, None, false)));
            }
            loop {
                if *shutdown.borrow() {
                    return None;
                }
                tokio::select! {
                    message = rx.recv() => match message {
                        Ok(message) => return Some((Ok(message.to_event()), (rx, shutdown, None, false))),
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            let all = Message::Reload { build: 0, paths: vec!["*".into()], css_only: false };
                            return Some((Ok(all.to_event()), (rx, shutdown, None, false)));
                        }
                        Err(broadcast::error::RecvError::Closed) => return None,
                    },
                    changed = shutdown.changed() => if changed.is_err() { return None },
                }
            }
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// Why a request path was refused.
#[derive(Debug, PartialEq, Eq)]
pub struct BadPath;

/// A request path checked and decoded: a path inside the site, and whether it named a
/// folder (ended in `/`).
#[derive(Debug, PartialEq, Eq)]
pub struct SitePath {
    pub path: String,
    pub is_dir: bool,
}

/// Decodes and checks a request path. Refuses anything that could name something outside
/// the site: `..` and `.` segments (also percent-encoded, `%2e%2e`), encoded slashes and
/// backslashes, NUL and other control characters, empty segments, and invalid escapes.
pub fn resolve(raw: &str) -> Result<SitePath, BadPath> {
    let rest = raw.strip_prefix('/').ok_or(BadPath)?;
    if rest.is_empty() {
        return Ok(SitePath {
            path: String::new(),
            is_dir: true,
        });
    }
    let (body, is_dir) = match rest.strip_suffix('/') {
        Some(body) => (body, true),
        None => (rest, false),
    };
    let mut segments = Vec::new();
    for raw_segment in body.split('/') {
        let decoded = percent_decode(raw_segment).ok_or(BadPath)?;
        let segment = String::from_utf8(decoded).map_err(|_| BadPath)?;
        let all_dots = segment.chars().all(|c| c == '.');
        if segment.is_empty()
            || all_dots
            || segment.contains(['/', '\\', ':'])
            || segment.chars().any(char::is_control)
        {
            return Err(BadPath);
        }
        segments.push(segment);
    }
    let path = segments.join("/");
    if !crate::write::is_safe_path(&path) {
        return Err(BadPath);
    }
    Ok(SitePath { path, is_dir })
}

fn percent_decode(s: &str) -> Option<Vec<u8>> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// The content type of an output path.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" | "md" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        _ => "application/octet-stream",
    }
}

fn set_headers(response: &mut Response, content_type: &'static str) {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
}

fn file_response(status: StatusCode, path: &str, bytes: Bytes) -> Response {
    let content_type = content_type(path);
    let body = if content_type.starts_with("text/html") {
        Body::from(inject::inject(&bytes))
    } else {
        Body::from(bytes)
    };
    let mut response = Response::new(body);
    *response.status_mut() = status;
    set_headers(&mut response, content_type);
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    let mut response = Response::new(Body::from(text));
    *response.status_mut() = status;
    set_headers(&mut response, "text/plain; charset=utf-8");
    response
}

/// What a lookup found.
enum Found {
    File(String, Bytes),
    Redirect,
    Pending,
    NotFound(Option<Bytes>),
    NoSite,
}

fn lookup(served: &Served, target: &SitePath) -> Found {
    if !served.has_site {
        return Found::NoSite;
    }
    let key = match (target.is_dir, target.path.is_empty()) {
        (true, true) => "index.html".to_string(),
        (true, false) => format!("{}/index.html", target.path),
        (false, _) => target.path.clone(),
    };
    if served.pending.contains(&key) {
        return Found::Pending;
    }
    if let Some(bytes) = served.files.get(&key) {
        return Found::File(key, bytes.clone());
    }
    if !target.is_dir
        && served
            .files
            .contains_key(&format!("{}/index.html", target.path))
    {
        return Found::Redirect;
    }
    Found::NotFound(served.files.get("404.html").cloned())
}

async fn site(State(hub): State<Arc<Hub>>, method: Method, uri: Uri) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
    }
    let Ok(target) = resolve(uri.path()) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    let mut settled = hub.settled.subscribe();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        match hub.read(|s| lookup(s, &target)) {
            Found::File(key, bytes) => return file_response(StatusCode::OK, &key, bytes),
            Found::Redirect => {
                let location = match uri.query() {
                    Some(q) => format!("{}/?{q}", uri.path()),
                    None => format!("{}/", uri.path()),
                };
                let mut response = Response::new(Body::empty());
                *response.status_mut() = StatusCode::MOVED_PERMANENTLY;
                if let Ok(value) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert(header::LOCATION, value);
                }
                return response;
            }
            Found::NotFound(Some(page)) => {
                return file_response(StatusCode::NOT_FOUND, "404.html", page)
            }
            Found::NotFound(None) => return plain(StatusCode::NOT_FOUND, "not found\n"),
            Found::NoSite => {
                let looks_like_page = target.is_dir || target.path.ends_with(".html");
                if looks_like_page {
                    return file_response(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "error.html",
                        Bytes::from(inject::error_page_raw()),
                    );
                }
                return plain(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the site could not be built; see the terminal\n",
                );
            }
            Found::Pending => {
                if tokio::time::timeout_at(deadline, settled.changed())
                    .await
                    .is_err()
                {
                    // Never leave a request hanging; serve what is there.
                    let found = hub.read(|s| s.files.get(&target.path).cloned());
                    return match found {
                        Some(bytes) => file_response(StatusCode::OK, &target.path, bytes),
                        None => plain(StatusCode::SERVICE_UNAVAILABLE, "still building\n"),
                    };
                }
            }
        }
    }
}

/// Binds `bind:port`. A port in use is an error the user can act on.
pub async fn bind(bind: &str, port: u16) -> anyhow::Result<tokio::net::TcpListener> {
    let addr: std::net::IpAddr = bind
        .parse()
        .map_err(|_| anyhow::anyhow!("`{bind}` is not an IP address; use e.g. --bind 127.0.0.1"))?;
    match tokio::net::TcpListener::bind((addr, port)).await {
        Ok(listener) => Ok(listener),
        Err(err) if err.kind() == std::io::ErrorKind::AddrInUse => {
            anyhow::bail!("port {port} is in use; try --port 0")
        }
        Err(err) => Err(anyhow::Error::new(err).context(format!("cannot listen on {bind}:{port}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str, path: &str, is_dir: bool) {
        assert_eq!(
            resolve(raw),
            Ok(SitePath {
                path: path.into(),
                is_dir
            }),
            "{raw}"
        );
    }

    #[test]
    fn plain_paths() {
        ok("/", "", true);
        ok("/a/b/", "a/b", true);
        ok("/static/x.css", "static/x.css", false);
        ok("/%C3%BCber/", "über", true);
        ok("/a%20b.png", "a b.png", false);
        ok("/_index/", "_index", true);
    }

    #[test]
    fn escapes_are_refused() {
        for raw in [
            "/../site.toml",
            "/a/../../etc/passwd",
            "/%2e%2e/site.toml",
            "/%2E%2E/x",
            "/.%2e/x",
            "/a/%2e%2e%2fsite.toml",
            "/..%2fsite.toml",
            "/a%2f..%2f..%2fx",
            "/..%5csite.toml",
            "/a\\..\\b",
            "/%5c%5cserver",
            "/a%00.html",
            "/a\0b",
            "/./a",
            "/a/./b",
            "/.../x",
            "/..../x",
            "//etc/passwd",
            "/a//b",
            "/c:/x",
            "/%",
            "/%zz",
            "/%ff",
            "relative",
            "",
            "/a/..",
            "/%252e%252e/x/../y",
        ] {
            assert_eq!(resolve(raw), Err(BadPath), "{raw}");
        }
    }

    #[test]
    fn double_encoding_stays_a_name() {
        // `%252e` decodes once, to the literal name `%2e`: harmless, and simply not found.
        ok("/%252e%252e/x", "%2e%2e/x", false);
    }

    #[test]
    fn loopback_hosts() {
        for host in [
            "localhost",
            "localhost:1111",
            "127.0.0.1",
            "127.0.0.1:80",
            "127.1.2.3:9",
            "[::1]:1111",
            "[::1]",
            "docs.localhost:8080",
            "LOCALHOST.",
        ] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in [
            "example.com",
            "evil.example:1111",
            "127.0.0.1.evil.example",
            "10.0.0.1:1111",
            "[::2]:1",
            "[::1",
            "localhost.evil.example",
            "",
        ] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("a/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("static/x.CSS"), "text/css; charset=utf-8");
        assert_eq!(content_type("feed.xml"), "application/xml");
        assert_eq!(content_type("img/x.svg"), "image/svg+xml");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
