//! Training programmes: programmes and their editions, applications through screening,
//! staged review and decisions, participants' sessions, attendance and stipends, and
//! certificates anyone can verify.
//!
//! Thin resolvers over `glocal.training.v1`: the service embeds what a page needs (an
//! application's edition and programme, a programme's editions, an edition's sessions with
//! attendance) from `IN` queries, and local governments come through the request's
//! DataLoader, so a page costs a fixed number of calls. An ineligible application is a
//! BAD_USER_INPUT whose `extensions.reasons` lists every failed rule.

use crate::schema::scalars::DateTime;
use async_graphql::resolver_utils::EnumType;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::training::v1 as pb;

use super::common::{PageInfo, PeriodRule};
use super::common::{datetime, non_empty, timestamp};
use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::scalars::Date;
use crate::upstream::error;
use crate::upstream::loaders::requests::Loaders;
use crate::upstream::loaders::training::TrainingLoaders;
use crate::upstream::{Training, call, read, read_status};

mod applications;
mod inputs;
mod mutation;
mod query;
mod statistics;
#[cfg(test)]
mod tests;

pub use applications::*;
pub use coaching::*;
pub use fellowship::*;
pub use itinerary::{
    AddItineraryVisitInput, ChangeItineraryVisitInput, ItineraryMutation, ItineraryVisit,
    RemoveItineraryVisitInput, TripReport, TripReportState, TripReportTextInput,
    TripReportVersionInput, UpdateTripReportInput, WriteTripReportInput,
};
pub use statistics::{TrainingStatisticsQuery, TrainingStatisticsRow};

pub use inputs::*;

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

// After `proto_enum!`, which it uses.
mod coaching;
// After the macro, which it uses.
mod itinerary;
// After the macro: the fellowship's enums are `proto_enum!`s too.
mod fellowship;

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

    /// When its editions may be held (null: any time).
    async fn period(&self) -> Option<PeriodRule> {
        self.0.period.as_ref().map(PeriodRule::from_proto)
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
    async fn created_at(&self) -> Option<DateTime> {
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
    /// Each payer's share per item and participant, monthly or once (ADR 0051).
    pub shares: Vec<PayerShare>,
    /// The monthly LIVING_EXPENSES shares, per payer: the stipends.
    pub stipends: Vec<StipendLine>,
    /// Costs noted in free text without amounts (editions created before shares).
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
    /// Subjects of the staff reviewing at this stage in every division (shown to the
    /// edition's managers).
    #[graphql(inaccessible)]
    pub reviewer_subjects: Vec<String>,
    /// Staff reviewing at this stage in one division only (shown to the edition's managers).
    #[graphql(inaccessible)]
    pub division_reviewers: Vec<DivisionReviewer>,
}

/// A reviewer who sees and scores only one division's applications at a stage.
#[derive(SimpleObject)]
pub struct DivisionReviewer {
    /// The staff member's subject.
    pub subject: String,
    /// The division (ISO 639-1).
    pub division: String,
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

    /// Divisions by language (ISO 639-1), each with its own review, cut and ranking; empty
    /// when the edition has none.
    async fn divisions(&self) -> &[String] {
        &self.0.divisions
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
            shares: p.shares.iter().map(PayerShare::from_proto).collect(),
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
        let loaders = Loaders::new(ctx)?;
        let found = loaders
            .local_governments()
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
                division_reviewers: s
                    .division_reviewers
                    .iter()
                    .map(|r| DivisionReviewer {
                        subject: r.subject.clone(),
                        division: r.division.clone(),
                    })
                    .collect(),
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

    /// The visits of an overseas training edition, by day and time: for bureau staff and
    /// the edition's accepted participants, null for anyone else (ADR 0052).
    #[graphql(inaccessible)]
    async fn itinerary(&self, ctx: &Context<'_>) -> Result<Option<Vec<ItineraryVisit>>> {
        itinerary::visits(ctx, &self.0.id).await
    }

    /// The trip reports written about its visits, oldest first (same audience).
    #[graphql(inaccessible)]
    async fn trip_reports(&self, ctx: &Context<'_>) -> Result<Option<Vec<TripReport>>> {
        itinerary::reports(ctx, &self.0.id).await
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
    async fn starts_at(&self) -> Option<DateTime> {
        datetime(self.0.starts_at.as_ref())
    }

    /// End.
    async fn ends_at(&self) -> Option<DateTime> {
        datetime(self.0.ends_at.as_ref())
    }

    /// Where.
    async fn location(&self) -> Option<&str> {
        non_empty(&self.0.location)
    }

    /// Attendance the caller may see (managers: everyone; a participant: their own).
    #[graphql(inaccessible)]
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
    /// Why, in the request's language (`Accept-Language`).
    pub reason: String,
    /// The catalogue key of `reason` (stable, e.g. `eligibility-window`).
    pub reason_key: Option<String>,
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
    /// Rank within the application's division (ties share a rank).
    pub rank: i32,
    /// Moved on to the next stage.
    pub advanced: bool,
    /// The application's division; null when the edition has none.
    pub division: Option<String>,
}

/// What a stage cut did.
#[derive(SimpleObject)]
pub struct ReviewCutResult {
    /// Every application at the stage, division by division, best first in each.
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
    /// Why, in the request's language, e.g. "attended 3 of 5 sessions (at least 80% needed)".
    pub reason: String,
    /// The catalogue key of `reason` (stable, e.g. `certificate-attendance`).
    pub reason_key: Option<String>,
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

// ---- roots ------------------------------------------------------------------------------

/// Training queries.
#[derive(Default)]
pub struct TrainingQuery;

/// Training mutations (POST only).
#[derive(Default)]
pub struct TrainingMutation;
