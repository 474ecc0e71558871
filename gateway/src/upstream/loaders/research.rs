//! DataLoaders over the research service's batched lookups: practices
//! (`BatchGetPractices`), organisations (`BatchGetOrganisations`), the area vocabulary
//! (`ListAreas`, once per batch), the first pages of relationships' interaction logs
//! (`BatchListInteractions`), opportunities (`BatchGetOpportunities`) and exchange projects
//! (`ExchangeProjectService.BatchGetExchangeProjects`); the last two, whose visibility
//! depends on the caller, are never cached beyond the request. The first three go through the [`crate::upstream::entity_cache::EntityCache`] for callers who
//! get the public view, so only the misses reach the service; logs, which depend on the
//! caller, never do. Every one retries on UNAVAILABLE by the schema's [`crate::upstream::clients::ReadRetry`].
//!
//! A resolver that returns many research objects takes the request's [`ResearchLoaders`]
//! (one set per query, see [`super::SharedLoaders`]) and hands it to every node, so the
//! nodes' references load in one call per kind. Other domains that
//! refer to practices or organisations by id (e.g. an event's related practices) do the same:
//! `ResearchLoaders::new(ctx)?` in the parent resolver, then `load_practices` on the children.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use async_graphql::{Context, Result};
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::exchange_project_service_client::ExchangeProjectServiceClient;
use glocal_proto::research::v1::research_service_client::ResearchServiceClient;

use tonic::transport::Channel;

use crate::upstream::entity_cache::EntityKind;
use crate::upstream::error;
use crate::upstream::loaders::{LoaderBase, spawn};

/// The research client with the request's caller, retry policy and entity cache (public
/// views only, see [`crate::upstream::entity_cache::EntityCache`]).
type Remote = LoaderBase<ResearchServiceClient<Channel>>;

/// The exchange-project client of the research service, likewise.
type ProjectsRemote = LoaderBase<ExchangeProjectServiceClient<Channel>>;

/// Loads opportunities by id; ids the caller may not see are absent. Not cached beyond the
/// request (a PROPOSED opportunity is its proposer's).
pub struct OpportunityLoader(Remote);

impl Loader<String> for OpportunityLoader {
    type Value = pb::Opportunity;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, pb::Opportunity>, async_graphql::Error> {
        let message = pb::BatchGetOpportunitiesRequest { ids: ids.to_vec() };
        let response = self
            .0
            .read(
                "BatchGetOpportunities",
                message,
                |mut client, request| async move { client.batch_get_opportunities(request).await },
            )
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(response
            .opportunities
            .into_iter()
            .map(|o| (o.id.clone(), o))
            .collect())
    }
}

/// Loads exchange projects by id; ids the caller may not see are absent. Not cached beyond
/// the request (officials of the local governments involved see more than the public).
pub struct ExchangeProjectLoader(ProjectsRemote);

impl Loader<String> for ExchangeProjectLoader {
    type Value = pb::ExchangeProject;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, pb::ExchangeProject>, async_graphql::Error> {
        let message = pb::BatchGetExchangeProjectsRequest { ids: ids.to_vec() };
        let response =
            self.0
                .read(
                    "BatchGetExchangeProjects",
                    message,
                    |mut client, request| async move {
                        client.batch_get_exchange_projects(request).await
                    },
                )
                .await
                .map_err(error::remote)?
                .into_inner();
        Ok(response
            .projects
            .into_iter()
            .map(|p| (p.id.clone(), p))
            .collect())
    }
}

/// Loads practices (current versions) by id; ids the caller may not see are absent.
pub struct PracticeLoader(Remote);

impl Loader<String> for PracticeLoader {
    type Value = pb::Practice;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, pb::Practice>, async_graphql::Error> {
        self.0
            .cached(EntityKind::Practice, ids, |ids| async move {
                let response =
                    self.0
                        .read(
                            "BatchGetPractices",
                            pb::BatchGetPracticesRequest { ids },
                            |mut client, request| async move {
                                client.batch_get_practices(request).await
                            },
                        )
                        .await
                        .map_err(error::remote)?
                        .into_inner();
                Ok(response
                    .practices
                    .into_iter()
                    .map(|p| (p.id.clone(), p))
                    .collect())
            })
            .await
    }
}

/// Loads organisations by id; ids the caller may not see are absent.
pub struct OrganisationLoader(Remote);

impl Loader<String> for OrganisationLoader {
    type Value = pb::Organisation;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        ids: &[String],
    ) -> Result<HashMap<String, pb::Organisation>, async_graphql::Error> {
        self.0
            .cached(EntityKind::Organisation, ids, |ids| async move {
                let response = self
                    .0
                    .read(
                        "BatchGetOrganisations",
                        pb::BatchGetOrganisationsRequest { ids },
                        |mut client, request| async move {
                            client.batch_get_organisations(request).await
                        },
                    )
                    .await
                    .map_err(error::remote)?
                    .into_inner();
                Ok(response
                    .organisations
                    .into_iter()
                    .map(|o| (o.id.clone(), o))
                    .collect())
            })
            .await
    }
}

/// Loads concepts of the area vocabulary by code (one `ListAreas` per batch).
pub struct AreaLoader(Remote);

impl Loader<String> for AreaLoader {
    type Value = pb::Area;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        codes: &[String],
    ) -> Result<HashMap<String, pb::Area>, async_graphql::Error> {
        self.0
            .cached(EntityKind::Area, codes, |codes| async move {
                let response = self
                    .0
                    .read(
                        "ListAreas",
                        pb::ListAreasRequest {},
                        |mut client, request| async move { client.list_areas(request).await },
                    )
                    .await
                    .map_err(error::remote)?
                    .into_inner();
                Ok(response
                    .areas
                    .into_iter()
                    .filter(|a| codes.contains(&a.code))
                    .map(|a| (a.code.clone(), a))
                    .collect())
            })
            .await
    }
}

/// Most relationships one `BatchListInteractions` call takes (the service's cap): a larger
/// DataLoader batch is split into several calls.
pub const MAX_LOG_BATCH: usize = 100;

/// The first page of `first` entries (0: the service's default) of a relationship's log (or,
/// for [`ProjectLogLoader`], of an exchange project's).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LogPageKey {
    /// The relationship (or exchange project).
    pub relationship_id: String,
    /// Page size, as `ListInteractions` takes it.
    pub first: u32,
}

/// Loads the first pages of relationships' logs (`BatchListInteractions`, one call per page
/// size in the batch). A page the caller may not read comes with the error `ListInteractions`
/// would have given ([`pb::PageError`]); never cached beyond the request.
pub struct InteractionPageLoader(Remote);

impl Loader<LogPageKey> for InteractionPageLoader {
    type Value = pb::InteractionPage;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[LogPageKey],
    ) -> Result<HashMap<LogPageKey, pb::InteractionPage>, async_graphql::Error> {
        let mut by_first: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for key in keys {
            by_first
                .entry(key.first)
                .or_default()
                .push(key.relationship_id.clone());
        }
        let calls = by_first
            .into_iter()
            .map(|(first, relationship_ids)| async move {
                let message = pb::BatchListInteractionsRequest {
                    relationship_ids,
                    first,
                };
                let response = self
                    .0
                    .read(
                        "BatchListInteractions",
                        message,
                        |mut client, request| async move {
                            client.batch_list_interactions(request).await
                        },
                    )
                    .await
                    .map_err(error::remote)?
                    .into_inner();
                Ok::<_, async_graphql::Error>(response.pages.into_iter().map(move |page| {
                    let key = LogPageKey {
                        relationship_id: page.relationship_id.clone(),
                        first,
                    };
                    (key, page)
                }))
            });
        Ok(futures::future::try_join_all(calls)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }
}

/// Loads the first pages of exchange projects' logs (`BatchListProjectInteractions`, one call
/// per page size in the batch), keyed like [`InteractionPageLoader`] by project id and page
/// size. A page the caller may not read comes with the error `ListProjectInteractions` would
/// have given; never cached beyond the request.
pub struct ProjectLogLoader(ProjectsRemote);

impl Loader<LogPageKey> for ProjectLogLoader {
    type Value = pb::ProjectInteractionPage;
    type Error = async_graphql::Error;

    async fn load(
        &self,
        keys: &[LogPageKey],
    ) -> Result<HashMap<LogPageKey, pb::ProjectInteractionPage>, async_graphql::Error> {
        let mut by_first: BTreeMap<u32, Vec<String>> = BTreeMap::new();
        for key in keys {
            by_first
                .entry(key.first)
                .or_default()
                .push(key.relationship_id.clone());
        }
        let calls = by_first.into_iter().map(|(first, project_ids)| async move {
            let message = pb::BatchListProjectInteractionsRequest { project_ids, first };
            let response = self
                .0
                .read(
                    "BatchListProjectInteractions",
                    message,
                    |mut client, request| async move {
                        client.batch_list_project_interactions(request).await
                    },
                )
                .await
                .map_err(error::remote)?
                .into_inner();
            Ok::<_, async_graphql::Error>(response.pages.into_iter().map(move |page| {
                let key = LogPageKey {
                    relationship_id: page.project_id.clone(),
                    first,
                };
                (key, page)
            }))
        });
        Ok(futures::future::try_join_all(calls)
            .await?
            .into_iter()
            .flatten()
            .collect())
    }
}

/// The research loaders of one request, as its caller, each made on its first load.
pub struct ResearchLoaders {
    practices: OnceLock<DataLoader<PracticeLoader, HashMapCache>>,
    organisations: OnceLock<DataLoader<OrganisationLoader, HashMapCache>>,
    areas: OnceLock<DataLoader<AreaLoader, HashMapCache>>,
    interactions: OnceLock<DataLoader<InteractionPageLoader, HashMapCache>>,
    opportunities: OnceLock<DataLoader<OpportunityLoader, HashMapCache>>,
    projects: OnceLock<DataLoader<ExchangeProjectLoader, HashMapCache>>,
    project_logs: OnceLock<DataLoader<ProjectLogLoader, HashMapCache>>,
    /// Practices a prefetch asked for that the caller may not see: not asked again.
    hidden_practices: Mutex<HashSet<String>>,
    remote: Remote,
    projects_remote: ProjectsRemote,
}

impl ResearchLoaders {
    /// Loaders that call the research service as the request's caller: the request's
    /// shared set (see [`super::SharedLoaders`]), or a fresh one.
    pub fn new(ctx: &Context<'_>) -> Result<Arc<ResearchLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.research, || ResearchLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<ResearchLoaders>> {
        Ok(Arc::new(ResearchLoaders {
            practices: OnceLock::new(),
            organisations: OnceLock::new(),
            areas: OnceLock::new(),
            interactions: OnceLock::new(),
            opportunities: OnceLock::new(),
            projects: OnceLock::new(),
            project_logs: OnceLock::new(),
            hidden_practices: Mutex::default(),
            remote: Remote::of(ctx, |s| ResearchServiceClient::new(s.research.clone()))?,
            projects_remote: ProjectsRemote::of(ctx, |s| {
                ExchangeProjectServiceClient::new(s.research.clone())
            })?,
        }))
    }

    /// Practices by id.
    pub fn practices(&self) -> &DataLoader<PracticeLoader, HashMapCache> {
        self.practices.get_or_init(|| {
            DataLoader::with_cache(
                PracticeLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Loads the practices of `ids` now, in one call, into the request's practice loader, so
    /// the nodes that show them find them there without a batch of their own (and without
    /// its wait): for a page whose children's practice ids are known before the children
    /// resolve. Best effort: when the call fails nothing is fed, and each node loads as
    /// before and reports its own error.
    pub async fn prefetch_practices(&self, mut ids: Vec<String>) {
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return;
        }
        let loader = self.practices();
        match loader.loader().load(&ids).await {
            Ok(found) => {
                self.hidden_practices
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .extend(ids.into_iter().filter(|id| !found.contains_key(id)));
                loader.feed_many(found).await;
            }
            Err(error) => {
                tracing::debug!(error = %error.message, "practices not prefetched; their nodes load them");
            }
        }
    }

    /// Organisations by id.
    pub fn organisations(&self) -> &DataLoader<OrganisationLoader, HashMapCache> {
        self.organisations.get_or_init(|| {
            DataLoader::with_cache(
                OrganisationLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Areas by code.
    pub fn areas(&self) -> &DataLoader<AreaLoader, HashMapCache> {
        self.areas.get_or_init(|| {
            DataLoader::with_cache(
                AreaLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// First pages of relationships' logs by relationship and page size.
    pub fn interactions(&self) -> &DataLoader<InteractionPageLoader, HashMapCache> {
        self.interactions.get_or_init(|| {
            DataLoader::with_cache(
                InteractionPageLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
            .max_batch_size(MAX_LOG_BATCH)
        })
    }

    /// Opportunities by id.
    pub fn opportunities(&self) -> &DataLoader<OpportunityLoader, HashMapCache> {
        self.opportunities.get_or_init(|| {
            DataLoader::with_cache(
                OpportunityLoader(self.remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// Exchange projects by id.
    pub fn projects(&self) -> &DataLoader<ExchangeProjectLoader, HashMapCache> {
        self.projects.get_or_init(|| {
            DataLoader::with_cache(
                ExchangeProjectLoader(self.projects_remote.clone()),
                spawn,
                HashMapCache::default(),
            )
        })
    }

    /// First pages of exchange projects' logs by project (in `relationship_id`) and page size.
    pub fn project_logs(&self) -> &DataLoader<ProjectLogLoader, HashMapCache> {
        self.project_logs.get_or_init(|| {
            DataLoader::with_cache(
                ProjectLogLoader(self.projects_remote.clone()),
                spawn,
                HashMapCache::default(),
            )
            .max_batch_size(MAX_LOG_BATCH)
        })
    }

    /// The first page of `first` entries of the project's log (batched with every other
    /// project's of the request), or the error `ListProjectInteractions` gives the caller.
    pub async fn first_project_interactions(
        &self,
        project_id: String,
        first: u32,
    ) -> Result<pb::ProjectInteractionPage> {
        let page = self
            .project_logs()
            .load_one(LogPageKey {
                relationship_id: project_id,
                first,
            })
            .await?
            .ok_or_else(|| error::internal("BatchListProjectInteractions left out a project"))?;
        match page.error {
            Some(e) => Err(error::reported(&e.code, e.message, &e.field)),
            None => Ok(page),
        }
    }

    /// How many of its DataLoaders were made (each is on its first load).
    pub fn made(&self) -> usize {
        [
            self.practices.get().is_some(),
            self.organisations.get().is_some(),
            self.areas.get().is_some(),
            self.interactions.get().is_some(),
            self.opportunities.get().is_some(),
            self.projects.get().is_some(),
            self.project_logs.get().is_some(),
        ]
        .into_iter()
        .filter(|made| *made)
        .count()
    }

    /// The first page of `first` entries of the relationship's log (batched with every other
    /// relationship's of the request), or the error `ListInteractions` gives the caller for it.
    pub async fn first_interactions(
        &self,
        relationship_id: String,
        first: u32,
    ) -> Result<pb::InteractionPage> {
        let page = self
            .interactions()
            .load_one(LogPageKey {
                relationship_id,
                first,
            })
            .await?
            .ok_or_else(|| error::internal("BatchListInteractions left out a relationship"))?;
        match page.error {
            Some(e) => Err(error::reported(&e.code, e.message, &e.field)),
            None => Ok(page),
        }
    }

    /// The practices of `ids` the caller may see, in the order asked.
    pub async fn load_practices(&self, ids: &[String]) -> Result<Vec<pb::Practice>> {
        let wanted: Vec<String> = {
            let hidden = self
                .hidden_practices
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            ids.iter()
                .filter(|id| !hidden.contains(*id))
                .cloned()
                .collect()
        };
        let found = self.practices().load_many(wanted).await?;
        Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
    }
}
