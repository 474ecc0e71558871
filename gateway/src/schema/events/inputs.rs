//! The events input objects.

use super::*;
use crate::schema::common::PeriodRuleInput;

// ----- inputs ---------------------------------------------------------------------------

/// Text in the bureau's four languages; give at least one.
#[derive(InputObject, Default)]
pub struct EventTextInput {
    /// Korean.
    pub ko: Option<String>,
    /// English.
    pub en: Option<String>,
    /// Chinese.
    pub zh: Option<String>,
    /// Japanese.
    pub ja: Option<String>,
}

/// Which events to list; every field narrows the list.
#[derive(InputObject, Default)]
pub struct EventFilter {
    /// Any of these kinds.
    pub kinds: Option<Vec<EventKind>>,
    /// Any of these states.
    pub states: Option<Vec<EventState>>,
    /// Editions of this series.
    pub series_id: Option<ID>,
    /// Hosted by this country (ISO 3166-1 alpha-2).
    pub host_country: Option<String>,
    /// Ending on or after this day.
    pub from_date: Option<Date>,
    /// Starting on or before this day.
    pub to_date: Option<Date>,
}

/// Which registrations to list.
#[derive(InputObject, Default)]
pub struct EventRegistrationFilter {
    /// For this event.
    pub event_id: Option<ID>,
    /// Any of these states.
    pub states: Option<Vec<EventRegistrationState>>,
    /// Only the caller's own (always so outside the bureau).
    #[graphql(default)]
    pub mine: bool,
}

impl EventRegistrationFilter {
    /// The filter as the events service takes it (also the exports').
    pub(crate) fn into_proto(self) -> pb::RegistrationFilter {
        pb::RegistrationFilter {
            event_id: self.event_id.map(|e| e.0).unwrap_or_default(),
            states: self
                .states
                .unwrap_or_default()
                .into_iter()
                .map(EventRegistrationState::to_proto)
                .collect(),
            mine: self.mine,
        }
    }
}

/// Which lecture requests to list.
#[derive(InputObject, Default)]
pub struct LectureRequestFilter {
    /// Any of these states.
    pub states: Option<Vec<LectureRequestState>>,
    /// For this quota year.
    pub year: Option<i32>,
}

/// Creates a series (bureau).
#[derive(InputObject)]
pub struct CreateEventSeriesInput {
    /// A key unique per creation: a retry with the same key returns the same series.
    pub idempotency_key: String,
    /// Short stable code, e.g. "KCJ-CONFERENCE".
    pub code: String,
    /// Kind of its events.
    pub kind: EventKind,
    /// Title.
    pub title: EventTextInput,
    /// Description.
    pub description: EventTextInput,
    /// Host rotation (ISO country codes, in order), e.g. ["KR", "CN", "JP"].
    #[graphql(default)]
    pub rotation: Vec<String>,
    /// Largest number of events a year (e.g. 12 lectures); none when absent.
    pub yearly_quota: Option<i32>,
    /// When its events may be held (e.g. August–September, at most 4 days); any time when
    /// absent. A series counts its events with `yearlyQuota`, not `editionsPerYear`.
    pub period: Option<PeriodRuleInput>,
}

/// Creates an event in DRAFT (bureau).
#[derive(InputObject)]
pub struct CreateEventInput {
    /// A key unique per creation: a retry with the same key returns the same event.
    pub idempotency_key: String,
    /// The series it is an edition of; its host must be the country whose turn it is.
    pub series_id: Option<ID>,
    /// Required outside a series; must be the series' kind otherwise.
    pub kind: Option<EventKind>,
    /// Title.
    pub title: EventTextInput,
    /// Description.
    pub description: EventTextInput,
    /// ISO 3166-1 alpha-2 code of the host country.
    pub host_country: String,
    /// Host city.
    pub host_city: String,
    /// Host organisation.
    pub host_organization: String,
    /// Standard code of a Korean local government hosting it.
    pub host_local_government_code: Option<String>,
    /// Venue.
    pub venue: String,
    /// IANA time zone of the venue, e.g. "Asia/Seoul".
    pub time_zone: String,
    /// First day.
    pub start_date: Date,
    /// Last day.
    pub end_date: Date,
    /// Working languages (ISO 639-1), 1 to 4.
    pub working_languages: Vec<String>,
    /// Languages interpreted into (ISO 639-1).
    #[graphql(default)]
    pub interpretation_languages: Vec<String>,
    /// Seats.
    pub capacity: i32,
    /// When registration opens.
    pub registration_opens_at: Option<DateTime>,
    /// When registration closes.
    pub registration_closes_at: Option<DateTime>,
    /// Create it even outside its series' period rule: bureau administrators only
    /// (FORBIDDEN `BUREAU_ADMIN_ONLY` otherwise), noted in the event's audit.
    #[graphql(default = false)]
    pub outside_period: bool,
}

/// Moves an event through its life cycle (bureau).
#[derive(InputObject)]
pub struct ChangeEventStateInput {
    /// Event id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// What to do.
    pub action: EventAction,
    /// Why (required to cancel).
    pub reason: Option<String>,
}

/// A speaker of a new session.
#[derive(InputObject)]
pub struct EventSpeakerInput {
    /// Name.
    pub name: String,
    /// Affiliation.
    pub affiliation: Option<String>,
}

/// Adds a session to an event's timetable (bureau).
#[derive(InputObject)]
pub struct AddEventSessionInput {
    /// A key unique per creation.
    pub idempotency_key: String,
    /// Event id.
    pub event_id: ID,
    /// Kind.
    pub kind: EventSessionKind,
    /// Title.
    pub title: EventTextInput,
    /// Room; two sessions in one room may not overlap.
    pub room: String,
    /// Speakers.
    #[graphql(default)]
    pub speakers: Vec<EventSpeakerInput>,
    /// Languages interpreted into.
    #[graphql(default)]
    pub interpretation_languages: Vec<String>,
    /// Start (any offset; stored in UTC).
    pub starts_at: DateTime,
    /// End.
    pub ends_at: DateTime,
}

/// Registers the caller or a delegation for an event.
#[derive(InputObject)]
pub struct RegisterForEventInput {
    /// A key unique per registration: a retry with the same key returns the same one.
    pub idempotency_key: String,
    /// Event id.
    pub event_id: ID,
    /// Individual or delegation.
    pub kind: EventRegistrationKind,
    /// Individuals: the attendee (default: the caller's name).
    pub attendee_name: Option<String>,
    /// Delegations: ISO 3166-1 alpha-2 country.
    pub country: Option<String>,
    /// Delegations: organisation.
    pub organization: Option<String>,
    /// Delegations: head of delegation.
    pub head_of_delegation: Option<String>,
    /// Delegations: the other members.
    #[graphql(default)]
    pub members: Vec<String>,
}

/// Cancels a registration (its registrant or the bureau).
#[derive(InputObject)]
pub struct CancelRegistrationInput {
    /// Registration id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why.
    pub reason: Option<String>,
}

/// Takes the seats offered to a waitlisted registration.
#[derive(InputObject)]
pub struct AcceptOfferInput {
    /// Registration id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Checks an attendee in on one day (bureau, while the event is ONGOING).
#[derive(InputObject)]
pub struct CheckInInput {
    /// Registration id.
    pub registration_id: ID,
    /// The day (default: today in the event's time zone).
    pub day: Option<Date>,
    /// Who (default: the individual or the head of delegation).
    pub attendee: Option<String>,
}

/// Submits a contribution to an event's call for presentations.
#[derive(InputObject)]
pub struct SubmitContributionInput {
    /// A key unique per submission.
    pub idempotency_key: String,
    /// Event id.
    pub event_id: ID,
    /// Title.
    pub title: EventTextInput,
    /// Abstract.
    #[graphql(name = "abstract")]
    pub abstract_text: EventTextInput,
    /// Presenter (default: the caller's name).
    pub presenter_name: Option<String>,
}

/// Accepts or rejects a contribution (bureau).
#[derive(InputObject)]
pub struct ReviewContributionInput {
    /// Contribution id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Accept or reject.
    pub decision: ContributionDecision,
    /// A note for the submitter.
    pub note: Option<String>,
    /// Accept only: ids of the research service's best practices it draws on.
    #[graphql(default)]
    pub practice_ids: Vec<ID>,
}

/// Withdraws a contribution (its submitter).
#[derive(InputObject)]
pub struct WithdrawContributionInput {
    /// Contribution id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
}

/// Replaces the best practices an accepted contribution draws on (bureau).
#[derive(InputObject)]
pub struct LinkPracticesInput {
    /// Contribution id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Ids of best practices in the research service.
    pub practice_ids: Vec<ID>,
}

/// Asks for a glocalization lecture.
#[derive(InputObject)]
pub struct RequestLectureInput {
    /// A key unique per request.
    pub idempotency_key: String,
    /// Theme, e.g. "International etiquette and protocol".
    pub theme: String,
    /// 1 to 5 preferred days, in one year, not in the past.
    pub preferred_dates: Vec<Date>,
    /// Venue.
    pub venue: String,
    /// The local government (default: the caller's own; required for bureau staff).
    pub local_government_code: Option<String>,
}

/// Schedules a lecture request as an event (bureau), within the series' yearly target of
/// local governments.
#[derive(InputObject)]
pub struct ScheduleLectureInput {
    /// Lecture request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// The lecture series.
    pub series_id: ID,
    /// The day (default: the first preferred date).
    pub date: Option<Date>,
    /// Title (default: the theme).
    pub title: Option<EventTextInput>,
    /// Seats (default 100).
    pub capacity: Option<i32>,
    /// City of the venue.
    pub host_city: String,
    /// Schedule it even when the series' yearly target of local governments is reached
    /// (the target is "flexible depending on the demand"): bureau administrators only
    /// (FORBIDDEN `BUREAU_ADMIN_ONLY` otherwise), noted in the lecture's and the event's
    /// audit.
    #[graphql(default = false)]
    pub beyond_target: bool,
}

/// Declines a lecture request (bureau).
#[derive(InputObject)]
pub struct DeclineLectureInput {
    /// Lecture request id.
    pub id: ID,
    /// The version the caller saw.
    pub version: i32,
    /// Why; shown to the local government.
    pub reason: String,
}
