//! I/O out: puts rendered files on disk atomically, or into memory for `serve` and `check`.
//!
//! On disk the site is double-buffered: the build writes into a hidden folder beside the
//! output (`.public.fieldbook-prev`, the output of the build before last) and then swaps the
//! two folders in one step. A manifest of content hashes in the buffer lets a build skip
//! every file that did not change, so the no-change rebuild writes almost nothing. The live
//! output is never written to, so a failed or killed build leaves it exactly as it was.
//! Also creates the source files of `init` and `new`, never overwriting one.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{bail, Context as _};

use crate::render::{Contents, OutputFile, Sink};

/// Whether an output path stays inside the output folder.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(':'))
}

const MANIFEST: &str = ".fieldbook-manifest";
/// The manifest while it is written; never in a buffer that has a [`MANIFEST`].
const MANIFEST_PARTIAL: &str = ".fieldbook-manifest.partial";

/// Writes into the buffer folder; [`DiskSink::finish`] swaps it in.
pub struct DiskSink {
    root: PathBuf,
    out_dir: PathBuf,
    buffer: PathBuf,
    /// Hashes of the files the buffer held when the build started (empty if unknown).
    previous: HashMap<String, u64>,
    written: Mutex<HashMap<String, u64>>,
    dirs: Mutex<HashSet<PathBuf>>,
    error: Mutex<Option<anyhow::Error>>,
}

impl DiskSink {
    /// Prepares the buffer beside `out_dir`. `root` resolves copied files.
    pub fn new(root: &Path, out_dir: &Path) -> anyhow::Result<DiskSink> {
        let parent = out_dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        std::fs::create_dir_all(&parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
        let name = out_dir
            .file_name()
            .map_or_else(|| "public".into(), |n| n.to_string_lossy().to_string());
        let buffer = parent.join(format!(".{name}.fieldbook-prev"));
        let manifest = buffer.join(MANIFEST);
        // The manifest is removed before the buffer changes and written back only when a
        // build completes, so a buffer without a complete one (interrupted build) is
        // started afresh: a manifest that misses a file would leave that file behind.
        let complete = std::fs::read_to_string(&manifest)
            .ok()
            .filter(|_| buffer.is_dir())
            .and_then(|text| parse_manifest(&text));
        let previous = match complete {
            Some(previous) => {
                std::fs::remove_file(&manifest)
                    .with_context(|| format!("cannot update `{}`", buffer.display()))?;
                previous
            }
            None => {
                if buffer.exists() {
                    std::fs::remove_dir_all(&buffer)
                        .with_context(|| format!("cannot clear `{}`", buffer.display()))?;
                }
                HashMap::new()
            }
        };
        std::fs::create_dir_all(&buffer)
            .with_context(|| format!("cannot create `{}`", buffer.display()))?;
        Ok(DiskSink {
            root: root.to_path_buf(),
            out_dir: out_dir.to_path_buf(),
            buffer,
            previous,
            written: Mutex::new(HashMap::new()),
            dirs: Mutex::new(HashSet::new()),
            error: Mutex::new(None),
        })
    }

    fn put_file(&self, file: &OutputFile) -> anyhow::Result<()> {
        if !is_safe_path(&file.path) {
            bail!(
                "refusing to write `{}` outside the output folder",
                file.path
            );
        }
        let copied;
        let bytes: &[u8] = match &file.contents {
            Contents::Bytes(bytes) => bytes,
            Contents::Copy(source) => {
                copied = std::fs::read(self.root.join(source))
                    .with_context(|| format!("cannot read `{}`", source.display()))?;
                &copied
            }
        };
        let hash = fingerprint(bytes);
        {
            let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
            if written.insert(file.path.clone(), hash).is_some() {
                bail!(
                    "two outputs for `{}`; rename one of the files that produce it",
                    file.path
                );
            }
        }
        let dest = crate::load::walk::join(&self.buffer, &file.path);
        if self.previous.get(&file.path) == Some(&hash) && dest.is_file() {
            return Ok(());
        }
        if let Some(dir) = dest.parent() {
            let known = self
                .dirs
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(dir);
            if !known {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create `{}`", dir.display()))?;
                self.dirs
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(dir.to_path_buf());
            }
        }
        std::fs::write(&dest, bytes).with_context(|| format!("cannot write `{}`", dest.display()))
    }

    /// Removes what the new site no longer has, records the manifest, and swaps the buffer
    /// in as the output. Returns the first write error instead, leaving the output as it was.
    pub fn finish(self) -> anyhow::Result<()> {
        if let Some(err) = self.error.into_inner().unwrap_or_else(|e| e.into_inner()) {
            return Err(err);
        }
        let written = self.written.into_inner().unwrap_or_else(|e| e.into_inner());
        for stale in self.previous.keys().filter(|p| !written.contains_key(*p)) {
            let path = crate::load::walk::join(&self.buffer, stale);
            let _ = std::fs::remove_file(&path);
            let mut dir = path.parent();
            while let Some(d) = dir.filter(|d| *d != self.buffer.as_path()) {
                if std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
        // Written beside its final name and renamed, so the manifest is complete or absent
        // whenever the build is killed or the disk fills up (see `parse_manifest`).
        let manifest = self.buffer.join(MANIFEST);
        let partial = self.buffer.join(MANIFEST_PARTIAL);
        std::fs::File::create(&partial)
            .and_then(|mut file| file.write_all(manifest_text(&written).as_bytes()))
            .and_then(|()| std::fs::rename(&partial, &manifest))
            .context("cannot write the output manifest")?;
        // The manifest travels with its folder through the swap, so the buffer always
        // describes itself, whatever happens between two builds.
        swap_in(&self.buffer, &self.out_dir)
    }
}

impl Sink for DiskSink {
    fn put(&self, file: OutputFile) {
        if let Err(err) = self.put_file(&file) {
            let mut slot = self.error.lock().unwrap_or_else(|e| e.into_inner());
            if slot.is_none() {
                *slot = Some(err);
            }
        }
    }
}

/// One `hash path` line per file, sorted, then `end <number of files>`.
fn manifest_text(written: &HashMap<String, u64>) -> String {
    let sorted: BTreeMap<&String, &u64> = written.iter().collect();
    let mut text = String::with_capacity(sorted.len() * 48 + 16);
    for (path, hash) in &sorted {
        text.push_str(&format!("{hash:016x} {path}\n"));
    }
    text.push_str(&format!("end {}\n", sorted.len()));
    text
}

/// The files a manifest lists, or `None` unless it is complete: it must end with its
/// `end` line and list that many files. A truncated manifest (a build killed while writing
/// it, by an older version that wrote it in place) would leave unlisted stale files in the
/// buffer, and they would reach the output with the next swap.
// See: tests/it/safety.rs, `truncated_manifest_never_leaves_stale_files`.
fn parse_manifest(text: &str) -> Option<HashMap<String, u64>> {
    let body = text.strip_suffix('\n')?;
    let (body, count) = match body.rsplit_once('\n') {
        Some((body, last)) => (body, last.strip_prefix("end ")?),
        None => ("", body.strip_prefix("end ")?),
    };
    let files: HashMap<String, u64> = body
        .lines()
        .map(|line| {
            let (hash, path) = line.split_once(' ')?;
            Some((path.to_string(), u64::from_str_radix(hash, 16).ok()?))
        })
        .collect::<Option<_>>()?;
    (count.parse::<usize>().ok()? == files.len()).then_some(files)
}

/// A fast 64-bit content fingerprint (eight bytes a step, then FNV-1a over the tail,
/// seeded with the length) for skipping unchanged files.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325 ^ (bytes.len() as u64);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    for &b in chunks.remainder() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash ^ (hash >> 29)
}

/// Makes `buffer` the output and the old output the buffer. On Linux both names swap in one
/// step, so the output folder exists at every instant, even if the process is killed.
fn swap_in(buffer: &Path, out_dir: &Path) -> anyhow::Result<()> {
    if !out_dir.exists() {
        std::fs::rename(buffer, out_dir)
            .with_context(|| format!("cannot move the new site to `{}`", out_dir.display()))?;
        return Ok(());
    }
    if exchange(buffer, out_dir) {
        return Ok(());
    }
    let aside = buffer.with_extension("old");
    let _ = std::fs::remove_dir_all(&aside);
    std::fs::rename(out_dir, &aside)
        .with_context(|| format!("cannot move the old output `{}` aside", out_dir.display()))?;
    if let Err(err) = std::fs::rename(buffer, out_dir) {
        let _ = std::fs::rename(&aside, out_dir);
        return Err(err)
            .with_context(|| format!("cannot move the new site to `{}`", out_dir.display()));
    }
    std::fs::rename(&aside, buffer).with_context(|| format!("cannot keep `{}`", buffer.display()))
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Collects files in memory (for `serve`, `check` and tests).
#[derive(Default)]
pub struct MemorySink {
    files: Mutex<Vec<OutputFile>>,
}

impl Sink for MemorySink {
    fn put(&self, file: OutputFile) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(file);
    }
}

impl MemorySink {
    /// The files, sorted by path.
    pub fn into_files(self) -> Vec<OutputFile> {
        let mut files = self.files.into_inner().unwrap_or_else(|e| e.into_inner());
        files.sort_by(|a, b| a.path.cmp(&b.path));
        files
    }
}

/// The site in memory: output path → bytes.
pub fn to_memory(root: &Path, files: Vec<OutputFile>) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut site = BTreeMap::new();
    for file in files {
        let bytes = match file.contents {
            Contents::Bytes(bytes) => bytes,
            Contents::Copy(source) => std::fs::read(root.join(&source))
                .with_context(|| format!("cannot read `{}`", source.display()))?,
        };
        site.insert(file.path, bytes);
    }
    Ok(site)
}

/// Creates `files` (paths relative to `dir`, `/`-separated) and their folders. If any of them
/// exists, nothing is written and the error names every one that does.
pub fn create_new(dir: &Path, files: &[(String, String)]) -> anyhow::Result<()> {
    for (rel, _) in files {
        if !is_safe_path(rel) {
            bail!("refusing to write `{rel}` outside `{}`", dir.display());
        }
    }
    let existing: Vec<String> = files
        .iter()
        .filter(|(rel, _)| crate::load::walk::join(dir, rel).exists())
        .map(|(rel, _)| format!("`{rel}`"))
        .collect();
    if !existing.is_empty() {
        bail!(
            "refusing to overwrite {} in `{}`; nothing was written",
            existing.join(", "),
            dir.display()
        );
    }
    let mut created: Vec<PathBuf> = Vec::new();
    for (rel, text) in files {
        let path = crate::load::walk::join(dir, rel);
        if let Err(err) = create_one(&path, text) {
            for path in &created {
                let _ = std::fs::remove_file(path);
            }
            return Err(err);
        }
        created.push(path);
    }
    Ok(())
}

fn create_one(path: &Path, text: &str) -> anyhow::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    // `create_new` fails if the file appeared since the check: never overwrite.
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .with_context(|| format!("cannot create `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

/// Adds `item` as the last line of the Markdown file at `path`: right after a list that ends
/// the file, else after a blank line.
pub fn append_list_item(path: &Path, item: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read `{}`", path.display()))?;
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    let is_list = ["- ", "* ", "+ "]
        .iter()
        .any(|m| last.trim_start().starts_with(m));
    let mut addition = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        addition.push('\n');
    }
    if !text.trim().is_empty() && !is_list && !text.ends_with("\n\n") {
        addition.push('\n');
    }
    addition.push_str(item);
    addition.push('\n');
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .with_context(|| format!("cannot open `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, addition.as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths() {
        for p in [
            "../x",
            "/etc/passwd",
            "a/../../b",
            "a\\..\\b",
            "c:/x",
            "",
            "a//b",
        ] {
            assert!(!is_safe_path(p), "{p}");
        }
        assert!(is_safe_path("a/b/index.html"));
    }

    #[test]
    fn manifest_round_trip() {
        let written: HashMap<String, u64> = [
            ("a/index.html".to_string(), 255),
            ("b c.txt".to_string(), 1),
        ]
        .into();
        let text = manifest_text(&written);
        assert_eq!(
            text,
            "00000000000000ff a/index.html\n0000000000000001 b c.txt\nend 2\n"
        );
        assert_eq!(parse_manifest(&text), Some(written));
        assert_eq!(parse_manifest("end 0\n"), Some(HashMap::new()));
    }

    #[test]
    fn incomplete_manifests_are_rejected() {
        let text = "00000000000000ff a/index.html\n0000000000000001 b c.txt\nend 2\n";
        for cut in 0..text.len() {
            assert_eq!(parse_manifest(&text[..cut]), None, "{:?}", &text[..cut]);
        }
        assert_eq!(parse_manifest("00000000000000ff a\nend 2\n"), None);
        assert_eq!(parse_manifest("zz a\nend 1\n"), None);
    }
}
