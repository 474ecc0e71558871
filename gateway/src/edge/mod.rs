//! The floor a request meets first: the GraphQL endpoints over HTTP ([`http`]) and
//! WebSocket ([`ws`]), authentication ([`auth`], [`oidc`]), the authorization matrix
//! ([`authz`]), per-caller rate limits ([`ratelimit`]), document limits ([`limits`]),
//! automatic persisted queries ([`apq`]), parsed documents kept by their text
//! ([`documents`]), the edge's own error responses ([`errors`]), the
//! spans of GraphQL operations ([`spans`]), the one schema extension that does the
//! gateway's work around each operation ([`operation`]) and the operational routes
//! ([`ops`]). It uses the
//! schema and the upstream floor, never the other way round.

pub mod apq;
pub mod auth;
pub mod authz;
pub mod documents;
pub mod errors;
pub mod exports;
pub mod http;
pub mod limits;
pub mod oidc;
pub mod operation;
pub mod ops;
pub mod ratelimit;
pub mod spans;
pub mod ws;

use std::sync::Arc;

use glocal_kit::config::GatewaySettings;

use crate::schema::{GatewaySchema, PartnerSchema};
use crate::upstream::clients::ReadRetry;
use crate::upstream::entity_cache::EntityCache;
use crate::upstream::{Services, changes};

/// What every HTTP handler shares.
pub struct AppState {
    /// The executable schema (with the service clients as schema data).
    pub schema: GatewaySchema,
    /// The partner graph's schema (`/subgraph`): public data only, no mutations.
    pub partner_schema: PartnerSchema,
    /// The service clients.
    pub services: Services,
    /// The entity cache over the shared cache (Redis or in-process), as `cache.*` configures
    /// it; the request loaders read local governments through it.
    pub entities: EntityCache,
    /// The gateway's settings.
    pub settings: GatewaySettings,
    /// Whether GraphiQL is served (`gateway.graphiql` in this environment).
    pub graphiql: bool,
    /// Automatic persisted queries (in `cache`).
    pub persisted_queries: apq::PersistedQueries,
    /// Parsed documents by their text (`gateway.document_cache_bytes`).
    pub documents: documents::DocumentCache,
    /// Whole answers of public reads (`gateway.response_cache_*`), invalidated by the
    /// change events.
    pub responses: Arc<crate::upstream::responses::ResponseCache>,
    /// How reads to the services are retried.
    pub read_retry: ReadRetry,
    /// Verifies bearer tokens (also those in a WebSocket's `connection_init`).
    pub authenticator: Arc<auth::Authenticator>,
    /// The change-event consumer (cache invalidation, subscriptions); stops when dropped.
    pub changes: changes::ConsumerHandle,
}
