//! What every request's DataLoaders share ([`LoaderBase`]): the service's client, the
//! request's caller, the deadline, the read-retry policy and the entity cache. The
//! per-service loader sets (events, research, training) each hold one, so their batched
//! reads retry and use the cache the same way. A request marked [`ReadThrough`] (a
//! mutation) reads every entity from its service.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use async_graphql::{Context, Result};
use glocal_kit::Caller;

use super::{Services, caller};
use crate::clients::ReadRetry;
use crate::entity_cache::{EntityCache, EntityKind, ReadThrough};

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
