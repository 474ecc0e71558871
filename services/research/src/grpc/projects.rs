//! The tonic adapter of exchange projects (`glocal.research.v1.ExchangeProjectService`,
//! ADR 0046): proto → domain inputs (bad input is BAD_USER_INPUT naming its field, before
//! the service runs), call [`Research`], domain → proto, error → status. No rules live here.

use glocal_kit::error::{ServiceError as _, to_status};
use glocal_kit::grpc::{bad, caller, ts};
use glocal_proto::research::v1 as pb;
use glocal_proto::research::v1::exchange_project_service_server::{
    ExchangeProjectService, ExchangeProjectServiceServer,
};
use tonic::{Request, Response};

use super::{
    GrpcResult, interaction_kind_in, interaction_kind_out, list_in, parsed, status, text_in,
    text_out, unknown_value,
};
use crate::domain::{
    ExchangeProject, ExchangeProjectId, IdempotencyKey, NewProject, NewProjectInteraction,
    ParticipantChange, ProjectDraft, ProjectFilter, ProjectInteraction, ProjectMove, ProjectStatus,
};
use crate::service::{ProjectLog, Research};

/// The gRPC face of [`Research`]'s exchange projects.
#[derive(Debug, Clone)]
pub struct ProjectsGrpc {
    research: Research,
}

impl ProjectsGrpc {
    /// Wraps the service.
    pub fn new(research: Research) -> Self {
        ProjectsGrpc { research }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> ExchangeProjectServiceServer<ProjectsGrpc> {
        ExchangeProjectServiceServer::new(self)
    }
}

fn status_in(v: i32, field: &str) -> Result<Option<ProjectStatus>, tonic::Status> {
    use pb::ExchangeProjectStatus as P;
    match P::try_from(v) {
        Ok(P::Unspecified) => Ok(None),
        Ok(P::Proposal) => Ok(Some(ProjectStatus::Proposal)),
        Ok(P::Agreed) => Ok(Some(ProjectStatus::Agreed)),
        Ok(P::Running) => Ok(Some(ProjectStatus::Running)),
        Ok(P::Closed) => Ok(Some(ProjectStatus::Closed)),
        Ok(P::Cancelled) => Ok(Some(ProjectStatus::Cancelled)),
        Err(_) => Err(bad(unknown_value(field, v))),
    }
}

fn status_out(s: ProjectStatus) -> pb::ExchangeProjectStatus {
    use pb::ExchangeProjectStatus as P;
    match s {
        ProjectStatus::Proposal => P::Proposal,
        ProjectStatus::Agreed => P::Agreed,
        ProjectStatus::Running => P::Running,
        ProjectStatus::Closed => P::Closed,
        ProjectStatus::Cancelled => P::Cancelled,
    }
}

fn project_out(p: ExchangeProject) -> pb::ExchangeProject {
    pb::ExchangeProject {
        id: p.id.to_key(),
        opportunity_id: p.opportunity_id,
        title: Some(text_out(&p.title)),
        description: Some(text_out(&p.description)),
        original_language: p.original_language.as_str().to_owned(),
        status: status_out(p.status) as i32,
        local_government_codes: p.participants.local_government_codes,
        organisation_ids: p.participants.organisation_ids,
        cancel_reason: p.cancel_reason,
        created_at: Some(ts(p.created_at)),
        updated_at: Some(ts(p.updated_at)),
        agreed_at: p.agreed_at.map(ts),
        started_at: p.started_at.map(ts),
        ended_at: p.ended_at.map(ts),
        revision: p.revision.get(),
        interaction_count: p.interaction_count,
    }
}

fn interaction_out(i: ProjectInteraction) -> pb::ProjectInteraction {
    pb::ProjectInteraction {
        id: i.id.to_key(),
        project_id: i.project_id,
        kind: interaction_kind_out(i.kind) as i32,
        occurred_on: i.occurred_on,
        summary: i.summary,
        recorded_by_name: i.recorded_by_name,
        created_at: Some(ts(i.created_at)),
    }
}

/// One project's first page, or the error ListProjectInteractions would have failed with
/// for it (the same code, message and field as its status).
fn page_out(log: ProjectLog) -> pb::ProjectInteractionPage {
    match log.page {
        Ok(page) => pb::ProjectInteractionPage {
            project_id: log.project_id,
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            interactions: page.items.into_iter().map(interaction_out).collect(),
            error: None,
        },
        Err(e) => pb::ProjectInteractionPage {
            project_id: log.project_id,
            error: Some(pb::PageError {
                code: e.code().as_str().to_owned(),
                message: to_status(&e).message().to_owned(),
                field: e.field().unwrap_or_default().to_owned(),
            }),
            ..pb::ProjectInteractionPage::default()
        },
    }
}

#[tonic::async_trait]
impl ExchangeProjectService for ProjectsGrpc {
    async fn create_exchange_project(
        &self,
        req: Request<pb::CreateExchangeProjectRequest>,
    ) -> GrpcResult<pb::ExchangeProject> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let key = parsed(IdempotencyKey::parse(&m.idempotency_key))?;
        let new = parsed(NewProject::parse(&ProjectDraft {
            opportunity_id: m.opportunity_id,
            title: text_in(m.title.as_ref()),
            description: text_in(m.description.as_ref()),
            original_language: m.original_language,
            local_government_codes: m.local_government_codes,
            organisation_ids: m.organisation_ids,
        }))?;
        let p = self
            .research
            .create_exchange_project(caller.as_ref(), key, new)
            .await
            .map_err(status)?;
        Ok(Response::new(project_out(p)))
    }

    async fn move_exchange_project(
        &self,
        req: Request<pb::MoveExchangeProjectRequest>,
    ) -> GrpcResult<pb::ExchangeProject> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let to = status_in(m.status, "status")?;
        let change = parsed(ProjectMove::parse(&m.id, m.revision, to, &m.reason))?;
        let p = self
            .research
            .move_exchange_project(caller.as_ref(), &change)
            .await
            .map_err(status)?;
        Ok(Response::new(project_out(p)))
    }

    async fn change_exchange_project_participant(
        &self,
        req: Request<pb::ChangeExchangeProjectParticipantRequest>,
    ) -> GrpcResult<pb::ExchangeProject> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let change = parsed(ParticipantChange::parse(
            &m.id,
            m.revision,
            &m.local_government_code,
            &m.organisation_id,
            m.add,
        ))?;
        let p = self
            .research
            .change_exchange_project_participants(caller.as_ref(), &change)
            .await
            .map_err(status)?;
        Ok(Response::new(project_out(p)))
    }

    async fn batch_get_exchange_projects(
        &self,
        req: Request<pb::BatchGetExchangeProjectsRequest>,
    ) -> GrpcResult<pb::BatchGetExchangeProjectsResponse> {
        let caller = caller(&req)?;
        let ids = req.into_inner().ids;
        let projects = self
            .research
            .batch_get_exchange_projects(caller.as_ref(), &ids)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetExchangeProjectsResponse {
            projects: projects.into_iter().map(project_out).collect(),
        }))
    }

    async fn list_exchange_projects(
        &self,
        req: Request<pb::ListExchangeProjectsRequest>,
    ) -> GrpcResult<pb::ListExchangeProjectsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = parsed(ProjectFilter::parse(
            list_in(&m.statuses, "filter.statuses", status_in)?,
            &m.local_government_code,
            &m.opportunity_id,
        ))?;
        let page = self
            .research
            .list_exchange_projects(
                caller.as_ref(),
                &filter,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListExchangeProjectsResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            projects: page.items.into_iter().map(project_out).collect(),
        }))
    }

    async fn record_project_interaction(
        &self,
        req: Request<pb::RecordProjectInteractionRequest>,
    ) -> GrpcResult<pb::ProjectInteraction> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let key = parsed(IdempotencyKey::parse(&m.idempotency_key))?;
        let new = parsed(NewProjectInteraction::parse(
            &m.project_id,
            interaction_kind_in(m.kind, "kind")?,
            &m.occurred_on,
            &m.summary,
        ))?;
        let i = self
            .research
            .record_project_interaction(caller.as_ref(), key, &new)
            .await
            .map_err(status)?;
        Ok(Response::new(interaction_out(i)))
    }

    async fn list_project_interactions(
        &self,
        req: Request<pb::ListProjectInteractionsRequest>,
    ) -> GrpcResult<pb::ListProjectInteractionsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = parsed(ExchangeProjectId::parse(&m.project_id, "projectId"))?;
        let page = self
            .research
            .list_project_interactions(
                caller.as_ref(),
                &id,
                &m.page.clone().unwrap_or_default().into(),
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListProjectInteractionsResponse {
            page_info: Some(page.info()),
            total_count: page.total_count,
            cursors: page.cursors,
            interactions: page.items.into_iter().map(interaction_out).collect(),
        }))
    }

    async fn batch_list_project_interactions(
        &self,
        req: Request<pb::BatchListProjectInteractionsRequest>,
    ) -> GrpcResult<pb::BatchListProjectInteractionsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let logs = self
            .research
            .batch_list_project_interactions(caller.as_ref(), &m.project_ids, m.first)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchListProjectInteractionsResponse {
            pages: logs.into_iter().map(page_out).collect(),
        }))
    }
}
