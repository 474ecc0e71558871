//! The tonic adapter of itineraries and trip reports (`glocal.training.v1.ItineraryService`,
//! ADR 0052): proto → domain inputs (bad input is BAD_USER_INPUT naming its field, before
//! the service runs), call [`TrainingOffice`], domain → proto, error → status. No rules
//! live here.

use glocal_kit::grpc::{bad, caller, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::itinerary_service_server::{
    ItineraryService, ItineraryServiceServer,
};
use tonic::{Request, Status};

use super::{GrpcResult, date, reply, text_to_pb, version};
use crate::domain::{
    EditionId, IdempotencyKey, Itinerary, NewVisit, PracticePreparation, TripReport,
    TripReportDraft, TripReportId, TripReportState, TripReportText, Visit, VisitDraft, VisitId,
};
use crate::service::TrainingOffice;

/// The gRPC face of [`TrainingOffice`]'s itineraries and trip reports.
#[derive(Debug, Clone)]
pub struct ItineraryGrpc {
    office: TrainingOffice,
}

impl ItineraryGrpc {
    /// Wraps the service.
    pub fn new(office: TrainingOffice) -> Self {
        ItineraryGrpc { office }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> ItineraryServiceServer<ItineraryGrpc> {
        ItineraryServiceServer::new(self)
    }
}

fn visit_in(v: Option<pb::VisitInput>) -> Result<NewVisit, Status> {
    let v = v.unwrap_or_default();
    NewVisit::parse(&VisitDraft {
        day: v.day,
        time: v.time,
        city: v.city,
        country: v.country,
        organisation_ids: v.organisation_ids,
        practice_ids: v.practice_ids,
        purpose: v.purpose,
    })
    .map_err(bad)
}

fn texts(t: Option<common::LocalizedText>) -> [String; 4] {
    let t = t.unwrap_or_default();
    [t.ko, t.en, t.zh, t.ja]
}

fn report_in(r: Option<pb::TripReportInput>) -> Result<TripReportText, Status> {
    let r = r.unwrap_or_default();
    TripReportText::parse(&TripReportDraft {
        title: texts(r.title),
        summary: texts(r.summary),
        findings: texts(r.findings),
        original_language: r.original_language,
        area_code: r.area_code,
    })
    .map_err(bad)
}

fn key(s: &str) -> Result<IdempotencyKey, Status> {
    IdempotencyKey::parse(s).map_err(bad)
}

fn visit_out(v: Visit) -> pb::Visit {
    pb::Visit {
        id: v.id.to_string(),
        edition_id: v.edition_id.to_string(),
        day: date(v.visit.day),
        time: v
            .visit
            .time
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_default(),
        city: v.visit.city,
        country: v.visit.country.as_str().to_owned(),
        organisation_ids: v.visit.organisation_ids,
        practice_ids: v.visit.practice_ids,
        purpose: v.visit.purpose,
        version: v.version.get(),
        created_at: Some(ts(v.created_at)),
    }
}

fn state_out(s: TripReportState) -> pb::TripReportState {
    match s {
        TripReportState::Draft => pb::TripReportState::Draft,
        TripReportState::Submitted => pb::TripReportState::Submitted,
        TripReportState::PublishedAsPractice => pb::TripReportState::PublishedAsPractice,
    }
}

fn report_out(r: TripReport) -> pb::TripReport {
    pb::TripReport {
        id: r.id.to_string(),
        edition_id: r.edition_id.to_string(),
        visit_id: r.visit_id.to_string(),
        title: Some(text_to_pb(r.text.title)),
        summary: Some(text_to_pb(r.text.summary)),
        findings: Some(text_to_pb(r.text.findings)),
        original_language: r.text.original_language,
        area_code: r.text.area_code,
        state: state_out(r.state) as i32,
        author_subject: r.author_subject,
        author_name: r.author_name,
        practice_id: r.practice_id.unwrap_or_default(),
        version: r.version.get(),
        created_at: Some(ts(r.created_at)),
        updated_at: Some(ts(r.updated_at)),
    }
}

fn itinerary_out(i: Itinerary) -> pb::Itinerary {
    pb::Itinerary {
        edition_id: i.edition_id.to_string(),
        visible: i.visible,
        visits: i.visits.into_iter().map(visit_out).collect(),
        reports: i.reports.into_iter().map(report_out).collect(),
    }
}

fn preparation_out(p: PracticePreparation) -> pb::TripReportPracticeDraft {
    let report = Some(report_out(p.report));
    let Some(c) = p.content else {
        return pb::TripReportPracticeDraft {
            practice_id: p.practice_id.unwrap_or_default(),
            report,
            ..Default::default()
        };
    };
    pb::TripReportPracticeDraft {
        practice_id: String::new(),
        origin: c.origin,
        title: Some(text_to_pb(c.title)),
        summary: Some(text_to_pb(c.summary)),
        body: Some(text_to_pb(c.body)),
        original_language: c.original_language,
        area_code: c.area_code,
        country: c.country,
        city: c.city,
        source_organisation_id: c.source_organisation_id,
        year: c.year,
        report,
    }
}

#[tonic::async_trait]
impl ItineraryService for ItineraryGrpc {
    async fn add_visit(&self, req: Request<pb::AddVisitRequest>) -> GrpcResult<pb::Visit> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let edition = EditionId::parse(&m.edition_id, "editionId").map_err(bad)?;
        let key = key(&m.idempotency_key)?;
        let visit = visit_in(m.visit)?;
        reply(
            self.office
                .add_visit(caller.as_ref(), edition, key, visit)
                .await,
            visit_out,
        )
    }

    async fn change_visit(&self, req: Request<pb::ChangeVisitRequest>) -> GrpcResult<pb::Visit> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = VisitId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let visit = visit_in(m.visit)?;
        reply(
            self.office
                .change_visit(caller.as_ref(), id, v, visit)
                .await,
            visit_out,
        )
    }

    async fn remove_visit(
        &self,
        req: Request<pb::RemoveVisitRequest>,
    ) -> GrpcResult<pb::RemoveVisitResponse> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = VisitId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        reply(
            self.office.remove_visit(caller.as_ref(), id, v).await,
            |()| pb::RemoveVisitResponse {},
        )
    }

    async fn batch_get_itineraries(
        &self,
        req: Request<pb::BatchGetItinerariesRequest>,
    ) -> GrpcResult<pb::BatchGetItinerariesResponse> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        reply(
            self.office
                .itineraries(caller.as_ref(), &m.edition_ids)
                .await,
            |list| pb::BatchGetItinerariesResponse {
                itineraries: list.into_iter().map(itinerary_out).collect(),
            },
        )
    }

    async fn write_trip_report(
        &self,
        req: Request<pb::WriteTripReportRequest>,
    ) -> GrpcResult<pb::TripReport> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let visit = VisitId::parse(&m.visit_id, "visitId").map_err(bad)?;
        let key = key(&m.idempotency_key)?;
        let text = report_in(m.report)?;
        reply(
            self.office
                .write_trip_report(caller.as_ref(), visit, key, text)
                .await,
            report_out,
        )
    }

    async fn update_trip_report(
        &self,
        req: Request<pb::UpdateTripReportRequest>,
    ) -> GrpcResult<pb::TripReport> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = TripReportId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let text = report_in(m.report)?;
        reply(
            self.office
                .update_trip_report(caller.as_ref(), id, v, text)
                .await,
            report_out,
        )
    }

    async fn submit_trip_report(
        &self,
        req: Request<pb::SubmitTripReportRequest>,
    ) -> GrpcResult<pb::TripReport> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = TripReportId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        reply(
            self.office.submit_trip_report(caller.as_ref(), id, v).await,
            report_out,
        )
    }

    async fn get_trip_report(
        &self,
        req: Request<pb::GetTripReportRequest>,
    ) -> GrpcResult<pb::TripReport> {
        let caller = caller(&req)?;
        let id = TripReportId::parse(&req.get_ref().id, "id").map_err(bad)?;
        reply(
            self.office.trip_report(caller.as_ref(), id).await,
            report_out,
        )
    }

    async fn prepare_trip_report_practice(
        &self,
        req: Request<pb::PrepareTripReportPracticeRequest>,
    ) -> GrpcResult<pb::TripReportPracticeDraft> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = TripReportId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        reply(
            self.office
                .prepare_trip_report_practice(caller.as_ref(), id, v)
                .await,
            preparation_out,
        )
    }

    async fn record_trip_report_practice(
        &self,
        req: Request<pb::RecordTripReportPracticeRequest>,
    ) -> GrpcResult<pb::TripReport> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = TripReportId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        reply(
            self.office
                .record_trip_report_practice(caller.as_ref(), id, v, &m.practice_id)
                .await,
            report_out,
        )
    }
}
