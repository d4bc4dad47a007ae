//! Test helpers: a throw-away site made from an inline multi-file string, the real binary
//! run against it, and snapshot comparison with `UPDATE_EXPECT=1` to regenerate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A site in a temporary folder.
pub struct SiteTest {
    pub dir: tempfile::TempDir,
}

/// The date every test build runs on.
pub const TODAY: &str = "2026-11-27";

impl SiteTest {
    /// Makes a site from `//- path` sections:
    /// ```text
    /// //- site.toml
    /// [site]
    /// title = "T"
    /// //- content/a.md
    /// # A
    /// ```
    pub fn inline(spec: &str) -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        let mut current: Option<(String, String)> = None;
        for line in spec.lines() {
            if let Some(path) = line.strip_prefix("//- ") {
                if let Some((p, text)) = current.take() {
                    site.write(&p, &text);
                }
                current = Some((path.trim().to_string(), String::new()));
            } else if let Some((_, text)) = current.as_mut() {
                text.push_str(line);
                text.push('\n');
            }
        }
        if let Some((p, text)) = current.take() {
            site.write(&p, &text);
        }
        site
    }

    /// Copies a fixture folder into memory-backed storage (/dev/shm) where there is one, for
    /// tests of timing that a busy disk would disturb.
    pub fn fixture_in_memory(name: &str) -> SiteTest {
        let shm = Path::new("/dev/shm");
        let dir = if shm.is_dir() {
            tempfile::tempdir_in(shm)
        } else {
            tempfile::tempdir()
        };
        let site = SiteTest { dir: dir.unwrap() };
        copy_tree(&fixtures().join(name), site.path());
        site
    }

    /// Copies a fixture folder from tests/fixtures.
    pub fn fixture(name: &str) -> SiteTest {
        let site = SiteTest {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_tree(&fixtures().join(name), site.path());
        site
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        self.write_bytes(rel, text.as_bytes());
    }

    pub fn write_bytes(&self, rel: &str, bytes: &[u8]) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.path().join(rel))
            .unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Runs the binary with `args` in the site folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_in("", args)
    }

    /// Runs the binary with `args` in the folder `dir` below the site.
    pub fn run_in(&self, dir: &str, args: &[&str]) -> Run {
        let output = self
            .command(dir, args)
            .env("FIELDBOOK_TODAY", TODAY)
            .output()
            .unwrap();
        Run {
            output,
            root: self.path().to_path_buf(),
        }
    }

    /// Runs the binary on the real clock (`FIELDBOOK_TODAY` unset).
    pub fn run_unpinned(&self, args: &[&str]) -> Run {
        let output = self
            .command("", args)
            .env_remove("FIELDBOOK_TODAY")
            .output()
            .unwrap();
        Run {
            output,
            root: self.path().to_path_buf(),
        }
    }

    fn command(&self, dir: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_fieldbook"));
        command
            .args(args)
            .current_dir(self.path().join(dir))
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE");
        command
    }
}

/// The result of one run.
pub struct Run {
    pub output: Output,
    root: PathBuf,
}

impl Run {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    /// stderr with the temp folder, timings and version redacted.
    pub fn stderr(&self) -> String {
        redact(&String::from_utf8_lossy(&self.output.stderr), &self.root)
    }

    pub fn stdout(&self) -> String {
        redact(&String::from_utf8_lossy(&self.output.stdout), &self.root)
    }

    pub fn expect_code(self, code: i32) -> Run {
        assert_eq!(
            self.code(),
            code,
            "unexpected exit code; stderr:\n{}",
            self.stderr()
        );
        self
    }

    /// Compares stderr with `tests/snapshots/<name>.stderr`.
    pub fn expect_stderr_snapshot(self, name: &str) -> Run {
        check_snapshot(&format!("{name}.stderr"), &self.stderr());
        self
    }

    /// Asserts stdout verbatim.
    pub fn expect_stdout(self, expected: &str) -> Run {
        assert_eq!(
            self.stdout(),
            expected,
            "stdout differs; stderr:\n{}",
            self.stderr()
        );
        self
    }

    /// Asserts stderr verbatim.
    pub fn expect_stderr(self, expected: &str) -> Run {
        assert_eq!(self.stderr(), expected);
        self
    }

    pub fn expect_stderr_contains(self, needle: &str) -> Run {
        let stderr = self.stderr();
        assert!(
            stderr.contains(needle),
            "stderr lacks {needle:?}:\n{stderr}"
        );
        self
    }
}

pub fn redact(text: &str, root: &Path) -> String {
    let mut text = text.replace(&root.display().to_string(), "[ROOT]");
    text = text.replace(env!("CARGO_PKG_VERSION"), "[VERSION]");
    // "in 0.12s" → "in [TIME]s"
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        match line.rfind(" in ") {
            Some(i)
                if line.ends_with('s') && line[i + 4..line.len() - 1].parse::<f64>().is_ok() =>
            {
                out.push_str(&line[..i]);
                out.push_str(" in [TIME]s");
            }
            _ => out.push_str(line),
        }
        out.push('\n');
    }
    out
}

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

pub fn snapshots() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots")
}

/// Compares `actual` with a stored snapshot; `UPDATE_EXPECT=1` rewrites it.
pub fn check_snapshot(name: &str, actual: &str) {
    let path = snapshots().join(name);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no snapshot {}; run with UPDATE_EXPECT=1 and review it",
            path.display()
        )
    });
    if expected != actual {
        panic!("snapshot {} differs (UPDATE_EXPECT=1 to accept)\n--- expected\n{expected}\n--- actual\n{actual}", path.display());
    }
}

pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walk(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let dest = to.join(rel);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

/// Every file below `dir`, sorted.
pub fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Every file of an output folder: relative path → bytes.
pub fn tree_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walk(dir)
        .into_iter()
        .map(|p| {
            (
                p.strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/"),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

/// The `<main …>…</main>` part of a page.
pub fn main_of(html: &str) -> String {
    let start = html.find("<main").unwrap_or(0);
    let end = html
        .rfind("</main>")
        .map_or(html.len(), |i| i + "</main>".len());
    html[start..end].to_string()
}

/// A minimal valid site.toml plus the given extra text.
pub const SITE: &str = "//- site.toml\n[site]\ntitle = \"Test\"\n";

// ---------------------------------------------------------------------------------------
// `fieldbook serve`: a running server, a minimal HTTP/1.0 client and an event-stream reader
// over plain TcpStreams (no HTTP client crate needed).

/// A `fieldbook serve --port 0` child process, killed on drop.
pub struct Server {
    pub child: std::process::Child,
    /// `127.0.0.1:PORT`.
    pub addr: String,
    /// Everything printed on stderr so far.
    pub stderr: std::sync::Arc<std::sync::Mutex<String>>,
}

/// The debounce quiet time the serve tests run with: longer than the default so a loaded
/// machine's scheduling gaps never split one save into two rebuilds.
pub const TEST_DEBOUNCE_MS: &str = "100";

impl SiteTest {
    /// Starts `fieldbook serve --port 0 <extra>` and waits for the URL it prints.
    pub fn serve(&self, extra: &[&str]) -> Server {
        self.serve_with_env(extra, &[])
    }

    /// [`SiteTest::serve`] with more environment variables.
    pub fn serve_with_env(&self, extra: &[&str], env: &[(&str, &str)]) -> Server {
        use std::io::BufRead as _;
        let mut child = Command::new(env!("CARGO_BIN_EXE_fieldbook"))
            .args(["serve", "--port", "0"])
            .args(extra)
            .envs(env.iter().copied())
            .current_dir(self.path())
            .env("FIELDBOOK_TODAY", TODAY)
            .env("FIELDBOOK_DEBOUNCE_MS", TEST_DEBOUNCE_MS)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let sink = std::sync::Arc::clone(&text);
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                {
                    let mut all = sink.lock().unwrap();
                    all.push_str(&line);
                    all.push('\n');
                }
                if let Some(url) = line.strip_prefix("serving http://") {
                    let _ = tx.send(url.trim_end_matches('/').to_string());
                }
            }
        });
        let addr = match rx.recv_timeout(std::time::Duration::from_secs(60)) {
            Ok(addr) => addr,
            Err(_) => {
                let _ = child.kill();
                panic!("serve printed no URL; stderr:\n{}", text.lock().unwrap());
            }
        };
        Server {
            child,
            addr,
            stderr: text,
        }
    }
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl Server {
    /// GETs `path` as written (no normalisation, no encoding).
    pub fn get(&self, path: &str) -> Response {
        self.request("GET", path.as_bytes())
    }

    /// Sends a request line with `raw` as the target, byte for byte.
    pub fn request(&self, method: &str, raw: &[u8]) -> Response {
        use std::io::{Read as _, Write as _};
        let mut stream = std::net::TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(60)))
            .unwrap();
        let mut request = format!("{method} ").into_bytes();
        request.extend_from_slice(raw);
        request.extend_from_slice(b" HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        stream.write_all(&request).unwrap();
        let mut bytes = Vec::new();
        stream.read_to_end(&mut bytes).unwrap();
        parse_response(&bytes)
    }

    /// The served files' paths, once deferred files are done.
    pub fn manifest(&self) -> serde_json::Value {
        serde_json::from_slice(&self.get("/__fieldbook/manifest").body).unwrap()
    }

    /// Opens the event stream.
    pub fn events(&self) -> Events {
        Events::open(&self.addr)
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Sends SIGINT (Ctrl-C) and waits for the exit code.
    pub fn interrupt(mut self) -> Option<i32> {
        // SAFETY: kill(2) with our own child's pid.
        unsafe { libc::kill(self.child.id() as i32, libc::SIGINT) };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        while std::time::Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn parse_response(bytes: &[u8]) -> Response {
    let split = bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Response {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    }
}

/// One server-sent event.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: String,
    pub data: serde_json::Value,
}

/// A reader of the event stream (`/__fieldbook/events`).
pub struct Events {
    rx: std::sync::mpsc::Receiver<Event>,
}

impl Events {
    fn open(addr: &str) -> Events {
        use std::io::{BufRead as _, Write as _};
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream.write_all(b"GET /__fieldbook/events HTTP/1.0\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n").unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = std::io::BufReader::new(stream);
            let (mut kind, mut data) = (String::new(), String::new());
            let mut ready = Some(ready_tx);
            let mut line = String::new();
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let l = line.trim_end_matches(['\r', '\n']);
                if l.starts_with(':') {
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                } else if let Some(k) = l.strip_prefix("event:") {
                    kind = k.trim().to_string();
                } else if let Some(d) = l.strip_prefix("data:") {
                    data.push_str(d.trim_start());
                } else if l.is_empty() && !kind.is_empty() {
                    if let Some(r) = ready.take() {
                        let _ = r.send(());
                    }
                    let value = serde_json::from_str(&data).unwrap_or(serde_json::Value::Null);
                    if tx
                        .send(Event {
                            kind: std::mem::take(&mut kind),
                            data: value,
                        })
                        .is_err()
                    {
                        return;
                    }
                    data.clear();
                }
            }
        });
        ready_rx
            .recv_timeout(std::time::Duration::from_secs(20))
            .expect("event stream did not open");
        Events { rx }
    }

    /// The next event within `secs`.
    pub fn next(&self, secs: u64) -> Option<Event> {
        self.rx
            .recv_timeout(std::time::Duration::from_secs(secs))
            .ok()
    }

    /// The next event, which must come within 30 s and be of `kind`.
    pub fn expect(&self, kind: &str) -> Event {
        let event = self.next(30).unwrap_or_else(|| panic!("no `{kind}` event"));
        assert_eq!(event.kind, kind, "{event:?}");
        event
    }

    /// Skips events until one of `kind` (within 30 s each); for bursts a loaded machine may
    /// split into several rebuilds.
    pub fn expect_eventually(&self, kind: &str) -> Event {
        loop {
            let event = self.next(30).unwrap_or_else(|| panic!("no `{kind}` event"));
            if event.kind == kind {
                return event;
            }
        }
    }

    /// Events arriving within `millis` of quiet.
    pub fn collect(&self, millis: u64) -> Vec<Event> {
        let mut out = Vec::new();
        while let Ok(e) = self
            .rx
            .recv_timeout(std::time::Duration::from_millis(millis))
        {
            out.push(e);
        }
        out
    }
}
