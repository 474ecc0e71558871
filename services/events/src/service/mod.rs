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
//!
//! Layout: this module holds the service, its tunables, scoping (who acts, who may see what)
//! and cursors; one module per aggregate holds its operations. Every query, write and
//! row-to-view mapping lives in `store/`; operations only begin and commit transactions on
//! the kit's [`Db`] and pass it (or the [`Tx`]) along.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, SubsecRound, Utc};
use glocal_kit::paging::{decode_cursor, encode_cursor, seq_cursor};
use glocal_kit::store::{Db, Tx};
use glocal_kit::{Caller, Role};
use uuid::Uuid;

use crate::domain::{
    ContributionState, CountryCode, EntityId, EventKind, EventState, IdempotencyKey, LectureState,
    RegistrationState, TextDraft, Version,
};
use crate::error::EventsError;
use crate::store::queries;
use crate::store::writes::{self, Author};
use crate::store::{ContributionRow, EventRow, IdempotencyRow, LectureRow, RegistrationRow};

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

mod contributions;
mod events;
mod guests;
mod lectures;
mod privacy;
mod registrations;
mod series;
mod statistics;
mod timetable;

pub use crate::domain::views::{
    CheckInView, ContributionView, EventList, EventListParts, EventView, HistoryEntry, LectureView,
    Page, PageRequest, RegistrationView, SeriesView, SessionView,
};
pub use guests::GuestRequestView;
pub use privacy::{
    PERSONAL_DATA_EXPIRED, REGISTRANT_ERASED, spawn_erasure_follower, spawn_retention,
};

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
    /// Schedule it even beyond the series' yearly target of local governments (the
    /// target is "flexible depending on the demand"): an administrator's decision, audited.
    pub beyond_target: bool,
}

/// Who acts.
#[derive(Debug, Clone)]
struct Actor {
    subject: String,
    name: String,
    org: String,
    bureau: bool,
    admin: bool,
    official: bool,
}

impl Actor {
    /// The name recorded beside the subject; a caller the token does not name is refused
    /// (UNAUTHENTICATED `CALLER_NAME_MISSING`): the events service has no directory to
    /// look the name up in, and an empty name in an audit row or a registration helps nobody.
    fn name(&self) -> Result<&str> {
        let name = self.name.trim();
        if name.is_empty() {
            return Err(EventsError::said(
                glocal_kit::error::ErrorCode::Unauthenticated,
                "CALLER_NAME_MISSING",
                glocal_kit::i18n::Message::new("error-caller-name-missing"),
            ));
        }
        Ok(name)
    }

    /// Subject and name, for an audit row (refused without a name, see [`Actor::name`]).
    fn pair(&self) -> Result<(&str, &str)> {
        Ok((&self.subject, self.name()?))
    }

    /// The author of a contribution, lecture request or registration (refused without a
    /// name, see [`Actor::name`]).
    fn author(&self) -> Result<Author<'_>> {
        Ok(Author {
            subject: &self.subject,
            name: self.name()?,
            org: &self.org,
        })
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
        admin: caller.has(Role::BureauAdmin),
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
        return Err(EventsError::only(
            "BUREAU_STAFF_ONLY",
            "rule-only-bureau-staff",
            what,
        ));
    }
    Ok(actor)
}

/// The cursor a page asks to continue after; blank is the first page.
fn after(cursor: Option<&str>) -> Option<&str> {
    cursor.filter(|c| !c.trim().is_empty())
}

fn decode_seq(cursor: Option<&str>) -> Result<Option<i64>> {
    Ok(glocal_kit::paging::decode_seq(after(cursor))?)
}

fn event_cursor(row: &EventRow) -> String {
    encode_cursor(&format!("ev:{}:{}", row.start_date, row.seq))
}

fn decode_event_cursor(cursor: Option<&str>) -> Result<Option<(NaiveDate, i64)>> {
    let Some(cursor) = after(cursor) else {
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

fn stale(seen: Version, current: i64) -> EventsError {
    EventsError::StaleVersion { seen, current }
}

fn check_version(seen: Version, stored: i64) -> Result<()> {
    if seen.get() != stored {
        return Err(stale(seen, stored));
    }
    Ok(())
}

fn event_visible(viewer: &Viewer, row: &EventRow) -> bool {
    state_visible(viewer, &row.state)
}

/// Whether an event in the stored `state` is visible to `viewer`.
fn state_visible(viewer: &Viewer, state: &str) -> bool {
    is_bureau(viewer) || state != EventState::Draft.as_str()
}

fn registration_visible(viewer: &Viewer, row: &RegistrationRow) -> bool {
    match viewer {
        Some(a) => a.bureau || a.subject == row.registrant_subject,
        None => false,
    }
}

/// Whether `viewer` sees the contribution `row` whatever its event: the bureau sees every
/// one, a submitter their own.
fn sees_any_contribution_of(viewer: &Viewer, row: &ContributionRow) -> bool {
    is_bureau(viewer)
        || viewer
            .as_ref()
            .is_some_and(|a| a.subject == row.submitter_subject)
}

/// Whether [`contribution_visible`] needs the state of `row`'s event to decide for `viewer`:
/// only for someone else's accepted contribution, and never for the bureau.
fn contribution_needs_event(viewer: &Viewer, row: &ContributionRow) -> bool {
    !sees_any_contribution_of(viewer, row) && row.state == ContributionState::Accepted.as_str()
}

/// Whether `viewer` may see the contribution `row`, whose event is in the stored
/// `event_state` (`None`: the event does not exist): their own or any for the bureau, else an
/// accepted one of a visible event.
fn contribution_visible(viewer: &Viewer, row: &ContributionRow, event_state: Option<&str>) -> bool {
    if contribution_needs_event(viewer, row) {
        event_state.is_some_and(|state| state_visible(viewer, state))
    } else {
        sees_any_contribution_of(viewer, row)
    }
}

fn lecture_visible(viewer: &Viewer, row: &LectureRow) -> bool {
    match viewer {
        Some(a) => a.bureau || (a.official && a.org == row.local_government_code),
        None => false,
    }
}

/// The events service: every operation of `glocal.events.v1`.
#[derive(Clone)]
pub struct EventOffice {
    db: Db,
    config: Config,
    guests: crate::domain::GuestLimits,
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
    pub fn new(db: impl Into<Db>, config: Config) -> Self {
        EventOffice {
            db: db.into(),
            config,
            guests: crate::domain::GuestLimits::default(),
            clock: Arc::new(Utc::now),
        }
    }

    /// The same service with other guest limits (ADR 0049).
    #[must_use]
    pub fn with_guest_limits(mut self, limits: crate::domain::GuestLimits) -> Self {
        self.guests = limits;
        self
    }

    /// The same service reading the time from `clock`.
    #[must_use]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The database this service runs on.
    pub fn db(&self) -> &Db {
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
        F: AsyncFnOnce(&Tx, DateTime<Utc>, Uuid) -> Result<()>,
    {
        let replay = |row: IdempotencyRow| {
            if row.fingerprint == fingerprint {
                Ok(row.aggregate_id)
            } else {
                Err(EventsError::said(
                    glocal_kit::error::ErrorCode::Conflict,
                    "IDEMPOTENCY_KEY_REUSED",
                    glocal_kit::i18n::Message::new("rule-idempotency-key-other-input")
                        .arg("key", key.as_str()),
                ))
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
        if let Some(e) = writes::claim_idempotency(
            &txn,
            &actor.subject,
            operation,
            key.as_str(),
            &fingerprint,
            id,
            now,
        )
        .await?
        {
            drop(txn);
            if let Some(row) =
                queries::find_idempotent(&self.db, &actor.subject, operation, key.as_str()).await?
            {
                return replay(row);
            }
            return Err(e.into());
        }
        create(&txn, now, id).await?;
        txn.commit().await?;
        Ok(id)
    }
}

/// Runs [`EventOffice::expire_lapsed_offers`] and [`EventOffice::expire_guest_requests`]
/// every `interval` until `shutdown` resolves,
/// reporting each run as the job `offer_sweeper` ([`glocal_kit::metrics::Job`]).
/// Correctness does not depend on it (writes settle lapsed offers first, and reads show
/// them expired from their deadline); it persists the expiry and makes the next in line get
/// their offer without waiting for a write on the event.
pub fn spawn_sweeper(
    office: EventOffice,
    interval: std::time::Duration,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    glocal_kit::jobs::spawn_every("offer_sweeper", interval, shutdown, move || {
        let office = office.clone();
        async move {
            let offers = office.expire_lapsed_offers().await? as u64;
            Ok::<u64, EventsError>(offers + office.expire_guest_requests().await?)
        }
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
