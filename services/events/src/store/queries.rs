//! The queries the service runs, each over any connection or transaction.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use glocal_kit::audit::AuditEntry;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{
    audit, check_in, contribution, event, idempotency, lecture_request, registration, series,
    session,
};
use crate::domain::RegistrationState;

/// Appends an audit row (kit's one audit shape).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_audit<C: ConnectionTrait>(
    c: &C,
    aggregate_type: &str,
    aggregate_id: Uuid,
    action: &str,
    from: Option<&str>,
    to: Option<&str>,
    actor: (&str, &str),
    at: DateTime<Utc>,
    note: &str,
) -> Result<(), DbErr> {
    let entry = AuditEntry {
        aggregate_type: aggregate_type.to_owned(),
        aggregate_id: aggregate_id.into(),
        action: action.to_owned(),
        from_state: from.map(str::to_owned),
        to_state: to.map(str::to_owned),
        actor_subject: actor.0.to_owned(),
        actor_name: actor.1.to_owned(),
        at,
        note: note.to_owned(),
    };
    glocal_kit::audit::insert(c, "audit", &entry).await
}

/// The audit rows of several aggregates (one query), oldest first.
pub(crate) async fn audit_of<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<audit::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    audit::Entity::find()
        .filter(audit::Column::AggregateId.is_in(ids.iter().copied()))
        .order_by_asc(audit::Column::Seq)
        .all(c)
        .await
}

/// What `(subject, operation, key)` created before, if anything.
pub(crate) async fn find_idempotent<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    operation: &str,
    key: &str,
) -> Result<Option<idempotency::Model>, DbErr> {
    idempotency::Entity::find()
        .filter(idempotency::Column::Subject.eq(subject))
        .filter(idempotency::Column::Operation.eq(operation))
        .filter(idempotency::Column::Key.eq(key))
        .one(c)
        .await
}

/// Records what `(subject, operation, key)` created (unique: a concurrent twin fails here).
pub(crate) async fn insert_idempotent<C: ConnectionTrait>(
    c: &C,
    subject: &str,
    operation: &str,
    key: &str,
    fingerprint: &str,
    aggregate_id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = idempotency::ActiveModel {
        subject: Set(subject.to_owned()),
        operation: Set(operation.to_owned()),
        key: Set(key.to_owned()),
        fingerprint: Set(fingerprint.to_owned()),
        aggregate_id: Set(aggregate_id),
        created_at: Set(at),
        ..Default::default()
    };
    idempotency::Entity::insert(row)
        .exec_without_returning(c)
        .await?;
    Ok(())
}

/// Every series, by code.
pub(crate) async fn all_series<C: ConnectionTrait>(c: &C) -> Result<Vec<series::Model>, DbErr> {
    series::Entity::find()
        .order_by_asc(series::Column::Code)
        .all(c)
        .await
}

/// A series by id; `lock` takes its row lock (PostgreSQL) for the rest of the transaction.
pub(crate) async fn find_series<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    lock: bool,
) -> Result<Option<series::Model>, DbErr> {
    let mut q = series::Entity::find().filter(series::Column::Id.eq(id));
    if lock {
        q = q.lock_exclusive();
    }
    q.one(c).await
}

/// A series by code.
pub(crate) async fn find_series_by_code<C: ConnectionTrait>(
    c: &C,
    code: &str,
) -> Result<Option<series::Model>, DbErr> {
    series::Entity::find()
        .filter(series::Column::Code.eq(code))
        .one(c)
        .await
}

/// Every event of the given series, by edition (one query).
pub(crate) async fn editions_of<C: ConnectionTrait>(
    c: &C,
    series_ids: &[Uuid],
) -> Result<Vec<event::Model>, DbErr> {
    if series_ids.is_empty() {
        return Ok(Vec::new());
    }
    event::Entity::find()
        .filter(event::Column::SeriesId.is_in(series_ids.iter().copied()))
        .order_by_asc(event::Column::Edition)
        .all(c)
        .await
}

/// Events of a series starting in `[from, to]` that are not in `except_state`.
pub(crate) async fn count_series_events_between<C: ConnectionTrait>(
    c: &C,
    series_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    except_state: &str,
) -> Result<u64, DbErr> {
    event::Entity::find()
        .filter(event::Column::SeriesId.eq(series_id))
        .filter(event::Column::StartDate.gte(from))
        .filter(event::Column::StartDate.lte(to))
        .filter(event::Column::State.ne(except_state))
        .count(c)
        .await
}

/// The local governments hosting the series' events that start between `from` and `to`
/// and are not in `except_state` (a lecture series' yearly target counts them).
pub(crate) async fn series_local_governments_between<C: ConnectionTrait>(
    c: &C,
    series_id: Uuid,
    from: NaiveDate,
    to: NaiveDate,
    except_state: &str,
) -> Result<std::collections::BTreeSet<String>, DbErr> {
    let codes: Vec<Option<String>> = event::Entity::find()
        .select_only()
        .column(event::Column::HostLocalGovernmentCode)
        .distinct()
        .filter(event::Column::SeriesId.eq(series_id))
        .filter(event::Column::StartDate.gte(from))
        .filter(event::Column::StartDate.lte(to))
        .filter(event::Column::State.ne(except_state))
        .into_tuple()
        .all(c)
        .await?;
    Ok(codes
        .into_iter()
        .flatten()
        .filter(|c| !c.is_empty())
        .collect())
}

/// An event by id; `lock` takes its row lock (PostgreSQL) for the rest of the transaction,
/// which serializes every seat change of the event. SQLite runs one writer at a time anyway.
pub(crate) async fn find_event<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    lock: bool,
) -> Result<Option<event::Model>, DbErr> {
    let mut q = event::Entity::find().filter(event::Column::Id.eq(id));
    if lock {
        q = q.lock_exclusive();
    }
    q.one(c).await
}

/// Events by id, in no particular order (one query).
pub(crate) async fn find_events<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<Vec<event::Model>, DbErr> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    event::Entity::find()
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .all(c)
        .await
}

/// The stored state of each of these events that exists (one query of two columns).
pub(crate) async fn event_states<C: ConnectionTrait>(
    c: &C,
    ids: &[Uuid],
) -> Result<HashMap<Uuid, String>, DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(Uuid, String)> = event::Entity::find()
        .select_only()
        .column(event::Column::Id)
        .column(event::Column::State)
        .filter(event::Column::Id.is_in(ids.iter().copied()))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Takes `n` seats of an event if they are free: one conditional UPDATE, so the seats held
/// never exceed the capacity whatever runs concurrently. False when they are not free.
pub(crate) async fn take_seats<C: ConnectionTrait>(c: &C, id: Uuid, n: i32) -> Result<bool, DbErr> {
    let result = event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).add(n),
        )
        .filter(event::Column::Id.eq(id))
        .filter(
            Expr::col(event::Column::SeatsTaken)
                .add(n)
                .lte(Expr::col(event::Column::Capacity)),
        )
        .exec(c)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Gives back `n` seats of an event.
pub(crate) async fn release_seats<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
    n: i32,
) -> Result<(), DbErr> {
    event::Entity::update_many()
        .col_expr(
            event::Column::SeatsTaken,
            Expr::col(event::Column::SeatsTaken).sub(n),
        )
        .filter(event::Column::Id.eq(id))
        .filter(event::Column::SeatsTaken.gte(n))
        .exec(c)
        .await?;
    Ok(())
}

macro_rules! update_if_version {
    ($(#[$doc:meta])* $name:ident, $entity:ident) => {
        $(#[$doc])*
        pub(crate) async fn $name<C: ConnectionTrait>(
            c: &C,
            id: Uuid,
            version: i64,
            mut changes: $entity::ActiveModel,
        ) -> Result<bool, DbErr> {
            changes.version = Set(version + 1);
            let result = $entity::Entity::update_many()
                .set(changes)
                .filter($entity::Column::Id.eq(id))
                .filter($entity::Column::Version.eq(version))
                .exec(c)
                .await?;
            Ok(result.rows_affected == 1)
        }
    };
}

update_if_version!(
    /// Applies `changes` to an event only if its version is still `version`, bumping it.
    update_event, event
);
update_if_version!(
    /// Applies `changes` to a registration only if its version is still `version`, bumping it.
    update_registration, registration
);
update_if_version!(
    /// Applies `changes` to a contribution only if its version is still `version`, bumping it.
    update_contribution, contribution
);
update_if_version!(
    /// Applies `changes` to a lecture request only if its version is still `version`, bumping it.
    update_lecture, lecture_request
);

/// A list of events: visibility, filters and the page window.
#[derive(Debug, Clone, Default)]
pub(crate) struct EventQuery {
    pub include_drafts: bool,
    pub kinds: Vec<String>,
    pub states: Vec<String>,
    pub series_id: Option<Uuid>,
    pub host_country: Option<String>,
    pub from_date: Option<NaiveDate>,
    pub to_date: Option<NaiveDate>,
    pub after: Option<(NaiveDate, i64)>,
    pub limit: u64,
    /// Count the matches (else the total is 0).
    pub count: bool,
}

/// One page of events by (start date, seq), and how many match in all (when asked), in one
/// statement ([`glocal_kit::store::page_with_total`]).
pub(crate) async fn list_events<C: ConnectionTrait>(
    c: &C,
    q: &EventQuery,
) -> Result<(Vec<event::Model>, u64), DbErr> {
    use event::Column as E;
    let mut cond = Condition::all();
    if !q.include_drafts {
        cond = cond.add(E::State.ne("DRAFT"));
    }
    if !q.kinds.is_empty() {
        cond = cond.add(E::Kind.is_in(q.kinds.iter().cloned()));
    }
    if !q.states.is_empty() {
        cond = cond.add(E::State.is_in(q.states.iter().cloned()));
    }
    if let Some(s) = q.series_id {
        cond = cond.add(E::SeriesId.eq(s));
    }
    if let Some(h) = &q.host_country {
        cond = cond.add(E::HostCountry.eq(h.as_str()));
    }
    if let Some(from) = q.from_date {
        cond = cond.add(E::EndDate.gte(from));
    }
    if let Some(to) = q.to_date {
        cond = cond.add(E::StartDate.lte(to));
    }
    let mut select = event::Entity::find()
        .filter(cond.clone())
        .order_by_asc(E::StartDate)
        .order_by_asc(E::Seq);
    if let Some((date, seq)) = q.after {
        select = select.filter(
            Condition::any().add(E::StartDate.gt(date)).add(
                Condition::all()
                    .add(E::StartDate.eq(date))
                    .add(E::Seq.gt(seq)),
            ),
        );
    }
    glocal_kit::store::page_with_total(
        c,
        select,
        q.count.then_some(cond),
        q.after.is_none(),
        q.limit,
    )
    .await
}

/// What reading an event needs from its registrations besides its stored counter, as of a
/// moment: how many wait, and the seats of offers that lapsed while still stored as open
/// (a read shows those seats free: [`RegistrationState::as_of`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Tally {
    /// Registrations waitlisted.
    pub waitlisted: i64,
    /// Seats held by offers stored as open that lapsed.
    pub lapsed_offer_seats: i64,
}

/// The [`Tally`] of each event at `now` (one grouped query); events with nothing to count
/// are absent.
pub(crate) async fn registration_tallies<C: ConnectionTrait>(
    c: &C,
    event_ids: &[Uuid],
    now: DateTime<Utc>,
) -> Result<HashMap<Uuid, Tally>, DbErr> {
    use registration::Column as R;
    if event_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let waitlisted = RegistrationState::Waitlisted.as_str();
    let rows: Vec<(Uuid, String, i64, Option<i64>)> = registration::Entity::find()
        .select_only()
        .column(R::EventId)
        .column(R::State)
        .column_as(R::Seq.count(), "n")
        .column_as(Expr::col(R::Seats).sum(), "seats")
        .filter(R::EventId.is_in(event_ids.iter().copied()))
        .filter(
            Condition::any()
                .add(R::State.eq(waitlisted))
                .add(lapsed_offers(now)),
        )
        .group_by(R::EventId)
        .group_by(R::State)
        .into_tuple()
        .all(c)
        .await?;
    let mut tallies: HashMap<Uuid, Tally> = HashMap::new();
    for (event_id, state, n, seats) in rows {
        let tally = tallies.entry(event_id).or_default();
        if state == waitlisted {
            tally.waitlisted = n;
        } else {
            tally.lapsed_offer_seats = seats.unwrap_or(0);
        }
    }
    Ok(tallies)
}

/// Registrations stored as OFFERED whose offer lapsed at `now` ([`crate::domain::offer_lapsed`] in SQL).
pub(crate) fn lapsed_offers(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(registration::Column::State.eq(RegistrationState::Offered.as_str()))
        .add(registration::Column::OfferExpiresAt.lte(now))
}

/// Registrations that read as stored at `now`: all but the offers that lapsed.
pub(crate) fn not_lapsed(now: DateTime<Utc>) -> Condition {
    use registration::Column as R;
    Condition::any()
        .add(R::State.ne(RegistrationState::Offered.as_str()))
        .add(R::OfferExpiresAt.is_null())
        .add(R::OfferExpiresAt.gt(now))
}

/// Registrations that read as `state` at `now` ([`RegistrationState::as_of`] in SQL): an
/// open offer's deadline is still ahead; an expired registration is stored so or is an
/// offer that lapsed.
fn reading_as(state: RegistrationState, now: DateTime<Utc>) -> Condition {
    use registration::Column as R;
    match state {
        RegistrationState::Offered => Condition::all().add(R::State.eq(state.as_str())).add(
            Condition::any()
                .add(R::OfferExpiresAt.is_null())
                .add(R::OfferExpiresAt.gt(now)),
        ),
        RegistrationState::Expired => Condition::any()
            .add(R::State.eq(state.as_str()))
            .add(lapsed_offers(now)),
        _ => Condition::all().add(R::State.eq(state.as_str())),
    }
}

/// The sessions of several events (one query), by start.
pub(crate) async fn sessions_of<C: ConnectionTrait>(
    c: &C,
    event_ids: &[Uuid],
) -> Result<Vec<session::Model>, DbErr> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    session::Entity::find()
        .filter(session::Column::EventId.is_in(event_ids.iter().copied()))
        .order_by_asc(session::Column::StartsAt)
        .order_by_asc(session::Column::Seq)
        .all(c)
        .await
}

/// A session by id.
pub(crate) async fn find_session<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<session::Model>, DbErr> {
    session::Entity::find()
        .filter(session::Column::Id.eq(id))
        .one(c)
        .await
}

/// Deletes a session.
pub(crate) async fn delete_session<C: ConnectionTrait>(c: &C, id: Uuid) -> Result<(), DbErr> {
    session::Entity::delete_many()
        .filter(session::Column::Id.eq(id))
        .exec(c)
        .await?;
    Ok(())
}

/// A registration by id.
pub(crate) async fn find_registration<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<registration::Model>, DbErr> {
    registration::Entity::find()
        .filter(registration::Column::Id.eq(id))
        .one(c)
        .await
}

/// A registrant's registrations of an event in any of `states`.
pub(crate) async fn registrations_of_registrant<C: ConnectionTrait>(
    c: &C,
    event_id: Uuid,
    subject: &str,
    states: &[&str],
) -> Result<Vec<registration::Model>, DbErr> {
    registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::RegistrantSubject.eq(subject))
        .filter(registration::Column::State.is_in(states.iter().copied()))
        .all(c)
        .await
}

/// An event's registrations in `state`, oldest first.
pub(crate) async fn registrations_in_state<C: ConnectionTrait>(
    c: &C,
    event_id: Uuid,
    state: &str,
) -> Result<Vec<registration::Model>, DbErr> {
    registration::Entity::find()
        .filter(registration::Column::EventId.eq(event_id))
        .filter(registration::Column::State.eq(state))
        .order_by_asc(registration::Column::Seq)
        .all(c)
        .await
}

/// Events with an offer that lapsed at or before `now`.
pub(crate) async fn events_with_lapsed_offers<C: ConnectionTrait>(
    c: &C,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, DbErr> {
    registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .distinct()
        .filter(lapsed_offers(now))
        .into_tuple()
        .all(c)
        .await
}

/// The ids of an event's waitlisted registrations, in line order (first = next).
pub(crate) async fn waitlist_order<C: ConnectionTrait>(
    c: &C,
    event_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    if event_ids.is_empty() {
        return Ok(Vec::new());
    }
    registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column(registration::Column::Id)
        .filter(registration::Column::EventId.is_in(event_ids.iter().copied()))
        .filter(registration::Column::State.eq("WAITLISTED"))
        .order_by_asc(registration::Column::Seq)
        .into_tuple()
        .all(c)
        .await
}

/// A list of registrations: scope, filters and the page window.
#[derive(Debug, Clone, Default)]
pub(crate) struct RegistrationQuery {
    pub registrant: Option<String>,
    pub event_id: Option<Uuid>,
    /// Any of these states, as registrations read at `as_of`.
    pub states: Vec<RegistrationState>,
    /// The moment the states are read at (a lapsed offer reads as expired).
    pub as_of: DateTime<Utc>,
    pub after_seq: Option<i64>,
    pub limit: u64,
}

/// One page of registrations, oldest first, and how many match in all.
pub(crate) async fn list_registrations<C: ConnectionTrait>(
    c: &C,
    q: &RegistrationQuery,
) -> Result<(Vec<registration::Model>, u64), DbErr> {
    use registration::Column as R;
    let mut cond = Condition::all();
    if let Some(s) = &q.registrant {
        cond = cond.add(R::RegistrantSubject.eq(s.as_str()));
    }
    if let Some(e) = q.event_id {
        cond = cond.add(R::EventId.eq(e));
    }
    if !q.states.is_empty() {
        let states = q
            .states
            .iter()
            .fold(Condition::any(), |any, s| any.add(reading_as(*s, q.as_of)));
        cond = cond.add(states);
    }
    let every_match = cond.clone();
    if let Some(after) = q.after_seq {
        cond = cond.add(R::Seq.gt(after));
    }
    let select = registration::Entity::find()
        .filter(cond)
        .order_by_asc(R::Seq);
    let first_page = q.after_seq.is_none();
    glocal_kit::store::page_with_total(c, select, Some(every_match), first_page, q.limit).await
}

/// The check-ins of several registrations (one query), oldest first.
pub(crate) async fn check_ins_of<C: ConnectionTrait>(
    c: &C,
    registration_ids: &[Uuid],
) -> Result<Vec<check_in::Model>, DbErr> {
    if registration_ids.is_empty() {
        return Ok(Vec::new());
    }
    check_in::Entity::find()
        .filter(check_in::Column::RegistrationId.is_in(registration_ids.iter().copied()))
        .order_by_asc(check_in::Column::Seq)
        .all(c)
        .await
}

/// A contribution by id.
pub(crate) async fn find_contribution<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<contribution::Model>, DbErr> {
    contribution::Entity::find()
        .filter(contribution::Column::Id.eq(id))
        .one(c)
        .await
}

/// The contributions of several events (one query), oldest first.
pub(crate) async fn contributions_of<C: ConnectionTrait>(
    c: &C,
    event_ids: &[Uuid],
    submitter: Option<&str>,
) -> Result<Vec<contribution::Model>, DbErr> {
    let mut q = contribution::Entity::find();
    if !event_ids.is_empty() {
        q = q.filter(contribution::Column::EventId.is_in(event_ids.iter().copied()));
    }
    if let Some(s) = submitter {
        q = q.filter(contribution::Column::SubmitterSubject.eq(s));
    }
    q.order_by_asc(contribution::Column::Seq).all(c).await
}

/// A lecture request by id.
pub(crate) async fn find_lecture<C: ConnectionTrait>(
    c: &C,
    id: Uuid,
) -> Result<Option<lecture_request::Model>, DbErr> {
    lecture_request::Entity::find()
        .filter(lecture_request::Column::Id.eq(id))
        .one(c)
        .await
}

/// A list of lecture requests: scope, filters and the page window.
#[derive(Debug, Clone, Default)]
pub(crate) struct LectureQuery {
    pub local_government: Option<String>,
    pub states: Vec<String>,
    pub year: Option<i32>,
    pub after_seq: Option<i64>,
    pub limit: u64,
}

/// One page of lecture requests, oldest first, and how many match in all.
pub(crate) async fn list_lectures<C: ConnectionTrait>(
    c: &C,
    q: &LectureQuery,
) -> Result<(Vec<lecture_request::Model>, u64), DbErr> {
    use lecture_request::Column as L;
    let mut cond = Condition::all();
    if let Some(lg) = &q.local_government {
        cond = cond.add(L::LocalGovernmentCode.eq(lg.as_str()));
    }
    if !q.states.is_empty() {
        cond = cond.add(L::State.is_in(q.states.iter().cloned()));
    }
    if let Some(y) = q.year {
        cond = cond.add(L::Year.eq(y));
    }
    let every_match = cond.clone();
    if let Some(after) = q.after_seq {
        cond = cond.add(L::Seq.gt(after));
    }
    let select = lecture_request::Entity::find()
        .filter(cond)
        .order_by_asc(L::Seq);
    let first_page = q.after_seq.is_none();
    glocal_kit::store::page_with_total(c, select, Some(every_match), first_page, q.limit).await
}
