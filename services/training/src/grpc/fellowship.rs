//! The tonic adapter of `glocal.training.v1.FellowshipService` (ADR 0051): staff
//! confirmation of a held fellowship application's relationship and the participants'
//! cost sheet. No rules live here.

use glocal_proto::training::v1::fellowship_service_server::{
    FellowshipService, FellowshipServiceServer,
};

use super::costs::sheet_to_pb;
use super::*;

/// The gRPC face of the fellowship's operations of [`TrainingOffice`].
#[derive(Debug, Clone)]
pub struct FellowshipGrpc {
    office: TrainingOffice,
}

impl FellowshipGrpc {
    /// Wraps the service.
    pub fn new(office: TrainingOffice) -> Self {
        FellowshipGrpc { office }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> FellowshipServiceServer<FellowshipGrpc> {
        FellowshipServiceServer::new(self)
    }
}

#[tonic::async_trait]
impl FellowshipService for FellowshipGrpc {
    async fn confirm_relationship(
        &self,
        req: Request<pb::ConfirmRelationshipRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let n = note(&m.note, "note")?;
        let facts = super::costs::facts_from_pb(m.relationships)?;
        reply(
            self.office
                .confirm_relationship(caller.as_ref(), id, v, n, facts)
                .await,
            application_to_pb,
        )
    }

    async fn list_participant_costs(
        &self,
        req: Request<pb::ListParticipantCostsRequest>,
    ) -> GrpcResult<pb::ListParticipantCostsResponse> {
        let caller = caller(&req)?;
        let id = EditionId::parse(&req.get_ref().edition_id, "editionId").map_err(bad)?;
        reply(
            self.office.participant_costs(caller.as_ref(), id).await,
            sheet_to_pb,
        )
    }
}
