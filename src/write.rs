//! I/O out: puts the rendered files on disk atomically (a fresh folder beside the output,
//! swapped in only when complete), or into memory for `serve`; and creates the source files
//! of `init` and `new`, never overwriting one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use rayon::prelude::*;

use crate::render::{Contents, OutputFile};

/// Whether an output path stays inside the output folder.
pub fn is_safe_path(path: &str) -> bool {
    !path.is_empty()
        && !path.starts_with('/')
        && !path.contains('\\')
        && !path.contains('\0')
        && path.split('/').all(|s| !s.is_empty() && s != "." && s != ".." && !s.contains(':'))
}

/// Writes `files` into `out_dir` atomically. `root` resolves copied files' sources.
/// On any error the previous output is left as it was.
pub fn to_disk(root: &Path, out_dir: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create `{}`", parent.display()))?;
    let name = out_dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    remove_stale(&parent, &name);
    let staging = parent.join(format!(".{name}.fieldbook-new-{}", std::process::id()));
    let result = write_tree(root, &staging, files).and_then(|()| swap_in(&staging, out_dir, &parent, &name));
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(root: &Path, staging: &Path, files: &[OutputFile]) -> anyhow::Result<()> {
    if staging.exists() {
        std::fs::remove_dir_all(staging).with_context(|| format!("cannot remove `{}`", staging.display()))?;
    }
    std::fs::create_dir_all(staging).with_context(|| format!("cannot create `{}`", staging.display()))?;
    let mut dirs: Vec<PathBuf> = Vec::new();
    for file in files {
        if !is_safe_path(&file.path) {
            bail!("refusing to write `{}` outside the output folder", file.path);
        }
        if let Some((dir, _)) = file.path.rsplit_once('/') {
            dirs.push(crate::load::walk::join(staging, dir));
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    }
    files.par_iter().try_for_each(|file| {
        let dest = crate::load::walk::join(staging, &file.path);
        match &file.contents {
            Contents::Bytes(bytes) => std::fs::write(&dest, bytes).with_context(|| format!("cannot write `{}`", dest.display())),
            Contents::Copy(source) => std::fs::copy(root.join(source), &dest).map(|_| ()).with_context(|| format!("cannot copy `{}`", source.display())),
        }
    })
}

/// Replaces `out_dir` by `staging`. On Linux both names swap in one step, so the output
/// folder exists at every instant, even if the process is killed.
fn swap_in(staging: &Path, out_dir: &Path, parent: &Path, name: &str) -> anyhow::Result<()> {
    if !out_dir.exists() {
        return std::fs::rename(staging, out_dir).with_context(|| format!("cannot move the new site to `{}`", out_dir.display()));
    }
    if exchange(staging, out_dir) {
        let _ = std::fs::remove_dir_all(staging);
        return Ok(());
    }
    let old = parent.join(format!(".{name}.fieldbook-old-{}", std::process::id()));
    std::fs::rename(out_dir, &old).with_context(|| format!("cannot move the old output `{}` aside", out_dir.display()))?;
    if let Err(err) = std::fs::rename(staging, out_dir) {
        let _ = std::fs::rename(&old, out_dir);
        return Err(err).with_context(|| format!("cannot move the new site to `{}`", out_dir.display()));
    }
    let _ = std::fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(a), Ok(b)) = (std::ffi::CString::new(a.as_os_str().as_bytes()), std::ffi::CString::new(b.as_os_str().as_bytes())) else {
        return false;
    };
    // SAFETY: both arguments are valid NUL-terminated paths that outlive the call.
    let rc = unsafe { libc::renameat2(libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), libc::RENAME_EXCHANGE) };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}

/// Removes folders left by a build that was killed.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    let prefix = format!(".{name}.fieldbook-");
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// The site in memory: output path → bytes.
pub fn to_memory(root: &Path, files: Vec<OutputFile>) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
    let mut site = BTreeMap::new();
    for file in files {
        let bytes = match file.contents {
            Contents::Bytes(bytes) => bytes,
            Contents::Copy(source) => std::fs::read(root.join(&source)).with_context(|| format!("cannot read `{}`", source.display()))?,
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
    let existing: Vec<String> = files.iter().filter(|(rel, _)| crate::load::walk::join(dir, rel).exists()).map(|(rel, _)| format!("`{rel}`")).collect();
    if !existing.is_empty() {
        bail!("refusing to overwrite {} in `{}`; nothing was written", existing.join(", "), dir.display());
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
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create `{}`", parent.display()))?;
    }
    // `create_new` fails if the file appeared since the check: never overwrite.
    let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(path).with_context(|| format!("cannot create `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, text.as_bytes()).with_context(|| format!("cannot write `{}`", path.display()))
}

/// Adds `item` as the last line of the Markdown file at `path`: right after a list that ends
/// the file, else after a blank line.
pub fn append_list_item(path: &Path, item: &str) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read `{}`", path.display()))?;
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let is_list = ["- ", "* ", "+ "].iter().any(|m| last.trim_start().starts_with(m));
    let mut addition = String::new();
    if !text.is_empty() && !text.ends_with('\n') {
        addition.push('\n');
    }
    if !text.trim().is_empty() && !is_list && !text.ends_with("\n\n") {
        addition.push('\n');
    }
    addition.push_str(item);
    addition.push('\n');
    let mut file = std::fs::OpenOptions::new().append(true).open(path).with_context(|| format!("cannot open `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, addition.as_bytes()).with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_paths() {
        for p in ["../x", "/etc/passwd", "a/../../b", "a\\..\\b", "c:/x", "", "a//b"] {
            assert!(!is_safe_path(p), "{p}");
        }
        assert!(is_safe_path("a/b/index.html"));
    }
}
