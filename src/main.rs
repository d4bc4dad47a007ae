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
    fieldbook::run(cli)
}
