//! DataLoaders over the training service's batched lookups: programmes
//! (`BatchGetProgrammes`, each with its editions), editions (`BatchGetEditions`) and
//! editions' itineraries (`ItineraryService.BatchGetItineraries`, never cached: who sees one
//! depends on the caller), so
//! `programme(id)`, `edition(id)` and Apollo Federation's `_entities` cost one call per kind
//! however many of them a request asks for. Public views go through the
//! [`crate::upstream::entity_cache::EntityCache`]
//! (only the misses reach the service); editions with their sessions (whose attendance
//! depends on the caller) never do. Every call is a read, retried on UNAVAILABLE by the
//! schema's [`crate::upstream::clients::ReadRetry`] (see [`LoaderBase`]).

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Result};
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::coaching_service_client::CoachingServiceClient;
use glocal_proto::training::v1::itinerary_service_client::ItineraryServiceClient;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
use tonic::transport::Channel;

use crate::upstream::entity_cache::EntityKind;
use crate::upstream::error;
use crate::upstream::loaders::{LoaderBase, spawn};

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

/// The coaching client (ADR 0050) with the request's caller and retry policy.
type CoachingRemote = LoaderBase<CoachingServiceClient<Channel>>;

/// Loads coaches by id (`BatchGetCoaches`); never cached, as the private note depends on
/// the caller.
pub struct CoachLoader(CoachingRemote);

impl Loader<String> for CoachLoader {
    type Value = pb::Coach;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Coach>> {
        let message = pb::BatchGetCoachesRequest { ids: ids.to_vec() };
        let response = self
            .0
            .read(
                "BatchGetCoaches",
                message,
                |mut client, request| async move { client.batch_get_coaches(request).await },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .coaches
            .into_iter()
            .map(|c| (c.id.clone(), c))
            .collect())
    }
}

/// Loads coaching engagements by id (`BatchGetCoachingEngagements`); ids the caller may not
/// see are absent. Never cached: who sees one depends on the caller.
pub struct EngagementLoader(CoachingRemote);

impl Loader<String> for EngagementLoader {
    type Value = pb::CoachingEngagement;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::CoachingEngagement>> {
        let message = pb::BatchGetCoachingEngagementsRequest { ids: ids.to_vec() };
        let response = self
            .0
            .read(
                "BatchGetCoachingEngagements",
                message,
                |mut client, request| async move {
                    client.batch_get_coaching_engagements(request).await
                },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .engagements
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

/// Loads editions' itineraries (visits and trip reports) by edition id, as the caller may
/// see them; one `BatchGetItineraries` per batch. Not cached beyond the request.
pub struct ItineraryLoader(LoaderBase<ItineraryServiceClient<Channel>>);

impl Loader<String> for ItineraryLoader {
    type Value = pb::Itinerary;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Itinerary>> {
        let message = pb::BatchGetItinerariesRequest {
            edition_ids: ids.to_vec(),
        };
        let response = self
            .0
            .read(
                "BatchGetItineraries",
                message,
                |mut client, request| async move { client.batch_get_itineraries(request).await },
            )
            .await
            .map_err(error::remote)?;
        Ok(response
            .into_inner()
            .itineraries
            .into_iter()
            .map(|i| (i.edition_id.clone(), i))
            .collect())
    }
}

/// The training loaders of one request, as its caller, each made on its first load.
pub struct TrainingLoaders {
    programmes: OnceLock<DataLoader<ProgrammeLoader, HashMapCache>>,
    editions: OnceLock<DataLoader<EditionLoader, HashMapCache>>,
    editions_with_sessions: OnceLock<DataLoader<EditionLoader, HashMapCache>>,
    coaches: OnceLock<DataLoader<CoachLoader, HashMapCache>>,
    engagements: OnceLock<DataLoader<EngagementLoader, HashMapCache>>,
    remote: Remote,
    coaching: CoachingRemote,
    itineraries: OnceLock<DataLoader<ItineraryLoader, HashMapCache>>,
    itinerary_remote: LoaderBase<ItineraryServiceClient<Channel>>,
}

impl TrainingLoaders {
    /// The request's shared set (see [`super::SharedLoaders`]), or a fresh one.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<TrainingLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.training, || TrainingLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<TrainingLoaders>> {
        Ok(Arc::new(TrainingLoaders {
            programmes: OnceLock::new(),
            editions: OnceLock::new(),
            editions_with_sessions: OnceLock::new(),
            coaches: OnceLock::new(),
            engagements: OnceLock::new(),
            remote: Remote::of(ctx, |s| TrainingServiceClient::new(s.training.clone()))?,
            coaching: CoachingRemote::of(ctx, |s| CoachingServiceClient::new(s.training.clone()))?,
            itineraries: OnceLock::new(),
            itinerary_remote: LoaderBase::of(ctx, |s| {
                ItineraryServiceClient::new(s.training.clone())
            })?,
        }))
    }

    /// Programmes by id.
    pub fn programmes(&self) -> &DataLoader<ProgrammeLoader, HashMapCache> {
        self.programmes.get_or_init(|| {
            DataLoader::with_cache(
                ProgrammeLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Coaches by id (ADR 0050).
    pub fn coaches(&self) -> &DataLoader<CoachLoader, HashMapCache> {
        self.coaches.get_or_init(|| {
            DataLoader::with_cache(
                CoachLoader(self.coaching.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Coaching engagements by id (ADR 0050).
    pub fn engagements(&self) -> &DataLoader<EngagementLoader, HashMapCache> {
        self.engagements.get_or_init(|| {
            DataLoader::with_cache(
                EngagementLoader(self.coaching.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Editions by id, without sessions (through the entity cache) or, with
    /// `include_sessions`, with their sessions and attendance (never cached).
    fn editions(&self, include_sessions: bool) -> &DataLoader<EditionLoader, HashMapCache> {
        let slot = if include_sessions {
            &self.editions_with_sessions
        } else {
            &self.editions
        };
        slot.get_or_init(|| {
            DataLoader::with_cache(
                EditionLoader {
                    remote: self.remote.clone(),
                    include_sessions,
                },
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Editions' itineraries by edition id.
    pub fn itineraries(&self) -> &DataLoader<ItineraryLoader, HashMapCache> {
        self.itineraries.get_or_init(|| {
            DataLoader::with_cache(
                ItineraryLoader(self.itinerary_remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// How many of its DataLoaders were made (each is on its first load).
    pub fn made(&self) -> usize {
        [
            self.programmes.get().is_some(),
            self.editions.get().is_some(),
            self.editions_with_sessions.get().is_some(),
            self.coaches.get().is_some(),
            self.engagements.get().is_some(),
            self.itineraries.get().is_some(),
        ]
        .into_iter()
        .filter(|made| *made)
        .count()
    }

    /// The edition of `id`, with its sessions when `include_sessions`.
    pub async fn edition(&self, id: String, include_sessions: bool) -> Result<Option<pb::Edition>> {
        self.editions(include_sessions).load_one(id).await
    }
}
