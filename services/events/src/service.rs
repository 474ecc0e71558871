//! The events service's business operations: domain types in, domain types out. Every
//! operation reads the caller, scopes what it may see and do, and makes each change in one
//! transaction together with its audit row and outbox event.
//!
//! Seats: an event's `seats_taken` counts the seats of CONFIRMED and OFFERED registrations.
//! Every seat change runs under the event's row lock (PostgreSQL `SELECT … FOR UPDATE`;
//! SQLite has one writer) and takes seats with one conditional UPDATE (`seats_taken + n <=
//! capacity`), so confirmed seats never exceed the capacity, also under concurrent calls.
//!
//! Offers: when seats free up, the first waitlisted registration (strictly first come, first
//! served) is offered them until `offer_ttl` passes. Lapsed offers are expired, and the next
//! in line offered, by whichever comes first: any write on the event's registrations (in its
//! transaction), any read of events or registrations, or the periodic sweeper.

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use chrono::{DateTime, Datelike, Duration, NaiveDate, SubsecRound, Utc};
use glocal_kit::{Caller, Role};
use sea_orm::{
    ActiveValue::Set, DatabaseConnection, DatabaseTransaction, SqlErr, TransactionTrait,
};
use serde_json::json;
use uuid::Uuid;

use crate::domain::{
    ContributionAction, ContributionDraft, ContributionState, CountryCode, EntityId, EventAction,
    EventDraft, EventKind, EventState, IdempotencyKey, InvalidInput, LectureAction, LectureDraft,
    LectureState, LocalizedText, NewEvent, PracticeIds, RegistrationAction, RegistrationDraft,
    RegistrationKind, RegistrationState, Rotation, SeriesDraft, SessionDraft, SessionKind,
    TextDraft, TimeZone, Version, bounded, contribution_transition, event_transition,
    lecture_transition, overlaps, quota_allows, registration_transition, same_room,
};
use crate::error::EventsError;
use crate::store::entities::{
    check_in, contribution, event, lecture_request, registration, series, session,
};
use crate::store::queries::{self, EventQuery, LectureQuery, RegistrationQuery};

type Result<T, E = EventsError> = std::result::Result<T, E>;

/// The page size when a list call asks for none.
pub const DEFAULT_PAGE_SIZE: u32 = 20;

/// The time zone the bureau works in (today's date for lecture requests, lectures' zone).
pub const BUREAU_TIME_ZONE: &str = "Asia/Seoul";

const SYSTEM: (&str, &str) = ("system", "Events service");

/// Where the service reads the time; tests move it by hand.
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// Tunables of the service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Config {
    /// Largest page a list call returns.
    pub max_page_size: u32,
    /// How long an offer of freed seats stays open.
    pub offer_ttl: Duration,
    /// How often the sweeper expires lapsed offers.
    pub sweep_interval: std::time::Duration,
}

impl Config {
    /// The service's part of the process settings.
    pub fn from_settings(settings: &glocal_kit::config::EventsSettings) -> Self {
        Config {
            max_page_size: settings.max_page_size.max(1),
            offer_ttl: Duration::minutes(i64::from(settings.offer_ttl_minutes.max(1))),
            sweep_interval: std::time::Duration::from_secs(settings.sweep_interval_secs.max(1)),
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_page_size: 100,
            offer_ttl: Duration::hours(48),
            sweep_interval: std::time::Duration::from_secs(60),
        }
    }
}

/// A series as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesView {
    /// Id.
    pub id: EntityId,
    /// Code.
    pub code: String,
    /// Kind of its events.
    pub kind: EventKind,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Host rotation, in order.
    pub rotation: Vec<String>,
    /// Events per year at most (0 = no quota).
    pub yearly_quota: u32,
    /// Whose turn it is to host the next edition (rotating series with editions).
    pub next_host_country: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// An event as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventView {
    /// Id.
    pub id: EntityId,
    /// Series, if any.
    pub series_id: Option<EntityId>,
    /// Edition within the series (0 outside one).
    pub edition: u32,
    /// Kind.
    pub kind: EventKind,
    /// Title.
    pub title: LocalizedText,
    /// Description.
    pub description: LocalizedText,
    /// Host country.
    pub host_country: String,
    /// Host city.
    pub host_city: String,
    /// Host organisation.
    pub host_organization: String,
    /// Host local government's code, if any.
    pub host_local_government_code: Option<String>,
    /// Venue.
    pub venue: String,
    /// IANA time zone.
    pub time_zone: String,
    /// First day.
    pub start_date: NaiveDate,
    /// Last day.
    pub end_date: NaiveDate,
    /// Working languages.
    pub working_languages: Vec<String>,
    /// Interpretation languages.
    pub interpretation_languages: Vec<String>,
    /// Seats.
    pub capacity: u32,
    /// Seats held by confirmed registrations and open offers.
    pub seats_taken: u32,
    /// Registrations waiting.
    pub waitlist_length: u32,
    /// Registration opens.
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// Registration closes.
    pub registration_closes_at: Option<DateTime<Utc>>,
    /// State.
    pub state: EventState,
    /// Version for optimistic concurrency.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// A registration made now would be taken.
    pub registration_open_now: bool,
    /// UTC offset of the time zone on the first day, e.g. `+09:00`.
    pub utc_offset: String,
    /// Why it was cancelled.
    pub cancel_reason: Option<String>,
}

/// A timetable session as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionView {
    /// Id.
    pub id: EntityId,
    /// Event.
    pub event_id: EntityId,
    /// Kind.
    pub kind: SessionKind,
    /// Title.
    pub title: LocalizedText,
    /// Room.
    pub room: String,
    /// Speakers: (name, affiliation).
    pub speakers: Vec<(String, String)>,
    /// Interpretation languages.
    pub interpretation_languages: Vec<String>,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Start in the event's time zone, RFC 3339 with offset.
    pub starts_at_local: String,
    /// End in the event's time zone, RFC 3339 with offset.
    pub ends_at_local: String,
    /// The event day it falls on, in the event's time zone.
    pub local_date: NaiveDate,
}

/// One attendee checked in on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckInView {
    /// Event day.
    pub day: NaiveDate,
    /// Who.
    pub attendee: String,
    /// When.
    pub at: DateTime<Utc>,
    /// By which staff member (subject).
    pub by_subject: String,
}

/// One audit entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Action, e.g. `register`, `waitlist`, `offer`, `expire`.
    pub action: String,
    /// State before.
    pub from_state: Option<String>,
    /// State after.
    pub to_state: Option<String>,
    /// Who acted.
    pub actor_subject: String,
    /// Their name.
    pub actor_name: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Note.
    pub note: String,
}

/// A registration as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationView {
    /// Id.
    pub id: EntityId,
    /// Event.
    pub event_id: EntityId,
    /// Individual or delegation.
    pub kind: RegistrationKind,
    /// State.
    pub state: RegistrationState,
    /// Who registered (subject).
    pub registrant_subject: String,
    /// Their name.
    pub registrant_name: String,
    /// Their organisation code.
    pub registrant_org: String,
    /// The attendee, or the head of delegation.
    pub attendee_name: String,
    /// Delegation: country.
    pub country: Option<String>,
    /// Delegation: organisation.
    pub organization: Option<String>,
    /// Delegation: other members.
    pub members: Vec<String>,
    /// Seats held or asked for.
    pub seats: u32,
    /// Place in line while waitlisted (1 = next).
    pub waitlist_position: Option<u32>,
    /// When the current offer lapses.
    pub offer_expires_at: Option<DateTime<Utc>>,
    /// Version for optimistic concurrency.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Check-ins.
    pub check_ins: Vec<CheckInView>,
    /// Audit history.
    pub history: Vec<HistoryEntry>,
}

/// A contribution as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionView {
    /// Id.
    pub id: EntityId,
    /// Event.
    pub event_id: EntityId,
    /// Review state.
    pub state: ContributionState,
    /// Title.
    pub title: LocalizedText,
    /// Abstract.
    pub abstract_text: LocalizedText,
    /// Presenter.
    pub presenter_name: String,
    /// Who submitted it.
    pub submitter_subject: String,
    /// Their organisation.
    pub submitter_org: String,
    /// Best practices (research service ids).
    pub practice_ids: Vec<String>,
    /// Reviewer's note.
    pub review_note: String,
    /// Version.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A lecture request as callers see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LectureView {
    /// Id.
    pub id: EntityId,
    /// Requesting local government.
    pub local_government_code: String,
    /// Who asked.
    pub requester_subject: String,
    /// Their name.
    pub requester_name: String,
    /// Theme.
    pub theme: String,
    /// Preferred days.
    pub preferred_dates: Vec<NaiveDate>,
    /// Venue.
    pub venue: String,
    /// Quota year.
    pub year: i32,
    /// State.
    pub state: LectureState,
    /// The scheduled event.
    pub event_id: Option<EntityId>,
    /// Why it was declined.
    pub decline_reason: Option<String>,
    /// Version.
    pub version: Version,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
}

/// A page window: at most `first` (0 = default) after the opaque cursor `after`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageRequest {
    /// How many.
    pub first: u32,
    /// Cursor of the last item already seen.
    pub after: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The cursor of each item.
    pub cursors: Vec<String>,
    /// More follow.
    pub has_next_page: bool,
    /// How many match in all.
    pub total_count: u64,
}

/// Which events to list; empty fields do not filter.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    /// Any of these kinds.
    pub kinds: Vec<EventKind>,
    /// Any of these states.
    pub states: Vec<EventState>,
    /// Of this series.
    pub series_id: Option<EntityId>,
    /// Hosted by this country.
    pub host_country: Option<CountryCode>,
    /// Ending on or after.
    pub from_date: Option<NaiveDate>,
    /// Starting on or before.
    pub to_date: Option<NaiveDate>,
}

/// Which registrations to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistrationFilter {
    /// Of this event.
    pub event_id: Option<EntityId>,
    /// Any of these states.
    pub states: Vec<RegistrationState>,
    /// Only the caller's own (always so outside the bureau).
    pub mine: bool,
}

/// Which lecture requests to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LectureFilter {
    /// Any of these states.
    pub states: Vec<LectureState>,
    /// Of this quota year.
    pub year: Option<i32>,
}

/// How the bureau schedules a lecture request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleDraft {
    /// The lecture series (its yearly quota applies).
    pub series_id: EntityId,
    /// The day; default the first preferred date.
    pub date: Option<NaiveDate>,
    /// Title; default the theme.
    pub title: Option<TextDraft>,
    /// Seats; default 100.
    pub capacity: Option<u32>,
    /// City of the venue.
    pub host_city: String,
}

/// Who acts.
#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
    org: String,
    bureau: bool,
    official: bool,
}

impl Actor {
    fn pair(&self) -> (&str, &str) {
        (&self.subject, &self.name)
    }
}

/// Who reads: the anonymous public, or an authenticated caller.
type Viewer = Option<Actor>;

fn is_bureau(viewer: &Viewer) -> bool {
    viewer.as_ref().is_some_and(|a| a.bureau)
}

fn actor_of(caller: &Caller) -> Actor {
    Actor {
        subject: caller.subject.clone(),
        name: caller.name.clone(),
        org: caller.org.clone(),
        bureau: caller.has(Role::BureauStaff) || caller.has(Role::BureauAdmin),
        official: caller.has(Role::LocalOfficial),
    }
}

fn viewer(caller: Option<&Caller>) -> Viewer {
    caller.map(actor_of)
}

fn member(caller: Option<&Caller>) -> Result<Actor> {
    caller.map(actor_of).ok_or(EventsError::Unauthenticated)
}

fn bureau(caller: Option<&Caller>, what: &str) -> Result<Actor> {
    let actor = member(caller)?;
    if !actor.bureau {
        return Err(EventsError::Forbidden(format!(
            "only bureau staff may {what}"
        )));
    }
    Ok(actor)
}

fn corrupt(e: impl std::fmt::Display) -> EventsError {
    EventsError::Corrupt(e.to_string())
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_str(s).map_err(corrupt)
}

fn u32_of(v: i32) -> u32 {
    u32::try_from(v).unwrap_or(0)
}

fn i32_of(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn is_unique_violation(e: &sea_orm::DbErr) -> bool {
    matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_)))
}

fn encode_cursor(text: &str) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
}

fn decode_cursor(cursor: &str) -> Result<String> {
    let bad = || EventsError::invalid("after", "is not a cursor from this list");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(cursor.trim())
        .map_err(|_| bad())?;
    String::from_utf8(bytes).map_err(|_| bad())
}

fn seq_cursor(seq: i64) -> String {
    encode_cursor(&format!("seq:{seq}"))
}

fn decode_seq(cursor: Option<&str>) -> Result<Option<i64>> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    decode_cursor(cursor)?
        .strip_prefix("seq:")
        .and_then(|n| n.parse().ok())
        .map(Some)
        .ok_or_else(|| EventsError::invalid("after", "is not a cursor from this list"))
}

fn event_cursor(row: &event::Model) -> String {
    encode_cursor(&format!("ev:{}:{}", row.start_date, row.seq))
}

fn decode_event_cursor(cursor: Option<&str>) -> Result<Option<(NaiveDate, i64)>> {
    let Some(cursor) = cursor.filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    let text = decode_cursor(cursor)?;
    let parsed = text.strip_prefix("ev:").and_then(|rest| {
        let (date, seq) = rest.split_once(':')?;
        Some((
            NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?,
            seq.parse().ok()?,
        ))
    });
    parsed
        .map(Some)
        .ok_or_else(|| EventsError::invalid("after", "is not a cursor from this list"))
}

fn text_of(ko: &str, en: &str, zh: &str, ja: &str) -> LocalizedText {
    LocalizedText::from_stored(ko.to_owned(), en.to_owned(), zh.to_owned(), ja.to_owned())
}

fn event_state(row: &event::Model) -> Result<EventState> {
    EventState::parse(&row.state).map_err(corrupt)
}

fn registration_state(row: &registration::Model) -> Result<RegistrationState> {
    RegistrationState::parse(&row.state).map_err(corrupt)
}

fn zone_of(row: &event::Model) -> Result<TimeZone> {
    TimeZone::parse(&row.time_zone).map_err(corrupt)
}

fn stale(seen: Version, current: i64) -> EventsError {
    EventsError::StaleVersion { seen, current }
}

fn check_version(seen: Version, stored: i64) -> Result<()> {
    if seen.get() != stored {
        return Err(stale(seen, stored));
    }
    Ok(())
}

fn event_visible(viewer: &Viewer, row: &event::Model) -> bool {
    is_bureau(viewer) || row.state != EventState::Draft.as_str()
}

fn registration_visible(viewer: &Viewer, row: &registration::Model) -> bool {
    match viewer {
        Some(a) => a.bureau || a.subject == row.registrant_subject,
        None => false,
    }
}

fn contribution_visible(
    viewer: &Viewer,
    row: &contribution::Model,
    event: Option<&event::Model>,
) -> bool {
    if is_bureau(viewer) {
        return true;
    }
    if viewer
        .as_ref()
        .is_some_and(|a| a.subject == row.submitter_subject)
    {
        return true;
    }
    row.state == ContributionState::Accepted.as_str()
        && event.is_some_and(|e| event_visible(viewer, e))
}

fn lecture_visible(viewer: &Viewer, row: &lecture_request::Model) -> bool {
    match viewer {
        Some(a) => a.bureau || (a.official && a.org == row.local_government_code),
        None => false,
    }
}

/// The events service: every operation of `glocal.events.v1`.
#[derive(Clone)]
pub struct EventOffice {
    db: DatabaseConnection,
    config: Config,
    clock: Clock,
}

impl std::fmt::Debug for EventOffice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventOffice")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl EventOffice {
    /// The service over `db` (already migrated), on the wall clock.
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        EventOffice {
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

    /// The service's tunables.
    pub fn config(&self) -> &Config {
        &self.config
    }

    fn now(&self) -> DateTime<Utc> {
        (self.clock)().trunc_subsecs(6)
    }

    fn page_size(&self, first: u32) -> u32 {
        if first == 0 { DEFAULT_PAGE_SIZE } else { first }.min(self.config.max_page_size)
    }

    /// Runs `create` for a new aggregate unless `(caller, operation, key)` made one before:
    /// then the earlier aggregate's id comes back (CONFLICT when the key was used for a
    /// different input). The key row and the aggregate are written in one transaction.
    async fn idempotent<F>(
        &self,
        actor: &Actor,
        operation: &str,
        key: &IdempotencyKey,
        fingerprint: String,
        create: F,
    ) -> Result<Uuid>
    where
        F: AsyncFnOnce(&DatabaseTransaction, DateTime<Utc>, Uuid) -> Result<()>,
    {
        let replay = |row: crate::store::entities::idempotency::Model| {
            if row.fingerprint == fingerprint {
                Ok(row.aggregate_id)
            } else {
                Err(EventsError::Conflict(format!(
                    "idempotency key `{}` was already used for a different {operation}",
                    key.as_str()
                )))
            }
        };
        if let Some(row) =
            queries::find_idempotent(&self.db, &actor.subject, operation, key.as_str()).await?
        {
            return replay(row);
        }
        let txn = self.db.begin().await?;
        let now = self.now();
        let id = Uuid::new_v4();
        if let Err(e) = queries::insert_idempotent(
            &txn,
            &actor.subject,
            operation,
            key.as_str(),
            &fingerprint,
            id,
            now,
        )
        .await
        {
            drop(txn);
            if is_unique_violation(&e)
                && let Some(row) =
                    queries::find_idempotent(&self.db, &actor.subject, operation, key.as_str())
                        .await?
            {
                return replay(row);
            }
            return Err(e.into());
        }
        create(&txn, now, id).await?;
        txn.commit().await?;
        Ok(id)
    }

    // ----- series -------------------------------------------------------------------

    /// Creates a series (bureau only). Idempotent per key.
    pub async fn create_series(
        &self,
        caller: Option<&Caller>,
        draft: SeriesDraft,
    ) -> Result<SeriesView> {
        let actor = bureau(caller, "create series")?;
        let new = draft.parse()?;
        let fingerprint = format!("{new:?}");
        let id = self
            .idempotent(&actor, "series", &new.idempotency_key, fingerprint, async |txn, now, id| {
                if queries::find_series_by_code(txn, new.code.as_str())
                    .await?
                    .is_some()
                {
                    return Err(EventsError::Conflict(format!(
                        "a series with code {} exists already",
                        new.code
                    )));
                }
                let rotation: Vec<&str> =
                    new.rotation.countries().iter().map(CountryCode::as_str).collect();
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
                    ..Default::default()
                };
                sea_orm::EntityTrait::insert(row)
                    .exec_without_returning(txn)
                    .await?;
                queries::insert_audit(txn, "series", id, "create", None, None, actor.pair(), now, new.code.as_str()).await?;
                let payload = json!({ "id": id.to_string(), "code": new.code.as_str(), "kind": new.kind.as_str() });
                queries::insert_outbox(txn, id, "SeriesCreated", &payload, now).await?;
                Ok(())
            })
            .await?;
        self.series_by_id(EntityId::from(id))
            .await?
            .ok_or(EventsError::NotFound("series"))
    }

    /// Every series, by code, with whose turn it is to host next. Public.
    pub async fn list_series(&self) -> Result<Vec<SeriesView>> {
        let rows = queries::all_series(&self.db).await?;
        self.series_views(rows).await
    }

    async fn series_by_id(&self, id: EntityId) -> Result<Option<SeriesView>> {
        let Some(row) = queries::find_series(&self.db, id.as_uuid(), false).await? else {
            return Ok(None);
        };
        Ok(self.series_views(vec![row]).await?.pop())
    }

    async fn series_views(&self, rows: Vec<series::Model>) -> Result<Vec<SeriesView>> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let editions = queries::editions_of(&self.db, &ids).await?;
        rows.into_iter()
            .map(|r| {
                let rotation: Vec<String> = from_json(&r.rotation)?;
                let parsed = Rotation::parse(&rotation).map_err(corrupt)?;
                let last = Self::last_host(&editions, r.id)?;
                Ok(SeriesView {
                    id: EntityId::from(r.id),
                    kind: EventKind::parse(&r.kind).map_err(corrupt)?,
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
                    created_at: r.created_at,
                    code: r.code,
                })
            })
            .collect()
    }

    /// The host of a series' latest edition that was not cancelled.
    fn last_host(editions: &[event::Model], series_id: Uuid) -> Result<Option<CountryCode>> {
        editions
            .iter()
            .filter(|e| e.series_id == Some(series_id) && e.state != EventState::Cancelled.as_str())
            .max_by_key(|e| e.edition)
            .map(|e| CountryCode::parse(&e.host_country).map_err(corrupt))
            .transpose()
    }

    // ----- events -------------------------------------------------------------------

    /// Creates an event in DRAFT (bureau only). An edition of a rotating series must be
    /// hosted by the country whose turn it is; a series' yearly quota is respected.
    /// Idempotent per key.
    pub async fn create_event(
        &self,
        caller: Option<&Caller>,
        draft: EventDraft,
    ) -> Result<EventView> {
        let actor = bureau(caller, "create events")?;
        let new = draft.parse()?;
        let fingerprint = format!("{new:?}");
        let id = self
            .idempotent(
                &actor,
                "event",
                &new.idempotency_key,
                fingerprint,
                async |txn, now, id| {
                    self.insert_event(txn, &actor, &new, now, id, EventState::Draft)
                        .await
                },
            )
            .await?;
        self.event_as(&Some(actor), EntityId::from(id)).await
    }

    /// Inserts an event (rotation, kind and quota checked under the series' row lock).
    async fn insert_event(
        &self,
        txn: &DatabaseTransaction,
        actor: &Actor,
        new: &NewEvent,
        now: DateTime<Utc>,
        id: Uuid,
        state: EventState,
    ) -> Result<()> {
        let (kind, edition) = match new.series_id {
            None => (
                new.kind
                    .ok_or_else(|| EventsError::invalid("kind", "is required"))?,
                0,
            ),
            Some(series_id) => {
                let series = queries::find_series(txn, series_id.as_uuid(), true)
                    .await?
                    .ok_or_else(|| EventsError::invalid("seriesId", "unknown series"))?;
                let kind = EventKind::parse(&series.kind).map_err(corrupt)?;
                if new.kind.is_some_and(|k| k != kind) {
                    return Err(EventsError::invalid(
                        "kind",
                        format!("must be the series' kind, {kind}"),
                    ));
                }
                let editions = queries::editions_of(txn, &[series.id]).await?;
                let rotation: Vec<String> = from_json(&series.rotation)?;
                let rotation = Rotation::parse(&rotation).map_err(corrupt)?;
                let last = Self::last_host(&editions, series.id)?;
                rotation
                    .check_turn(last.as_ref(), &new.host_country)
                    .map_err(|e| EventsError::Conflict(e.reason))?;
                let quota = u32_of(series.yearly_quota);
                if quota > 0 {
                    let year = new.start_date.year();
                    let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(new.start_date);
                    let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(new.start_date);
                    let used = queries::count_series_events_between(
                        txn,
                        series.id,
                        first,
                        last,
                        EventState::Cancelled.as_str(),
                    )
                    .await?;
                    if !quota_allows(used, quota) {
                        return Err(EventsError::Conflict(format!(
                            "the yearly quota of {quota} events of series {} for {year} is used up",
                            series.code
                        )));
                    }
                }
                let edition = editions.iter().map(|e| e.edition).max().unwrap_or(0) + 1;
                (kind, edition)
            }
        };
        let languages = |l: &[crate::domain::LanguageCode]| {
            to_json(&l.iter().map(|c| c.as_str()).collect::<Vec<_>>())
        };
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
        sea_orm::EntityTrait::insert(row)
            .exec_without_returning(txn)
            .await?;
        let note = if edition > 0 {
            format!("edition {edition}, hosted by {}", new.host_country)
        } else {
            String::new()
        };
        queries::insert_audit(
            txn,
            "event",
            id,
            "create",
            None,
            Some(state.as_str()),
            actor.pair(),
            now,
            &note,
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "seriesId": new.series_id.map(|s| s.to_string()),
            "edition": edition,
            "kind": kind.as_str(),
            "state": state.as_str(),
            "version": 1,
        });
        queries::insert_outbox(txn, id, "EventCreated", &payload, now).await?;
        tracing::info!(event_id = %id, kind = %kind, edition, "event created");
        Ok(())
    }

    /// One event the caller may see; NOT_FOUND otherwise (drafts are the bureau's).
    pub async fn get_event(&self, caller: Option<&Caller>, id: EntityId) -> Result<EventView> {
        self.expire_lapsed_offers().await?;
        self.event_as(&viewer(caller), id).await
    }

    async fn event_as(&self, viewer: &Viewer, id: EntityId) -> Result<EventView> {
        match queries::find_event(&self.db, id.as_uuid(), false).await? {
            Some(row) if event_visible(viewer, &row) => self
                .event_views(vec![row])
                .await?
                .pop()
                .ok_or(EventsError::NotFound("event")),
            _ => Err(EventsError::NotFound("event")),
        }
    }

    /// Several events in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_events(
        &self,
        caller: Option<&Caller>,
        ids: &[EntityId],
    ) -> Result<Vec<EventView>> {
        self.expire_lapsed_offers().await?;
        let viewer = viewer(caller);
        let uuids: Vec<Uuid> = ids.iter().map(EntityId::as_uuid).collect();
        let rows: Vec<event::Model> = queries::find_events(&self.db, &uuids)
            .await?
            .into_iter()
            .filter(|r| event_visible(&viewer, r))
            .collect();
        let by_id: HashMap<EntityId, EventView> = self
            .event_views(rows)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    /// A page of the events the caller may see, by start date.
    pub async fn list_events(
        &self,
        caller: Option<&Caller>,
        filter: EventFilter,
        page: PageRequest,
    ) -> Result<Page<EventView>> {
        self.expire_lapsed_offers().await?;
        let viewer = viewer(caller);
        let first = self.page_size(page.first);
        let query = EventQuery {
            include_drafts: is_bureau(&viewer),
            kinds: filter.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            series_id: filter.series_id.map(|s| s.as_uuid()),
            host_country: filter.host_country.map(|c| c.as_str().to_owned()),
            from_date: filter.from_date,
            to_date: filter.to_date,
            after: decode_event_cursor(page.after.as_deref())?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_events(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(event_cursor).collect();
        Ok(Page {
            items: self.event_views(rows).await?,
            cursors,
            has_next_page,
            total_count,
        })
    }

    async fn event_views(&self, rows: Vec<event::Model>) -> Result<Vec<EventView>> {
        let now = self.now();
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let waiting = queries::waitlist_counts(&self.db, &ids).await?;
        rows.into_iter()
            .map(|r| {
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
                    seats_taken: u32_of(r.seats_taken),
                    waitlist_length: waiting
                        .get(&r.id)
                        .map_or(0, |n| u32::try_from(*n).unwrap_or(u32::MAX)),
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

    /// Moves an event through its life cycle (bureau only); `reason` is required to cancel.
    pub async fn transition_event(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        action: EventAction,
        reason: Option<String>,
    ) -> Result<EventView> {
        let actor = bureau(caller, "change events")?;
        let reason = match (
            action,
            reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
        ) {
            (EventAction::Cancel, None) => {
                return Err(EventsError::invalid("reason", "is required to cancel"));
            }
            (_, Some(r)) => Some(bounded(r, "reason", 1, 2_000)?),
            (_, None) => None,
        };
        let txn = self.db.begin().await?;
        let row = queries::find_event(&txn, id.as_uuid(), true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        let from = event_state(&row)?;
        let to = event_transition(from, action)?;
        check_version(version, row.version)?;
        let now = self.now();
        let changes = event::ActiveModel {
            state: Set(to.as_str().to_owned()),
            updated_at: Set(now),
            cancel_reason: Set(if action == EventAction::Cancel {
                reason.clone()
            } else {
                row.cancel_reason.clone()
            }),
            ..Default::default()
        };
        if !queries::update_event(&txn, row.id, row.version, changes).await? {
            return Err(stale(version, row.version + 1));
        }
        queries::insert_audit(
            &txn,
            "event",
            row.id,
            action.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair(),
            now,
            reason.as_deref().unwrap_or_default(),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "action": action.as_str(),
            "fromState": from.as_str(),
            "state": to.as_str(),
            "version": row.version + 1,
        });
        queries::insert_outbox(&txn, row.id, "EventStateChanged", &payload, now).await?;
        txn.commit().await?;
        tracing::info!(event_id = %row.id, action = action.as_str(), from = %from, to = %to, "event changed");
        self.event_as(&Some(actor), id).await
    }

    // ----- timetable ----------------------------------------------------------------

    /// Adds a session to an event's timetable (bureau only). It must fall on the event's
    /// days in its time zone and not overlap another session in the same room.
    pub async fn add_session(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        draft: SessionDraft,
    ) -> Result<SessionView> {
        let actor = bureau(caller, "edit timetables")?;
        let new = draft.parse()?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "session", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), true)
                    .await?
                    .ok_or(EventsError::NotFound("event"))?;
                let state = event_state(&row)?;
                if state.is_terminal() {
                    return Err(EventsError::Conflict(format!(
                        "the timetable of an event in state {state} cannot change"
                    )));
                }
                let zone = zone_of(&row)?;
                new.check_within(zone, row.start_date, row.end_date)?;
                let existing = queries::sessions_of(txn, &[row.id]).await?;
                if let Some(clash) = existing.iter().find(|s| {
                    same_room(&s.room, &new.room)
                        && overlaps((s.starts_at, s.ends_at), (new.starts_at, new.ends_at))
                }) {
                    let title = text_of(&clash.title_ko, &clash.title_en, &clash.title_zh, &clash.title_ja);
                    return Err(EventsError::Conflict(format!(
                        "room {} is taken by \"{}\" from {} to {}",
                        clash.room,
                        title.any(),
                        zone.format_local(clash.starts_at),
                        zone.format_local(clash.ends_at)
                    )));
                }
                let speakers: Vec<[&str; 2]> = new
                    .speakers
                    .iter()
                    .map(|(n, a)| [n.as_str(), a.as_str()])
                    .collect();
                let langs: Vec<&str> = new.interpretation_languages.iter().map(|l| l.as_str()).collect();
                let session = session::ActiveModel {
                    id: Set(id),
                    event_id: Set(row.id),
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
                sea_orm::EntityTrait::insert(session)
                    .exec_without_returning(txn)
                    .await?;
                queries::insert_audit(txn, "event", row.id, "add_session", None, None, actor.pair(), now, &format!("{id} {}", new.title.any())).await?;
                let payload = json!({ "id": id.to_string(), "eventId": row.id.to_string(), "room": new.room });
                queries::insert_outbox(txn, row.id, "SessionAdded", &payload, now).await?;
                Ok(())
            })
            .await?;
        let session = queries::find_session(&self.db, id)
            .await?
            .ok_or(EventsError::NotFound("session"))?;
        let event = queries::find_event(&self.db, session.event_id, false)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        Self::session_view(session, zone_of(&event)?)
    }

    /// Removes a session (bureau only).
    pub async fn remove_session(&self, caller: Option<&Caller>, id: EntityId) -> Result<()> {
        let actor = bureau(caller, "edit timetables")?;
        let txn = self.db.begin().await?;
        let session = queries::find_session(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("session"))?;
        let row = queries::find_event(&txn, session.event_id, true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        if event_state(&row)?.is_terminal() {
            return Err(EventsError::Conflict(format!(
                "the timetable of an event in state {} cannot change",
                row.state
            )));
        }
        let now = self.now();
        queries::delete_session(&txn, session.id).await?;
        queries::insert_audit(
            &txn,
            "event",
            row.id,
            "remove_session",
            None,
            None,
            actor.pair(),
            now,
            &session.id.to_string(),
        )
        .await?;
        let payload = json!({ "id": session.id.to_string(), "eventId": row.id.to_string() });
        queries::insert_outbox(&txn, row.id, "SessionRemoved", &payload, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The sessions of the given events the caller may see, by start (one query each for
    /// events and sessions).
    pub async fn sessions(
        &self,
        caller: Option<&Caller>,
        event_ids: &[EntityId],
    ) -> Result<Vec<SessionView>> {
        let viewer = viewer(caller);
        let uuids: Vec<Uuid> = event_ids.iter().map(EntityId::as_uuid).collect();
        let zones: HashMap<Uuid, TimeZone> = queries::find_events(&self.db, &uuids)
            .await?
            .into_iter()
            .filter(|e| event_visible(&viewer, e))
            .map(|e| Ok((e.id, zone_of(&e)?)))
            .collect::<Result<_>>()?;
        let visible: Vec<Uuid> = zones.keys().copied().collect();
        queries::sessions_of(&self.db, &visible)
            .await?
            .into_iter()
            .map(|s| {
                let zone = zones[&s.event_id];
                Self::session_view(s, zone)
            })
            .collect()
    }

    fn session_view(s: session::Model, zone: TimeZone) -> Result<SessionView> {
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

    // ----- registration ------------------------------------------------------------

    /// Registers the caller (an individual) or a delegation for an event whose registration
    /// is open: CONFIRMED when the seats are free and nobody waits, else WAITLISTED.
    /// Idempotent per key; one active registration per caller and event.
    pub async fn register(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        draft: RegistrationDraft,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let new = draft.parse(&actor.name)?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "registration", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), true)
                    .await?
                    .filter(|r| event_visible(&Some(actor.clone()), r))
                    .ok_or(EventsError::NotFound("event"))?;
                self.settle(txn, &row, now).await?;
                let state = event_state(&row)?;
                if state != EventState::RegistrationOpen {
                    return Err(EventsError::Conflict(format!(
                        "registration for this event is not open (it is {state})"
                    )));
                }
                if let Some(opens) = row.registration_opens_at.filter(|o| now < *o) {
                    return Err(EventsError::Conflict(format!(
                        "registration opens at {}",
                        opens.to_rfc3339()
                    )));
                }
                if let Some(closed) = row.registration_closes_at.filter(|c| now >= *c) {
                    return Err(EventsError::Conflict(format!(
                        "registration closed at {}",
                        closed.to_rfc3339()
                    )));
                }
                let seats = new.party.seats();
                if seats > u32_of(row.capacity) {
                    return Err(EventsError::invalid(
                        "members",
                        format!(
                            "the delegation ({seats} people) is larger than the event ({} seats)",
                            row.capacity
                        ),
                    ));
                }
                let active: Vec<&str> = RegistrationState::ALL
                    .iter()
                    .filter(|s| s.is_active())
                    .map(|s| s.as_str())
                    .collect();
                if !queries::registrations_of_registrant(txn, row.id, &actor.subject, &active)
                    .await?
                    .is_empty()
                {
                    return Err(EventsError::Conflict(
                        "you already have a registration for this event".into(),
                    ));
                }
                let nobody_waits = queries::registrations_in_state(
                    txn,
                    row.id,
                    RegistrationState::Waitlisted.as_str(),
                )
                .await?
                .is_empty();
                let (action, to) = if nobody_waits
                    && queries::take_seats(txn, row.id, i32_of(seats)).await?
                {
                    let to = registration_transition(RegistrationState::Pending, RegistrationAction::Confirm)?;
                    (RegistrationAction::Confirm, to)
                } else {
                    let to = registration_transition(RegistrationState::Pending, RegistrationAction::Waitlist)?;
                    (RegistrationAction::Waitlist, to)
                };
                let (attendee, country, organization, members) = match &new.party {
                    crate::domain::Party::Individual { attendee } => {
                        (attendee.clone(), None, None, Vec::new())
                    }
                    crate::domain::Party::Delegation { country, organization, head, members } => (
                        head.clone(),
                        Some(country.as_str().to_owned()),
                        Some(organization.clone()),
                        members.clone(),
                    ),
                };
                let reg = registration::ActiveModel {
                    id: Set(id),
                    event_id: Set(row.id),
                    kind: Set(new.party.kind().as_str().to_owned()),
                    state: Set(to.as_str().to_owned()),
                    registrant_subject: Set(actor.subject.clone()),
                    registrant_name: Set(actor.name.clone()),
                    registrant_org: Set(actor.org.clone()),
                    attendee_name: Set(attendee),
                    country: Set(country),
                    organization: Set(organization),
                    members: Set(to_json(&members)),
                    seats: Set(i32_of(seats)),
                    offer_expires_at: Set(None),
                    version: Set(Version::FIRST.get()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                sea_orm::EntityTrait::insert(reg)
                    .exec_without_returning(txn)
                    .await?;
                let pending = RegistrationState::Pending.as_str();
                queries::insert_audit(txn, "registration", id, "register", None, Some(pending), actor.pair(), now, &format!("{seats} seat(s)")).await?;
                queries::insert_audit(txn, "registration", id, action.as_str(), Some(pending), Some(to.as_str()), SYSTEM, now, "").await?;
                let payload = json!({
                    "id": id.to_string(),
                    "eventId": row.id.to_string(),
                    "kind": new.party.kind().as_str(),
                    "state": to.as_str(),
                    "seats": seats,
                    "registrantSubject": actor.subject,
                });
                queries::insert_outbox(txn, id, "RegistrationCreated", &payload, now).await?;
                tracing::info!(registration_id = %id, event_id = %row.id, state = %to, seats, "registration created");
                Ok(())
            })
            .await?;
        self.registration_as(&Some(actor), EntityId::from(id)).await
    }

    /// Expires the event's lapsed offers and offers freed seats to the waitlist, in line
    /// order, while the first in line fits. Runs under the event's row lock.
    async fn settle(
        &self,
        txn: &DatabaseTransaction,
        row: &event::Model,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let offered =
            queries::registrations_in_state(txn, row.id, RegistrationState::Offered.as_str())
                .await?;
        for reg in offered
            .into_iter()
            .filter(|r| r.offer_expires_at.is_some_and(|t| t <= now))
        {
            let to =
                registration_transition(RegistrationState::Offered, RegistrationAction::Expire)?;
            let changes = registration::ActiveModel {
                state: Set(to.as_str().to_owned()),
                updated_at: Set(now),
                ..Default::default()
            };
            if !queries::update_registration(txn, reg.id, reg.version, changes).await? {
                continue;
            }
            queries::release_seats(txn, row.id, reg.seats).await?;
            let lapsed = reg
                .offer_expires_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default();
            self.registration_changed(
                txn,
                &reg,
                RegistrationAction::Expire,
                to,
                SYSTEM,
                now,
                &format!("offer lapsed at {lapsed}"),
            )
            .await?;
        }
        if event_state(row)?.is_terminal() {
            return Ok(());
        }
        let waiting =
            queries::registrations_in_state(txn, row.id, RegistrationState::Waitlisted.as_str())
                .await?;
        for reg in waiting {
            if !queries::take_seats(txn, row.id, reg.seats).await? {
                break;
            }
            let to =
                registration_transition(RegistrationState::Waitlisted, RegistrationAction::Offer)?;
            let expires = now + self.config.offer_ttl;
            let changes = registration::ActiveModel {
                state: Set(to.as_str().to_owned()),
                offer_expires_at: Set(Some(expires)),
                updated_at: Set(now),
                ..Default::default()
            };
            if !queries::update_registration(txn, reg.id, reg.version, changes).await? {
                queries::release_seats(txn, row.id, reg.seats).await?;
                continue;
            }
            self.registration_changed(
                txn,
                &reg,
                RegistrationAction::Offer,
                to,
                SYSTEM,
                now,
                &format!("offer open until {}", expires.to_rfc3339()),
            )
            .await?;
        }
        Ok(())
    }

    /// Audit row and outbox event of a registration's state change.
    #[allow(clippy::too_many_arguments)]
    async fn registration_changed(
        &self,
        txn: &DatabaseTransaction,
        before: &registration::Model,
        action: RegistrationAction,
        to: RegistrationState,
        actor: (&str, &str),
        now: DateTime<Utc>,
        note: &str,
    ) -> Result<()> {
        queries::insert_audit(
            txn,
            "registration",
            before.id,
            action.as_str(),
            Some(&before.state),
            Some(to.as_str()),
            actor,
            now,
            note,
        )
        .await?;
        let payload = json!({
            "id": before.id.to_string(),
            "eventId": before.event_id.to_string(),
            "action": action.as_str(),
            "fromState": before.state,
            "state": to.as_str(),
            "version": before.version + 1,
            "registrantSubject": before.registrant_subject,
        });
        queries::insert_outbox(txn, before.id, "RegistrationStateChanged", &payload, now).await?;
        tracing::info!(registration_id = %before.id, action = action.as_str(), from = %before.state, to = %to, "registration changed");
        Ok(())
    }

    /// Expires every lapsed offer and offers the freed seats to the next in line, one
    /// transaction per event; returns how many events it settled. The sweeper calls this
    /// periodically, and reads call it first, so no lapsed offer is ever shown as open.
    pub async fn expire_lapsed_offers(&self) -> Result<usize> {
        let now = self.now();
        let events = queries::events_with_lapsed_offers(&self.db, now).await?;
        for id in &events {
            let txn = self.db.begin().await?;
            if let Some(row) = queries::find_event(&txn, *id, true).await? {
                self.settle(&txn, &row, now).await?;
            }
            txn.commit().await?;
        }
        Ok(events.len())
    }

    /// Loads a registration the caller may see, locks its event and settles it; the
    /// registration is re-read after settling.
    async fn locked_registration(
        &self,
        txn: &DatabaseTransaction,
        viewer: &Viewer,
        id: EntityId,
        now: DateTime<Utc>,
    ) -> Result<(registration::Model, event::Model)> {
        let reg = queries::find_registration(txn, id.as_uuid())
            .await?
            .filter(|r| registration_visible(viewer, r))
            .ok_or(EventsError::NotFound("registration"))?;
        let event = queries::find_event(txn, reg.event_id, true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        self.settle(txn, &event, now).await?;
        let reg = queries::find_registration(txn, reg.id)
            .await?
            .ok_or(EventsError::NotFound("registration"))?;
        Ok((reg, event))
    }

    /// Cancels a registration (its registrant or the bureau); freed seats are offered to
    /// the next in line.
    pub async fn cancel_registration(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        reason: Option<String>,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let reason = reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| bounded(r, "reason", 1, 2_000))
            .transpose()?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, event) = self.locked_registration(&txn, &viewer, id, now).await?;
        let from = registration_state(&reg)?;
        let to = registration_transition(from, RegistrationAction::Cancel)?;
        check_version(version, reg.version)?;
        let changes = registration::ActiveModel {
            state: Set(to.as_str().to_owned()),
            offer_expires_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_registration(&txn, reg.id, reg.version, changes).await? {
            return Err(stale(version, reg.version + 1));
        }
        if from.holds_seats() {
            queries::release_seats(&txn, event.id, reg.seats).await?;
        }
        self.registration_changed(
            &txn,
            &reg,
            RegistrationAction::Cancel,
            to,
            actor.pair(),
            now,
            reason.as_deref().unwrap_or_default(),
        )
        .await?;
        self.settle(&txn, &event, now).await?;
        txn.commit().await?;
        self.registration_as(&viewer, id).await
    }

    /// The registrant takes the seats offered to them, before the offer lapses.
    pub async fn accept_offer(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, _) = self.locked_registration(&txn, &viewer, id, now).await?;
        if reg.registrant_subject != actor.subject {
            return Err(EventsError::Forbidden(
                "only the registrant may accept an offer".into(),
            ));
        }
        let from = registration_state(&reg)?;
        if from == RegistrationState::Expired {
            // Keep the expiry (and the offer to the next in line) that settling just wrote.
            txn.commit().await?;
            return Err(EventsError::Conflict(format!(
                "the offer lapsed at {}",
                reg.offer_expires_at
                    .map(|t| t.to_rfc3339())
                    .unwrap_or_default()
            )));
        }
        let to = registration_transition(from, RegistrationAction::Accept)?;
        check_version(version, reg.version)?;
        let changes = registration::ActiveModel {
            state: Set(to.as_str().to_owned()),
            offer_expires_at: Set(None),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_registration(&txn, reg.id, reg.version, changes).await? {
            return Err(stale(version, reg.version + 1));
        }
        self.registration_changed(
            &txn,
            &reg,
            RegistrationAction::Accept,
            to,
            actor.pair(),
            now,
            "",
        )
        .await?;
        txn.commit().await?;
        self.registration_as(&viewer, id).await
    }

    /// Checks an attendee of a confirmed registration in on one day of an ongoing event
    /// (bureau only). `day` defaults to today in the event's time zone, `attendee` to the
    /// individual or the head of delegation.
    pub async fn check_in(
        &self,
        caller: Option<&Caller>,
        registration_id: EntityId,
        day: Option<NaiveDate>,
        attendee: Option<String>,
    ) -> Result<RegistrationView> {
        let actor = bureau(caller, "check attendees in")?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, event) = self
            .locked_registration(&txn, &viewer, registration_id, now)
            .await?;
        let state = event_state(&event)?;
        if state != EventState::Ongoing {
            return Err(EventsError::Conflict(format!(
                "check-in happens while the event is ONGOING (it is {state})"
            )));
        }
        if registration_state(&reg)? != RegistrationState::Confirmed {
            return Err(EventsError::Conflict(format!(
                "only confirmed registrations check in (this one is {})",
                reg.state
            )));
        }
        let zone = zone_of(&event)?;
        let day = day.unwrap_or_else(|| zone.local_date(now));
        if day < event.start_date || day > event.end_date {
            return Err(EventsError::invalid(
                "day",
                format!(
                    "must be a day of the event ({} to {})",
                    event.start_date, event.end_date
                ),
            ));
        }
        let members: Vec<String> = from_json(&reg.members)?;
        let everyone: Vec<&str> = std::iter::once(reg.attendee_name.as_str())
            .chain(members.iter().map(String::as_str))
            .collect();
        let attendee = match attendee.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => reg.attendee_name.clone(),
            Some(a) if everyone.contains(&a) => a.to_owned(),
            Some(_) => {
                return Err(EventsError::invalid(
                    "attendee",
                    "is not on this registration",
                ));
            }
        };
        let already = queries::check_ins_of(&txn, &[reg.id])
            .await?
            .into_iter()
            .any(|c| c.day == day && c.attendee == attendee);
        if already {
            return Err(EventsError::Conflict(format!(
                "{attendee} is already checked in on {day}"
            )));
        }
        let row = check_in::ActiveModel {
            registration_id: Set(reg.id),
            day: Set(day),
            attendee: Set(attendee.clone()),
            at: Set(now),
            by_subject: Set(actor.subject.clone()),
            ..Default::default()
        };
        if let Err(e) = sea_orm::EntityTrait::insert(row)
            .exec_without_returning(&txn)
            .await
        {
            return Err(if is_unique_violation(&e) {
                EventsError::Conflict(format!("{attendee} is already checked in on {day}"))
            } else {
                e.into()
            });
        }
        let confirmed = RegistrationState::Confirmed.as_str();
        queries::insert_audit(
            &txn,
            "registration",
            reg.id,
            "check_in",
            Some(confirmed),
            Some(confirmed),
            actor.pair(),
            now,
            &format!("{attendee} on {day}"),
        )
        .await?;
        let payload = json!({
            "id": reg.id.to_string(),
            "eventId": event.id.to_string(),
            "day": day.to_string(),
            "attendee": attendee,
        });
        queries::insert_outbox(&txn, reg.id, "AttendeeCheckedIn", &payload, now).await?;
        txn.commit().await?;
        self.registration_as(&viewer, registration_id).await
    }

    /// One registration: the registrant's own, or any for the bureau; NOT_FOUND otherwise.
    pub async fn get_registration(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        self.expire_lapsed_offers().await?;
        self.registration_as(&Some(actor), id).await
    }

    async fn registration_as(&self, viewer: &Viewer, id: EntityId) -> Result<RegistrationView> {
        let row = queries::find_registration(&self.db, id.as_uuid())
            .await?
            .filter(|r| registration_visible(viewer, r))
            .ok_or(EventsError::NotFound("registration"))?;
        self.registration_views(vec![row])
            .await?
            .pop()
            .ok_or(EventsError::NotFound("registration"))
    }

    /// A page of registrations, oldest first: the caller's own, or (bureau) any.
    pub async fn list_registrations(
        &self,
        caller: Option<&Caller>,
        filter: RegistrationFilter,
        page: PageRequest,
    ) -> Result<Page<RegistrationView>> {
        let actor = member(caller)?;
        self.expire_lapsed_offers().await?;
        let first = self.page_size(page.first);
        let query = RegistrationQuery {
            registrant: (filter.mine || !actor.bureau).then(|| actor.subject.clone()),
            event_id: filter.event_id.map(|e| e.as_uuid()),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            after_seq: decode_seq(page.after.as_deref())?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_registrations(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        Ok(Page {
            items: self.registration_views(rows).await?,
            cursors,
            has_next_page,
            total_count,
        })
    }

    async fn registration_views(
        &self,
        rows: Vec<registration::Model>,
    ) -> Result<Vec<RegistrationView>> {
        let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
        let mut event_ids: Vec<Uuid> = rows.iter().map(|r| r.event_id).collect();
        event_ids.sort();
        event_ids.dedup();
        let mut positions: HashMap<Uuid, u32> = HashMap::new();
        let mut per_event: HashMap<Uuid, u32> = HashMap::new();
        for (event_id, reg_id) in queries::waitlist_order(&self.db, &event_ids).await? {
            let n = per_event.entry(event_id).or_insert(0);
            *n += 1;
            positions.insert(reg_id, *n);
        }
        let mut check_ins: HashMap<Uuid, Vec<CheckInView>> = HashMap::new();
        for c in queries::check_ins_of(&self.db, &ids).await? {
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
        for h in queries::audit_of(&self.db, &ids).await? {
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
                    state: registration_state(&r)?,
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

    // ----- call for presentations --------------------------------------------------

    /// Submits a contribution to an event whose call for presentations is open (PUBLISHED
    /// or REGISTRATION_OPEN). Idempotent per key.
    pub async fn submit_contribution(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        draft: ContributionDraft,
    ) -> Result<ContributionView> {
        let actor = member(caller)?;
        let new = draft.parse(&actor.name)?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "contribution", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), false)
                    .await?
                    .filter(|r| event_visible(&Some(actor.clone()), r))
                    .ok_or(EventsError::NotFound("event"))?;
                let state = event_state(&row)?;
                if !matches!(state, EventState::Published | EventState::RegistrationOpen) {
                    return Err(EventsError::Conflict(format!(
                        "the call for presentations is closed (the event is {state})"
                    )));
                }
                let c = contribution::ActiveModel {
                    id: Set(id),
                    event_id: Set(row.id),
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
                    submitter_subject: Set(actor.subject.clone()),
                    submitter_org: Set(actor.org.clone()),
                    practice_ids: Set("[]".into()),
                    review_note: Set(String::new()),
                    version: Set(Version::FIRST.get()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                };
                sea_orm::EntityTrait::insert(c).exec_without_returning(txn).await?;
                queries::insert_audit(txn, "contribution", id, "submit", None, Some(ContributionState::Submitted.as_str()), actor.pair(), now, "").await?;
                let payload = json!({ "id": id.to_string(), "eventId": row.id.to_string(), "state": "SUBMITTED" });
                queries::insert_outbox(txn, id, "ContributionSubmitted", &payload, now).await?;
                Ok(())
            })
            .await?;
        self.contribution_as(&Some(actor), EntityId::from(id)).await
    }

    async fn contribution_as(&self, viewer: &Viewer, id: EntityId) -> Result<ContributionView> {
        let row = queries::find_contribution(&self.db, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("contribution"))?;
        let event = queries::find_event(&self.db, row.event_id, false).await?;
        if !contribution_visible(viewer, &row, event.as_ref()) {
            return Err(EventsError::NotFound("contribution"));
        }
        Self::contribution_view(row)
    }

    fn contribution_view(r: contribution::Model) -> Result<ContributionView> {
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

    /// Common frame of a contribution's state change.
    async fn change_contribution(
        &self,
        actor: &Actor,
        id: EntityId,
        version: Version,
        action: ContributionAction,
        note: Option<String>,
        practices: Option<PracticeIds>,
    ) -> Result<ContributionView> {
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let row = queries::find_contribution(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("contribution"))?;
        let event = queries::find_event(&txn, row.event_id, false).await?;
        if !contribution_visible(&viewer, &row, event.as_ref()) {
            return Err(EventsError::NotFound("contribution"));
        }
        if action == ContributionAction::Withdraw && row.submitter_subject != actor.subject {
            return Err(EventsError::Forbidden(
                "only the submitter may withdraw a contribution".into(),
            ));
        }
        if action != ContributionAction::Withdraw && !actor.bureau {
            return Err(EventsError::Forbidden(
                "only bureau staff review contributions".into(),
            ));
        }
        let from = ContributionState::parse(&row.state).map_err(corrupt)?;
        let to = contribution_transition(from, action)?;
        check_version(version, row.version)?;
        let now = self.now();
        let mut changes = contribution::ActiveModel {
            state: Set(to.as_str().to_owned()),
            updated_at: Set(now),
            ..Default::default()
        };
        if let Some(note) = &note {
            changes.review_note = Set(note.clone());
        }
        if let Some(p) = &practices {
            changes.practice_ids = Set(to_json(&p.ids()));
        }
        if !queries::update_contribution(&txn, row.id, row.version, changes).await? {
            return Err(stale(version, row.version + 1));
        }
        queries::insert_audit(
            &txn,
            "contribution",
            row.id,
            action.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair(),
            now,
            note.as_deref().unwrap_or_default(),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "eventId": row.event_id.to_string(),
            "action": action.as_str(),
            "state": to.as_str(),
            "practiceIds": practices.as_ref().map(|p| p.ids().to_vec()),
        });
        queries::insert_outbox(&txn, row.id, "ContributionChanged", &payload, now).await?;
        txn.commit().await?;
        self.contribution_as(&viewer, id).await
    }

    /// Accepts (with the best practices it draws on) or rejects a contribution (bureau).
    pub async fn review_contribution(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        decision: ContributionAction,
        note: String,
        practices: PracticeIds,
    ) -> Result<ContributionView> {
        let actor = bureau(caller, "review contributions")?;
        let note = bounded(&note, "note", 0, 2_000)?;
        let practices = match decision {
            ContributionAction::Accept => Some(practices),
            ContributionAction::Reject if practices.ids().is_empty() => None,
            ContributionAction::Reject => {
                return Err(EventsError::invalid(
                    "practiceIds",
                    "only an accepted contribution references best practices",
                ));
            }
            _ => return Err(EventsError::invalid("decision", "must be ACCEPT or REJECT")),
        };
        self.change_contribution(&actor, id, version, decision, Some(note), practices)
            .await
    }

    /// The submitter withdraws a contribution.
    pub async fn withdraw_contribution(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
    ) -> Result<ContributionView> {
        let actor = member(caller)?;
        self.change_contribution(
            &actor,
            id,
            version,
            ContributionAction::Withdraw,
            None,
            None,
        )
        .await
    }

    /// Replaces the best practices an accepted contribution draws on (bureau).
    pub async fn link_practices(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        practices: PracticeIds,
    ) -> Result<ContributionView> {
        let actor = bureau(caller, "link best practices")?;
        self.change_contribution(
            &actor,
            id,
            version,
            ContributionAction::LinkPractices,
            None,
            Some(practices),
        )
        .await
    }

    /// The contributions of the given events the caller may see: accepted ones of visible
    /// events for everyone, their own for submitters, all for the bureau. `mine` keeps the
    /// caller's own only (across all events when `event_ids` is empty).
    pub async fn contributions(
        &self,
        caller: Option<&Caller>,
        event_ids: &[EntityId],
        mine: bool,
    ) -> Result<Vec<ContributionView>> {
        let viewer = viewer(caller);
        let submitter = if mine {
            Some(
                viewer
                    .as_ref()
                    .ok_or(EventsError::Unauthenticated)?
                    .subject
                    .clone(),
            )
        } else {
            None
        };
        if event_ids.is_empty() && submitter.is_none() {
            return Ok(Vec::new());
        }
        let uuids: Vec<Uuid> = event_ids.iter().map(EntityId::as_uuid).collect();
        let rows = queries::contributions_of(&self.db, &uuids, submitter.as_deref()).await?;
        let mut ids: Vec<Uuid> = rows.iter().map(|r| r.event_id).collect();
        ids.sort();
        ids.dedup();
        let events: HashMap<Uuid, event::Model> = queries::find_events(&self.db, &ids)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        rows.into_iter()
            .filter(|r| contribution_visible(&viewer, r, events.get(&r.event_id)))
            .map(Self::contribution_view)
            .collect()
    }

    // ----- lecture requests ----------------------------------------------------------

    fn bureau_today(&self) -> NaiveDate {
        TimeZone::parse(BUREAU_TIME_ZONE)
            .map_or_else(|_| self.now().date_naive(), |z| z.local_date(self.now()))
    }

    /// A local official asks for a glocalization lecture for their local government (bureau
    /// staff may ask on behalf of one). Idempotent per key.
    pub async fn request_lecture(
        &self,
        caller: Option<&Caller>,
        draft: LectureDraft,
    ) -> Result<LectureView> {
        let actor = member(caller)?;
        let new = draft.parse(self.bureau_today())?;
        let lg = match (&new.local_government_code, actor.bureau, actor.official) {
            (Some(code), true, _) => code.as_str().to_owned(),
            (None, true, _) => {
                return Err(EventsError::invalid(
                    "localGovernmentCode",
                    "is required when bureau staff request a lecture",
                ));
            }
            (Some(code), false, true) if code.as_str() != actor.org => {
                return Err(EventsError::Forbidden(
                    "officials request lectures for their own local government only".into(),
                ));
            }
            (_, false, true) => crate::domain::LocalGovernmentCode::parse(&actor.org)
                .map_err(|_| {
                    EventsError::Forbidden("your organisation is not a local government".into())
                })?
                .as_str()
                .to_owned(),
            (_, false, false) => {
                return Err(EventsError::Forbidden(
                    "lectures are requested by local governments".into(),
                ));
            }
        };
        let fingerprint = format!("{lg} {new:?}");
        let id = self
            .idempotent(&actor, "lecture", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let dates: Vec<String> = new.preferred_dates.iter().map(|d| d.to_string()).collect();
                let row = lecture_request::ActiveModel {
                    id: Set(id),
                    local_government_code: Set(lg.clone()),
                    requester_subject: Set(actor.subject.clone()),
                    requester_name: Set(actor.name.clone()),
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
                sea_orm::EntityTrait::insert(row).exec_without_returning(txn).await?;
                queries::insert_audit(txn, "lecture_request", id, "request", None, Some(LectureState::Requested.as_str()), actor.pair(), now, &new.theme).await?;
                let payload = json!({ "id": id.to_string(), "localGovernmentCode": lg, "year": new.year(), "state": "REQUESTED" });
                queries::insert_outbox(txn, id, "LectureRequested", &payload, now).await?;
                Ok(())
            })
            .await?;
        self.lecture_as(&Some(actor), EntityId::from(id)).await
    }

    async fn lecture_as(&self, viewer: &Viewer, id: EntityId) -> Result<LectureView> {
        let row = queries::find_lecture(&self.db, id.as_uuid())
            .await?
            .filter(|r| lecture_visible(viewer, r))
            .ok_or(EventsError::NotFound("lecture request"))?;
        Self::lecture_view(row)
    }

    fn lecture_view(r: lecture_request::Model) -> Result<LectureView> {
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

    /// Schedules a lecture request as a PUBLISHED lecture event of a lecture series, within
    /// the series' yearly quota (bureau only).
    pub async fn schedule_lecture(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        draft: ScheduleDraft,
    ) -> Result<(LectureView, EventView)> {
        let actor = bureau(caller, "schedule lectures")?;
        let txn = self.db.begin().await?;
        let row = queries::find_lecture(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("lecture request"))?;
        let from = LectureState::parse(&row.state).map_err(corrupt)?;
        let to = lecture_transition(from, LectureAction::Schedule)?;
        check_version(version, row.version)?;
        let series = queries::find_series(&txn, draft.series_id.as_uuid(), false)
            .await?
            .ok_or_else(|| EventsError::invalid("seriesId", "unknown series"))?;
        if series.kind != EventKind::Lecture.as_str() {
            return Err(EventsError::invalid("seriesId", "must be a lecture series"));
        }
        let lecture = Self::lecture_view(row.clone())?;
        let date = match draft.date {
            Some(d) => d,
            None => *lecture
                .preferred_dates
                .first()
                .ok_or_else(|| EventsError::invalid("date", "is required"))?,
        };
        let theme_text = TextDraft {
            ko: lecture.theme.clone(),
            en: lecture.theme.clone(),
            ..TextDraft::default()
        };
        let event_draft = EventDraft {
            idempotency_key: format!("lecture-{id}"),
            series_id: draft.series_id.to_string(),
            kind: Some(EventKind::Lecture),
            title: draft.title.clone().unwrap_or_else(|| theme_text.clone()),
            description: theme_text,
            host_country: "KR".into(),
            host_city: draft.host_city.clone(),
            host_organization: format!("Local government {}", lecture.local_government_code),
            host_local_government_code: lecture.local_government_code.clone(),
            venue: lecture.venue.clone(),
            time_zone: BUREAU_TIME_ZONE.into(),
            start_date: date.to_string(),
            end_date: date.to_string(),
            working_languages: vec!["ko".into()],
            interpretation_languages: Vec::new(),
            capacity: draft.capacity.unwrap_or(100),
            registration_opens_at: None,
            registration_closes_at: None,
        };
        let new_event = event_draft.parse().map_err(|e: InvalidInput| {
            let field = match e.field() {
                "startDate" | "endDate" => "date".to_owned(),
                other => other.to_owned(),
            };
            e.at(field)
        })?;
        let now = self.now();
        let event_id = Uuid::new_v4();
        self.insert_event(
            &txn,
            &actor,
            &new_event,
            now,
            event_id,
            EventState::Published,
        )
        .await?;
        let changes = lecture_request::ActiveModel {
            state: Set(to.as_str().to_owned()),
            event_id: Set(Some(event_id)),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_lecture(&txn, row.id, row.version, changes).await? {
            return Err(stale(version, row.version + 1));
        }
        queries::insert_audit(
            &txn,
            "lecture_request",
            row.id,
            LectureAction::Schedule.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair(),
            now,
            &format!("event {event_id} on {date}"),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "eventId": event_id.to_string(),
            "localGovernmentCode": row.local_government_code,
            "date": date.to_string(),
            "state": to.as_str(),
        });
        queries::insert_outbox(&txn, row.id, "LectureScheduled", &payload, now).await?;
        txn.commit().await?;
        let viewer = Some(actor);
        Ok((
            self.lecture_as(&viewer, id).await?,
            self.event_as(&viewer, EntityId::from(event_id)).await?,
        ))
    }

    /// Declines a lecture request, with a reason (bureau only).
    pub async fn decline_lecture(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        reason: String,
    ) -> Result<LectureView> {
        let actor = bureau(caller, "decline lectures")?;
        let reason = bounded(&reason, "reason", 1, 2_000)?;
        let txn = self.db.begin().await?;
        let row = queries::find_lecture(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("lecture request"))?;
        let from = LectureState::parse(&row.state).map_err(corrupt)?;
        let to = lecture_transition(from, LectureAction::Decline)?;
        check_version(version, row.version)?;
        let now = self.now();
        let changes = lecture_request::ActiveModel {
            state: Set(to.as_str().to_owned()),
            decline_reason: Set(Some(reason.clone())),
            updated_at: Set(now),
            ..Default::default()
        };
        if !queries::update_lecture(&txn, row.id, row.version, changes).await? {
            return Err(stale(version, row.version + 1));
        }
        queries::insert_audit(
            &txn,
            "lecture_request",
            row.id,
            LectureAction::Decline.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair(),
            now,
            &reason,
        )
        .await?;
        let payload = json!({ "id": row.id.to_string(), "state": to.as_str(), "localGovernmentCode": row.local_government_code });
        queries::insert_outbox(&txn, row.id, "LectureDeclined", &payload, now).await?;
        txn.commit().await?;
        self.lecture_as(&Some(actor), id).await
    }

    /// A page of lecture requests, oldest first: a local official's own local government's,
    /// or (bureau) all.
    pub async fn lecture_requests(
        &self,
        caller: Option<&Caller>,
        filter: LectureFilter,
        page: PageRequest,
    ) -> Result<Page<LectureView>> {
        let actor = member(caller)?;
        let scope = if actor.bureau {
            None
        } else if actor.official {
            Some(actor.org.clone())
        } else {
            return Err(EventsError::Forbidden(
                "lecture requests are for local governments and the bureau".into(),
            ));
        };
        let first = self.page_size(page.first);
        let query = LectureQuery {
            local_government: scope,
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            year: filter.year,
            after_seq: decode_seq(page.after.as_deref())?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_lectures(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        Ok(Page {
            items: rows
                .into_iter()
                .map(Self::lecture_view)
                .collect::<Result<_>>()?,
            cursors,
            has_next_page,
            total_count,
        })
    }
}

/// Runs [`EventOffice::expire_lapsed_offers`] every `interval` until `shutdown` resolves.
/// Correctness does not depend on it (reads and writes settle lapsed offers first); it
/// makes the next in line get their offer without waiting for someone to look.
pub fn spawn_sweeper(
    office: EventOffice,
    interval: std::time::Duration,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let stop = shutdown.wait();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                () = &mut stop => break,
                _ = tick.tick() => match office.expire_lapsed_offers().await {
                    Ok(0) => {}
                    Ok(events) => tracing::info!(events, "lapsed offers expired"),
                    Err(error) => tracing::warn!(%error, "offer sweep failed; retrying next tick"),
                },
            }
        }
        tracing::debug!("offer sweeper stopped");
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(decode_seq(Some(&seq_cursor(42))).unwrap(), Some(42));
        assert_eq!(decode_seq(None).unwrap(), None);
        let e = decode_seq(Some("garbage!")).unwrap_err();
        assert!(matches!(e, EventsError::Invalid(ref i) if i.field() == "after"));
        let c = encode_cursor("ev:2026-08-26:7");
        assert_eq!(
            decode_event_cursor(Some(&c)).unwrap(),
            Some((NaiveDate::from_ymd_opt(2026, 8, 26).unwrap(), 7))
        );
        assert!(decode_event_cursor(Some(&seq_cursor(1))).is_err());
    }
}
