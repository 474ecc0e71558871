//! The tonic adapter: proto → domain (bad input is BAD_USER_INPUT naming the field), call
//! the service, domain → proto, error → status. No rules live here.

use glocal_kit::grpc::{bad, caller, parse_ts as from_ts, status, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::requests::v1 as pb;
use glocal_proto::requests::v1::requests_service_server::{RequestsService, RequestsServiceServer};
use tonic::{Request, Response, Status};

use crate::domain::{
    DepartmentCode, DestinationDraft, DetailsDraft, ExchangeDraft, HistoryVisibility,
    InformationDraft, InquiryDraft, InterpretationDraft, InterpretationMode, InvalidInput,
    LanguageCode, LocalGovernmentCode, MessageBody, MessageKind, NewRequest, Reason,
    RequestDetails, RequestId, RequestState, RequestType, StaffId, SubmitDraft,
    TranslationModeKind, Version, VisitDraft,
};
use crate::error::RequestsError;
use crate::service::{self, OnlineBureau};

pub mod attachments;
pub mod directory;
pub mod search;
mod sla;
mod statistics;
mod survey;

/// The gRPC face of [`OnlineBureau`].
#[derive(Debug, Clone)]
pub struct GrpcService {
    bureau: OnlineBureau,
}

impl GrpcService {
    /// Wraps the service.
    pub fn new(bureau: OnlineBureau) -> Self {
        GrpcService { bureau }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> RequestsServiceServer<GrpcService> {
        RequestsServiceServer::new(self)
    }
}

type GrpcResult<T> = Result<Response<T>, Status>;

fn id(s: &str) -> Result<RequestId, Status> {
    RequestId::parse(s).map_err(bad)
}

fn version(v: i64) -> Result<Version, Status> {
    Version::parse(v).map_err(bad)
}

fn body(s: &str) -> Result<MessageBody, Status> {
    MessageBody::parse(s).map_err(bad)
}

fn optional_reason(s: &str) -> Result<Option<Reason>, Status> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        Reason::parse(s).map(Some).map_err(bad)
    }
}

fn request_type(v: i32, field: &str) -> Result<Option<RequestType>, InvalidInput> {
    Ok(match pb::RequestType::try_from(v) {
        Ok(pb::RequestType::Unspecified) => None,
        Ok(pb::RequestType::InterpretationTranslation) => {
            Some(RequestType::InterpretationTranslation)
        }
        Ok(pb::RequestType::InternationalExchange) => Some(RequestType::InternationalExchange),
        Ok(pb::RequestType::OverseasVisit) => Some(RequestType::OverseasVisit),
        Ok(pb::RequestType::InformationRequest) => Some(RequestType::InformationRequest),
        Ok(pb::RequestType::GeneralInquiry) => Some(RequestType::GeneralInquiry),
        Err(_) => {
            return Err(InvalidInput::localized(
                field,
                glocal_kit::i18n::Message::new("input-unknown-value").arg("value", v),
            ));
        }
    })
}

fn type_to_pb(t: RequestType) -> pb::RequestType {
    match t {
        RequestType::InterpretationTranslation => pb::RequestType::InterpretationTranslation,
        RequestType::InternationalExchange => pb::RequestType::InternationalExchange,
        RequestType::OverseasVisit => pb::RequestType::OverseasVisit,
        RequestType::InformationRequest => pb::RequestType::InformationRequest,
        RequestType::GeneralInquiry => pb::RequestType::GeneralInquiry,
    }
}

fn state_to_pb(s: RequestState) -> pb::RequestState {
    match s {
        RequestState::Submitted => pb::RequestState::Submitted,
        RequestState::Registered => pb::RequestState::Registered,
        RequestState::DepartmentAssigned => pb::RequestState::DepartmentAssigned,
        RequestState::StaffAssigned => pb::RequestState::StaffAssigned,
        RequestState::MidResponded => pb::RequestState::MidResponded,
        RequestState::FinalResponded => pb::RequestState::FinalResponded,
        RequestState::Closed => pb::RequestState::Closed,
        RequestState::Withdrawn => pb::RequestState::Withdrawn,
        RequestState::Rejected => pb::RequestState::Rejected,
        RequestState::Reopened => pb::RequestState::Reopened,
        RequestState::AwaitingRequester => pb::RequestState::AwaitingRequester,
        RequestState::Merged => pb::RequestState::Merged,
    }
}

fn state_from_pb(v: i32) -> Result<RequestState, InvalidInput> {
    let s = pb::RequestState::try_from(v)
        .ok()
        .filter(|s| *s != pb::RequestState::Unspecified);
    let s = s.ok_or_else(|| {
        InvalidInput::localized(
            "filter.states",
            glocal_kit::i18n::Message::new("input-unknown-value").arg("value", v),
        )
    })?;
    RequestState::ALL
        .iter()
        .copied()
        .find(|d| state_to_pb(*d) == s)
        .ok_or_else(|| InvalidInput::new("filter.states", "unknown state"))
}

fn kind_to_pb(k: MessageKind) -> pb::MessageKind {
    match k {
        MessageKind::MidResponse => pb::MessageKind::MidResponse,
        MessageKind::FinalResponse => pb::MessageKind::FinalResponse,
        MessageKind::RequesterReply => pb::MessageKind::RequesterReply,
        MessageKind::StaffNote => pb::MessageKind::StaffNote,
        MessageKind::Question => pb::MessageKind::Question,
    }
}

fn details_draft(d: Option<pb::RequestDetails>) -> Option<DetailsDraft> {
    use pb::request_details::Kind;
    Some(match d?.kind? {
        Kind::InterpretationTranslation(d) => {
            DetailsDraft::InterpretationTranslation(InterpretationDraft {
                mode: match pb::interpretation_translation_details::Mode::try_from(d.mode) {
                    Ok(pb::interpretation_translation_details::Mode::Interpretation) => {
                        Some(TranslationModeKind::Interpretation)
                    }
                    Ok(pb::interpretation_translation_details::Mode::Translation) => {
                        Some(TranslationModeKind::Translation)
                    }
                    _ => None,
                },
                source_language: d.source_language,
                target_language: d.target_language,
                start_date: d.start_date,
                end_date: d.end_date,
                venue: d.venue,
                online: d.online,
                document_pages: d.document_pages,
            })
        }
        Kind::InternationalExchange(d) => DetailsDraft::InternationalExchange(ExchangeDraft {
            partner_country: d.partner_country,
            partner_organization: d.partner_organization,
            exchange_kind: d.exchange_kind,
        }),
        Kind::OverseasVisit(d) => DetailsDraft::OverseasVisit(VisitDraft {
            destinations: d
                .destinations
                .into_iter()
                .map(|x| DestinationDraft {
                    country: x.country,
                    city: x.city,
                })
                .collect(),
            departure_date: d.departure_date,
            return_date: d.return_date,
            delegation_size: d.delegation_size,
            purpose: d.purpose,
        }),
        Kind::InformationRequest(d) => DetailsDraft::InformationRequest(InformationDraft {
            topic: d.topic,
            countries: d.countries,
            needed_by: d.needed_by,
        }),
        Kind::GeneralInquiry(d) => DetailsDraft::GeneralInquiry(InquiryDraft { topic: d.topic }),
    })
}

fn details_to_pb(d: RequestDetails) -> pb::RequestDetails {
    use pb::request_details::Kind;
    let date = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let kind = match d {
        RequestDetails::InterpretationTranslation(d) => {
            let mut out = pb::InterpretationTranslationDetails {
                source_language: d.source_language.to_string(),
                target_language: d.target_language.to_string(),
                ..Default::default()
            };
            match d.mode {
                InterpretationMode::Interpretation {
                    start_date,
                    end_date,
                    venue,
                    online,
                } => {
                    out.mode = pb::interpretation_translation_details::Mode::Interpretation as i32;
                    out.start_date = date(start_date);
                    out.end_date = date(end_date);
                    out.venue = venue.unwrap_or_default();
                    out.online = online;
                }
                InterpretationMode::Translation { document_pages } => {
                    out.mode = pb::interpretation_translation_details::Mode::Translation as i32;
                    out.document_pages = document_pages;
                }
            }
            Kind::InterpretationTranslation(out)
        }
        RequestDetails::InternationalExchange(d) => {
            Kind::InternationalExchange(pb::InternationalExchangeDetails {
                partner_country: d.partner_country.to_string(),
                partner_organization: d.partner_organization,
                exchange_kind: d.exchange_kind.as_str().to_owned(),
            })
        }
        RequestDetails::OverseasVisit(d) => Kind::OverseasVisit(pb::OverseasVisitDetails {
            destinations: d
                .destinations
                .into_iter()
                .map(|x| pb::Destination {
                    country: x.country.to_string(),
                    city: x.city,
                })
                .collect(),
            departure_date: date(d.departure_date),
            return_date: date(d.return_date),
            delegation_size: d.delegation_size,
            purpose: d.purpose,
        }),
        RequestDetails::InformationRequest(d) => {
            Kind::InformationRequest(pb::InformationRequestDetails {
                topic: d.topic,
                countries: d.countries.into_iter().map(String::from).collect(),
                needed_by: d.needed_by.map(date).unwrap_or_default(),
            })
        }
        RequestDetails::GeneralInquiry(d) => {
            Kind::GeneralInquiry(pb::GeneralInquiryDetails { topic: d.topic })
        }
    };
    pb::RequestDetails { kind: Some(kind) }
}

fn name_to_pb(n: service::LocalizedName) -> common::LocalizedText {
    common::LocalizedText {
        ko: n.ko,
        en: n.en,
        zh: n.zh,
        ja: n.ja,
    }
}

fn lg_to_pb(l: service::LocalGovernment) -> pb::LocalGovernment {
    pb::LocalGovernment {
        code: l.code,
        name: Some(name_to_pb(l.name)),
        level: l.level,
        parent_code: l.parent_code.unwrap_or_default(),
    }
}

fn dept_to_pb(d: service::Department) -> pb::Department {
    pb::Department {
        code: d.code,
        name: Some(name_to_pb(d.name)),
        lead_staff_id: d.lead_staff_id.unwrap_or_default(),
    }
}

fn staff_to_pb(s: service::StaffMember) -> pb::Staff {
    let a = s.availability;
    pb::Staff {
        id: s.id,
        name: s.name,
        department_code: s.department_code,
        active: s.active,
        languages: a.languages,
        request_types: a
            .request_types
            .into_iter()
            .map(|t| type_to_pb(t) as i32)
            .collect(),
        absences: a
            .absences
            .iter()
            .map(|x| pb::StaffAbsence {
                from: x.from().to_string(),
                to: x.to().to_string(),
            })
            .collect(),
        departed_at: a.departed_at.map(ts),
    }
}

fn rule_to_pb(r: service::RoutingRule) -> pb::RoutingRule {
    pb::RoutingRule {
        id: r.id,
        r#type: type_to_pb(r.request_type) as i32,
        language: r.language.map(String::from).unwrap_or_default(),
        department_code: r.department_code.into(),
        priority: r.priority,
    }
}

fn request_to_pb(r: service::ServiceRequest) -> pb::ServiceRequest {
    pb::ServiceRequest {
        id: r.id.to_string(),
        number: r.number.to_string(),
        r#type: type_to_pb(r.request_type) as i32,
        title: r.title,
        description: r.description,
        details: r.details.map(details_to_pb),
        state: state_to_pb(r.state) as i32,
        requester: Some(pb::Requester {
            subject: r.requester.subject,
            name: r.requester.name,
            local_government_code: r.requester.local_government_code,
        }),
        local_government: r.local_government.map(lg_to_pb),
        department: r.department.map(dept_to_pb),
        assignee: r.assignee.map(staff_to_pb),
        routing: r.routing,
        created_at: Some(ts(r.created_at)),
        updated_at: Some(ts(r.updated_at)),
        first_response_due_at: Some(ts(r.first_response_due_at)),
        resolution_due_at: Some(ts(r.resolution_due_at)),
        first_responded_at: r.first_responded_at.map(ts),
        final_responded_at: r.final_responded_at.map(ts),
        expected_completion_at: r.expected_completion_at.map(ts),
        overdue: r.overdue,
        version: r.version.get(),
        reject_reason: r.reject_reason.unwrap_or_default(),
        sla: Some(sla::request_sla_to_pb(r.sla)),
        messages: r
            .messages
            .into_iter()
            .map(|m| pb::RequestMessage {
                id: m.id.to_string(),
                kind: kind_to_pb(m.kind) as i32,
                body: m.body,
                author_subject: m.author_subject,
                author_name: m.author_name,
                created_at: Some(ts(m.created_at)),
                expected_completion_at: m.expected_completion_at.map(ts),
            })
            .collect(),
        history: r
            .history
            .into_iter()
            .map(|h| pb::HistoryEntry {
                action: h.action,
                from_state: h
                    .from_state
                    .map_or(pb::RequestState::Unspecified, state_to_pb)
                    as i32,
                to_state: state_to_pb(h.to_state) as i32,
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: Some(ts(h.at)),
                note: h.note,
                visibility: match h.visibility {
                    HistoryVisibility::Requester => pb::HistoryVisibility::Requester,
                    HistoryVisibility::Internal => pb::HistoryVisibility::Internal,
                } as i32,
            })
            .collect(),
        survey: r.survey.map(survey::response_to_pb),
        merged_into_id: r
            .relations
            .merged_into
            .map(|id| id.to_string())
            .unwrap_or_default(),
        merged_ids: r.relations.merged.iter().map(ToString::to_string).collect(),
        parent_id: r
            .relations
            .parent
            .map(|id| id.to_string())
            .unwrap_or_default(),
        child_ids: r
            .relations
            .children
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

fn link_pair(m: &pb::LinkRequestsRequest) -> Result<(RequestId, RequestId), Status> {
    Ok((
        RequestId::parse(&m.parent_id).map_err(|e| bad(e.at("parentId")))?,
        RequestId::parse(&m.child_id).map_err(|e| bad(e.at("childId")))?,
    ))
}

fn reply(r: Result<service::ServiceRequest, RequestsError>) -> GrpcResult<pb::ServiceRequest> {
    r.map(|r| Response::new(request_to_pb(r))).map_err(status)
}

/// The parts of a view `mask` keeps (ADR 0048), messages and history only with `activity`.
fn parts_of(mask: pb::RequestListMask, activity: bool) -> crate::domain::Parts {
    crate::domain::Parts {
        activity,
        sla: !mask.skip_sla,
        survey: !mask.skip_survey,
        relations: !mask.skip_relations,
        people: !mask.skip_people,
        texts: !mask.skip_texts,
        local_government: !mask.skip_local_government,
    }
}

impl TryFrom<pb::SubmitRequestRequest> for NewRequest {
    type Error = InvalidInput;

    fn try_from(m: pb::SubmitRequestRequest) -> Result<Self, InvalidInput> {
        SubmitDraft {
            idempotency_key: m.idempotency_key,
            request_type: request_type(m.r#type, "type")?,
            title: m.title,
            description: m.description,
            details: details_draft(m.details),
            local_government_code: m.local_government_code,
        }
        .parse()
    }
}

impl TryFrom<pb::RequestFilter> for service::RequestFilter {
    type Error = InvalidInput;

    fn try_from(f: pb::RequestFilter) -> Result<Self, InvalidInput> {
        let opt = |s: &str| (!s.trim().is_empty()).then(|| s.trim().to_owned());
        Ok(service::RequestFilter {
            states: f
                .states
                .iter()
                .map(|s| state_from_pb(*s))
                .collect::<Result<_, _>>()?,
            types: f
                .types
                .iter()
                .map(|t| {
                    request_type(*t, "filter.types")?
                        .ok_or_else(|| InvalidInput::new("filter.types", "unspecified type"))
                })
                .collect::<Result<_, _>>()?,
            department: opt(&f.department_code)
                .map(|s| DepartmentCode::parse(&s).map_err(|e| e.at("filter.departmentCode")))
                .transpose()?,
            assignee: opt(&f.assignee_id)
                .map(|s| StaffId::parse(&s).map_err(|e| e.at("filter.assigneeId")))
                .transpose()?,
            local_government: opt(&f.local_government_code)
                .map(|s| {
                    LocalGovernmentCode::parse(&s).map_err(|e| e.at("filter.localGovernmentCode"))
                })
                .transpose()?,
            created_from: f
                .created_from
                .as_ref()
                .map(|t| from_ts(t, "filter.createdFrom"))
                .transpose()?,
            created_to: f
                .created_to
                .as_ref()
                .map(|t| from_ts(t, "filter.createdTo"))
                .transpose()?,
            overdue: f.overdue,
            breached: f.breached,
            due_before: f
                .due_before
                .as_ref()
                .map(|t| from_ts(t, "filter.dueBefore"))
                .transpose()?,
            mine: f.mine,
        })
    }
}

impl TryFrom<pb::RoutingRule> for service::RoutingRuleDraft {
    type Error = InvalidInput;

    fn try_from(rule: pb::RoutingRule) -> Result<Self, InvalidInput> {
        Ok(service::RoutingRuleDraft {
            id: (rule.id != 0).then_some(rule.id),
            request_type: request_type(rule.r#type, "type")?
                .ok_or_else(|| InvalidInput::new("type", "is required"))?,
            language: if rule.language.trim().is_empty() {
                None
            } else {
                Some(LanguageCode::parse(rule.language.trim())?)
            },
            department_code: DepartmentCode::parse(rule.department_code.trim())?,
            priority: rule.priority,
        })
    }
}

#[tonic::async_trait]
impl RequestsService for GrpcService {
    async fn submit_request(
        &self,
        req: Request<pb::SubmitRequestRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let mut m = req.into_inner();
        let parts = parts_of(m.mask.take().unwrap_or_default(), false);
        let new = NewRequest::try_from(m).map_err(bad)?;
        reply(self.bureau.submit_parts(caller.as_ref(), new, parts).await)
    }

    async fn get_request(
        &self,
        req: Request<pb::GetRequestRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = id(&m.id)?;
        let parts = parts_of(m.mask.unwrap_or_default(), !m.skip_activity);
        reply(self.bureau.get_parts(caller.as_ref(), id, parts).await)
    }

    async fn batch_get_requests(
        &self,
        req: Request<pb::BatchGetRequestsRequest>,
    ) -> GrpcResult<pb::BatchGetRequestsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let ids = m
            .ids
            .iter()
            .map(|s| RequestId::parse(s).map_err(|e| bad(e.at("ids"))))
            .collect::<Result<Vec<_>, _>>()?;
        let found = self
            .bureau
            .batch_get(caller.as_ref(), &ids, m.include_activity)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetRequestsResponse {
            requests: found.into_iter().map(request_to_pb).collect(),
        }))
    }

    async fn list_requests(
        &self,
        req: Request<pb::ListRequestsRequest>,
    ) -> GrpcResult<pb::ListRequestsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = m
            .filter
            .map(service::RequestFilter::try_from)
            .transpose()
            .map_err(bad)?
            .unwrap_or_default();
        let page = m.page.map(service::PageRequest::from).unwrap_or_default();
        let order = sla::order(m.order).map_err(bad)?;
        let mask = m.mask.unwrap_or_default();
        let parts = parts_of(mask, m.include_activity);
        let page = self
            .bureau
            .list_parts(
                caller.as_ref(),
                filter,
                order,
                page,
                parts,
                !mask.skip_total_count,
            )
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListRequestsResponse {
            page_info: Some(page.info()),
            requests: page.items.into_iter().map(request_to_pb).collect(),
            cursors: page.cursors,
            total_count: page.total_count,
        }))
    }

    async fn send_mid_response(
        &self,
        req: Request<pb::SendMidResponseRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let expected = m
            .expected_completion_at
            .as_ref()
            .map(|t| from_ts(t, "expectedCompletionAt"))
            .transpose()
            .map_err(bad)?;
        reply(
            self.bureau
                .send_mid_response(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    body(&m.body)?,
                    expected,
                )
                .await,
        )
    }

    async fn send_final_response(
        &self,
        req: Request<pb::SendFinalResponseRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .send_final_response(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    body(&m.body)?,
                )
                .await,
        )
    }

    async fn reassign(&self, req: Request<pb::ReassignRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let department = DepartmentCode::parse(m.department_code.trim()).map_err(bad)?;
        let staff = if m.staff_id.trim().is_empty() {
            None
        } else {
            Some(StaffId::parse(m.staff_id.trim()).map_err(bad)?)
        };
        reply(
            self.bureau
                .reassign(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    department,
                    staff,
                    m.note,
                )
                .await,
        )
    }

    async fn withdraw(&self, req: Request<pb::WithdrawRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .withdraw(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    optional_reason(&m.reason)?,
                )
                .await,
        )
    }

    async fn reject(&self, req: Request<pb::RejectRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let reason = Reason::parse(&m.reason).map_err(bad)?;
        reply(
            self.bureau
                .reject(caller.as_ref(), id(&m.id)?, version(m.version)?, reason)
                .await,
        )
    }

    async fn close(&self, req: Request<pb::CloseRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .close(caller.as_ref(), id(&m.id)?, version(m.version)?)
                .await,
        )
    }

    async fn reopen(&self, req: Request<pb::ReopenRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .reopen(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    optional_reason(&m.reason)?,
                )
                .await,
        )
    }

    async fn add_note(&self, req: Request<pb::AddNoteRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .add_note(caller.as_ref(), id(&m.id)?, body(&m.body)?)
                .await,
        )
    }

    async fn reply(&self, req: Request<pb::ReplyRequest>) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .reply(caller.as_ref(), id(&m.id)?, body(&m.body)?)
                .await,
        )
    }

    async fn ask_requester(
        &self,
        req: Request<pb::AskRequesterRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.bureau
                .ask_requester(
                    caller.as_ref(),
                    id(&m.id)?,
                    version(m.version)?,
                    body(&m.body)?,
                )
                .await,
        )
    }

    async fn rate_request(
        &self,
        req: Request<pb::RateRequestRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let (id, rating, comment) = survey::rate(req.get_ref()).map_err(bad)?;
        reply(self.bureau.rate(caller.as_ref(), id, rating, comment).await)
    }

    async fn merge_request(
        &self,
        req: Request<pb::MergeRequestRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let duplicate = RequestId::parse(&m.duplicate_id).map_err(|e| bad(e.at("duplicateId")))?;
        let original = RequestId::parse(&m.original_id).map_err(|e| bad(e.at("originalId")))?;
        let note = match m.note.trim() {
            "" => None,
            text => Some(Reason::parse(text).map_err(|e| bad(e.at("note")))?),
        };
        reply(
            self.bureau
                .merge(
                    caller.as_ref(),
                    duplicate,
                    version(m.version)?,
                    original,
                    note,
                )
                .await,
        )
    }

    async fn link_requests(
        &self,
        req: Request<pb::LinkRequestsRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let (parent, child) = link_pair(req.get_ref())?;
        reply(self.bureau.link(caller.as_ref(), parent, child).await)
    }

    async fn unlink_requests(
        &self,
        req: Request<pb::LinkRequestsRequest>,
    ) -> GrpcResult<pb::ServiceRequest> {
        let caller = caller(&req)?;
        let (parent, child) = link_pair(req.get_ref())?;
        reply(self.bureau.unlink(caller.as_ref(), parent, child).await)
    }

    async fn get_survey_statistics(
        &self,
        req: Request<pb::GetSurveyStatisticsRequest>,
    ) -> GrpcResult<pb::GetSurveyStatisticsResponse> {
        let caller = caller(&req)?;
        let (from, to, department) = survey::statistics_query(req.get_ref()).map_err(bad)?;
        let rows = self
            .bureau
            .survey_statistics(caller.as_ref(), from, to, department)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetSurveyStatisticsResponse {
            rows: rows.into_iter().map(survey::figures_to_pb).collect(),
        }))
    }

    async fn get_business_calendar(
        &self,
        req: Request<pb::GetBusinessCalendarRequest>,
    ) -> GrpcResult<pb::BusinessCalendar> {
        let caller = caller(&req)?;
        let year = req.get_ref().year;
        let calendar = self
            .bureau
            .business_calendar(caller.as_ref(), year)
            .await
            .map_err(status)?;
        Ok(Response::new(sla::calendar_to_pb(calendar)))
    }

    async fn set_holiday(&self, req: Request<pb::SetHolidayRequest>) -> GrpcResult<pb::Holiday> {
        let caller = caller(&req)?;
        let draft = sla::holiday_draft(req.into_inner().holiday).map_err(bad)?;
        let saved = self
            .bureau
            .set_holiday(caller.as_ref(), draft)
            .await
            .map_err(status)?;
        Ok(Response::new(sla::holiday_to_pb(saved)))
    }

    async fn remove_holiday(
        &self,
        req: Request<pb::RemoveHolidayRequest>,
    ) -> GrpcResult<pb::Holiday> {
        let caller = caller(&req)?;
        let removed = self
            .bureau
            .remove_holiday(caller.as_ref(), &req.get_ref().date)
            .await
            .map_err(status)?;
        Ok(Response::new(sla::holiday_to_pb(removed)))
    }

    async fn list_sla_policies(
        &self,
        req: Request<pb::ListSlaPoliciesRequest>,
    ) -> GrpcResult<pb::ListSlaPoliciesResponse> {
        let caller = caller(&req)?;
        let policies = self
            .bureau
            .sla_policies(caller.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListSlaPoliciesResponse {
            policies: policies.into_iter().map(sla::policy_to_pb).collect(),
        }))
    }

    async fn set_sla_policy(
        &self,
        req: Request<pb::SetSlaPolicyRequest>,
    ) -> GrpcResult<pb::SlaPolicy> {
        let caller = caller(&req)?;
        let draft = sla::policy_draft(req.into_inner().policy).map_err(bad)?;
        let saved = self
            .bureau
            .set_sla_policy(caller.as_ref(), draft)
            .await
            .map_err(status)?;
        Ok(Response::new(sla::policy_to_pb(saved)))
    }

    async fn get_sla_compliance(
        &self,
        req: Request<pb::GetSlaComplianceRequest>,
    ) -> GrpcResult<pb::GetSlaComplianceResponse> {
        let caller = caller(&req)?;
        let (from, to, department) = sla::compliance_query(req.into_inner()).map_err(bad)?;
        let rows = self
            .bureau
            .sla_compliance(caller.as_ref(), from, to, department)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetSlaComplianceResponse {
            rows: rows.into_iter().map(sla::compliance_to_pb).collect(),
        }))
    }

    async fn get_request_statistics(
        &self,
        req: Request<pb::GetRequestStatisticsRequest>,
    ) -> GrpcResult<pb::GetRequestStatisticsResponse> {
        let caller = caller(&req)?;
        let query = statistics::query(req.get_ref()).map_err(bad)?;
        let rows = self
            .bureau
            .request_statistics(caller.as_ref(), query)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::GetRequestStatisticsResponse {
            rows: rows.into_iter().map(statistics::figures_to_pb).collect(),
        }))
    }

    async fn list_departments(
        &self,
        req: Request<pb::ListDepartmentsRequest>,
    ) -> GrpcResult<pb::ListDepartmentsResponse> {
        let caller = caller(&req)?;
        let dir = self
            .bureau
            .directory(caller.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListDepartmentsResponse {
            departments: dir.departments.into_iter().map(dept_to_pb).collect(),
            staff: dir.staff.into_iter().map(staff_to_pb).collect(),
        }))
    }

    async fn get_caller_staff(
        &self,
        req: Request<pb::GetCallerStaffRequest>,
    ) -> GrpcResult<pb::GetCallerStaffResponse> {
        let caller = caller(&req)?;
        let found = self
            .bureau
            .caller_staff(caller.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(match found {
            Some((staff, department)) => pb::GetCallerStaffResponse {
                staff: Some(staff_to_pb(staff)),
                department: department.map(dept_to_pb),
            },
            None => pb::GetCallerStaffResponse::default(),
        }))
    }

    async fn batch_get_local_governments(
        &self,
        req: Request<pb::BatchGetLocalGovernmentsRequest>,
    ) -> GrpcResult<pb::BatchGetLocalGovernmentsResponse> {
        let found = self
            .bureau
            .local_governments(&req.into_inner().codes)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::BatchGetLocalGovernmentsResponse {
            local_governments: found.into_iter().map(lg_to_pb).collect(),
        }))
    }

    async fn list_local_governments(
        &self,
        _req: Request<pb::ListLocalGovernmentsRequest>,
    ) -> GrpcResult<pb::ListLocalGovernmentsResponse> {
        let all = self.bureau.all_local_governments().await.map_err(status)?;
        Ok(Response::new(pb::ListLocalGovernmentsResponse {
            local_governments: all.into_iter().map(lg_to_pb).collect(),
        }))
    }

    async fn set_department_lead(
        &self,
        req: Request<pb::SetDepartmentLeadRequest>,
    ) -> GrpcResult<pb::Department> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let department =
            DepartmentCode::parse(m.department_code.trim()).map_err(|e| bad(e.at("department")))?;
        let staff = StaffId::parse(m.staff_id.trim()).map_err(|e| bad(e.at("staffId")))?;
        let dept = self
            .bureau
            .set_department_lead(caller.as_ref(), department, staff)
            .await
            .map_err(status)?;
        Ok(Response::new(dept_to_pb(dept)))
    }

    async fn list_routing_rules(
        &self,
        req: Request<pb::ListRoutingRulesRequest>,
    ) -> GrpcResult<pb::ListRoutingRulesResponse> {
        let caller = caller(&req)?;
        let rules = self
            .bureau
            .routing_rules(caller.as_ref())
            .await
            .map_err(status)?;
        Ok(Response::new(pb::ListRoutingRulesResponse {
            rules: rules.into_iter().map(rule_to_pb).collect(),
        }))
    }

    async fn set_routing_rule(
        &self,
        req: Request<pb::SetRoutingRuleRequest>,
    ) -> GrpcResult<pb::RoutingRule> {
        let caller = caller(&req)?;
        let rule = req
            .into_inner()
            .rule
            .ok_or_else(|| bad(InvalidInput::new("rule", "is required")))?;
        let draft = service::RoutingRuleDraft::try_from(rule).map_err(bad)?;
        let saved = self
            .bureau
            .set_routing_rule(caller.as_ref(), draft)
            .await
            .map_err(status)?;
        Ok(Response::new(rule_to_pb(saved)))
    }

    async fn delete_routing_rule(
        &self,
        req: Request<pb::DeleteRoutingRuleRequest>,
    ) -> GrpcResult<pb::DeleteRoutingRuleResponse> {
        let caller = caller(&req)?;
        self.bureau
            .delete_routing_rule(caller.as_ref(), req.get_ref().id)
            .await
            .map_err(status)?;
        Ok(Response::new(pb::DeleteRoutingRuleResponse {}))
    }
}
