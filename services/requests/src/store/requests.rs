//! The `service_request` table: the stored request in domain types, its reads and versioned
//! writes (which move staff loads, see [`super::loads`]), the yearly request counter and the
//! scoped list query.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::{NotSet, Set},
    ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, Iterable, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
};

use super::entities::{request_counter, service_request};
use crate::domain::sla::{SlaClock, SlaTargetKind, SlaThreshold};
use crate::domain::{
    DepartmentCode, InvalidInput, LocalGovernmentCode, RequestDetails, RequestId, RequestNumber,
    RequestState, RequestType, StaffId, Version,
};
use crate::error::RequestsError;

type Result<T, E = RequestsError> = std::result::Result<T, E>;

/// A request as stored, parsed into domain types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StoredRequest {
    /// The stable sort key (0 before the insert assigns one).
    pub seq: i64,
    pub id: RequestId,
    pub number: RequestNumber,
    pub request_type: RequestType,
    pub title: String,
    /// Empty in a row read without its texts ([`list`] with `texts` false).
    pub description: String,
    /// None only in a row read without its texts; [`insert`] refuses such a row.
    pub details: Option<RequestDetails>,
    pub state: RequestState,
    pub requester_subject: String,
    pub requester_name: String,
    pub local_government_code: String,
    pub department_code: Option<String>,
    pub assignee_id: Option<String>,
    pub routing: String,
    pub idempotency_key: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub first_response_due_at: DateTime<Utc>,
    pub resolution_due_at: DateTime<Utc>,
    pub first_responded_at: Option<DateTime<Utc>>,
    pub final_responded_at: Option<DateTime<Utc>>,
    pub expected_completion_at: Option<DateTime<Utc>>,
    pub reject_reason: Option<String>,
    pub version: Version,
    /// Awaiting the requester since (the clock stands still).
    pub paused_at: Option<DateTime<Utc>>,
    /// The state the question was asked from (where a reply returns the request).
    pub paused_from_state: Option<RequestState>,
    /// How the first-response target counts time.
    pub first_response_clock: SlaClock,
    /// How the resolution target counts time.
    pub resolution_clock: SlaClock,
    /// When the assignee is to be warned.
    pub warning_at: Option<DateTime<Utc>>,
    /// When the scheduler warned the assignee.
    pub warned_at: Option<DateTime<Utc>>,
    /// When the scheduler marked the resolution breached.
    pub breached_at: Option<DateTime<Utc>>,
    /// When the assignee is to be warned of the first response.
    pub first_response_warning_at: Option<DateTime<Utc>>,
    /// When the scheduler warned the assignee of the first response.
    pub first_response_warned_at: Option<DateTime<Utc>>,
    /// When the scheduler marked the first response breached.
    pub first_response_breached_at: Option<DateTime<Utc>>,
}

/// A stored clock; rows from before service levels counted around the clock.
fn clock(text: Option<&str>) -> Result<SlaClock> {
    text.map_or(Ok(SlaClock::Calendar), |t| {
        SlaClock::parse(t).map_err(corrupt)
    })
}

pub(super) fn corrupt(e: InvalidInput) -> RequestsError {
    RequestsError::Corrupt(e.to_string())
}

impl TryFrom<service_request::Model> for StoredRequest {
    type Error = RequestsError;

    fn try_from(m: service_request::Model) -> Result<Self> {
        Ok(StoredRequest {
            seq: m.seq,
            id: RequestId::from(m.id),
            number: RequestNumber::parse(&m.number).map_err(corrupt)?,
            request_type: RequestType::parse(&m.request_type).map_err(corrupt)?,
            // A stored request's details are never empty (serialised, they name their kind):
            // an empty text is a list's placeholder for texts it did not read.
            details: if m.details.is_empty() {
                None
            } else {
                Some(
                    serde_json::from_str(&m.details)
                        .map_err(|e| RequestsError::Corrupt(e.to_string()))?,
                )
            },
            state: RequestState::parse(&m.state).map_err(corrupt)?,
            version: Version::parse(m.version).map_err(corrupt)?,
            paused_from_state: m
                .paused_from_state
                .as_deref()
                .map(RequestState::parse)
                .transpose()
                .map_err(corrupt)?,
            first_response_clock: clock(m.first_response_clock.as_deref())?,
            resolution_clock: clock(m.resolution_clock.as_deref())?,
            paused_at: m.paused_at,
            warning_at: m.warning_at,
            warned_at: m.warned_at,
            breached_at: m.breached_at,
            first_response_warning_at: m.first_response_warning_at,
            first_response_warned_at: m.first_response_warned_at,
            first_response_breached_at: m.first_response_breached_at,
            title: m.title,
            description: m.description,
            requester_subject: m.requester_subject,
            requester_name: m.requester_name,
            local_government_code: m.local_government_code,
            department_code: m.department_code,
            assignee_id: m.assignee_id,
            routing: m.routing,
            idempotency_key: m.idempotency_key,
            created_at: m.created_at,
            updated_at: m.updated_at,
            first_response_due_at: m.first_response_due_at,
            resolution_due_at: m.resolution_due_at,
            first_responded_at: m.first_responded_at,
            final_responded_at: m.final_responded_at,
            expected_completion_at: m.expected_completion_at,
            reject_reason: m.reject_reason,
        })
    }
}

fn parse_all(rows: Vec<service_request::Model>) -> Result<Vec<StoredRequest>> {
    rows.into_iter().map(StoredRequest::try_from).collect()
}

/// Whether `e` is a database unique-key violation (a concurrent insert won the race).
pub(crate) fn is_unique_violation(e: &RequestsError) -> bool {
    matches!(
        e,
        RequestsError::Database(db) if glocal_kit::db_error::is_unique_violation(db)
    )
}

/// Hands out the next serial of `year`, safely under concurrent submits (one upsert).
pub(crate) async fn next_serial(db: &impl ConnectionTrait, year: i32) -> Result<i64> {
    let stmt = Query::insert()
        .into_table(request_counter::Entity)
        .columns([request_counter::Column::Year, request_counter::Column::Last])
        .values_panic([year.into(), 1i64.into()])
        .on_conflict(
            OnConflict::column(request_counter::Column::Year)
                .value(
                    request_counter::Column::Last,
                    Expr::col((request_counter::Entity, request_counter::Column::Last)).add(1),
                )
                .to_owned(),
        )
        .returning_col(request_counter::Column::Last)
        .to_owned();
    let row = db
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("request_counter".into()))?;
    Ok(row.try_get("", "last")?)
}

/// A request by id.
pub(crate) async fn find(
    db: &impl ConnectionTrait,
    id: RequestId,
) -> Result<Option<StoredRequest>> {
    service_request::Entity::find()
        .filter(service_request::Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?
        .map(StoredRequest::try_from)
        .transpose()
}

/// Requests by id, in no particular order.
pub(crate) async fn find_many(
    db: &impl ConnectionTrait,
    ids: &[RequestId],
) -> Result<Vec<StoredRequest>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = service_request::Entity::find()
        .filter(service_request::Column::Id.is_in(ids.iter().map(RequestId::as_uuid)))
        .all(db)
        .await?;
    parse_all(rows)
}

/// The request a requester submitted under an idempotency key.
pub(crate) async fn find_by_idempotency(
    db: &impl ConnectionTrait,
    subject: &str,
    key: &str,
) -> Result<Option<StoredRequest>> {
    service_request::Entity::find()
        .filter(service_request::Column::RequesterSubject.eq(subject))
        .filter(service_request::Column::IdempotencyKey.eq(key))
        .one(db)
        .await?
        .map(StoredRequest::try_from)
        .transpose()
}

fn details_text(details: Option<&RequestDetails>) -> Result<String> {
    let details = details.ok_or_else(|| {
        RequestsError::Corrupt("a request read without its details cannot be written".into())
    })?;
    serde_json::to_string(details).map_err(|e| RequestsError::Corrupt(e.to_string()))
}

/// Inserts a new request (its `seq` is assigned by the database) and its search document.
pub(crate) async fn insert(db: &impl ConnectionTrait, r: &StoredRequest) -> Result<()> {
    let row = service_request::ActiveModel {
        seq: NotSet,
        id: Set(r.id.as_uuid()),
        number: Set(r.number.to_string()),
        request_type: Set(r.request_type.as_str().to_owned()),
        title: Set(r.title.clone()),
        description: Set(r.description.clone()),
        details: Set(details_text(r.details.as_ref())?),
        state: Set(r.state.as_str().to_owned()),
        requester_subject: Set(r.requester_subject.clone()),
        requester_name: Set(r.requester_name.clone()),
        local_government_code: Set(r.local_government_code.clone()),
        department_code: Set(r.department_code.clone()),
        assignee_id: Set(r.assignee_id.clone()),
        routing: Set(r.routing.clone()),
        idempotency_key: Set(r.idempotency_key.clone()),
        created_at: Set(r.created_at),
        updated_at: Set(r.updated_at),
        first_response_due_at: Set(r.first_response_due_at),
        resolution_due_at: Set(r.resolution_due_at),
        first_responded_at: Set(r.first_responded_at),
        final_responded_at: Set(r.final_responded_at),
        expected_completion_at: Set(r.expected_completion_at),
        reject_reason: Set(r.reject_reason.clone()),
        version: Set(r.version.get()),
        paused_at: Set(r.paused_at),
        paused_from_state: Set(r.paused_from_state.map(|s| s.as_str().to_owned())),
        first_response_clock: Set(Some(r.first_response_clock.as_str().to_owned())),
        resolution_clock: Set(Some(r.resolution_clock.as_str().to_owned())),
        warning_at: Set(r.warning_at),
        warned_at: Set(r.warned_at),
        breached_at: Set(r.breached_at),
        first_response_warning_at: Set(r.first_response_warning_at),
        first_response_warned_at: Set(r.first_response_warned_at),
        first_response_breached_at: Set(r.first_response_breached_at),
        personal_data_expired_at: NotSet,
    };
    service_request::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    super::loads::shift(db, None, r.state.load_holder(r.assignee_id.as_deref())).await?;
    super::search::index_new(db, r.id, &r.title, &r.description).await
}

/// Writes the changeable columns of `after` (state, routing, response and due times, the
/// pause, the warning and breach marks, reason, version) only if the stored version is
/// still `before`'s, and moves the request's load when its assignee or openness changed
/// (ADR 0057); false when someone else changed the row first (and nothing is written).
pub(crate) async fn update_if_version(
    db: &impl ConnectionTrait,
    before: &StoredRequest,
    after: &StoredRequest,
) -> Result<bool> {
    let changes = service_request::ActiveModel {
        state: Set(after.state.as_str().to_owned()),
        department_code: Set(after.department_code.clone()),
        assignee_id: Set(after.assignee_id.clone()),
        updated_at: Set(after.updated_at),
        first_response_due_at: Set(after.first_response_due_at),
        resolution_due_at: Set(after.resolution_due_at),
        paused_at: Set(after.paused_at),
        paused_from_state: Set(after.paused_from_state.map(|s| s.as_str().to_owned())),
        warning_at: Set(after.warning_at),
        warned_at: Set(after.warned_at),
        breached_at: Set(after.breached_at),
        first_response_warning_at: Set(after.first_response_warning_at),
        first_response_warned_at: Set(after.first_response_warned_at),
        first_response_breached_at: Set(after.first_response_breached_at),
        first_responded_at: Set(after.first_responded_at),
        final_responded_at: Set(after.final_responded_at),
        expected_completion_at: Set(after.expected_completion_at),
        reject_reason: Set(after.reject_reason.clone()),
        version: Set(after.version.get()),
        ..Default::default()
    };
    let result = service_request::Entity::update_many()
        .set(changes)
        .filter(service_request::Column::Id.eq(after.id.as_uuid()))
        .filter(service_request::Column::Version.eq(before.version.get()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Ok(false);
    }
    super::loads::shift(
        db,
        before.state.load_holder(before.assignee_id.as_deref()),
        after.state.load_holder(after.assignee_id.as_deref()),
    )
    .await?;
    Ok(true)
}

/// Takes the row locks of `ids` (in id order, so two callers never wait on each other in
/// a circle) without changing anything, so that rules read after it see every change
/// committed before and none made meanwhile: a no-op update on PostgreSQL; SQLite
/// serialises writers anyway.
pub(crate) async fn lock(db: &impl ConnectionTrait, ids: &[RequestId]) -> Result<()> {
    use service_request::Column as C;
    let mut ids: Vec<uuid::Uuid> = ids.iter().map(RequestId::as_uuid).collect();
    ids.sort();
    ids.dedup();
    for id in ids {
        service_request::Entity::update_many()
            .col_expr(C::Version, Expr::col(C::Version))
            .filter(C::Id.eq(id))
            .exec(db)
            .await?;
    }
    Ok(())
}

/// The stored version of a request, if it exists.
pub(crate) async fn current_version(
    db: &impl ConnectionTrait,
    id: RequestId,
) -> Result<Option<i64>> {
    Ok(service_request::Entity::find()
        .filter(service_request::Column::Id.eq(id.as_uuid()))
        .one(db)
        .await?
        .map(|r| r.version))
}

/// The requests in `states` assigned to `staff_id`, oldest first (a departure hands them on).
pub(crate) async fn assigned_to(
    db: &impl ConnectionTrait,
    staff_id: &str,
    states: &[RequestState],
) -> Result<Vec<StoredRequest>> {
    let rows = service_request::Entity::find()
        .filter(service_request::Column::AssigneeId.eq(staff_id))
        .filter(service_request::Column::State.is_in(states.iter().map(|s| s.as_str())))
        .order_by_asc(service_request::Column::Seq)
        .all(db)
        .await?;
    parse_all(rows)
}

/// Which requests a caller may see.
#[derive(Debug, Clone)]
pub(crate) enum Scope {
    /// Everything (admins).
    All,
    /// One local government's requests.
    LocalGovernment(String),
    /// A department's requests and those assigned to one staff member.
    Department {
        /// The department.
        department: String,
        /// The staff member.
        staff_id: String,
    },
}

/// `column = value`, said as the range `value ..= value`, for PostgreSQL's generic plans: a
/// prepared statement run often gets a plan made without its parameters' values, where
/// `local_government_code = $1` is a constant that drops out of the order
/// `(local_government_code, seq)`. That plan walks the primary key (`seq`) backwards and
/// filters, expecting an average local government's share of the rows among the newest; for a
/// local government without recent requests it reads the whole table (measured: 10–20 ms for
/// a page of 20 in 18,000 rows, against 0.2 ms). A range keeps the order on the index
/// `(column, seq)`, whatever the plan, and estimates few rows, so that the OR of two ranges
/// (a department's scope) reads two indexes rather than the whole table. The same rows: the
/// codes and staff ids compared are ASCII, equal to no other string in any collation.
fn equal_as_range(column: service_request::Column, value: &str) -> sea_orm::sea_query::Expr {
    column.between(value, value)
}

/// Rows of local government `code` ([`equal_as_range`]).
fn of_local_government(code: &str) -> sea_orm::sea_query::Expr {
    equal_as_range(service_request::Column::LocalGovernmentCode, code)
}

impl Scope {
    fn condition(&self) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::LocalGovernment(code) => Condition::all().add(of_local_government(code)),
            Scope::Department {
                department,
                staff_id,
            } => Condition::any()
                .add(equal_as_range(
                    service_request::Column::DepartmentCode,
                    department,
                ))
                .add(equal_as_range(
                    service_request::Column::AssigneeId,
                    staff_id,
                )),
        }
    }
}

/// The order of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListOrder {
    /// Newest first (by `seq`).
    Newest,
    /// Soonest resolution due first (by due time, then `seq`).
    DueSoonest,
}

/// Where a page starts: after this `seq` (newest first) or after this (due time, `seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum After {
    /// Newest-first paging.
    Seq(i64),
    /// Due-time paging.
    Due(DateTime<Utc>, i64),
}

/// A list query: scope, filters and the page window.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub scope: Scope,
    pub states: Vec<RequestState>,
    pub types: Vec<RequestType>,
    pub department: Option<DepartmentCode>,
    pub assignee: Option<StaffId>,
    pub local_government: Option<LocalGovernmentCode>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    /// Only overdue (true) or only not overdue (false) at `now`, as judged by `open_states`.
    pub overdue: Option<bool>,
    /// Only requests whose resolution is breached (true) or not (false).
    pub breached: Option<bool>,
    /// Only requests whose resolution is due before this instant.
    pub due_before: Option<DateTime<Utc>>,
    /// Only requests this subject submitted.
    pub requester: Option<String>,
    pub open_states: Vec<RequestState>,
    pub now: DateTime<Utc>,
    pub order: ListOrder,
    pub after: Option<After>,
    pub limit: u64,
}

impl ListQuery {
    /// Open and past `due` as the clock stands: at `now`, or at the pause's start while the
    /// request awaits its requester.
    fn late(&self, due: service_request::Column) -> Condition {
        use service_request::Column as C;
        Condition::all()
            .add(C::State.is_in(self.open_states.iter().map(|s| s.as_str())))
            .add(
                Condition::any()
                    .add(
                        Condition::all()
                            .add(C::PausedAt.is_null())
                            .add(due.lt(self.now)),
                    )
                    .add(
                        Condition::all()
                            .add(C::PausedAt.is_not_null())
                            .add(Expr::col(due).lt(Expr::col(C::PausedAt))),
                    ),
            )
    }

    /// The one local government every row of the list belongs to, when the scope or a
    /// filter names one.
    fn one_local_government(&self) -> Option<&str> {
        match &self.scope {
            Scope::LocalGovernment(code) => Some(code.as_str()),
            _ => self.local_government.as_ref().map(|c| c.as_str()),
        }
    }

    /// The scope and filters as one condition on `service_request`.
    pub(super) fn condition(&self) -> Condition {
        Condition::all()
            .add(self.scope.condition())
            .add(self.filters())
    }

    /// The filters without the scope.
    fn filters(&self) -> Condition {
        use service_request::Column as C;
        let mut cond = Condition::all();
        if !self.states.is_empty() {
            cond = cond.add(C::State.is_in(self.states.iter().map(|s| s.as_str())));
        }
        if !self.types.is_empty() {
            cond = cond.add(C::RequestType.is_in(self.types.iter().map(|t| t.as_str())));
        }
        if let Some(d) = &self.department {
            cond = cond.add(C::DepartmentCode.eq(d.as_str()));
        }
        if let Some(a) = &self.assignee {
            cond = cond.add(C::AssigneeId.eq(a.as_str()));
        }
        if let Some(l) = &self.local_government {
            cond = cond.add(of_local_government(l.as_str()));
        }
        if let Some(from) = self.created_from {
            cond = cond.add(C::CreatedAt.gte(from));
        }
        if let Some(to) = self.created_to {
            cond = cond.add(C::CreatedAt.lt(to));
        }
        if let Some(before) = self.due_before {
            cond = cond.add(C::ResolutionDueAt.lt(before));
        }
        if let Some(requester) = &self.requester {
            cond = cond.add(C::RequesterSubject.eq(requester.as_str()));
        }
        if let Some(overdue) = self.overdue {
            let is_overdue = Condition::any().add(self.late(C::ResolutionDueAt)).add(
                Condition::all()
                    .add(C::FirstRespondedAt.is_null())
                    .add(self.late(C::FirstResponseDueAt)),
            );
            cond = cond.add(if overdue {
                is_overdue
            } else {
                is_overdue.not()
            });
        }
        if let Some(breached) = self.breached {
            let is_breached = Condition::any()
                .add(C::BreachedAt.is_not_null())
                .add(self.late(C::ResolutionDueAt))
                .add(
                    // Guarded, so that NOT of this condition is never NULL.
                    Condition::all()
                        .add(C::FinalRespondedAt.is_not_null())
                        .add(Expr::col(C::FinalRespondedAt).gt(Expr::col(C::ResolutionDueAt))),
                );
            cond = cond.add(if breached {
                is_breached
            } else {
                is_breached.not()
            });
        }
        cond
    }
}

/// One page of requests in the query's order, and how many match in all (0 unless
/// `count_total`). Without `texts` the rows' description and details are not read (the
/// description reads empty, the details none): a page that shows neither does not fetch,
/// decode and parse its longest columns.
///
/// A list whose rows all belong to one local government (an official's scope, or a filter)
/// is ordered by that code first: the same order, but one the index
/// `(local_government_code, seq)` gives as it is, so the page reads its rows and no more
/// (ordered by `seq` alone, PostgreSQL may walk the whole table backwards past other local
/// governments' newer rows). The count reads that index too (and, under other filters, the
/// rows it names). A department's list newest first is read from the department's newest
/// rows and the staff member's ([`department_rows`]).
///
/// The count rides in the page's own statement ([`glocal_kit::store::page_with_total`]).
pub(crate) async fn list(
    db: &impl ConnectionTrait,
    q: &ListQuery,
    count_total: bool,
    texts: bool,
) -> Result<(Vec<StoredRequest>, u64)> {
    use service_request::Column as C;
    let cond = q.condition();
    let columns: Vec<C> = C::iter()
        .filter(|c| texts || !matches!(c, C::Description | C::Details))
        .collect();
    let mut select = service_request::Entity::find();
    if !texts {
        select = select
            .select_only()
            .columns(columns.iter().copied())
            .column_as(Expr::value(""), "description")
            .column_as(Expr::value(""), "details");
    }
    let window = match q.after {
        Some(After::Seq(after)) => Condition::all().add(C::Seq.lt(after)),
        Some(After::Due(due, seq)) => Condition::all().add(
            Condition::any().add(C::ResolutionDueAt.gt(due)).add(
                Condition::all()
                    .add(C::ResolutionDueAt.eq(due))
                    .add(C::Seq.gt(seq)),
            ),
        ),
        None => Condition::all(),
    };
    select = match (&q.scope, q.order) {
        (
            Scope::Department {
                department,
                staff_id,
            },
            ListOrder::Newest,
        ) => {
            let rows = department_rows(q, department, staff_id, &columns, &window);
            QueryTrait::query(&mut select)
                .from_clear()
                .from_subquery(rows, service_request::Entity);
            select
        }
        _ => select.filter(cond.clone()).filter(window),
    };
    select = match (q.order, q.one_local_government()) {
        (ListOrder::Newest, Some(_)) => select
            .order_by_desc(C::LocalGovernmentCode)
            .order_by_desc(C::Seq),
        (ListOrder::Newest, None) => select.order_by_desc(C::Seq),
        (ListOrder::DueSoonest, _) => select.order_by_asc(C::ResolutionDueAt).order_by_asc(C::Seq),
    };
    let (models, total) = glocal_kit::store::page_with_total(
        db,
        select,
        count_total.then_some(cond),
        q.after.is_none(),
        q.limit,
    )
    .await?;
    let rows = models
        .into_iter()
        .map(StoredRequest::try_from)
        .collect::<Result<_>>()?;
    Ok((rows, total))
}

/// The rows a department's page newest first is taken from ([`list`]): the newest `limit`
/// rows of the department and the newest `limit` of those assigned to the staff member, each
/// read backwards along its own index (`(department_code, seq)`, `(assignee_id, seq)`) under
/// the query's filters and window, and the two united without repeats (a request of the
/// department assigned to them is in both). Said as one condition (`department = $1 OR
/// assignee = $2` ordered by `seq`), no index gives that order: PostgreSQL walked the primary
/// key backwards, throwing away every newer row of other departments (measured: 16,000 rows,
/// 10 ms, for the interpretation desk's first page at the end of a benchmark run).
fn department_rows(
    q: &ListQuery,
    department: &str,
    staff_id: &str,
    columns: &[service_request::Column],
    window: &Condition,
) -> sea_orm::sea_query::SelectStatement {
    use sea_orm::sea_query::{Alias, Asterisk, Order, UnionType};
    use service_request::Column as C;
    let newest = |name: &str, key: C, value: &str| {
        let rows = Query::select()
            .columns(columns.iter().map(|c| (service_request::Entity, *c)))
            .from(service_request::Entity)
            .cond_where(
                Condition::all()
                    .add(equal_as_range(key, value))
                    .add(q.filters())
                    .add(window.clone()),
            )
            .order_by((service_request::Entity, key), Order::Desc)
            .order_by((service_request::Entity, C::Seq), Order::Desc)
            .limit(q.limit)
            .to_owned();
        Query::select()
            .column(Asterisk)
            .from_subquery(rows, Alias::new(name))
            .to_owned()
    };
    let mut rows = newest("of_department", C::DepartmentCode, department);
    rows.union(
        UnionType::Distinct,
        newest("assigned", C::AssigneeId, staff_id),
    );
    rows
}

/// Requests of `states` that have reached `threshold` of `target` and were not marked for
/// it yet (not paused; a first response only while none was sent; a warning only before
/// the due time, where the breach supersedes it), soonest first, at most `limit`.
pub(crate) async fn due_for(
    db: &impl ConnectionTrait,
    mark: Mark,
    states: &[RequestState],
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<StoredRequest>> {
    use service_request::Column as C;
    let (due, reached) = match (mark.target, mark.threshold) {
        (SlaTargetKind::FirstResponse, SlaThreshold::Warning) => {
            (C::FirstResponseDueAt, C::FirstResponseWarningAt)
        }
        (SlaTargetKind::FirstResponse, SlaThreshold::Breach) => {
            (C::FirstResponseDueAt, C::FirstResponseDueAt)
        }
        (SlaTargetKind::Resolution, SlaThreshold::Warning) => (C::ResolutionDueAt, C::WarningAt),
        (SlaTargetKind::Resolution, SlaThreshold::Breach) => {
            (C::ResolutionDueAt, C::ResolutionDueAt)
        }
    };
    let mut select = service_request::Entity::find()
        .filter(C::State.is_in(states.iter().map(|s| s.as_str())))
        .filter(mark.column().is_null())
        .filter(C::PausedAt.is_null())
        .filter(reached.lte(now));
    if mark.target == SlaTargetKind::FirstResponse {
        select = select.filter(C::FirstRespondedAt.is_null());
    }
    if mark.threshold == SlaThreshold::Warning {
        select = select.filter(due.gt(now));
    }
    let rows = select.order_by_asc(reached).limit(limit).all(db).await?;
    parse_all(rows)
}

/// Which mark a scheduler claims: a threshold of a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Mark {
    /// The target.
    pub target: SlaTargetKind,
    /// The threshold reached.
    pub threshold: SlaThreshold,
}

impl Mark {
    /// Every mark, in the order a scheduler run claims them.
    pub const ALL: [Mark; 4] = [
        Mark::new(SlaTargetKind::FirstResponse, SlaThreshold::Warning),
        Mark::new(SlaTargetKind::FirstResponse, SlaThreshold::Breach),
        Mark::new(SlaTargetKind::Resolution, SlaThreshold::Warning),
        Mark::new(SlaTargetKind::Resolution, SlaThreshold::Breach),
    ];

    const fn new(target: SlaTargetKind, threshold: SlaThreshold) -> Self {
        Mark { target, threshold }
    }

    /// The column that records it.
    fn column(self) -> service_request::Column {
        use service_request::Column as C;
        match (self.target, self.threshold) {
            (SlaTargetKind::FirstResponse, SlaThreshold::Warning) => C::FirstResponseWarnedAt,
            (SlaTargetKind::FirstResponse, SlaThreshold::Breach) => C::FirstResponseBreachedAt,
            (SlaTargetKind::Resolution, SlaThreshold::Warning) => C::WarnedAt,
            (SlaTargetKind::Resolution, SlaThreshold::Breach) => C::BreachedAt,
        }
    }
}

/// Sets `mark` on request `id` to `at` only if nobody set it first and the request is
/// still in a state of `states`, not paused (and, for the first response, still without
/// one): the one write that makes a warning or a breach happen once however many schedulers
/// race for it. True when this call won.
pub(crate) async fn claim_mark(
    db: &impl ConnectionTrait,
    id: RequestId,
    mark: Mark,
    states: &[RequestState],
    at: DateTime<Utc>,
) -> Result<bool> {
    use service_request::Column as C;
    let column = mark.column();
    let mut update = service_request::Entity::update_many()
        .col_expr(column, Expr::value(at))
        .filter(C::Id.eq(id.as_uuid()))
        .filter(column.is_null())
        .filter(C::PausedAt.is_null())
        .filter(C::State.is_in(states.iter().map(|s| s.as_str())));
    if mark.target == SlaTargetKind::FirstResponse {
        update = update.filter(C::FirstRespondedAt.is_null());
    }
    let result = update.exec(db).await?;
    Ok(result.rows_affected == 1)
}

/// The facts the compliance figures need of every request submitted in `[from, to)`.
pub(crate) async fn submitted_between(
    db: &impl ConnectionTrait,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<StoredRequest>> {
    use service_request::Column as C;
    let rows = service_request::Entity::find()
        .filter(C::CreatedAt.gte(from))
        .filter(C::CreatedAt.lt(to))
        .order_by_asc(C::Seq)
        .all(db)
        .await?;
    parse_all(rows)
}
