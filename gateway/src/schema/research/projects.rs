//! Exchange projects (ADR 0046): international projects grown from an OPEN opportunity,
//! with the Korean local governments and partner organisations involved and their
//! interaction log; the query and mutation fields, types and inputs. Thin: the research
//! service (`ExchangeProjectService`) holds every rule. The one check here is the
//! cross-service link the gateway resolves: local-government codes against the directory
//! (BAD_USER_INPUT, `extensions.reason` `UNKNOWN_LOCAL_GOVERNMENT`) before the service
//! records them, as a contribution's practice ids are checked.

use async_graphql::ErrorExtensions;
use glocal_kit::i18n::Message;

use super::*;
use crate::upstream::ResearchProjects;
use crate::upstream::loaders::requests::Loaders;

gql_enum!(
    /// Where an exchange project stands: PROPOSAL → AGREED → RUNNING → CLOSED, or CANCELLED.
    ExchangeProjectStatus, pb::ExchangeProjectStatus {
        /// Drafted from an opportunity, under discussion (bureau staff and the local
        /// governments involved).
        Proposal,
        /// The parties agreed to do it.
        Agreed,
        /// Under way.
        Running,
        /// Done.
        Closed,
        /// Abandoned before it closed, with a reason (bureau staff and the local governments
        /// involved).
        Cancelled,
    }
);

/// The codes of `codes` the directory does not know, refused at `field` (with `[i]` when
/// `indexed`): BAD_USER_INPUT, `extensions.reason` `UNKNOWN_LOCAL_GOVERNMENT`. Nothing is
/// written when one is unknown.
pub(crate) async fn known_local_governments(
    ctx: &Context<'_>,
    codes: &[String],
    field: &str,
    indexed: bool,
) -> Result<()> {
    let asked: Vec<String> = codes
        .iter()
        .map(|c| c.trim().to_owned())
        .filter(|c| !c.is_empty())
        .collect();
    if asked.is_empty() || asked.len() > 50 {
        // Nothing to check, or too many: the service says so.
        return Ok(());
    }
    let found = Loaders::new(ctx)?
        .local_governments()
        .load_many(asked.iter().cloned())
        .await?;
    let unknown = codes
        .iter()
        .enumerate()
        .find(|(_, c)| !c.trim().is_empty() && !found.contains_key(c.trim()));
    match unknown {
        None => Ok(()),
        Some((i, code)) => {
            let said = Message::new("input-project-unknown-local-government").arg("code", code);
            let at = if indexed {
                format!("{field}[{i}]")
            } else {
                field.to_owned()
            };
            Err(error::bad_input_said(&said, &at)
                .extend_with(|_, ext| ext.set("reason", "UNKNOWN_LOCAL_GOVERNMENT")))
        }
    }
}

/// An exchange project.
pub struct ExchangeProject(
    pub(crate) pb::ExchangeProject,
    pub(crate) Arc<ResearchLoaders>,
);

/// An international project grown from an opportunity of the partner network, with the
/// Korean local governments and partner organisations involved. Everyone sees it once
/// AGREED; before, and once CANCELLED, bureau staff and the officials of the local
/// governments involved only.
#[Object]
impl ExchangeProject {
    /// Project id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Title in `lang`, falling back to the original language, Korean, then English.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.title.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// Description in `lang`, with the same fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        pick_original(
            self.0.description.as_ref(),
            language::effective(ctx, lang),
            &self.0.original_language,
        )
    }
    /// Status.
    async fn status(&self) -> Result<ExchangeProjectStatus> {
        ExchangeProjectStatus::from_proto(self.0.status)
    }
    /// The opportunity it grew from, as the caller may see it.
    async fn opportunity(&self) -> Result<Option<Opportunity>> {
        if self.0.opportunity_id.is_empty() {
            return Ok(None);
        }
        Ok(self
            .1
            .opportunities()
            .load_one(self.0.opportunity_id.clone())
            .await?
            .map(|o| Opportunity(o, self.1.clone())))
    }
    /// The opportunity's id.
    async fn opportunity_id(&self) -> ID {
        ID(self.0.opportunity_id.clone())
    }
    /// The Korean local governments involved.
    async fn local_governments(&self, ctx: &Context<'_>) -> Result<Vec<LocalGovernment>> {
        let codes = &self.0.local_government_codes;
        let found = Loaders::new(ctx)?
            .local_governments()
            .load_many(codes.iter().cloned())
            .await?;
        Ok(codes
            .iter()
            .filter_map(|c| found.get(c).cloned().map(LocalGovernment))
            .collect())
    }
    /// Their standard codes.
    async fn local_government_codes(&self) -> &[String] {
        &self.0.local_government_codes
    }
    /// The partner organisations involved, as the caller may see them.
    async fn partners(&self) -> Result<Vec<Organisation>> {
        let ids = &self.0.organisation_ids;
        let found = self
            .1
            .organisations()
            .load_many(ids.iter().cloned())
            .await?;
        Ok(ids
            .iter()
            .filter_map(|i| {
                found
                    .get(i)
                    .cloned()
                    .map(|o| Organisation(o, self.1.clone()))
            })
            .collect())
    }
    /// Their ids.
    async fn partner_organisation_ids(&self) -> Vec<ID> {
        self.0.organisation_ids.iter().cloned().map(ID).collect()
    }
    /// Why it was cancelled.
    #[graphql(inaccessible)]
    async fn cancel_reason(&self) -> Option<&str> {
        non_empty(&self.0.cancel_reason)
    }
    /// Created.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
    /// Agreed.
    async fn agreed_at(&self) -> Option<DateTime> {
        datetime(self.0.agreed_at.as_ref())
    }
    /// Started running.
    async fn started_at(&self) -> Option<DateTime> {
        datetime(self.0.started_at.as_ref())
    }
    /// Closed or cancelled.
    async fn ended_at(&self) -> Option<DateTime> {
        datetime(self.0.ended_at.as_ref())
    }
    /// Concurrency token.
    #[graphql(inaccessible)]
    async fn revision(&self) -> Result<i32> {
        int(self.0.revision, "revision")
    }
    /// Entries in its log.
    async fn interaction_count(&self) -> i32 {
        total(self.0.interaction_count)
    }
    /// Its log, most recent first: bureau staff and the officials of the local governments
    /// involved only (anyone else gets an error on this field alone).
    #[graphql(inaccessible)]
    async fn interactions(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<ExchangeProjectInteractionConnection>> {
        let r = match after.filter(|a| !a.is_empty()) {
            // The first page: one BatchListProjectInteractions for every project of the request.
            None => {
                self.1
                    .first_project_interactions(self.0.id.clone(), self::first(first)?)
                    .await?
            }
            Some(after) => {
                let message = pb::ListProjectInteractionsRequest {
                    project_id: self.0.id.clone(),
                    page: page(first, Some(after))?,
                };
                let r =
                    read(
                        ctx,
                        ResearchProjects,
                        "ListProjectInteractions",
                        message,
                        |mut client, request| async move {
                            client.list_project_interactions(request).await
                        },
                    )
                    .await?
                    .into_inner();
                pb::ProjectInteractionPage {
                    project_id: self.0.id.clone(),
                    interactions: r.interactions,
                    cursors: r.cursors,
                    page_info: r.page_info,
                    total_count: r.total_count,
                    error: None,
                }
            }
        };
        Ok(Some(ExchangeProjectInteractionConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .interactions
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| ExchangeProjectInteractionEdge {
                    cursor,
                    node: ExchangeProjectInteraction(node),
                })
                .collect(),
        }))
    }
}

/// An entry of an exchange project's log.
pub struct ExchangeProjectInteraction(pub(crate) pb::ProjectInteraction);

/// A meeting, visit or exchange of the parties of an exchange project.
#[Object]
impl ExchangeProjectInteraction {
    /// Entry id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Kind.
    async fn kind(&self) -> Result<InteractionKind> {
        InteractionKind::from_proto(self.0.kind)
    }
    /// When it happened.
    async fn occurred_on(&self) -> Option<Date> {
        Date::parse(&self.0.occurred_on)
    }
    /// What happened.
    async fn summary(&self) -> &str {
        &self.0.summary
    }
    /// Who recorded it.
    async fn recorded_by_name(&self) -> &str {
        &self.0.recorded_by_name
    }
    /// Recorded.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
}

/// One entry of a project's log in a page.
#[derive(SimpleObject)]
pub struct ExchangeProjectInteractionEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The entry.
    pub node: ExchangeProjectInteraction,
}

/// A page of a project's log, most recent first.
#[derive(SimpleObject)]
pub struct ExchangeProjectInteractionConnection {
    /// This page.
    pub edges: Vec<ExchangeProjectInteractionEdge>,
    /// Where it ends.
    pub page_info: PageInfo,
    /// Entries in all.
    pub total_count: i32,
}

/// One project in a page.
#[derive(SimpleObject)]
pub struct ExchangeProjectEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The project.
    pub node: ExchangeProject,
}

/// A page of exchange projects, newest first.
#[derive(SimpleObject)]
pub struct ExchangeProjectConnection {
    /// This page.
    pub edges: Vec<ExchangeProjectEdge>,
    /// Where it ends.
    pub page_info: PageInfo,
    /// Projects in all.
    pub total_count: i32,
}

/// Filters of the exchange-project list.
#[derive(InputObject, Default)]
pub struct ExchangeProjectFilter {
    /// Any of these statuses.
    pub statuses: Option<Vec<ExchangeProjectStatus>>,
    /// Involving this Korean local government.
    pub local_government_code: Option<String>,
    /// Grown from this opportunity.
    pub opportunity_id: Option<ID>,
}

/// Creates an exchange project from an OPEN opportunity (bureau staff).
#[derive(InputObject)]
pub struct CreateExchangeProjectInput {
    /// A retry with the same key returns the same project.
    pub idempotency_key: String,
    /// The OPEN opportunity it grows from.
    pub opportunity_id: ID,
    /// Title (required in the original language).
    pub title: LocalizedTextInput,
    /// Description.
    pub description: Option<LocalizedTextInput>,
    /// Language it was written in.
    pub original_language: Language,
    /// Standard codes of the Korean local governments involved (at least one).
    pub local_government_codes: Vec<String>,
    /// Partner organisations involved.
    pub organisation_ids: Option<Vec<ID>>,
}

/// Moves an exchange project through its lifecycle (bureau staff).
#[derive(InputObject)]
pub struct MoveExchangeProjectInput {
    /// Project id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// The status it moves to.
    pub status: ExchangeProjectStatus,
    /// Why (required to cancel).
    pub reason: Option<String>,
}

/// A local government or partner organisation joining or leaving a project (bureau staff):
/// exactly one of `localGovernmentCode` and `organisationId`.
#[derive(InputObject)]
pub struct ExchangeProjectParticipantInput {
    /// Project id.
    pub id: ID,
    /// The revision the caller saw.
    pub revision: i32,
    /// A Korean local government's standard code.
    pub local_government_code: Option<String>,
    /// A partner organisation.
    pub organisation_id: Option<ID>,
}

/// Logs an interaction on a project (bureau staff, or officials of a local government
/// involved).
#[derive(InputObject)]
pub struct RecordExchangeProjectInteractionInput {
    /// A retry with the same key returns the same entry.
    pub idempotency_key: String,
    /// Project id.
    pub project_id: ID,
    /// Kind.
    pub kind: InteractionKind,
    /// When it happened.
    pub occurred_on: Date,
    /// What happened.
    pub summary: String,
}

/// Exchange-project queries.
#[derive(Default)]
pub struct ExchangeProjectQuery;

/// Exchange-project mutations (POST only).
#[derive(Default)]
pub struct ExchangeProjectMutation;

#[Object]
impl ExchangeProjectQuery {
    /// Exchange projects the caller may see, newest first: bureau staff every one, officials
    /// also their local government's, everyone else the AGREED, RUNNING and CLOSED ones.
    async fn exchange_projects(
        &self,
        ctx: &Context<'_>,
        filter: Option<ExchangeProjectFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ExchangeProjectConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListExchangeProjectsRequest {
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(ExchangeProjectStatus::to_proto)
                .collect(),
            local_government_code: f.local_government_code.unwrap_or_default(),
            opportunity_id: f.opportunity_id.map(|i| i.0).unwrap_or_default(),
            page: page(first, after)?,
        };
        let r = read(
            ctx,
            ResearchProjects,
            "ListExchangeProjects",
            message,
            |mut client, request| async move { client.list_exchange_projects(request).await },
        )
        .await?
        .into_inner();
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(ExchangeProjectConnection {
            page_info: page_info(r.page_info, &r.cursors),
            total_count: total(r.total_count),
            edges: r
                .projects
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| ExchangeProjectEdge {
                    cursor,
                    node: ExchangeProject(node, loaders.clone()),
                })
                .collect(),
        })
    }

    /// One exchange project the caller may see (null otherwise).
    async fn exchange_project(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ExchangeProject>> {
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(loaders
            .projects()
            .load_one(id.0)
            .await?
            .map(|p| ExchangeProject(p, loaders.clone())))
    }
}

#[Object]
impl ExchangeProjectMutation {
    /// Creates an exchange project, in PROPOSAL, from an OPEN opportunity (bureau staff).
    /// Refused: an unknown opportunity (BAD_USER_INPUT, `UNKNOWN_OPPORTUNITY`), one that is
    /// not OPEN (CONFLICT, `OPPORTUNITY_NOT_OPEN`), an unknown organisation
    /// (`UNKNOWN_ORGANISATION`) or local government (`UNKNOWN_LOCAL_GOVERNMENT`).
    /// Idempotent per key.
    async fn create_exchange_project(
        &self,
        ctx: &Context<'_>,
        input: CreateExchangeProjectInput,
    ) -> Result<ExchangeProject> {
        known_local_governments(
            ctx,
            &input.local_government_codes,
            "localGovernmentCodes",
            true,
        )
        .await?;
        let message = pb::CreateExchangeProjectRequest {
            idempotency_key: input.idempotency_key,
            opportunity_id: input.opportunity_id.0,
            title: Some(input.title.into_proto()),
            description: text_in(input.description),
            original_language: lang_code(input.original_language).to_owned(),
            local_government_codes: input.local_government_codes,
            organisation_ids: input
                .organisation_ids
                .unwrap_or_default()
                .into_iter()
                .map(|i| i.0)
                .collect(),
        };
        let (mut client, request) = call(ctx, ResearchProjects, message)?;
        let p = client
            .create_exchange_project(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(ExchangeProject(p, ResearchLoaders::new(ctx)?))
    }

    /// Moves an exchange project through its lifecycle (bureau staff), quoting its revision:
    /// PROPOSAL → AGREED → RUNNING → CLOSED, or → CANCELLED with a reason. Another move is
    /// CONFLICT (`ILLEGAL_STATUS_MOVE`), a stale revision CONFLICT; neither changes anything.
    async fn move_exchange_project(
        &self,
        ctx: &Context<'_>,
        input: MoveExchangeProjectInput,
    ) -> Result<ExchangeProject> {
        let message = pb::MoveExchangeProjectRequest {
            id: input.id.0,
            revision: i64::from(input.revision),
            status: input.status.to_proto(),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, ResearchProjects, message)?;
        let p = client
            .move_exchange_project(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(ExchangeProject(p, ResearchLoaders::new(ctx)?))
    }

    /// Adds a local government or organisation to a project that is not CLOSED or CANCELLED
    /// (bureau staff). CONFLICT `ALREADY_A_PARTICIPANT` when it takes part already.
    async fn add_exchange_project_participant(
        &self,
        ctx: &Context<'_>,
        input: ExchangeProjectParticipantInput,
    ) -> Result<ExchangeProject> {
        if let Some(code) = &input.local_government_code {
            known_local_governments(
                ctx,
                std::slice::from_ref(code),
                "localGovernmentCode",
                false,
            )
            .await?;
        }
        change_participant(ctx, input, true).await
    }

    /// Removes a local government or organisation from a project (bureau staff). CONFLICT
    /// `NOT_A_PARTICIPANT`, or `LAST_LOCAL_GOVERNMENT` for its last local government.
    async fn remove_exchange_project_participant(
        &self,
        ctx: &Context<'_>,
        input: ExchangeProjectParticipantInput,
    ) -> Result<ExchangeProject> {
        change_participant(ctx, input, false).await
    }

    /// Logs a meeting, visit or exchange on a project (bureau staff, or officials of a local
    /// government involved); not on a CLOSED or CANCELLED one. Idempotent per key.
    async fn record_exchange_project_interaction(
        &self,
        ctx: &Context<'_>,
        input: RecordExchangeProjectInteractionInput,
    ) -> Result<ExchangeProjectInteraction> {
        let message = pb::RecordProjectInteractionRequest {
            idempotency_key: input.idempotency_key,
            project_id: input.project_id.0,
            kind: input.kind.to_proto(),
            occurred_on: input.occurred_on.to_string(),
            summary: input.summary,
        };
        let (mut client, request) = call(ctx, ResearchProjects, message)?;
        Ok(ExchangeProjectInteraction(
            client
                .record_project_interaction(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}

async fn change_participant(
    ctx: &Context<'_>,
    input: ExchangeProjectParticipantInput,
    add: bool,
) -> Result<ExchangeProject> {
    let message = pb::ChangeExchangeProjectParticipantRequest {
        id: input.id.0,
        revision: i64::from(input.revision),
        local_government_code: input.local_government_code.unwrap_or_default(),
        organisation_id: input.organisation_id.map(|i| i.0).unwrap_or_default(),
        add,
    };
    let (mut client, request) = call(ctx, ResearchProjects, message)?;
    let p = client
        .change_exchange_project_participant(request)
        .await
        .map_err(error::remote)?
        .into_inner();
    Ok(ExchangeProject(p, ResearchLoaders::new(ctx)?))
}
