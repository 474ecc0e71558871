//! The training office's business operations: domain types in, domain types out. Every
//! operation resolves the caller, scopes what they may see and do, and makes each change in
//! one transaction together with its audit rows and outbox events.
//!
//! Who may do what:
//! - the public (anonymous or partner) sees published programmes and editions and may
//!   verify certificates;
//! - an applicant (`local_official`) applies, sees and withdraws their own applications
//!   (and their local government's organisational ones) and sees their own attendance and
//!   stipends;
//! - bureau staff and admins manage programmes, editions, screening, decisions, sessions,
//!   attendance, stipends and certificates — except that staff assigned as reviewers of an
//!   edition do not manage it: they score the applications at their stages (blind to who
//!   applied when the stage is blind) and see only those and the ones they scored.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use glocal_kit::{Caller, Role};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, SqlErr,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{
    Action, Answer, ApplicantKind, ApplicationDraft, ApplicationId, ApplicationState, Attachment,
    AttendanceStatus, CertificateCode, Completion, CostPolicy, CostShare, CutKind, CutOutcome,
    CutRule, Decision, EditionDraft, EditionFacts, EditionId, Eligibility, EligibilityFailure,
    EligibilityRule, LanguageCode, LocalizedText, Money, NationalityRule, NewApplication, Note,
    OrganisationType, ParticipantDraft, Payer, PaymentAction, PaymentId, PaymentState,
    ProfileDraft, ProgrammeDraft, ProgrammeId, ProgrammeKind, ReviewStage, Score, ScreeningOutcome,
    SessionDraft, SessionId, SessionKind, SessionRecord, StipendLine, Tally, Version, apply_cut,
    check_eligibility, parse_attendance, payment_transition, schedule, transition,
};
use crate::error::TrainingError;
use crate::store::entities::{
    application, attendance, certificate, edition, history, programme, review, review_stage,
    session, stage_reviewer, stipend_payment,
};
use crate::store::queries::{self, AppListQuery, AppScope};

type Result<T, E = TrainingError> = std::result::Result<T, E>;

/// The page size when a list call asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// Most ids one batched lookup (`batch_get_programmes`, `batch_get_editions`) takes.
pub const MAX_BATCH_IDS: usize = 500;

const SYSTEM_SUBJECT: &str = "system";
const SYSTEM_NAME: &str = "Training Office";

/// Where the service reads the time; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Tunables of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Config {
    /// The service's part of the process settings.
    pub fn from_settings(settings: &glocal_kit::config::TrainingSettings) -> Self {
        Config {
            max_page_size: settings.max_page_size.max(1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config { max_page_size: 100 }
    }
}

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
    /// Why.
    pub reason: String,
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

/// A page window: at most `first` (0 = default) after the opaque cursor `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many.
    pub first: u32,
    /// Cursor of the last item already seen.
    pub after: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of each item.
    pub cursors: Vec<String>,
    /// Cursor of the last one.
    pub end_cursor: Option<String>,
    /// More follow.
    pub has_next_page: bool,
    /// How many match in all.
    pub total_count: u64,
}

/// Filters of the applications list; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplicationFilter {
    /// One edition.
    pub edition_id: Option<EditionId>,
    /// Any of these states.
    pub states: Vec<ApplicationState>,
    /// At this review stage.
    pub stage: Option<u32>,
}

/// What a stage cut did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CutResult {
    /// Every application at the stage, best first.
    pub outcomes: Vec<CutOutcome<ApplicationId>>,
    /// The edition after the cut.
    pub edition: Edition,
}

// ---- who is calling ---------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Viewer {
    Public { authenticated: bool },
    Applicant { subject: String, org: String },
    Staff { subject: String },
    Admin,
}

#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
}

/// The caller, with the (edition, stage) pairs they review when they are staff.
#[derive(Debug, Clone)]
struct Who {
    viewer: Viewer,
    actor: Actor,
    assignments: Vec<(Uuid, i32)>,
}

impl Who {
    fn is_bureau(&self) -> bool {
        matches!(self.viewer, Viewer::Staff { .. } | Viewer::Admin)
    }

    fn stages_reviewed(&self, edition: Uuid) -> Vec<i32> {
        if !matches!(self.viewer, Viewer::Staff { .. }) {
            return Vec::new();
        }
        self.assignments
            .iter()
            .filter(|(e, _)| *e == edition)
            .map(|(_, s)| *s)
            .collect()
    }

    fn manages(&self, edition: Uuid) -> bool {
        match self.viewer {
            Viewer::Admin => true,
            Viewer::Staff { .. } => self.stages_reviewed(edition).is_empty(),
            _ => false,
        }
    }

    fn require_authenticated(&self) -> Result<()> {
        match self.viewer {
            Viewer::Public {
                authenticated: false,
            } => Err(TrainingError::Unauthenticated),
            _ => Ok(()),
        }
    }

    fn require_bureau(&self, what: &str) -> Result<()> {
        self.require_authenticated()?;
        if self.is_bureau() {
            Ok(())
        } else {
            Err(TrainingError::Forbidden(format!(
                "only bureau staff may {what}"
            )))
        }
    }

    fn require_manager(&self, edition: Uuid, what: &str) -> Result<()> {
        self.require_bureau(what)?;
        if self.manages(edition) {
            Ok(())
        } else {
            Err(TrainingError::Forbidden(format!(
                "reviewers of an edition may not {what} in it"
            )))
        }
    }

    fn owns(&self, row: &application::Model) -> bool {
        match &self.viewer {
            Viewer::Applicant { subject, org } => {
                row.applicant_subject == *subject
                    || (row.applicant_kind == ApplicantKind::LocalGovernment.as_str()
                        && row.org_code == *org)
            }
            _ => false,
        }
    }

    /// Sees `row`, given whether the caller scored it.
    fn sees_application(&self, row: &application::Model, scored_it: bool) -> bool {
        match &self.viewer {
            Viewer::Admin => true,
            Viewer::Applicant { .. } => self.owns(row),
            Viewer::Staff { .. } => {
                let stages = self.stages_reviewed(row.edition_id);
                stages.is_empty()
                    || scored_it
                    || (row.state == ApplicationState::UnderReview.as_str()
                        && stages.contains(&row.current_stage))
            }
            Viewer::Public { .. } => false,
        }
    }

    fn scope(&self) -> Result<AppScope> {
        match &self.viewer {
            Viewer::Admin => Ok(AppScope::All),
            Viewer::Applicant { subject, org } => Ok(AppScope::Applicant {
                subject: subject.clone(),
                org: org.clone(),
            }),
            Viewer::Staff { subject } => Ok(AppScope::Staff {
                subject: subject.clone(),
                assignments: self.assignments.clone(),
            }),
            Viewer::Public {
                authenticated: false,
            } => Err(TrainingError::Unauthenticated),
            Viewer::Public { .. } => Err(TrainingError::Forbidden(
                "applications are for applicants and bureau staff".into(),
            )),
        }
    }
}

// ---- storage helpers --------------------------------------------------------------------

#[derive(Serialize, Deserialize)]
struct StoredStipend {
    payer: String,
    amount_minor: i64,
    currency: String,
}

#[derive(Serialize, Deserialize)]
struct StoredCost {
    payer: String,
    item: String,
}

#[derive(Serialize, Deserialize, Default)]
struct StoredPolicy {
    stipends: Vec<StoredStipend>,
    costs: Vec<StoredCost>,
}

#[derive(Serialize, Deserialize)]
struct StoredAnswer {
    question: String,
    answer: String,
}

#[derive(Serialize, Deserialize)]
struct StoredAttachment {
    name: String,
    content_type: String,
    size_bytes: u64,
    sha256: String,
}

fn join<T: AsRef<str>>(items: &[T]) -> String {
    items
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join(",")
}

fn split(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

fn policy_to_text(p: &CostPolicy) -> String {
    let stored = StoredPolicy {
        stipends: p
            .stipends
            .iter()
            .map(|s| StoredStipend {
                payer: s.payer.as_str().to_owned(),
                amount_minor: s.monthly.amount_minor(),
                currency: s.monthly.currency().to_owned(),
            })
            .collect(),
        costs: p
            .costs
            .iter()
            .map(|c| StoredCost {
                payer: c.payer.as_str().to_owned(),
                item: c.item.clone(),
            })
            .collect(),
    };
    serde_json::to_string(&stored).unwrap_or_default()
}

fn policy_from_text(s: &str) -> Result<CostPolicy> {
    let stored: StoredPolicy = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    Ok(CostPolicy {
        stipends: stored
            .stipends
            .into_iter()
            .map(|s| {
                Ok(StipendLine {
                    payer: Payer::parse(&s.payer).map_err(TrainingError::corrupt)?,
                    monthly: Money::new(s.amount_minor, &s.currency)
                        .map_err(TrainingError::corrupt)?,
                })
            })
            .collect::<Result<_>>()?,
        costs: stored
            .costs
            .into_iter()
            .map(|c| {
                Ok(CostShare {
                    payer: Payer::parse(&c.payer).map_err(TrainingError::corrupt)?,
                    item: c.item,
                })
            })
            .collect::<Result<_>>()?,
    })
}

fn answers_to_text(answers: &[Answer]) -> String {
    let stored: Vec<StoredAnswer> = answers
        .iter()
        .map(|a| StoredAnswer {
            question: a.question.clone(),
            answer: a.answer.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_default()
}

fn answers_from_text(s: &str) -> Result<Vec<Answer>> {
    let stored: Vec<StoredAnswer> = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    Ok(stored
        .into_iter()
        .map(|a| Answer {
            question: a.question,
            answer: a.answer,
        })
        .collect())
}

fn attachments_to_text(attachments: &[Attachment]) -> String {
    let stored: Vec<StoredAttachment> = attachments
        .iter()
        .map(|a| StoredAttachment {
            name: a.name.clone(),
            content_type: a.content_type.clone(),
            size_bytes: a.size_bytes,
            sha256: a.sha256.clone(),
        })
        .collect();
    serde_json::to_string(&stored).unwrap_or_default()
}

fn attachments_from_text(s: &str) -> Result<Vec<Attachment>> {
    let stored: Vec<StoredAttachment> = serde_json::from_str(s).map_err(TrainingError::corrupt)?;
    Ok(stored
        .into_iter()
        .map(|a| Attachment {
            name: a.name,
            content_type: a.content_type,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        })
        .collect())
}

fn state_of(s: &str) -> Result<ApplicationState> {
    ApplicationState::parse(s).map_err(TrainingError::corrupt)
}

fn version_of(v: i64) -> Result<Version> {
    Version::parse(v).map_err(TrainingError::corrupt)
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

fn eligibility_of(e: &edition::Model) -> Result<Eligibility> {
    let grade = |g: Option<i32>| g.and_then(|g| u8::try_from(g).ok());
    Ok(Eligibility {
        applicant_kinds: split(&e.applicant_kinds)
            .iter()
            .map(|k| ApplicantKind::parse(k).map_err(TrainingError::corrupt))
            .collect::<Result<_>>()?,
        organisation_types: split(&e.organisation_types)
            .iter()
            .map(|k| OrganisationType::parse(k).map_err(TrainingError::corrupt))
            .collect::<Result<_>>()?,
        nationality: NationalityRule::parse(&e.nationality).map_err(TrainingError::corrupt)?,
        min_grade: grade(e.min_grade),
        max_grade: grade(e.max_grade),
    })
}

fn languages_of(e: &edition::Model) -> Result<Vec<LanguageCode>> {
    split(&e.languages)
        .iter()
        .map(|l| LanguageCode::parse(l).map_err(TrainingError::corrupt))
        .collect()
}

fn cut_of(s: &review_stage::Model) -> Result<CutRule> {
    let kind = match s.cut_kind.as_str() {
        "NONE" => CutKind::None,
        "TOP_N" => CutKind::TopN,
        "THRESHOLD" => CutKind::Threshold,
        other => return Err(TrainingError::corrupt(format!("cut kind {other}"))),
    };
    CutRule::parse(Some(kind), u32::try_from(s.cut_value).unwrap_or(0))
        .map_err(TrainingError::corrupt)
}

fn cut_kind_text(c: CutRule) -> &'static str {
    match c.kind() {
        CutKind::None => "NONE",
        CutKind::TopN => "TOP_N",
        CutKind::Threshold => "THRESHOLD",
    }
}

fn summary_of(p: &programme::Model) -> Result<ProgrammeSummary> {
    Ok(ProgrammeSummary {
        id: ProgrammeId::from(p.id),
        kind: ProgrammeKind::parse(&p.kind).map_err(TrainingError::corrupt)?,
        title: LocalizedText {
            ko: p.title_ko.clone(),
            en: p.title_en.clone(),
            zh: p.title_zh.clone(),
            ja: p.title_ja.clone(),
        },
    })
}

fn encode_cursor(seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("seq:{seq}"))
}

fn decode_cursor(cursor: &str) -> Result<i64> {
    let bad = || TrainingError::invalid("after", "is not a cursor from this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("seq:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)
}

fn is_unique_violation(e: &DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn unique_ids(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.into_iter().collect();
    v.sort();
    v.dedup();
    v
}

fn active_key(edition: Uuid, kind: ApplicantKind, subject: &str, org: &str) -> String {
    match kind {
        ApplicantKind::Official => format!("{edition}:official:{subject}"),
        ApplicantKind::LocalGovernment => format!("{edition}:org:{org}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn history_row(
    aggregate_type: &str,
    id: Uuid,
    action: &str,
    from: Option<&str>,
    to: Option<&str>,
    actor: &Actor,
    at: DateTime<Utc>,
    note: &str,
) -> history::ActiveModel {
    history::ActiveModel {
        aggregate_type: Set(aggregate_type.to_owned()),
        aggregate_id: Set(id),
        action: Set(action.to_owned()),
        from_state: Set(from.map(str::to_owned)),
        to_state: Set(to.map(str::to_owned)),
        actor_subject: Set(actor.subject.clone()),
        actor_name: Set(actor.name.clone()),
        at: Set(at),
        note: Set(note.to_owned()),
        ..Default::default()
    }
}

/// The training office: every operation of the training service.
#[derive(Clone)]
pub struct TrainingOffice {
    db: DatabaseConnection,
    config: Config,
    clock: Clock,
}

impl std::fmt::Debug for TrainingOffice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TrainingOffice")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl TrainingOffice {
    /// The service over `db` (already migrated), on the wall clock.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        TrainingOffice {
            db,
            config,
            clock: Arc::new(Utc::now),
        }
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    async fn who<C: ConnectionTrait>(&self, c: &C, caller: Option<&Caller>) -> Result<Who> {
        let Some(caller) = caller else {
            return Ok(Who {
                viewer: Viewer::Public {
                    authenticated: false,
                },
                actor: Actor {
                    subject: "anonymous".into(),
                    name: String::new(),
                },
                assignments: Vec::new(),
            });
        };
        let actor = Actor {
            subject: caller.subject.clone(),
            name: caller.name.clone(),
        };
        let (viewer, assignments) = if caller.has(Role::BureauAdmin) {
            (Viewer::Admin, Vec::new())
        } else if caller.has(Role::BureauStaff) {
            let assignments = queries::assignments_of(c, &caller.subject).await?;
            (
                Viewer::Staff {
                    subject: caller.subject.clone(),
                },
                assignments,
            )
        } else if caller.has(Role::LocalOfficial) {
            if caller.org.is_empty() {
                return Err(TrainingError::Forbidden(
                    "local officials need an organisation".into(),
                ));
            }
            (
                Viewer::Applicant {
                    subject: caller.subject.clone(),
                    org: caller.org.clone(),
                },
                Vec::new(),
            )
        } else {
            (
                Viewer::Public {
                    authenticated: true,
                },
                Vec::new(),
            )
        };
        Ok(Who {
            viewer,
            actor,
            assignments,
        })
    }

    fn page_size(&self, page: &PageRequest) -> u32 {
        if page.first == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page.first
        }
        .min(self.config.max_page_size)
    }

    // ---- views ------------------------------------------------------------------------

    async fn edition_views<C: ConnectionTrait>(
        &self,
        c: &C,
        who: &Who,
        rows: Vec<edition::Model>,
        include_sessions: bool,
    ) -> Result<Vec<Edition>> {
        let edition_ids: Vec<Uuid> = rows.iter().map(|e| e.id).collect();
        let programmes: HashMap<Uuid, ProgrammeSummary> =
            queries::programmes_by_ids(c, &unique_ids(rows.iter().map(|e| e.programme_id)))
                .await?
                .iter()
                .map(|p| Ok((p.id, summary_of(p)?)))
                .collect::<Result<_>>()?;
        let mut stages: HashMap<Uuid, Vec<ReviewStage>> = HashMap::new();
        for s in queries::stages_of(c, &edition_ids).await? {
            stages.entry(s.edition_id).or_default().push(ReviewStage {
                number: count(s.number),
                name: s.name.clone(),
                cut: cut_of(&s)?,
                blind: s.blind,
                reviewers: Vec::new(),
            });
        }
        for r in queries::reviewers_of(c, &edition_ids).await? {
            if !who.manages(r.edition_id) {
                continue;
            }
            if let Some(stage) = stages
                .get_mut(&r.edition_id)
                .and_then(|s| s.iter_mut().find(|s| s.number == count(r.stage)))
            {
                stage.reviewers.push(r.reviewer_subject);
            }
        }
        let mut waitlisted: HashMap<Uuid, u32> = HashMap::new();
        for a in queries::waitlists_of(c, &edition_ids).await? {
            *waitlisted.entry(a.edition_id).or_default() += 1;
        }
        let mut sessions: HashMap<Uuid, Vec<Session>> = HashMap::new();
        if include_sessions {
            for s in self
                .session_views(c, who, queries::sessions_of(c, &edition_ids).await?)
                .await?
            {
                sessions.entry(s.edition_id.as_uuid()).or_default().push(s);
            }
        }
        rows.into_iter()
            .map(|e| {
                Ok(Edition {
                    id: EditionId::from(e.id),
                    programme: programmes
                        .get(&e.programme_id)
                        .cloned()
                        .ok_or_else(|| TrainingError::corrupt("edition without programme"))?,
                    eligibility: eligibility_of(&e)?,
                    cost_policy: policy_from_text(&e.cost_policy)?,
                    languages: split(&e.languages),
                    host_codes: split(&e.host_codes),
                    stages: stages.remove(&e.id).unwrap_or_default(),
                    waitlisted_count: waitlisted.get(&e.id).copied().unwrap_or(0),
                    sessions: sessions.remove(&e.id).unwrap_or_default(),
                    version: version_of(e.version)?,
                    term: e.term,
                    starts_on: e.starts_on,
                    ends_on: e.ends_on,
                    applications_open_on: e.applications_open_on,
                    applications_close_on: e.applications_close_on,
                    capacity: count(e.capacity),
                    accepted_count: count(e.accepted_count),
                    published: e.published,
                })
            })
            .collect()
    }

    async fn session_views<C: ConnectionTrait>(
        &self,
        c: &C,
        who: &Who,
        rows: Vec<session::Model>,
    ) -> Result<Vec<Session>> {
        let session_ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
        let records = queries::attendance_at(c, &session_ids).await?;
        let participants: HashMap<Uuid, application::Model> =
            queries::applications_by_ids(c, &unique_ids(records.iter().map(|r| r.application_id)))
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
        let mut by_session: HashMap<Uuid, Vec<AttendanceRecord>> = HashMap::new();
        for r in records {
            let Some(p) = participants.get(&r.application_id) else {
                continue;
            };
            if !(who.manages(p.edition_id) || who.owns(p)) {
                continue;
            }
            by_session
                .entry(r.session_id)
                .or_default()
                .push(AttendanceRecord {
                    application_id: ApplicationId::from(r.application_id),
                    participant_name: p.full_name.clone(),
                    status: AttendanceStatus::parse(&r.status).map_err(TrainingError::corrupt)?,
                    note: r.note,
                });
        }
        rows.into_iter()
            .map(|s| {
                Ok(Session {
                    id: SessionId::from(s.id),
                    edition_id: EditionId::from(s.edition_id),
                    kind: SessionKind::parse(&s.kind).map_err(TrainingError::corrupt)?,
                    attendance: by_session.remove(&s.id).unwrap_or_default(),
                    title: s.title,
                    starts_at: s.starts_at,
                    ends_at: s.ends_at,
                    location: s.location,
                })
            })
            .collect()
    }

    async fn programme_views<C: ConnectionTrait>(
        &self,
        c: &C,
        who: &Who,
        rows: Vec<programme::Model>,
    ) -> Result<Vec<Programme>> {
        let ids: Vec<Uuid> = rows.iter().map(|p| p.id).collect();
        let editions = queries::editions_of(c, &ids, !who.is_bureau()).await?;
        let mut by_programme: HashMap<Uuid, Vec<Edition>> = HashMap::new();
        for e in self.edition_views(c, who, editions, false).await? {
            by_programme
                .entry(e.programme.id.as_uuid())
                .or_default()
                .push(e);
        }
        rows.into_iter()
            .map(|p| {
                let summary = summary_of(&p)?;
                Ok(Programme {
                    id: summary.id,
                    kind: summary.kind,
                    title: summary.title,
                    description: LocalizedText {
                        ko: p.description_ko,
                        en: p.description_en,
                        zh: p.description_zh,
                        ja: p.description_ja,
                    },
                    published: p.published,
                    editions: by_programme.remove(&p.id).unwrap_or_default(),
                    version: version_of(p.version)?,
                    created_at: p.created_at,
                })
            })
            .collect()
    }

    /// Builds the caller's view of `rows`: one query per related table, not per row.
    async fn application_views<C: ConnectionTrait>(
        &self,
        c: &C,
        who: &Who,
        rows: Vec<application::Model>,
    ) -> Result<Vec<Application>> {
        let app_ids: Vec<Uuid> = rows.iter().map(|a| a.id).collect();
        let edition_ids = unique_ids(rows.iter().map(|a| a.edition_id));
        let editions: HashMap<Uuid, edition::Model> = queries::editions_by_ids(c, &edition_ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let programmes: HashMap<Uuid, ProgrammeSummary> =
            queries::programmes_by_ids(c, &unique_ids(editions.values().map(|e| e.programme_id)))
                .await?
                .iter()
                .map(|p| Ok((p.id, summary_of(p)?)))
                .collect::<Result<_>>()?;
        let mut blind_stages: HashMap<Uuid, Vec<i32>> = HashMap::new();
        for s in queries::stages_of(c, &edition_ids).await? {
            if s.blind {
                blind_stages.entry(s.edition_id).or_default().push(s.number);
            }
        }
        let mut reviews: HashMap<Uuid, Vec<review::Model>> = HashMap::new();
        for r in queries::reviews_of(c, &app_ids).await? {
            reviews.entry(r.application_id).or_default().push(r);
        }
        let certificates: HashMap<Uuid, String> = queries::certificates_of(c, &app_ids)
            .await?
            .into_iter()
            .map(|c| (c.application_id, c.code))
            .collect();
        let mut histories: HashMap<Uuid, Vec<HistoryEntry>> = HashMap::new();
        for h in queries::history_of(c, &app_ids).await? {
            let parse = |s: Option<&str>| s.map(state_of).transpose();
            histories
                .entry(h.aggregate_id)
                .or_default()
                .push(HistoryEntry {
                    from_state: parse(h.from_state.as_deref())?,
                    to_state: parse(h.to_state.as_deref())?,
                    action: h.action,
                    actor_subject: h.actor_subject,
                    actor_name: h.actor_name,
                    at: h.at,
                    note: h.note,
                });
        }
        let mut positions: HashMap<Uuid, u32> = HashMap::new();
        let waitlisted_editions = unique_ids(
            rows.iter()
                .filter(|a| a.state == ApplicationState::Waitlisted.as_str())
                .map(|a| a.edition_id),
        );
        let mut place: HashMap<Uuid, u32> = HashMap::new();
        for w in queries::waitlists_of(c, &waitlisted_editions).await? {
            let n = place.entry(w.edition_id).or_default();
            *n += 1;
            positions.insert(w.id, *n);
        }

        rows.into_iter()
            .map(|a| {
                let e = editions
                    .get(&a.edition_id)
                    .ok_or_else(|| TrainingError::corrupt("application without edition"))?;
                let manager = who.manages(a.edition_id);
                let my_stages = who.stages_reviewed(a.edition_id);
                let reviewer = !manager && !my_stages.is_empty();
                let blind = reviewer
                    && blind_stages
                        .get(&a.edition_id)
                        .is_some_and(|b| b.iter().any(|s| my_stages.contains(s)));
                let all_reviews = reviews.remove(&a.id).unwrap_or_default();
                let mut scores: Vec<StageScore> = Vec::new();
                if manager {
                    for r in &all_reviews {
                        let stage = count(r.stage);
                        match scores.iter_mut().find(|s| s.stage == stage) {
                            Some(s) => {
                                s.reviews += 1;
                                s.mean_centi += i64::from(r.score);
                            }
                            None => scores.push(StageScore {
                                stage,
                                reviews: 1,
                                mean_centi: i64::from(r.score),
                            }),
                        }
                    }
                    for s in &mut scores {
                        s.mean_centi = s.mean_centi * 100 / i64::from(s.reviews.max(1));
                    }
                }
                let reviews: Vec<ReviewView> = all_reviews
                    .into_iter()
                    .filter(|r| manager || (reviewer && r.reviewer_subject == who.actor.subject))
                    .map(|r| ReviewView {
                        stage: count(r.stage),
                        score: u8::try_from(r.score).unwrap_or(0),
                        reviewer_subject: r.reviewer_subject,
                        reviewer_name: r.reviewer_name,
                        comment: r.comment,
                        at: r.at,
                    })
                    .collect();
                let state = state_of(&a.state)?;
                let participation = (state == ApplicationState::Accepted
                    || a.host_code.is_some()
                    || a.mentor.is_some())
                .then(|| Participation {
                    host_code: a.host_code.clone(),
                    mentor: a.mentor.clone(),
                    joined_on: a.joined_on.unwrap_or(e.starts_on),
                    left_on: a.left_on.unwrap_or(e.ends_on),
                });
                let hide = |s: String| if blind { String::new() } else { s };
                Ok(Application {
                    id: ApplicationId::from(a.id),
                    edition_id: EditionId::from(a.edition_id),
                    edition_term: e.term.clone(),
                    programme: programmes
                        .get(&e.programme_id)
                        .cloned()
                        .ok_or_else(|| TrainingError::corrupt("edition without programme"))?,
                    state,
                    current_stage: count(a.current_stage),
                    profile: ProfileView {
                        kind: ApplicantKind::parse(&a.applicant_kind)
                            .map_err(TrainingError::corrupt)?,
                        full_name: hide(a.full_name),
                        nationality: hide(a.nationality),
                        organisation_type: OrganisationType::parse(&a.organisation_type)
                            .map_err(TrainingError::corrupt)?,
                        organisation: hide(a.organisation),
                        grade: a.grade.and_then(|g| u8::try_from(g).ok()),
                        languages: split(&a.languages),
                    },
                    applicant_subject: hide(a.applicant_subject),
                    organisation_code: hide(a.org_code),
                    blind,
                    answers: answers_from_text(&a.answers)?,
                    attachments: attachments_from_text(&a.attachments)?,
                    reviews,
                    scores,
                    participation,
                    decision_note: a.decision_note,
                    certificate_code: certificates.get(&a.id).cloned(),
                    history: if reviewer {
                        Vec::new()
                    } else {
                        histories.remove(&a.id).unwrap_or_default()
                    },
                    version: version_of(a.version)?,
                    created_at: a.created_at,
                    submitted_at: a.submitted_at,
                    updated_at: a.updated_at,
                    waitlist_position: positions.get(&a.id).copied(),
                })
            })
            .collect()
    }

    async fn application_view(&self, who: &Who, id: Uuid) -> Result<Application> {
        let row = queries::find_application(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("application"))?;
        self.application_views(&self.db, who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    async fn edition_view(&self, who: &Who, id: Uuid, include_sessions: bool) -> Result<Edition> {
        let row = queries::find_edition(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        self.edition_views(&self.db, who, vec![row], include_sessions)
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("edition"))
    }

    /// The edition if the caller may see it (published, or bureau).
    async fn visible_edition<C: ConnectionTrait>(
        c: &C,
        who: &Who,
        id: Uuid,
    ) -> Result<edition::Model> {
        match queries::find_edition(c, id).await? {
            Some(e) if e.published || who.is_bureau() => Ok(e),
            _ => Err(TrainingError::NotFound("edition")),
        }
    }

    /// The application if the caller may see it; NOT_FOUND otherwise.
    async fn visible_application<C: ConnectionTrait>(
        c: &C,
        who: &Who,
        id: ApplicationId,
    ) -> Result<application::Model> {
        who.scope()?;
        let row = queries::find_application(c, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("application"))?;
        let scored_it = if who.stages_reviewed(row.edition_id).is_empty() {
            false
        } else {
            queries::reviews_of(c, &[row.id])
                .await?
                .iter()
                .any(|r| r.reviewer_subject == who.actor.subject)
        };
        if who.sees_application(&row, scored_it) {
            Ok(row)
        } else {
            Err(TrainingError::NotFound("application"))
        }
    }

    fn check_version(row_version: i64, seen: Version) -> Result<()> {
        if row_version != seen.get() {
            return Err(TrainingError::StaleVersion {
                seen,
                current: row_version,
            });
        }
        Ok(())
    }

    // ---- programmes and editions -------------------------------------------------------

    /// Creates a programme (bureau staff). A retry with the same idempotency key returns
    /// the first one.
    pub async fn create_programme(
        &self,
        caller: Option<&Caller>,
        draft: ProgrammeDraft,
    ) -> Result<Programme> {
        let who = self.who(&self.db, caller).await?;
        who.require_bureau("create programmes")?;
        let new = draft.parse()?;
        let existing =
            queries::programme_by_key(&self.db, &who.actor.subject, new.idempotency_key.as_str())
                .await?;
        let id = match existing {
            Some(p) => {
                if p.kind != new.kind.as_str()
                    || p.title_en != new.title.en
                    || p.title_ko != new.title.ko
                {
                    return Err(TrainingError::Conflict(format!(
                        "idempotency key `{}` was already used for another programme",
                        new.idempotency_key.as_str()
                    )));
                }
                p.id
            }
            None => {
                let now = self.now();
                let id = Uuid::new_v4();
                let txn = self.db.begin().await?;
                queries::insert(
                    &txn,
                    programme::ActiveModel {
                        id: Set(id),
                        kind: Set(new.kind.as_str().to_owned()),
                        title_ko: Set(new.title.ko.clone()),
                        title_en: Set(new.title.en.clone()),
                        title_zh: Set(new.title.zh.clone()),
                        title_ja: Set(new.title.ja.clone()),
                        description_ko: Set(new.description.ko.clone()),
                        description_en: Set(new.description.en.clone()),
                        description_zh: Set(new.description.zh.clone()),
                        description_ja: Set(new.description.ja.clone()),
                        published: Set(new.published),
                        created_by: Set(who.actor.subject.clone()),
                        idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
                        created_at: Set(now),
                        updated_at: Set(now),
                        version: Set(Version::FIRST.get()),
                        ..Default::default()
                    },
                )
                .await?;
                queries::insert(
                    &txn,
                    history_row(
                        "programme",
                        id,
                        "create",
                        None,
                        None,
                        &who.actor,
                        now,
                        new.title.best(),
                    ),
                )
                .await?;
                let payload = json!({ "id": id.to_string(), "kind": new.kind.as_str(), "published": new.published });
                queries::insert_outbox(&txn, id, "ProgrammeCreated", &payload, now).await?;
                txn.commit().await?;
                tracing::info!(programme_id = %id, kind = %new.kind, "programme created");
                id
            }
        };
        let row = queries::find_programme(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("programme"))?;
        self.programme_views(&self.db, &who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("programme"))
    }

    /// A page of the programmes the caller may see (the public: published ones), in
    /// creation order, with their visible editions.
    pub async fn list_programmes(
        &self,
        caller: Option<&Caller>,
        kinds: &[ProgrammeKind],
        page: PageRequest,
    ) -> Result<Page<Programme>> {
        let who = self.who(&self.db, caller).await?;
        let first = self.page_size(&page);
        let after = page
            .after
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(decode_cursor)
            .transpose()?;
        let kinds: Vec<String> = kinds.iter().map(|k| k.as_str().to_owned()).collect();
        let (mut rows, total_count) = queries::list_programmes(
            &self.db,
            !who.is_bureau(),
            &kinds,
            after,
            u64::from(first) + 1,
        )
        .await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows.iter().map(|r| encode_cursor(r.seq)).collect();
        let items = self.programme_views(&self.db, &who, rows).await?;
        Ok(Page {
            end_cursor: cursors.last().cloned(),
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// One programme the caller may see; NOT_FOUND otherwise.
    pub async fn get_programme(
        &self,
        caller: Option<&Caller>,
        id: ProgrammeId,
    ) -> Result<Programme> {
        let who = self.who(&self.db, caller).await?;
        match queries::find_programme(&self.db, id.as_uuid()).await? {
            Some(p) if p.published || who.is_bureau() => self
                .programme_views(&self.db, &who, vec![p])
                .await?
                .pop()
                .ok_or(TrainingError::NotFound("programme")),
            _ => Err(TrainingError::NotFound("programme")),
        }
    }

    /// The programmes of `ids` the caller may see, in the order asked, without duplicates;
    /// unknown, hidden (unpublished, for anyone but the bureau) and malformed ids are left
    /// out. One query for the programmes, one for all their editions.
    pub async fn batch_get_programmes(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
    ) -> Result<Vec<Programme>> {
        let ids = batch_ids(ids, |s| ProgrammeId::parse(s).ok().map(|id| id.as_uuid()))?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let who = self.who(&self.db, caller).await?;
        let rows = queries::programmes_by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|p| p.published || who.is_bureau())
            .collect();
        let views = self.programme_views(&self.db, &who, rows).await?;
        Ok(in_order(&ids, views, |p| p.id.as_uuid()))
    }

    /// Creates an edition of a programme (bureau staff), with its stages and reviewers.
    /// Idempotent per key.
    pub async fn create_edition(
        &self,
        caller: Option<&Caller>,
        draft: EditionDraft,
    ) -> Result<Edition> {
        let who = self.who(&self.db, caller).await?;
        who.require_bureau("create editions")?;
        let new = draft.parse()?;
        if queries::find_programme(&self.db, new.programme_id.as_uuid())
            .await?
            .is_none()
        {
            return Err(TrainingError::invalid("programmeId", "unknown programme"));
        }
        if let Some(e) =
            queries::edition_by_key(&self.db, &who.actor.subject, new.idempotency_key.as_str())
                .await?
        {
            if e.programme_id != new.programme_id.as_uuid() || e.term != new.term.as_str() {
                return Err(TrainingError::Conflict(format!(
                    "idempotency key `{}` was already used for another edition",
                    new.idempotency_key.as_str()
                )));
            }
            return self.edition_view(&who, e.id, false).await;
        }
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        let kinds: Vec<&str> = new
            .eligibility
            .applicant_kinds
            .iter()
            .map(|k| k.as_str())
            .collect();
        let types: Vec<&str> = new
            .eligibility
            .organisation_types
            .iter()
            .map(|t| t.as_str())
            .collect();
        let langs: Vec<&str> = new.languages.iter().map(LanguageCode::as_str).collect();
        let hosts: Vec<&str> = new.host_codes.iter().map(|h| h.as_str()).collect();
        queries::insert(
            &txn,
            edition::ActiveModel {
                id: Set(id),
                programme_id: Set(new.programme_id.as_uuid()),
                term: Set(new.term.as_str().to_owned()),
                starts_on: Set(new.starts_on),
                ends_on: Set(new.ends_on),
                applications_open_on: Set(new.applications_open_on),
                applications_close_on: Set(new.applications_close_on),
                capacity: Set(i32::try_from(new.capacity).unwrap_or(i32::MAX)),
                accepted_count: Set(0),
                languages: Set(join(&langs)),
                applicant_kinds: Set(join(&kinds)),
                organisation_types: Set(join(&types)),
                nationality: Set(new.eligibility.nationality.as_str().to_owned()),
                min_grade: Set(new.eligibility.min_grade.map(i32::from)),
                max_grade: Set(new.eligibility.max_grade.map(i32::from)),
                cost_policy: Set(policy_to_text(&new.cost_policy)),
                host_codes: Set(join(&hosts)),
                published: Set(new.published),
                created_by: Set(who.actor.subject.clone()),
                idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(Version::FIRST.get()),
                ..Default::default()
            },
        )
        .await?;
        for stage in &new.stages {
            let number = i32::try_from(stage.number).unwrap_or(i32::MAX);
            queries::insert(
                &txn,
                review_stage::ActiveModel {
                    edition_id: Set(id),
                    number: Set(number),
                    name: Set(stage.name.clone()),
                    cut_kind: Set(cut_kind_text(stage.cut).to_owned()),
                    cut_value: Set(i32::try_from(stage.cut.value()).unwrap_or(i32::MAX)),
                    blind: Set(stage.blind),
                    ..Default::default()
                },
            )
            .await?;
            for r in &stage.reviewers {
                queries::insert(
                    &txn,
                    stage_reviewer::ActiveModel {
                        edition_id: Set(id),
                        stage: Set(number),
                        reviewer_subject: Set(r.clone()),
                        ..Default::default()
                    },
                )
                .await?;
            }
        }
        queries::insert(
            &txn,
            history_row(
                "edition",
                id,
                "create",
                None,
                None,
                &who.actor,
                now,
                new.term.as_str(),
            ),
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "programmeId": new.programme_id.to_string(),
            "term": new.term.as_str(),
            "published": new.published,
        });
        queries::insert_outbox(&txn, id, "EditionCreated", &payload, now).await?;
        if let Err(e) = txn.commit().await {
            if is_unique_violation(&e) {
                return Err(TrainingError::Conflict(
                    "the edition is being created by a concurrent call; retry".into(),
                ));
            }
            return Err(e.into());
        }
        tracing::info!(edition_id = %id, term = %new.term, "edition created");
        self.edition_view(&who, id, false).await
    }

    /// Publishes an edition (and its programme) so the public sees it and applicants may
    /// apply.
    pub async fn publish_edition(
        &self,
        caller: Option<&Caller>,
        id: EditionId,
        version: Version,
    ) -> Result<Edition> {
        let who = self.who(&self.db, caller).await?;
        who.require_manager(id.as_uuid(), "publish editions")?;
        let txn = self.db.begin().await?;
        let e = queries::find_edition(&txn, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        Self::check_version(e.version, version)?;
        if e.published {
            return Err(TrainingError::Conflict(
                "the edition is already published".into(),
            ));
        }
        let now = self.now();
        let set = edition::ActiveModel {
            published: Set(true),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_edition_if_version(&txn, e.id, e.version, set).await? {
            return Err(TrainingError::StaleVersion {
                seen: version,
                current: e.version + 1,
            });
        }
        queries::publish_programme(&txn, e.programme_id, now).await?;
        queries::insert(
            &txn,
            history_row(
                "edition", e.id, "publish", None, None, &who.actor, now, &e.term,
            ),
        )
        .await?;
        let payload = json!({ "id": e.id.to_string(), "programmeId": e.programme_id.to_string(), "term": e.term });
        queries::insert_outbox(&txn, e.id, "EditionPublished", &payload, now).await?;
        txn.commit().await?;
        self.edition_view(&who, e.id, false).await
    }

    /// One edition the caller may see (the public: published ones), with its sessions when
    /// asked.
    pub async fn get_edition(
        &self,
        caller: Option<&Caller>,
        id: EditionId,
        include_sessions: bool,
    ) -> Result<Edition> {
        let who = self.who(&self.db, caller).await?;
        let row = Self::visible_edition(&self.db, &who, id.as_uuid()).await?;
        self.edition_views(&self.db, &who, vec![row], include_sessions)
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("edition"))
    }

    /// The editions of `ids` the caller may see, as [`Self::get_edition`] answers them, in
    /// the order asked, without duplicates; unknown, hidden and malformed ids are left out.
    pub async fn batch_get_editions(
        &self,
        caller: Option<&Caller>,
        ids: &[String],
        include_sessions: bool,
    ) -> Result<Vec<Edition>> {
        let ids = batch_ids(ids, |s| EditionId::parse(s).ok().map(|id| id.as_uuid()))?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let who = self.who(&self.db, caller).await?;
        let rows = queries::editions_by_ids(&self.db, &ids)
            .await?
            .into_iter()
            .filter(|e| e.published || who.is_bureau())
            .collect();
        let views = self
            .edition_views(&self.db, &who, rows, include_sessions)
            .await?;
        Ok(in_order(&ids, views, |e| e.id.as_uuid()))
    }

    // ---- applications -----------------------------------------------------------------

    fn facts<'a>(
        e: &edition::Model,
        eligibility: &'a Eligibility,
        languages: &'a [LanguageCode],
    ) -> EditionFacts<'a> {
        EditionFacts {
            published: e.published,
            open_on: e.applications_open_on,
            close_on: e.applications_close_on,
            eligibility,
            languages,
        }
    }

    /// Every eligibility rule `profile` fails for an edition today (empty when eligible).
    /// For an applicant this includes an active application they already have.
    pub async fn check_eligibility(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
        profile: ProfileDraft,
    ) -> Result<Vec<EligibilityFailure>> {
        let who = self.who(&self.db, caller).await?;
        let e = Self::visible_edition(&self.db, &who, edition_id.as_uuid()).await?;
        let profile = profile.parse()?;
        let active = match &who.viewer {
            Viewer::Applicant { subject, org } => {
                let key = active_key(e.id, profile.kind, subject, org);
                queries::active_application(&self.db, &key)
                    .await?
                    .map(|a| a.id.to_string())
            }
            _ => None,
        };
        let eligibility = eligibility_of(&e)?;
        let languages = languages_of(&e)?;
        Ok(check_eligibility(
            Self::facts(&e, &eligibility, &languages),
            &profile,
            self.today(),
            active.as_deref(),
        ))
    }

    /// Applies to an edition (local officials): checks every eligibility rule and, when all
    /// pass, stores the application SUBMITTED (or DRAFT when `as_draft`, checking only that
    /// no other application is active). A retry with the same idempotency key returns the
    /// first application.
    pub async fn submit_application(
        &self,
        caller: Option<&Caller>,
        draft: ApplicationDraft,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        who.require_authenticated()?;
        let Viewer::Applicant { subject, org } = who.viewer.clone() else {
            return Err(TrainingError::Forbidden(
                "applications are made by local officials".into(),
            ));
        };
        let new = draft.parse()?;
        if let Some(existing) =
            queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str()).await?
        {
            return self.replay(&who, existing, &new).await;
        }
        let e = Self::visible_edition(&self.db, &who, new.edition_id.as_uuid()).await?;
        let key = active_key(e.id, new.profile.kind, &subject, &org);
        let active = queries::active_application(&self.db, &key)
            .await?
            .map(|a| a.id.to_string());
        let failures = if new.as_draft {
            active
                .iter()
                .map(|id| Self::one_active_failure(id))
                .collect()
        } else {
            let eligibility = eligibility_of(&e)?;
            let languages = languages_of(&e)?;
            check_eligibility(
                Self::facts(&e, &eligibility, &languages),
                &new.profile,
                self.today(),
                active.as_deref(),
            )
        };
        if !failures.is_empty() {
            // A concurrent retry of this very submission may have landed meanwhile.
            if let Some(existing) =
                queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str())
                    .await?
            {
                return self.replay(&who, existing, &new).await;
            }
            return Err(TrainingError::Ineligible(failures));
        }

        let txn = self.db.begin().await?;
        match self
            .insert_application(&txn, &who, &new, &subject, &org, &key)
            .await
        {
            Ok(id) => {
                txn.commit().await?;
                self.application_view(&who, id).await
            }
            Err(TrainingError::Db(err)) if is_unique_violation(&err) => {
                drop(txn);
                if let Some(existing) =
                    queries::application_by_key(&self.db, &subject, new.idempotency_key.as_str())
                        .await?
                {
                    return self.replay(&who, existing, &new).await;
                }
                let holder = queries::active_application(&self.db, &key)
                    .await?
                    .map_or_else(|| "another".to_owned(), |a| a.id.to_string());
                Err(TrainingError::Ineligible(vec![Self::one_active_failure(
                    &holder,
                )]))
            }
            Err(e) => Err(e),
        }
    }

    fn one_active_failure(id: &str) -> EligibilityFailure {
        EligibilityFailure {
            rule: EligibilityRule::OneActiveApplication,
            field: "editionId".into(),
            reason: format!("there is already an active application ({id}) for this edition"),
        }
    }

    async fn replay(
        &self,
        who: &Who,
        existing: application::Model,
        new: &NewApplication,
    ) -> Result<Application> {
        if existing.edition_id != new.edition_id.as_uuid()
            || existing.full_name != new.profile.full_name.as_str()
            || existing.applicant_kind != new.profile.kind.as_str()
        {
            return Err(TrainingError::Conflict(format!(
                "idempotency key `{}` was already used for another application",
                new.idempotency_key.as_str()
            )));
        }
        self.application_views(&self.db, who, vec![existing])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    async fn insert_application(
        &self,
        txn: &DatabaseTransaction,
        who: &Who,
        new: &NewApplication,
        subject: &str,
        org: &str,
        key: &str,
    ) -> Result<Uuid> {
        let now = self.now();
        let id = Uuid::new_v4();
        let state = if new.as_draft {
            ApplicationState::Draft
        } else {
            ApplicationState::Submitted
        };
        let p = &new.profile;
        let langs: Vec<&str> = p.languages.iter().map(LanguageCode::as_str).collect();
        queries::insert(
            txn,
            application::ActiveModel {
                id: Set(id),
                edition_id: Set(new.edition_id.as_uuid()),
                applicant_kind: Set(p.kind.as_str().to_owned()),
                applicant_subject: Set(subject.to_owned()),
                applicant_name: Set(who.actor.name.clone()),
                org_code: Set(org.to_owned()),
                full_name: Set(p.full_name.as_str().to_owned()),
                nationality: Set(p.nationality.as_str().to_owned()),
                organisation_type: Set(p.organisation_type.as_str().to_owned()),
                organisation: Set(p.organisation.clone()),
                grade: Set(p.grade.map(|g| i32::from(g.get()))),
                languages: Set(join(&langs)),
                answers: Set(answers_to_text(&new.answers)),
                attachments: Set(attachments_to_text(&new.attachments)),
                state: Set(state.as_str().to_owned()),
                current_stage: Set(0),
                active_key: Set(Some(key.to_owned())),
                idempotency_key: Set(new.idempotency_key.as_str().to_owned()),
                decision_note: Set(String::new()),
                host_code: Set(None),
                mentor: Set(None),
                joined_on: Set(None),
                left_on: Set(None),
                waitlisted_at: Set(None),
                submitted_at: Set((!new.as_draft).then_some(now)),
                created_at: Set(now),
                updated_at: Set(now),
                version: Set(Version::FIRST.get()),
                ..Default::default()
            },
        )
        .await?;
        let action = if new.as_draft { "save_draft" } else { "submit" };
        queries::insert(
            txn,
            history_row(
                "application",
                id,
                action,
                None,
                Some(state.as_str()),
                &who.actor,
                now,
                "",
            ),
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "editionId": new.edition_id.to_string(),
            "action": action,
            "state": state.as_str(),
            "version": Version::FIRST.get(),
            "applicantSubject": subject,
            "orgCode": org,
        });
        let event = if new.as_draft {
            "ApplicationDrafted"
        } else {
            "ApplicationSubmitted"
        };
        queries::insert_outbox(txn, id, event, &payload, now).await?;
        tracing::info!(application_id = %id, edition_id = %new.edition_id, state = %state, "application created");
        Ok(id)
    }

    /// Writes one state change of an application: the update (only if `row.version` is
    /// still current), its audit row and its outbox event. False when someone changed the
    /// row first (nothing is written then).
    #[allow(clippy::too_many_arguments)]
    async fn try_change(
        &self,
        txn: &DatabaseTransaction,
        row: &application::Model,
        actor: &Actor,
        now: DateTime<Utc>,
        action: Action,
        to: ApplicationState,
        mut set: application::ActiveModel,
        note: &str,
    ) -> Result<bool> {
        let from = state_of(&row.state)?;
        set.state = Set(to.as_str().to_owned());
        set.updated_at = Set(now);
        if to.is_terminal() {
            set.active_key = Set(None);
        }
        let current_stage = match &set.current_stage {
            sea_orm::ActiveValue::Set(s) => *s,
            _ => row.current_stage,
        };
        if !queries::update_application_if_version(txn, row.id, row.version, set).await? {
            return Ok(false);
        }
        queries::insert(
            txn,
            history_row(
                "application",
                row.id,
                action.as_str(),
                Some(from.as_str()),
                Some(to.as_str()),
                actor,
                now,
                note,
            ),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "action": action.as_str(),
            "fromState": from.as_str(),
            "state": to.as_str(),
            "currentStage": current_stage,
            "version": row.version + 1,
            "applicantSubject": row.applicant_subject,
            "orgCode": row.org_code,
        });
        queries::insert_outbox(txn, row.id, "ApplicationStateChanged", &payload, now).await?;
        tracing::info!(application_id = %row.id, action = action.as_str(), from = %from, to = %to, "application changed");
        Ok(true)
    }

    /// [`Self::try_change`], with a lost race reported as a stale version.
    #[allow(clippy::too_many_arguments)]
    async fn change(
        &self,
        txn: &DatabaseTransaction,
        row: &application::Model,
        actor: &Actor,
        now: DateTime<Utc>,
        action: Action,
        to: ApplicationState,
        set: application::ActiveModel,
        note: &str,
    ) -> Result<()> {
        if self
            .try_change(txn, row, actor, now, action, to, set, note)
            .await?
        {
            return Ok(());
        }
        let current = queries::find_application(txn, row.id)
            .await?
            .map_or(row.version, |r| r.version);
        Err(TrainingError::StaleVersion {
            seen: version_of(row.version)?,
            current,
        })
    }

    fn profile_of(row: &application::Model) -> Result<crate::domain::ApplicantProfile> {
        ProfileDraft {
            kind: Some(ApplicantKind::parse(&row.applicant_kind).map_err(TrainingError::corrupt)?),
            full_name: row.full_name.clone(),
            nationality: row.nationality.clone(),
            organisation_type: Some(
                OrganisationType::parse(&row.organisation_type).map_err(TrainingError::corrupt)?,
            ),
            organisation: row.organisation.clone(),
            grade: row.grade.and_then(|g| u32::try_from(g).ok()).unwrap_or(0),
            languages: split(&row.languages),
        }
        .parse()
        .map_err(TrainingError::corrupt)
    }

    /// Submits a draft: the eligibility rules are checked now.
    pub async fn submit_draft(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        if !who.owns(&row) {
            return Err(TrainingError::Forbidden(
                "only the applicant may submit".into(),
            ));
        }
        let to = transition(state_of(&row.state)?, Action::Submit)?;
        Self::check_version(row.version, version)?;
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let eligibility = eligibility_of(&e)?;
        let languages = languages_of(&e)?;
        let failures = check_eligibility(
            Self::facts(&e, &eligibility, &languages),
            &Self::profile_of(&row)?,
            self.today(),
            None,
        );
        if !failures.is_empty() {
            return Err(TrainingError::Ineligible(failures));
        }
        let now = self.now();
        let set = application::ActiveModel {
            submitted_at: Set(Some(now)),
            ..Default::default()
        };
        self.change(&txn, &row, &who.actor, now, Action::Submit, to, set, "")
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// One application the caller may see; NOT_FOUND otherwise.
    pub async fn get_application(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let row = Self::visible_application(&self.db, &who, id).await?;
        self.application_views(&self.db, &who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("application"))
    }

    /// A page of the applications the caller may see, newest first.
    pub async fn list_applications(
        &self,
        caller: Option<&Caller>,
        filter: ApplicationFilter,
        page: PageRequest,
    ) -> Result<Page<Application>> {
        let who = self.who(&self.db, caller).await?;
        let scope = who.scope()?;
        let first = self.page_size(&page);
        let after_seq = page
            .after
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(decode_cursor)
            .transpose()?;
        let query = AppListQuery {
            scope,
            edition_id: filter.edition_id.map(|e| e.as_uuid()),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            stage: filter.stage.map(|s| i32::try_from(s).unwrap_or(i32::MAX)),
            after_seq,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_applications(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows.iter().map(|r| encode_cursor(r.seq)).collect();
        let items = self.application_views(&self.db, &who, rows).await?;
        Ok(Page {
            end_cursor: cursors.last().cloned(),
            items,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// Staff screen an application: START (submitted → screening), PASS (→ the first review
    /// stage) or FAIL (→ rejected; a note is required).
    pub async fn screen(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        outcome: ScreeningOutcome,
        note: Note,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        who.require_manager(row.edition_id, "screen applications")?;
        let state = state_of(&row.state)?;
        let (action, mut set) = match outcome {
            ScreeningOutcome::Start => {
                (Action::StartScreening, application::ActiveModel::default())
            }
            ScreeningOutcome::Pass => (
                Action::PassScreening,
                application::ActiveModel {
                    current_stage: Set(1),
                    ..Default::default()
                },
            ),
            ScreeningOutcome::Fail => (Action::FailScreening, application::ActiveModel::default()),
        };
        let to = transition(state, action)?;
        if outcome == ScreeningOutcome::Fail && note.as_str().is_empty() {
            return Err(TrainingError::invalid(
                "note",
                "is required when screening fails",
            ));
        }
        Self::check_version(row.version, version)?;
        if !note.as_str().is_empty() {
            set.decision_note = Set(note.as_str().to_owned());
        }
        let now = self.now();
        self.change(&txn, &row, &who.actor, now, action, to, set, note.as_str())
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// A reviewer of `stage` scores an application at that stage (0..=100); scoring again
    /// replaces their earlier score.
    pub async fn review(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        stage: u32,
        score: Score,
        comment: crate::domain::Comment,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        let stage_no = i32::try_from(stage).unwrap_or(i32::MAX);
        if !who.stages_reviewed(row.edition_id).contains(&stage_no) {
            return Err(TrainingError::Forbidden(format!(
                "only the reviewers of stage {stage} of this edition may score it"
            )));
        }
        let state = state_of(&row.state)?;
        if state != ApplicationState::UnderReview || row.current_stage != stage_no {
            return Err(TrainingError::Conflict(format!(
                "the application is {state} at stage {}, not under review at stage {stage}",
                row.current_stage
            )));
        }
        let now = self.now();
        queries::upsert_review(
            &txn,
            review::ActiveModel {
                application_id: Set(row.id),
                stage: Set(stage_no),
                reviewer_subject: Set(who.actor.subject.clone()),
                reviewer_name: Set(who.actor.name.clone()),
                score: Set(i32::from(score.get())),
                comment: Set(comment.as_str().to_owned()),
                at: Set(now),
                ..Default::default()
            },
        )
        .await?;
        queries::insert(
            &txn,
            history_row(
                "application",
                row.id,
                "review",
                Some(state.as_str()),
                Some(state.as_str()),
                &who.actor,
                now,
                &format!("stage {stage}: score {}", score.get()),
            ),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "stage": stage,
            "reviewerSubject": who.actor.subject,
        });
        queries::insert_outbox(&txn, row.id, "ApplicationReviewed", &payload, now).await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Applies a stage's cut (managers): every application under review at the stage is
    /// ranked by mean score; those the cut passes move to the next stage, the others are
    /// rejected. Refused while an application at the stage has no score, and on the last
    /// stage (which ends with decisions).
    pub async fn apply_cut(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
        stage: u32,
    ) -> Result<CutResult> {
        let who = self.who(&self.db, caller).await?;
        who.require_manager(edition_id.as_uuid(), "apply review cuts")?;
        let txn = self.db.begin().await?;
        Self::visible_edition(&txn, &who, edition_id.as_uuid()).await?;
        let stages = queries::stages_of(&txn, &[edition_id.as_uuid()]).await?;
        let stage_no = i32::try_from(stage).unwrap_or(i32::MAX);
        let Some(current) = stages.iter().find(|s| s.number == stage_no) else {
            return Err(TrainingError::invalid(
                "stage",
                "the edition has no such stage",
            ));
        };
        if stage_no >= i32::try_from(stages.len()).unwrap_or(i32::MAX) {
            return Err(TrainingError::Conflict(
                "the last stage ends with decisions, not a cut".into(),
            ));
        }
        let rule = cut_of(current)?;
        let apps: Vec<application::Model> = queries::applications_in(
            &txn,
            edition_id.as_uuid(),
            &[ApplicationState::UnderReview.as_str()],
        )
        .await?
        .into_iter()
        .filter(|a| a.current_stage == stage_no)
        .collect();
        let ids: Vec<Uuid> = apps.iter().map(|a| a.id).collect();
        let reviews = queries::reviews_of(&txn, &ids).await?;
        let tallies: Vec<Tally<ApplicationId>> = apps
            .iter()
            .map(|a| {
                let mine = reviews
                    .iter()
                    .filter(|r| r.application_id == a.id && r.stage == stage_no);
                Tally {
                    id: ApplicationId::from(a.id),
                    total: mine.clone().map(|r| i64::from(r.score)).sum(),
                    count: i64::try_from(mine.count()).unwrap_or(0),
                }
            })
            .collect();
        let outcomes = apply_cut(rule, &tallies).map_err(|unscored| {
            TrainingError::Conflict(format!(
                "{} application(s) at stage {stage} have no score yet: {}",
                unscored.len(),
                unscored
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        let now = self.now();
        for o in &outcomes {
            let Some(row) = apps.iter().find(|a| a.id == o.id.as_uuid()) else {
                continue;
            };
            let mean = format!("{}.{:02}", o.mean_centi / 100, o.mean_centi % 100);
            if o.advanced {
                let set = application::ActiveModel {
                    current_stage: Set(stage_no + 1),
                    ..Default::default()
                };
                let note = format!(
                    "{}: rank {}, mean {mean}; on to stage {}",
                    current.name,
                    o.rank,
                    stage + 1
                );
                self.change(
                    &txn,
                    row,
                    &who.actor,
                    now,
                    Action::Advance,
                    ApplicationState::UnderReview,
                    set,
                    &note,
                )
                .await?;
            } else {
                let note = format!(
                    "not advanced at {}: rank {}, mean {mean}",
                    current.name, o.rank
                );
                let set = application::ActiveModel {
                    decision_note: Set(note.clone()),
                    ..Default::default()
                };
                self.change(
                    &txn,
                    row,
                    &who.actor,
                    now,
                    Action::Eliminate,
                    ApplicationState::Rejected,
                    set,
                    &note,
                )
                .await?;
            }
        }
        let advanced = outcomes.iter().filter(|o| o.advanced).count();
        let note = format!(
            "stage {stage} ({}): {advanced} of {} advanced",
            current.name,
            outcomes.len()
        );
        queries::insert(
            &txn,
            history_row(
                "edition",
                edition_id.as_uuid(),
                "review_cut",
                None,
                None,
                &who.actor,
                now,
                &note,
            ),
        )
        .await?;
        let payload = json!({
            "editionId": edition_id.to_string(),
            "stage": stage,
            "advanced": outcomes.iter().filter(|o| o.advanced).map(|o| o.id.to_string()).collect::<Vec<_>>(),
            "eliminated": outcomes.iter().filter(|o| !o.advanced).map(|o| o.id.to_string()).collect::<Vec<_>>(),
        });
        queries::insert_outbox(
            &txn,
            edition_id.as_uuid(),
            "ReviewCutApplied",
            &payload,
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(edition_id = %edition_id, stage, advanced, total = outcomes.len(), "review cut applied");
        Ok(CutResult {
            outcomes,
            edition: self.edition_view(&who, edition_id.as_uuid(), false).await?,
        })
    }

    /// Managers decide on an application at the last review stage (or on the waitlist):
    /// ACCEPT takes one of the edition's places (CONFLICT when none is free, also under
    /// concurrent decisions), WAITLIST queues it, REJECT ends it.
    pub async fn decide(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        decision: Decision,
        note: Note,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        who.require_manager(row.edition_id, "decide on applications")?;
        let state = state_of(&row.state)?;
        let (action, mut set) = match decision {
            Decision::Accept => (Action::Accept, application::ActiveModel::default()),
            Decision::Waitlist => (
                Action::Waitlist,
                application::ActiveModel {
                    waitlisted_at: Set(Some(self.now())),
                    ..Default::default()
                },
            ),
            Decision::Reject => (Action::Reject, application::ActiveModel::default()),
        };
        let to = transition(state, action)?;
        if state == ApplicationState::UnderReview && decision != Decision::Reject {
            let stages = queries::stages_of(&txn, &[row.edition_id]).await?.len();
            let last = i32::try_from(stages).unwrap_or(i32::MAX);
            if row.current_stage < last {
                return Err(TrainingError::Conflict(format!(
                    "the application is at stage {} of {last}: apply the stage's cut first",
                    row.current_stage
                )));
            }
        }
        Self::check_version(row.version, version)?;
        if decision == Decision::Accept && !queries::take_place(&txn, row.edition_id).await? {
            let e = queries::find_edition(&txn, row.edition_id)
                .await?
                .ok_or(TrainingError::NotFound("edition"))?;
            return Err(TrainingError::Conflict(format!(
                "the edition is full ({} of {} places taken): waitlist instead",
                e.accepted_count, e.capacity
            )));
        }
        set.decision_note = Set(note.as_str().to_owned());
        let now = self.now();
        self.change(&txn, &row, &who.actor, now, action, to, set, note.as_str())
            .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// The applicant withdraws. When an accepted participant withdraws, their place goes
    /// to the first application on the waitlist, in the same transaction (recorded in its
    /// history as `promote`).
    pub async fn withdraw(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        reason: Note,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        if !who.owns(&row) {
            return Err(TrainingError::Forbidden(
                "only the applicant may withdraw".into(),
            ));
        }
        let state = state_of(&row.state)?;
        let to = transition(state, Action::Withdraw)?;
        Self::check_version(row.version, version)?;
        let now = self.now();
        let was_accepted = state == ApplicationState::Accepted;
        if was_accepted {
            // The edition's row first, as every capacity change does (no lock cycles).
            queries::release_place(&txn, row.edition_id).await?;
        }
        self.change(
            &txn,
            &row,
            &who.actor,
            now,
            Action::Withdraw,
            to,
            application::ActiveModel::default(),
            reason.as_str(),
        )
        .await?;
        if was_accepted {
            self.promote_next(&txn, row.edition_id, row.id, now).await?;
        }
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Gives a freed place to the first waitlisted application that can still take it.
    async fn promote_next(
        &self,
        txn: &DatabaseTransaction,
        edition_id: Uuid,
        freed_by: Uuid,
        now: DateTime<Utc>,
    ) -> Result<Option<Uuid>> {
        let system = Actor {
            subject: SYSTEM_SUBJECT.into(),
            name: SYSTEM_NAME.into(),
        };
        for candidate in queries::waitlists_of(txn, &[edition_id]).await? {
            if !queries::take_place(txn, edition_id).await? {
                return Ok(None);
            }
            let to = transition(state_of(&candidate.state)?, Action::Promote)?;
            let note = format!("place freed by application {freed_by}");
            if self
                .try_change(
                    txn,
                    &candidate,
                    &system,
                    now,
                    Action::Promote,
                    to,
                    application::ActiveModel {
                        waitlisted_at: Set(None),
                        ..Default::default()
                    },
                    &note,
                )
                .await?
            {
                tracing::info!(application_id = %candidate.id, %edition_id, "promoted from the waitlist");
                return Ok(Some(candidate.id));
            }
            // Changed under us (withdrawn or decided): give the place back, try the next.
            queries::release_place(txn, edition_id).await?;
        }
        Ok(None)
    }

    // ---- participants -----------------------------------------------------------------

    /// Managers set an accepted participant's host local government (one of the edition's
    /// hosts), mentor, and the days they actually join and leave (within the edition).
    pub async fn update_participant(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
        version: Version,
        draft: ParticipantDraft,
    ) -> Result<Application> {
        let who = self.who(&self.db, caller).await?;
        let update = draft.parse()?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        who.require_manager(row.edition_id, "manage participants")?;
        let to = transition(state_of(&row.state)?, Action::UpdateParticipation)?;
        Self::check_version(row.version, version)?;
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let hosts = split(&e.host_codes);
        if let Some(host) = &update.host_code
            && !hosts.is_empty()
            && !hosts.iter().any(|h| h == host.as_str())
        {
            return Err(TrainingError::invalid(
                "hostCode",
                format!("is not a host of this edition ({})", hosts.join(", ")),
            ));
        }
        let joined = update.joined_on.or(row.joined_on).unwrap_or(e.starts_on);
        let left = update.left_on.or(row.left_on).unwrap_or(e.ends_on);
        if joined < e.starts_on || joined > e.ends_on {
            return Err(TrainingError::invalid(
                "joinedOn",
                "must be within the edition's dates",
            ));
        }
        if left < joined || left > e.ends_on {
            return Err(TrainingError::invalid(
                "leftOn",
                "must be on or after joinedOn and within the edition's dates",
            ));
        }
        let mut set = application::ActiveModel::default();
        let mut notes = Vec::new();
        if let Some(h) = &update.host_code {
            set.host_code = Set(Some(h.as_str().to_owned()));
            notes.push(format!("host {h}"));
        }
        if let Some(m) = &update.mentor {
            set.mentor = Set(Some(m.as_str().to_owned()));
            notes.push(format!("mentor {m}"));
        }
        if let Some(d) = update.joined_on {
            set.joined_on = Set(Some(d));
            notes.push(format!("joins {d}"));
        }
        if let Some(d) = update.left_on {
            set.left_on = Set(Some(d));
            notes.push(format!("leaves {d}"));
        }
        let now = self.now();
        self.change(
            &txn,
            &row,
            &who.actor,
            now,
            Action::UpdateParticipation,
            to,
            set,
            &notes.join(", "),
        )
        .await?;
        txn.commit().await?;
        self.application_view(&who, row.id).await
    }

    /// Managers schedule a session of an edition.
    pub async fn schedule_session(
        &self,
        caller: Option<&Caller>,
        draft: SessionDraft,
    ) -> Result<Session> {
        let who = self.who(&self.db, caller).await?;
        who.require_bureau("schedule sessions")?;
        let new = draft.parse()?;
        who.require_manager(new.edition_id.as_uuid(), "schedule sessions")?;
        let e = Self::visible_edition(&self.db, &who, new.edition_id.as_uuid()).await?;
        let now = self.now();
        let id = Uuid::new_v4();
        let txn = self.db.begin().await?;
        queries::insert(
            &txn,
            session::ActiveModel {
                id: Set(id),
                edition_id: Set(e.id),
                kind: Set(new.kind.as_str().to_owned()),
                title: Set(new.title.as_str().to_owned()),
                starts_at: Set(new.starts_at.trunc_subsecs(6)),
                ends_at: Set(new.ends_at.trunc_subsecs(6)),
                location: Set(new.location.as_str().to_owned()),
                created_at: Set(now),
                ..Default::default()
            },
        )
        .await?;
        queries::insert(
            &txn,
            history_row(
                "session",
                id,
                "schedule",
                None,
                None,
                &who.actor,
                now,
                new.title.as_str(),
            ),
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "editionId": e.id.to_string(),
            "kind": new.kind.as_str(),
            "startsAt": new.starts_at.to_rfc3339(),
        });
        queries::insert_outbox(&txn, id, "SessionScheduled", &payload, now).await?;
        txn.commit().await?;
        self.session(&who, id).await
    }

    async fn session(&self, who: &Who, id: Uuid) -> Result<Session> {
        let row = queries::find_session(&self.db, id)
            .await?
            .ok_or(TrainingError::NotFound("session"))?;
        self.session_views(&self.db, who, vec![row])
            .await?
            .pop()
            .ok_or(TrainingError::NotFound("session"))
    }

    /// Managers record (or correct) attendance at a session for accepted participants of
    /// its edition. Every entry is checked before anything is written.
    pub async fn record_attendance(
        &self,
        caller: Option<&Caller>,
        session_id: SessionId,
        entries: Vec<crate::domain::AttendanceDraft>,
    ) -> Result<Session> {
        let who = self.who(&self.db, caller).await?;
        who.require_bureau("record attendance")?;
        let entries = parse_attendance(entries)?;
        let s = queries::find_session(&self.db, session_id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("session"))?;
        who.require_manager(s.edition_id, "record attendance")?;
        let ids: Vec<Uuid> = entries.iter().map(|e| e.application_id.as_uuid()).collect();
        let participants: HashMap<Uuid, application::Model> =
            queries::applications_by_ids(&self.db, &ids)
                .await?
                .into_iter()
                .map(|a| (a.id, a))
                .collect();
        for (i, entry) in entries.iter().enumerate() {
            let ok = participants
                .get(&entry.application_id.as_uuid())
                .is_some_and(|a| {
                    a.edition_id == s.edition_id && a.state == ApplicationState::Accepted.as_str()
                });
            if !ok {
                return Err(TrainingError::invalid(
                    &format!("entries[{i}].applicationId"),
                    "is not an accepted participant of this session's edition",
                ));
            }
        }
        let now = self.now();
        let txn = self.db.begin().await?;
        for entry in &entries {
            queries::upsert_attendance(
                &txn,
                attendance::ActiveModel {
                    session_id: Set(s.id),
                    application_id: Set(entry.application_id.as_uuid()),
                    status: Set(entry.status.as_str().to_owned()),
                    note: Set(entry.note.as_str().to_owned()),
                    recorded_by: Set(who.actor.subject.clone()),
                    recorded_at: Set(now),
                    ..Default::default()
                },
            )
            .await?;
            let accepted = ApplicationState::Accepted.as_str();
            queries::insert(
                &txn,
                history_row(
                    "application",
                    entry.application_id.as_uuid(),
                    "attendance",
                    Some(accepted),
                    Some(accepted),
                    &who.actor,
                    now,
                    &format!("{}: {}", s.title, entry.status),
                ),
            )
            .await?;
        }
        let payload = json!({
            "sessionId": s.id.to_string(),
            "editionId": s.edition_id.to_string(),
            "entries": entries.iter().map(|e| json!({
                "applicationId": e.application_id.to_string(),
                "status": e.status.as_str(),
            })).collect::<Vec<_>>(),
        });
        queries::insert_outbox(&txn, s.id, "AttendanceRecorded", &payload, now).await?;
        txn.commit().await?;
        self.session(&who, s.id).await
    }

    // ---- stipends ---------------------------------------------------------------------

    fn payment_view(p: stipend_payment::Model) -> Result<StipendPayment> {
        Ok(StipendPayment {
            id: PaymentId::from(p.id),
            application_id: ApplicationId::from(p.application_id),
            payer: Payer::parse(&p.payer).map_err(TrainingError::corrupt)?,
            period: count(p.period),
            period_start: p.period_start,
            period_end: p.period_end,
            days_present: count(p.days_present),
            days_in_period: count(p.days_in_period),
            amount: Money::new(p.amount_minor, &p.currency).map_err(TrainingError::corrupt)?,
            state: PaymentState::parse(&p.state).map_err(TrainingError::corrupt)?,
            note: p.note,
            version: version_of(p.version)?,
        })
    }

    async fn schedule_view<C: ConnectionTrait>(
        c: &C,
        application_id: Uuid,
    ) -> Result<StipendSchedule> {
        let payments = queries::payments_of(c, application_id)
            .await?
            .into_iter()
            .map(Self::payment_view)
            .collect::<Result<Vec<_>>>()?;
        let mut totals: Vec<(String, i64)> = Vec::new();
        for p in &payments {
            match totals.iter_mut().find(|(c, _)| c == p.amount.currency()) {
                Some((_, t)) => *t += p.amount.amount_minor(),
                None => totals.push((p.amount.currency().to_owned(), p.amount.amount_minor())),
            }
        }
        Ok(StipendSchedule {
            application_id: ApplicationId::from(application_id),
            payments,
            totals: totals
                .into_iter()
                .map(|(c, t)| Money::new(t, &c).map_err(TrainingError::corrupt))
                .collect::<Result<_>>()?,
        })
    }

    /// Managers generate an accepted participant's stipend schedule from the edition's
    /// policy and the participant's dates. Regenerating replaces the payments still
    /// SCHEDULED and keeps those already approved, paid or failed.
    pub async fn generate_stipend_schedule(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<StipendSchedule> {
        let who = self.who(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_application(&txn, &who, id).await?;
        who.require_manager(row.edition_id, "manage stipends")?;
        if row.state != ApplicationState::Accepted.as_str() {
            return Err(TrainingError::Conflict(format!(
                "only accepted participants have stipends; the application is {}",
                row.state
            )));
        }
        let e = queries::find_edition(&txn, row.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("edition"))?;
        let policy = policy_from_text(&e.cost_policy)?;
        if policy.stipends.is_empty() {
            return Err(TrainingError::Conflict(
                "the edition has no stipend policy".into(),
            ));
        }
        if policy
            .stipends
            .iter()
            .any(|s| s.payer == Payer::HostLocalGovernment)
            && row.host_code.is_none()
        {
            return Err(TrainingError::Conflict(
                "a host local government pays part of the stipend: assign the placement first"
                    .into(),
            ));
        }
        let joined = row.joined_on.unwrap_or(e.starts_on);
        let left = row.left_on.unwrap_or(e.ends_on);
        let planned = schedule(&policy.stipends, e.starts_on, e.ends_on, joined, left);
        let kept: Vec<(String, i32)> = queries::payments_of(&txn, row.id)
            .await?
            .into_iter()
            .filter(|p| p.state != PaymentState::Scheduled.as_str())
            .map(|p| (p.payer, p.period))
            .collect();
        queries::delete_scheduled_payments(&txn, row.id).await?;
        let now = self.now();
        let mut created = 0;
        for p in planned {
            let period = i32::try_from(p.period.number).unwrap_or(i32::MAX);
            if kept
                .iter()
                .any(|(payer, n)| payer == p.payer.as_str() && *n == period)
            {
                continue;
            }
            queries::insert(
                &txn,
                stipend_payment::ActiveModel {
                    id: Set(Uuid::new_v4()),
                    application_id: Set(row.id),
                    payer: Set(p.payer.as_str().to_owned()),
                    period: Set(period),
                    period_start: Set(p.period.start),
                    period_end: Set(p.period.end),
                    days_present: Set(i32::try_from(p.days_present).unwrap_or(0)),
                    days_in_period: Set(i32::try_from(p.period.full_days).unwrap_or(0)),
                    amount_minor: Set(p.amount_minor),
                    currency: Set(p.currency),
                    state: Set(PaymentState::Scheduled.as_str().to_owned()),
                    note: Set(String::new()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    version: Set(Version::FIRST.get()),
                    ..Default::default()
                },
            )
            .await?;
            created += 1;
        }
        let accepted = ApplicationState::Accepted.as_str();
        let note = format!("{created} payment(s) scheduled for {joined} – {left}");
        queries::insert(
            &txn,
            history_row(
                "application",
                row.id,
                "generate_stipends",
                Some(accepted),
                Some(accepted),
                &who.actor,
                now,
                &note,
            ),
        )
        .await?;
        let payload = json!({
            "applicationId": row.id.to_string(),
            "editionId": row.edition_id.to_string(),
            "scheduled": created,
        });
        queries::insert_outbox(&txn, row.id, "StipendScheduleGenerated", &payload, now).await?;
        txn.commit().await?;
        Self::schedule_view(&self.db, row.id).await
    }

    /// A participant's stipend schedule: for managers and the participant.
    pub async fn stipend_schedule(
        &self,
        caller: Option<&Caller>,
        id: ApplicationId,
    ) -> Result<StipendSchedule> {
        let who = self.who(&self.db, caller).await?;
        let row = Self::visible_application(&self.db, &who, id).await?;
        if !(who.manages(row.edition_id) || who.owns(&row)) {
            return Err(TrainingError::Forbidden(
                "stipends are for managers and the participant".into(),
            ));
        }
        Self::schedule_view(&self.db, row.id).await
    }

    /// Managers move a payment: SCHEDULED → APPROVED → PAID | FAILED, FAILED → APPROVED.
    pub async fn update_payment(
        &self,
        caller: Option<&Caller>,
        id: PaymentId,
        version: Version,
        action: PaymentAction,
        note: Note,
    ) -> Result<StipendPayment> {
        let who = self.who(&self.db, caller).await?;
        who.require_bureau("manage stipends")?;
        let txn = self.db.begin().await?;
        let p = queries::find_payment(&txn, id.as_uuid())
            .await?
            .ok_or(TrainingError::NotFound("payment"))?;
        let app = queries::find_application(&txn, p.application_id)
            .await?
            .ok_or(TrainingError::NotFound("payment"))?;
        who.require_manager(app.edition_id, "manage stipends")?;
        let from = PaymentState::parse(&p.state).map_err(TrainingError::corrupt)?;
        let to = payment_transition(from, action)?;
        Self::check_version(p.version, version)?;
        let now = self.now();
        let set = stipend_payment::ActiveModel {
            state: Set(to.as_str().to_owned()),
            note: Set(note.as_str().to_owned()),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_payment_if_version(&txn, p.id, p.version, set).await? {
            return Err(TrainingError::StaleVersion {
                seen: version,
                current: p.version + 1,
            });
        }
        let action_name = action.as_str().to_ascii_lowercase();
        queries::insert(
            &txn,
            history_row(
                "payment",
                p.id,
                &action_name,
                Some(from.as_str()),
                Some(to.as_str()),
                &who.actor,
                now,
                note.as_str(),
            ),
        )
        .await?;
        let payload = json!({
            "id": p.id.to_string(),
            "applicationId": p.application_id.to_string(),
            "payer": p.payer,
            "period": p.period,
            "fromState": from.as_str(),
            "state": to.as_str(),
            "amountMinor": p.amount_minor,
            "currency": p.currency,
        });
        queries::insert_outbox(&txn, p.id, "StipendPaymentChanged", &payload, now).await?;
        txn.commit().await?;
        let row = queries::find_payment(&self.db, p.id)
            .await?
            .ok_or(TrainingError::NotFound("payment"))?;
        Self::payment_view(row)
    }

    // ---- certificates -----------------------------------------------------------------

    /// Managers issue certificates to every accepted participant of an edition who
    /// completes it (see [`Completion`]) and has none yet; the others are listed with why.
    pub async fn issue_certificates(
        &self,
        caller: Option<&Caller>,
        edition_id: EditionId,
    ) -> Result<IssueOutcome> {
        let who = self.who(&self.db, caller).await?;
        who.require_manager(edition_id.as_uuid(), "issue certificates")?;
        let txn = self.db.begin().await?;
        Self::visible_edition(&txn, &who, edition_id.as_uuid()).await?;
        let participants = queries::applications_in(
            &txn,
            edition_id.as_uuid(),
            &[ApplicationState::Accepted.as_str()],
        )
        .await?;
        let ids: Vec<Uuid> = participants.iter().map(|a| a.id).collect();
        let certified: Vec<Uuid> = queries::certificates_of(&txn, &ids)
            .await?
            .into_iter()
            .map(|c| c.application_id)
            .collect();
        let sessions = queries::sessions_of(&txn, &[edition_id.as_uuid()]).await?;
        let session_ids: Vec<Uuid> = sessions.iter().map(|s| s.id).collect();
        let records: HashMap<(Uuid, Uuid), AttendanceStatus> =
            queries::attendance_at(&txn, &session_ids)
                .await?
                .into_iter()
                .map(|r| {
                    let status =
                        AttendanceStatus::parse(&r.status).map_err(TrainingError::corrupt)?;
                    Ok(((r.session_id, r.application_id), status))
                })
                .collect::<Result<_>>()?;
        let now = self.now();
        let mut outcome = IssueOutcome {
            issued: Vec::new(),
            skipped: Vec::new(),
            already_issued: 0,
        };
        for p in &participants {
            if certified.contains(&p.id) {
                outcome.already_issued += 1;
                continue;
            }
            let attended: Vec<SessionRecord> = sessions
                .iter()
                .map(|s| SessionRecord {
                    ended: s.ends_at <= now,
                    status: records.get(&(s.id, p.id)).copied(),
                })
                .collect();
            let completion = Completion::of(&attended);
            if !completion.completes() {
                outcome.skipped.push(IssueSkip {
                    application_id: ApplicationId::from(p.id),
                    reason: completion.to_string(),
                });
                continue;
            }
            let code = CertificateCode::generate();
            queries::insert(
                &txn,
                certificate::ActiveModel {
                    code: Set(code.as_str().to_owned()),
                    application_id: Set(p.id),
                    edition_id: Set(p.edition_id),
                    holder_name: Set(p.full_name.clone()),
                    issued_on: Set(now.date_naive()),
                    issued_by: Set(who.actor.subject.clone()),
                    created_at: Set(now),
                    ..Default::default()
                },
            )
            .await?;
            let accepted = ApplicationState::Accepted.as_str();
            queries::insert(
                &txn,
                history_row(
                    "application",
                    p.id,
                    "certify",
                    Some(accepted),
                    Some(accepted),
                    &who.actor,
                    now,
                    &completion.to_string(),
                ),
            )
            .await?;
            let payload = json!({
                "applicationId": p.id.to_string(),
                "editionId": p.edition_id.to_string(),
                "code": code.as_str(),
            });
            queries::insert_outbox(&txn, p.id, "CertificateIssued", &payload, now).await?;
            outcome.issued.push(Certificate {
                code,
                application_id: ApplicationId::from(p.id),
                holder_name: p.full_name.clone(),
                issued_on: now.date_naive(),
            });
        }
        if let Err(e) = txn.commit().await {
            if is_unique_violation(&e) {
                return Err(TrainingError::Conflict(
                    "certificates are being issued by a concurrent call; retry".into(),
                ));
            }
            return Err(e.into());
        }
        tracing::info!(%edition_id, issued = outcome.issued.len(), skipped = outcome.skipped.len(), "certificates issued");
        Ok(outcome)
    }

    /// Anyone verifies a certificate by its code and learns the holder's name, the
    /// programme, the edition and the date — nothing more. NOT_FOUND for unknown codes.
    pub async fn verify_certificate(&self, code: &str) -> Result<VerifiedCertificate> {
        let code = CertificateCode::parse(code)?;
        let c = queries::certificate_by_code(&self.db, code.as_str())
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let e = queries::find_edition(&self.db, c.edition_id)
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let p = queries::find_programme(&self.db, e.programme_id)
            .await?
            .ok_or(TrainingError::NotFound("certificate"))?;
        let summary = summary_of(&p)?;
        Ok(VerifiedCertificate {
            code: c.code,
            holder_name: c.holder_name,
            programme_title: summary.title,
            programme_kind: summary.kind,
            edition_term: e.term,
            issued_on: c.issued_on,
        })
    }
}

/// The distinct ids of a batched lookup that `parse` accepts, in the order asked; more than
/// [`MAX_BATCH_IDS`] ids is an error.
fn batch_ids(ids: &[String], parse: impl Fn(&str) -> Option<Uuid>) -> Result<Vec<Uuid>> {
    if ids.len() > MAX_BATCH_IDS {
        return Err(TrainingError::invalid(
            "ids",
            format!("at most {MAX_BATCH_IDS} ids per call"),
        ));
    }
    let mut seen = std::collections::HashSet::with_capacity(ids.len());
    Ok(ids
        .iter()
        .filter_map(|s| parse(s))
        .filter(|id| seen.insert(*id))
        .collect())
}

/// `items` in the order of `ids` (items whose id is not asked are dropped).
fn in_order<T>(ids: &[Uuid], items: Vec<T>, id_of: impl Fn(&T) -> Uuid) -> Vec<T> {
    let mut by_id: HashMap<Uuid, T> = items.into_iter().map(|t| (id_of(&t), t)).collect();
    ids.iter().filter_map(|id| by_id.remove(id)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        let err = decode_cursor("not a cursor!").unwrap_err();
        assert!(matches!(err, TrainingError::Invalid(ref e) if e.field() == "after"));
    }

    #[test]
    fn stored_policies_round_trip() {
        let policy = CostPolicy {
            stipends: vec![StipendLine {
                payer: Payer::HostLocalGovernment,
                monthly: Money::new(400_000, "KRW").unwrap(),
            }],
            costs: vec![CostShare {
                payer: Payer::Association,
                item: "insurance".into(),
            }],
        };
        assert_eq!(policy_from_text(&policy_to_text(&policy)).unwrap(), policy);
        assert!(policy_from_text("{").is_err());
        assert_eq!(split(&join(&["en", "ko"])), ["en", "ko"]);
        assert!(split("").is_empty());
    }

    #[test]
    fn active_keys_separate_people_from_organisations() {
        let e = Uuid::new_v4();
        assert_ne!(
            active_key(e, ApplicantKind::Official, "u1", "11000"),
            active_key(e, ApplicantKind::LocalGovernment, "u1", "11000")
        );
        assert_eq!(
            active_key(e, ApplicantKind::LocalGovernment, "u1", "11000"),
            active_key(e, ApplicantKind::LocalGovernment, "u2", "11000")
        );
    }
}
