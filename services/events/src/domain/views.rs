//! What the service answers: the views of its aggregates, as callers see them.

use chrono::{DateTime, NaiveDate, Utc};
pub use glocal_kit::paging::{Page, PageRequest};

use super::{
    ContributionState, EntityId, EventKind, EventState, LectureState, LocalizedText,
    RegistrationKind, RegistrationState, SessionKind, Version,
};

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
    /// When its events may be held; `None` = any time.
    pub period: Option<glocal_kit::domain::period::PeriodRule>,
    /// Whose turn it is to host the next edition (rotating series with editions).
    pub next_host_country: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// Parts of a list of events a caller may leave out, so they are not queried: each `true`
/// part is read ([`EventListParts::ALL`] reads every part of the events).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventListParts {
    /// How many events match in all (else `total_count` is 0).
    pub total_count: bool,
    /// The registration tallies: the waitlist's length and the seats of lapsed offers (else
    /// `waitlist_length` is 0 and `seats_taken` the stored figure).
    pub tallies: bool,
    /// The contributions the caller may see of the page's events, read with the page (one
    /// query, the events' states at hand) instead of a `contributions` call after it.
    pub contributions: bool,
}

impl EventListParts {
    /// Every part of the events; their contributions, which are not part of an event, are
    /// asked for apart.
    pub const ALL: EventListParts = EventListParts {
        total_count: true,
        tallies: true,
        contributions: false,
    };
}

/// A page of events and, when asked for ([`EventListParts::contributions`]), the
/// contributions the caller may see of its events, in the order `contributions` gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventList {
    /// The events.
    pub page: Page<EventView>,
    /// Their contributions (empty unless asked for).
    pub contributions: Vec<ContributionView>,
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
