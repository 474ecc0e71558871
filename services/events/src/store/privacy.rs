//! Personal data past its retention period (ADR 0038): which registrations of past events
//! still name their people, and the one write that puts pseudonyms in every place a
//! registration names them (the registration, its party, its check-ins, its audit rows).

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{audit, check_in, contribution, event, lecture_request, registration};

/// A registration of a past event that still names its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expiring {
    /// The registration.
    pub id: Uuid,
    /// Its event.
    pub event_id: Uuid,
    /// Who registered (their audit rows carry it too).
    pub registrant_subject: String,
    /// The attendee, or a delegation's head.
    pub attendee_name: String,
    /// A delegation's other members.
    pub members: Vec<String>,
}

impl Expiring {
    /// The registration `r` as one to expire (its members parsed).
    fn of(r: registration::Model) -> Result<Expiring, DbErr> {
        Ok(Expiring {
            id: r.id,
            event_id: r.event_id,
            registrant_subject: r.registrant_subject,
            attendee_name: r.attendee_name,
            members: serde_json::from_str(&r.members)
                .map_err(|e| DbErr::Custom(format!("registration {}: members: {e}", r.id)))?,
        })
    }
}

/// Up to `limit` registrations of events whose last day is before `last_day_before` that
/// still name their people, in the order they were made.
pub(crate) async fn expiring(
    db: &impl ConnectionTrait,
    last_day_before: NaiveDate,
    limit: u64,
) -> Result<Vec<Expiring>, DbErr> {
    use registration::Column as R;
    let past = Query::select()
        .column(event::Column::Id)
        .from(event::Entity)
        .and_where(event::Column::EndDate.lt(last_day_before))
        .to_owned();
    let rows = registration::Entity::find()
        .filter(R::EventId.in_subquery(past))
        .filter(R::PersonalDataExpiredAt.is_null())
        .order_by_asc(R::Seq)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(Expiring::of).collect()
}

/// Up to `limit` registrations `subject` made (of any event) that still name their people,
/// in the order they were made: what an approved erasure pseudonymises (ADR 0040).
pub(crate) async fn of_person(
    db: &impl ConnectionTrait,
    subject: &str,
    limit: u64,
) -> Result<Vec<Expiring>, DbErr> {
    use registration::Column as R;
    let rows = registration::Entity::find()
        .filter(R::RegistrantSubject.eq(subject))
        .filter(R::PersonalDataExpiredAt.is_null())
        .order_by_asc(R::Seq)
        .limit(limit)
        .all(db)
        .await?;
    rows.into_iter().map(Expiring::of).collect()
}

/// Replaces `subject` by `pseudonym` wherever else the events service names them: the
/// contributions they submitted, the lecture requests they made, the check-ins they
/// recorded and the audit rows of their actions; answers how many rows changed.
pub(crate) async fn pseudonymise_elsewhere(
    db: &impl ConnectionTrait,
    subject: &str,
    pseudonym: &str,
) -> Result<u64, DbErr> {
    let contributions = contribution::Entity::update_many()
        .col_expr(
            contribution::Column::SubmitterSubject,
            Expr::value(pseudonym),
        )
        .filter(contribution::Column::SubmitterSubject.eq(subject))
        .exec(db)
        .await?;
    let lectures = lecture_request::Entity::update_many()
        .col_expr(
            lecture_request::Column::RequesterSubject,
            Expr::value(pseudonym),
        )
        .col_expr(
            lecture_request::Column::RequesterName,
            Expr::value(pseudonym),
        )
        .filter(lecture_request::Column::RequesterSubject.eq(subject))
        .exec(db)
        .await?;
    let check_ins = check_in::Entity::update_many()
        .col_expr(check_in::Column::BySubject, Expr::value(pseudonym))
        .filter(check_in::Column::BySubject.eq(subject))
        .exec(db)
        .await?;
    let audits = audit::Entity::update_many()
        .col_expr(audit::Column::ActorSubject, Expr::value(pseudonym))
        .col_expr(audit::Column::ActorName, Expr::value(pseudonym))
        .filter(audit::Column::ActorSubject.eq(subject))
        .exec(db)
        .await?;
    Ok(contributions.rows_affected
        + lectures.rows_affected
        + check_ins.rows_affected
        + audits.rows_affected)
}

/// The pseudonyms of one registration: its registrant, its attendee (or head) and each
/// member, all different.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Aliases {
    /// For the registrant (subject and name).
    pub registrant: String,
    /// For the attendee or the delegation's head.
    pub attendee: String,
    /// For each member, in order.
    pub members: Vec<String>,
}

/// Replaces the people of `reg` by `aliases` on the registration, its check-ins (a name
/// that no longer matches anyone gets a fresh pseudonym) and the audit rows its registrant
/// wrote on it, and marks it expired at `now`; only if nobody did it first (false then, and
/// nothing is written).
pub(crate) async fn pseudonymise(
    db: &impl ConnectionTrait,
    reg: &Expiring,
    aliases: &Aliases,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    use registration::Column as R;
    let members = serde_json::to_string(&aliases.members)
        .map_err(|e| DbErr::Custom(format!("members: {e}")))?;
    let marked = registration::Entity::update_many()
        .col_expr(
            R::RegistrantSubject,
            Expr::value(aliases.registrant.as_str()),
        )
        .col_expr(R::RegistrantName, Expr::value(aliases.registrant.as_str()))
        .col_expr(R::AttendeeName, Expr::value(aliases.attendee.as_str()))
        .col_expr(R::Members, Expr::value(members))
        .col_expr(R::PersonalDataExpiredAt, Expr::value(now))
        .filter(R::Id.eq(reg.id))
        .filter(R::PersonalDataExpiredAt.is_null())
        .exec(db)
        .await?;
    if marked.rows_affected != 1 {
        return Ok(false);
    }
    let names = std::iter::once((&reg.attendee_name, &aliases.attendee))
        .chain(reg.members.iter().zip(&aliases.members));
    let checked_in = check_in::Entity::find()
        .filter(check_in::Column::RegistrationId.eq(reg.id))
        .all(db)
        .await?;
    for row in checked_in {
        let alias = names
            .clone()
            .find(|(name, _)| **name == row.attendee)
            .map_or_else(glocal_kit::privacy::pseudonym, |(_, alias)| alias.clone());
        check_in::Entity::update_many()
            .col_expr(check_in::Column::Attendee, Expr::value(alias))
            .filter(check_in::Column::Seq.eq(row.seq))
            .exec(db)
            .await?;
    }
    audit::Entity::update_many()
        .col_expr(
            audit::Column::ActorSubject,
            Expr::value(aliases.registrant.as_str()),
        )
        .col_expr(
            audit::Column::ActorName,
            Expr::value(aliases.registrant.as_str()),
        )
        .filter(audit::Column::AggregateType.eq("registration"))
        .filter(audit::Column::AggregateId.eq(reg.id))
        .filter(audit::Column::ActorSubject.eq(reg.registrant_subject.as_str()))
        .exec(db)
        .await?;
    Ok(true)
}
