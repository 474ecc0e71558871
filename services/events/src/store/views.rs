//! Rows to views: how stored rows read back as the views the service answers with, and the
//! decoding of stored columns (JSON lists, localized text, states). A stored value that does
//! not parse is CORRUPT.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use glocal_kit::domain::period::PeriodRule;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use super::entities::{contribution, event, lecture_request, registration, series, session};
use super::queries;
use crate::domain::views::{
    CheckInView, ContributionView, EventView, HistoryEntry, LectureView, RegistrationView,
    SeriesView, SessionView,
};
use crate::domain::{
    ContributionState, CountryCode, EntityId, EventKind, EventState, LectureState, LocalizedText,
    RegistrationKind, RegistrationState, Rotation, SessionKind, TimeZone, Version,
};
use crate::error::EventsError;

type Result<T, E = EventsError> = std::result::Result<T, E>;

/// A stored value that does not parse.
pub(crate) fn corrupt(e: impl std::fmt::Display) -> EventsError {
    EventsError::Corrupt(e.to_string())
}

/// Decodes a stored JSON column.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(corrupt)
}

/// A stored count as `u32` (negative reads as 0).
pub(crate) fn u32_of(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

/// A counted number as `u32` (negative reads as 0, too many as `u32::MAX`).
fn u32_of_count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX })
}

/// Stored text in the four languages.
pub(crate) fn text_of(ko: &str, en: &str, zh: &str, ja: &str) -> LocalizedText {
    LocalizedText::from_stored(ko.to_owned(), en.to_owned(), zh.to_owned(), ja.to_owned())
}

/// An event row's state.
pub(crate) fn event_state(row: &event::Model) -> Result<EventState> {
    EventState::parse(&row.state).map_err(corrupt)
}

/// A registration row's state.
pub(crate) fn registration_state(row: &registration::Model) -> Result<RegistrationState> {
    RegistrationState::parse(&row.state).map_err(corrupt)
}

/// An event row's time zone.
pub(crate) fn zone_of(row: &event::Model) -> Result<TimeZone> {
    TimeZone::parse(&row.time_zone).map_err(corrupt)
}

/// A series row's kind.
pub(crate) fn series_kind(row: &series::Model) -> Result<EventKind> {
    EventKind::parse(&row.kind).map_err(corrupt)
}

/// A series row's period rule, if it has one.
pub(crate) fn series_period(row: &series::Model) -> Result<Option<PeriodRule>> {
    PeriodRule::from_stored(row.period.as_deref()).map_err(corrupt)
}

/// A series row's host rotation.
pub(crate) fn series_rotation(row: &series::Model) -> Result<(Vec<String>, Rotation)> {
    let rotation: Vec<String> = from_json(&row.rotation)?;
    let parsed = Rotation::parse(&rotation).map_err(corrupt)?;
    Ok((rotation, parsed))
}

/// The host of a series' latest edition that was not cancelled.
pub(crate) fn last_host(editions: &[event::Model], series_id: Uuid) -> Result<Option<CountryCode>> {
    editions
        .iter()
        .filter(|e| e.series_id == Some(series_id) && e.state != EventState::Cancelled.as_str())
        .max_by_key(|e| e.edition)
        .map(|e| CountryCode::parse(&e.host_country).map_err(corrupt))
        .transpose()
}

/// Series rows as views, with whose turn it is to host next (one query for the editions).
pub(crate) async fn series_views(
    db: &impl ConnectionTrait,
    rows: Vec<series::Model>,
) -> Result<Vec<SeriesView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let editions = queries::editions_of(db, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let (rotation, parsed) = series_rotation(&r)?;
            let last = last_host(&editions, r.id)?;
            Ok(SeriesView {
                id: EntityId::from(r.id),
                kind: series_kind(&r)?,
                title: text_of(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
                description: text_of(
                    &r.description_ko,
                    &r.description_en,
                    &r.description_zh,
                    &r.description_ja,
                ),
                next_host_country: parsed
                    .next_after(last.as_ref())
                    .map(|c| c.as_str().to_owned()),
                rotation,
                yearly_quota: u32_of(r.yearly_quota),
                period: series_period(&r)?,
                created_at: r.created_at,
                code: r.code,
            })
        })
        .collect()
}

/// Event rows as views at `now` (one query for the waitlist lengths and the seats of lapsed
/// offers, which read as free).
pub(crate) async fn event_views(
    db: &impl ConnectionTrait,
    rows: Vec<event::Model>,
    now: DateTime<Utc>,
    tallies: bool,
) -> Result<Vec<EventView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let tallies = if tallies {
        queries::registration_tallies(db, &ids, now).await?
    } else {
        HashMap::new()
    };
    rows.into_iter()
        .map(|r| {
            let tally = tallies.get(&r.id).copied().unwrap_or_default();
            let state = event_state(&r)?;
            let zone = zone_of(&r)?;
            let open_now = state == EventState::RegistrationOpen
                && r.registration_opens_at.is_none_or(|o| o <= now)
                && r.registration_closes_at.is_none_or(|c| now < c);
            Ok(EventView {
                id: EntityId::from(r.id),
                series_id: r.series_id.map(EntityId::from),
                edition: u32_of(r.edition),
                kind: EventKind::parse(&r.kind).map_err(corrupt)?,
                title: text_of(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
                description: text_of(
                    &r.description_ko,
                    &r.description_en,
                    &r.description_zh,
                    &r.description_ja,
                ),
                working_languages: from_json(&r.working_languages)?,
                interpretation_languages: from_json(&r.interpretation_languages)?,
                capacity: u32_of(r.capacity),
                // Seats of lapsed offers are free from the deadline on, persisted or not.
                seats_taken: u32_of(r.seats_taken)
                    .saturating_sub(u32_of_count(tally.lapsed_offer_seats)),
                waitlist_length: u32_of_count(tally.waitlisted),
                utc_offset: zone.offset_on(r.start_date),
                version: Version::parse(r.version).map_err(corrupt)?,
                registration_open_now: open_now,
                state,
                host_country: r.host_country,
                host_city: r.host_city,
                host_organization: r.host_organization,
                host_local_government_code: r.host_local_government_code,
                venue: r.venue,
                time_zone: r.time_zone,
                start_date: r.start_date,
                end_date: r.end_date,
                registration_opens_at: r.registration_opens_at,
                registration_closes_at: r.registration_closes_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
                cancel_reason: r.cancel_reason,
            })
        })
        .collect()
}

/// A session row as a view, its times shown in the event's `zone`.
pub(crate) fn session_view(s: session::Model, zone: TimeZone) -> Result<SessionView> {
    let speakers: Vec<[String; 2]> = from_json(&s.speakers)?;
    Ok(SessionView {
        id: EntityId::from(s.id),
        event_id: EntityId::from(s.event_id),
        kind: SessionKind::parse(&s.kind).map_err(corrupt)?,
        title: text_of(&s.title_ko, &s.title_en, &s.title_zh, &s.title_ja),
        speakers: speakers.into_iter().map(|[n, a]| (n, a)).collect(),
        interpretation_languages: from_json(&s.interpretation_languages)?,
        starts_at_local: zone.format_local(s.starts_at),
        ends_at_local: zone.format_local(s.ends_at),
        local_date: zone.local_date(s.starts_at),
        starts_at: s.starts_at,
        ends_at: s.ends_at,
        room: s.room,
    })
}

/// Registration rows as views at `now`, with waitlist positions, check-ins and history (one
/// query each); an offer past its deadline reads as expired, persisted or not.
pub(crate) async fn registration_views(
    db: &impl ConnectionTrait,
    rows: Vec<registration::Model>,
    now: DateTime<Utc>,
) -> Result<Vec<RegistrationView>> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut event_ids: Vec<Uuid> = rows.iter().map(|r| r.event_id).collect();
    event_ids.sort();
    event_ids.dedup();
    let mut positions: HashMap<Uuid, u32> = HashMap::new();
    let mut per_event: HashMap<Uuid, u32> = HashMap::new();
    for (event_id, reg_id) in queries::waitlist_order(db, &event_ids).await? {
        let n = per_event.entry(event_id).or_insert(0);
        *n += 1;
        positions.insert(reg_id, *n);
    }
    let mut check_ins: HashMap<Uuid, Vec<CheckInView>> = HashMap::new();
    for c in queries::check_ins_of(db, &ids).await? {
        check_ins
            .entry(c.registration_id)
            .or_default()
            .push(CheckInView {
                day: c.day,
                attendee: c.attendee,
                at: c.at,
                by_subject: c.by_subject,
            });
    }
    let mut history: HashMap<Uuid, Vec<HistoryEntry>> = HashMap::new();
    for h in queries::audit_of(db, &ids).await? {
        history
            .entry(h.aggregate_id)
            .or_default()
            .push(HistoryEntry {
                action: h.action,
                from_state: h.from_state,
                to_state: h.to_state,
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: h.at,
                note: h.note,
            });
    }
    rows.into_iter()
        .map(|r| {
            Ok(RegistrationView {
                id: EntityId::from(r.id),
                event_id: EntityId::from(r.event_id),
                kind: RegistrationKind::parse(&r.kind).map_err(corrupt)?,
                state: registration_state(&r)?.as_of(r.offer_expires_at, now),
                members: from_json(&r.members)?,
                seats: u32_of(r.seats),
                waitlist_position: positions.get(&r.id).copied(),
                version: Version::parse(r.version).map_err(corrupt)?,
                check_ins: check_ins.remove(&r.id).unwrap_or_default(),
                history: history.remove(&r.id).unwrap_or_default(),
                registrant_subject: r.registrant_subject,
                registrant_name: r.registrant_name,
                registrant_org: r.registrant_org,
                attendee_name: r.attendee_name,
                country: r.country,
                organization: r.organization,
                offer_expires_at: r.offer_expires_at,
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// A contribution row as a view.
pub(crate) fn contribution_view(r: contribution::Model) -> Result<ContributionView> {
    Ok(ContributionView {
        id: EntityId::from(r.id),
        event_id: EntityId::from(r.event_id),
        state: ContributionState::parse(&r.state).map_err(corrupt)?,
        title: text_of(&r.title_ko, &r.title_en, &r.title_zh, &r.title_ja),
        abstract_text: text_of(
            &r.abstract_ko,
            &r.abstract_en,
            &r.abstract_zh,
            &r.abstract_ja,
        ),
        practice_ids: from_json(&r.practice_ids)?,
        version: Version::parse(r.version).map_err(corrupt)?,
        presenter_name: r.presenter_name,
        submitter_subject: r.submitter_subject,
        submitter_org: r.submitter_org,
        review_note: r.review_note,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// A lecture request row as a view.
pub(crate) fn lecture_view(r: lecture_request::Model) -> Result<LectureView> {
    let dates: Vec<String> = from_json(&r.preferred_dates)?;
    Ok(LectureView {
        id: EntityId::from(r.id),
        preferred_dates: dates
            .iter()
            .map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(corrupt))
            .collect::<Result<_>>()?,
        state: LectureState::parse(&r.state).map_err(corrupt)?,
        event_id: r.event_id.map(EntityId::from),
        version: Version::parse(r.version).map_err(corrupt)?,
        local_government_code: r.local_government_code,
        requester_subject: r.requester_subject,
        requester_name: r.requester_name,
        theme: r.theme,
        venue: r.venue,
        year: r.year,
        decline_reason: r.decline_reason,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}
