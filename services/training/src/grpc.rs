//! The tonic adapter: proto → domain (bad input is BAD_USER_INPUT naming the field), call
//! the service, domain → proto, error → status. No rules live here.
//!
//! Enums cross by name: the proto value `PROGRAMME_KIND_ACADEMY` is the domain's `ACADEMY`.

use chrono::NaiveDate;
use glocal_kit::error::to_status;
use glocal_kit::grpc::{bad, caller, from_opt_ts, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::training_service_server::{TrainingService, TrainingServiceServer};
use tonic::metadata::BinaryMetadataValue;
use tonic::{Request, Response, Status};

use crate::domain::{
    Answer, ApplicantKind, ApplicationDraft, ApplicationId, ApplicationState, Attachment,
    AttendanceDraft, AttendanceStatus, CertificateCode, Comment, CostDraft, CutKind, CutRule,
    Decision, EditionDraft, EditionId, EligibilityDraft, EligibilityRule, InvalidInput,
    LocalizedText, Money, NationalityRule, NewApplication, NewEdition, NewProgramme, NewSession,
    Note, OrganisationType, ParticipantDraft, Payer, PaymentAction, PaymentId, PaymentState,
    ProfileDraft, ProgrammeDraft, ProgrammeId, ProgrammeKind, Score, ScreeningOutcome,
    SessionDraft, SessionId, SessionKind, StageDraft, StipendDraft, TextDraft, Version,
    format_date, parse_attendance,
};
use crate::error::TrainingError;
use crate::service::{self, TrainingOffice};

/// Binary metadata carrying every failed eligibility rule as JSON
/// (`[{"rule","field","reason"}]`) on an ineligible application's error.
pub const ELIGIBILITY_METADATA: &str = "glocal-eligibility-bin";

/// The gRPC face of [`TrainingOffice`].
#[derive(Debug, Clone)]
pub struct GrpcService {
    office: TrainingOffice,
}

impl GrpcService {
    /// Wraps the service.
    pub fn new(office: TrainingOffice) -> Self {
        GrpcService { office }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> TrainingServiceServer<GrpcService> {
        TrainingServiceServer::new(self)
    }
}

pub mod coaching;
mod divisions;
mod itinerary;
mod statistics;
mod stipends;

pub use itinerary::ItineraryGrpc;
use stipends::{payment_to_pb, schedule_to_pb};

type GrpcResult<T> = Result<Response<T>, Status>;

fn status(e: TrainingError) -> Status {
    let mut status = to_status(&e);
    if let TrainingError::Ineligible(failures) = &e {
        let json = serde_json::Value::Array(
            failures
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "rule": f.rule.as_str(),
                        "field": f.field,
                        "reason": f.reason.store(),
                    })
                })
                .collect(),
        );
        status.metadata_mut().insert_bin(
            ELIGIBILITY_METADATA,
            BinaryMetadataValue::from_bytes(json.to_string().as_bytes()),
        );
    }
    status
}

fn reply<T, U>(r: Result<T, TrainingError>, f: impl FnOnce(T) -> U) -> GrpcResult<U> {
    r.map(|v| Response::new(f(v))).map_err(status)
}

fn date(d: NaiveDate) -> String {
    format_date(d)
}

fn version(v: i64) -> Result<Version, Status> {
    Version::parse(v).map_err(bad)
}

fn note(s: &str, field: &str) -> Result<Note, Status> {
    Note::parse(s).map_err(|e| bad(e.at(field)))
}

macro_rules! enum_bridge {
    ($to:ident, $from:ident, $dom:ty, $pb:ty, $prefix:literal) => {
        // Some directions are only exercised by the round-trip test.
        #[cfg_attr(not(test), allow(dead_code))]
        fn $to(v: $dom) -> i32 {
            <$pb>::from_str_name(&format!(concat!($prefix, "{}"), v.as_str()))
                .map_or(0, |e| e as i32)
        }

        /// `None` for UNSPECIFIED; BAD_USER_INPUT on `field` for unknown numbers.
        #[cfg_attr(not(test), allow(dead_code))]
        fn $from(v: i32, field: &str) -> Result<Option<$dom>, Status> {
            let unknown = || bad(InvalidInput::unknown_value(field, v));
            let e = <$pb>::try_from(v).map_err(|_| unknown())?;
            match e.as_str_name().strip_prefix($prefix) {
                Some("UNSPECIFIED") | None => Ok(None),
                Some(name) => <$dom>::parse(name).map(Some).map_err(|_| unknown()),
            }
        }
    };
}

enum_bridge!(
    kind_to_pb,
    kind_from_pb,
    ProgrammeKind,
    pb::ProgrammeKind,
    "PROGRAMME_KIND_"
);
enum_bridge!(
    applicant_kind_to_pb,
    applicant_kind_from_pb,
    ApplicantKind,
    pb::ApplicantKind,
    "APPLICANT_KIND_"
);
enum_bridge!(
    org_type_to_pb,
    org_type_from_pb,
    OrganisationType,
    pb::OrganisationType,
    "ORGANISATION_TYPE_"
);
enum_bridge!(
    nationality_to_pb,
    nationality_from_pb,
    NationalityRule,
    pb::NationalityRule,
    "NATIONALITY_RULE_"
);
enum_bridge!(
    state_to_pb,
    state_from_pb,
    ApplicationState,
    pb::ApplicationState,
    "APPLICATION_STATE_"
);
enum_bridge!(
    outcome_to_pb,
    outcome_from_pb,
    ScreeningOutcome,
    pb::ScreeningOutcome,
    "SCREENING_OUTCOME_"
);
enum_bridge!(
    decision_to_pb,
    decision_from_pb,
    Decision,
    pb::Decision,
    "DECISION_"
);
enum_bridge!(
    session_kind_to_pb,
    session_kind_from_pb,
    SessionKind,
    pb::SessionKind,
    "SESSION_KIND_"
);
enum_bridge!(
    attendance_to_pb,
    attendance_from_pb,
    AttendanceStatus,
    pb::AttendanceStatus,
    "ATTENDANCE_STATUS_"
);
enum_bridge!(payer_to_pb, payer_from_pb, Payer, pb::Payer, "PAYER_");
enum_bridge!(
    payment_state_to_pb,
    payment_state_from_pb,
    PaymentState,
    pb::PaymentState,
    "PAYMENT_STATE_"
);
enum_bridge!(
    payment_action_to_pb,
    payment_action_from_pb,
    PaymentAction,
    pb::PaymentAction,
    "PAYMENT_ACTION_"
);
enum_bridge!(
    rule_to_pb,
    rule_from_pb,
    EligibilityRule,
    pb::EligibilityRule,
    "ELIGIBILITY_RULE_"
);

mod costs;
mod fellowship;

pub use fellowship::FellowshipGrpc;

fn required<T>(v: Option<T>, field: &str) -> Result<T, Status> {
    v.ok_or_else(|| bad(InvalidInput::new(field, "is required")))
}

fn cut_to_pb(c: CutRule) -> pb::CutKind {
    match c.kind() {
        CutKind::None => pb::CutKind::None,
        CutKind::TopN => pb::CutKind::TopN,
        CutKind::Threshold => pb::CutKind::Threshold,
    }
}

fn cut_from_pb(v: i32, field: &str) -> Result<Option<CutKind>, Status> {
    Ok(match pb::CutKind::try_from(v) {
        Ok(pb::CutKind::Unspecified) => None,
        Ok(pb::CutKind::None) => Some(CutKind::None),
        Ok(pb::CutKind::TopN) => Some(CutKind::TopN),
        Ok(pb::CutKind::Threshold) => Some(CutKind::Threshold),
        Err(_) => return Err(bad(InvalidInput::unknown_value(field, v))),
    })
}

fn text_to_pb(t: LocalizedText) -> common::LocalizedText {
    common::LocalizedText {
        ko: t.ko,
        en: t.en,
        zh: t.zh,
        ja: t.ja,
    }
}

fn text_from_pb(t: Option<common::LocalizedText>) -> TextDraft {
    let t = t.unwrap_or_default();
    TextDraft {
        ko: t.ko,
        en: t.en,
        zh: t.zh,
        ja: t.ja,
    }
}

fn money_to_pb(m: &Money) -> pb::Money {
    pb::Money {
        amount_minor: m.amount_minor(),
        currency: m.currency().to_owned(),
    }
}

fn summary_to_pb(s: service::ProgrammeSummary) -> pb::ProgrammeSummary {
    pb::ProgrammeSummary {
        id: s.id.to_string(),
        kind: kind_to_pb(s.kind),
        title: Some(text_to_pb(s.title)),
    }
}

fn edition_to_pb(e: service::Edition) -> pb::Edition {
    pb::Edition {
        id: e.id.to_string(),
        programme_id: e.programme.id.to_string(),
        programme: Some(summary_to_pb(e.programme)),
        term: e.term,
        starts_on: date(e.starts_on),
        ends_on: date(e.ends_on),
        applications_open_on: date(e.applications_open_on),
        applications_close_on: date(e.applications_close_on),
        capacity: e.capacity,
        accepted_count: e.accepted_count,
        waitlisted_count: e.waitlisted_count,
        languages: e.languages,
        divisions: e.divisions,
        eligibility: Some(pb::Eligibility {
            applicant_kinds: e
                .eligibility
                .applicant_kinds
                .into_iter()
                .map(applicant_kind_to_pb)
                .collect(),
            organisation_types: e
                .eligibility
                .organisation_types
                .into_iter()
                .map(org_type_to_pb)
                .collect(),
            nationality: nationality_to_pb(e.eligibility.nationality),
            min_grade: e.eligibility.min_grade.map_or(0, u32::from),
            max_grade: e.eligibility.max_grade.map_or(0, u32::from),
        }),
        cost_policy: Some(costs::policy_to_pb(e.cost_policy)),
        host_codes: e.host_codes,
        stages: e
            .stages
            .into_iter()
            .map(|s| pb::ReviewStage {
                number: s.number,
                name: s.name,
                cut: cut_to_pb(s.cut) as i32,
                cut_value: s.cut.value(),
                blind: s.blind,
                reviewer_subjects: s.reviewers,
                division_reviewers: divisions::reviewers_to_pb(s.division_reviewers),
            })
            .collect(),
        published: e.published,
        version: e.version.get(),
        sessions: e.sessions.into_iter().map(session_to_pb).collect(),
    }
}

fn programme_to_pb(p: service::Programme) -> pb::Programme {
    pb::Programme {
        id: p.id.to_string(),
        kind: kind_to_pb(p.kind),
        title: Some(text_to_pb(p.title)),
        description: Some(text_to_pb(p.description)),
        published: p.published,
        editions: p.editions.into_iter().map(edition_to_pb).collect(),
        period: p.period.map(|r| glocal_kit::grpc::period_out(&r)),
        version: p.version.get(),
        created_at: Some(ts(p.created_at)),
    }
}

fn session_to_pb(s: service::Session) -> pb::Session {
    pb::Session {
        id: s.id.to_string(),
        edition_id: s.edition_id.to_string(),
        kind: session_kind_to_pb(s.kind),
        title: s.title,
        starts_at: Some(ts(s.starts_at)),
        ends_at: Some(ts(s.ends_at)),
        location: s.location,
        attendance: s
            .attendance
            .into_iter()
            .map(|a| pb::AttendanceRecord {
                application_id: a.application_id.to_string(),
                participant_name: a.participant_name,
                status: attendance_to_pb(a.status),
                note: a.note,
            })
            .collect(),
    }
}

fn application_to_pb(a: service::Application) -> pb::Application {
    pb::Application {
        id: a.id.to_string(),
        edition_id: a.edition_id.to_string(),
        edition_term: a.edition_term,
        programme: Some(summary_to_pb(a.programme)),
        state: state_to_pb(a.state),
        current_stage: a.current_stage,
        profile: Some(pb::ApplicantProfile {
            kind: applicant_kind_to_pb(a.profile.kind),
            full_name: a.profile.full_name,
            nationality: a.profile.nationality,
            organisation_type: org_type_to_pb(a.profile.organisation_type),
            organisation: a.profile.organisation,
            grade: a.profile.grade.map_or(0, u32::from),
            languages: a.profile.languages,
        }),
        applicant_subject: a.applicant_subject,
        organisation_code: a.organisation_code,
        blind: a.blind,
        answers: a
            .answers
            .into_iter()
            .map(|x| pb::Answer {
                question: x.question,
                answer: x.answer,
            })
            .collect(),
        attachments: a
            .attachments
            .into_iter()
            .map(|x| pb::Attachment {
                name: x.name,
                content_type: x.content_type,
                size_bytes: x.size_bytes,
                sha256: x.sha256,
            })
            .collect(),
        reviews: a
            .reviews
            .into_iter()
            .map(|r| pb::Review {
                stage: r.stage,
                reviewer_subject: r.reviewer_subject,
                reviewer_name: r.reviewer_name,
                score: u32::from(r.score),
                comment: r.comment,
                at: Some(ts(r.at)),
            })
            .collect(),
        scores: a
            .scores
            .into_iter()
            .map(|s| pb::StageScore {
                stage: s.stage,
                reviews: s.reviews,
                mean_centi: s.mean_centi,
            })
            .collect(),
        participation: a.participation.map(|p| pb::Participation {
            host_code: p.host_code.unwrap_or_default(),
            mentor: p.mentor.unwrap_or_default(),
            joined_on: date(p.joined_on),
            left_on: date(p.left_on),
        }),
        decision_note: a.decision_note,
        certificate_code: a.certificate_code.unwrap_or_default(),
        history: a
            .history
            .into_iter()
            .map(|h| pb::HistoryEntry {
                action: h.action,
                from_state: h.from_state.map_or(0, state_to_pb),
                to_state: h.to_state.map_or(0, state_to_pb),
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: Some(ts(h.at)),
                note: h.note,
            })
            .collect(),
        version: a.version.get(),
        created_at: Some(ts(a.created_at)),
        submitted_at: a.submitted_at.map(ts),
        updated_at: Some(ts(a.updated_at)),
        waitlist_position: a.waitlist_position.unwrap_or(0),
        division: a.division.unwrap_or_default(),
        partner_organisation_id: a.partner_organisation_id.unwrap_or_default(),
        relationship: a.relationship.map_or(0, costs::standing_out),
    }
}

fn profile_from_pb(p: Option<pb::ApplicantProfile>) -> Result<ProfileDraft, Status> {
    let p = p.unwrap_or_default();
    Ok(ProfileDraft {
        kind: applicant_kind_from_pb(p.kind, "profile.kind")?,
        full_name: p.full_name,
        nationality: p.nationality,
        organisation_type: org_type_from_pb(p.organisation_type, "profile.organisationType")?,
        organisation: p.organisation,
        grade: p.grade,
        languages: p.languages,
    })
}

impl TryFrom<pb::CreateProgrammeRequest> for NewProgramme {
    type Error = Status;

    fn try_from(m: pb::CreateProgrammeRequest) -> Result<Self, Status> {
        ProgrammeDraft {
            idempotency_key: m.idempotency_key,
            kind: kind_from_pb(m.kind, "kind")?,
            title: text_from_pb(m.title),
            description: text_from_pb(m.description),
            published: m.published,
            period: m.period.map(glocal_kit::grpc::period_in),
        }
        .parse()
        .map_err(bad)
    }
}

impl TryFrom<pb::CreateEditionRequest> for NewEdition {
    type Error = Status;

    fn try_from(m: pb::CreateEditionRequest) -> Result<Self, Status> {
        edition_draft(m)?.parse().map_err(bad)
    }
}

impl TryFrom<pb::SubmitApplicationRequest> for NewApplication {
    type Error = Status;

    fn try_from(m: pb::SubmitApplicationRequest) -> Result<Self, Status> {
        ApplicationDraft {
            idempotency_key: m.idempotency_key,
            edition_id: m.edition_id,
            profile: profile_from_pb(m.profile)?,
            answers: m
                .answers
                .into_iter()
                .map(|a| Answer {
                    question: a.question,
                    answer: a.answer,
                })
                .collect(),
            attachments: m
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    name: a.name,
                    content_type: a.content_type,
                    size_bytes: a.size_bytes,
                    sha256: a.sha256,
                })
                .collect(),
            as_draft: m.as_draft,
            division: m.division,
            partner_organisation_id: m.partner_organisation_id,
            relationships: costs::facts_from_pb(m.relationships)?,
        }
        .parse()
        .map_err(bad)
    }
}

impl TryFrom<pb::ScheduleSessionRequest> for NewSession {
    type Error = Status;

    fn try_from(m: pb::ScheduleSessionRequest) -> Result<Self, Status> {
        SessionDraft {
            edition_id: m.edition_id,
            kind: session_kind_from_pb(m.kind, "kind")?,
            title: m.title,
            starts_at: from_opt_ts(m.starts_at.as_ref(), "startsAt")?,
            ends_at: from_opt_ts(m.ends_at.as_ref(), "endsAt")?,
            location: m.location,
        }
        .parse()
        .map_err(bad)
    }
}

fn edition_draft(m: pb::CreateEditionRequest) -> Result<EditionDraft, Status> {
    let elig = m.eligibility.unwrap_or_default();
    let (shares, stipends, costs) = costs::policy_drafts(m.cost_policy.unwrap_or_default())?;
    Ok(EditionDraft {
        idempotency_key: m.idempotency_key,
        programme_id: m.programme_id,
        term: m.term,
        starts_on: m.starts_on,
        ends_on: m.ends_on,
        applications_open_on: m.applications_open_on,
        applications_close_on: m.applications_close_on,
        capacity: m.capacity,
        languages: m.languages,
        divisions: m.divisions,
        eligibility: EligibilityDraft {
            applicant_kinds: elig
                .applicant_kinds
                .iter()
                .map(|k| applicant_kind_from_pb(*k, "eligibility.applicantKinds"))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect(),
            organisation_types: elig
                .organisation_types
                .iter()
                .map(|k| org_type_from_pb(*k, "eligibility.organisationTypes"))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect(),
            nationality: nationality_from_pb(elig.nationality, "eligibility.nationality")?,
            min_grade: elig.min_grade,
            max_grade: elig.max_grade,
        },
        shares,
        stipends,
        costs,
        host_codes: m.host_codes,
        stages: m
            .stages
            .into_iter()
            .enumerate()
            .map(|(i, s)| {
                Ok(StageDraft {
                    name: s.name,
                    cut: cut_from_pb(s.cut, &format!("stages[{i}].cut"))?,
                    cut_value: s.cut_value,
                    blind: s.blind,
                    reviewers: s.reviewer_subjects,
                    division_reviewers: divisions::reviewers_from_pb(s.division_reviewers),
                })
            })
            .collect::<Result<_, Status>>()?,
        published: m.published,
        outside_period: m.outside_period,
    })
}

#[tonic::async_trait]
impl TrainingService for GrpcService {
    async fn create_programme(
        &self,
        req: Request<pb::CreateProgrammeRequest>,
    ) -> GrpcResult<pb::Programme> {
        let caller = caller(&req)?;
        let new = NewProgramme::try_from(req.into_inner())?;
        reply(
            self.office.create_programme(caller.as_ref(), new).await,
            programme_to_pb,
        )
    }

    async fn list_programmes(
        &self,
        req: Request<pb::ListProgrammesRequest>,
    ) -> GrpcResult<pb::ListProgrammesResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let kinds: Vec<ProgrammeKind> = m
            .kinds
            .iter()
            .map(|k| kind_from_pb(*k, "kinds"))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        reply(
            self.office
                .list_programmes(caller.as_ref(), &kinds, m.page.unwrap_or_default().into())
                .await,
            |page| pb::ListProgrammesResponse {
                page_info: Some(page.info()),
                total_count: page.total_count,
                cursors: page.cursors,
                programmes: page.items.into_iter().map(programme_to_pb).collect(),
            },
        )
    }

    async fn get_programme(
        &self,
        req: Request<pb::GetProgrammeRequest>,
    ) -> GrpcResult<pb::Programme> {
        let caller = caller(&req)?;
        let id = ProgrammeId::parse(&req.get_ref().id, "id").map_err(bad)?;
        reply(
            self.office.get_programme(caller.as_ref(), id).await,
            programme_to_pb,
        )
    }

    async fn batch_get_programmes(
        &self,
        req: Request<pb::BatchGetProgrammesRequest>,
    ) -> GrpcResult<pb::BatchGetProgrammesResponse> {
        let caller = caller(&req)?;
        reply(
            self.office
                .batch_get_programmes(caller.as_ref(), &req.get_ref().ids)
                .await,
            |programmes| pb::BatchGetProgrammesResponse {
                programmes: programmes.into_iter().map(programme_to_pb).collect(),
            },
        )
    }

    async fn create_edition(
        &self,
        req: Request<pb::CreateEditionRequest>,
    ) -> GrpcResult<pb::Edition> {
        let caller = caller(&req)?;
        let new = NewEdition::try_from(req.into_inner())?;
        reply(
            self.office.create_edition(caller.as_ref(), new).await,
            edition_to_pb,
        )
    }

    async fn publish_edition(
        &self,
        req: Request<pb::PublishEditionRequest>,
    ) -> GrpcResult<pb::Edition> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = EditionId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        reply(
            self.office.publish_edition(caller.as_ref(), id, v).await,
            edition_to_pb,
        )
    }

    async fn batch_get_editions(
        &self,
        req: Request<pb::BatchGetEditionsRequest>,
    ) -> GrpcResult<pb::BatchGetEditionsResponse> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        reply(
            self.office
                .batch_get_editions(caller.as_ref(), &m.ids, m.include_sessions)
                .await,
            |editions| pb::BatchGetEditionsResponse {
                editions: editions.into_iter().map(edition_to_pb).collect(),
            },
        )
    }

    async fn get_edition(&self, req: Request<pb::GetEditionRequest>) -> GrpcResult<pb::Edition> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let id = EditionId::parse(&m.id, "id").map_err(bad)?;
        reply(
            self.office
                .get_edition(caller.as_ref(), id, m.include_sessions)
                .await,
            edition_to_pb,
        )
    }

    async fn check_eligibility(
        &self,
        req: Request<pb::CheckEligibilityRequest>,
    ) -> GrpcResult<pb::CheckEligibilityResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let edition = EditionId::parse(&m.edition_id, "editionId").map_err(bad)?;
        let profile = profile_from_pb(m.profile)?.parse().map_err(bad)?;
        reply(
            self.office
                .check_eligibility(caller.as_ref(), edition, profile)
                .await,
            |failures| pb::CheckEligibilityResponse {
                eligible: failures.is_empty(),
                failures: failures
                    .into_iter()
                    .map(|f| pb::EligibilityFailure {
                        rule: rule_to_pb(f.rule),
                        field: f.field,
                        reason: f.reason.store(),
                    })
                    .collect(),
            },
        )
    }

    async fn submit_application(
        &self,
        req: Request<pb::SubmitApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let new = NewApplication::try_from(req.into_inner())?;
        reply(
            self.office.submit_application(caller.as_ref(), new).await,
            application_to_pb,
        )
    }

    async fn submit_draft(
        &self,
        req: Request<pb::SubmitDraftRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let facts = costs::facts_from_pb(m.relationships)?;
        reply(
            self.office
                .submit_draft(caller.as_ref(), id, v, facts)
                .await,
            application_to_pb,
        )
    }

    async fn get_application(
        &self,
        req: Request<pb::GetApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let id = ApplicationId::parse(&req.get_ref().id, "id").map_err(bad)?;
        reply(
            self.office.get_application(caller.as_ref(), id).await,
            application_to_pb,
        )
    }

    async fn list_applications(
        &self,
        req: Request<pb::ListApplicationsRequest>,
    ) -> GrpcResult<pb::ListApplicationsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let f = m.filter.unwrap_or_default();
        let filter = service::ApplicationFilter {
            edition_id: (!f.edition_id.trim().is_empty())
                .then(|| EditionId::parse(&f.edition_id, "filter.editionId").map_err(bad))
                .transpose()?,
            states: f
                .states
                .iter()
                .map(|s| state_from_pb(*s, "filter.states"))
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .flatten()
                .collect(),
            stage: (f.stage > 0).then_some(f.stage),
            mine: f.mine,
        };
        reply(
            self.office
                .list_applications(caller.as_ref(), filter, m.page.unwrap_or_default().into())
                .await,
            |page| pb::ListApplicationsResponse {
                page_info: Some(page.info()),
                total_count: page.total_count,
                cursors: page.cursors,
                applications: page.items.into_iter().map(application_to_pb).collect(),
            },
        )
    }

    async fn screen_application(
        &self,
        req: Request<pb::ScreenApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let outcome = required(outcome_from_pb(m.outcome, "outcome")?, "outcome")?;
        let n = note(&m.note, "note")?;
        reply(
            self.office.screen(caller.as_ref(), id, v, outcome, n).await,
            application_to_pb,
        )
    }

    async fn review_application(
        &self,
        req: Request<pb::ReviewApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        if m.stage == 0 {
            return Err(bad(InvalidInput::new("stage", "is required (1-based)")));
        }
        let score = Score::parse(m.score).map_err(bad)?;
        let comment = Comment::parse(&m.comment).map_err(bad)?;
        reply(
            self.office
                .review(caller.as_ref(), id, m.stage, score, comment)
                .await,
            application_to_pb,
        )
    }

    async fn apply_review_cut(
        &self,
        req: Request<pb::ApplyReviewCutRequest>,
    ) -> GrpcResult<pb::ApplyReviewCutResponse> {
        let caller = caller(&req)?;
        let m = req.get_ref();
        let edition = EditionId::parse(&m.edition_id, "editionId").map_err(bad)?;
        if m.stage == 0 {
            return Err(bad(InvalidInput::new("stage", "is required (1-based)")));
        }
        reply(
            self.office
                .apply_cut(caller.as_ref(), edition, m.stage)
                .await,
            |r| pb::ApplyReviewCutResponse {
                outcomes: r
                    .outcomes
                    .into_iter()
                    .map(|o| pb::CutOutcome {
                        application_id: o.id.to_string(),
                        mean_centi: o.mean_centi,
                        rank: o.rank,
                        advanced: o.advanced,
                        division: o.division.map(String::from).unwrap_or_default(),
                    })
                    .collect(),
                edition: Some(edition_to_pb(r.edition)),
            },
        )
    }

    async fn decide_application(
        &self,
        req: Request<pb::DecideApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let decision = required(decision_from_pb(m.decision, "decision")?, "decision")?;
        let n = note(&m.note, "note")?;
        reply(
            self.office
                .decide(caller.as_ref(), id, v, decision, n)
                .await,
            application_to_pb,
        )
    }

    async fn withdraw_application(
        &self,
        req: Request<pb::WithdrawApplicationRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let reason = note(&m.reason, "reason")?;
        reply(
            self.office.withdraw(caller.as_ref(), id, v, reason).await,
            application_to_pb,
        )
    }

    async fn update_participant(
        &self,
        req: Request<pb::UpdateParticipantRequest>,
    ) -> GrpcResult<pb::Application> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = ApplicationId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let update = ParticipantDraft {
            host_code: m.host_code,
            mentor: m.mentor,
            joined_on: m.joined_on,
            left_on: m.left_on,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office
                .update_participant(caller.as_ref(), id, v, update)
                .await,
            application_to_pb,
        )
    }

    async fn schedule_session(
        &self,
        req: Request<pb::ScheduleSessionRequest>,
    ) -> GrpcResult<pb::Session> {
        let caller = caller(&req)?;
        let new = NewSession::try_from(req.into_inner())?;
        reply(
            self.office.schedule_session(caller.as_ref(), new).await,
            session_to_pb,
        )
    }

    async fn record_attendance(
        &self,
        req: Request<pb::RecordAttendanceRequest>,
    ) -> GrpcResult<pb::Session> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let session = SessionId::parse(&m.session_id, "sessionId").map_err(bad)?;
        let entries = m
            .entries
            .into_iter()
            .enumerate()
            .map(|(i, e)| {
                Ok(AttendanceDraft {
                    application_id: e.application_id,
                    status: attendance_from_pb(e.status, &format!("entries[{i}].status"))?,
                    note: e.note,
                })
            })
            .collect::<Result<Vec<_>, Status>>()?;
        let entries = parse_attendance(entries).map_err(bad)?;
        reply(
            self.office
                .record_attendance(caller.as_ref(), session, entries)
                .await,
            session_to_pb,
        )
    }

    async fn generate_stipend_schedule(
        &self,
        req: Request<pb::GenerateStipendScheduleRequest>,
    ) -> GrpcResult<pb::StipendSchedule> {
        let caller = caller(&req)?;
        let id =
            ApplicationId::parse(&req.get_ref().application_id, "applicationId").map_err(bad)?;
        reply(
            self.office
                .generate_stipend_schedule(caller.as_ref(), id)
                .await,
            schedule_to_pb,
        )
    }

    async fn get_stipend_schedule(
        &self,
        req: Request<pb::GetStipendScheduleRequest>,
    ) -> GrpcResult<pb::StipendSchedule> {
        let caller = caller(&req)?;
        let id =
            ApplicationId::parse(&req.get_ref().application_id, "applicationId").map_err(bad)?;
        reply(
            self.office.stipend_schedule(caller.as_ref(), id).await,
            schedule_to_pb,
        )
    }

    async fn update_stipend_payment(
        &self,
        req: Request<pb::UpdateStipendPaymentRequest>,
    ) -> GrpcResult<pb::StipendPayment> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let id = PaymentId::parse(&m.id, "id").map_err(bad)?;
        let v = version(m.version)?;
        let action = required(payment_action_from_pb(m.action, "action")?, "action")?;
        let n = note(&m.note, "note")?;
        reply(
            self.office
                .update_payment(caller.as_ref(), id, v, action, n)
                .await,
            payment_to_pb,
        )
    }

    async fn issue_certificates(
        &self,
        req: Request<pb::IssueCertificatesRequest>,
    ) -> GrpcResult<pb::IssueCertificatesResponse> {
        let caller = caller(&req)?;
        let edition = EditionId::parse(&req.get_ref().edition_id, "editionId").map_err(bad)?;
        reply(
            self.office
                .issue_certificates(caller.as_ref(), edition)
                .await,
            |o| pb::IssueCertificatesResponse {
                issued: o
                    .issued
                    .into_iter()
                    .map(|c| pb::Certificate {
                        code: c.code.to_string(),
                        application_id: c.application_id.to_string(),
                        holder_name: c.holder_name,
                        issued_on: date(c.issued_on),
                    })
                    .collect(),
                skipped: o
                    .skipped
                    .into_iter()
                    .map(|s| pb::IssueSkip {
                        application_id: s.application_id.to_string(),
                        reason: s.reason.store(),
                    })
                    .collect(),
                already_issued: o.already_issued,
            },
        )
    }

    async fn verify_certificate(
        &self,
        req: Request<pb::VerifyCertificateRequest>,
    ) -> GrpcResult<pb::VerifiedCertificate> {
        let code = CertificateCode::parse(&req.get_ref().code).map_err(bad)?;
        reply(self.office.verify_certificate(code).await, |c| {
            pb::VerifiedCertificate {
                code: c.code,
                holder_name: c.holder_name,
                programme_title: Some(text_to_pb(c.programme_title)),
                programme_kind: kind_to_pb(c.programme_kind),
                edition_term: c.edition_term,
                issued_on: date(c.issued_on),
            }
        })
    }

    async fn get_training_statistics(
        &self,
        req: Request<pb::GetTrainingStatisticsRequest>,
    ) -> GrpcResult<pb::GetTrainingStatisticsResponse> {
        let caller = caller(&req)?;
        let query = req.into_inner().try_into()?;
        reply(
            self.office
                .training_statistics(caller.as_ref(), query)
                .await,
            |rows| pb::GetTrainingStatisticsResponse {
                rows: rows.into_iter().map(statistics::figures_to_pb).collect(),
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! round_trips {
        ($to:ident, $from:ident, $dom:ty) => {
            for v in <$dom>::ALL {
                let n = $to(*v);
                assert_ne!(n, 0, "{v} has no proto value");
                assert_eq!($from(n, "f").unwrap(), Some(*v));
            }
            assert_eq!($from(0, "f").unwrap(), None);
            assert_eq!(
                $from(999, "f").unwrap_err().code(),
                tonic::Code::InvalidArgument
            );
        };
    }

    #[test]
    fn every_enum_value_crosses_the_wire_by_name() {
        round_trips!(kind_to_pb, kind_from_pb, ProgrammeKind);
        round_trips!(applicant_kind_to_pb, applicant_kind_from_pb, ApplicantKind);
        round_trips!(org_type_to_pb, org_type_from_pb, OrganisationType);
        round_trips!(nationality_to_pb, nationality_from_pb, NationalityRule);
        round_trips!(state_to_pb, state_from_pb, ApplicationState);
        round_trips!(outcome_to_pb, outcome_from_pb, ScreeningOutcome);
        round_trips!(decision_to_pb, decision_from_pb, Decision);
        round_trips!(session_kind_to_pb, session_kind_from_pb, SessionKind);
        round_trips!(attendance_to_pb, attendance_from_pb, AttendanceStatus);
        round_trips!(payer_to_pb, payer_from_pb, Payer);
        round_trips!(payment_state_to_pb, payment_state_from_pb, PaymentState);
        round_trips!(payment_action_to_pb, payment_action_from_pb, PaymentAction);
        round_trips!(rule_to_pb, rule_from_pb, EligibilityRule);
    }

    #[test]
    fn ineligibility_travels_with_every_rule() {
        let e = TrainingError::Ineligible(vec![crate::domain::EligibilityFailure {
            rule: EligibilityRule::Grade,
            field: "profile.grade".into(),
            reason: glocal_kit::i18n::Message::new("eligibility-not-published"),
        }]);
        let s = status(e);
        assert_eq!(s.code(), tonic::Code::InvalidArgument);
        let bytes = s
            .metadata()
            .get_bin(ELIGIBILITY_METADATA)
            .unwrap()
            .to_bytes()
            .unwrap();
        let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(json[0]["rule"], "GRADE");
        assert_eq!(json[0]["field"], "profile.grade");
    }
}
