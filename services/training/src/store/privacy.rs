//! Personal data past its retention period (ADR 0038): which rejected or withdrawn
//! applications still hold their applicant's name, grade, answers and documents, and the one
//! write that removes them (a pseudonym for the name, also on the audit rows the applicant
//! wrote; no grade, answers or documents).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{application, history};

/// An application past its period that still holds its applicant's personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expiring {
    /// The application.
    pub id: Uuid,
    /// Its edition (for the change event).
    pub edition_id: Uuid,
    /// Its applicant (their audit rows carry it too).
    pub applicant_subject: String,
}

impl From<application::Model> for Expiring {
    fn from(r: application::Model) -> Self {
        Expiring {
            id: r.id,
            edition_id: r.edition_id,
            applicant_subject: r.applicant_subject,
        }
    }
}

/// Up to `limit` applications in a state of `states`, last changed before `cutoff`, that
/// still hold personal data, oldest first.
pub(crate) async fn expiring(
    db: &impl ConnectionTrait,
    states: &[&str],
    cutoff: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Expiring>, DbErr> {
    use application::Column as C;
    let rows = application::Entity::find()
        .filter(C::State.is_in(states.iter().copied()))
        .filter(C::UpdatedAt.lt(cutoff))
        .filter(C::PersonalDataExpiredAt.is_null())
        .order_by_asc(C::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Expiring::from).collect())
}

/// Up to `limit` applications of `subject` (any state) that still hold their personal
/// data, oldest first: what an approved erasure removes (ADR 0040).
pub(crate) async fn of_person(
    db: &impl ConnectionTrait,
    subject: &str,
    limit: u64,
) -> Result<Vec<Expiring>, DbErr> {
    use application::Column as C;
    let rows = application::Entity::find()
        .filter(C::ApplicantSubject.eq(subject))
        .filter(C::PersonalDataExpiredAt.is_null())
        .order_by_asc(C::UpdatedAt)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(Expiring::from).collect())
}

/// Replaces `subject` by `pseudonym` on every audit row that still names them (actions on
/// other aggregates); answers how many rows changed.
pub(crate) async fn pseudonymise_elsewhere(
    db: &impl ConnectionTrait,
    subject: &str,
    pseudonym: &str,
) -> Result<u64, DbErr> {
    Ok(history::Entity::update_many()
        .col_expr(history::Column::ActorSubject, Expr::value(pseudonym))
        .col_expr(history::Column::ActorName, Expr::value(pseudonym))
        .filter(history::Column::ActorSubject.eq(subject))
        .exec(db)
        .await?
        .rows_affected)
}

/// Replaces the applicant of `app` by `pseudonym` (subject, name, full name, also on the
/// audit rows they wrote on it), removes the grade, answers and documents, and marks it
/// expired at `now`; only if nobody did it first (false then, and nothing is written).
/// Nationality, organisation type, local government and state stay for the reports.
pub(crate) async fn pseudonymise(
    db: &impl ConnectionTrait,
    app: &Expiring,
    pseudonym: &str,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use application::Column as C;
    let marked = application::Entity::update_many()
        .col_expr(C::ApplicantSubject, Expr::value(pseudonym))
        .col_expr(C::ApplicantName, Expr::value(pseudonym))
        .col_expr(C::FullName, Expr::value(pseudonym))
        .col_expr(C::Grade, Expr::value(Option::<i32>::None))
        .col_expr(C::Answers, Expr::value("[]"))
        .col_expr(C::Attachments, Expr::value("[]"))
        .col_expr(C::PersonalDataExpiredAt, Expr::value(now))
        .filter(C::Id.eq(app.id))
        .filter(C::PersonalDataExpiredAt.is_null())
        .exec(db)
        .await?;
    if marked.rows_affected != 1 {
        return Ok(false);
    }
    history::Entity::update_many()
        .col_expr(history::Column::ActorSubject, Expr::value(pseudonym))
        .col_expr(history::Column::ActorName, Expr::value(pseudonym))
        .filter(history::Column::AggregateId.eq(app.id))
        .filter(history::Column::ActorSubject.eq(app.applicant_subject.as_str()))
        .exec(db)
        .await?;
    Ok(true)
}
