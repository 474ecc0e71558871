//! The tonic adapter of coaching (`glocal.training.v1.CoachingService`, ADR 0050): proto →
//! domain inputs (bad input is BAD_USER_INPUT naming its field, before the service runs),
//! call [`TrainingOffice`], domain → proto, error → status. No rules live here.

use glocal_kit::grpc::{bad, caller, from_opt_ts, ts};
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::coaching_service_server::{CoachingService, CoachingServiceServer};
use tonic::{Request, Status};

use super::{GrpcResult, reply, version};
use crate::domain::{
    CoachDraft, CoachId, CoachingPlan, CoachingSessionDraft, EditionId, EngagementDraft,
    EngagementId, EngagementMove, EngagementStatus, InvalidInput,
};
use crate::service::{self, TrainingOffice};

/// The gRPC face of [`TrainingOffice`]'s coaching.
#[derive(Debug, Clone)]
pub struct CoachingGrpc {
    office: TrainingOffice,
}

impl CoachingGrpc {
    /// Wraps the service.
    pub fn new(office: TrainingOffice) -> Self {
        CoachingGrpc { office }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> CoachingServiceServer<CoachingGrpc> {
        CoachingServiceServer::new(self)
    }
}

fn status_in(v: i32, field: &str) -> Result<Option<EngagementStatus>, Status> {
    use pb::CoachingStatus as P;
    match P::try_from(v) {
        Ok(P::Unspecified) => Ok(None),
        Ok(P::Planned) => Ok(Some(EngagementStatus::Planned)),
        Ok(P::InProgress) => Ok(Some(EngagementStatus::InProgress)),
        Ok(P::PlanDelivered) => Ok(Some(EngagementStatus::PlanDelivered)),
        Ok(P::Cancelled) => Ok(Some(EngagementStatus::Cancelled)),
        Err(_) => Err(bad(InvalidInput::unknown_value(field, v))),
    }
}

fn status_out(s: EngagementStatus) -> pb::CoachingStatus {
    use pb::CoachingStatus as P;
    match s {
        EngagementStatus::Planned => P::Planned,
        EngagementStatus::InProgress => P::InProgress,
        EngagementStatus::PlanDelivered => P::PlanDelivered,
        EngagementStatus::Cancelled => P::Cancelled,
    }
}

fn coach_out(c: service::Coach) -> pb::Coach {
    pb::Coach {
        id: c.id.to_key(),
        organisation_id: c.organisation_id.to_key(),
        area_codes: c.area_codes,
        note: c.note.unwrap_or_default(),
        created_at: Some(ts(c.created_at)),
    }
}

fn plan_out(p: CoachingPlan) -> pb::CoachingPlan {
    pb::CoachingPlan {
        area: p.area,
        method: p.method,
        content: p.content,
        alternatives: p.alternatives,
    }
}

fn engagement_out(e: service::CoachingEngagement) -> pb::CoachingEngagement {
    pb::CoachingEngagement {
        id: e.id.to_key(),
        edition_id: e.edition_id.to_key(),
        local_government_code: e.local_government_code,
        local_government_level: e.local_government_level,
        theme: e.theme,
        coach_id: e.coach_id.map(CoachId::to_key).unwrap_or_default(),
        status: status_out(e.status) as i32,
        plan: e.plan.map(plan_out),
        cancel_reason: e.cancel_reason,
        sessions: e
            .sessions
            .into_iter()
            .map(|s| pb::CoachingSession {
                id: s.id.to_string(),
                starts_at: Some(ts(s.starts_at)),
                ends_at: Some(ts(s.ends_at)),
                place: s.place,
                online: s.online,
                notes: s.notes,
            })
            .collect(),
        created_at: Some(ts(e.created_at)),
        updated_at: Some(ts(e.updated_at)),
        delivered_at: e.delivered_at.map(ts),
        version: e.version.get(),
    }
}

fn engagement_id(s: &str) -> Result<EngagementId, Status> {
    EngagementId::parse(s, "id").map_err(bad)
}

fn required_ts(
    t: Option<&prost_types::Timestamp>,
    field: &str,
) -> Result<chrono::DateTime<chrono::Utc>, Status> {
    from_opt_ts(t, field)?.ok_or_else(|| {
        bad(InvalidInput::localized(
            field,
            glocal_kit::i18n::Message::new("input-required"),
        ))
    })
}

#[tonic::async_trait]
impl CoachingService for CoachingGrpc {
    async fn register_coach(
        &self,
        req: Request<pb::RegisterCoachRequest>,
    ) -> GrpcResult<pb::Coach> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = CoachDraft {
            organisation_id: m.organisation_id,
            area_codes: m.area_codes,
            note: m.note,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office.register_coach(caller.as_ref(), new).await,
            coach_out,
        )
    }

    async fn list_coaches(
        &self,
        req: Request<pb::ListCoachesRequest>,
    ) -> GrpcResult<pb::ListCoachesResponse> {
        let caller = caller(&req)?;
        reply(self.office.list_coaches(caller.as_ref()).await, |cs| {
            pb::ListCoachesResponse {
                coaches: cs.into_iter().map(coach_out).collect(),
            }
        })
    }

    async fn batch_get_coaches(
        &self,
        req: Request<pb::BatchGetCoachesRequest>,
    ) -> GrpcResult<pb::BatchGetCoachesResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office.batch_get_coaches(caller.as_ref(), &m.ids).await,
            |cs| pb::BatchGetCoachesResponse {
                coaches: cs.into_iter().map(coach_out).collect(),
            },
        )
    }

    async fn create_coaching_engagement(
        &self,
        req: Request<pb::CreateCoachingEngagementRequest>,
    ) -> GrpcResult<pb::CoachingEngagement> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = EngagementDraft {
            edition_id: m.edition_id,
            local_government_code: m.local_government_code,
            local_government_level: m.local_government_level,
            theme: m.theme,
            coach_id: m.coach_id,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office.create_engagement(caller.as_ref(), new).await,
            engagement_out,
        )
    }

    async fn assign_coach(
        &self,
        req: Request<pb::AssignCoachRequest>,
    ) -> GrpcResult<pb::CoachingEngagement> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = engagement_id(&m.id)?;
        let seen = version(m.version)?;
        let coach = CoachId::parse(&m.coach_id, "coachId").map_err(bad)?;
        reply(
            self.office
                .assign_coach(caller.as_ref(), id, seen, coach)
                .await,
            engagement_out,
        )
    }

    async fn move_coaching_engagement(
        &self,
        req: Request<pb::MoveCoachingEngagementRequest>,
    ) -> GrpcResult<pb::CoachingEngagement> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let to = status_in(m.status, "status")?;
        let mv = EngagementMove::parse(&m.id, m.version, to, &m.reason).map_err(bad)?;
        reply(
            self.office.move_engagement(caller.as_ref(), mv).await,
            engagement_out,
        )
    }

    async fn add_coaching_session(
        &self,
        req: Request<pb::AddCoachingSessionRequest>,
    ) -> GrpcResult<pb::CoachingEngagement> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = engagement_id(&m.id)?;
        let seen = version(m.version)?;
        let session = CoachingSessionDraft {
            starts_at: required_ts(m.starts_at.as_ref(), "startsAt")?,
            ends_at: required_ts(m.ends_at.as_ref(), "endsAt")?,
            place: m.place,
            online: m.online,
            notes: m.notes,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office
                .add_coaching_session(caller.as_ref(), id, seen, session)
                .await,
            engagement_out,
        )
    }

    async fn deliver_coaching_plan(
        &self,
        req: Request<pb::DeliverCoachingPlanRequest>,
    ) -> GrpcResult<pb::CoachingEngagement> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = engagement_id(&m.id)?;
        let seen = version(m.version)?;
        let p = m.plan.unwrap_or_default();
        let plan = CoachingPlan {
            area: p.area,
            method: p.method,
            content: p.content,
            alternatives: p.alternatives,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office
                .deliver_plan(caller.as_ref(), id, seen, plan)
                .await,
            engagement_out,
        )
    }

    async fn batch_get_coaching_engagements(
        &self,
        req: Request<pb::BatchGetCoachingEngagementsRequest>,
    ) -> GrpcResult<pb::BatchGetCoachingEngagementsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .batch_get_engagements(caller.as_ref(), &m.ids)
                .await,
            |es| pb::BatchGetCoachingEngagementsResponse {
                engagements: es.into_iter().map(engagement_out).collect(),
            },
        )
    }

    async fn list_coaching_engagements(
        &self,
        req: Request<pb::ListCoachingEngagementsRequest>,
    ) -> GrpcResult<pb::ListCoachingEngagementsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let mut statuses = Vec::new();
        for s in &m.statuses {
            statuses.extend(status_in(*s, "filter.statuses")?);
        }
        let filter = service::EngagementFilter {
            edition_id: (!m.edition_id.trim().is_empty())
                .then(|| EditionId::parse(&m.edition_id, "filter.editionId").map_err(bad))
                .transpose()?,
            local_government_code: Some(m.local_government_code.trim().to_owned())
                .filter(|c| !c.is_empty()),
            statuses,
        };
        reply(
            self.office
                .list_engagements(caller.as_ref(), filter, m.page.unwrap_or_default().into())
                .await,
            |page| pb::ListCoachingEngagementsResponse {
                page_info: Some(page.info()),
                total_count: page.total_count,
                cursors: page.cursors,
                engagements: page.items.into_iter().map(engagement_out).collect(),
            },
        )
    }
}
