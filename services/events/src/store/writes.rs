//! The writes the service makes: each aggregate's insert and its version-checked state
//! changes, from domain types. A unique violation comes back as an answer, not an error.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use glocal_kit::db_error::is_unique_violation;
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbErr, EntityTrait};
use uuid::Uuid;

use super::entities::{
    check_in, contribution, event, lecture_request, registration, series, session,
};
use super::queries;
use crate::domain::{
    ContributionState, CountryCode, EventKind, EventState, LanguageCode, LectureState,
    NewContribution, NewEvent, NewLectureRequest, NewSeries, NewSession, Party, PracticeIds,
    RegistrationKind, RegistrationState, Version,
};

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn i32_of(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

/// Who makes a change: subject, name and organisation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Author<'a> {
    /// Subject.
    pub subject: &'a str,
    /// Display name.
    pub name: &'a str,
    /// Organisation.
    pub org: &'a str,
}

/// Records what `(subject, operation, key)` created. `Ok(Some(e))` when a twin holds the key
/// already (unique violation `e`); the transaction is then unusable.
pub(crate) async fn claim_idempotency(
    db: &impl ConnectionTrait,
    subject: &str,
    operation: &str,
    key: &str,
    fingerprint: &str,
    aggregate_id: Uuid,
    at: DateTime<Utc>,
) -> Result<Option<DbErr>, DbErr> {
    match queries::insert_idempotent(db, subject, operation, key, fingerprint, aggregate_id, at)
        .await
    {
        Ok(()) => Ok(None),
        Err(e) if is_unique_violation(&e) => Ok(Some(e)),
        Err(e) => Err(e),
    }
}

/// Inserts a series.
pub(crate) async fn insert_series(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewSeries,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let rotation: Vec<&str> = new
        .rotation
        .countries()
        .iter()
        .map(CountryCode::as_str)
        .collect();
    let row = series::ActiveModel {
        id: Set(id),
        code: Set(new.code.as_str().to_owned()),
        kind: Set(new.kind.as_str().to_owned()),
        title_ko: Set(new.title.ko().to_owned()),
        title_en: Set(new.title.en().to_owned()),
        title_zh: Set(new.title.zh().to_owned()),
        title_ja: Set(new.title.ja().to_owned()),
        description_ko: Set(new.description.ko().to_owned()),
        description_en: Set(new.description.en().to_owned()),
        description_zh: Set(new.description.zh().to_owned()),
        description_ja: Set(new.description.ja().to_owned()),
        rotation: Set(to_json(&rotation)),
        yearly_quota: Set(i32_of(new.yearly_quota)),
        created_at: Set(now),
        period: Set(new.period.map(|p| p.to_stored())),
        ..Default::default()
    };
    series::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts an event of `kind` as `edition` of its series (0 outside one), in `state`.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert_event(
    db: &impl ConnectionTrait,
    id: Uuid,
    new: &NewEvent,
    kind: EventKind,
    edition: i32,
    state: EventState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let languages = |l: &[LanguageCode]| to_json(&l.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    let row = event::ActiveModel {
        id: Set(id),
        series_id: Set(new.series_id.map(|s| s.as_uuid())),
        edition: Set(edition),
        kind: Set(kind.as_str().to_owned()),
        title_ko: Set(new.title.ko().to_owned()),
        title_en: Set(new.title.en().to_owned()),
        title_zh: Set(new.title.zh().to_owned()),
        title_ja: Set(new.title.ja().to_owned()),
        description_ko: Set(new.description.ko().to_owned()),
        description_en: Set(new.description.en().to_owned()),
        description_zh: Set(new.description.zh().to_owned()),
        description_ja: Set(new.description.ja().to_owned()),
        host_country: Set(new.host_country.as_str().to_owned()),
        host_city: Set(new.host_city.clone()),
        host_organization: Set(new.host_organization.clone()),
        host_local_government_code: Set(new
            .host_local_government_code
            .as_ref()
            .map(|c| c.as_str().to_owned())),
        venue: Set(new.venue.clone()),
        time_zone: Set(new.time_zone.name().to_owned()),
        start_date: Set(new.start_date),
        end_date: Set(new.end_date),
        working_languages: Set(languages(&new.working_languages)),
        interpretation_languages: Set(languages(&new.interpretation_languages)),
        capacity: Set(i32_of(new.capacity)),
        seats_taken: Set(0),
        registration_opens_at: Set(new.registration_opens_at.map(|t| t.trunc_subsecs(6))),
        registration_closes_at: Set(new.registration_closes_at.map(|t| t.trunc_subsecs(6))),
        state: Set(state.as_str().to_owned()),
        cancel_reason: Set(None),
        version: Set(Version::FIRST.get()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    event::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Moves an event to `state` (with `cancel_reason`) if its version is still the one in
/// `row`; returns the row as written, or `None` when someone changed it first.
pub(crate) async fn change_event(
    db: &impl ConnectionTrait,
    row: &event::Model,
    state: EventState,
    cancel_reason: Option<String>,
    now: DateTime<Utc>,
) -> Result<Option<event::Model>, DbErr> {
    let changes = event::ActiveModel {
        state: Set(state.as_str().to_owned()),
        updated_at: Set(now),
        cancel_reason: Set(cancel_reason.clone()),
        ..Default::default()
    };
    if !queries::update_event(db, row.id, row.version, changes).await? {
        return Ok(None);
    }
    Ok(Some(event::Model {
        state: state.as_str().to_owned(),
        updated_at: now,
        cancel_reason,
        version: row.version + 1,
        ..row.clone()
    }))
}

/// Takes `n` seats of an event if they are free.
pub(crate) async fn take_seats(
    db: &impl ConnectionTrait,
    event_id: Uuid,
    n: u32,
) -> Result<bool, DbErr> {
    queries::take_seats(db, event_id, i32_of(n)).await
}

/// Inserts a session of an event.
pub(crate) async fn insert_session(
    db: &impl ConnectionTrait,
    id: Uuid,
    event_id: Uuid,
    new: &NewSession,
) -> Result<(), DbErr> {
    let speakers: Vec<[&str; 2]> = new
        .speakers
        .iter()
        .map(|(n, a)| [n.as_str(), a.as_str()])
        .collect();
    let langs: Vec<&str> = new
        .interpretation_languages
        .iter()
        .map(|l| l.as_str())
        .collect();
    let row = session::ActiveModel {
        id: Set(id),
        event_id: Set(event_id),
        kind: Set(new.kind.as_str().to_owned()),
        title_ko: Set(new.title.ko().to_owned()),
        title_en: Set(new.title.en().to_owned()),
        title_zh: Set(new.title.zh().to_owned()),
        title_ja: Set(new.title.ja().to_owned()),
        room: Set(new.room.clone()),
        speakers: Set(to_json(&speakers)),
        interpretation_languages: Set(to_json(&langs)),
        starts_at: Set(new.starts_at.trunc_subsecs(6)),
        ends_at: Set(new.ends_at.trunc_subsecs(6)),
        ..Default::default()
    };
    session::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Inserts a registration of `party` by `author`, in `state`.
pub(crate) async fn insert_registration(
    db: &impl ConnectionTrait,
    id: Uuid,
    event_id: Uuid,
    party: &Party,
    author: Author<'_>,
    state: RegistrationState,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let kind: RegistrationKind = party.kind();
    let (attendee, country, organization, members) = match party {
        Party::Individual { attendee } => (attendee.clone(), None, None, Vec::new()),
        Party::Delegation {
            country,
            organization,
            head,
            members,
        } => (
            head.clone(),
            Some(country.as_str().to_owned()),
            Some(organization.clone()),
            members.clone(),
        ),
    };
    let row = registration::ActiveModel {
        id: Set(id),
        event_id: Set(event_id),
        kind: Set(kind.as_str().to_owned()),
        state: Set(state.as_str().to_owned()),
        registrant_subject: Set(author.subject.to_owned()),
        registrant_name: Set(author.name.to_owned()),
        registrant_org: Set(author.org.to_owned()),
        attendee_name: Set(attendee),
        country: Set(country),
        organization: Set(organization),
        members: Set(to_json(&members)),
        seats: Set(i32_of(party.seats())),
        offer_expires_at: Set(None),
        version: Set(Version::FIRST.get()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    registration::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// What a registration's state change does to its offer deadline.
#[derive(Debug, Clone, Copy)]
pub(crate) enum OfferDeadline {
    /// Leave it as it is.
    Keep,
    /// Clear it.
    Clear,
    /// Set it.
    Until(DateTime<Utc>),
}

/// Moves a registration to `state` if its version is still `version`.
pub(crate) async fn change_registration(
    db: &impl ConnectionTrait,
    id: Uuid,
    version: i64,
    state: RegistrationState,
    offer: OfferDeadline,
    now: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let mut changes = registration::ActiveModel {
        state: Set(state.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    match offer {
        OfferDeadline::Keep => {}
        OfferDeadline::Clear => changes.offer_expires_at = Set(None),
        OfferDeadline::Until(t) => changes.offer_expires_at = Set(Some(t)),
    }
    queries::update_registration(db, id, version, changes).await
}

/// Records a check-in; `false` when that attendee is checked in on that day already.
pub(crate) async fn insert_check_in(
    db: &impl ConnectionTrait,
    registration_id: Uuid,
    day: NaiveDate,
    attendee: &str,
    at: DateTime<Utc>,
    by_subject: &str,
) -> Result<bool, DbErr> {
    let row = check_in::ActiveModel {
        registration_id: Set(registration_id),
        day: Set(day),
        attendee: Set(attendee.to_owned()),
        at: Set(at),
        by_subject: Set(by_subject.to_owned()),
        ..Default::default()
    };
    match check_in::Entity::insert(row)
        .exec_without_returning(db)
        .await
    {
        Ok(_) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Inserts a SUBMITTED contribution by `author`.
pub(crate) async fn insert_contribution(
    db: &impl ConnectionTrait,
    id: Uuid,
    event_id: Uuid,
    new: &NewContribution,
    author: Author<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let row = contribution::ActiveModel {
        id: Set(id),
        event_id: Set(event_id),
        state: Set(ContributionState::Submitted.as_str().to_owned()),
        title_ko: Set(new.title.ko().to_owned()),
        title_en: Set(new.title.en().to_owned()),
        title_zh: Set(new.title.zh().to_owned()),
        title_ja: Set(new.title.ja().to_owned()),
        abstract_ko: Set(new.abstract_text.ko().to_owned()),
        abstract_en: Set(new.abstract_text.en().to_owned()),
        abstract_zh: Set(new.abstract_text.zh().to_owned()),
        abstract_ja: Set(new.abstract_text.ja().to_owned()),
        presenter_name: Set(new.presenter_name.clone()),
        submitter_subject: Set(author.subject.to_owned()),
        submitter_org: Set(author.org.to_owned()),
        practice_ids: Set("[]".into()),
        review_note: Set(String::new()),
        version: Set(Version::FIRST.get()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    contribution::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Moves a contribution to `state` (replacing its review note and practices when given) if
/// its version is still the one in `row`; returns the row as written, or `None` when someone
/// changed it first.
pub(crate) async fn change_contribution(
    db: &impl ConnectionTrait,
    row: &contribution::Model,
    state: ContributionState,
    note: Option<&str>,
    practices: Option<&PracticeIds>,
    now: DateTime<Utc>,
) -> Result<Option<contribution::Model>, DbErr> {
    let mut written = contribution::Model {
        state: state.as_str().to_owned(),
        updated_at: now,
        version: row.version + 1,
        ..row.clone()
    };
    let mut changes = contribution::ActiveModel {
        state: Set(state.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(note) = note {
        changes.review_note = Set(note.to_owned());
        note.clone_into(&mut written.review_note);
    }
    if let Some(p) = practices {
        written.practice_ids = to_json(&p.ids());
        changes.practice_ids = Set(written.practice_ids.clone());
    }
    if !queries::update_contribution(db, row.id, row.version, changes).await? {
        return Ok(None);
    }
    Ok(Some(written))
}

/// Inserts a REQUESTED lecture request for local government `lg` by `author`.
pub(crate) async fn insert_lecture(
    db: &impl ConnectionTrait,
    id: Uuid,
    lg: &str,
    new: &NewLectureRequest,
    author: Author<'_>,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    let dates: Vec<String> = new.preferred_dates.iter().map(|d| d.to_string()).collect();
    let row = lecture_request::ActiveModel {
        id: Set(id),
        local_government_code: Set(lg.to_owned()),
        requester_subject: Set(author.subject.to_owned()),
        requester_name: Set(author.name.to_owned()),
        theme: Set(new.theme.clone()),
        preferred_dates: Set(to_json(&dates)),
        venue: Set(new.venue.clone()),
        year: Set(new.year()),
        state: Set(LectureState::Requested.as_str().to_owned()),
        event_id: Set(None),
        decline_reason: Set(None),
        version: Set(Version::FIRST.get()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    lecture_request::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(())
}

/// Moves a lecture request to `state`, linking `event_id` or giving `decline_reason` when
/// set, if its version is still the one in `row`; returns the row as written, or `None` when
/// someone changed it first.
pub(crate) async fn change_lecture(
    db: &impl ConnectionTrait,
    row: &lecture_request::Model,
    state: LectureState,
    event_id: Option<Uuid>,
    decline_reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<lecture_request::Model>, DbErr> {
    let mut written = lecture_request::Model {
        state: state.as_str().to_owned(),
        updated_at: now,
        version: row.version + 1,
        ..row.clone()
    };
    let mut changes = lecture_request::ActiveModel {
        state: Set(state.as_str().to_owned()),
        updated_at: Set(now),
        ..Default::default()
    };
    if let Some(e) = event_id {
        changes.event_id = Set(Some(e));
        written.event_id = Some(e);
    }
    if let Some(r) = decline_reason {
        changes.decline_reason = Set(Some(r.to_owned()));
        written.decline_reason = Some(r.to_owned());
    }
    if !queries::update_lecture(db, row.id, row.version, changes).await? {
        return Ok(None);
    }
    Ok(Some(written))
}
