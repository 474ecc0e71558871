//! The queries the service runs, each over any connection or transaction.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{
    department, local_government, outbox, request_counter, request_history, request_message,
    routing_rule, service_request, staff,
};

/// Hands out the next serial of `year`, safely under concurrent submits (one upsert).
pub(crate) async fn next_serial<C: ConnectionTrait>(c: &C, year: i32) -> Result<i64, DbErr> {
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
    let row = c
        .query_one(&stmt)
        .await?
        .ok_or_else(|| DbErr::RecordNotFound("request_counter".into()))?;
    row.try_get("", "last")
}

/// A request by id.
pub(crate) async fn find_request<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<service_request::Model>, DbErr> {
    service_request::Entity::find()
        .filter(service_request::Column::Id.eq(id))
        .one(c)
        .await
}

/// Requests by id, in no particular order.
pub(crate) async fn find_requests<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<service_request::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    service_request::Entity::find()
        .filter(service_request::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
}

/// The request a requester submitted under an idempotency key.
pub(crate) async fn find_by_idempotency<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    key: &str,
) -> Result<Option<service_request::Model>, DbErr> {
    service_request::Entity::find()
        .filter(service_request::Column::RequesterSubject.eq(subject))
        .filter(service_request::Column::IdempotencyKey.eq(key))
        .one(c)
        .await
}

/// Inserts a new request.
pub(crate) async fn insert_request<C: ConnectionTrait>(
    c: &C,
    row: service_request::ActiveModel,
) -> Result<(), DbErr> {
    service_request::Entity::insert(row)
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// Applies `changes` only if the stored version is still `version`, bumping it; false when
/// someone else changed the row first.
pub(crate) async fn update_if_version<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    version: i64,
    mut changes: service_request::ActiveModel,
) -> Result<bool, DbErr> {
    changes.version = Set(version + 1);
    let result = service_request::Entity::update_many()
        .set(changes)
        .filter(service_request::Column::Id.eq(id))
        .filter(service_request::Column::Version.eq(version))
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Appends audit rows.
pub(crate) async fn insert_history<C: ConnectionTrait>(
    c: &C,
    rows: Vec<request_history::ActiveModel>,
) -> Result<(), DbErr> {
    for row in rows {
        request_history::Entity::insert(row)
            .exec_without_returning(c)
            .await?;
    }
    Ok(())
}

/// Appends an outbox event.
pub(crate) async fn insert_outbox<C: ConnectionTrait>(
    c: &C,
    aggregate_id: Uuid,
    event_type: &str,
    payload: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = outbox::ActiveModel {
        id: Set(Uuid::new_v4()),
        aggregate_id: Set(aggregate_id),
        event_type: Set(event_type.to_owned()),
        payload: Set(payload.to_string()),
        created_at: Set(at),
        published_at: Set(None),
        ..Default::default()
    };
    outbox::Entity::insert(row)
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// Appends a message.
pub(crate) async fn insert_message<C: ConnectionTrait>(
    c: &C,
    row: request_message::ActiveModel,
) -> Result<(), DbErr> {
    request_message::Entity::insert(row)
        .exec_without_returning(c)
        .await
        .map(|_| ())
}

/// The messages of several requests (one query), oldest first.
pub(crate) async fn messages_of<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<request_message::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    request_message::Entity::find()
        .filter(request_message::Column::RequestId.is_in(ids.iter().copied()))
        .order_by_asc(request_message::Column::Seq)
        .all(c)
        .await
}

/// The history of several requests (one query), oldest first.
pub(crate) async fn history_of<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<request_history::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    request_history::Entity::find()
        .filter(request_history::Column::RequestId.is_in(ids.iter().copied()))
        .order_by_asc(request_history::Column::Seq)
        .all(c)
        .await
}

/// Local governments by code (one query).
pub(crate) async fn local_governments<C: ConnectionTrait>(
    c: &C,
    codes: &[String],
) -> Result<Vec<local_government::Model>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    local_government::Entity::find()
        .filter(local_government::Column::Code.is_in(codes.iter().cloned()))
        .all(c)
        .await
}

/// Every local government, by code.
pub(crate) async fn all_local_governments<C: ConnectionTrait>(
    c: &C,
) -> Result<Vec<local_government::Model>, DbErr> {
    local_government::Entity::find()
        .order_by_asc(local_government::Column::Code)
        .all(c)
        .await
}

/// Departments by code (one query).
pub(crate) async fn departments<C: ConnectionTrait>(
    c: &C,
    codes: &[String],
) -> Result<Vec<department::Model>, DbErr> {
    if codes.is_empty() {
        return Ok(Vec::new());
    }
    department::Entity::find()
        .filter(department::Column::Code.is_in(codes.iter().cloned()))
        .all(c)
        .await
}

/// Every department, by code.
pub(crate) async fn all_departments<C: ConnectionTrait>(
    c: &C,
) -> Result<Vec<department::Model>, DbErr> {
    department::Entity::find()
        .order_by_asc(department::Column::Code)
        .all(c)
        .await
}

/// Staff by id (one query).
pub(crate) async fn staff_by_ids<C: ConnectionTrait>(
    c: &C,
    ids: &[String],
) -> Result<Vec<staff::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    staff::Entity::find()
        .filter(staff::Column::Id.is_in(ids.iter().cloned()))
        .all(c)
        .await
}

/// Every staff member, by id.
pub(crate) async fn all_staff<C: ConnectionTrait>(c: &C) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .order_by_asc(staff::Column::Id)
        .all(c)
        .await
}

/// The staff member a caller's subject belongs to.
pub(crate) async fn staff_by_subject<C: ConnectionTrait>(
    c: &C,
    subject: &str,
) -> Result<Option<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::Subject.eq(subject))
        .one(c)
        .await
}

/// A department's active staff, by id.
pub(crate) async fn active_staff_of<C: ConnectionTrait>(
    c: &C,
    department: &str,
) -> Result<Vec<staff::Model>, DbErr> {
    staff::Entity::find()
        .filter(staff::Column::DepartmentCode.eq(department))
        .filter(staff::Column::Active.eq(true))
        .order_by_asc(staff::Column::Id)
        .all(c)
        .await
}

/// Open requests per staff member (one grouped query); members with none are absent.
pub(crate) async fn open_loads<C: ConnectionTrait>(
    c: &C,
    staff_ids: &[String],
    open_states: &[&str],
) -> Result<HashMap<String, i64>, DbErr> {
    if staff_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Option<String>, i64)> = service_request::Entity::find()
        .select_only()
        .column(service_request::Column::AssigneeId)
        .column_as(service_request::Column::Seq.count(), "load")
        .filter(service_request::Column::AssigneeId.is_in(staff_ids.iter().cloned()))
        .filter(service_request::Column::State.is_in(open_states.iter().copied()))
        .group_by(service_request::Column::AssigneeId)
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, n)| id.map(|id| (id, n)))
        .collect())
}

/// Every routing rule, by id.
pub(crate) async fn all_rules<C: ConnectionTrait>(
    c: &C,
) -> Result<Vec<routing_rule::Model>, DbErr> {
    routing_rule::Entity::find()
        .order_by_asc(routing_rule::Column::Id)
        .all(c)
        .await
}

/// The routing rules of one request type, by id.
pub(crate) async fn rules_for<C: ConnectionTrait>(
    c: &C,
    request_type: &str,
) -> Result<Vec<routing_rule::Model>, DbErr> {
    routing_rule::Entity::find()
        .filter(routing_rule::Column::RequestType.eq(request_type))
        .order_by_asc(routing_rule::Column::Id)
        .all(c)
        .await
}

/// Creates (id `None`) or replaces a rule; `None` back when the id does not exist.
pub(crate) async fn save_rule<C: ConnectionTrait>(
    c: &C,
    id: Option<i64>,
    request_type: &str,
    language: Option<&str>,
    department_code: &str,
    priority: i32,
) -> Result<Option<routing_rule::Model>, DbErr> {
    let mut row = routing_rule::ActiveModel {
        request_type: Set(request_type.to_owned()),
        language: Set(language.map(str::to_owned)),
        department_code: Set(department_code.to_owned()),
        priority: Set(priority),
        ..Default::default()
    };
    let id = match id {
        Some(id) => {
            let updated = routing_rule::Entity::update_many()
                .set(row)
                .filter(routing_rule::Column::Id.eq(id))
                .exec(c)
                .await?;
            if updated.rows_affected == 0 {
                return Ok(None);
            }
            id
        }
        None => {
            row.id = sea_orm::ActiveValue::NotSet;
            routing_rule::Entity::insert(row)
                .exec(c)
                .await?
                .last_insert_id
        }
    };
    routing_rule::Entity::find_by_id(id).one(c).await
}

/// Deletes a rule; false when it did not exist.
pub(crate) async fn delete_rule<C: ConnectionTrait>(c: &C, id: i64) -> Result<bool, DbErr> {
    Ok(routing_rule::Entity::delete_by_id(id)
        .exec(c)
        .await?
        .rows_affected
        == 1)
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

impl Scope {
    fn condition(&self) -> Condition {
        match self {
            Scope::All => Condition::all(),
            Scope::LocalGovernment(code) => {
                Condition::all().add(service_request::Column::LocalGovernmentCode.eq(code.as_str()))
            }
            Scope::Department {
                department,
                staff_id,
            } => Condition::any()
                .add(service_request::Column::DepartmentCode.eq(department.as_str()))
                .add(service_request::Column::AssigneeId.eq(staff_id.as_str())),
        }
    }
}

/// A list query: scope, filters and the page window.
#[derive(Debug, Clone)]
pub(crate) struct ListQuery {
    pub scope: Scope,
    pub states: Vec<String>,
    pub types: Vec<String>,
    pub department: Option<String>,
    pub assignee: Option<String>,
    pub local_government: Option<String>,
    pub created_from: Option<DateTime<Utc>>,
    pub created_to: Option<DateTime<Utc>>,
    pub overdue: Option<bool>,
    pub open_states: Vec<String>,
    pub now: DateTime<Utc>,
    pub after_seq: Option<i64>,
    pub limit: u64,
}

impl ListQuery {
    fn condition(&self) -> Condition {
        use service_request::Column as C;
        let mut cond = Condition::all().add(self.scope.condition());
        if !self.states.is_empty() {
            cond = cond.add(C::State.is_in(self.states.iter().cloned()));
        }
        if !self.types.is_empty() {
            cond = cond.add(C::RequestType.is_in(self.types.iter().cloned()));
        }
        if let Some(d) = &self.department {
            cond = cond.add(C::DepartmentCode.eq(d.as_str()));
        }
        if let Some(a) = &self.assignee {
            cond = cond.add(C::AssigneeId.eq(a.as_str()));
        }
        if let Some(l) = &self.local_government {
            cond = cond.add(C::LocalGovernmentCode.eq(l.as_str()));
        }
        if let Some(from) = self.created_from {
            cond = cond.add(C::CreatedAt.gte(from));
        }
        if let Some(to) = self.created_to {
            cond = cond.add(C::CreatedAt.lt(to));
        }
        if let Some(overdue) = self.overdue {
            let is_overdue = Condition::all()
                .add(C::State.is_in(self.open_states.iter().cloned()))
                .add(
                    Condition::any().add(C::ResolutionDueAt.lt(self.now)).add(
                        Condition::all()
                            .add(C::FirstRespondedAt.is_null())
                            .add(C::FirstResponseDueAt.lt(self.now)),
                    ),
                );
            cond = cond.add(if overdue {
                is_overdue
            } else {
                is_overdue.not()
            });
        }
        cond
    }
}

/// One page of requests, newest first, and how many match in all.
pub(crate) async fn list_requests<C: ConnectionTrait>(
    c: &C,
    q: &ListQuery,
) -> Result<(Vec<service_request::Model>, u64), DbErr> {
    let cond = q.condition();
    let total = service_request::Entity::find()
        .filter(cond.clone())
        .count(c)
        .await?;
    let mut select = service_request::Entity::find().filter(cond);
    if let Some(after) = q.after_seq {
        select = select.filter(service_request::Column::Seq.lt(after));
    }
    let rows = select
        .order_by_desc(service_request::Column::Seq)
        .limit(q.limit)
        .all(c)
        .await?;
    Ok((rows, total))
}
