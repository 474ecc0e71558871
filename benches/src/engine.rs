//! The engine floor (issue 14, item 8): async-graphql over in-memory data, answering
//! scenario 2's query (`event(id)` with the same 11 fields) with the same bytes as the
//! gateway, on axum through async-graphql-axum. What any async-graphql server costs for that
//! document before it does anything of its own: the floor scenario 2 is measured against.

use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context as _;
use async_graphql::{EmptyMutation, EmptySubscription, Enum, ID, Object, Schema, SimpleObject};
use async_graphql_axum::GraphQL;
use axum::Router;
use axum::routing::{get, post_service};
use serde_json::Value;

/// Arguments of `engine`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:18091")]
    listen: SocketAddr,
    /// Scenario 2's answer from the gateway (`{"data":{"event":{…}}}`): the event served.
    #[arg(long)]
    body: PathBuf,
}

/// The four languages (the gateway's `Language`): scenario 2 asks `title(lang: EN)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Enum)]
enum Language {
    Ko,
    En,
    Zh,
    Ja,
}

/// The event as scenario 2 selects it.
#[derive(Debug, Clone, SimpleObject)]
#[graphql(complex)]
struct Event {
    id: ID,
    #[graphql(skip)]
    title: String,
    kind: String,
    state: String,
    host_country: Option<String>,
    host_city: Option<String>,
    venue: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    capacity: Option<i32>,
    seats_taken: i32,
}

#[async_graphql::ComplexObject]
impl Event {
    async fn title(&self, lang: Option<Language>) -> &str {
        let _ = lang;
        &self.title
    }
}

struct Query(Event);

#[Object]
impl Query {
    async fn event(&self, id: ID) -> Option<&Event> {
        (id == self.0.id).then_some(&self.0)
    }
}

fn text(event: &Value, field: &str) -> Option<String> {
    event[field].as_str().map(str::to_owned)
}

fn event_of(answer: &Value) -> anyhow::Result<Event> {
    let e = &answer["data"]["event"];
    let int = |field: &str| e[field].as_i64().and_then(|n| i32::try_from(n).ok());
    Ok(Event {
        id: ID(text(e, "id").context("the answer has no event id")?),
        title: text(e, "title").unwrap_or_default(),
        kind: text(e, "kind").unwrap_or_default(),
        state: text(e, "state").unwrap_or_default(),
        host_country: text(e, "hostCountry"),
        host_city: text(e, "hostCity"),
        venue: text(e, "venue"),
        start_date: text(e, "startDate"),
        end_date: text(e, "endDate"),
        capacity: int("capacity"),
        seats_taken: int("seatsTaken").unwrap_or_default(),
    })
}

/// Serves until killed.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let answer: Value = serde_json::from_slice(&std::fs::read(&args.body)?)?;
    let schema =
        Schema::build(Query(event_of(&answer)?), EmptyMutation, EmptySubscription).finish();
    let app = Router::new()
        .route("/graphql", post_service(GraphQL::new(schema)))
        .route("/healthz", get(|| async { "ok" }));
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
