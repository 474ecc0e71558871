//! What the service returns: the caller's views of programmes, editions, applications,
//! sessions, stipends and certificates, and the page and filter types of lists.

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    Answer, ApplicantKind, ApplicationId, ApplicationState, Attachment, AttendanceStatus,
    CertificateCode, CostPolicy, CutOutcome, EditionId, Eligibility, LocalizedText, Money,
    OrganisationType, Payer, PaymentId, PaymentState, ProgrammeId, ProgrammeKind, ReviewStage,
    SessionId, SessionKind, Version,
};

// ---- what the service returns -----------------------------------------------------------

/// What a list of applications needs to know about a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeSummary {
    /// Id.
    pub id: ProgrammeId,
    /// Kind.
    pub kind: ProgrammeKind,
    /// Title.
    pub title: LocalizedText,
}

/// A programme with the editions the caller may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    /// Id.
    pub id: ProgrammeId,
    /// Kind.
    pub kind: ProgrammeKind,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Visible to the public.
    pub published: bool,
    /// Editions, newest start first.
    pub editions: Vec<Edition>,
    /// When its editions may be held; `None` = any time.
    pub period: Option<glocal_kit::domain::period::PeriodRule>,
    /// Version.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// An edition of a programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edition {
    /// Id.
    pub id: EditionId,
    /// Its programme.
    pub programme: ProgrammeSummary,
    /// Term.
    pub term: String,
    /// First day.
    pub starts_on: NaiveDate,
    /// Last day.
    pub ends_on: NaiveDate,
    /// Window opens.
    pub applications_open_on: NaiveDate,
    /// Window closes.
    pub applications_close_on: NaiveDate,
    /// Places.
    pub capacity: u32,
    /// Places taken.
    pub accepted_count: u32,
    /// Applications on the waitlist.
    pub waitlisted_count: u32,
    /// Working languages.
    pub languages: Vec<String>,
    /// Divisions by language (empty = none).
    pub divisions: Vec<String>,
    /// Who may apply.
    pub eligibility: Eligibility,
    /// Cost split and stipends.
    pub cost_policy: CostPolicy,
    /// Host local governments' codes.
    pub host_codes: Vec<String>,
    /// Review stages; reviewer lists only for managers.
    pub stages: Vec<ReviewStage>,
    /// Visible to the public.
    pub published: bool,
    /// Version.
    pub version: Version,
    /// Sessions, when asked for.
    pub sessions: Vec<Session>,
}

/// An applicant as the caller may see them; identity fields are empty when blind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileView {
    /// Official or local government.
    pub kind: ApplicantKind,
    /// Full name.
    pub full_name: String,
    /// Nationality.
    pub nationality: String,
    /// Organisation type.
    pub organisation_type: OrganisationType,
    /// Organisation.
    pub organisation: String,
    /// Grade.
    pub grade: Option<u8>,
    /// Working languages.
    pub languages: Vec<String>,
}

/// A reviewer's score.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewView {
    /// Stage.
    pub stage: u32,
    /// Reviewer.
    pub reviewer_subject: String,
    /// Their name.
    pub reviewer_name: String,
    /// 0..=100.
    pub score: u8,
    /// Comment.
    pub comment: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// The mean score of an application at a stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageScore {
    /// Stage.
    pub stage: u32,
    /// How many reviews.
    pub reviews: u32,
    /// Mean in hundredths, rounded down.
    pub mean_centi: i64,
}

/// A participant's placement and dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participation {
    /// Host local government's code.
    pub host_code: Option<String>,
    /// Mentor.
    pub mentor: Option<String>,
    /// First day present.
    pub joined_on: NaiveDate,
    /// Last day present.
    pub left_on: NaiveDate,
}

/// One audit entry of an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Action, e.g. `submit`, `accept`, `promote`, `review`.
    pub action: String,
    /// State before.
    pub from_state: Option<ApplicationState>,
    /// State after.
    pub to_state: Option<ApplicationState>,
    /// Who.
    pub actor_subject: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Note.
    pub note: String,
}

/// An application as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Id.
    pub id: ApplicationId,
    /// Edition.
    pub edition_id: EditionId,
    /// The edition's term.
    pub edition_term: String,
    /// The programme.
    pub programme: ProgrammeSummary,
    /// State.
    pub state: ApplicationState,
    /// 1-based review stage (0 before review).
    pub current_stage: u32,
    /// The division applied to, when the edition has divisions.
    pub division: Option<String>,
    /// The partner-network organisation a fellowship application names (empty when blind).
    pub partner_organisation_id: Option<String>,
    /// Where a fellowship application stands on the relationship rule.
    pub relationship: Option<super::RelationshipStanding>,
    /// Who applied (identity hidden when `blind`).
    pub profile: ProfileView,
    /// Applicant's subject (empty when blind).
    pub applicant_subject: String,
    /// Applicant's organisation code (empty when blind).
    pub organisation_code: String,
    /// The caller reviews blind.
    pub blind: bool,
    /// Answers.
    pub answers: Vec<Answer>,
    /// Attachments.
    pub attachments: Vec<Attachment>,
    /// Reviews the caller may see.
    pub reviews: Vec<ReviewView>,
    /// Mean scores per stage (managers only).
    pub scores: Vec<StageScore>,
    /// Placement and dates, once accepted.
    pub participation: Option<Participation>,
    /// The last decision's or screening's note.
    pub decision_note: String,
    /// Verification code, once certified.
    pub certificate_code: Option<String>,
    /// Audit history (managers and the applicant).
    pub history: Vec<HistoryEntry>,
    /// Version.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// 1-based place on the waitlist.
    pub waitlist_position: Option<u32>,
}

/// A participant's attendance at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceRecord {
    /// The participant's application.
    pub application_id: ApplicationId,
    /// Their name.
    pub participant_name: String,
    /// Status.
    pub status: AttendanceStatus,
    /// Note.
    pub note: String,
}

/// A session of an edition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Id.
    pub id: SessionId,
    /// Edition.
    pub edition_id: EditionId,
    /// Kind.
    pub kind: SessionKind,
    /// Title.
    pub title: String,
    /// Start.
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
    /// Where.
    pub location: String,
    /// Attendance the caller may see.
    pub attendance: Vec<AttendanceRecord>,
}

/// One stipend payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StipendPayment {
    /// Id.
    pub id: PaymentId,
    /// The participant's application.
    pub application_id: ApplicationId,
    /// Who pays.
    pub payer: Payer,
    /// 1-based month.
    pub period: u32,
    /// First day of the month.
    pub period_start: NaiveDate,
    /// Last day of the month (cut at the edition's end).
    pub period_end: NaiveDate,
    /// Days present.
    pub days_present: u32,
    /// Days of the whole month.
    pub days_in_period: u32,
    /// Amount.
    pub amount: Money,
    /// State.
    pub state: PaymentState,
    /// Note of the last change.
    pub note: String,
    /// Version.
    pub version: Version,
}

/// A participant's stipend schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StipendSchedule {
    /// The participant's application.
    pub application_id: ApplicationId,
    /// Payments, by payer and month.
    pub payments: Vec<StipendPayment>,
    /// Totals per currency.
    pub totals: Vec<Money>,
}

/// An issued certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// Verification code.
    pub code: CertificateCode,
    /// The participant's application.
    pub application_id: ApplicationId,
    /// The participant's name.
    pub holder_name: String,
    /// Issue date.
    pub issued_on: NaiveDate,
}

/// An accepted participant who did not get a certificate, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueSkip {
    /// The participant's application.
    pub application_id: ApplicationId,
    /// Why (a catalogue message, said in the reader's language by the gateway).
    pub reason: glocal_kit::i18n::Message,
}

/// What one `issue_certificates` call did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueOutcome {
    /// Issued now.
    pub issued: Vec<Certificate>,
    /// Not (yet) completing.
    pub skipped: Vec<IssueSkip>,
    /// Certified before.
    pub already_issued: u32,
}

/// All a certificate reveals to the public.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedCertificate {
    /// Verification code.
    pub code: String,
    /// The participant's name.
    pub holder_name: String,
    /// The programme's title.
    pub programme_title: LocalizedText,
    /// The programme's kind.
    pub programme_kind: ProgrammeKind,
    /// The edition's term.
    pub edition_term: String,
    /// Issue date.
    pub issued_on: NaiveDate,
}

pub use glocal_kit::paging::{Page, PageRequest};

/// Filters of the applications list; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationFilter {
    /// One edition.
    pub edition_id: Option<EditionId>,
    /// Any of these states.
    pub states: Vec<ApplicationState>,
    /// At this review stage.
    pub stage: Option<u32>,
    /// Only the caller's own applications.
    pub mine: bool,
}

/// What a stage cut did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutResult {
    /// Every application at the stage, best first.
    pub outcomes: Vec<CutOutcome<ApplicationId>>,
    /// The edition after the cut.
    pub edition: Edition,
}
