//! The `fieldbook` binary: parse the command line, run, exit with its code.

use clap::Parser;

// Rendering allocates many small strings on two threads; mimalloc is markedly faster here
// than the system allocator (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let cli = match fieldbook::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                std::process::ExitCode::from(2)
            } else {
                std::process::ExitCode::SUCCESS
            };
        }
    };
    if !matches!(cli.command, fieldbook::cli::Command::Serve { .. }) {
        keep_freed_memory();
    }
    fieldbook::run(cli)
}

/// mimalloc's `purge_delay` option: its number in mimalloc 3's `mimalloc.h` (the crate leaves
/// options unnamed).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Tells mimalloc to keep the memory it frees instead of returning it to the kernel 10 ms
/// later. A build frees and allocates hundreds of megabytes in waves (bodies, contexts,
/// rendered pages); returned, that memory comes back as fresh pages the kernel must zero
/// again. Keeping it saves ~0.3 s of kernel time in a 10,000-page build and leaves the peak
/// unchanged, since freed memory is reused. `serve` keeps the default: it idles between builds.
fn keep_freed_memory() {
    // SAFETY: sets one integer option; no other thread exists yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}
