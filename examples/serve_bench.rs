//! Benchmark of `fieldbook serve`: the time from saving one page body to the new page being
//! served with its reload event sent, over many edits; the memory of the session; and a
//! check that the served site equals a fresh `build` at the end.
//!
//! ```text
//! cargo run --release --example serve_bench -- BIN SITE EDITS [PAUSE_MS]
//! ```
//! `BIN` is the fieldbook binary, `SITE` a site folder (it is edited: use a copy). Run by
//! `bench/serve.sh`, which makes the corpora.

use std::io::{BufRead as _, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 4 {
        eprintln!("usage: serve_bench BIN SITE EDITS [PAUSE_MS]");
        std::process::exit(2);
    }
    let (bin, site, edits) = (
        PathBuf::from(&args[1]),
        PathBuf::from(&args[2]),
        args[3].parse::<usize>().unwrap(),
    );
    let pause = Duration::from_millis(args.get(4).map_or(150, |p| p.parse().unwrap()));

    let started = Instant::now();
    let mut child = Command::new(&bin)
        .args(["--root", site.to_str().unwrap(), "serve", "--port", "0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start fieldbook");
    let stderr = child.stderr.take().unwrap();
    let (url_tx, url_rx) = mpsc::channel();
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let sink = std::sync::Arc::clone(&log);
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(addr) = line.strip_prefix("serving http://") {
                let _ = url_tx.send(addr.trim_end_matches('/').to_string());
            }
            sink.lock().unwrap().push_str(&format!("{line}\n"));
        }
    });
    let addr = url_rx
        .recv_timeout(Duration::from_secs(600))
        .expect("no URL printed");
    println!(
        "first build and start: {:.2} s",
        started.elapsed().as_secs_f64()
    );
    let pid = child.id();
    let rss_start = rss_kb(pid);

    let events = events(&addr);
    let pages = markdown_files(&site.join("content"));
    let mut latencies = Vec::with_capacity(edits);
    let mut settled = Vec::with_capacity(edits);
    let mut last_build = 0;
    // RSS after every tenth of the edits, to tell growth from warm-up.
    let mut rss_samples = vec![(0, rss_start)];
    for n in 0..edits {
        // Regular pages only: every 7th file, so edits spread across sections.
        let file = &pages[(n * 7) % pages.len()];
        let mut text = std::fs::read_to_string(file).unwrap();
        let marker = format!("bench-edit-{n}-marker");
        text.push_str(&format!("\nAn edited paragraph, {marker}.\n"));
        // Drain events of earlier edits.
        while events.try_recv().is_ok() {}
        let saved = Instant::now();
        std::fs::write(file, &text).unwrap();
        let rel = file
            .strip_prefix(site.join("content"))
            .unwrap()
            .to_string_lossy()
            .to_string();
        loop {
            let event = events
                .recv_timeout(Duration::from_secs(120))
                .unwrap_or_else(|_| {
                    panic!("no reload after editing {rel}\n{}", log.lock().unwrap())
                });
            if let Some(data) = event.strip_prefix("reload ") {
                // Only a new build counts (not the deferred views of the previous edit).
                let build = serde_json::from_str::<serde_json::Value>(data).unwrap()["build"]
                    .as_u64()
                    .unwrap();
                if build > last_build {
                    last_build = build;
                    latencies.push(saved.elapsed().as_secs_f64() * 1000.0);
                    break;
                }
            }
            if event.starts_with("build-error") {
                panic!("the edit of {rel} failed the build: {event}");
            }
        }
        // Deferred views done (the manifest waits for them).
        get(&addr, "/__fieldbook/manifest");
        settled.push(saved.elapsed().as_secs_f64() * 1000.0);
        std::thread::sleep(pause);
        if edits >= 10 && (n + 1) % (edits / 10) == 0 {
            rss_samples.push((n + 1, rss_kb(pid)));
        }
    }
    let rss_end = rss_kb(pid);
    latencies.sort_by(|a, b| a.partial_cmp(b).unwrap());
    settled.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let pct = |v: &[f64], p: f64| v[((v.len() as f64 - 1.0) * p).round() as usize];
    println!("edits: {edits} (pages: {})", pages.len());
    println!(
        "save -> page served + reload sent: median {:.1} ms, p90 {:.1} ms, min {:.1} ms, max {:.1} ms",
        pct(&latencies, 0.5),
        pct(&latencies, 0.9),
        latencies[0],
        latencies[latencies.len() - 1]
    );
    println!(
        "save -> print views and health re-rendered too: median {:.1} ms, p90 {:.1} ms",
        pct(&settled, 0.5),
        pct(&settled, 0.9)
    );
    println!(
        "RSS: start {} MiB, end {} MiB",
        rss_start / 1024,
        rss_end / 1024
    );
    let samples: Vec<String> = rss_samples
        .iter()
        .map(|(n, kb)| format!("{n}: {}", kb / 1024))
        .collect();
    println!("RSS (MiB) after N edits: {}", samples.join(", "));
    let plans = log
        .lock()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("rebuilt ("))
        .map(|l| l.split(')').next().unwrap().to_string())
        .collect::<std::collections::BTreeSet<_>>();
    println!("rebuild plans used: {plans:?}");

    // The served site equals a fresh build.
    let out = std::env::temp_dir().join(format!("serve-bench-build-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new(&bin)
        .args([
            "--root",
            site.to_str().unwrap(),
            "--quiet",
            "build",
            "--output",
            out.to_str().unwrap(),
        ])
        .status()
        .unwrap();
    assert!(status.success(), "build failed");
    let manifest = get(&addr, "/__fieldbook/manifest");
    let listed: serde_json::Value = serde_json::from_slice(&manifest).unwrap();
    let served: Vec<String> = listed["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut built = Vec::new();
    for entry in walk(&out) {
        built.push(
            entry
                .strip_prefix(&out)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/"),
        );
    }
    // The manifest is `build`'s record of what it wrote, not part of the site.
    built.retain(|p| p != ".fieldbook-manifest");
    built.sort();
    if served != built {
        let only_served: Vec<&String> = served.iter().filter(|p| !built.contains(p)).collect();
        let only_built: Vec<&String> = built.iter().filter(|p| !served.contains(p)).collect();
        panic!("served and built file lists differ: only served {only_served:?}, only built {only_built:?}");
    }
    let tag = "<script src=\"/__fieldbook/live.js\"></script>";
    for path in &built {
        let mut body = get(&addr, &format!("/{}", encode_path(path)));
        if path.ends_with(".html") {
            body = String::from_utf8(body)
                .unwrap()
                .replacen(tag, "", 1)
                .into_bytes();
        }
        assert!(
            body == std::fs::read(out.join(path)).unwrap(),
            "{path} differs from a fresh build"
        );
    }
    println!("served site equals a fresh build: {} files", built.len());
    let _ = std::fs::remove_dir_all(&out);
    // SAFETY: kill(2) on our own child.
    unsafe { libc::kill(pid as i32, libc::SIGINT) };
    let _ = child.wait();
}

fn rss_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md") && !p.ends_with("_index.md"))
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn get(addr: &str, path: &str) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .unwrap();
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap();
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    bytes[split + 4..].to_vec()
}

/// Events as "kind data" strings.
fn events(addr: &str) -> mpsc::Receiver<String> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .write_all(b"GET /__fieldbook/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut reader = std::io::BufReader::new(stream);
        let mut kind = String::new();
        let mut line = String::new();
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let l = line.trim_end();
            if let Some(k) = l.strip_prefix("event:") {
                kind = k.trim().to_string();
            } else if let Some(d) = l.strip_prefix("data:") {
                if tx.send(format!("{kind} {}", d.trim())).is_err() {
                    return;
                }
            }
        }
    });
    // Let the stream open.
    std::thread::sleep(Duration::from_millis(200));
    rx
}
