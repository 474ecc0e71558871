//! The one `glocal` binary: `dev`, `serve <component>`, `migrate`, `seed`, `token`.
//! Only wiring lives here; every component is a library.

#![recursion_limit = "512"]

mod commands;

use std::process::ExitCode;

use clap::Parser;

/// Every component's allocator: mimalloc instead of glibc's malloc, whose `malloc`, `free` and
/// `malloc_consolidate` were a fifth of the gateway's CPU and two fifths of the research
/// service's under load (ADR 0056, docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match commands::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return commands::usage_error(&e),
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("glocal: cannot start the async runtime: {e}");
            return ExitCode::from(70);
        }
    };
    runtime.block_on(commands::run(cli))
}
