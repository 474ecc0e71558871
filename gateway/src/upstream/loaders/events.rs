//! The events service's DataLoaders for one request: sessions and contributions by event,
//! events and series by id (through the entity cache, see [`LoaderBase`]), and the research
//! loaders the events' linked practices use. A page of events that came with its
//! contributions (`ListEvents` with `with_contributions`) primes them, so its events'
//! contributions cost no call of their own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Result};
use glocal_proto::events::v1 as pb;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use tonic::transport::Channel;

use super::research::ResearchLoaders;
use super::{LoaderBase, spawn};
use crate::upstream::entity_cache::EntityKind;
use crate::upstream::error;

/// The events loaders of one request (they carry its caller), each made on its first load.
pub struct EventLoaders {
    sessions: OnceLock<DataLoader<SessionLoader>>,
    contributions: OnceLock<DataLoader<ContributionLoader>>,
    /// Contributions that came with a page of events, by event id, each taken once.
    primed: Mutex<HashMap<String, Vec<pb::Contribution>>>,
    events: OnceLock<DataLoader<EventLoader>>,
    series: OnceLock<DataLoader<SeriesLoader>>,
    research: OnceLock<Arc<ResearchLoaders>>,
    base: Base,
}

impl EventLoaders {
    /// The request's shared loaders (see [`super::SharedLoaders`]), or a fresh set.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<EventLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.events, || EventLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<EventLoaders>> {
        Ok(Arc::new(EventLoaders {
            sessions: OnceLock::new(),
            contributions: OnceLock::new(),
            primed: Mutex::new(HashMap::new()),
            events: OnceLock::new(),
            series: OnceLock::new(),
            research: OnceLock::new(),
            base: Base::of(ctx, |s| EventsServiceClient::new(s.events.clone()))?,
        }))
    }

    /// An event's sessions by event id.
    pub fn sessions(&self) -> &DataLoader<SessionLoader> {
        self.sessions
            .get_or_init(|| DataLoader::new(SessionLoader(self.base.clone()), spawn))
    }

    /// An event's contributions by event id.
    pub fn contributions(&self) -> &DataLoader<ContributionLoader> {
        self.contributions
            .get_or_init(|| DataLoader::new(ContributionLoader(self.base.clone()), spawn))
    }

    /// The contributions the caller may see of the events `event_ids`, read with their page:
    /// every one of these events is primed, those without contributions with none.
    pub fn prime_contributions(
        &self,
        event_ids: impl IntoIterator<Item = String>,
        contributions: Vec<pb::Contribution>,
    ) {
        let mut by_event: HashMap<String, Vec<pb::Contribution>> =
            event_ids.into_iter().map(|id| (id, Vec::new())).collect();
        for c in contributions {
            if let Some(list) = by_event.get_mut(&c.event_id) {
                list.push(c);
            }
        }
        self.primed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend(by_event);
    }

    /// The contributions the caller may see of the event `event_id`: the primed ones (taken,
    /// so a second resolution of the same event loads them), else through the batched
    /// `ListContributions` loader.
    pub async fn contributions_of(&self, event_id: &str) -> Result<Vec<pb::Contribution>> {
        let primed = self
            .primed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .remove(event_id);
        match primed {
            Some(list) => Ok(list),
            None => Ok(self
                .contributions()
                .load_one(event_id.to_owned())
                .await?
                .unwrap_or_default()),
        }
    }

    /// Events by id.
    pub fn events(&self) -> &DataLoader<EventLoader> {
        self.events
            .get_or_init(|| DataLoader::new(EventLoader(self.base.clone()), spawn))
    }

    /// Series by id.
    pub fn series(&self) -> &DataLoader<SeriesLoader> {
        self.series
            .get_or_init(|| DataLoader::new(SeriesLoader(self.base.clone()), spawn))
    }

    /// The research loaders of the events' linked practices: the request's shared set, or
    /// (outside a query) one set for every node of this one, made on first use.
    pub fn research(&self, ctx: &Context<'_>) -> Result<Arc<ResearchLoaders>> {
        if let Some(loaders) = self.research.get() {
            return Ok(loaders.clone());
        }
        let made = ResearchLoaders::new(ctx)?;
        Ok(self.research.get_or_init(|| made).clone())
    }

    /// How many of its DataLoaders were made (each is on its first load).
    pub fn made(&self) -> usize {
        [
            self.sessions.get().is_some(),
            self.contributions.get().is_some(),
            self.events.get().is_some(),
            self.series.get().is_some(),
        ]
        .into_iter()
        .filter(|made| *made)
        .count()
    }

    /// One event with its timetable (`GetEvent`, NOT_FOUND when the caller may not see
    /// it), through the entity cache like every by-id read.
    pub async fn event(&self, id: &str) -> Result<pb::Event> {
        self.base
            .cached_one(EntityKind::Event, id, || async {
                let message = pb::GetEventRequest { id: id.to_owned() };
                Ok(self
                    .base
                    .read("GetEvent", message, |mut client, request| async move {
                        client.get_event(request).await
                    })
                    .await
                    .map_err(error::remote)?
                    .into_inner())
            })
            .await
    }
}

/// The events client with the request's caller, retry policy and entity cache (public
/// events and series by id, see [`EntityCache`]).
type Base = LoaderBase<EventsServiceClient<Channel>>;

/// An event's sessions by event id (`ListSessions` for the whole batch).
pub struct SessionLoader(Base);

impl Loader<String> for SessionLoader {
    type Value = Vec<pb::Session>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, Vec<pb::Session>>> {
        let message = pb::ListSessionsRequest {
            event_ids: ids.to_vec(),
        };
        let response = self
            .0
            .read("ListSessions", message, |mut client, request| async move {
                client.list_sessions(request).await
            })
            .await
            .map_err(error::remote)?;
        let mut out: HashMap<String, Vec<pb::Session>> = HashMap::new();
        for s in response.into_inner().sessions {
            out.entry(s.event_id.clone()).or_default().push(s);
        }
        Ok(out)
    }
}

/// An event's contributions visible to the caller, by event id (`ListContributions`).
pub struct ContributionLoader(Base);

impl Loader<String> for ContributionLoader {
    type Value = Vec<pb::Contribution>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, Vec<pb::Contribution>>> {
        let message = pb::ListContributionsRequest {
            event_ids: ids.to_vec(),
            mine: false,
        };
        let response = self
            .0
            .read(
                "ListContributions",
                message,
                |mut client, request| async move { client.list_contributions(request).await },
            )
            .await
            .map_err(error::remote)?;
        let mut out: HashMap<String, Vec<pb::Contribution>> = HashMap::new();
        for c in response.into_inner().contributions {
            out.entry(c.event_id.clone()).or_default().push(c);
        }
        Ok(out)
    }
}

/// Events by id (`BatchGetEvents`).
pub struct EventLoader(Base);

impl Loader<String> for EventLoader {
    type Value = pb::Event;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Event>> {
        self.0
            .cached(EntityKind::Event, ids, |ids| async move {
                let message = pb::BatchGetEventsRequest { ids };
                let response = self
                    .0
                    .read(
                        "BatchGetEvents",
                        message,
                        |mut client, request| async move { client.batch_get_events(request).await },
                    )
                    .await
                    .map_err(error::remote)?;
                Ok(response
                    .into_inner()
                    .events
                    .into_iter()
                    .map(|e| (e.id.clone(), e))
                    .collect())
            })
            .await
    }
}

/// Series by id (`ListSeries`: the list is short and public).
pub struct SeriesLoader(Base);

impl Loader<String> for SeriesLoader {
    type Value = pb::Series;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Series>> {
        self.0
            .cached(EntityKind::Series, ids, |ids| async move {
                let message = pb::ListSeriesRequest {};
                let response = self
                    .0
                    .read("ListSeries", message, |mut client, request| async move {
                        client.list_series(request).await
                    })
                    .await
                    .map_err(error::remote)?;
                Ok(response
                    .into_inner()
                    .series
                    .into_iter()
                    .filter(|s| ids.contains(&s.id))
                    .map(|s| (s.id.clone(), s))
                    .collect())
            })
            .await
    }
}
