//! The Online Bureau's business operations: domain types in, domain types out. Every
//! operation reads the caller, scopes what it may see and do, and makes each change in one
//! transaction together with its audit row and outbox event.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, Datelike, Duration, SubsecRound, Utc};
use glocal_kit::{Caller, Role};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DatabaseTransaction, SqlErr,
    TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{
    Action, DepartmentCode, LanguageCode, LocalGovernmentCode, MessageBody, MessageKind,
    NewRequest, Reason, RequestDetails, RequestId, RequestNumber, RequestState, RequestType,
    StaffId, SubmitDraft, Version, transition,
};
use crate::error::RequestsError;
use crate::store::entities::{
    department, local_government, request_history, request_message, routing_rule, service_request,
    staff,
};
use crate::store::queries::{self, ListQuery, Scope};

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// The page size when a list call asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

const SYSTEM_SUBJECT: &str = "system";
const SYSTEM_NAME: &str = "Online Bureau";

/// Where the service reads the time; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Tunables of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// How long after the final response the requester may reopen.
    pub reopen_window: Duration,
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Config {
    /// The service's part of the process settings.
    pub fn from_settings(settings: &glocal_kit::config::RequestsSettings) -> Self {
        Config {
            reopen_window: Duration::days(i64::from(settings.reopen_window_days)),
            max_page_size: settings.max_page_size.max(1),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            reopen_window: Duration::days(14),
            max_page_size: 100,
        }
    }
}

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
}

/// A bureau department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    /// Code.
    pub code: String,
    /// Name.
    pub name: LocalizedName,
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
    /// Takes new work.
    pub active: bool,
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
    /// Description.
    pub description: String,
    /// Typed details.
    pub details: RequestDetails,
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
    /// Version for optimistic concurrency.
    pub version: Version,
    /// Why it was rejected.
    pub reject_reason: Option<String>,
    /// Messages (when activity was asked for); staff notes only for bureau callers.
    pub messages: Vec<RequestMessage>,
    /// History (when activity was asked for).
    pub history: Vec<HistoryEntry>,
}

/// Filters of a list call; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    /// Any of these states.
    pub states: Vec<RequestState>,
    /// Any of these types.
    pub types: Vec<RequestType>,
    /// Handled by this department.
    pub department: Option<DepartmentCode>,
    /// Assigned to this staff member.
    pub assignee: Option<StaffId>,
    /// From this local government.
    pub local_government: Option<LocalGovernmentCode>,
    /// Submitted at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub created_to: Option<DateTime<Utc>>,
    /// Only overdue (true) or only not overdue (false).
    pub overdue: Option<bool>,
}

/// A page window: at most `first` (0 = default) after the opaque cursor `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many.
    pub first: u32,
    /// Cursor of the last item already seen.
    pub after: Option<String>,
}

/// One page of requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestPage {
    /// The requests, newest first.
    pub requests: Vec<ServiceRequest>,
    /// The cursor of each request.
    pub cursors: Vec<String>,
    /// Cursor of the last one.
    pub end_cursor: Option<String>,
    /// More follow.
    pub has_next_page: bool,
    /// How many match the filter in all.
    pub total_count: u64,
}

/// The bureau's departments and (for bureau callers) staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directory {
    /// Departments, by code.
    pub departments: Vec<Department>,
    /// Staff, by id; empty for callers outside the bureau.
    pub staff: Vec<StaffMember>,
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

/// A rule to create (`id` `None`) or replace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingRuleDraft {
    /// Rule to replace; `None` creates.
    pub id: Option<i64>,
    /// Type it routes.
    pub request_type: RequestType,
    /// Language it is for, if any (interpretation/translation only).
    pub language: Option<LanguageCode>,
    /// Where to.
    pub department_code: DepartmentCode,
    /// Lower wins.
    pub priority: i32,
}

/// Who acts, as resolved from the caller.
#[derive(Debug, Clone)]
enum Viewer {
    Official { org: String },
    Staff { id: String, department: String },
    Admin,
}

#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
}

/// A state change about to be written.
struct Change {
    action: Action,
    to: RequestState,
    note: String,
    set: service_request::ActiveModel,
    message: Option<(MessageKind, String, Option<DateTime<Utc>>)>,
}

/// The Online Bureau: every operation of the requests service.
#[derive(Clone)]
pub struct OnlineBureau {
    db: DatabaseConnection,
    config: Config,
    clock: Clock,
}

impl std::fmt::Debug for OnlineBureau {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnlineBureau")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn parse_state(s: &str) -> Result<RequestState> {
    RequestState::parse(s).map_err(|e| RequestsError::Corrupt(e.to_string()))
}

fn is_overdue(row: &service_request::Model, state: RequestState, now: DateTime<Utc>) -> bool {
    state.is_open()
        && (now > row.resolution_due_at
            || (row.first_responded_at.is_none() && now > row.first_response_due_at))
}

fn encode_cursor(seq: i64) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("seq:{seq}"))
}

fn decode_cursor(cursor: &str) -> Result<i64> {
    let bad = || RequestsError::invalid("after", "is not a cursor from this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix("seq:")
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)
}

fn names(ko: &str, en: &str, zh: &str, ja: &str) -> LocalizedName {
    LocalizedName {
        ko: ko.to_owned(),
        en: en.to_owned(),
        zh: zh.to_owned(),
        ja: ja.to_owned(),
    }
}

fn lg_view(m: local_government::Model) -> LocalGovernment {
    LocalGovernment {
        name: names(&m.name_ko, &m.name_en, &m.name_zh, &m.name_ja),
        code: m.code,
        level: m.level,
    }
}

fn dept_view(m: department::Model) -> Department {
    Department {
        name: names(&m.name_ko, &m.name_en, &m.name_zh, &m.name_ja),
        code: m.code,
    }
}

fn staff_view(m: staff::Model) -> StaffMember {
    StaffMember {
        id: m.id,
        name: m.name,
        department_code: m.department_code,
        active: m.active,
    }
}

fn rule_view(m: routing_rule::Model) -> Result<RoutingRule> {
    let corrupt = |e: crate::domain::InvalidInput| RequestsError::Corrupt(e.to_string());
    Ok(RoutingRule {
        id: m.id,
        request_type: RequestType::parse(&m.request_type).map_err(corrupt)?,
        language: m
            .language
            .as_deref()
            .map(LanguageCode::parse)
            .transpose()
            .map_err(corrupt)?,
        department_code: DepartmentCode::parse(&m.department_code).map_err(corrupt)?,
        priority: m.priority,
    })
}

fn describe_rule(rule: &routing_rule::Model) -> String {
    match &rule.language {
        Some(lang) => format!(
            "RULE {}: {}/{} -> {}",
            rule.id, rule.request_type, lang, rule.department_code
        ),
        None => format!(
            "RULE {}: {} -> {}",
            rule.id, rule.request_type, rule.department_code
        ),
    }
}

fn history_row(
    request_id: Uuid,
    action: &str,
    from: Option<RequestState>,
    to: RequestState,
    actor: &Actor,
    at: DateTime<Utc>,
    note: &str,
) -> request_history::ActiveModel {
    request_history::ActiveModel {
        request_id: Set(request_id),
        action: Set(action.to_owned()),
        from_state: Set(from.map(|s| s.as_str().to_owned())),
        to_state: Set(to.as_str().to_owned()),
        actor_subject: Set(actor.subject.clone()),
        actor_name: Set(actor.name.clone()),
        at: Set(at),
        note: Set(note.to_owned()),
        ..Default::default()
    }
}

fn event_payload(
    row: &service_request::Model,
    from: Option<RequestState>,
    to: RequestState,
    action: &str,
    version: i64,
) -> serde_json::Value {
    json!({
        "id": row.id.to_string(),
        "number": row.number,
        "type": row.request_type,
        "action": action,
        "fromState": from.map(RequestState::as_str),
        "state": to.as_str(),
        "version": version,
        "localGovernmentCode": row.local_government_code,
        "departmentCode": row.department_code,
        "assigneeId": row.assignee_id,
    })
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

impl OnlineBureau {
    /// The service over `db` (already migrated), on the wall clock.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        OnlineBureau {
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

    async fn viewer<C: ConnectionTrait>(
        &self,
        c: &C,
        caller: Option<&Caller>,
    ) -> Result<(Viewer, Actor)> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        let actor = Actor {
            subject: caller.subject.clone(),
            name: caller.name.clone(),
        };
        if caller.has(Role::BureauAdmin) {
            return Ok((Viewer::Admin, actor));
        }
        if caller.has(Role::BureauStaff) {
            return match queries::staff_by_subject(c, &caller.subject).await? {
                Some(s) => Ok((
                    Viewer::Staff {
                        id: s.id,
                        department: s.department_code,
                    },
                    actor,
                )),
                None => Err(RequestsError::Forbidden(
                    "no bureau staff record for this caller".into(),
                )),
            };
        }
        if caller.has(Role::LocalOfficial) {
            if caller.org.is_empty() {
                return Err(RequestsError::Forbidden(
                    "local officials need an organisation".into(),
                ));
            }
            return Ok((
                Viewer::Official {
                    org: caller.org.clone(),
                },
                actor,
            ));
        }
        Err(RequestsError::Forbidden(
            "service requests are for local governments and bureau staff".into(),
        ))
    }

    fn visible(viewer: &Viewer, row: &service_request::Model) -> bool {
        match viewer {
            Viewer::Admin => true,
            Viewer::Official { org } => row.local_government_code == *org,
            Viewer::Staff { id, department } => {
                row.department_code.as_deref() == Some(department.as_str())
                    || row.assignee_id.as_deref() == Some(id.as_str())
            }
        }
    }

    fn scope(viewer: &Viewer) -> Scope {
        match viewer {
            Viewer::Admin => Scope::All,
            Viewer::Official { org } => Scope::LocalGovernment(org.clone()),
            Viewer::Staff { id, department } => Scope::Department {
                department: department.clone(),
                staff_id: id.clone(),
            },
        }
    }

    async fn visible_row<C: ConnectionTrait>(
        c: &C,
        viewer: &Viewer,
        id: RequestId,
    ) -> Result<service_request::Model> {
        match queries::find_request(c, id.as_uuid()).await? {
            Some(row) if Self::visible(viewer, &row) => Ok(row),
            _ => Err(RequestsError::NotFound("service request")),
        }
    }

    fn require_bureau(viewer: &Viewer, what: &str) -> Result<()> {
        match viewer {
            Viewer::Official { .. } => Err(RequestsError::Forbidden(format!(
                "only bureau staff may {what}"
            ))),
            _ => Ok(()),
        }
    }

    fn require_requester(viewer: &Viewer, what: &str) -> Result<()> {
        match viewer {
            Viewer::Official { .. } => Ok(()),
            _ => Err(RequestsError::Forbidden(format!(
                "only the requesting local government may {what}"
            ))),
        }
    }

    fn check_version(row: &service_request::Model, seen: Version) -> Result<()> {
        if row.version != seen.get() {
            return Err(RequestsError::StaleVersion {
                seen,
                current: row.version,
            });
        }
        Ok(())
    }

    /// Submits a request and, in the same transaction, registers and routes it.
    /// A retry with the same idempotency key returns the first request.
    pub async fn submit(
        &self,
        caller: Option<&Caller>,
        draft: SubmitDraft,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(&self.db, caller).await?;
        let new = draft.parse()?;
        let lg_code = match (&viewer, &new.local_government_code) {
            (Viewer::Official { org }, Some(code)) if code.as_str() != org => {
                return Err(RequestsError::Forbidden(
                    "officials submit for their own local government only".into(),
                ));
            }
            (Viewer::Official { org }, _) => {
                if queries::local_governments(&self.db, std::slice::from_ref(org))
                    .await?
                    .is_empty()
                {
                    return Err(RequestsError::Forbidden(format!(
                        "organisation `{org}` is not a known local government"
                    )));
                }
                org.clone()
            }
            (_, Some(code)) => {
                if queries::local_governments(&self.db, &[code.as_str().to_owned()])
                    .await?
                    .is_empty()
                {
                    return Err(RequestsError::invalid(
                        "localGovernmentCode",
                        "unknown local government",
                    ));
                }
                code.as_str().to_owned()
            }
            (_, None) => {
                return Err(RequestsError::invalid(
                    "localGovernmentCode",
                    "is required when bureau staff submit",
                ));
            }
        };

        if let Some(existing) =
            queries::find_by_idempotency(&self.db, &actor.subject, new.idempotency_key.as_str())
                .await?
        {
            return self.replay(&viewer, existing, &new, &lg_code).await;
        }
        let txn = self.db.begin().await?;
        match self.insert_new(&txn, &actor, &new, &lg_code).await {
            Ok(id) => {
                txn.commit().await?;
                self.get_as(&viewer, id).await
            }
            Err(RequestsError::Database(e)) if is_unique_violation(&e) => {
                drop(txn);
                match queries::find_by_idempotency(
                    &self.db,
                    &actor.subject,
                    new.idempotency_key.as_str(),
                )
                .await?
                {
                    Some(existing) => self.replay(&viewer, existing, &new, &lg_code).await,
                    None => Err(RequestsError::Database(e)),
                }
            }
            Err(e) => Err(e),
        }
    }

    async fn replay(
        &self,
        viewer: &Viewer,
        existing: service_request::Model,
        new: &NewRequest,
        lg_code: &str,
    ) -> Result<ServiceRequest> {
        let stored: RequestDetails = serde_json::from_str(&existing.details)
            .map_err(|e| RequestsError::Corrupt(e.to_string()))?;
        let same = existing.request_type == new.request_type().as_str()
            && existing.title == new.title.as_str()
            && existing.description == new.description.as_str()
            && existing.local_government_code == lg_code
            && stored == new.details;
        if !same {
            return Err(RequestsError::Conflict(format!(
                "idempotency key `{}` was already used for a different request",
                new.idempotency_key.as_str()
            )));
        }
        let mut views = self.views(&self.db, viewer, vec![existing], true).await?;
        views
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }

    async fn insert_new(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        new: &NewRequest,
        lg_code: &str,
    ) -> Result<RequestId> {
        let now = self.now();
        let ty = new.request_type();
        let serial = queries::next_serial(txn, now.year()).await?;
        let number = RequestNumber::new(now.year(), serial)?;
        let id = RequestId::new();
        let system = Actor {
            subject: SYSTEM_SUBJECT.into(),
            name: SYSTEM_NAME.into(),
        };

        let mut history = Vec::new();
        history.push(history_row(
            id.as_uuid(),
            "submit",
            None,
            RequestState::Submitted,
            actor,
            now,
            "",
        ));
        let mut state = transition(RequestState::Submitted, Action::Register)?;
        history.push(history_row(
            id.as_uuid(),
            Action::Register.as_str(),
            Some(RequestState::Submitted),
            state,
            &system,
            now,
            &number.to_string(),
        ));

        let mut routing = String::new();
        let mut department_code = None;
        let mut assignee_id = None;
        if let Some(rule) = Self::route(txn, ty, &new.details).await? {
            routing = describe_rule(&rule);
            let next = transition(state, Action::AssignDepartment)?;
            history.push(history_row(
                id.as_uuid(),
                Action::AssignDepartment.as_str(),
                Some(state),
                next,
                &system,
                now,
                &routing,
            ));
            state = next;
            if let Some((member, load)) = Self::least_loaded(txn, &rule.department_code).await? {
                let next = transition(state, Action::AssignStaff)?;
                let note = format!("{} {} (open load {load})", member.id, member.name);
                history.push(history_row(
                    id.as_uuid(),
                    Action::AssignStaff.as_str(),
                    Some(state),
                    next,
                    &system,
                    now,
                    &note,
                ));
                state = next;
                assignee_id = Some(member.id);
            }
            department_code = Some(rule.department_code);
        }

        let target = ty.target();
        let details = serde_json::to_string(&new.details)
            .map_err(|e| RequestsError::Corrupt(e.to_string()))?;
        let row = service_request::Model {
            seq: 0,
            id: id.as_uuid(),
            number: number.to_string(),
            request_type: ty.as_str().to_owned(),
            title: new.title.as_str().to_owned(),
            description: new.description.as_str().to_owned(),
            details,
            state: state.as_str().to_owned(),
            requester_subject: actor.subject.clone(),
            requester_name: actor.name.clone(),
            local_government_code: lg_code.to_owned(),
            department_code,
            assignee_id,
            routing,
            idempotency_key: new.idempotency_key.as_str().to_owned(),
            created_at: now,
            updated_at: now,
            first_response_due_at: now + target.first_response,
            resolution_due_at: now + target.resolution,
            first_responded_at: None,
            final_responded_at: None,
            expected_completion_at: None,
            reject_reason: None,
            version: Version::FIRST.get(),
        };
        let payload = event_payload(&row, None, state, "submit", row.version);
        let mut active: service_request::ActiveModel = row.into();
        active.seq = sea_orm::ActiveValue::NotSet;
        queries::insert_request(txn, active).await?;
        queries::insert_history(txn, history).await?;
        queries::insert_outbox(txn, id.as_uuid(), "ServiceRequestSubmitted", &payload, now).await?;
        tracing::info!(request_id = %id, number = %number, state = %state, "service request submitted");
        Ok(id)
    }

    /// The rule that routes a request: language-specific beats language-less, then the
    /// lowest priority, then the lowest id.
    async fn route<C: ConnectionTrait>(
        c: &C,
        ty: RequestType,
        details: &RequestDetails,
    ) -> Result<Option<routing_rule::Model>> {
        let languages: Vec<&str> = details
            .routing_languages()
            .into_iter()
            .map(LanguageCode::as_str)
            .collect();
        let rules = queries::rules_for(c, ty.as_str()).await?;
        Ok(rules
            .into_iter()
            .filter_map(|r| {
                let rank = match r.language.as_deref() {
                    None => languages.len(),
                    Some(lang) => languages.iter().position(|l| *l == lang)?,
                };
                Some((rank, r))
            })
            .min_by_key(|(rank, r)| (*rank, r.priority, r.id))
            .map(|(_, r)| r))
    }

    /// The department's active staff member with the fewest open requests (ties: lowest id).
    async fn least_loaded<C: ConnectionTrait>(
        c: &C,
        department: &str,
    ) -> Result<Option<(staff::Model, i64)>> {
        let members = queries::active_staff_of(c, department).await?;
        let ids: Vec<String> = members.iter().map(|m| m.id.clone()).collect();
        let open: Vec<RequestState> = RequestState::open_states();
        let open: Vec<&str> = open.iter().map(|s| s.as_str()).collect();
        let loads = queries::open_loads(c, &ids, &open).await?;
        Ok(members
            .into_iter()
            .map(|m| {
                let load = loads.get(&m.id).copied().unwrap_or(0);
                (m, load)
            })
            .min_by(|(a, la), (b, lb)| la.cmp(lb).then_with(|| a.id.cmp(&b.id))))
    }

    /// One request with its activity; NOT_FOUND when the caller may not see it.
    pub async fn get(&self, caller: Option<&Caller>, id: RequestId) -> Result<ServiceRequest> {
        let (viewer, _) = self.viewer(&self.db, caller).await?;
        self.get_as(&viewer, id).await
    }

    async fn get_as(&self, viewer: &Viewer, id: RequestId) -> Result<ServiceRequest> {
        let row = Self::visible_row(&self.db, viewer, id).await?;
        let mut views = self.views(&self.db, viewer, vec![row], true).await?;
        views
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }

    /// Several requests, in the order asked, leaving out those the caller may not see.
    pub async fn batch_get(
        &self,
        caller: Option<&Caller>,
        ids: &[RequestId],
        include_activity: bool,
    ) -> Result<Vec<ServiceRequest>> {
        let (viewer, _) = self.viewer(&self.db, caller).await?;
        let uuids: Vec<Uuid> = ids.iter().map(RequestId::as_uuid).collect();
        let rows: Vec<_> = queries::find_requests(&self.db, &uuids)
            .await?
            .into_iter()
            .filter(|r| Self::visible(&viewer, r))
            .collect();
        let views = self
            .views(&self.db, &viewer, rows, include_activity)
            .await?;
        let by_id: HashMap<RequestId, ServiceRequest> =
            views.into_iter().map(|v| (v.id, v)).collect();
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    /// A page of the requests the caller may see, newest first.
    pub async fn list(
        &self,
        caller: Option<&Caller>,
        filter: RequestFilter,
        page: PageRequest,
        include_activity: bool,
    ) -> Result<RequestPage> {
        let (viewer, _) = self.viewer(&self.db, caller).await?;
        let first = if page.first == 0 {
            DEFAULT_PAGE_SIZE
        } else {
            page.first
        }
        .min(self.config.max_page_size);
        let after_seq = page
            .after
            .as_deref()
            .filter(|a| !a.is_empty())
            .map(decode_cursor)
            .transpose()?;
        let query = ListQuery {
            scope: Self::scope(&viewer),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            types: filter.types.iter().map(|t| t.as_str().to_owned()).collect(),
            department: filter.department.map(String::from),
            assignee: filter.assignee.map(String::from),
            local_government: filter.local_government.map(String::from),
            created_from: filter.created_from,
            created_to: filter.created_to,
            overdue: filter.overdue,
            open_states: RequestState::open_states()
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            now: self.now(),
            after_seq,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_requests(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors: Vec<String> = rows.iter().map(|r| encode_cursor(r.seq)).collect();
        let requests = self
            .views(&self.db, &viewer, rows, include_activity)
            .await?;
        Ok(RequestPage {
            end_cursor: cursors.last().cloned(),
            requests,
            cursors,
            has_next_page,
            total_count,
        })
    }

    /// Builds the caller's view of `rows`: one query per related table, not per row.
    async fn views<C: ConnectionTrait>(
        &self,
        c: &C,
        viewer: &Viewer,
        rows: Vec<service_request::Model>,
        include_activity: bool,
    ) -> Result<Vec<ServiceRequest>> {
        let now = self.now();
        let mut lg_codes: Vec<String> = rows
            .iter()
            .map(|r| r.local_government_code.clone())
            .collect();
        lg_codes.sort();
        lg_codes.dedup();
        let mut dept_codes: Vec<String> = rows
            .iter()
            .filter_map(|r| r.department_code.clone())
            .collect();
        dept_codes.sort();
        dept_codes.dedup();
        let mut staff_ids: Vec<String> =
            rows.iter().filter_map(|r| r.assignee_id.clone()).collect();
        staff_ids.sort();
        staff_ids.dedup();
        let lgs: HashMap<String, LocalGovernment> = queries::local_governments(c, &lg_codes)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), lg_view(m)))
            .collect();
        let depts: HashMap<String, Department> = queries::departments(c, &dept_codes)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), dept_view(m)))
            .collect();
        let members: HashMap<String, StaffMember> = queries::staff_by_ids(c, &staff_ids)
            .await?
            .into_iter()
            .map(|m| (m.id.clone(), staff_view(m)))
            .collect();

        let hide_internal = matches!(viewer, Viewer::Official { .. });
        let mut messages: HashMap<Uuid, Vec<RequestMessage>> = HashMap::new();
        let mut history: HashMap<Uuid, Vec<HistoryEntry>> = HashMap::new();
        if include_activity {
            let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            for m in queries::messages_of(c, &ids).await? {
                let kind = MessageKind::parse(&m.kind)
                    .map_err(|e| RequestsError::Corrupt(e.to_string()))?;
                if hide_internal && kind == MessageKind::StaffNote {
                    continue;
                }
                messages
                    .entry(m.request_id)
                    .or_default()
                    .push(RequestMessage {
                        id: m.id,
                        kind,
                        body: m.body,
                        author_subject: m.author_subject,
                        author_name: m.author_name,
                        created_at: m.created_at,
                        expected_completion_at: m.expected_completion_at,
                    });
            }
            for h in queries::history_of(c, &ids).await? {
                if hide_internal && h.action == "note" {
                    continue;
                }
                history.entry(h.request_id).or_default().push(HistoryEntry {
                    from_state: h.from_state.as_deref().map(parse_state).transpose()?,
                    to_state: parse_state(&h.to_state)?,
                    action: h.action,
                    actor_subject: h.actor_subject,
                    actor_name: h.actor_name,
                    at: h.at,
                    note: h.note,
                });
            }
        }

        rows.into_iter()
            .map(|r| {
                let state = parse_state(&r.state)?;
                let corrupt =
                    |e: crate::domain::InvalidInput| RequestsError::Corrupt(e.to_string());
                Ok(ServiceRequest {
                    id: RequestId::from(r.id),
                    number: RequestNumber::parse(&r.number).map_err(corrupt)?,
                    request_type: RequestType::parse(&r.request_type).map_err(corrupt)?,
                    details: serde_json::from_str(&r.details)
                        .map_err(|e| RequestsError::Corrupt(e.to_string()))?,
                    overdue: is_overdue(&r, state, now),
                    version: Version::parse(r.version).map_err(corrupt)?,
                    state,
                    requester: Requester {
                        subject: r.requester_subject.clone(),
                        name: r.requester_name.clone(),
                        local_government_code: r.local_government_code.clone(),
                    },
                    local_government: lgs.get(&r.local_government_code).cloned(),
                    department: r
                        .department_code
                        .as_ref()
                        .and_then(|d| depts.get(d))
                        .cloned(),
                    assignee: r.assignee_id.as_ref().and_then(|s| members.get(s)).cloned(),
                    messages: messages.remove(&r.id).unwrap_or_default(),
                    history: history.remove(&r.id).unwrap_or_default(),
                    title: r.title,
                    description: r.description,
                    routing: r.routing,
                    created_at: r.created_at,
                    updated_at: r.updated_at,
                    first_response_due_at: r.first_response_due_at,
                    resolution_due_at: r.resolution_due_at,
                    first_responded_at: r.first_responded_at,
                    final_responded_at: r.final_responded_at,
                    expected_completion_at: r.expected_completion_at,
                    reject_reason: r.reject_reason,
                })
            })
            .collect()
    }

    /// Writes a state change: the versioned update, the message (if any), the history row
    /// and the outbox event, all in `txn`.
    async fn apply(
        &self,
        txn: &DatabaseTransaction,
        row: &service_request::Model,
        actor: &Actor,
        now: DateTime<Utc>,
        change: Change,
    ) -> Result<()> {
        let from = parse_state(&row.state)?;
        let mut set = change.set;
        set.state = Set(change.to.as_str().to_owned());
        set.updated_at = Set(now);
        if !queries::update_if_version(txn, row.id, row.version, set).await? {
            let current = queries::find_request(txn, row.id)
                .await?
                .map_or(row.version, |r| r.version);
            return Err(RequestsError::StaleVersion {
                seen: Version::parse(row.version)?,
                current,
            });
        }
        if let Some((kind, body, expected)) = change.message {
            queries::insert_message(
                txn,
                Self::message_row(Uuid::new_v4(), row.id, kind, body, actor, now, expected),
            )
            .await?;
        }
        let action = change.action.as_str();
        queries::insert_history(
            txn,
            vec![history_row(
                row.id,
                action,
                Some(from),
                change.to,
                actor,
                now,
                &change.note,
            )],
        )
        .await?;
        let updated = queries::find_request(txn, row.id)
            .await?
            .ok_or(RequestsError::NotFound("service request"))?;
        let payload = event_payload(&updated, Some(from), change.to, action, updated.version);
        queries::insert_outbox(txn, row.id, "ServiceRequestStateChanged", &payload, now).await?;
        tracing::info!(request_id = %row.id, action, from = %from, to = %change.to, "service request changed");
        Ok(())
    }

    fn message_row(
        id: Uuid,
        request_id: Uuid,
        kind: MessageKind,
        body: String,
        actor: &Actor,
        now: DateTime<Utc>,
        expected: Option<DateTime<Utc>>,
    ) -> request_message::ActiveModel {
        request_message::ActiveModel {
            id: Set(id),
            request_id: Set(request_id),
            kind: Set(kind.as_str().to_owned()),
            body: Set(body),
            author_subject: Set(actor.subject.clone()),
            author_name: Set(actor.name.clone()),
            created_at: Set(now),
            expected_completion_at: Set(expected),
            ..Default::default()
        }
    }

    /// Common frame of every workflow action: resolve the caller, open a transaction, load
    /// the visible row, let `decide` check permissions and build the change, apply, commit.
    async fn act<F>(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        decide: F,
    ) -> Result<ServiceRequest>
    where
        F: AsyncFnOnce(
            &DatabaseTransaction,
            &Viewer,
            &service_request::Model,
            DateTime<Utc>,
        ) -> Result<Change>,
    {
        let (viewer, actor) = self.viewer(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_row(&txn, &viewer, id).await?;
        let now = self.now();
        let change = decide(&txn, &viewer, &row, now).await?;
        Self::check_version(&row, version)?;
        self.apply(&txn, &row, &actor, now, change).await?;
        txn.commit().await?;
        // The actor sees the result of their own change even when it moved the request out
        // of their scope (a reassignment to another department).
        let row = queries::find_request(&self.db, id.as_uuid())
            .await?
            .ok_or(RequestsError::NotFound("service request"))?;
        let mut views = self.views(&self.db, &viewer, vec![row], true).await?;
        views
            .pop()
            .ok_or(RequestsError::NotFound("service request"))
    }

    fn require_handler(viewer: &Viewer, row: &service_request::Model, what: &str) -> Result<()> {
        Self::require_bureau(viewer, what)?;
        if let Viewer::Staff { id, department } = viewer {
            let handles = row.department_code.as_deref() == Some(department.as_str())
                || row.assignee_id.as_deref() == Some(id.as_str());
            if !handles {
                return Err(RequestsError::Forbidden(format!(
                    "only staff of the request's department may {what}"
                )));
            }
        }
        Ok(())
    }

    /// Staff send a mid-response with the time they expect to answer in full.
    pub async fn send_mid_response(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        body: MessageBody,
        expected_completion_at: Option<DateTime<Utc>>,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_handler(viewer, row, "send a mid-response")?;
            let to = transition(parse_state(&row.state)?, Action::MidResponse)?;
            let expected = expected_completion_at
                .ok_or_else(|| RequestsError::invalid("expectedCompletionAt", "is required"))?;
            if expected <= now {
                return Err(RequestsError::invalid(
                    "expectedCompletionAt",
                    "must be in the future",
                ));
            }
            let expected = expected.trunc_subsecs(6);
            let set = service_request::ActiveModel {
                first_responded_at: Set(Some(row.first_responded_at.unwrap_or(now))),
                expected_completion_at: Set(Some(expected)),
                ..Default::default()
            };
            let note = format!("expected completion {}", expected.to_rfc3339());
            Ok(Change {
                action: Action::MidResponse,
                to,
                note,
                set,
                message: Some((
                    MessageKind::MidResponse,
                    body.as_str().to_owned(),
                    Some(expected),
                )),
            })
        })
        .await
    }

    /// Staff send the final response.
    pub async fn send_final_response(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_handler(viewer, row, "send the final response")?;
            let to = transition(parse_state(&row.state)?, Action::FinalResponse)?;
            let set = service_request::ActiveModel {
                first_responded_at: Set(Some(row.first_responded_at.unwrap_or(now))),
                final_responded_at: Set(Some(now)),
                ..Default::default()
            };
            Ok(Change {
                action: Action::FinalResponse,
                to,
                note: String::new(),
                set,
                message: Some((MessageKind::FinalResponse, body.as_str().to_owned(), None)),
            })
        })
        .await
    }

    /// Staff move a request to a department and a staff member (given, or the least loaded).
    pub async fn reassign(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        department: DepartmentCode,
        staff_id: Option<StaffId>,
        note: String,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |txn, viewer, row, _| {
            Self::require_handler(viewer, row, "reassign")?;
            let state = parse_state(&row.state)?;
            if queries::departments(txn, &[department.as_str().to_owned()])
                .await?
                .is_empty()
            {
                return Err(RequestsError::invalid(
                    "departmentCode",
                    "unknown department",
                ));
            }
            let member = match &staff_id {
                Some(sid) => {
                    let found = queries::staff_by_ids(txn, &[sid.as_str().to_owned()])
                        .await?
                        .pop();
                    match found {
                        Some(m) if m.active && m.department_code == department.as_str() => Some(m),
                        Some(_) => {
                            return Err(RequestsError::invalid(
                                "staffId",
                                "must be an active member of the department",
                            ));
                        }
                        None => {
                            return Err(RequestsError::invalid("staffId", "unknown staff member"));
                        }
                    }
                }
                None => Self::least_loaded(txn, department.as_str())
                    .await?
                    .map(|(m, _)| m),
            };
            let action = if member.is_some() {
                Action::Reassign
            } else {
                Action::ReassignToDepartment
            };
            let to = transition(state, action)?;
            let text = match &member {
                Some(m) => format!("-> {} / {} {}", department, m.id, m.name),
                None => format!("-> {department} (no active staff)"),
            };
            let note = if note.trim().is_empty() {
                text
            } else {
                format!("{text}: {}", note.trim())
            };
            let set = service_request::ActiveModel {
                department_code: Set(Some(department.as_str().to_owned())),
                assignee_id: Set(member.map(|m| m.id)),
                ..Default::default()
            };
            Ok(Change {
                action,
                to,
                note,
                set,
                message: None,
            })
        })
        .await
    }

    /// The requester withdraws before the final response.
    pub async fn withdraw(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Option<Reason>,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            Self::require_requester(viewer, "withdraw")?;
            let to = transition(parse_state(&row.state)?, Action::Withdraw)?;
            let note = reason.map(|r| r.as_str().to_owned()).unwrap_or_default();
            Ok(Change {
                action: Action::Withdraw,
                to,
                note,
                set: Default::default(),
                message: None,
            })
        })
        .await
    }

    /// Staff reject a request, with a reason.
    pub async fn reject(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Reason,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            Self::require_handler(viewer, row, "reject")?;
            let to = transition(parse_state(&row.state)?, Action::Reject)?;
            let set = service_request::ActiveModel {
                reject_reason: Set(Some(reason.as_str().to_owned())),
                ..Default::default()
            };
            Ok(Change {
                action: Action::Reject,
                to,
                note: reason.as_str().to_owned(),
                set,
                message: None,
            })
        })
        .await
    }

    /// The requester or the handling staff close a request after the final response.
    pub async fn close(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
    ) -> Result<ServiceRequest> {
        self.act(caller, id, version, async |_, viewer, row, _| {
            if !matches!(viewer, Viewer::Official { .. }) {
                Self::require_handler(viewer, row, "close")?;
            }
            let to = transition(parse_state(&row.state)?, Action::Close)?;
            Ok(Change {
                action: Action::Close,
                to,
                note: String::new(),
                set: Default::default(),
                message: None,
            })
        })
        .await
    }

    /// The requester reopens within the reopen window after the final response; the request
    /// goes back to its assignee with a fresh resolution due time.
    pub async fn reopen(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        version: Version,
        reason: Option<Reason>,
    ) -> Result<ServiceRequest> {
        let window = self.config.reopen_window;
        self.act(caller, id, version, async |_, viewer, row, now| {
            Self::require_requester(viewer, "reopen")?;
            let to = transition(parse_state(&row.state)?, Action::Reopen)?;
            let answered = row.final_responded_at.unwrap_or(row.updated_at);
            if now > answered + window {
                return Err(RequestsError::Conflict(format!(
                    "the reopen window of {} days closed at {}",
                    window.num_days(),
                    (answered + window).to_rfc3339()
                )));
            }
            let ty = RequestType::parse(&row.request_type)
                .map_err(|e| RequestsError::Corrupt(e.to_string()))?;
            let set = service_request::ActiveModel {
                resolution_due_at: Set(now + ty.target().resolution),
                ..Default::default()
            };
            let note = reason.map(|r| r.as_str().to_owned()).unwrap_or_default();
            Ok(Change {
                action: Action::Reopen,
                to,
                note,
                set,
                message: None,
            })
        })
        .await
    }

    /// Staff add an internal note (any state); requesters never see it.
    pub async fn add_note(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.add_message(caller, id, body, MessageKind::StaffNote)
            .await
    }

    /// The requester replies (any state but a terminal one).
    pub async fn reply(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
    ) -> Result<ServiceRequest> {
        self.add_message(caller, id, body, MessageKind::RequesterReply)
            .await
    }

    async fn add_message(
        &self,
        caller: Option<&Caller>,
        id: RequestId,
        body: MessageBody,
        kind: MessageKind,
    ) -> Result<ServiceRequest> {
        let (viewer, actor) = self.viewer(&self.db, caller).await?;
        let txn = self.db.begin().await?;
        let row = Self::visible_row(&txn, &viewer, id).await?;
        let state = parse_state(&row.state)?;
        let action = match kind {
            MessageKind::StaffNote => {
                Self::require_handler(&viewer, &row, "add notes")?;
                "note"
            }
            _ => {
                Self::require_requester(&viewer, "reply")?;
                if state.is_terminal() {
                    return Err(RequestsError::Conflict(format!(
                        "cannot reply to a request in state {state}"
                    )));
                }
                "reply"
            }
        };
        let now = self.now();
        let message_id = Uuid::new_v4();
        let message = Self::message_row(
            message_id,
            row.id,
            kind,
            body.as_str().to_owned(),
            &actor,
            now,
            None,
        );
        queries::insert_message(&txn, message).await?;
        queries::insert_history(
            &txn,
            vec![history_row(
                row.id,
                action,
                Some(state),
                state,
                &actor,
                now,
                "",
            )],
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "number": row.number,
            "messageId": message_id.to_string(),
            "kind": kind.as_str(),
            "state": state.as_str(),
            "localGovernmentCode": row.local_government_code,
            "departmentCode": row.department_code,
            "assigneeId": row.assignee_id,
        });
        queries::insert_outbox(&txn, row.id, "ServiceRequestMessageAdded", &payload, now).await?;
        txn.commit().await?;
        self.get_as(&viewer, id).await
    }

    /// The bureau's departments, and its staff for bureau callers.
    pub async fn directory(&self, caller: Option<&Caller>) -> Result<Directory> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        let departments = queries::all_departments(&self.db)
            .await?
            .into_iter()
            .map(dept_view)
            .collect();
        let staff = if caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin) {
            queries::all_staff(&self.db)
                .await?
                .into_iter()
                .map(staff_view)
                .collect()
        } else {
            Vec::new()
        };
        Ok(Directory { departments, staff })
    }

    /// Local governments by code, in the order asked; unknown codes are left out. Public.
    pub async fn local_governments(&self, codes: &[String]) -> Result<Vec<LocalGovernment>> {
        let found: HashMap<String, LocalGovernment> = queries::local_governments(&self.db, codes)
            .await?
            .into_iter()
            .map(|m| (m.code.clone(), lg_view(m)))
            .collect();
        Ok(codes.iter().filter_map(|c| found.get(c).cloned()).collect())
    }

    /// Every local government, by code. Public.
    pub async fn all_local_governments(&self) -> Result<Vec<LocalGovernment>> {
        Ok(queries::all_local_governments(&self.db)
            .await?
            .into_iter()
            .map(lg_view)
            .collect())
    }

    fn require_admin(caller: Option<&Caller>) -> Result<()> {
        let caller = caller.ok_or(RequestsError::Unauthenticated)?;
        if !caller.has(Role::BureauAdmin) {
            return Err(RequestsError::Forbidden(
                "routing rules are for bureau administrators".into(),
            ));
        }
        Ok(())
    }

    /// Every routing rule (admins only).
    pub async fn routing_rules(&self, caller: Option<&Caller>) -> Result<Vec<RoutingRule>> {
        Self::require_admin(caller)?;
        queries::all_rules(&self.db)
            .await?
            .into_iter()
            .map(rule_view)
            .collect()
    }

    /// Creates or replaces a routing rule (admins only).
    pub async fn set_routing_rule(
        &self,
        caller: Option<&Caller>,
        draft: RoutingRuleDraft,
    ) -> Result<RoutingRule> {
        Self::require_admin(caller)?;
        if draft.language.is_some() && draft.request_type != RequestType::InterpretationTranslation
        {
            return Err(RequestsError::invalid(
                "language",
                "only interpretation/translation rules take a language",
            ));
        }
        if queries::departments(&self.db, &[draft.department_code.as_str().to_owned()])
            .await?
            .is_empty()
        {
            return Err(RequestsError::invalid(
                "departmentCode",
                "unknown department",
            ));
        }
        let saved = queries::save_rule(
            &self.db,
            draft.id,
            draft.request_type.as_str(),
            draft.language.as_ref().map(LanguageCode::as_str),
            draft.department_code.as_str(),
            draft.priority,
        )
        .await?
        .ok_or(RequestsError::NotFound("routing rule"))?;
        rule_view(saved)
    }

    /// Deletes a routing rule (admins only).
    pub async fn delete_routing_rule(&self, caller: Option<&Caller>, id: i64) -> Result<()> {
        Self::require_admin(caller)?;
        if !queries::delete_rule(&self.db, id).await? {
            return Err(RequestsError::NotFound("routing rule"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(decode_cursor(&encode_cursor(42)).unwrap(), 42);
        let err = decode_cursor("not a cursor!").unwrap_err();
        assert!(matches!(err, RequestsError::Invalid(ref e) if e.field() == "after"));
    }
}
