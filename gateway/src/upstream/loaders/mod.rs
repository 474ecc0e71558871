//! Every DataLoader of the gateway, one module per service (`requests`, `events`,
//! `research`, `training`) and one for the files attached to them (`files`), and what
//! they share ([`LoaderBase`]): the service's client, the request's caller, the deadline,
//! the read-retry policy and the entity cache.
//!
//! Every by-id lookup goes through a [`LoaderBase`], and [`LoaderBase::of`] is the one
//! place that decides whether a request may read the entity cache: a request marked
//! [`ReadThrough`] (a mutation, anything over WebSocket) reads every entity from its
//! service.
//!
//! Nothing is built before it is used: a request's [`SharedLoaders`] is a row of empty
//! slots, a service's set of loaders is made when a resolver first asks for it, and each
//! DataLoader of a set when it first loads. `{ __typename }` makes none.

pub mod events;
pub mod files;
pub mod requests;
pub mod research;
pub mod training;

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_graphql::{Context, Result};
use futures::future::BoxFuture;
use glocal_kit::Caller;
use tracing::Instrument;

use super::clients::ReadRetry;
use super::entity_cache::{EntityCache, EntityKind, ReadThrough};
use super::{Services, caller};

/// A service client `C` with what its loaders' calls need.
#[derive(Clone)]
pub(crate) struct LoaderBase<C> {
    client: C,
    caller: Option<Caller>,
    timeout: Duration,
    retry: ReadRetry,
    entities: Option<EntityCache>,
}

impl<C: Clone> LoaderBase<C> {
    /// The base for the request of `ctx`, with the client `client` makes.
    pub(crate) fn of(
        ctx: &Context<'_>,
        client: impl FnOnce(&Services) -> C,
    ) -> Result<LoaderBase<C>> {
        let services = ctx.data::<Services>()?;
        Ok(LoaderBase {
            client: client(services),
            caller: caller(ctx).cloned(),
            timeout: services.timeout,
            retry: ctx
                .data_opt::<ReadRetry>()
                .copied()
                .unwrap_or(ReadRetry::NONE),
            entities: ctx
                .data_opt::<ReadThrough>()
                .is_none()
                .then(|| ctx.data_opt::<EntityCache>().cloned())
                .flatten(),
        })
    }

    /// Calls the read `method` as the request's caller: a fresh request (deadline, trace
    /// context) per attempt, retried on UNAVAILABLE.
    pub(crate) async fn read<M, R, F, Fut>(
        &self,
        method: &'static str,
        message: M,
        call: F,
    ) -> Result<tonic::Response<R>, tonic::Status>
    where
        M: Clone,
        F: FnMut(C, tonic::Request<M>) -> Fut,
        Fut: Future<Output = Result<tonic::Response<R>, tonic::Status>>,
    {
        self.retry
            .read(
                method,
                &self.client,
                message,
                self.caller.as_ref(),
                self.timeout,
                call,
            )
            .await
    }

    /// The entities of `ids` through the entity cache (when there is one), `fetch`
    /// answering the misses.
    pub(crate) async fn cached<T, F, Fut>(
        &self,
        kind: EntityKind,
        ids: &[String],
        fetch: F,
    ) -> Result<HashMap<String, T>>
    where
        T: prost::Message + Default,
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = Result<HashMap<String, T>>>,
    {
        self.cached_with_parts(kind, ids, fetch, |_| Vec::new())
            .await
    }

    /// The entity `id` through the entity cache (when there is one), `fetch` answering a
    /// miss (a by-id read that is not batched, e.g. `GetEvent`).
    pub(crate) async fn cached_one<T, F, Fut>(
        &self,
        kind: EntityKind,
        id: &str,
        fetch: F,
    ) -> Result<T>
    where
        T: prost::Message + Default,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        match &self.entities {
            Some(entities) => entities.one(kind, self.caller.as_ref(), id, fetch).await,
            None => fetch().await,
        }
    }

    /// Like [`LoaderBase::cached`], for an entity that embeds others (`parts` names them;
    /// see [`EntityCache::batch_with_parts`]).
    pub(crate) async fn cached_with_parts<T, F, Fut, P>(
        &self,
        kind: EntityKind,
        ids: &[String],
        fetch: F,
        parts: P,
    ) -> Result<HashMap<String, T>>
    where
        T: prost::Message + Default,
        F: FnOnce(Vec<String>) -> Fut,
        Fut: Future<Output = Result<HashMap<String, T>>>,
        P: Fn(&T) -> Vec<String>,
    {
        match &self.entities {
            Some(entities) => {
                entities
                    .batch_with_parts(kind, self.caller.as_ref(), ids, fetch, parts)
                    .await
            }
            None => fetch(ids.to_vec()).await,
        }
    }
}

/// How every DataLoader runs a batch: as a task of its own, in the span of the load that
/// started it (the operation's), so its gRPC calls join the operation's trace.
pub(crate) fn spawn(batch: BoxFuture<'static, ()>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(batch.in_current_span())
}

/// DataLoaders shared by every root field of one query (request data, set by
/// the HTTP endpoint for queries only: each mutation's fields read fresh state). Without it,
/// each root field makes its own. Empty until a resolver asks for a service's set.
#[derive(Default)]
pub struct SharedLoaders {
    pub(crate) requests: OnceLock<Arc<requests::Loaders>>,
    pub(crate) events: OnceLock<Arc<events::EventLoaders>>,
    pub(crate) research: OnceLock<Arc<research::ResearchLoaders>>,
    pub(crate) training: OnceLock<Arc<training::TrainingLoaders>>,
    pub(crate) files: OnceLock<Arc<files::FileLoaders>>,
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

#[cfg(test)]
mod tests {
    use async_graphql::{EmptySubscription, Object, Schema};

    use super::*;

    /// Which of the request's shared sets exist: requests, events, research, training, files.
    fn slots(ctx: &Context<'_>) -> Vec<bool> {
        let shared = ctx.data_unchecked::<SharedLoaders>();
        vec![
            shared.requests.get().is_some(),
            shared.events.get().is_some(),
            shared.research.get().is_some(),
            shared.training.get().is_some(),
            shared.files.get().is_some(),
        ]
    }

    struct Probe;

    #[Object]
    impl Probe {
        /// The shared sets made so far.
        async fn slots(&self, ctx: &Context<'_>) -> Vec<bool> {
            slots(ctx)
        }

        /// Takes the events and research sets; with `load`, loads one practice (the
        /// service is unreachable: the load fails, its DataLoader is made all the same).
        /// Answers how many DataLoaders each set made.
        async fn take(&self, ctx: &Context<'_>, load: bool) -> Result<Vec<usize>> {
            let events = events::EventLoaders::new(ctx)?;
            let research = events.research(ctx)?;
            if load {
                let _ = research.practices().load_one("p".to_owned()).await;
            }
            Ok(vec![
                requests::Loaders::new(ctx)?.made(),
                events.made(),
                research.made(),
            ])
        }
    }

    fn schema() -> Schema<Probe, Probe, EmptySubscription> {
        let settings = glocal_kit::config::GatewaySettings {
            requests_url: "http://127.0.0.1:1".into(),
            training_url: "http://127.0.0.1:1".into(),
            events_url: "http://127.0.0.1:1".into(),
            research_url: "http://127.0.0.1:1".into(),
            notifier_url: "http://127.0.0.1:1".into(),
            ..Default::default()
        };
        Schema::build(Probe, Probe, EmptySubscription)
            .data(Services::connect(&settings).expect("lazy channels"))
            .finish()
    }

    async fn run(query: &str) -> serde_json::Value {
        let request = async_graphql::Request::new(query).data(SharedLoaders::default());
        let response = schema().execute(request).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        response.data.into_json().unwrap()
    }

    #[tokio::test]
    async fn nothing_is_made_before_it_is_used() {
        // `{ __typename }` makes no set at all.
        let data = run("{ __typename slots }").await;
        assert_eq!(
            data["slots"],
            serde_json::json!([false, false, false, false, false])
        );

        // A set is made when a resolver asks for it, its DataLoaders when they load.
        let data = run("mutation { idle: take(load: false) slots }").await;
        assert_eq!(data["idle"], serde_json::json!([0, 0, 0]));
        assert_eq!(
            data["slots"],
            serde_json::json!([true, true, true, false, false])
        );
        let data = run("mutation { loaded: take(load: true) again: take(load: true) }").await;
        assert_eq!(data["loaded"], serde_json::json!([0, 0, 1]));
        assert_eq!(
            data["again"],
            serde_json::json!([0, 0, 1]),
            "one set per request"
        );
    }
}
