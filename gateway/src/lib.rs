//! glocal-gateway: Glocal's public GraphQL API. It authenticates bearer tokens, batches
//! lookups with DataLoaders, and calls the services over gRPC with the caller, the trace
//! context and a deadline in every call. It holds no business rules and no database.
//!
//! Routes: `/graphql` (GraphQL over HTTP, GraphiQL for browsers), `/healthz`, `/readyz`,
//! `/metrics`. Every request gets a tracing span and a deadline (`request_timeout_ms`).
#![warn(missing_docs)]

pub mod auth;
pub mod error;
pub mod http;
pub mod loaders;
pub mod ops;
pub mod schema;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::extensions::Tracing;
use axum::Router;
use axum::routing::get;
use glocal_kit::Shutdown;
use glocal_kit::cache::Cache;
use glocal_kit::caller::DevTokens;
use glocal_kit::config::{GatewaySettings, Settings};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

pub use error::GatewayError;
use schema::{GatewaySchema, Services};

/// Largest nesting of selections a query may have.
const MAX_QUERY_DEPTH: usize = 32;

/// What every HTTP handler shares.
pub struct AppState {
    /// The executable schema (with the service clients as schema data).
    pub schema: GatewaySchema,
    /// The service clients.
    pub services: Services,
    /// The shared cache (Redis or in-process).
    pub cache: Cache,
    /// The gateway's settings.
    pub settings: GatewaySettings,
}

/// The schema with its extensions and limits, and `services` as schema data.
fn build_schema(settings: &GatewaySettings, services: &Services) -> GatewaySchema {
    let builder = schema::builder()
        .data(services.clone())
        .extension(Tracing)
        .extension(http::execution_marker())
        .limit_depth(MAX_QUERY_DEPTH);
    if settings.introspection {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The cache of `settings`: Redis when configured and reachable, else in-process (Redis is
/// an accelerator, never a reason not to start).
async fn cache(settings: &Settings) -> Cache {
    match Cache::connect(settings.redis.url.expose(), &settings.redis.key_prefix).await {
        Ok(cache) => cache,
        Err(error) => {
            tracing::warn!(%error, "Redis unavailable; using the in-process cache");
            Cache::memory()
        }
    }
}

/// The gateway's router: GraphQL, health, readiness and metrics. Channels to the services
/// connect lazily, so this succeeds while they are still starting.
pub async fn app(settings: &Settings) -> Result<Router, GatewayError> {
    let gateway = settings.gateway.clone();
    let services = Services::connect(&gateway)?;
    let tokens = Arc::new(DevTokens::new(
        settings.auth.jwt_secret.expose().as_bytes(),
        &settings.auth.issuer,
        &settings.auth.audience,
    ));
    let _ = glocal_kit::metrics::prometheus();
    let state = Arc::new(AppState {
        schema: build_schema(&gateway, &services),
        services,
        cache: cache(settings).await,
        settings: gateway.clone(),
    });

    let graphql = get(http::graphql_get)
        .post(http::graphql_post)
        .route_layer(axum::middleware::from_fn_with_state(tokens, auth::layer));
    Ok(Router::new()
        .route("/graphql", graphql)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .with_state(state)
        .layer(TimeoutLayer::with_status_code(
            ::http::StatusCode::GATEWAY_TIMEOUT,
            Duration::from_millis(gateway.request_timeout_ms),
        ))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().level(tracing::Level::INFO))
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        ))
}

/// Serves the gateway on `listener` until `shutdown` resolves, then finishes in-flight
/// requests (each bounded by `request_timeout_ms`).
pub async fn run(
    settings: &Settings,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> Result<(), GatewayError> {
    let router = app(settings).await?;
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "gateway listening");
    }
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown.wait())
        .await?;
    tracing::info!("gateway stopped");
    Ok(())
}

/// The public schema in SDL, for clients, docs and schema checks.
pub fn sdl() -> String {
    schema::builder().finish().sdl()
}
