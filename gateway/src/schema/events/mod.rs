//! The bureau's events: series (with host rotation), events with their timetable, call for
//! presentations and registrations (individuals and delegations, waitlist, offers, check-in),
//! and glocalization lecture requests.
//!
//! Nested lookups are batched per query (per root field in mutations): the objects share an
//! [`EventLoaders`] whose DataLoaders turn N events' sessions, contributions, series or
//! best practices into one gRPC call each (`ListSessions`, `ListContributions`,
//! `ListSeries`, `BatchGetEvents`, and the research service's `BatchGetPractices` through
//! its [`ResearchLoaders`]). Local
//! governments go through the request's shared directory loader. Events and series by id
//! (loaders and `event(id)`) go through the [`EntityCache`] for callers with the public view.

use std::sync::Arc;

use crate::schema::scalars::DateTime;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::events::v1 as pb;

use super::common::{PageInfo, PeriodRule, Person, PublicUrls};
use super::common::{datetime, non_empty, timestamp};
use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::personal_data::{Holder, PersonalDataEntity};
use super::research::Practice;
use super::scalars::Date;
use crate::upstream::error;
use crate::upstream::loaders::events::EventLoaders;
use crate::upstream::{Events, call, read};

mod inputs;
mod mutation;
mod query;
mod statistics;
#[cfg(test)]
mod tests;

pub use guests::{GuestRegistration, GuestRegistrationState, GuestsMutation, RegisterAsGuestInput};
pub use inputs::*;
pub use statistics::{EventStatisticsQuery, EventStatisticsRow};

/// A GraphQL enum mirrored by name on a proto enum (`PREFIX_` + the GraphQL name).
macro_rules! proto_enum {
    ($(#[$doc:meta])* $name:ident, $pb:ty, $prefix:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        // Input-only enums (actions, decisions) never come back from a service.
        #[cfg_attr(not(test), allow(dead_code))]
        impl $name {
            const ALL: &'static [$name] = &[$($name::$variant),+];

            pub(crate) fn to_proto(self) -> i32 {
                let name = match self {
                    $($name::$variant => $text),+
                };
                <$pb>::from_str_name(&format!(concat!($prefix, "{}"), name)).map_or(0, |p| p as i32)
            }

            pub(crate) fn from_proto(value: i32) -> Result<Self> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.to_proto() == value)
                    .ok_or_else(|| error::internal(format!(concat!("unknown ", stringify!($name), " {}"), value)))
            }
        }
    };
}

// After `proto_enum!`, which it uses.
mod guests;

proto_enum!(
    /// What kind of gathering an event is.
    EventKind, pb::EventKind, "EVENT_KIND_" {
        /// A multi-day conference (e.g. Korea–China–Japan local governments).
        Conference = "CONFERENCE",
        /// A workshop (e.g. the March workshop of officials in charge of exchange).
        Workshop = "WORKSHOP",
        /// A forum: expert presentations, debate, Q&A.
        Forum = "FORUM",
        /// A glocalization lecture at a local government.
        Lecture = "LECTURE",
    }
);

proto_enum!(
    /// Where an event is in its life cycle.
    EventState, pb::EventState, "EVENT_STATE_" {
        /// Being prepared; only the bureau sees it.
        Draft = "DRAFT",
        /// Announced.
        Published = "PUBLISHED",
        /// Taking registrations.
        RegistrationOpen = "REGISTRATION_OPEN",
        /// No longer taking registrations.
        RegistrationClosed = "REGISTRATION_CLOSED",
        /// Under way; check-in happens now.
        Ongoing = "ONGOING",
        /// Over.
        Completed = "COMPLETED",
        /// Called off.
        Cancelled = "CANCELLED",
    }
);

proto_enum!(
    /// Something the bureau does to an event.
    EventAction, pb::EventAction, "EVENT_ACTION_" {
        /// DRAFT → PUBLISHED.
        Publish = "PUBLISH",
        /// PUBLISHED or REGISTRATION_CLOSED → REGISTRATION_OPEN.
        OpenRegistration = "OPEN_REGISTRATION",
        /// REGISTRATION_OPEN → REGISTRATION_CLOSED.
        CloseRegistration = "CLOSE_REGISTRATION",
        /// → ONGOING.
        Start = "START",
        /// ONGOING → COMPLETED.
        Complete = "COMPLETE",
        /// Any state before ONGOING → CANCELLED (with a reason).
        Cancel = "CANCEL",
    }
);

proto_enum!(
    /// What happens in a timetable session.
    EventSessionKind, pb::SessionKind, "SESSION_KIND_" {
        /// Everyone together.
        Plenary = "PLENARY",
        /// Presentations.
        Presentation = "PRESENTATION",
        /// A debate.
        Debate = "DEBATE",
        /// Questions and answers.
        Qa = "QA",
        /// A lecture.
        Lecture = "LECTURE",
    }
);

proto_enum!(
    /// Who registers.
    EventRegistrationKind, pb::RegistrationKind, "REGISTRATION_KIND_" {
        /// One person.
        Individual = "INDIVIDUAL",
        /// A delegation: a head and members, for a country and organisation.
        Delegation = "DELEGATION",
    }
);

proto_enum!(
    /// Where a registration is.
    EventRegistrationState, pb::RegistrationState, "REGISTRATION_STATE_" {
        /// Received, not yet decided.
        Pending = "PENDING",
        /// Holds its seats.
        Confirmed = "CONFIRMED",
        /// Waiting for seats.
        Waitlisted = "WAITLISTED",
        /// Offered freed seats until `offerExpiresAt`: accept with `acceptOffer`.
        Offered = "OFFERED",
        /// The offer lapsed.
        Expired = "EXPIRED",
        /// Cancelled.
        Cancelled = "CANCELLED",
    }
);

proto_enum!(
    /// Where a contribution is in review.
    ContributionState, pb::ContributionState, "CONTRIBUTION_STATE_" {
        /// Waiting for review.
        Submitted = "SUBMITTED",
        /// On the programme.
        Accepted = "ACCEPTED",
        /// Not on the programme.
        Rejected = "REJECTED",
        /// Taken back by its submitter.
        Withdrawn = "WITHDRAWN",
    }
);

proto_enum!(
    /// The bureau's decision on a contribution.
    ContributionDecision, pb::ReviewDecision, "REVIEW_DECISION_" {
        /// Put it on the programme.
        Accept = "ACCEPT",
        /// Do not.
        Reject = "REJECT",
    }
);

proto_enum!(
    /// Where a lecture request is.
    LectureRequestState, pb::LectureRequestState, "LECTURE_REQUEST_STATE_" {
        /// Waiting for the bureau.
        Requested = "REQUESTED",
        /// Scheduled as an event.
        Scheduled = "SCHEDULED",
        /// Declined, with a reason.
        Declined = "DECLINED",
    }
);

fn text_in(t: EventTextInput) -> Option<LocalizedText> {
    Some(LocalizedText {
        ko: t.ko.unwrap_or_default(),
        en: t.en.unwrap_or_default(),
        zh: t.zh.unwrap_or_default(),
        ja: t.ja.unwrap_or_default(),
    })
}

fn version_in(v: i32, field: &str) -> Result<i64> {
    if v < 1 {
        return Err(error::bad_input(
            "must be the version you saw (at least 1)",
            field,
        ));
    }
    Ok(i64::from(v))
}

fn version_out(v: i64) -> Result<i32> {
    i32::try_from(v).map_err(|_| error::internal(format!("version {v} exceeds Int")))
}

fn count_in(v: Option<i32>, field: &str) -> Result<u32> {
    u32::try_from(v.unwrap_or(0)).map_err(|_| error::bad_input("must not be negative", field))
}

fn int_out(v: u32) -> i32 {
    i32::try_from(v).unwrap_or(i32::MAX)
}

fn first_in(first: Option<i32>) -> Result<u32> {
    u32::try_from(first.unwrap_or(20))
        .map_err(|_| error::bad_input("`first` must not be negative", "first"))
}

fn page_info(page: Option<glocal_proto::common::v1::PageInfo>, cursors: &[String]) -> PageInfo {
    let page = page.unwrap_or_default();
    PageInfo {
        has_next_page: page.has_next_page,
        has_previous_page: false,
        start_cursor: cursors.first().cloned(),
        end_cursor: non_empty(&page.end_cursor)
            .map(str::to_owned)
            .or_else(|| cursors.last().cloned()),
    }
}

fn date_out(s: &str) -> Option<Date> {
    Date::parse(s)
}

// ----- output types -------------------------------------------------------------------

/// A recurring programme: the Korea–China–Japan conference, the March workshop, the forums,
/// the glocalization lectures.
pub struct EventSeries(pb::Series);

/// A recurring programme.
#[Object]
impl EventSeries {
    /// Series id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Short stable code, e.g. "KCJ-CONFERENCE".
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Kind of its events.
    async fn kind(&self) -> Result<EventKind> {
        EventKind::from_proto(self.0.kind)
    }

    /// Title in `lang` (default: the request's `Accept-Language`), with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.title.as_ref(), language::effective(ctx, lang))
    }

    /// Description in `lang`, with the usual fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.description.as_ref(), language::effective(ctx, lang))
    }

    /// Host rotation (ISO 3166-1 alpha-2 codes, in order); empty when the host does not rotate.
    async fn rotation(&self) -> &[String] {
        &self.0.rotation
    }

    /// Largest number of events a year (null: no quota).
    async fn yearly_quota(&self) -> Option<i32> {
        (self.0.yearly_quota > 0).then(|| int_out(self.0.yearly_quota))
    }

    /// When its events may be held (null: any time).
    async fn period(&self) -> Option<PeriodRule> {
        self.0.period.as_ref().map(PeriodRule::from_proto)
    }

    /// The country whose turn it is to host the next edition.
    async fn next_host_country(&self) -> Option<&str> {
        non_empty(&self.0.next_host_country)
    }

    /// Absolute URL of the series' iCalendar feed (RFC 5545) on this gateway
    /// (`gateway.public_url`).
    async fn calendar_url(&self, ctx: &Context<'_>) -> Result<String> {
        let urls = ctx.data::<PublicUrls>()?;
        Ok(urls.gateway_url(&format!("/calendar/series/{}.ics", self.0.id)))
    }
}

/// An event: a conference, workshop, forum or lecture.
pub struct Event {
    data: pb::Event,
    loaders: Arc<EventLoaders>,
}

/// An event.
#[Object(tag = "public")]
impl Event {
    /// Event id.
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }

    /// The series it is an edition of.
    async fn series(&self) -> Result<Option<EventSeries>> {
        if self.data.series_id.is_empty() {
            return Ok(None);
        }
        Ok(self
            .loaders
            .series()
            .load_one(self.data.series_id.clone())
            .await?
            .map(EventSeries))
    }

    /// Edition number within the series (null outside one).
    async fn edition(&self) -> Option<i32> {
        (self.data.edition > 0).then(|| int_out(self.data.edition))
    }

    /// Kind.
    async fn kind(&self) -> Result<EventKind> {
        EventKind::from_proto(self.data.kind)
    }

    /// Title in `lang` (default: the request's `Accept-Language`), with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.data.title.as_ref(), language::effective(ctx, lang))
    }

    /// Description in `lang`, with the usual fallback.
    async fn description(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.data.description.as_ref(),
            language::effective(ctx, lang),
        )
    }

    /// ISO 3166-1 alpha-2 code of the host country.
    async fn host_country(&self) -> &str {
        &self.data.host_country
    }

    /// Host city.
    async fn host_city(&self) -> &str {
        &self.data.host_city
    }

    /// Host organisation.
    async fn host_organization(&self) -> &str {
        &self.data.host_organization
    }

    /// The Korean local government hosting it (lectures).
    async fn host_local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.data.host_local_government_code).await
    }

    /// Venue.
    async fn venue(&self) -> &str {
        &self.data.venue
    }

    /// IANA time zone of the venue; session times are shown in it.
    async fn time_zone(&self) -> &str {
        &self.data.time_zone
    }

    /// UTC offset of the time zone on the first day, e.g. "+09:00".
    async fn utc_offset(&self) -> &str {
        &self.data.utc_offset
    }

    /// First day.
    async fn start_date(&self) -> Option<Date> {
        date_out(&self.data.start_date)
    }

    /// Last day.
    async fn end_date(&self) -> Option<Date> {
        date_out(&self.data.end_date)
    }

    /// Working languages (ISO 639-1).
    async fn working_languages(&self) -> &[String] {
        &self.data.working_languages
    }

    /// Languages interpreted into (ISO 639-1).
    async fn interpretation_languages(&self) -> &[String] {
        &self.data.interpretation_languages
    }

    /// Seats.
    async fn capacity(&self) -> i32 {
        int_out(self.data.capacity)
    }

    /// Seats held by confirmed registrations and open offers.
    async fn seats_taken(&self) -> i32 {
        int_out(self.data.seats_taken)
    }

    /// Seats nobody holds.
    async fn seats_available(&self) -> i32 {
        int_out(self.data.capacity.saturating_sub(self.data.seats_taken))
    }

    /// Registrations waiting for seats.
    async fn waitlist_length(&self) -> i32 {
        int_out(self.data.waitlist_length)
    }

    /// When registration opens (null: as soon as the bureau opens it).
    async fn registration_opens_at(&self) -> Option<DateTime> {
        datetime(self.data.registration_opens_at.as_ref())
    }

    /// When registration closes (null: when the bureau closes it).
    async fn registration_closes_at(&self) -> Option<DateTime> {
        datetime(self.data.registration_closes_at.as_ref())
    }

    /// True when a registration made now would be taken (confirmed or waitlisted).
    async fn registration_open_now(&self) -> bool {
        self.data.registration_open_now
    }

    /// Where it is in its life cycle.
    async fn state(&self) -> Result<EventState> {
        EventState::from_proto(self.data.state)
    }

    /// Optimistic-concurrency version: pass it back to `changeEventState`.
    async fn version(&self) -> Result<i32> {
        version_out(self.data.version)
    }

    /// Why it was cancelled.
    async fn cancel_reason(&self) -> Option<&str> {
        non_empty(&self.data.cancel_reason)
    }

    /// When it was created.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.data.updated_at.as_ref())
    }

    /// The timetable, by start time.
    async fn sessions(&self) -> Result<Vec<EventSession>> {
        Ok(self
            .loaders
            .sessions()
            .load_one(self.data.id.clone())
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(EventSession)
            .collect())
    }

    /// Contributions the caller may see: accepted ones for everyone, their own for
    /// submitters, all for the bureau.
    #[graphql(inaccessible)]
    async fn contributions(&self) -> Result<Vec<Contribution>> {
        Ok(self
            .loaders
            .contributions_of(&self.data.id)
            .await?
            .into_iter()
            .map(|data| Contribution {
                data,
                loaders: self.loaders.clone(),
            })
            .collect())
    }

    /// Absolute URL of the event's iCalendar feed (RFC 5545) on this gateway
    /// (`gateway.public_url`).
    async fn calendar_url(&self, ctx: &Context<'_>) -> Result<String> {
        let urls = ctx.data::<PublicUrls>()?;
        Ok(urls.gateway_url(&format!("/calendar/events/{}.ics", self.data.id)))
    }
}

/// A speaker of a session.
#[derive(SimpleObject)]
pub struct EventSpeaker {
    /// Name.
    pub name: String,
    /// Affiliation.
    pub affiliation: Option<String>,
}

/// A timetable session.
pub struct EventSession(pb::Session);

/// A timetable session. Times are instants; the `*Local` fields show them in the event's
/// time zone.
#[Object]
impl EventSession {
    /// Session id.
    async fn id(&self) -> ID {
        ID(self.0.id.clone())
    }

    /// Kind.
    async fn kind(&self) -> Result<EventSessionKind> {
        EventSessionKind::from_proto(self.0.kind)
    }

    /// Title in `lang`, with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.title.as_ref(), language::effective(ctx, lang))
    }

    /// Room.
    async fn room(&self) -> &str {
        &self.0.room
    }

    /// Speakers.
    async fn speakers(&self) -> Vec<EventSpeaker> {
        self.0
            .speakers
            .iter()
            .map(|s| EventSpeaker {
                name: s.name.clone(),
                affiliation: non_empty(&s.affiliation).map(str::to_owned),
            })
            .collect()
    }

    /// Languages interpreted into (ISO 639-1).
    async fn interpretation_languages(&self) -> &[String] {
        &self.0.interpretation_languages
    }

    /// Start (UTC).
    async fn starts_at(&self) -> Option<DateTime> {
        datetime(self.0.starts_at.as_ref())
    }

    /// End (UTC).
    async fn ends_at(&self) -> Option<DateTime> {
        datetime(self.0.ends_at.as_ref())
    }

    /// Start in the event's time zone, e.g. "2026-08-26T09:00:00+09:00".
    async fn starts_at_local(&self) -> &str {
        &self.0.starts_at_local
    }

    /// End in the event's time zone.
    async fn ends_at_local(&self) -> &str {
        &self.0.ends_at_local
    }

    /// The day of the event it falls on, in the event's time zone.
    async fn local_date(&self) -> Option<Date> {
        date_out(&self.0.local_date)
    }
}

/// One attendee checked in on one day.
#[derive(SimpleObject)]
pub struct EventCheckIn {
    /// Event day.
    pub day: Option<Date>,
    /// Who.
    pub attendee: String,
    /// When.
    pub at: Option<DateTime>,
    /// Subject of the staff member who checked them in.
    pub by: String,
}

/// One entry of a registration's audit history.
#[derive(SimpleObject)]
pub struct EventRegistrationHistoryEntry {
    /// e.g. "register", "confirm", "waitlist", "offer", "expire", "accept", "cancel", "check_in".
    pub action: String,
    /// State before.
    pub from: Option<EventRegistrationState>,
    /// State after.
    pub to: Option<EventRegistrationState>,
    /// Who acted ("system" for automatic steps).
    pub actor: Person,
    /// When.
    pub at: Option<DateTime>,
    /// A note: what the system noted, in the language `history(lang:)` asked for, or a
    /// person's words as written.
    pub note: Option<String>,
    /// The catalogue key of a note the system wrote (e.g. `events-registered-seats`); null
    /// for a person's words.
    pub note_key: Option<String>,
}

fn reg_state_named(name: &str) -> Option<EventRegistrationState> {
    pb::RegistrationState::from_str_name(&format!("REGISTRATION_STATE_{name}"))
        .and_then(|p| EventRegistrationState::from_proto(p as i32).ok())
}

/// A registration for an event, by an individual or a delegation.
pub struct EventRegistration {
    data: pb::Registration,
    loaders: Arc<EventLoaders>,
}

impl EventRegistration {
    /// The registration as a holder of its people's personal data (ADR 0039).
    fn holder(&self) -> Holder<'_> {
        Holder::new(
            PersonalDataEntity::EventRegistration,
            &self.data.id,
            Some(&self.data.registrant_subject),
        )
    }
}

/// A registration for an event.
#[Object]
impl EventRegistration {
    /// Registration id.
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }

    /// The event.
    async fn event(&self) -> Result<Option<Event>> {
        Ok(self
            .loaders
            .events()
            .load_one(self.data.event_id.clone())
            .await?
            .map(|data| Event {
                data,
                loaders: self.loaders.clone(),
            }))
    }

    /// Individual or delegation.
    async fn kind(&self) -> Result<EventRegistrationKind> {
        EventRegistrationKind::from_proto(self.data.kind)
    }

    /// Where it is.
    async fn state(&self) -> Result<EventRegistrationState> {
        EventRegistrationState::from_proto(self.data.state)
    }

    /// Who registered.
    async fn registrant(&self, ctx: &Context<'_>) -> Person {
        self.holder()
            .read(ctx, "registrant", &*self.data.registrant_subject);
        Person {
            subject: self.data.registrant_subject.clone(),
            name: self.data.registrant_name.clone(),
        }
    }

    /// The registrant's organisation code.
    async fn registrant_org(&self) -> &str {
        &self.data.registrant_org
    }

    /// The attendee, or the head of delegation.
    async fn attendee_name(&self, ctx: &Context<'_>) -> &str {
        self.holder()
            .read(ctx, "attendeeName", self.data.attendee_name.as_str())
    }

    /// Delegations: ISO 3166-1 alpha-2 country.
    async fn country(&self) -> Option<&str> {
        non_empty(&self.data.country)
    }

    /// Delegations: organisation.
    async fn organization(&self) -> Option<&str> {
        non_empty(&self.data.organization)
    }

    /// Delegations: members other than the head.
    async fn members(&self, ctx: &Context<'_>) -> &[String] {
        self.holder()
            .read(ctx, "members", self.data.members.as_slice())
    }

    /// Seats it holds or asks for (one per person).
    async fn seats(&self) -> i32 {
        int_out(self.data.seats)
    }

    /// Place in line while waitlisted (1 = next).
    async fn waitlist_position(&self) -> Option<i32> {
        (self.data.waitlist_position > 0).then(|| int_out(self.data.waitlist_position))
    }

    /// When the current offer lapses (OFFERED only).
    async fn offer_expires_at(&self) -> Option<DateTime> {
        datetime(self.data.offer_expires_at.as_ref())
    }

    /// Optimistic-concurrency version: pass it to `cancelRegistration` and `acceptOffer`.
    async fn version(&self) -> Result<i32> {
        version_out(self.data.version)
    }

    /// When it was made.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.data.updated_at.as_ref())
    }

    /// Check-ins, oldest first.
    async fn check_ins(&self, ctx: &Context<'_>) -> Vec<EventCheckIn> {
        let check_ins = self
            .data
            .check_ins
            .iter()
            .map(|c| EventCheckIn {
                day: date_out(&c.day),
                attendee: c.attendee.clone(),
                at: datetime(c.at.as_ref()),
                by: c.by_subject.clone(),
            })
            .collect::<Vec<_>>();
        self.holder().read(ctx, "checkIns", check_ins)
    }

    /// The audit history, oldest first; notes the system wrote in `lang` (default: the
    /// request's `Accept-Language`, else English).
    async fn history(
        &self,
        ctx: &Context<'_>,
        lang: Option<Language>,
    ) -> Vec<EventRegistrationHistoryEntry> {
        let lang = language::effective(ctx, lang);
        self.data
            .history
            .iter()
            .map(|h| {
                let said = non_empty(&h.note).map(|n| language::say(n, lang));
                EventRegistrationHistoryEntry {
                    action: h.action.clone(),
                    from: reg_state_named(&h.from_state),
                    to: reg_state_named(&h.to_state),
                    actor: Person {
                        subject: h.actor_subject.clone(),
                        name: h.actor_name.clone(),
                    },
                    at: datetime(h.at.as_ref()),
                    note: said.as_ref().map(|(text, _)| text.clone()),
                    note_key: said.and_then(|(_, key)| key),
                }
            })
            .collect()
    }
}

/// A contribution to an event's call for presentations.
pub struct Contribution {
    data: pb::Contribution,
    loaders: Arc<EventLoaders>,
}

/// A contribution to an event's call for presentations.
#[Object]
impl Contribution {
    /// Contribution id.
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }

    /// The event.
    async fn event(&self) -> Result<Option<Event>> {
        Ok(self
            .loaders
            .events()
            .load_one(self.data.event_id.clone())
            .await?
            .map(|data| Event {
                data,
                loaders: self.loaders.clone(),
            }))
    }

    /// Review state.
    async fn state(&self) -> Result<ContributionState> {
        ContributionState::from_proto(self.data.state)
    }

    /// Title in `lang`, with the usual fallback.
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.data.title.as_ref(), language::effective(ctx, lang))
    }

    /// Abstract in `lang`, with the usual fallback.
    #[graphql(name = "abstract")]
    async fn abstract_text(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(
            self.data.abstract_text.as_ref(),
            language::effective(ctx, lang),
        )
    }

    /// Presenter.
    async fn presenter_name(&self) -> &str {
        &self.data.presenter_name
    }

    /// Subject of who submitted it.
    async fn submitter_subject(&self) -> &str {
        &self.data.submitter_subject
    }

    /// Their organisation code.
    async fn submitter_org(&self) -> &str {
        &self.data.submitter_org
    }

    /// Ids of the research service's best practices it draws on.
    async fn practice_ids(&self) -> Vec<ID> {
        self.data.practice_ids.iter().cloned().map(ID).collect()
    }

    /// Those best practices, as the research service shows them to the caller (ones the
    /// caller may not see are left out); loaded in one call for all contributions.
    async fn practices(&self, ctx: &Context<'_>) -> Result<Vec<Practice>> {
        let research = self.loaders.research(ctx)?;
        Ok(research
            .load_practices(&self.data.practice_ids)
            .await?
            .into_iter()
            .map(|p| Practice(p, research.clone()))
            .collect())
    }

    /// The reviewer's note.
    async fn review_note(&self) -> Option<&str> {
        non_empty(&self.data.review_note)
    }

    /// Optimistic-concurrency version.
    async fn version(&self) -> Result<i32> {
        version_out(self.data.version)
    }

    /// When it was submitted.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.data.updated_at.as_ref())
    }
}

/// A local government's request for a glocalization lecture.
pub struct LectureRequest {
    data: pb::LectureRequest,
    loaders: Arc<EventLoaders>,
}

/// A local government's request for a glocalization lecture.
#[Object]
impl LectureRequest {
    /// Request id.
    async fn id(&self) -> ID {
        ID(self.data.id.clone())
    }

    /// The requesting local government.
    async fn local_government(&self, ctx: &Context<'_>) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &self.data.local_government_code).await
    }

    /// Who asked.
    async fn requester(&self) -> Person {
        Person {
            subject: self.data.requester_subject.clone(),
            name: self.data.requester_name.clone(),
        }
    }

    /// Theme, e.g. "International etiquette and protocol".
    async fn theme(&self) -> &str {
        &self.data.theme
    }

    /// Preferred days.
    async fn preferred_dates(&self) -> Vec<Date> {
        self.data
            .preferred_dates
            .iter()
            .filter_map(|d| date_out(d))
            .collect()
    }

    /// Venue chosen by the local government.
    async fn venue(&self) -> &str {
        &self.data.venue
    }

    /// The year it counts against the lecture series' quota.
    async fn year(&self) -> i32 {
        self.data.year
    }

    /// Where it is.
    async fn state(&self) -> Result<LectureRequestState> {
        LectureRequestState::from_proto(self.data.state)
    }

    /// The scheduled lecture event.
    async fn event(&self) -> Result<Option<Event>> {
        if self.data.event_id.is_empty() {
            return Ok(None);
        }
        Ok(self
            .loaders
            .events()
            .load_one(self.data.event_id.clone())
            .await?
            .map(|data| Event {
                data,
                loaders: self.loaders.clone(),
            }))
    }

    /// Why the bureau declined it.
    async fn decline_reason(&self) -> Option<&str> {
        non_empty(&self.data.decline_reason)
    }

    /// Optimistic-concurrency version.
    async fn version(&self) -> Result<i32> {
        version_out(self.data.version)
    }

    /// When it was made.
    async fn created_at(&self) -> Option<DateTime> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime> {
        datetime(self.data.updated_at.as_ref())
    }
}

/// One event in a page, with its cursor.
#[derive(SimpleObject)]
pub struct EventEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The event.
    pub node: Event,
}

/// A page of events, by start date.
#[derive(SimpleObject)]
pub struct EventConnection {
    /// The events of this page.
    pub edges: Vec<EventEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many events match the filter in all.
    pub total_count: i32,
}

/// One registration in a page, with its cursor.
#[derive(SimpleObject)]
pub struct EventRegistrationEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The registration.
    pub node: EventRegistration,
}

/// A page of registrations, oldest first.
#[derive(SimpleObject)]
pub struct EventRegistrationConnection {
    /// The registrations of this page.
    pub edges: Vec<EventRegistrationEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
}

/// One lecture request in a page, with its cursor.
#[derive(SimpleObject)]
pub struct LectureRequestEdge {
    /// Opaque cursor.
    pub cursor: String,
    /// The request.
    pub node: LectureRequest,
}

/// A page of lecture requests, oldest first.
#[derive(SimpleObject)]
pub struct LectureRequestConnection {
    /// The requests of this page.
    pub edges: Vec<LectureRequestEdge>,
    /// Where this page ends.
    pub page_info: PageInfo,
    /// How many match in all.
    pub total_count: i32,
}

/// A lecture request and the event it was scheduled as.
#[derive(SimpleObject)]
pub struct ScheduleLecturePayload {
    /// The lecture request, now SCHEDULED.
    pub lecture_request: LectureRequest,
    /// The new lecture event (PUBLISHED).
    pub event: Event,
}

// ----- roots ----------------------------------------------------------------------------

fn event(data: pb::Event, loaders: &Arc<EventLoaders>) -> Event {
    Event {
        data,
        loaders: loaders.clone(),
    }
}

/// The event `id` through the request's batched `BatchGetEvents` loader (federation
/// entities); `None` when the caller may not see it.
pub(crate) async fn load_event(ctx: &Context<'_>, id: String) -> Result<Option<Event>> {
    let loaders = EventLoaders::new(ctx)?;
    let found = loaders.events().load_one(id).await?;
    Ok(found.map(|data| event(data, &loaders)))
}

fn registration(data: pb::Registration, loaders: &Arc<EventLoaders>) -> EventRegistration {
    EventRegistration {
        data,
        loaders: loaders.clone(),
    }
}

fn contribution(data: pb::Contribution, loaders: &Arc<EventLoaders>) -> Contribution {
    Contribution {
        data,
        loaders: loaders.clone(),
    }
}

fn lecture(data: pb::LectureRequest, loaders: &Arc<EventLoaders>) -> LectureRequest {
    LectureRequest {
        data,
        loaders: loaders.clone(),
    }
}

/// Event queries. Anonymous callers see published events and their timetables.
#[derive(Default)]
pub struct EventsQuery;

/// Event mutations (POST only).
#[derive(Default)]
pub struct EventsMutation;
