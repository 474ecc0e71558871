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

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use glocal_kit::db_error::is_unique_violation;
use glocal_kit::paging::{decode_seq, seq_cursor};
use glocal_kit::store::{Db, Handle, Tx};
use glocal_kit::{Caller, Role};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{
    Action, ApplicantKind, ApplicantProfile, ApplicationId, ApplicationState, AttendanceEntry,
    AttendanceStatus, CertificateCode, Completion, Decision, DivisionReviewer, EditionId,
    EligibilityFailure, LanguageCode, Money, NewApplication, NewEdition, NewProgramme, NewSession,
    Note, OrganisationType, ParticipantUpdate, Payer, PaymentAction, PaymentId, PaymentState,
    ProgrammeId, ProgrammeKind, ReviewStage, Score, ScreeningOutcome, SessionId, SessionRecord,
    Tally, Version, apply_cut, check_eligibility, payment_transition, schedule, transition,
};
use crate::domain::{PartnerRelationshipStatus, RelationshipStanding, fellowship};
use crate::error::TrainingError;
use crate::store::codec::*;
use crate::store::queries::{self, AppListQuery, AppScope, Assignment};
use crate::store::writes::{self, Applicant, ApplicationChange, Audit, NewCertificate, NewReview};
use crate::store::{ApplicationRow, EditionRow, ProgrammeRow, ReviewRow, SessionRow};

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

mod applications;
mod certificates;
mod coaching;
mod decisions;
mod files;
mod invitation;
mod itinerary;
mod participants;
mod privacy;
mod programmes;
mod statistics;
mod stipends;
mod views;

pub use crate::domain::views::*;
pub use coaching::{Coach, CoachingEngagement, CoachingSession, EngagementFilter};
pub use files::FILE_TABLE;
pub use privacy::{
    APPLICANT_ERASED, PERSONAL_DATA_EXPIRED, spawn_erasure_follower, spawn_retention,
};

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

impl Actor {
    /// The name a write records beside the subject; a caller the token does not name is
    /// refused (UNAUTHENTICATED `CALLER_NAME_MISSING`): the training service has no
    /// directory to look the name up in, and an empty name in a history row helps nobody.
    fn name(&self) -> Result<&str> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(TrainingError::said(
                glocal_kit::error::ErrorCode::Unauthenticated,
                "CALLER_NAME_MISSING",
                glocal_kit::i18n::Message::new("error-caller-name-missing"),
            ));
        }
        Ok(name)
    }
}

/// The caller, with the stages (and divisions) they review when they are staff.
#[derive(Debug, Clone)]
struct Who {
    viewer: Viewer,
    actor: Actor,
    assignments: Vec<Assignment>,
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
            .filter(|a| a.edition == edition)
            .map(|a| a.stage)
            .collect()
    }

    /// Reviews `row` at its current stage: a reviewer of that stage, in every division or
    /// in the application's own.
    fn reviews_at_current_stage(&self, row: &ApplicationRow) -> bool {
        matches!(self.viewer, Viewer::Staff { .. })
            && self
                .assignments
                .iter()
                .any(|a| a.covers(row.edition_id, row.current_stage, row.division.as_deref()))
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

    /// Only bureau administrators may `what` (`BUREAU_ADMIN_ONLY`).
    fn require_admin(&self, what: &str) -> Result<()> {
        if matches!(self.viewer, Viewer::Admin) {
            Ok(())
        } else {
            Err(TrainingError::only(
                "BUREAU_ADMIN_ONLY",
                "rule-only-bureau-admins",
                what,
            ))
        }
    }

    fn require_bureau(&self, what: &str) -> Result<()> {
        self.require_authenticated()?;
        if self.is_bureau() {
            Ok(())
        } else {
            Err(TrainingError::only(
                "BUREAU_STAFF_ONLY",
                "rule-only-bureau-staff",
                what,
            ))
        }
    }

    fn require_manager(&self, edition: Uuid, what: &str) -> Result<()> {
        self.require_bureau(what)?;
        if self.manages(edition) {
            Ok(())
        } else {
            Err(TrainingError::only(
                "EDITION_MANAGER_ONLY",
                "rule-reviewers-may-not",
                what,
            ))
        }
    }

    fn owns(&self, row: &ApplicationRow) -> bool {
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
    fn sees_application(&self, row: &ApplicationRow, scored_it: bool) -> bool {
        match &self.viewer {
            Viewer::Admin => true,
            Viewer::Applicant { .. } => self.owns(row),
            Viewer::Staff { .. } => {
                let stages = self.stages_reviewed(row.edition_id);
                stages.is_empty()
                    || scored_it
                    || (row.state == ApplicationState::UnderReview.as_str()
                        && self.reviews_at_current_stage(row))
            }
            Viewer::Public { .. } => false,
        }
    }

    /// The editions the caller reviews (staff only).
    fn reviewed_editions(&self) -> Vec<Uuid> {
        if !matches!(self.viewer, Viewer::Staff { .. }) {
            return Vec::new();
        }
        unique_ids(self.assignments.iter().map(|a| a.edition))
    }

    /// The edition `found` if the caller may see it (published, or bureau).
    fn visible_edition(&self, found: Option<EditionRow>) -> Result<EditionRow> {
        match found {
            Some(e) if e.published || self.is_bureau() => Ok(e),
            _ => Err(TrainingError::NotFound("edition")),
        }
    }

    /// The application `id`, read through `db`, if the caller may see it; NOT_FOUND
    /// otherwise.
    async fn application(&self, db: &impl Handle, id: ApplicationId) -> Result<ApplicationRow> {
        let found = queries::application_scored_by(
            db,
            id.as_uuid(),
            &self.actor.subject,
            &self.reviewed_editions(),
        )
        .await?;
        self.visible_application(found)
    }

    /// The application `found` (with whether the caller scored it) if the caller may see
    /// it; NOT_FOUND otherwise.
    fn visible_application(&self, found: Option<(ApplicationRow, bool)>) -> Result<ApplicationRow> {
        self.scope()?;
        match found {
            Some((row, scored_it)) if self.sees_application(&row, scored_it) => Ok(row),
            _ => Err(TrainingError::NotFound("application")),
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

/// The sequence number after which a page starts (`None` for the first page); a cursor
/// not from this list is BAD_USER_INPUT on `after`.
fn after_seq(page: &PageRequest) -> Result<Option<i64>> {
    Ok(decode_seq(page.after.as_deref().filter(|a| !a.is_empty()))?)
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

/// The training office: every operation of the training service.
#[derive(Clone)]
pub struct TrainingOffice {
    db: Db,
    config: Config,
    clock: Clock,
    files: Option<glocal_kit::attachments::Shelf>,
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
    pub fn new(db: impl Into<Db>, config: Config) -> Self {
        TrainingOffice {
            db: db.into(),
            config,
            clock: Arc::new(Utc::now),
            files: None,
        }
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &Db {
        &self.db
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    fn today(&self) -> NaiveDate {
        self.now().date_naive()
    }

    async fn who(&self, caller: Option<&Caller>) -> Result<Who> {
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
            let assignments = queries::assignments_of(&self.db, &caller.subject).await?;
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
}

/// The distinct ids of a batched lookup that `parse` accepts, in the order asked; more than
/// [`MAX_BATCH_IDS`] ids is an error.
fn batch_ids(ids: &[String], parse: impl Fn(&str) -> Option<Uuid>) -> Result<Vec<Uuid>> {
    if ids.len() > MAX_BATCH_IDS {
        return Err(TrainingError::invalid_said(
            "ids",
            glocal_kit::i18n::Message::new("input-batch-ids").arg("max", MAX_BATCH_IDS),
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
        let page = |after: &str| PageRequest {
            first: 0,
            after: Some(after.to_owned()),
        };
        assert_eq!(after_seq(&page(&seq_cursor(42))).unwrap(), Some(42));
        assert_eq!(after_seq(&page("")).unwrap(), None);
        let err = after_seq(&page("not a cursor!")).unwrap_err();
        assert!(matches!(err, TrainingError::Invalid(ref e) if e.field() == "after"));
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
