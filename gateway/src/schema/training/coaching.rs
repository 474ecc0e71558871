//! Coaching on international exchange (ADR 0050): coaches chosen from the partner network's
//! foreign advisors, and the engagements of basic local governments in editions of COACHING
//! programmes with their sessions and delivered plan; the query and mutation fields, types
//! and inputs. Thin: the training service (`CoachingService`) holds every rule. The checks
//! here are the cross-service facts the gateway resolves before anything is written: a
//! coach's organisation exists in the research service and is a FOREIGN_ADVISOR
//! (BAD_USER_INPUT, `extensions.reason` `UNKNOWN_ORGANISATION` / `NOT_A_FOREIGN_ADVISOR`),
//! its area codes are in the research vocabulary (`UNKNOWN_RESEARCH_AREA`), and a local
//! government is in the directory (`UNKNOWN_LOCAL_GOVERNMENT`), whose level is passed to the
//! service as a fact for its eligibility rule.

use async_graphql::ErrorExtensions;
use glocal_kit::i18n::Message;
use glocal_proto::research::v1 as research_pb;

use super::*;
use crate::schema::files::{AttachedFile, coaching_plan_files};
use crate::schema::research::{Organisation, ResearchArea, load_areas};
use crate::upstream::TrainingCoaching;
use crate::upstream::loaders::research::ResearchLoaders;

proto_enum!(
    /// Where a coaching engagement stands: PLANNED → IN_PROGRESS → PLAN_DELIVERED, or
    /// CANCELLED.
    CoachingStatus, pb::CoachingStatus, "COACHING_STATUS_" {
        /// Agreed with the local government; sessions may be scheduled, a coach chosen.
        Planned,
        /// Coaching under way (it has a coach).
        InProgress,
        /// The plan and its alternatives are delivered.
        PlanDelivered,
        /// Abandoned before the plan, with a reason.
        Cancelled,
    }
);

fn refused(said: &Message, field: &str, reason: &'static str) -> async_graphql::Error {
    error::bad_input_said(said, field).extend_with(|_, ext| ext.set("reason", reason))
}

/// A foreign advisor of the partner network registered as a coach.
pub struct Coach(pub(crate) pb::Coach);

/// A coach: an advisor organisation of the partner network (its name and languages), the
/// exchange areas it coaches in and, for bureau staff, the bureau's private note.
#[Object]
impl Coach {
    /// Coach id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The advisor organisation's id in the partner network.
    async fn organisation_id(&self) -> ID {
        ID(self.0.organisation_id.clone())
    }
    /// The advisor organisation, as the caller may see it.
    async fn organisation(&self, ctx: &Context<'_>) -> Result<Option<Organisation>> {
        let loaders = ResearchLoaders::new(ctx)?;
        Ok(loaders
            .organisations()
            .load_one(self.0.organisation_id.clone())
            .await?
            .map(|o| Organisation(o, loaders.clone())))
    }
    /// The languages it coaches in (its organisation's, ISO 639-1).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(ResearchLoaders::new(ctx)?
            .organisations()
            .load_one(self.0.organisation_id.clone())
            .await?
            .map(|o| o.languages)
            .unwrap_or_default())
    }
    /// Codes of the exchange areas it coaches in.
    async fn area_codes(&self) -> &[String] {
        &self.0.area_codes
    }
    /// The exchange areas it coaches in.
    async fn areas(&self, ctx: &Context<'_>) -> Result<Vec<ResearchArea>> {
        load_areas(&*ResearchLoaders::new(ctx)?, &self.0.area_codes).await
    }
    /// The bureau's private note (bureau staff only; null for anyone else).
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }
    /// Registered.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
}

/// One coaching session.
pub struct CoachingSession(pub(crate) pb::CoachingSession);

/// A session of a coaching engagement: when, where (or online) and what was worked on.
#[Object]
impl CoachingSession {
    /// Session id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// Starts.
    async fn starts_at(&self) -> Option<DateTime> {
        datetime(self.0.starts_at.as_ref())
    }
    /// Ends.
    async fn ends_at(&self) -> Option<DateTime> {
        datetime(self.0.ends_at.as_ref())
    }
    /// Where (null when online only).
    async fn place(&self) -> Option<&str> {
        non_empty(&self.0.place)
    }
    /// Held online.
    async fn online(&self) -> bool {
        self.0.online
    }
    /// What was worked on.
    async fn notes(&self) -> &str {
        &self.0.notes
    }
}

/// The plan delivered at the end of an engagement.
pub struct CoachingPlan(pub(crate) pb::CoachingPlan);

/// The plan: the recommended exchange area, method and content, and the alternatives.
#[Object]
impl CoachingPlan {
    /// The recommended exchange area.
    async fn area(&self) -> &str {
        &self.0.area
    }
    /// The recommended method.
    async fn method(&self) -> &str {
        &self.0.method
    }
    /// The recommended content.
    async fn content(&self) -> &str {
        &self.0.content
    }
    /// The alternatives, in the coach's order.
    async fn alternatives(&self) -> &[String] {
        &self.0.alternatives
    }
}

/// The coaching of one local government in one edition.
pub struct CoachingEngagement(pub(crate) pb::CoachingEngagement);

/// The coaching of a city, county or district in an edition of a COACHING programme: its
/// theme, coach, sessions and, once delivered, its plan. Bureau staff and the local
/// government's own officials see it.
#[Object]
impl CoachingEngagement {
    /// Engagement id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }
    /// The edition's id.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }
    /// The edition, as the caller may see it.
    async fn edition(&self, ctx: &Context<'_>) -> Result<Option<ProgrammeEdition>> {
        Ok(TrainingLoaders::new(ctx)?
            .edition(self.0.edition_id.clone(), false)
            .await?
            .map(ProgrammeEdition))
    }
    /// The local government's standard code.
    async fn local_government_code(&self) -> &str {
        &self.0.local_government_code
    }
    /// The local government coached.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.local_government_code).await
    }
    /// Its level when the engagement was created (CITY, COUNTY or DISTRICT).
    async fn local_government_level(&self) -> &str {
        &self.0.local_government_level
    }
    /// The chosen theme.
    async fn theme(&self) -> &str {
        &self.0.theme
    }
    /// The coach's id, once chosen.
    async fn coach_id(&self) -> Option<ID> {
        non_empty(&self.0.coach_id).map(|c| ID(c.to_owned()))
    }
    /// The coach, once chosen.
    async fn coach(&self, ctx: &Context<'_>) -> Result<Option<Coach>> {
        if self.0.coach_id.is_empty() {
            return Ok(None);
        }
        Ok(TrainingLoaders::new(ctx)?
            .coaches()
            .load_one(self.0.coach_id.clone())
            .await?
            .map(Coach))
    }
    /// Status.
    async fn status(&self) -> Result<CoachingStatus> {
        CoachingStatus::from_proto_or_internal(self.0.status)
    }
    /// The delivered plan (PLAN_DELIVERED only).
    async fn plan(&self) -> Option<CoachingPlan> {
        self.0.plan.clone().map(CoachingPlan)
    }
    /// The plan's documents (drafts while coaching runs, the delivered plan after), oldest
    /// first, each with a short-lived download link.
    async fn plan_documents(&self, ctx: &Context<'_>) -> Result<Vec<AttachedFile>> {
        coaching_plan_files(ctx, &self.0.id).await
    }
    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        non_empty(&self.0.cancel_reason)
    }
    /// Its sessions, by start.
    async fn sessions(&self) -> Vec<CoachingSession> {
        self.0
            .sessions
            .iter()
            .cloned()
            .map(CoachingSession)
            .collect()
    }
    /// Created.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.0.created_at.as_ref())
    }
    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.0.updated_at.as_ref())
    }
    /// The plan was delivered.
    async fn delivered_at(&self) -> Option<DateTime> {
        datetime(self.0.delivered_at.as_ref())
    }
    /// Concurrency token: quote it to change the engagement.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }
}

/// One engagement in a page.
#[derive(SimpleObject)]
pub struct CoachingEngagementEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The engagement.
    pub node: CoachingEngagement,
}

/// A page of coaching engagements, in creation order.
#[derive(SimpleObject)]
pub struct CoachingEngagementConnection {
    /// This page.
    pub edges: Vec<CoachingEngagementEdge>,
    /// Where it ends.
    pub page_info: PageInfo,
    /// Engagements in all.
    pub total_count: i32,
}

/// Filters of the engagement list.
#[derive(InputObject, Default)]
pub struct CoachingEngagementFilter {
    /// In this edition.
    pub edition_id: Option<ID>,
    /// Of this local government (an official sees their own whatever they ask).
    pub local_government_code: Option<String>,
    /// In any of these statuses.
    pub statuses: Option<Vec<CoachingStatus>>,
}

/// Registers a foreign advisor of the partner network as a coach (bureau staff).
#[derive(InputObject)]
pub struct RegisterCoachInput {
    /// The advisor organisation (kind FOREIGN_ADVISOR).
    pub organisation_id: ID,
    /// Codes of the exchange areas it coaches in (research area codes, 1 to 20).
    pub area_codes: Vec<String>,
    /// The bureau's private note (fees, availability): bureau staff only.
    pub note: Option<String>,
}

/// Creates the coaching engagement of a city, county or district (bureau staff managing the
/// edition).
#[derive(InputObject)]
pub struct CreateCoachingEngagementInput {
    /// An edition of a COACHING programme.
    pub edition_id: ID,
    /// The local government's standard code.
    pub local_government_code: String,
    /// The chosen theme.
    pub theme: String,
    /// The coach, when already chosen.
    pub coach_id: Option<ID>,
}

/// Chooses or changes the coach of an engagement.
#[derive(InputObject)]
pub struct AssignCoachInput {
    /// Engagement id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The coach.
    pub coach_id: ID,
}

/// Starts (IN_PROGRESS) or cancels (with a reason) an engagement.
#[derive(InputObject)]
pub struct MoveCoachingEngagementInput {
    /// Engagement id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// IN_PROGRESS or CANCELLED.
    pub status: CoachingStatus,
    /// Why (required to cancel).
    pub reason: Option<String>,
}

/// Adds a session to an engagement.
#[derive(InputObject)]
pub struct AddCoachingSessionInput {
    /// Engagement id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Starts.
    pub starts_at: DateTime,
    /// Ends.
    pub ends_at: DateTime,
    /// Where (required unless online).
    pub place: Option<String>,
    /// Held online.
    #[graphql(default)]
    pub online: bool,
    /// What was worked on.
    pub notes: Option<String>,
}

/// Delivers the plan of an engagement in progress.
#[derive(InputObject)]
pub struct DeliverCoachingPlanInput {
    /// Engagement id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The recommended exchange area.
    pub area: String,
    /// The recommended method.
    pub method: String,
    /// The recommended content.
    pub content: String,
    /// The alternatives (1 to 10).
    pub alternatives: Vec<String>,
}

/// Coaching queries.
#[derive(Default)]
pub struct CoachingQuery;

/// Coaching mutations (POST only).
#[derive(Default)]
pub struct CoachingMutation;

fn engagement_page(r: pb::ListCoachingEngagementsResponse) -> CoachingEngagementConnection {
    CoachingEngagementConnection {
        page_info: page_info(&r.cursors, r.page_info.as_ref()),
        total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        edges: r
            .engagements
            .into_iter()
            .zip(r.cursors)
            .map(|(node, cursor)| CoachingEngagementEdge {
                cursor,
                node: CoachingEngagement(node),
            })
            .collect(),
    }
}

#[Object]
impl CoachingQuery {
    /// Every registered coach, in registration order (bureau staff).
    #[graphql(inaccessible)]
    async fn coaches(&self, ctx: &Context<'_>) -> Result<Vec<Coach>> {
        let r = read(
            ctx,
            TrainingCoaching,
            "ListCoaches",
            pb::ListCoachesRequest {},
            |mut client, request| async move { client.list_coaches(request).await },
        )
        .await?
        .into_inner();
        Ok(r.coaches.into_iter().map(Coach).collect())
    }

    /// The coaching engagements the caller may see, in creation order: bureau staff every
    /// one, a local official their local government's.
    #[graphql(inaccessible)]
    async fn coaching_engagements(
        &self,
        ctx: &Context<'_>,
        filter: Option<CoachingEngagementFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<CoachingEngagementConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListCoachingEngagementsRequest {
            edition_id: f.edition_id.map(|i| i.0).unwrap_or_default(),
            local_government_code: f.local_government_code.unwrap_or_default(),
            statuses: f
                .statuses
                .unwrap_or_default()
                .into_iter()
                .map(ProtoEnum::to_proto)
                .collect(),
            page: Some(page_request(first, after)?),
        };
        let r = read(
            ctx,
            TrainingCoaching,
            "ListCoachingEngagements",
            message,
            |mut client, request| async move { client.list_coaching_engagements(request).await },
        )
        .await?
        .into_inner();
        Ok(engagement_page(r))
    }

    /// One coaching engagement the caller may see (null otherwise).
    #[graphql(inaccessible)]
    async fn coaching_engagement(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<CoachingEngagement>> {
        Ok(TrainingLoaders::new(ctx)?
            .engagements()
            .load_one(id.0)
            .await?
            .map(CoachingEngagement))
    }
}

#[Object]
impl CoachingMutation {
    /// Registers a foreign advisor of the partner network as a coach (bureau staff).
    /// Refused, nothing written: an organisation the network does not have (BAD_USER_INPUT,
    /// `UNKNOWN_ORGANISATION`), one that is not a FOREIGN_ADVISOR (`NOT_A_FOREIGN_ADVISOR`),
    /// an area code not in the vocabulary (`UNKNOWN_RESEARCH_AREA`); an advisor registered
    /// already is CONFLICT `COACH_EXISTS`.
    async fn register_coach(&self, ctx: &Context<'_>, input: RegisterCoachInput) -> Result<Coach> {
        let id = input.organisation_id.0.trim().to_owned();
        let loaders = ResearchLoaders::new(ctx)?;
        if !id.is_empty() {
            let found = loaders.organisations().load_one(id.clone()).await?;
            match found {
                None => {
                    let said = Message::new("input-project-unknown-organisation").arg("id", &id);
                    return Err(refused(&said, "organisationId", "UNKNOWN_ORGANISATION"));
                }
                Some(o) if o.kind != research_pb::OrganisationKind::ForeignAdvisor as i32 => {
                    let said = Message::new("input-coaching-not-an-advisor").arg("id", &id);
                    return Err(refused(&said, "organisationId", "NOT_A_FOREIGN_ADVISOR"));
                }
                Some(_) => {}
            }
        }
        let codes: Vec<String> = input
            .area_codes
            .iter()
            .map(|c| c.trim().to_owned())
            .collect();
        if !codes.is_empty() && codes.len() <= 20 {
            let found = load_areas(&loaders, &codes).await?;
            if let Some((i, code)) = codes
                .iter()
                .enumerate()
                .find(|(_, c)| !found.iter().any(|a| a.0.code == **c))
            {
                let said = Message::new("input-research-area-unknown").arg("code", code.as_str());
                return Err(refused(
                    &said,
                    &format!("areaCodes[{i}]"),
                    "UNKNOWN_RESEARCH_AREA",
                ));
            }
        }
        let message = pb::RegisterCoachRequest {
            organisation_id: id,
            area_codes: codes,
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(Coach(
            client
                .register_coach(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Creates the coaching engagement of a local government in an edition of a COACHING
    /// programme, PLANNED (bureau staff managing the edition). The gateway looks the local
    /// government up in the directory (unknown: BAD_USER_INPUT `UNKNOWN_LOCAL_GOVERNMENT`)
    /// and passes its level; the training service refuses an upper-tier one
    /// (`NOT_A_BASIC_LOCAL_GOVERNMENT`), another programme's edition
    /// (`NOT_A_COACHING_EDITION`), an unknown coach (`UNKNOWN_COACH`) and a second engagement
    /// of the local government in the edition (CONFLICT `COACHING_ENGAGEMENT_EXISTS`).
    async fn create_coaching_engagement(
        &self,
        ctx: &Context<'_>,
        input: CreateCoachingEngagementInput,
    ) -> Result<CoachingEngagement> {
        let code = input.local_government_code.trim().to_owned();
        let mut level = String::new();
        if !code.is_empty() {
            match load_local_government(ctx, &code).await? {
                Some(lg) => level = lg.0.level,
                None => {
                    let said =
                        Message::new("input-project-unknown-local-government").arg("code", &code);
                    return Err(refused(
                        &said,
                        "localGovernmentCode",
                        "UNKNOWN_LOCAL_GOVERNMENT",
                    ));
                }
            }
        }
        let message = pb::CreateCoachingEngagementRequest {
            edition_id: input.edition_id.0,
            local_government_code: code,
            local_government_level: level,
            theme: input.theme,
            coach_id: input.coach_id.map(|c| c.0).unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(CoachingEngagement(
            client
                .create_coaching_engagement(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Chooses or changes the coach of an engagement that is not finished (CONFLICT
    /// `COACHING_FINISHED` otherwise; `UNKNOWN_COACH` for an unknown one).
    async fn assign_coach(
        &self,
        ctx: &Context<'_>,
        input: AssignCoachInput,
    ) -> Result<CoachingEngagement> {
        let message = pb::AssignCoachRequest {
            id: input.id.0,
            version: i64::from(input.version),
            coach_id: input.coach_id.0,
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(CoachingEngagement(
            client
                .assign_coach(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Starts an engagement (IN_PROGRESS; CONFLICT `COACH_REQUIRED` without a coach) or
    /// cancels it with a reason. Another move is CONFLICT `ILLEGAL_COACHING_MOVE`; a stale
    /// version is CONFLICT; neither changes anything.
    async fn move_coaching_engagement(
        &self,
        ctx: &Context<'_>,
        input: MoveCoachingEngagementInput,
    ) -> Result<CoachingEngagement> {
        let message = pb::MoveCoachingEngagementRequest {
            id: input.id.0,
            version: i64::from(input.version),
            status: input.status.to_proto(),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(CoachingEngagement(
            client
                .move_coaching_engagement(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Adds a session (date and time, place or online, notes) to an engagement that is not
    /// finished.
    async fn add_coaching_session(
        &self,
        ctx: &Context<'_>,
        input: AddCoachingSessionInput,
    ) -> Result<CoachingEngagement> {
        let message = pb::AddCoachingSessionRequest {
            id: input.id.0,
            version: i64::from(input.version),
            starts_at: Some(timestamp(input.starts_at)),
            ends_at: Some(timestamp(input.ends_at)),
            place: input.place.unwrap_or_default(),
            online: input.online,
            notes: input.notes.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(CoachingEngagement(
            client
                .add_coaching_session(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Delivers the plan of an engagement IN_PROGRESS: the recommended exchange area, method
    /// and content, and the alternatives. It becomes PLAN_DELIVERED for good.
    async fn deliver_coaching_plan(
        &self,
        ctx: &Context<'_>,
        input: DeliverCoachingPlanInput,
    ) -> Result<CoachingEngagement> {
        let message = pb::DeliverCoachingPlanRequest {
            id: input.id.0,
            version: i64::from(input.version),
            plan: Some(pb::CoachingPlan {
                area: input.area,
                method: input.method,
                content: input.content,
                alternatives: input.alternatives,
            }),
        };
        let (mut client, request) = call(ctx, TrainingCoaching, message)?;
        Ok(CoachingEngagement(
            client
                .deliver_coaching_plan(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }
}
