//! glocal-gateway: Glocal's public GraphQL API. It authenticates bearer tokens, batches
//! lookups with DataLoaders, and calls the services over gRPC with the caller, the trace
//! context and a deadline in every call. It holds no business rules and no database.
//!
//! Three floors, imports only going down:
//!
//! - [`edge`]: what a request meets first. The `/graphql` endpoints (GraphQL over HTTP,
//!   GraphiQL, GraphQL over WebSocket), authentication (`auth`, `oidc`), the authorization
//!   matrix (`authz`), rate limits, document limits, persisted queries (`apq`), the edge's
//!   error responses, and `/healthz`, `/readyz`, `/metrics`. [`feeds`] (iCalendar, Atom)
//!   are plain HTTP routes on the same floor, and so are [`files`] (uploads and downloads
//!   over signed links).
//! - [`schema`]: the GraphQL schema, one module per domain, thin resolvers.
//! - [`upstream`]: the services. Clients and read retries, the typed per-service
//!   `read`/`call`, the one error mapping, the entity cache, the change-stream consumer
//!   and every DataLoader (the one by-id path, which alone decides when the entity cache
//!   may be read).
//!
//! This file wires them: the schema with its data, the router, `run`.
#![warn(missing_docs)]
// The merged query root (one object per domain) nests deeper than the default 128 when
// async-graphql's futures are laid out.
#![recursion_limit = "512"]

pub mod edge;
pub mod error;
pub mod feeds;
pub mod files;
pub mod schema;
pub mod upstream;

use std::sync::Arc;
use std::time::Duration;

use async_graphql::{ObjectType, Schema, SchemaBuilder, SubscriptionType};
use axum::Router;
use axum::routing::get;
use axum::serve::ListenerExt;
use glocal_kit::Shutdown;
use glocal_kit::cache::Cache;
use glocal_kit::config::Settings;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};

pub use edge::{AppState, apq, authz};
use edge::{auth, exports, http, limits, ops, ratelimit, spans, ws};
pub use error::GatewayError;
use schema::{GatewaySchema, PartnerSchema};
pub use upstream::clients;
use upstream::{Services, changes, entity_cache};

/// The portal's schema (`/graphql`) and the partner graph's (`/subgraph`), each with its
/// extensions and limits, and `services`, the read-retry policy, the entity cache and the
/// change hub as schema data.
fn build_schemas(
    settings: &Settings,
    services: &Services,
    entities: entity_cache::EntityCache,
    hub: changes::ChangeHub,
) -> (GatewaySchema, PartnerSchema) {
    // What bureau staff read of people's personal data, logged after each operation (ADR 0039).
    let read_log = upstream::read_log::ReadLog::start(
        services.notifier.clone(),
        services.timeout,
        upstream::read_log::QUEUE,
    );
    let hooks = edge::operation::OperationHooks::default()
        .authorize()
        .limits(limits::Limits::from_settings(&settings.gateway))
        .read_log(read_log);
    let portal = configure(settings, services, &entities, schema::builder())
        .data(hub)
        .data(schema::requests::AttachmentLinks {
            ttl: Duration::from_secs(settings.storage.link_ttl_secs),
        })
        .data(schema::subscriptions::SubscriptionGate(
            authz::require_subscription,
        ))
        .data(schema::me::PermissionsOf(authz::permissions))
        // The whole schema is never handed out as a subgraph (`/subgraph` is).
        .extension(
            hooks
                .clone()
                .without_service_sdl(schema::federation::WithoutServiceSdl::PORTAL),
        );
    let partner = configure(settings, services, &entities, schema::partner_builder());
    let partner = if settings.gateway.service_sdl_enabled(settings.environment) {
        partner.extension(hooks)
    } else {
        partner.extension(hooks.without_service_sdl(schema::federation::WithoutServiceSdl::OFF))
    };
    (finish(settings, portal), finish(settings, partner))
}

/// What both schemas share: data, extensions and limits.
fn configure<Q, M, S>(
    settings: &Settings,
    services: &Services,
    entities: &entity_cache::EntityCache,
    builder: SchemaBuilder<Q, M, S>,
) -> SchemaBuilder<Q, M, S> {
    let gateway = &settings.gateway;
    let builder = builder
        .data(services.clone())
        .data(clients::ReadRetry::from_settings(gateway))
        .data(schema::common::PublicUrls::from_settings(gateway))
        .data(entities.clone())
        .limit_depth(gateway.max_depth)
        .limit_complexity(gateway.max_complexity);
    // Spans per field only when debugging asks for them (children of the operation's span).
    if settings.telemetry.field_spans {
        builder.extension(spans::FieldSpans)
    } else {
        builder
    }
}

/// Suggestions and introspection as `settings` say, then the schema.
fn finish<Q, M, S>(settings: &Settings, builder: SchemaBuilder<Q, M, S>) -> Schema<Q, M, S>
where
    Q: ObjectType + 'static,
    M: ObjectType + 'static,
    S: SubscriptionType + 'static,
{
    let (gateway, environment) = (&settings.gateway, settings.environment);
    let builder = if gateway.field_suggestions_enabled(environment) {
        builder
    } else {
        builder.disable_suggestions()
    };
    if gateway.introspection_enabled(environment) {
        builder.finish()
    } else {
        builder.disable_introspection().finish()
    }
}

/// The cache of `settings`: Redis (with the in-process first level of `cache.*`) when
/// configured, else in-process. It never waits for Redis: it serves from this process'
/// own map (the local tier) until Redis answers, then joins the shared tier, and moves
/// between the two on its own ([`glocal_kit::cache`]).
async fn cache(settings: &Settings) -> Cache {
    match Cache::connect(settings.redis.url.expose(), &settings.redis.key_prefix).await {
        Ok(cache) => cache.with_local_tier(
            settings.cache.local_capacity,
            Duration::from_millis(settings.cache.local_ttl_ms),
        ),
        Err(error) => {
            tracing::warn!(%error, "Redis URL unusable; using the in-process cache");
            Cache::memory()
        }
    }
}

/// The gateway's router: GraphQL, health, readiness and metrics. Channels to the services
/// connect lazily, so this succeeds while they are still starting.
pub async fn app(settings: &Settings) -> Result<Router, GatewayError> {
    router(settings, ops::Draining::default()).await
}

/// [`app`], draining (readiness, subscriptions, WebSockets) when `draining` starts.
async fn router(settings: &Settings, draining: ops::Draining) -> Result<Router, GatewayError> {
    settings.check_gateway()?;
    let signer = glocal_kit::identity::Signer::new(settings.grpc.identity_signing_key.expose())?;
    if !glocal_kit::identity::install_signer(signer) {
        tracing::debug!("caller-signing key already installed in this process; kept");
    }
    let gateway = settings.gateway.clone();
    let services = Services::connect(&gateway)?;
    let authenticator = Arc::new(auth::Authenticator::new(settings)?);
    if let Some(oidc) = authenticator.oidc().cloned() {
        // Warm the key cache; a failure is logged and retried with the first token.
        tokio::spawn(async move {
            if let Err(error) = oidc.refresh().await {
                tracing::warn!(%error, issuer = oidc.issuer(), "OIDC keys not fetched at start-up");
            }
        });
    }
    let limiter = Arc::new(ratelimit::RateLimiter::new(settings));
    let _ = glocal_kit::metrics::prometheus();
    let cache = cache(settings).await;
    let entities = entity_cache::EntityCache::from_settings(cache.clone(), &settings.cache);
    let responses = Arc::new(upstream::responses::ResponseCache::new(
        cache.clone(),
        Duration::from_secs(gateway.response_cache_ttl_secs),
        gateway.response_cache_bytes,
        Duration::from_millis(settings.cache.local_ttl_ms),
    ));
    let (hub, consumer) = changes::start(
        settings,
        entities.clone(),
        responses.clone(),
        draining.signal(),
    );
    let services_for_feeds = services.clone();
    let file_state = Arc::new(files::FileState {
        services: services.clone(),
        links: glocal_kit::identity::LinkVerifier::new(
            settings.grpc.identity_signing_key.expose(),
        )?,
        transfer_timeout: Duration::from_secs(settings.storage.transfer_timeout_secs),
    });
    let (schema, partner_schema) = build_schemas(settings, &services, entities.clone(), hub);
    responses.set_public_graph(upstream::responses::PublicGraph::from_sdl(
        &partner_schema.sdl(),
    ));
    let state = Arc::new(AppState {
        schema,
        partner_schema,
        services,
        persisted_queries: apq::PersistedQueries::new(
            cache.clone(),
            Duration::from_secs(gateway.apq_ttl_secs),
        ),
        documents: edge::documents::DocumentCache::new(gateway.document_cache_bytes),
        responses,
        entities,
        read_retry: clients::ReadRetry::from_settings(&gateway),
        settings: gateway.clone(),
        graphiql: gateway.graphiql_enabled(settings.environment),
        authenticator: authenticator.clone(),
        changes: consumer,
    });

    // Layers run outside in: authentication first, then the rate limit by its caller.
    let graphql = get(ws::graphql_get)
        .post(http::graphql_post)
        .route_layer(axum::middleware::from_fn_with_state(
            limiter.clone(),
            ratelimit::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            authenticator.clone(),
            auth::layer,
        ));
    let subgraph = axum::routing::post(http::subgraph_post)
        .route_layer(axum::middleware::from_fn_with_state(
            limiter.clone(),
            ratelimit::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            authenticator.clone(),
            auth::layer,
        ));
    // Exports read as the caller, authenticated and rate-limited like `/graphql`.
    // The feeds and the exports read the services alike and share one state.
    let feed_state = Arc::new(feeds::FeedState {
        services: services_for_feeds,
        read_retry: clients::ReadRetry::from_settings(&gateway),
        urls: schema::common::PublicUrls::from_settings(&gateway),
    });
    let exports = exports::routes(feed_state.clone())
        .route_layer(axum::middleware::from_fn_with_state(
            limiter,
            ratelimit::layer,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            authenticator,
            auth::layer,
        ));
    Ok(Router::new()
        .route("/graphql", graphql)
        .route("/subgraph", subgraph)
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .with_state(state)
        .layer(axum::Extension(draining))
        .merge(feeds::routes(feed_state))
        .layer(TimeoutLayer::with_status_code(
            ::http::StatusCode::GATEWAY_TIMEOUT,
            Duration::from_millis(gateway.request_timeout_ms),
        ))
        // Files and exports stream for longer than a GraphQL request may take.
        .merge(files::routes(file_state))
        .merge(exports)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(ops::http_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        ))
}

/// Serves the gateway on `listener` until `shutdown` resolves; then `/readyz` answers 503
/// for `grpc.shutdown_delay_ms` (so load balancers stop sending requests) before the
/// listener closes and in-flight requests finish (each bounded by `request_timeout_ms`).
/// Meanwhile every subscription completes and every GraphQL WebSocket closes with 1001
/// ([`ws`]); `run` returns once they are closed, at most `grpc.drain_timeout_ms` after the
/// listener.
pub async fn run(
    settings: &Settings,
    listener: tokio::net::TcpListener,
    shutdown: Shutdown,
) -> Result<(), GatewayError> {
    let draining = ops::Draining::default();
    let router = router(settings, draining.clone()).await?;
    let sockets = draining.clone();
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "gateway listening");
    }
    let delay = Duration::from_millis(settings.grpc.shutdown_delay_ms);
    let stop = async move {
        shutdown.wait().await;
        draining.start();
        tracing::info!(
            delay_ms = delay.as_millis() as u64,
            "gateway shutting down: reporting not ready"
        );
        tokio::time::sleep(delay).await;
    };
    let service = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    // TCP_NODELAY on every accepted connection: small responses leave at once instead of
    // waiting for the client's delayed ACK.
    let listener = listener.tap_io(|tcp| {
        if let Err(error) = tcp.set_nodelay(true) {
            tracing::debug!(%error, "TCP_NODELAY not set");
        }
    });
    axum::serve(listener, service)
        .with_graceful_shutdown(stop)
        .await?;
    let open = sockets
        .sockets_closed(Duration::from_millis(settings.grpc.drain_timeout_ms))
        .await;
    if open > 0 {
        tracing::warn!(open, "gateway stopped with WebSockets still open");
    }
    tracing::info!("gateway stopped");
    Ok(())
}

/// The public schema in SDL, for clients, docs and schema checks.
pub fn sdl() -> String {
    schema::builder().finish().sdl()
}

/// The partner graph's subgraph SDL (what `/subgraph` serves as `_service { sdl }`).
pub fn partner_sdl() -> String {
    schema::partner_builder().finish().sdl_with_options(
        async_graphql::SDLExportOptions::new()
            .federation()
            .compose_directive(),
    )
}
