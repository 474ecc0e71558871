//! Personal data past its retention period (ADR 0038): which finished requests still name
//! their requester, and the one write that puts a pseudonym in every place a request names
//! them (the request, the requester's messages, history rows and rating).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use super::entities::{request_history, request_message, request_survey, service_request};
use crate::domain::{RequestId, RequestState};
use crate::error::RequestsError;

type Result<T> = std::result::Result<T, RequestsError>;

/// A finished request that still names its requester.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expiring {
    /// The request.
    pub id: RequestId,
    /// Its requester's subject (what their messages, history rows and rating carry too).
    pub requester_subject: String,
    /// Its local government (for the change event).
    pub local_government_code: String,
    /// Its department, if routed.
    pub department_code: Option<String>,
    /// Its assignee, if any.
    pub assignee_id: Option<String>,
}

impl From<service_request::Model> for Expiring {
    fn from(r: service_request::Model) -> Self {
        Expiring {
            id: RequestId::from(r.id),
            requester_subject: r.requester_subject,
            local_government_code: r.local_government_code,
            department_code: r.department_code,
            assignee_id: r.assignee_id,
        }
    }
}

/// Up to `limit` requests in a state of `finished`, last changed before `cutoff`, whose
/// requester is still named, oldest first.
pub(crate) async fn expiring(
    db: &impl ConnectionTrait,
    finished: &[RequestState],
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Expiring>> {
    use service_request::Column as C;
    let rows = service_request::Entity::find()
        .filter(C::State.is_in(finished.iter().map(|s| s.as_str())))
        .filter(C::UpdatedAt.lt(cutoff))
        .filter(C::PersonalDataExpiredAt.is_null())
        .order_by_asc(C::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Expiring::from).collect())
}

/// Up to `limit` requests of `subject` (any state) that still name them, oldest first: what
/// an approved erasure pseudonymises (ADR 0040).
pub(crate) async fn of_person(
    db: &impl ConnectionTrait,
    subject: &str,
    limit: u64,
) -> Result<Vec<Expiring>> {
    use service_request::Column as C;
    let rows = service_request::Entity::find()
        .filter(C::RequesterSubject.eq(subject))
        .filter(C::PersonalDataExpiredAt.is_null())
        .order_by_asc(C::CreatedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Expiring::from).collect())
}

/// Replaces `subject` by `pseudonym` wherever it is still named outside their own requests
/// (messages, history rows and ratings on other requests); answers how many rows changed.
pub(crate) async fn pseudonymise_elsewhere(
    db: &impl ConnectionTrait,
    subject: &str,
    pseudonym: &str,
) -> Result<u64> {
    let messages = request_message::Entity::update_many()
        .col_expr(
            request_message::Column::AuthorSubject,
            Expr::value(pseudonym),
        )
        .col_expr(request_message::Column::AuthorName, Expr::value(pseudonym))
        .filter(request_message::Column::AuthorSubject.eq(subject))
        .exec(db)
        .await?;
    let history = request_history::Entity::update_many()
        .col_expr(
            request_history::Column::ActorSubject,
            Expr::value(pseudonym),
        )
        .col_expr(request_history::Column::ActorName, Expr::value(pseudonym))
        .filter(request_history::Column::ActorSubject.eq(subject))
        .exec(db)
        .await?;
    let ratings = request_survey::Entity::update_many()
        .col_expr(
            request_survey::Column::RespondentSubject,
            Expr::value(pseudonym),
        )
        .col_expr(
            request_survey::Column::RespondentName,
            Expr::value(pseudonym),
        )
        .filter(request_survey::Column::RespondentSubject.eq(subject))
        .exec(db)
        .await?;
    Ok(messages.rows_affected + history.rows_affected + ratings.rows_affected)
}

/// Replaces the requester of `request` by `pseudonym` (as subject and as name) on the
/// request, their messages, their history rows and their rating, and marks the request
/// expired at `now`; only if nobody did it first (false then, and nothing is written).
pub(crate) async fn pseudonymise(
    db: &impl ConnectionTrait,
    request: &Expiring,
    pseudonym: &str,
    now: DateTime<Utc>,
) -> Result<bool> {
    use service_request::Column as C;
    let id = request.id.as_uuid();
    let marked = service_request::Entity::update_many()
        .col_expr(C::RequesterSubject, Expr::value(pseudonym))
        .col_expr(C::RequesterName, Expr::value(pseudonym))
        .col_expr(C::PersonalDataExpiredAt, Expr::value(now))
        .filter(C::Id.eq(id))
        .filter(C::PersonalDataExpiredAt.is_null())
        .exec(db)
        .await?;
    if marked.rows_affected != 1 {
        return Ok(false);
    }
    let subject = request.requester_subject.as_str();
    request_message::Entity::update_many()
        .col_expr(
            request_message::Column::AuthorSubject,
            Expr::value(pseudonym),
        )
        .col_expr(request_message::Column::AuthorName, Expr::value(pseudonym))
        .filter(request_message::Column::RequestId.eq(id))
        .filter(request_message::Column::AuthorSubject.eq(subject))
        .exec(db)
        .await?;
    request_history::Entity::update_many()
        .col_expr(
            request_history::Column::ActorSubject,
            Expr::value(pseudonym),
        )
        .col_expr(request_history::Column::ActorName, Expr::value(pseudonym))
        .filter(request_history::Column::RequestId.eq(id))
        .filter(request_history::Column::ActorSubject.eq(subject))
        .exec(db)
        .await?;
    request_survey::Entity::update_many()
        .col_expr(
            request_survey::Column::RespondentSubject,
            Expr::value(pseudonym),
        )
        .col_expr(
            request_survey::Column::RespondentName,
            Expr::value(pseudonym),
        )
        .filter(request_survey::Column::RequestId.eq(id))
        .filter(request_survey::Column::RespondentSubject.eq(subject))
        .exec(db)
        .await?;
    Ok(true)
}
