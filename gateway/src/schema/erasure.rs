//! A person's own data and its erasure (ADR 0040): `myPersonalData` gathers every record
//! the bureau holds about the caller (their contact, notices, the requests they submitted,
//! their applications, registrations and contributions, their erasure requests), each
//! fetched only when asked for, from the service that owns it, scoped to the caller; a
//! person asks for erasure (`requestPersonalDataErasure`) and a bureau administrator
//! decides (`personalDataErasureRequests`, `decidePersonalDataErasure`). The notifier keeps
//! the requests and announces an approved one; the resolvers convert.

use async_graphql::{Context, Enum, ID, Object, Result, SimpleObject};
use glocal_kit::Role;
use glocal_proto::common::v1 as common;
use glocal_proto::notifier::v1 as pb;

use super::common::{PageInfo, datetime, non_empty};
use super::events::{
    Contribution, EventRegistrationConnection, EventRegistrationFilter, EventsQuery,
};
use super::notifications::{ContactInfo, NotificationConnection, NotificationsQuery};
use super::requests::{
    RequestsQuery, ServiceRequestConnection, ServiceRequestFilter, ServiceRequestOrder,
};
use super::scalars::DateTime;
use super::training::{TrainingApplicationConnection, TrainingApplicationFilter, TrainingQuery};
use crate::upstream::{Notifier, call, caller, error, read};

/// Where an erasure request stands.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErasureRequestState {
    /// Asked; an administrator has not decided yet.
    Pending,
    /// Approved: the person's data is erased in every service.
    Approved,
    /// Rejected, with the administrator's reason.
    Rejected,
}

impl ErasureRequestState {
    fn of(name: &str) -> ErasureRequestState {
        match name {
            "APPROVED" => ErasureRequestState::Approved,
            "REJECTED" => ErasureRequestState::Rejected,
            _ => ErasureRequestState::Pending,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ErasureRequestState::Pending => "PENDING",
            ErasureRequestState::Approved => "APPROVED",
            ErasureRequestState::Rejected => "REJECTED",
        }
    }
}

/// A person's request that the bureau erase what it holds about them.
#[derive(SimpleObject)]
pub struct ErasureRequest {
    /// Its id.
    pub id: ID,
    /// Whose data (their token subject).
    pub subject: String,
    /// Their name when they asked.
    pub name: String,
    /// Why they asked; null when they did not say.
    pub reason: Option<String>,
    /// Where it stands.
    pub state: ErasureRequestState,
    /// When they asked.
    pub requested_at: Option<DateTime>,
    /// When an administrator decided; null while pending.
    pub decided_at: Option<DateTime>,
    /// The deciding administrator's name; null while pending.
    pub decided_by: Option<String>,
    /// The administrator's note (a rejection's reason); null when none.
    pub decision_note: Option<String>,
}

impl From<pb::ErasureRequest> for ErasureRequest {
    fn from(e: pb::ErasureRequest) -> Self {
        ErasureRequest {
            id: ID(e.id),
            subject: e.subject,
            name: e.name,
            reason: non_empty(&e.reason).map(str::to_owned),
            state: ErasureRequestState::of(&e.state),
            requested_at: datetime(e.requested_at.as_ref()),
            decided_at: datetime(e.decided_at.as_ref()),
            decided_by: non_empty(&e.decided_by).map(str::to_owned),
            decision_note: non_empty(&e.decision_note).map(str::to_owned),
        }
    }
}

/// One erasure request in a page, with its cursor.
#[derive(SimpleObject)]
pub struct ErasureRequestEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The request.
    pub node: ErasureRequest,
}

/// A page of erasure requests.
#[derive(SimpleObject)]
pub struct ErasureRequestConnection {
    /// The requests of this page.
    pub edges: Vec<ErasureRequestEdge>,
    /// Where the page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
}

fn count(n: u64) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The erasure requests the caller may see (their own, or every one for an administrator).
async fn erasure_requests(
    ctx: &Context<'_>,
    state: Option<ErasureRequestState>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<ErasureRequestConnection> {
    let message = pb::ListErasureRequestsRequest {
        page: Some(common::PageRequest {
            first: u32::try_from(first.unwrap_or(20))
                .map_err(|_| error::bad_input("`first` must not be negative", "first"))?,
            after: after.unwrap_or_default(),
        }),
        state: state.map(|s| s.name().to_owned()).unwrap_or_default(),
    };
    let r = read(
        ctx,
        Notifier,
        "ListErasureRequests",
        message,
        |mut c, req| async move { c.list_erasure_requests(req).await },
    )
    .await?
    .into_inner();
    let info = r.page_info.unwrap_or_default();
    Ok(ErasureRequestConnection {
        page_info: PageInfo {
            has_next_page: info.has_next_page,
            has_previous_page: false,
            start_cursor: r.cursors.first().cloned(),
            end_cursor: non_empty(&info.end_cursor).map(str::to_owned),
        },
        edges: r
            .requests
            .into_iter()
            .zip(r.cursors)
            .map(|(e, cursor)| ErasureRequestEdge {
                cursor,
                node: e.into(),
            })
            .collect(),
        total_count: count(r.total_count),
    })
}

/// Everything the bureau holds about the signed-in person, each part read from the service
/// that owns it when asked for.
pub struct MyPersonalData {
    subject: String,
    name: String,
}

#[Object]
impl MyPersonalData {
    /// The person's token subject: the key every record below is held under.
    async fn subject(&self) -> &str {
        &self.subject
    }

    /// Their name as their token gives it.
    async fn name(&self) -> &str {
        &self.name
    }

    /// How notices reach them (e-mail address and language).
    async fn contact(&self, ctx: &Context<'_>) -> Result<ContactInfo> {
        NotificationsQuery.my_contact(ctx).await
    }

    /// Their notices, newest first.
    async fn notifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<NotificationConnection> {
        NotificationsQuery
            .notifications(ctx, first, after, None)
            .await
    }

    /// The service requests they submitted, newest first; null for a partner organisation
    /// (it cannot submit any).
    async fn service_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<ServiceRequestConnection>> {
        if !self.bureau_user(ctx) {
            return Ok(None);
        }
        let mine = ServiceRequestFilter {
            mine: true,
            ..ServiceRequestFilter::default()
        };
        RequestsQuery
            .service_requests(ctx, Some(mine), ServiceRequestOrder::Newest, first, after)
            .await
            .map(Some)
    }

    /// Their applications to training programmes, newest first; null for a partner
    /// organisation (it cannot apply).
    async fn applications(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<Option<TrainingApplicationConnection>> {
        if !self.bureau_user(ctx) {
            return Ok(None);
        }
        let mine = TrainingApplicationFilter {
            mine: true,
            ..TrainingApplicationFilter::default()
        };
        TrainingQuery
            .applications(ctx, Some(mine), first, after)
            .await
            .map(Some)
    }

    /// Their registrations for events, oldest first.
    async fn event_registrations(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<EventRegistrationConnection> {
        let mine = EventRegistrationFilter {
            mine: true,
            ..EventRegistrationFilter::default()
        };
        EventsQuery
            .event_registrations(ctx, Some(mine), first, after)
            .await
    }

    /// The contributions they submitted to events' calls, in every state.
    async fn contributions(&self, ctx: &Context<'_>) -> Result<Vec<Contribution>> {
        EventsQuery.my_contributions(ctx).await
    }

    /// Their erasure requests, newest first.
    async fn erasure_requests(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ErasureRequestConnection> {
        erasure_requests(ctx, None, first, after).await
    }
}

impl MyPersonalData {
    /// Whether the caller is a local official or bureau staff (who may hold requests and
    /// applications), not only a partner organisation.
    fn bureau_user(&self, ctx: &Context<'_>) -> bool {
        caller(ctx).is_some_and(|c| {
            [Role::LocalOfficial, Role::BureauStaff, Role::BureauAdmin]
                .iter()
                .any(|r| c.has(*r))
        })
    }
}

/// A person's own data.
#[derive(Default)]
pub struct ErasureQuery;

#[Object]
impl ErasureQuery {
    /// Everything the bureau holds about the signed-in person (UNAUTHENTICATED without a
    /// token).
    #[graphql(inaccessible)]
    async fn my_personal_data(&self, ctx: &Context<'_>) -> Result<MyPersonalData> {
        let me = caller(ctx).ok_or_else(|| {
            error::coded(
                glocal_kit::ErrorCode::Unauthenticated,
                "authentication required",
                None,
            )
        })?;
        Ok(MyPersonalData {
            subject: me.subject.clone(),
            name: me.name.clone(),
        })
    }

    /// Erasure requests, newest first, in `state` when given: every person's for bureau
    /// administrators (the ones to decide are PENDING), the caller's own for anyone else.
    #[graphql(inaccessible)]
    async fn personal_data_erasure_requests(
        &self,
        ctx: &Context<'_>,
        state: Option<ErasureRequestState>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ErasureRequestConnection> {
        erasure_requests(ctx, state, first, after).await
    }
}

/// Erasure of a person's data.
#[derive(Default)]
pub struct ErasureMutation;

#[Object]
impl ErasureMutation {
    /// The caller asks the bureau to erase everything it holds about them; `reason` is
    /// optional (at most 2,000 characters). CONFLICT `ERASURE_ALREADY_PENDING` while an
    /// earlier request of theirs is pending.
    async fn request_personal_data_erasure(
        &self,
        ctx: &Context<'_>,
        reason: Option<String>,
    ) -> Result<ErasureRequest> {
        let message = pb::RequestErasureRequest {
            reason: reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .request_erasure(request)
            .await
            .map_err(error::remote)?;
        Ok(r.into_inner().into())
    }

    /// A bureau administrator approves or rejects a pending erasure request. Approval
    /// erases the person: the notifier's data at once, every other service's records
    /// within moments (pseudonyms replace them; ADR 0040). A rejection needs a `note`
    /// (BAD_USER_INPUT `ERASURE_REJECTION_NEEDS_REASON`); a decided request is CONFLICT
    /// `ERASURE_ALREADY_DECIDED`.
    async fn decide_personal_data_erasure(
        &self,
        ctx: &Context<'_>,
        id: ID,
        approve: bool,
        note: Option<String>,
    ) -> Result<ErasureRequest> {
        let message = pb::DecideErasureRequestRequest {
            id: id.0,
            approve,
            note: note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, Notifier, message)?;
        let r = client
            .decide_erasure_request(request)
            .await
            .map_err(error::remote)?;
        Ok(r.into_inner().into())
    }
}
