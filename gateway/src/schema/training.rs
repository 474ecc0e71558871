//! Training programmes: programmes and their editions, applications through screening,
//! staged review and decisions, participants' sessions, attendance and stipends, and
//! certificates anyone can verify.
//!
//! Thin resolvers over `glocal.training.v1`: the service embeds what a page needs (an
//! application's edition and programme, a programme's editions, an edition's sessions with
//! attendance) from `IN` queries, and local governments come through the request's
//! DataLoader, so a page costs a fixed number of calls. An ineligible application is a
//! BAD_USER_INPUT whose `extensions.reasons` lists every failed rule.

use async_graphql::resolver_utils::EnumType;
use async_graphql::{
    Context, Enum, ErrorExtensions, ID, InputObject, Object, Result, SimpleObject, Value,
};
use chrono::{DateTime, Utc};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::training::v1 as pb;
use glocal_proto::training::v1::training_service_client::TrainingServiceClient;
use tonic::transport::Channel;

use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::requests::PageInfo;
use super::scalars::Date;
use super::training_loaders::TrainingLoaders;
use super::{Services, caller, datetime, non_empty, timestamp};
use crate::error;
use crate::loaders::Loaders;

/// Binary metadata in which the service lists every failed eligibility rule.
const ELIGIBILITY_METADATA: &str = "glocal-eligibility-bin";

/// A training-service client and `message` with the caller, trace context and deadline.
fn call<T>(
    ctx: &Context<'_>,
    message: T,
) -> Result<(TrainingServiceClient<Channel>, tonic::Request<T>)> {
    let services = ctx.data::<Services>()?;
    let request = glocal_kit::grpc::request(message, caller(ctx), services.timeout);
    Ok((
        TrainingServiceClient::new(services.training.clone()),
        request,
    ))
}

/// A read from the training service: [`super::read`], retried on UNAVAILABLE.
pub(crate) async fn read<M, R, F, Fut>(
    ctx: &Context<'_>,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    M: Clone,
    F: FnMut(TrainingServiceClient<Channel>, tonic::Request<M>) -> Fut,
    Fut: std::future::Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    super::read(
        ctx,
        method,
        |s| TrainingServiceClient::new(s.training.clone()),
        message,
        call,
    )
    .await
}

/// A failed call as a GraphQL error; an ineligible application also carries
/// `extensions.reasons: [{rule, field, reason}]`.
fn remote(status: tonic::Status) -> async_graphql::Error {
    let reasons = status
        .metadata()
        .get_bin(ELIGIBILITY_METADATA)
        .and_then(|v| v.to_bytes().ok())
        .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
    let err = error::remote(status);
    match reasons.and_then(|r| Value::from_json(r).ok()) {
        Some(reasons) => err.extend_with(|_, ext| ext.set("reasons", reasons)),
        None => err,
    }
}

fn version_out(v: i64) -> Result<i32> {
    i32::try_from(v).map_err(|_| error::internal(format!("version {v} exceeds Int")))
}

fn count(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn unsigned(v: i32, field: &str) -> Result<u32> {
    u32::try_from(v).map_err(|_| error::bad_input("must not be negative", field))
}

fn date(s: &str) -> Option<Date> {
    Date::parse(s)
}

fn date_string(d: Option<Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

/// A GraphQL enum that crosses to proto by name (`ACADEMY` ⇄ `PROGRAMME_KIND_ACADEMY`).
trait ProtoEnum: EnumType {
    const PREFIX: &'static str;
    fn from_name(name: &str) -> Option<i32>;
    fn name_of(value: i32) -> Option<&'static str>;

    fn to_proto(self) -> i32 {
        Self::items()
            .iter()
            .find(|i| i.value == self)
            .and_then(|i| Self::from_name(&format!("{}{}", Self::PREFIX, i.name)))
            .unwrap_or(0)
    }

    fn from_proto(value: i32) -> Option<Self> {
        let name = Self::name_of(value)?.strip_prefix(Self::PREFIX)?;
        Self::items()
            .iter()
            .find(|i| i.name == name)
            .map(|i| i.value)
    }

    fn from_proto_or_internal(value: i32) -> Result<Self> {
        Self::from_proto(value)
            .ok_or_else(|| error::internal(format!("unknown enum value {value}")))
    }
}

macro_rules! proto_enum {
    ($(#[$doc:meta])* $name:ident, $pb:ty, $prefix:literal { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl ProtoEnum for $name {
            const PREFIX: &'static str = $prefix;
            fn from_name(name: &str) -> Option<i32> {
                <$pb>::from_str_name(name).map(|e| e as i32)
            }
            fn name_of(value: i32) -> Option<&'static str> {
                <$pb>::try_from(value).ok().map(|e| e.as_str_name())
            }
        }
    };
}

proto_enum!(
    /// The bureau's programmes.
    ProgrammeKind, pb::ProgrammeKind, "PROGRAMME_KIND_" {
        /// Invitation fellowship for foreign public officials (K2H): six months, 60 places.
        InvitationFellowship,
        /// Overseas benchmarking training for Korean local officials.
        OverseasTraining,
        /// The academy for international affairs, twice a year.
        Academy,
        /// Foreign-language speech contest for officials of grade 5 and below.
        SpeechContest,
        /// Coaching on international exchange for local governments.
        Coaching,
    }
);

proto_enum!(
    /// Who applies.
    ApplicantKind, pb::ApplicantKind, "APPLICANT_KIND_" {
        /// A public official, for themself.
        Official,
        /// A local government, as an organisation.
        LocalGovernment,
    }
);

proto_enum!(
    /// The kind of organisation an applicant belongs to.
    OrganisationType, pb::OrganisationType, "ORGANISATION_TYPE_" {
        /// A Korean local government.
        KoreanLocalGovernment,
        /// A foreign local government.
        ForeignLocalGovernment,
        /// Anything else.
        Other,
    }
);

proto_enum!(
    /// Which nationalities an edition admits.
    NationalityRule, pb::NationalityRule, "NATIONALITY_RULE_" {
        /// Anyone.
        Any,
        /// Korean nationals only.
        Korean,
        /// Foreign nationals only.
        Foreign,
    }
);

proto_enum!(
    /// Where a training application is.
    TrainingApplicationState, pb::ApplicationState, "APPLICATION_STATE_" {
        /// Saved, not yet submitted.
        Draft,
        /// Submitted and eligible.
        Submitted,
        /// Being screened by staff.
        Screening,
        /// Being scored by reviewers (see `currentStage`).
        UnderReview,
        /// Accepted: a participant.
        Accepted,
        /// On the waitlist; promoted in order when a place frees up.
        Waitlisted,
        /// Rejected.
        Rejected,
        /// Withdrawn by the applicant.
        Withdrawn,
    }
);

proto_enum!(
    /// Who moves on from a review stage.
    ReviewCutKind, pb::CutKind, "CUT_KIND_" {
        /// Everyone scored.
        None,
        /// The N best mean scores, and everyone tied with the N-th.
        TopN,
        /// Mean score at least the threshold.
        Threshold,
    }
);

proto_enum!(
    /// How staff conclude screening.
    ScreeningOutcome, pb::ScreeningOutcome, "SCREENING_OUTCOME_" {
        /// Begin screening a submitted application.
        Start,
        /// Passed: on to the first review stage.
        Pass,
        /// Failed: rejected (a note is required).
        Fail,
    }
);

proto_enum!(
    /// A decision on an application at its last review stage or on the waitlist.
    TrainingDecision, pb::Decision, "DECISION_" {
        /// Accept, if a place is free.
        Accept,
        /// Put on the waitlist.
        Waitlist,
        /// Reject.
        Reject,
    }
);

proto_enum!(
    /// What a training session is.
    TrainingSessionKind, pb::SessionKind, "SESSION_KIND_" {
        /// Pre-training.
        PreTraining,
        /// A lecture.
        Lecture,
        /// Work at the host local government.
        Placement,
        /// A preliminary round.
        Preliminary,
        /// The finals.
        Final,
        /// A coaching session.
        Coaching,
        /// The certification ceremony.
        Ceremony,
    }
);

proto_enum!(
    /// Whether a participant attended a session.
    TrainingAttendanceStatus, pb::AttendanceStatus, "ATTENDANCE_STATUS_" {
        /// On time.
        Present,
        /// Late.
        Late,
        /// Not there.
        Absent,
        /// Not there, excused (does not count against completion).
        Excused,
    }
);

proto_enum!(
    /// Who pays a stipend or a cost.
    StipendPayer, pb::Payer, "PAYER_" {
        /// The association (the bureau).
        Association,
        /// The host local government.
        HostLocalGovernment,
    }
);

proto_enum!(
    /// Where a stipend payment is.
    StipendPaymentState, pb::PaymentState, "PAYMENT_STATE_" {
        /// Generated from the policy.
        Scheduled,
        /// Approved for payment.
        Approved,
        /// Paid.
        Paid,
        /// The transfer failed (may be retried).
        Failed,
    }
);

proto_enum!(
    /// A change to a stipend payment.
    StipendPaymentAction, pb::PaymentAction, "PAYMENT_ACTION_" {
        /// SCHEDULED → APPROVED.
        Approve,
        /// APPROVED → PAID.
        Pay,
        /// APPROVED → FAILED.
        Fail,
        /// FAILED → APPROVED.
        Retry,
    }
);

proto_enum!(
    /// One eligibility rule.
    EligibilityRule, pb::EligibilityRule, "ELIGIBILITY_RULE_" {
        /// The edition is published.
        Published,
        /// Today is within the application window.
        ApplicationWindow,
        /// The edition takes this kind of applicant.
        ApplicantKind,
        /// The edition takes this kind of organisation.
        OrganisationType,
        /// The edition takes this nationality.
        Nationality,
        /// The administrative grade is in range.
        Grade,
        /// The applicant works in one of the edition's languages.
        Language,
        /// One active application per applicant and edition.
        OneActiveApplication,
    }
);

// ---- output types -----------------------------------------------------------------------

/// An amount of money in integer minor units (KRW has none: 400000 = ₩400,000).
#[derive(SimpleObject, Clone)]
pub struct TrainingMoney {
    /// Amount in minor units of `currency`.
    pub amount_minor: i64,
    /// ISO 4217 code, e.g. "KRW".
    pub currency: String,
}

impl TrainingMoney {
    fn from_proto(m: Option<&pb::Money>) -> TrainingMoney {
        let m = m.cloned().unwrap_or_default();
        TrainingMoney {
            amount_minor: m.amount_minor,
            currency: m.currency,
        }
    }
}

/// A programme the bureau runs, in editions.
pub struct Programme(pub(crate) pb::Programme);

/// A programme the bureau runs, in editions.
#[Object(tag = "public")]
impl Programme {
    /// Programme id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Which programme.
    async fn kind(&self) -> Result<ProgrammeKind> {
        ProgrammeKind::from_proto_or_internal(self.0.kind)
    }

    /// Title in `lang` (default: the request's `Accept-Language`), with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.title.as_ref(), language::effective(ctx, lang))
    }

    /// Description in `lang`, with the usual fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.description.as_ref(), language::effective(ctx, lang))
    }

    /// Visible to the public.
    async fn published(&self) -> bool {
        self.0.published
    }

    /// The editions the caller may see, newest start first.
    async fn editions(&self) -> Vec<ProgrammeEdition> {
        self.0
            .editions
            .iter()
            .cloned()
            .map(ProgrammeEdition)
            .collect()
    }

    /// Optimistic-concurrency version.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }

    /// When it was created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.created_at.as_ref())
    }
}

/// Who may apply to an edition.
#[derive(SimpleObject)]
pub struct EditionEligibility {
    /// Kinds of applicant admitted.
    pub applicant_kinds: Vec<ApplicantKind>,
    /// Organisation types admitted; empty admits any.
    pub organisation_types: Vec<OrganisationType>,
    /// Nationalities admitted.
    pub nationality: Option<NationalityRule>,
    /// Highest grade admitted (1 is the highest), if bounded.
    pub min_grade: Option<i32>,
    /// Lowest grade admitted (9 is the lowest), if bounded.
    pub max_grade: Option<i32>,
}

/// A monthly stipend one payer pays each participant.
#[derive(SimpleObject)]
pub struct StipendLine {
    /// Who pays.
    pub payer: Option<StipendPayer>,
    /// A full month's amount.
    pub monthly: TrainingMoney,
}

/// A cost a payer covers.
#[derive(SimpleObject)]
pub struct CostShare {
    /// Who pays.
    pub payer: Option<StipendPayer>,
    /// What, e.g. "medical and accident insurance".
    pub item: String,
}

/// How an edition's costs are split.
#[derive(SimpleObject)]
pub struct CostPolicy {
    /// Monthly stipends, per payer.
    pub stipends: Vec<StipendLine>,
    /// Other costs and who covers them.
    pub costs: Vec<CostShare>,
}

/// A review stage of an edition.
#[derive(SimpleObject)]
pub struct ReviewStage {
    /// 1-based position.
    pub number: i32,
    /// Name, e.g. "Preliminaries".
    pub name: String,
    /// Who moves on to the next stage.
    pub cut: Option<ReviewCutKind>,
    /// N for TOP_N, the minimum mean score for THRESHOLD.
    pub cut_value: i32,
    /// Reviewers do not see who applied.
    pub blind: bool,
    /// Subjects of the staff reviewing at this stage (shown to the edition's managers).
    pub reviewer_subjects: Vec<String>,
}

/// One run of a programme.
pub struct ProgrammeEdition(pub(crate) pb::Edition);

/// One run of a programme.
#[Object(tag = "public")]
impl ProgrammeEdition {
    /// Edition id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The programme's id.
    async fn programme_id(&self) -> ID {
        ID(self.0.programme_id.clone())
    }

    /// The programme's kind.
    async fn programme_kind(&self) -> Option<ProgrammeKind> {
        self.0
            .programme
            .as_ref()
            .and_then(|p| ProgrammeKind::from_proto(p.kind))
    }

    /// The programme's title in `lang`.
    async fn programme_title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.0.programme.as_ref().and_then(|p| p.title.as_ref()),
            language::effective(ctx, lang),
        )
    }

    /// Term, e.g. "2026" or "2026-1".
    async fn term(&self) -> &str {
        &self.0.term
    }

    /// First day.
    async fn starts_on(&self) -> Option<Date> {
        date(&self.0.starts_on)
    }

    /// Last day.
    async fn ends_on(&self) -> Option<Date> {
        date(&self.0.ends_on)
    }

    /// First day applications are taken.
    async fn applications_open_on(&self) -> Option<Date> {
        date(&self.0.applications_open_on)
    }

    /// Last day applications are taken.
    async fn applications_close_on(&self) -> Option<Date> {
        date(&self.0.applications_close_on)
    }

    /// Places.
    async fn capacity(&self) -> i32 {
        count(self.0.capacity)
    }

    /// Places taken by accepted participants.
    async fn accepted_count(&self) -> i32 {
        count(self.0.accepted_count)
    }

    /// Applications on the waitlist.
    async fn waitlisted_count(&self) -> i32 {
        count(self.0.waitlisted_count)
    }

    /// ISO 639-1 codes of the working languages.
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }

    /// Who may apply.
    async fn eligibility(&self) -> EditionEligibility {
        let e = self.0.eligibility.clone().unwrap_or_default();
        let grade = |g: u32| (g > 0).then(|| count(g));
        EditionEligibility {
            applicant_kinds: e
                .applicant_kinds
                .iter()
                .filter_map(|k| ApplicantKind::from_proto(*k))
                .collect(),
            organisation_types: e
                .organisation_types
                .iter()
                .filter_map(|t| OrganisationType::from_proto(*t))
                .collect(),
            nationality: NationalityRule::from_proto(e.nationality),
            min_grade: grade(e.min_grade),
            max_grade: grade(e.max_grade),
        }
    }

    /// How costs and stipends are split.
    async fn cost_policy(&self) -> CostPolicy {
        let p = self.0.cost_policy.clone().unwrap_or_default();
        CostPolicy {
            stipends: p
                .stipends
                .iter()
                .map(|s| StipendLine {
                    payer: StipendPayer::from_proto(s.payer),
                    monthly: TrainingMoney::from_proto(s.monthly.as_ref()),
                })
                .collect(),
            costs: p
                .costs
                .into_iter()
                .map(|c| CostShare {
                    payer: StipendPayer::from_proto(c.payer),
                    item: c.item,
                })
                .collect(),
        }
    }

    /// The host local governments (placements are with one of them).
    async fn hosts(&self, ctx: &Context<'_>) -> Result<Vec<LocalGovernment>> {
        let loaders = ctx.data::<Loaders>()?;
        let found = loaders
            .local_governments
            .load_many(self.0.host_codes.iter().cloned())
            .await?;
        Ok(self
            .0
            .host_codes
            .iter()
            .filter_map(|c| found.get(c).cloned().map(LocalGovernment))
            .collect())
    }

    /// Standard codes of the host local governments.
    async fn host_codes(&self) -> &[String] {
        &self.0.host_codes
    }

    /// Review stages, in order.
    async fn stages(&self) -> Vec<ReviewStage> {
        self.0
            .stages
            .iter()
            .map(|s| ReviewStage {
                number: count(s.number),
                name: s.name.clone(),
                cut: ReviewCutKind::from_proto(s.cut),
                cut_value: count(s.cut_value),
                blind: s.blind,
                reviewer_subjects: s.reviewer_subjects.clone(),
            })
            .collect()
    }

    /// Visible to the public.
    async fn published(&self) -> bool {
        self.0.published
    }

    /// Sessions (only on `edition(id)`), with the attendance the caller may see.
    async fn sessions(&self) -> Vec<TrainingSession> {
        self.0
            .sessions
            .iter()
            .cloned()
            .map(TrainingSession)
            .collect()
    }

    /// Optimistic-concurrency version: pass it to `publishEdition`.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }
}

/// Who applied; identity fields are empty for a blind reviewer.
pub struct ApplicantProfile(pb::ApplicantProfile);

/// Who applied; identity fields are empty for a blind reviewer.
#[Object]
impl ApplicantProfile {
    /// An official or a local government.
    async fn kind(&self) -> Option<ApplicantKind> {
        ApplicantKind::from_proto(self.0.kind)
    }

    /// Full name (a local government's contact person).
    async fn full_name(&self) -> Option<&str> {
        non_empty(&self.0.full_name)
    }

    /// ISO 3166-1 alpha-2 nationality.
    async fn nationality(&self) -> Option<&str> {
        non_empty(&self.0.nationality)
    }

    /// Kind of organisation.
    async fn organisation_type(&self) -> Option<OrganisationType> {
        OrganisationType::from_proto(self.0.organisation_type)
    }

    /// Organisation name.
    async fn organisation(&self) -> Option<&str> {
        non_empty(&self.0.organisation)
    }

    /// Administrative grade (1–9), when stated.
    async fn grade(&self) -> Option<i32> {
        (self.0.grade > 0).then(|| count(self.0.grade))
    }

    /// Working languages (ISO 639-1).
    async fn languages(&self) -> &[String] {
        &self.0.languages
    }
}

/// An answer to a question of the call.
#[derive(SimpleObject)]
pub struct ApplicationAnswer {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// Metadata of an attached file.
#[derive(SimpleObject)]
pub struct ApplicationAttachment {
    /// File name.
    pub name: String,
    /// MIME type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// A reviewer's score.
#[derive(SimpleObject)]
pub struct ApplicationReview {
    /// Stage.
    pub stage: i32,
    /// Reviewer's subject.
    pub reviewer_subject: String,
    /// Reviewer's name.
    pub reviewer_name: String,
    /// 0–100.
    pub score: i32,
    /// Comment.
    pub comment: String,
    /// When.
    pub at: Option<DateTime<Utc>>,
}

/// An application's mean score at a stage (shown to managers).
#[derive(SimpleObject)]
pub struct StageScore {
    /// Stage.
    pub stage: i32,
    /// How many reviews.
    pub reviews: i32,
    /// Mean in hundredths, rounded down (8150 = 81.50).
    pub mean_centi: i64,
}

/// A participant's placement and dates.
pub struct Participation(pb::Participation);

/// A participant's placement and dates.
#[Object]
impl Participation {
    /// The host local government.
    async fn host(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.0.host_code).await
    }

    /// The host's standard code.
    async fn host_code(&self) -> Option<&str> {
        non_empty(&self.0.host_code)
    }

    /// Mentor at the host.
    async fn mentor(&self) -> Option<&str> {
        non_empty(&self.0.mentor)
    }

    /// First day present.
    async fn joined_on(&self) -> Option<Date> {
        date(&self.0.joined_on)
    }

    /// Last day present.
    async fn left_on(&self) -> Option<Date> {
        date(&self.0.left_on)
    }
}

/// One audit entry of an application.
pub struct TrainingHistoryEntry(pb::HistoryEntry);

/// One audit entry of an application.
#[Object]
impl TrainingHistoryEntry {
    /// What happened, e.g. `submit`, `accept`, `promote`, `review`, `certify`.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// State before.
    async fn from(&self) -> Option<TrainingApplicationState> {
        TrainingApplicationState::from_proto(self.0.from_state)
    }

    /// State after.
    async fn to(&self) -> Option<TrainingApplicationState> {
        TrainingApplicationState::from_proto(self.0.to_state)
    }

    /// Who (`system` for automatic promotions).
    async fn actor_subject(&self) -> &str {
        &self.0.actor_subject
    }

    /// Their name.
    async fn actor_name(&self) -> &str {
        &self.0.actor_name
    }

    /// When.
    async fn at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.at.as_ref())
    }

    /// A note on the change.
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }
}

/// An application to an edition.
pub struct TrainingApplication(pub(crate) pb::Application);

/// An application to an edition.
#[Object]
impl TrainingApplication {
    /// Application id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The edition applied to.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }

    /// The edition's term.
    async fn edition_term(&self) -> &str {
        &self.0.edition_term
    }

    /// The programme's kind.
    async fn programme_kind(&self) -> Option<ProgrammeKind> {
        self.0
            .programme
            .as_ref()
            .and_then(|p| ProgrammeKind::from_proto(p.kind))
    }

    /// The programme's title in `lang`.
    async fn programme_title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.0.programme.as_ref().and_then(|p| p.title.as_ref()),
            language::effective(ctx, lang),
        )
    }

    /// Where the application is.
    async fn state(&self) -> Result<TrainingApplicationState> {
        TrainingApplicationState::from_proto_or_internal(self.0.state)
    }

    /// Review stage (1-based) while under review; 0 before.
    async fn current_stage(&self) -> i32 {
        count(self.0.current_stage)
    }

    /// Who applied.
    async fn profile(&self) -> ApplicantProfile {
        ApplicantProfile(self.0.profile.clone().unwrap_or_default())
    }

    /// The applicant's subject (empty for a blind reviewer).
    async fn applicant_subject(&self) -> Option<&str> {
        non_empty(&self.0.applicant_subject)
    }

    /// The applicant's Korean local government, when their organisation is one.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        let code = &self.0.organisation_code;
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            load_local_government(ctx, code).await
        } else {
            Ok(None)
        }
    }

    /// The caller reviews this application blind.
    async fn blind(&self) -> bool {
        self.0.blind
    }

    /// Answers to the call's questions.
    async fn answers(&self) -> Vec<ApplicationAnswer> {
        self.0
            .answers
            .iter()
            .map(|a| ApplicationAnswer {
                question: a.question.clone(),
                answer: a.answer.clone(),
            })
            .collect()
    }

    /// Attached files' metadata.
    async fn attachments(&self) -> Vec<ApplicationAttachment> {
        self.0
            .attachments
            .iter()
            .map(|a| ApplicationAttachment {
                name: a.name.clone(),
                content_type: a.content_type.clone(),
                size_bytes: i64::try_from(a.size_bytes).unwrap_or(i64::MAX),
                sha256: a.sha256.clone(),
            })
            .collect()
    }

    /// Scores the caller may see (managers: all; reviewers: their own).
    async fn reviews(&self) -> Vec<ApplicationReview> {
        self.0
            .reviews
            .iter()
            .map(|r| ApplicationReview {
                stage: count(r.stage),
                reviewer_subject: r.reviewer_subject.clone(),
                reviewer_name: r.reviewer_name.clone(),
                score: count(r.score),
                comment: r.comment.clone(),
                at: datetime(r.at.as_ref()),
            })
            .collect()
    }

    /// Mean score per stage (managers only).
    async fn scores(&self) -> Vec<StageScore> {
        self.0
            .scores
            .iter()
            .map(|s| StageScore {
                stage: count(s.stage),
                reviews: count(s.reviews),
                mean_centi: s.mean_centi,
            })
            .collect()
    }

    /// Placement and dates, once accepted.
    async fn participation(&self) -> Option<Participation> {
        self.0.participation.clone().map(Participation)
    }

    /// The note of the last screening or decision.
    async fn decision_note(&self) -> Option<&str> {
        non_empty(&self.0.decision_note)
    }

    /// The certificate's verification code, once certified.
    async fn certificate_code(&self) -> Option<&str> {
        non_empty(&self.0.certificate_code)
    }

    /// 1-based place on the waitlist while waitlisted.
    async fn waitlist_position(&self) -> Option<i32> {
        (self.0.waitlist_position > 0).then(|| count(self.0.waitlist_position))
    }

    /// The audit history, oldest first (managers and the applicant).
    async fn history(&self) -> Vec<TrainingHistoryEntry> {
        self.0
            .history
            .iter()
            .cloned()
            .map(TrainingHistoryEntry)
            .collect()
    }

    /// Optimistic-concurrency version: pass it back to workflow mutations.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }

    /// Created.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.created_at.as_ref())
    }

    /// Submitted.
    async fn submitted_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.submitted_at.as_ref())
    }

    /// Last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.updated_at.as_ref())
    }
}

/// One participant's attendance at a session.
#[derive(SimpleObject)]
pub struct TrainingAttendance {
    /// The participant's application.
    pub application_id: ID,
    /// Their name.
    pub participant_name: String,
    /// Present, late, absent or excused.
    pub status: Option<TrainingAttendanceStatus>,
    /// Note.
    pub note: String,
}

/// A session of an edition.
pub struct TrainingSession(pb::Session);

/// A session of an edition.
#[Object]
impl TrainingSession {
    /// Session id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// The edition.
    async fn edition_id(&self) -> ID {
        ID(self.0.edition_id.clone())
    }

    /// What it is.
    async fn kind(&self) -> Option<TrainingSessionKind> {
        TrainingSessionKind::from_proto(self.0.kind)
    }

    /// Title.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Start.
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.starts_at.as_ref())
    }

    /// End.
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.ends_at.as_ref())
    }

    /// Where.
    async fn location(&self) -> Option<&str> {
        non_empty(&self.0.location)
    }

    /// Attendance the caller may see (managers: everyone; a participant: their own).
    async fn attendance(&self) -> Vec<TrainingAttendance> {
        self.0
            .attendance
            .iter()
            .map(|a| TrainingAttendance {
                application_id: ID(a.application_id.clone()),
                participant_name: a.participant_name.clone(),
                status: TrainingAttendanceStatus::from_proto(a.status),
                note: a.note.clone(),
            })
            .collect()
    }
}

/// One stipend payment.
pub struct StipendPayment(pb::StipendPayment);

/// One stipend payment.
#[Object]
impl StipendPayment {
    /// Payment id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Who pays.
    async fn payer(&self) -> Option<StipendPayer> {
        StipendPayer::from_proto(self.0.payer)
    }

    /// 1-based stipend month of the edition.
    async fn period(&self) -> i32 {
        count(self.0.period)
    }

    /// First day of the month.
    async fn period_start(&self) -> Option<Date> {
        date(&self.0.period_start)
    }

    /// Last day of the month (cut at the edition's end).
    async fn period_end(&self) -> Option<Date> {
        date(&self.0.period_end)
    }

    /// Days of the month the participant is present.
    async fn days_present(&self) -> i32 {
        count(self.0.days_present)
    }

    /// Days of the whole month.
    async fn days_in_period(&self) -> i32 {
        count(self.0.days_in_period)
    }

    /// The amount: monthly × days present ÷ days in the month, rounded down.
    async fn amount(&self) -> TrainingMoney {
        TrainingMoney::from_proto(self.0.amount.as_ref())
    }

    /// Where the payment is.
    async fn state(&self) -> Option<StipendPaymentState> {
        StipendPaymentState::from_proto(self.0.state)
    }

    /// Note of the last change.
    async fn note(&self) -> Option<&str> {
        non_empty(&self.0.note)
    }

    /// Optimistic-concurrency version.
    async fn version(&self) -> Result<i32> {
        version_out(self.0.version)
    }
}

/// A participant's stipend schedule.
pub struct StipendSchedule(pb::StipendSchedule);

/// A participant's stipend schedule.
#[Object]
impl StipendSchedule {
    /// The participant's application.
    async fn application_id(&self) -> ID {
        ID(self.0.application_id.clone())
    }

    /// Payments by payer and month.
    async fn payments(&self) -> Vec<StipendPayment> {
        self.0
            .payments
            .iter()
            .cloned()
            .map(StipendPayment)
            .collect()
    }

    /// Totals per currency.
    async fn totals(&self) -> Vec<TrainingMoney> {
        self.0
            .totals
            .iter()
            .map(|m| TrainingMoney::from_proto(Some(m)))
            .collect()
    }
}

/// One failed eligibility rule.
#[derive(SimpleObject)]
pub struct EligibilityFailure {
    /// The rule.
    pub rule: Option<EligibilityRule>,
    /// The input field at fault, e.g. "profile.grade".
    pub field: String,
    /// Why.
    pub reason: String,
}

/// The outcome of an eligibility check.
#[derive(SimpleObject)]
pub struct EligibilityCheck {
    /// Every rule passes.
    pub eligible: bool,
    /// Each failed rule with its reason.
    pub failures: Vec<EligibilityFailure>,
}

/// Where one application ended up at a cut.
#[derive(SimpleObject)]
pub struct ReviewCutOutcome {
    /// The application.
    pub application_id: ID,
    /// Mean score in hundredths.
    pub mean_centi: i64,
    /// Rank (ties share a rank).
    pub rank: i32,
    /// Moved on to the next stage.
    pub advanced: bool,
}

/// What a stage cut did.
#[derive(SimpleObject)]
pub struct ReviewCutResult {
    /// Every application at the stage, best first.
    pub outcomes: Vec<ReviewCutOutcome>,
    /// The edition after the cut.
    pub edition: Option<ProgrammeEdition>,
}

/// A certificate issued by `issueCertificates`.
#[derive(SimpleObject)]
pub struct IssuedCertificate {
    /// Verification code.
    pub code: String,
    /// The participant's application.
    pub application_id: ID,
    /// The participant's name.
    pub holder_name: String,
    /// Issue date.
    pub issued_on: Option<Date>,
}

/// A participant who got no certificate, and why.
#[derive(SimpleObject)]
pub struct CertificateSkip {
    /// The participant's application.
    pub application_id: ID,
    /// Why, e.g. "attended 3 of 5 sessions (at least 80% needed)".
    pub reason: String,
}

/// What one `issueCertificates` call did.
#[derive(SimpleObject)]
pub struct CertificateIssue {
    /// Issued now.
    pub issued: Vec<IssuedCertificate>,
    /// Not (yet) completing.
    pub skipped: Vec<CertificateSkip>,
    /// Certified before.
    pub already_issued: i32,
}

/// All a certificate reveals to the public: name, programme, edition and date.
pub struct VerifiedCertificate(pb::VerifiedCertificate);

/// All a certificate reveals to the public: name, programme, edition and date.
#[Object]
impl VerifiedCertificate {
    /// The verification code, in canonical form.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The participant's name.
    async fn holder_name(&self) -> &str {
        &self.0.holder_name
    }

    /// The programme's title in `lang`.
    async fn programme_title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.0.programme_title.as_ref(),
            language::effective(ctx, lang),
        )
    }

    /// The programme's kind.
    async fn programme_kind(&self) -> Option<ProgrammeKind> {
        ProgrammeKind::from_proto(self.0.programme_kind)
    }

    /// The edition's term.
    async fn edition_term(&self) -> &str {
        &self.0.edition_term
    }

    /// Issue date.
    async fn issued_on(&self) -> Option<Date> {
        date(&self.0.issued_on)
    }
}

/// One programme in a page.
#[derive(SimpleObject)]
pub struct ProgrammeEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The programme.
    pub node: Programme,
}

/// A page of programmes, in creation order.
#[derive(SimpleObject)]
pub struct ProgrammeConnection {
    /// The programmes of this page.
    pub edges: Vec<ProgrammeEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many programmes match in all.
    pub total_count: i32,
}

/// One application in a page.
#[derive(SimpleObject)]
pub struct TrainingApplicationEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The application.
    pub node: TrainingApplication,
}

/// A page of applications, newest first.
#[derive(SimpleObject)]
pub struct TrainingApplicationConnection {
    /// The applications of this page.
    pub edges: Vec<TrainingApplicationEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many applications match in all.
    pub total_count: i32,
}

fn page_info(cursors: &[String], page: Option<&glocal_proto::common::v1::PageInfo>) -> PageInfo {
    let page = page.cloned().unwrap_or_default();
    PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: false,
        start_cursor: cursors.first().cloned(),
        end_cursor: non_empty(&page.end_cursor)
            .map(str::to_owned)
            .or_else(|| cursors.last().cloned()),
    }
}

fn page_request(first: Option<i32>, after: Option<String>) -> Result<PageRequest> {
    Ok(PageRequest {
        first: unsigned(first.unwrap_or(20), "first")?,
        after: after.unwrap_or_default(),
    })
}

// ---- inputs -----------------------------------------------------------------------------

/// Text in the bureau's four languages; give at least one.
#[derive(InputObject, Default)]
pub struct TrainingTextInput {
    /// Korean.
    pub ko: Option<String>,
    /// English.
    pub en: Option<String>,
    /// Chinese.
    pub zh: Option<String>,
    /// Japanese.
    pub ja: Option<String>,
}

impl TrainingTextInput {
    fn into_proto(self) -> LocalizedText {
        LocalizedText {
            ko: self.ko.unwrap_or_default(),
            en: self.en.unwrap_or_default(),
            zh: self.zh.unwrap_or_default(),
            ja: self.ja.unwrap_or_default(),
        }
    }
}

/// Creates a programme.
#[derive(InputObject)]
pub struct CreateProgrammeInput {
    /// A retry with the same key returns the same programme.
    pub idempotency_key: String,
    /// Which programme.
    pub kind: ProgrammeKind,
    /// Title.
    pub title: TrainingTextInput,
    /// Description.
    pub description: Option<TrainingTextInput>,
    /// Visible to the public at once.
    #[graphql(default)]
    pub published: bool,
}

/// Who may apply.
#[derive(InputObject, Default)]
pub struct EditionEligibilityInput {
    /// Default: officials only.
    #[graphql(default)]
    pub applicant_kinds: Vec<ApplicantKind>,
    /// Default: any organisation.
    #[graphql(default)]
    pub organisation_types: Vec<OrganisationType>,
    /// Default: any nationality.
    pub nationality: Option<NationalityRule>,
    /// Highest grade admitted (1 is the highest).
    pub min_grade: Option<i32>,
    /// Lowest grade admitted (9 is the lowest).
    pub max_grade: Option<i32>,
}

/// A monthly stipend line.
#[derive(InputObject)]
pub struct StipendLineInput {
    /// Who pays (at most one line per payer).
    pub payer: StipendPayer,
    /// A full month's amount in minor units.
    pub monthly_amount_minor: i64,
    /// ISO 4217, e.g. "KRW".
    pub currency: String,
}

/// A cost one payer covers.
#[derive(InputObject)]
pub struct CostShareInput {
    /// Who pays.
    pub payer: StipendPayer,
    /// What.
    pub item: String,
}

/// A review stage.
#[derive(InputObject)]
pub struct ReviewStageInput {
    /// Name.
    pub name: String,
    /// Who moves on (the last stage has no cut: it ends with decisions).
    pub cut: Option<ReviewCutKind>,
    /// N for TOP_N, the minimum mean score for THRESHOLD.
    pub cut_value: Option<i32>,
    /// Reviewers do not see who applied.
    #[graphql(default)]
    pub blind: bool,
    /// Subjects of the bureau staff who score at this stage.
    #[graphql(default)]
    pub reviewer_subjects: Vec<String>,
}

/// Creates an edition of a programme.
#[derive(InputObject)]
pub struct CreateEditionInput {
    /// A retry with the same key returns the same edition.
    pub idempotency_key: String,
    /// The programme.
    pub programme_id: ID,
    /// Term, e.g. "2026" or "2026-1".
    pub term: String,
    /// First day.
    pub starts_on: Date,
    /// Last day.
    pub ends_on: Date,
    /// First day applications are taken.
    pub applications_open_on: Date,
    /// Last day applications are taken (before `startsOn`).
    pub applications_close_on: Date,
    /// Places.
    pub capacity: i32,
    /// ISO 639-1 codes of the working languages.
    #[graphql(default)]
    pub languages: Vec<String>,
    /// Who may apply.
    pub eligibility: Option<EditionEligibilityInput>,
    /// Monthly stipends.
    #[graphql(default)]
    pub stipends: Vec<StipendLineInput>,
    /// Other costs and who covers them.
    #[graphql(default)]
    pub costs: Vec<CostShareInput>,
    /// Standard codes of the host local governments.
    #[graphql(default)]
    pub host_codes: Vec<String>,
    /// Review stages; default one stage "Review".
    #[graphql(default)]
    pub stages: Vec<ReviewStageInput>,
    /// Visible to the public at once.
    #[graphql(default)]
    pub published: bool,
}

impl CreateEditionInput {
    fn into_proto(self) -> Result<pb::CreateEditionRequest> {
        let e = self.eligibility.unwrap_or_default();
        let grade = |g: Option<i32>, field: &str| unsigned(g.unwrap_or(0), field);
        Ok(pb::CreateEditionRequest {
            idempotency_key: self.idempotency_key,
            programme_id: self.programme_id.0,
            term: self.term,
            starts_on: self.starts_on.to_string(),
            ends_on: self.ends_on.to_string(),
            applications_open_on: self.applications_open_on.to_string(),
            applications_close_on: self.applications_close_on.to_string(),
            capacity: unsigned(self.capacity, "capacity")?,
            languages: self.languages,
            eligibility: Some(pb::Eligibility {
                applicant_kinds: e
                    .applicant_kinds
                    .into_iter()
                    .map(ProtoEnum::to_proto)
                    .collect(),
                organisation_types: e
                    .organisation_types
                    .into_iter()
                    .map(ProtoEnum::to_proto)
                    .collect(),
                nationality: e.nationality.map_or(0, ProtoEnum::to_proto),
                min_grade: grade(e.min_grade, "eligibility.minGrade")?,
                max_grade: grade(e.max_grade, "eligibility.maxGrade")?,
            }),
            cost_policy: Some(pb::CostPolicy {
                stipends: self
                    .stipends
                    .into_iter()
                    .map(|s| pb::StipendLine {
                        payer: s.payer.to_proto(),
                        monthly: Some(pb::Money {
                            amount_minor: s.monthly_amount_minor,
                            currency: s.currency,
                        }),
                    })
                    .collect(),
                costs: self
                    .costs
                    .into_iter()
                    .map(|c| pb::CostShare {
                        payer: c.payer.to_proto(),
                        item: c.item,
                    })
                    .collect(),
            }),
            host_codes: self.host_codes,
            stages: self
                .stages
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    Ok(pb::ReviewStage {
                        number: 0,
                        name: s.name,
                        cut: s.cut.map_or(0, ProtoEnum::to_proto),
                        cut_value: unsigned(
                            s.cut_value.unwrap_or(0),
                            &format!("stages[{i}].cutValue"),
                        )?,
                        blind: s.blind,
                        reviewer_subjects: s.reviewer_subjects,
                    })
                })
                .collect::<Result<_>>()?,
            published: self.published,
        })
    }
}

/// Publishes an edition (and its programme).
#[derive(InputObject)]
pub struct PublishEditionInput {
    /// Edition id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Who applies, as the eligibility rules see them.
#[derive(InputObject)]
pub struct ApplicantProfileInput {
    /// An official or a local government.
    pub kind: ApplicantKind,
    /// Full name (a local government's contact person).
    pub full_name: String,
    /// ISO 3166-1 alpha-2 nationality, e.g. "VN".
    pub nationality: String,
    /// Kind of organisation.
    pub organisation_type: OrganisationType,
    /// Organisation name.
    pub organisation: String,
    /// Administrative grade 1–9, when the applicant has one.
    pub grade: Option<i32>,
    /// Working languages (ISO 639-1), at least one.
    pub languages: Vec<String>,
}

impl ApplicantProfileInput {
    fn into_proto(self) -> Result<pb::ApplicantProfile> {
        Ok(pb::ApplicantProfile {
            kind: self.kind.to_proto(),
            full_name: self.full_name,
            nationality: self.nationality,
            organisation_type: self.organisation_type.to_proto(),
            organisation: self.organisation,
            grade: unsigned(self.grade.unwrap_or(0), "profile.grade")?,
            languages: self.languages,
        })
    }
}

/// An answer to a question of the call.
#[derive(InputObject)]
pub struct ApplicationAnswerInput {
    /// The question.
    pub question: String,
    /// The answer.
    pub answer: String,
}

/// Metadata of an attached file (uploaded to document storage beforehand).
#[derive(InputObject)]
pub struct ApplicationAttachmentInput {
    /// File name.
    pub name: String,
    /// MIME type, e.g. "application/pdf".
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

/// Applies to an edition.
#[derive(InputObject)]
pub struct SubmitApplicationInput {
    /// A retry with the same key returns the same application.
    pub idempotency_key: String,
    /// The edition.
    pub edition_id: ID,
    /// Who applies.
    pub profile: ApplicantProfileInput,
    /// Answers to the call's questions.
    #[graphql(default)]
    pub answers: Vec<ApplicationAnswerInput>,
    /// Attached files' metadata.
    #[graphql(default)]
    pub attachments: Vec<ApplicationAttachmentInput>,
}

impl SubmitApplicationInput {
    fn into_proto(self, as_draft: bool) -> Result<pb::SubmitApplicationRequest> {
        Ok(pb::SubmitApplicationRequest {
            idempotency_key: self.idempotency_key,
            edition_id: self.edition_id.0,
            profile: Some(self.profile.into_proto()?),
            answers: self
                .answers
                .into_iter()
                .map(|a| pb::Answer {
                    question: a.question,
                    answer: a.answer,
                })
                .collect(),
            attachments: self
                .attachments
                .into_iter()
                .enumerate()
                .map(|(i, a)| {
                    Ok(pb::Attachment {
                        name: a.name,
                        content_type: a.content_type,
                        size_bytes: u64::try_from(a.size_bytes).map_err(|_| {
                            error::bad_input(
                                "must not be negative",
                                &format!("attachments[{i}].sizeBytes"),
                            )
                        })?,
                        sha256: a.sha256,
                    })
                })
                .collect::<Result<_>>()?,
            as_draft,
        })
    }
}

/// Submits a draft application.
#[derive(InputObject)]
pub struct SubmitApplicationDraftInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Which applications to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct TrainingApplicationFilter {
    /// Of this edition.
    pub edition_id: Option<ID>,
    /// In any of these states.
    pub states: Option<Vec<TrainingApplicationState>>,
    /// At this review stage.
    pub stage: Option<i32>,
}

/// Screens an application.
#[derive(InputObject)]
pub struct ScreenApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// START, PASS or FAIL.
    pub outcome: ScreeningOutcome,
    /// Why (required for FAIL).
    pub note: Option<String>,
}

/// Scores an application at a review stage.
#[derive(InputObject)]
pub struct ReviewApplicationInput {
    /// Application id.
    pub id: ID,
    /// The stage (1-based) the caller reviews.
    pub stage: i32,
    /// 0–100.
    pub score: i32,
    /// Comment.
    pub comment: Option<String>,
}

/// Applies a stage's cut.
#[derive(InputObject)]
pub struct ApplyReviewCutInput {
    /// The edition.
    pub edition_id: ID,
    /// The stage (1-based, not the last).
    pub stage: i32,
}

/// Decides on an application.
#[derive(InputObject)]
pub struct DecideApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// ACCEPT, WAITLIST or REJECT.
    pub decision: TrainingDecision,
    /// A note to the applicant.
    pub note: Option<String>,
}

/// Withdraws an application (the applicant).
#[derive(InputObject)]
pub struct WithdrawApplicationInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why.
    pub reason: Option<String>,
}

/// Sets a participant's placement, mentor or dates; absent fields stay as they are.
#[derive(InputObject)]
pub struct UpdateParticipantInput {
    /// Application id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The host local government's code (one of the edition's hosts).
    pub host_code: Option<String>,
    /// Mentor at the host.
    pub mentor: Option<String>,
    /// First day present (a late start).
    pub joined_on: Option<Date>,
    /// Last day present (an early departure).
    pub left_on: Option<Date>,
}

/// Schedules a session.
#[derive(InputObject)]
pub struct ScheduleSessionInput {
    /// The edition.
    pub edition_id: ID,
    /// What it is.
    pub kind: TrainingSessionKind,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Where.
    pub location: Option<String>,
}

/// One participant's attendance.
#[derive(InputObject)]
pub struct AttendanceEntryInput {
    /// The participant's application.
    pub application_id: ID,
    /// Present, late, absent or excused.
    pub status: TrainingAttendanceStatus,
    /// A note (e.g. the excuse).
    pub note: Option<String>,
}

/// Records attendance at a session.
#[derive(InputObject)]
pub struct RecordAttendanceInput {
    /// The session.
    pub session_id: ID,
    /// One entry per participant.
    pub entries: Vec<AttendanceEntryInput>,
}

/// Generates a participant's stipend schedule.
#[derive(InputObject)]
pub struct GenerateStipendScheduleInput {
    /// The participant's application.
    pub application_id: ID,
}

/// Moves a stipend payment.
#[derive(InputObject)]
pub struct UpdateStipendPaymentInput {
    /// Payment id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// APPROVE, PAY, FAIL or RETRY.
    pub action: StipendPaymentAction,
    /// A note (e.g. the transfer reference).
    pub note: Option<String>,
}

/// Issues certificates for an edition.
#[derive(InputObject)]
pub struct IssueCertificatesInput {
    /// The edition.
    pub edition_id: ID,
}

// ---- roots ------------------------------------------------------------------------------

/// Training queries.
#[derive(Default)]
pub struct TrainingQuery;

#[Object]
impl TrainingQuery {
    /// The programmes the caller may see (the public: published ones), in creation order.
    async fn programmes(
        &self,
        ctx: &Context<'_>,
        kinds: Option<Vec<ProgrammeKind>>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<ProgrammeConnection> {
        let message = pb::ListProgrammesRequest {
            kinds: kinds
                .unwrap_or_default()
                .into_iter()
                .map(ProtoEnum::to_proto)
                .collect(),
            page: Some(page_request(first, after)?),
        };
        let r = read(
            ctx,
            "ListProgrammes",
            message,
            |mut client, request| async move { client.list_programmes(request).await },
        )
        .await
        .map_err(remote)?
        .into_inner();
        let info = page_info(&r.cursors, r.page_info.as_ref());
        Ok(ProgrammeConnection {
            edges: r
                .programmes
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| ProgrammeEdge {
                    cursor,
                    node: Programme(node),
                })
                .collect(),
            page_info: info,
            total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        })
    }

    /// One programme the caller may see (null when there is none), with its editions.
    async fn programme(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Programme>> {
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders.programmes.load_one(id.0).await?.map(Programme))
    }

    /// One edition the caller may see (null when there is none), with its sessions.
    async fn edition(&self, ctx: &Context<'_>, id: ID) -> Result<Option<ProgrammeEdition>> {
        let include_sessions = ctx.look_ahead().field("sessions").exists();
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders
            .edition(id.0, include_sessions)
            .await?
            .map(ProgrammeEdition))
    }

    /// The applications the caller may see, newest first: applicants their own, managers
    /// everything, reviewers those at their stages and those they scored.
    #[graphql(inaccessible)]
    async fn applications(
        &self,
        ctx: &Context<'_>,
        filter: Option<TrainingApplicationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<TrainingApplicationConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListApplicationsRequest {
            filter: Some(pb::ApplicationFilter {
                edition_id: f.edition_id.map(|e| e.0).unwrap_or_default(),
                states: f
                    .states
                    .unwrap_or_default()
                    .into_iter()
                    .map(ProtoEnum::to_proto)
                    .collect(),
                stage: unsigned(f.stage.unwrap_or(0), "filter.stage")?,
            }),
            page: Some(page_request(first, after)?),
        };
        let r = read(
            ctx,
            "ListApplications",
            message,
            |mut client, request| async move { client.list_applications(request).await },
        )
        .await
        .map_err(remote)?
        .into_inner();
        if r.cursors.len() != r.applications.len() {
            return Err(error::internal(
                "ListApplications returned a cursor count unlike its item count",
            ));
        }
        let info = page_info(&r.cursors, r.page_info.as_ref());
        Ok(TrainingApplicationConnection {
            edges: r
                .applications
                .into_iter()
                .zip(r.cursors)
                .map(|(node, cursor)| TrainingApplicationEdge {
                    cursor,
                    node: TrainingApplication(node),
                })
                .collect(),
            page_info: info,
            total_count: i32::try_from(r.total_count).unwrap_or(i32::MAX),
        })
    }

    /// One application the caller may see.
    #[graphql(inaccessible)]
    async fn application(&self, ctx: &Context<'_>, id: ID) -> Result<Option<TrainingApplication>> {
        Ok(Some(TrainingApplication(
            read(
                ctx,
                "GetApplication",
                pb::GetApplicationRequest { id: id.0 },
                |mut client, request| async move { client.get_application(request).await },
            )
            .await
            .map_err(remote)?
            .into_inner(),
        )))
    }

    /// Every eligibility rule `profile` fails for an edition today, before applying.
    #[graphql(inaccessible)]
    async fn check_eligibility(
        &self,
        ctx: &Context<'_>,
        edition_id: ID,
        profile: ApplicantProfileInput,
    ) -> Result<EligibilityCheck> {
        let message = pb::CheckEligibilityRequest {
            edition_id: edition_id.0,
            profile: Some(profile.into_proto()?),
        };
        let r = read(
            ctx,
            "CheckEligibility",
            message,
            |mut client, request| async move { client.check_eligibility(request).await },
        )
        .await
        .map_err(remote)?
        .into_inner();
        Ok(EligibilityCheck {
            eligible: r.eligible,
            failures: r
                .failures
                .into_iter()
                .map(|f| EligibilityFailure {
                    rule: EligibilityRule::from_proto(f.rule),
                    field: f.field,
                    reason: f.reason,
                })
                .collect(),
        })
    }

    /// A participant's stipend schedule (managers and the participant).
    #[graphql(inaccessible)]
    async fn stipend_schedule(
        &self,
        ctx: &Context<'_>,
        application_id: ID,
    ) -> Result<StipendSchedule> {
        Ok(StipendSchedule(
            read(
                ctx,
                "GetStipendSchedule",
                pb::GetStipendScheduleRequest {
                    application_id: application_id.0,
                },
                |mut client, request| async move { client.get_stipend_schedule(request).await },
            )
            .await
            .map_err(remote)?
            .into_inner(),
        ))
    }

    /// Verifies a certificate by its code (public): null when no certificate has it.
    async fn verify_certificate(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<VerifiedCertificate>> {
        match read(
            ctx,
            "VerifyCertificate",
            pb::VerifyCertificateRequest { code },
            |mut client, request| async move { client.verify_certificate(request).await },
        )
        .await
        {
            Ok(r) => Ok(Some(VerifiedCertificate(r.into_inner()))),
            Err(s) if s.code() == tonic::Code::NotFound => Ok(None),
            Err(s) => Err(remote(s)),
        }
    }
}

/// Training mutations (POST only).
#[derive(Default)]
pub struct TrainingMutation;

#[Object]
impl TrainingMutation {
    /// Creates a programme (bureau staff). Idempotent per key.
    async fn create_programme(
        &self,
        ctx: &Context<'_>,
        input: CreateProgrammeInput,
    ) -> Result<Programme> {
        let message = pb::CreateProgrammeRequest {
            idempotency_key: input.idempotency_key,
            kind: input.kind.to_proto(),
            title: Some(input.title.into_proto()),
            description: input.description.map(TrainingTextInput::into_proto),
            published: input.published,
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(Programme(
            client
                .create_programme(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Creates an edition with its stages (bureau staff). Idempotent per key.
    async fn create_edition(
        &self,
        ctx: &Context<'_>,
        input: CreateEditionInput,
    ) -> Result<ProgrammeEdition> {
        let (mut client, request) = call(ctx, input.into_proto()?)?;
        Ok(ProgrammeEdition(
            client
                .create_edition(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Publishes an edition and its programme.
    async fn publish_edition(
        &self,
        ctx: &Context<'_>,
        input: PublishEditionInput,
    ) -> Result<ProgrammeEdition> {
        let message = pb::PublishEditionRequest {
            id: input.id.0,
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(ProgrammeEdition(
            client
                .publish_edition(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Applies to an edition (local officials). Every eligibility rule is checked; a
    /// failure is BAD_USER_INPUT with `extensions.reasons`. Idempotent per key.
    async fn submit_application(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationInput,
    ) -> Result<TrainingApplication> {
        let (mut client, request) = call(ctx, input.into_proto(false)?)?;
        Ok(TrainingApplication(
            client
                .submit_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Saves an application as a draft (checked when submitted). Idempotent per key.
    async fn save_application_draft(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationInput,
    ) -> Result<TrainingApplication> {
        let (mut client, request) = call(ctx, input.into_proto(true)?)?;
        Ok(TrainingApplication(
            client
                .submit_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Submits a draft: the eligibility rules are checked now.
    async fn submit_application_draft(
        &self,
        ctx: &Context<'_>,
        input: SubmitApplicationDraftInput,
    ) -> Result<TrainingApplication> {
        let message = pb::SubmitDraftRequest {
            id: input.id.0,
            version: i64::from(input.version),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .submit_draft(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Screens an application (managers).
    async fn screen_application(
        &self,
        ctx: &Context<'_>,
        input: ScreenApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::ScreenApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            outcome: input.outcome.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .screen_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Scores an application at the caller's review stage (0–100).
    async fn review_application(
        &self,
        ctx: &Context<'_>,
        input: ReviewApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::ReviewApplicationRequest {
            id: input.id.0,
            stage: unsigned(input.stage, "stage")?,
            score: unsigned(input.score, "score")?,
            comment: input.comment.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .review_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Applies a stage's cut: the best mean scores move on (ties with the N-th too), the
    /// others are rejected.
    async fn apply_review_cut(
        &self,
        ctx: &Context<'_>,
        input: ApplyReviewCutInput,
    ) -> Result<ReviewCutResult> {
        let message = pb::ApplyReviewCutRequest {
            edition_id: input.edition_id.0,
            stage: unsigned(input.stage, "stage")?,
        };
        let (mut client, request) = call(ctx, message)?;
        let r = client
            .apply_review_cut(request)
            .await
            .map_err(remote)?
            .into_inner();
        Ok(ReviewCutResult {
            outcomes: r
                .outcomes
                .into_iter()
                .map(|o| ReviewCutOutcome {
                    application_id: ID(o.application_id),
                    mean_centi: o.mean_centi,
                    rank: count(o.rank),
                    advanced: o.advanced,
                })
                .collect(),
            edition: r.edition.map(ProgrammeEdition),
        })
    }

    /// Accepts (within capacity), waitlists or rejects an application (managers).
    async fn decide_application(
        &self,
        ctx: &Context<'_>,
        input: DecideApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::DecideApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            decision: input.decision.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .decide_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Withdraws an application; an accepted participant's place goes to the first on the
    /// waitlist.
    async fn withdraw_application(
        &self,
        ctx: &Context<'_>,
        input: WithdrawApplicationInput,
    ) -> Result<TrainingApplication> {
        let message = pb::WithdrawApplicationRequest {
            id: input.id.0,
            version: i64::from(input.version),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .withdraw_application(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Sets a participant's placement, mentor or dates (managers).
    async fn update_participant(
        &self,
        ctx: &Context<'_>,
        input: UpdateParticipantInput,
    ) -> Result<TrainingApplication> {
        let message = pb::UpdateParticipantRequest {
            id: input.id.0,
            version: i64::from(input.version),
            host_code: input.host_code.unwrap_or_default(),
            mentor: input.mentor.unwrap_or_default(),
            joined_on: date_string(input.joined_on),
            left_on: date_string(input.left_on),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingApplication(
            client
                .update_participant(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Schedules a session of an edition (managers).
    async fn schedule_session(
        &self,
        ctx: &Context<'_>,
        input: ScheduleSessionInput,
    ) -> Result<TrainingSession> {
        let message = pb::ScheduleSessionRequest {
            edition_id: input.edition_id.0,
            kind: input.kind.to_proto(),
            title: input.title,
            starts_at: Some(timestamp(input.starts_at)),
            ends_at: Some(timestamp(input.ends_at)),
            location: input.location.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingSession(
            client
                .schedule_session(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Records attendance at a session for accepted participants (managers).
    async fn record_attendance(
        &self,
        ctx: &Context<'_>,
        input: RecordAttendanceInput,
    ) -> Result<TrainingSession> {
        let message = pb::RecordAttendanceRequest {
            session_id: input.session_id.0,
            entries: input
                .entries
                .into_iter()
                .map(|e| pb::AttendanceEntry {
                    application_id: e.application_id.0,
                    status: e.status.to_proto(),
                    note: e.note.unwrap_or_default(),
                })
                .collect(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(TrainingSession(
            client
                .record_attendance(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Generates a participant's stipend schedule from the edition's policy (managers).
    async fn generate_stipend_schedule(
        &self,
        ctx: &Context<'_>,
        input: GenerateStipendScheduleInput,
    ) -> Result<StipendSchedule> {
        let message = pb::GenerateStipendScheduleRequest {
            application_id: input.application_id.0,
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(StipendSchedule(
            client
                .generate_stipend_schedule(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Moves a stipend payment: approve, pay, fail or retry (managers).
    async fn update_stipend_payment(
        &self,
        ctx: &Context<'_>,
        input: UpdateStipendPaymentInput,
    ) -> Result<StipendPayment> {
        let message = pb::UpdateStipendPaymentRequest {
            id: input.id.0,
            version: i64::from(input.version),
            action: input.action.to_proto(),
            note: input.note.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(StipendPayment(
            client
                .update_stipend_payment(request)
                .await
                .map_err(remote)?
                .into_inner(),
        ))
    }

    /// Issues certificates to every participant who completed the edition (managers).
    async fn issue_certificates(
        &self,
        ctx: &Context<'_>,
        input: IssueCertificatesInput,
    ) -> Result<CertificateIssue> {
        let message = pb::IssueCertificatesRequest {
            edition_id: input.edition_id.0,
        };
        let (mut client, request) = call(ctx, message)?;
        let r = client
            .issue_certificates(request)
            .await
            .map_err(remote)?
            .into_inner();
        Ok(CertificateIssue {
            issued: r
                .issued
                .into_iter()
                .map(|c| IssuedCertificate {
                    issued_on: date(&c.issued_on),
                    code: c.code,
                    application_id: ID(c.application_id),
                    holder_name: c.holder_name,
                })
                .collect(),
            skipped: r
                .skipped
                .into_iter()
                .map(|s| CertificateSkip {
                    application_id: ID(s.application_id),
                    reason: s.reason,
                })
                .collect(),
            already_issued: count(r.already_issued),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<E: ProtoEnum + std::fmt::Debug>() {
        for item in E::items() {
            let n = item.value.to_proto();
            assert_ne!(n, 0, "{} has no proto value", item.name);
            assert_eq!(E::from_proto(n), Some(item.value));
        }
        assert_eq!(E::from_proto(0), None);
    }

    #[test]
    fn every_enum_crosses_to_proto_by_name() {
        round_trip::<ProgrammeKind>();
        round_trip::<ApplicantKind>();
        round_trip::<OrganisationType>();
        round_trip::<NationalityRule>();
        round_trip::<TrainingApplicationState>();
        round_trip::<ReviewCutKind>();
        round_trip::<ScreeningOutcome>();
        round_trip::<TrainingDecision>();
        round_trip::<TrainingSessionKind>();
        round_trip::<TrainingAttendanceStatus>();
        round_trip::<StipendPayer>();
        round_trip::<StipendPaymentState>();
        round_trip::<StipendPaymentAction>();
        round_trip::<EligibilityRule>();
    }

    #[test]
    fn eligibility_reasons_reach_the_extensions() {
        let mut status = tonic::Status::invalid_argument("not eligible: grade 4 is outside it");
        status.metadata_mut().insert_bin(
            ELIGIBILITY_METADATA,
            tonic::metadata::BinaryMetadataValue::from_bytes(
                br#"[{"rule":"GRADE","field":"profile.grade","reason":"grade 4 is outside it"}]"#,
            ),
        );
        let err = remote(status);
        let ext = err.extensions.unwrap();
        assert_eq!(ext.get("code"), Some(&Value::from("BAD_USER_INPUT")));
        let reasons = ext.get("reasons").unwrap().clone().into_json().unwrap();
        assert_eq!(reasons[0]["rule"], "GRADE");
    }

    #[test]
    fn a_negative_capacity_names_its_field() {
        let input = CreateEditionInput {
            idempotency_key: "k".into(),
            programme_id: ID("p".into()),
            term: "2026".into(),
            starts_on: Date::parse("2026-04-01").unwrap(),
            ends_on: Date::parse("2026-09-30").unwrap(),
            applications_open_on: Date::parse("2026-03-01").unwrap(),
            applications_close_on: Date::parse("2026-03-31").unwrap(),
            capacity: -1,
            languages: vec![],
            eligibility: None,
            stipends: vec![],
            costs: vec![],
            host_codes: vec![],
            stages: vec![],
            published: false,
        };
        let err = input.into_proto().unwrap_err();
        let field = err.extensions.and_then(|e| e.get("field").cloned());
        assert_eq!(field, Some(Value::from("capacity")));
    }
}
