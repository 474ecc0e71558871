//! The public GraphQL schema: one module per domain merged into the query and mutation
//! roots, plus what every resolver needs to call a service (the clients in schema data,
//! the caller and the loaders in request data). Every read goes through [`read`], which
//! retries UNAVAILABLE by the schema's read-retry policy; writes are made once.
//!
//! Resolvers are thin: input → proto, one call, proto → GraphQL type. Business rules
//! (validation, scoping, transitions) live in the services.
//!
//! The schema is also an Apollo Federation v2 subgraph (see [`crate::federation`]): the
//! mutation root and the private query fields are `@inaccessible`, so a partner's supergraph
//! only exposes public data.

pub mod directory;
pub mod events;
pub mod events_ics;
pub mod language;
pub(crate) mod loader_base;
pub mod me;
pub mod requests;
pub mod research;
pub mod research_feed;
pub mod research_loaders;
pub mod scalars;
pub mod subscriptions;
pub mod training;
pub mod training_loaders;

use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_graphql::{Context, MergedObject, Schema, SchemaBuilder};
use chrono::{DateTime, Utc};
use glocal_kit::Caller;
use glocal_proto::requests::v1::requests_service_client::RequestsServiceClient;
use tonic::transport::Channel;

use crate::auth::Identity;
use crate::clients::ReadRetry;

/// The gateway's schema type.
pub type GatewaySchema = Schema<Query, Mutation, subscriptions::Subscription>;

/// The query root.
#[derive(MergedObject, Default)]
pub struct Query(
    requests::RequestsQuery,
    directory::DirectoryQuery,
    me::MeQuery,
    events::EventsQuery,
    research::ResearchQuery,
    training::TrainingQuery,
    crate::federation::EntitiesQuery,
);

/// The mutation root (POST only). Not part of the partners' federated graph.
#[derive(MergedObject, Default)]
#[graphql(inaccessible)]
pub struct Mutation(
    requests::RequestsMutation,
    directory::DirectoryMutation,
    events::EventsMutation,
    research::ResearchMutation,
    training::TrainingMutation,
);

/// A schema builder with every type registered and no data attached, serving Apollo
/// Federation's `_service` and `_entities`.
pub fn builder() -> SchemaBuilder<Query, Mutation, subscriptions::Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscriptions::Subscription,
    )
    .enable_federation()
}

/// DataLoaders shared by every root field of one query (request data, set by
/// [`crate::http`] for queries only: each mutation's fields read fresh state). Without it,
/// each root field makes its own.
#[derive(Default)]
pub struct SharedLoaders {
    pub(crate) events: OnceLock<Arc<events::EventLoaders>>,
    pub(crate) research: OnceLock<Arc<research_loaders::ResearchLoaders>>,
    pub(crate) training: OnceLock<Arc<training_loaders::TrainingLoaders>>,
}

impl SharedLoaders {
    /// The loaders in `slot` of the request's shared set, made by `make` on first use; a
    /// fresh set from `make` when the request shares none.
    pub(crate) fn get_or_make<T>(
        ctx: &Context<'_>,
        slot: impl FnOnce(&SharedLoaders) -> &OnceLock<Arc<T>>,
        make: impl FnOnce() -> async_graphql::Result<Arc<T>>,
    ) -> async_graphql::Result<Arc<T>> {
        let Some(shared) = ctx.data_opt::<SharedLoaders>() else {
            return make();
        };
        let slot = slot(shared);
        if let Some(loaders) = slot.get() {
            return Ok(loaders.clone());
        }
        let made = make()?;
        Ok(slot.get_or_init(|| made).clone())
    }
}

/// The service clients, shared by every request (schema data). Channels connect lazily
/// and are reused; typed clients over them are cheap to make per call.
#[derive(Clone, Debug)]
pub struct Services {
    /// The requests service (Online Bureau and directory).
    pub requests: RequestsServiceClient<Channel>,
    /// Channel to the requests service (its health).
    pub requests_channel: Channel,
    /// Channel to the training service.
    pub training: Channel,
    /// Channel to the events service.
    pub events: Channel,
    /// Channel to the research service.
    pub research: Channel,
    /// Deadline of each call.
    pub timeout: Duration,
}

impl Services {
    /// Lazily connecting channels to every service of `settings`, each balanced over the
    /// addresses of its name for `dns+http://` URLs or `client_lb` (see
    /// [`crate::clients::channel`]; needs a tokio runtime then).
    pub fn connect(
        settings: &glocal_kit::config::GatewaySettings,
    ) -> Result<Services, glocal_kit::grpc::GrpcError> {
        let timeout = Duration::from_millis(settings.grpc_timeout_ms);
        let channel = |url: &str| crate::clients::channel(url, settings);
        let requests_channel = channel(&settings.requests_url)?;
        Ok(Services {
            requests: RequestsServiceClient::new(requests_channel.clone()),
            requests_channel,
            training: channel(&settings.training_url)?,
            events: channel(&settings.events_url)?,
            research: channel(&settings.research_url)?,
            timeout,
        })
    }

    /// (name, gRPC service name, channel) of every service, for readiness.
    pub fn health_targets(&self) -> [(&'static str, &'static str, Channel); 4] {
        [
            (
                "requests",
                "glocal.requests.v1.RequestsService",
                self.requests_channel.clone(),
            ),
            (
                "training",
                "glocal.training.v1.TrainingService",
                self.training.clone(),
            ),
            (
                "events",
                "glocal.events.v1.EventsService",
                self.events.clone(),
            ),
            (
                "research",
                "glocal.research.v1.ResearchService",
                self.research.clone(),
            ),
        ]
    }
}

/// The caller of the current request, if authenticated.
pub(crate) fn caller<'a>(ctx: &'a Context<'_>) -> Option<&'a Caller> {
    ctx.data_opt::<Identity>().and_then(|i| i.0.as_ref())
}

/// A requests-service client and `message` wrapped with the caller, trace context and deadline.
pub(crate) fn requests_call<T>(
    ctx: &Context<'_>,
    message: T,
) -> async_graphql::Result<(RequestsServiceClient<Channel>, tonic::Request<T>)> {
    let services = ctx.data::<Services>()?;
    let request = glocal_kit::grpc::request(message, caller(ctx), services.timeout);
    Ok((services.requests.clone(), request))
}

/// Calls the read `method` (its gRPC name, e.g. `GetRequest`) of the client that `client`
/// picks from the schema's [`Services`]: each attempt sends `message` in a fresh request
/// (caller, trace context, deadline) and UNAVAILABLE is retried by the schema's
/// [`ReadRetry`] (none when the schema has no policy). See [`ReadRetry::read`].
pub(crate) async fn read<C, M, R, F, Fut>(
    ctx: &Context<'_>,
    method: &'static str,
    client: impl FnOnce(&Services) -> C,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    C: Clone,
    M: Clone,
    F: FnMut(C, tonic::Request<M>) -> Fut,
    Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    let Some(services) = ctx.data_opt::<Services>() else {
        return Err(tonic::Status::internal("the schema has no service clients"));
    };
    let retry = ctx
        .data_opt::<ReadRetry>()
        .copied()
        .unwrap_or(ReadRetry::NONE);
    retry
        .read(
            method,
            &client(services),
            message,
            caller(ctx),
            services.timeout,
            call,
        )
        .await
}

/// [`read`] from the requests service.
pub(crate) async fn requests_read<M, R, F, Fut>(
    ctx: &Context<'_>,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    M: Clone,
    F: FnMut(RequestsServiceClient<Channel>, tonic::Request<M>) -> Fut,
    Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    read(ctx, method, |s| s.requests.clone(), message, call).await
}

/// A protobuf timestamp as a UTC date-time (`None` when absent or out of range).
pub(crate) fn datetime(ts: Option<&prost_types::Timestamp>) -> Option<DateTime<Utc>> {
    let ts = ts?;
    DateTime::from_timestamp(ts.seconds, u32::try_from(ts.nanos).ok()?)
}

/// A UTC date-time as a protobuf timestamp.
pub(crate) fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: i32::try_from(at.timestamp_subsec_nanos()).unwrap_or(0),
    }
}

/// `None` for the empty string (proto3's "unset").
pub(crate) fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_round_trip() {
        let at = DateTime::from_timestamp(1_790_000_000, 123_000_000).unwrap();
        assert_eq!(datetime(Some(&timestamp(at))), Some(at));
        assert_eq!(datetime(None), None);
    }

    #[test]
    fn sdl_has_the_root_fields_and_docs() {
        let sdl = builder().finish().sdl();
        for name in [
            "serviceRequest(",
            "serviceRequests(",
            "submitServiceRequest(",
            "departments:",
            "me: Me",
            "@oneOf",
        ] {
            assert!(sdl.contains(name), "SDL lacks {name}");
        }
    }
}
