//! The read models the service answers with: a request as a caller sees it, the directory's
//! entries and the routing rules. Plain data in domain types; the store builds them from its
//! rows and the service scopes them.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::sla::SlaClock;
use super::survey::SurveyResponse;
use super::{
    DepartmentCode, HistoryVisibility, LanguageCode, MessageKind, RequestDetails, RequestId,
    RequestNumber, RequestState, RequestType, Version,
};

/// A name in the bureau's four languages.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LocalizedName {
    /// Korean.
    pub ko: String,
    /// English.
    pub en: String,
    /// Chinese.
    pub zh: String,
    /// Japanese.
    pub ja: String,
}

/// A local government of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalGovernment {
    /// Standard administrative code.
    pub code: String,
    /// Name.
    pub name: LocalizedName,
    /// METROPOLITAN, PROVINCE, CITY, COUNTY or DISTRICT.
    pub level: String,
    /// The metropolitan or provincial government a basic one belongs to.
    pub parent_code: Option<String>,
}

/// A bureau department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    /// Code.
    pub code: String,
    /// Name.
    pub name: LocalizedName,
    /// The staff id of its lead (told of every breached service level), if any.
    pub lead_staff_id: Option<String>,
}

impl Department {
    /// Whether `member` may lead this department: the lead is an active member of it (a
    /// breach notice goes to someone who works the department's queue).
    pub fn check_lead(&self, member: &StaffMember) -> Result<(), super::InvalidInput> {
        if member.department_code != self.code {
            return Err(super::InvalidInput::localized(
                "staffId",
                glocal_kit::i18n::Message::new("input-staff-in-other-department")
                    .arg("staff", &member.id)
                    .arg("member-of", &member.department_code)
                    .arg("department", &self.code),
            ));
        }
        if !member.active {
            return Err(super::InvalidInput::localized(
                "staffId",
                glocal_kit::i18n::Message::new("input-staff-no-longer-takes")
                    .arg("staff", &member.id),
            ));
        }
        Ok(())
    }
}

/// A bureau staff member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffMember {
    /// Id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Department.
    pub department_code: String,
    /// Takes new work (false once departed).
    pub active: bool,
    /// Languages, request types, absences and departure.
    pub availability: super::directory::Availability,
}

impl StaffMember {
    /// Whether routing and least-load assignment may give them a request of `ty` on
    /// `today` (Korea time): active (not departed), not away, and taking that type.
    pub fn available_for(&self, ty: Option<super::RequestType>, today: chrono::NaiveDate) -> bool {
        self.active
            && !self.availability.absent_on(today)
            && ty.is_none_or(|ty| self.availability.takes(ty))
    }
}

/// Who submitted a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requester {
    /// Caller subject.
    pub subject: String,
    /// Display name.
    pub name: String,
    /// For which local government.
    pub local_government_code: String,
}

/// A response, reply or note.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestMessage {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: MessageKind,
    /// Text.
    pub body: String,
    /// Author subject.
    pub author_subject: String,
    /// Author name.
    pub author_name: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Mid-responses: when the bureau expects to answer in full.
    pub expected_completion_at: Option<DateTime<Utc>>,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Action name, e.g. `submit`, `assign_department`.
    pub action: String,
    /// State before (`None` for the submit itself).
    pub from_state: Option<RequestState>,
    /// State after.
    pub to_state: RequestState,
    /// Who.
    pub actor_subject: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Free note (the routing rule that fired, a reason, …).
    pub note: String,
    /// Who may read it (follows from the action, [`HistoryVisibility::of_action`]).
    pub visibility: HistoryVisibility,
}

/// The parts of a request's view a read fills, so a read whose caller does not show them
/// does not query them (issue 14, a field mask). What is left out reads empty: no messages
/// or history, no judged service-level figures (`remaining_minutes` none; the stored marks
/// stay), no survey, no relations, no department or assignee, an empty description and no
/// details, no local government (its code stays in `requester`). The request's other
/// columns are always there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    /// Messages and history.
    pub activity: bool,
    /// The service level judged now (reads the business calendar).
    pub sla: bool,
    /// The satisfaction survey.
    pub survey: bool,
    /// Parent, children, merged-into and merged requests.
    pub relations: bool,
    /// The department and the assignee.
    pub people: bool,
    /// The description and the details, the request's long texts.
    pub texts: bool,
    /// The requesting local government's directory entry.
    pub local_government: bool,
}

impl Parts {
    /// Every part.
    pub const ALL: Parts = Parts {
        activity: true,
        sla: true,
        survey: true,
        relations: true,
        people: true,
        texts: true,
        local_government: true,
    };

    /// Every part, messages and history only when `activity`.
    pub fn with_activity(activity: bool) -> Parts {
        Parts {
            activity,
            ..Parts::ALL
        }
    }
}

/// A service request as the caller may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRequest {
    /// Id.
    pub id: RequestId,
    /// Human-readable number.
    pub number: RequestNumber,
    /// Type.
    pub request_type: RequestType,
    /// Title.
    pub title: String,
    /// Description (empty when the read left the texts out, [`Parts::texts`]).
    pub description: String,
    /// Typed details (none only when the read left the texts out).
    pub details: Option<RequestDetails>,
    /// State.
    pub state: RequestState,
    /// Who asked.
    pub requester: Requester,
    /// The requesting local government.
    pub local_government: Option<LocalGovernment>,
    /// The department handling it.
    pub department: Option<Department>,
    /// The staff member handling it.
    pub assignee: Option<StaffMember>,
    /// The routing rule that chose the department, `RULE <id>: <type>[/<lang>] -> <dept>`.
    pub routing: String,
    /// Submitted.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// First response due.
    pub first_response_due_at: DateTime<Utc>,
    /// Final response due.
    pub resolution_due_at: DateTime<Utc>,
    /// First (mid or final) response sent.
    pub first_responded_at: Option<DateTime<Utc>>,
    /// Final response sent.
    pub final_responded_at: Option<DateTime<Utc>>,
    /// Expected completion from the last mid-response.
    pub expected_completion_at: Option<DateTime<Utc>>,
    /// Past a due time while the bureau still owes an answer.
    pub overdue: bool,
    /// The service level: clocks, pause, time left, warnings and breaches.
    pub sla: RequestSla,
    /// Version for optimistic concurrency.
    pub version: Version,
    /// Why it was rejected.
    pub reject_reason: Option<String>,
    /// Messages (when activity was asked for); staff notes only for bureau callers.
    pub messages: Vec<RequestMessage>,
    /// History (when activity was asked for).
    pub history: Vec<HistoryEntry>,
    /// The requester's rating of the answer, if they gave one.
    pub survey: Option<SurveyResponse>,
    /// Merges and links (only the related requests the caller may read).
    pub relations: super::relations::Relations,
}

/// A request's service level as a view shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSla {
    /// How the first-response target counts time.
    pub first_response_clock: SlaClock,
    /// How the resolution target counts time.
    pub resolution_clock: SlaClock,
    /// Awaiting the requester since (the clock stands still).
    pub paused_since: Option<DateTime<Utc>>,
    /// Minutes left until the resolution is due, on its clock (negative when past it;
    /// none once answered in full).
    pub remaining_minutes: Option<i64>,
    /// The first response is (or was) late.
    pub first_response_breached: bool,
    /// The final response is (or was) late.
    pub resolution_breached: bool,
    /// When the assignee was warned of the resolution.
    pub warned_at: Option<DateTime<Utc>>,
    /// When the resolution's breach was marked (and the department's lead told).
    pub breached_at: Option<DateTime<Utc>>,
    /// When the assignee was warned of the first response.
    pub first_response_warned_at: Option<DateTime<Utc>>,
    /// When the first response's breach was marked (and the department's lead told).
    pub first_response_breached_at: Option<DateTime<Utc>>,
}

/// A routing rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRule {
    /// Id.
    pub id: i64,
    /// Type it routes.
    pub request_type: RequestType,
    /// Language it is for, if any.
    pub language: Option<LanguageCode>,
    /// Where to.
    pub department_code: DepartmentCode,
    /// Lower wins among equally specific rules.
    pub priority: i32,
}

impl ServiceRequest {
    /// Whether the bureau still owes an answer past a due time at `now` (while the request
    /// awaits its requester, as the clock stood when it paused).
    pub fn is_overdue_at(&self, now: DateTime<Utc>) -> bool {
        let now = self.sla.paused_since.unwrap_or(now);
        self.state.is_open()
            && (now > self.resolution_due_at
                || (self.first_responded_at.is_none() && now > self.first_response_due_at))
    }
}
