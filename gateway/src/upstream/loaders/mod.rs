//! Every DataLoader of the gateway, one module per service (`requests`, `events`,
//! `research`, `training`) and one for the files attached to them (`files`), and what
//! they share ([`LoaderBase`]): the service's client, the request's caller, the deadline,
//! the read-retry policy and the entity cache.
//!
//! Every by-id lookup goes through a [`LoaderBase`], and [`LoaderBase::of`] is the one
//! place that decides whether a request may read the entity cache: a request marked
//! [`ReadThrough`] (a mutation, anything over WebSocket) reads every entity from its
//! service.

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
use glocal_kit::Caller;

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

/// DataLoaders shared by every root field of one query (request data, set by
/// the HTTP endpoint for queries only: each mutation's fields read fresh state). Without it,
/// each root field makes its own.
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
