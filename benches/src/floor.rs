//! The floor scenario: a bare axum handler that answers `GET`/`POST /graphql` with the
//! bytes of a file (scenario 2's answer), `application/json`, and nothing else.

use std::net::SocketAddr;
use std::path::PathBuf;

use axum::Router;
use axum::body::Bytes;
use axum::http::header;
use axum::routing::get;

/// Arguments of `floor`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:18090")]
    listen: SocketAddr,
    /// File whose bytes every answer carries.
    #[arg(long)]
    body: PathBuf,
}

/// Serves until killed.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let body = Bytes::from(std::fs::read(&args.body)?);
    let answer = move || {
        let body = body.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], body) }
    };
    let app = Router::new().route("/graphql", get(answer.clone()).post(answer));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
