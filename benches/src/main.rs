//! `glocal-bench`: the Rust half of Glocal's benchmark harness (`scripts/bench` drives it).
//!
//! - `seed`: loads a realistic data set through the services' real gRPC APIs — thousands of
//!   service requests from many officials of every demo local government, hundreds of
//!   organisations and best practices written in Korean, English, Japanese and Chinese, and
//!   hundreds of published forums, each with an accepted contribution linked to practices.
//! - `floor`: a bare axum handler answering `/graphql` with fixed bytes (the floor of what
//!   any HTTP GraphQL answer can cost on this machine).
//! - `engine`: async-graphql over in-memory data answering scenario 2's query with the same
//!   bytes (the floor of an async-graphql server for that document).
//! - `grpc-load`: a closed-loop tonic client hammering one read RPC, with latencies in an
//!   HDR histogram, printed as JSON.
//!
//! Nothing here asserts timings; see `docs/benchmarks.md`.

mod engine;
mod floor;
mod grpc;
mod grpc_load;
mod seed;

use clap::{Parser, Subcommand};

/// The allocator of the `glocal` binary (ADR 0056): the floors are measured on the same one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Glocal's benchmark helpers.
#[derive(Debug, Parser)]
#[command(name = "glocal-bench", about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Load the benchmark data set over gRPC (after `glocal seed` loaded the demo data).
    Seed(seed::Args),
    /// Serve fixed bytes on /graphql (the floor scenario).
    Floor(floor::Args),
    /// Answer scenario 2's query with async-graphql over in-memory data (the engine floor).
    Engine(engine::Args),
    /// Hammer one read RPC and print latency percentiles as JSON.
    GrpcLoad(grpc_load::Args),
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    match Cli::parse().command {
        Command::Seed(args) => seed::run(args).await,
        Command::Floor(args) => floor::run(args).await,
        Command::Engine(args) => engine::run(args).await,
        Command::GrpcLoad(args) => grpc_load::run(args).await,
    }
}
