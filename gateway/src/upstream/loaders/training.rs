//! DataLoaders over the training service's batched lookups: programmes
//! (`BatchGetProgrammes`, each with its editions) and editions (`BatchGetEditions`), so
//! `programme(id)`, `edition(id)` and Apollo Federation's `_entities` cost one call per kind
//! however many of them a request asks for. Public views go through the
//! [`crate::upstream::entity_cache::EntityCache`]
//! (only the misses reach the service); editions with their sessions (whose attendance
//! depends on the caller) never do. Every call is a read, retried on UNAVAILABLE by the
//! schema's [`crate::upstream::clients::ReadRetry`] (see [`LoaderBase`]).

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Result};
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
use tonic::transport::Channel;
use tracing::Instrument;

use crate::upstream::entity_cache::EntityKind;
use crate::upstream::error;
use crate::upstream::loaders::LoaderBase;

/// The training client with the request's caller, retry policy and entity cache.
type Remote = LoaderBase<TrainingServiceClient<Channel>>;

impl Remote {
    async fn programmes(&self, ids: Vec<String>) -> Result<HashMap<String, pb::Programme>> {
        let response = self
            .read(
                "BatchGetProgrammes",
                pb::BatchGetProgrammesRequest { ids },
                |mut client, request| async move { client.batch_get_programmes(request).await },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .programmes
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect())
    }

    async fn editions(
        &self,
        ids: Vec<String>,
        include_sessions: bool,
    ) -> Result<HashMap<String, pb::Edition>> {
        let message = pb::BatchGetEditionsRequest {
            ids,
            include_sessions,
        };
        let response = self
            .read(
                "BatchGetEditions",
                message,
                |mut client, request| async move { client.batch_get_editions(request).await },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .editions
            .into_iter()
            .map(|e| (e.id.clone(), e))
            .collect())
    }
}

/// Loads programmes (with the editions the caller may see) by id; ids the caller may not
/// see are absent.
pub struct ProgrammeLoader(Remote);

impl Loader<String> for ProgrammeLoader {
    type Value = pb::Programme;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Programme>> {
        // A change to one of its editions also drops the cached programme.
        let editions = |p: &pb::Programme| p.editions.iter().map(|e| e.id.clone()).collect();
        self.0
            .cached_with_parts(
                EntityKind::Programme,
                ids,
                |ids| self.0.programmes(ids),
                editions,
            )
            .await
    }
}

/// Loads editions by id, with their sessions or without; ids the caller may not see are
/// absent.
pub struct EditionLoader {
    remote: Remote,
    include_sessions: bool,
}

impl Loader<String> for EditionLoader {
    type Value = pb::Edition;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Edition>> {
        let fetch = |ids| self.remote.editions(ids, self.include_sessions);
        if self.include_sessions {
            // Sessions carry the caller's attendance: never from the shared cache.
            fetch(ids.to_vec()).await
        } else {
            self.remote.cached(EntityKind::Edition, ids, fetch).await
        }
    }
}

/// The training loaders of one request, as its caller.
pub struct TrainingLoaders {
    /// Programmes by id.
    pub programmes: DataLoader<ProgrammeLoader, HashMapCache>,
    /// Editions by id, without sessions (through the entity cache).
    pub editions: DataLoader<EditionLoader, HashMapCache>,
    /// Editions by id with their sessions and attendance (never cached).
    pub editions_with_sessions: DataLoader<EditionLoader, HashMapCache>,
}

impl TrainingLoaders {
    /// The request's shared set (see [`super::SharedLoaders`]), or a fresh one.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<TrainingLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.training, || TrainingLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<TrainingLoaders>> {
        let remote = Remote::of(ctx, |s| TrainingServiceClient::new(s.training.clone()))?;
        let spawn = |f: futures::future::BoxFuture<'static, ()>| tokio::spawn(f.in_current_span());
        let editions = |include_sessions| {
            DataLoader::with_cache(
                EditionLoader {
                    remote: remote.clone(),
                    include_sessions,
                },
                spawn,
                HashMapCache::default(),
            )
        };
        Ok(Arc::new(TrainingLoaders {
            editions: editions(false),
            editions_with_sessions: editions(true),
            programmes: DataLoader::with_cache(
                ProgrammeLoader(remote.clone()),
                spawn,
                HashMapCache::default(),
            ),
        }))
    }

    /// The edition of `id`, with its sessions when `include_sessions`.
    pub async fn edition(&self, id: String, include_sessions: bool) -> Result<Option<pb::Edition>> {
        if include_sessions {
            self.editions_with_sessions.load_one(id).await
        } else {
            self.editions.load_one(id).await
        }
    }
}
