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

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use glocal_proto::common::v1::{LocalizedText, PageRequest};
use glocal_proto::events::v1 as pb;
use glocal_proto::events::v1::events_service_client::EventsServiceClient;
use tonic::transport::Channel;
use tracing::Instrument;

use super::directory::{LocalGovernment, load_local_government};
use super::language::{self, Language};
use super::loader_base::LoaderBase;
use super::requests::{PageInfo, Person};
use super::research::Practice;
use super::research_loaders::ResearchLoaders;
use super::scalars::Date;
use super::{Services, caller, datetime, non_empty, timestamp};
use crate::entity_cache::{EntityCache, EntityKind};
use crate::error;

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

fn client(ctx: &Context<'_>) -> Result<(EventsServiceClient<Channel>, Services)> {
    let services = ctx.data::<Services>()?.clone();
    Ok((EventsServiceClient::new(services.events.clone()), services))
}

/// An events-service client and `message` wrapped with the caller, trace context and deadline.
fn call<T>(
    ctx: &Context<'_>,
    message: T,
) -> Result<(EventsServiceClient<Channel>, tonic::Request<T>)> {
    let (client, services) = client(ctx)?;
    let request = glocal_kit::grpc::request(message, caller(ctx), services.timeout);
    Ok((client, request))
}

/// A read from the events service: [`super::read`], retried on UNAVAILABLE.
async fn read<M, R, F, Fut>(
    ctx: &Context<'_>,
    method: &'static str,
    message: M,
    call: F,
) -> Result<tonic::Response<R>, tonic::Status>
where
    M: Clone,
    F: FnMut(EventsServiceClient<Channel>, tonic::Request<M>) -> Fut,
    Fut: std::future::Future<Output = Result<tonic::Response<R>, tonic::Status>>,
{
    super::read(
        ctx,
        method,
        |s| EventsServiceClient::new(s.events.clone()),
        message,
        call,
    )
    .await
}

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

// ----- loaders ----------------------------------------------------------------------

/// The DataLoaders shared by the objects of one root field (they carry its caller).
pub struct EventLoaders {
    sessions: DataLoader<SessionLoader>,
    contributions: DataLoader<ContributionLoader>,
    events: DataLoader<EventLoader>,
    series: DataLoader<SeriesLoader>,
    research: Arc<ResearchLoaders>,
}

impl EventLoaders {
    /// The request's shared loaders (see [`super::SharedLoaders`]), or a fresh set.
    pub(crate) fn new(ctx: &Context<'_>) -> Result<Arc<EventLoaders>> {
        super::SharedLoaders::get_or_make(ctx, |s| &s.events, || EventLoaders::make(ctx))
    }

    fn make(ctx: &Context<'_>) -> Result<Arc<EventLoaders>> {
        let base = Base::of(ctx, |s| EventsServiceClient::new(s.events.clone()))?;
        Ok(Arc::new(EventLoaders {
            sessions: DataLoader::new(SessionLoader(base.clone()), |f| {
                tokio::spawn(f.in_current_span())
            }),
            contributions: DataLoader::new(ContributionLoader(base.clone()), |f| {
                tokio::spawn(f.in_current_span())
            }),
            events: DataLoader::new(EventLoader(base.clone()), |f| {
                tokio::spawn(f.in_current_span())
            }),
            series: DataLoader::new(SeriesLoader(base), |f| tokio::spawn(f.in_current_span())),
            research: ResearchLoaders::new(ctx)?,
        }))
    }
}

/// The events client with the request's caller, retry policy and entity cache (public
/// events and series by id, see [`EntityCache`]).
type Base = LoaderBase<EventsServiceClient<Channel>>;

/// An event's sessions by event id (`ListSessions` for the whole batch).
struct SessionLoader(Base);

impl Loader<String> for SessionLoader {
    type Value = Vec<pb::Session>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, Vec<pb::Session>>> {
        let message = pb::ListSessionsRequest {
            event_ids: ids.to_vec(),
        };
        let response = self
            .0
            .read("ListSessions", message, |mut client, request| async move {
                client.list_sessions(request).await
            })
            .await
            .map_err(error::remote)?;
        let mut out: HashMap<String, Vec<pb::Session>> = HashMap::new();
        for s in response.into_inner().sessions {
            out.entry(s.event_id.clone()).or_default().push(s);
        }
        Ok(out)
    }
}

/// An event's contributions visible to the caller, by event id (`ListContributions`).
struct ContributionLoader(Base);

impl Loader<String> for ContributionLoader {
    type Value = Vec<pb::Contribution>;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, Vec<pb::Contribution>>> {
        let message = pb::ListContributionsRequest {
            event_ids: ids.to_vec(),
            mine: false,
        };
        let response = self
            .0
            .read(
                "ListContributions",
                message,
                |mut client, request| async move { client.list_contributions(request).await },
            )
            .await
            .map_err(error::remote)?;
        let mut out: HashMap<String, Vec<pb::Contribution>> = HashMap::new();
        for c in response.into_inner().contributions {
            out.entry(c.event_id.clone()).or_default().push(c);
        }
        Ok(out)
    }
}

/// Events by id (`BatchGetEvents`).
struct EventLoader(Base);

impl Loader<String> for EventLoader {
    type Value = pb::Event;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Event>> {
        self.0
            .cached(EntityKind::Event, ids, |ids| async move {
                let message = pb::BatchGetEventsRequest { ids };
                let response = self
                    .0
                    .read(
                        "BatchGetEvents",
                        message,
                        |mut client, request| async move { client.batch_get_events(request).await },
                    )
                    .await
                    .map_err(error::remote)?;
                Ok(response
                    .into_inner()
                    .events
                    .into_iter()
                    .map(|e| (e.id.clone(), e))
                    .collect())
            })
            .await
    }
}

/// Series by id (`ListSeries`: the list is short and public).
struct SeriesLoader(Base);

impl Loader<String> for SeriesLoader {
    type Value = pb::Series;
    type Error = async_graphql::Error;

    async fn load(&self, ids: &[String]) -> Result<HashMap<String, pb::Series>> {
        self.0
            .cached(EntityKind::Series, ids, |ids| async move {
                let message = pb::ListSeriesRequest {};
                let response = self
                    .0
                    .read("ListSeries", message, |mut client, request| async move {
                        client.list_series(request).await
                    })
                    .await
                    .map_err(error::remote)?;
                Ok(response
                    .into_inner()
                    .series
                    .into_iter()
                    .filter(|s| ids.contains(&s.id))
                    .map(|s| (s.id.clone(), s))
                    .collect())
            })
            .await
    }
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

    /// The country whose turn it is to host the next edition.
    async fn next_host_country(&self) -> Option<&str> {
        non_empty(&self.0.next_host_country)
    }

    /// Path of the series' iCalendar feed (RFC 5545) on this gateway.
    async fn calendar_url(&self) -> String {
        format!("/calendar/series/{}.ics", self.0.id)
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
            .series
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
    async fn registration_opens_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.registration_opens_at.as_ref())
    }

    /// When registration closes (null: when the bureau closes it).
    async fn registration_closes_at(&self) -> Option<DateTime<Utc>> {
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
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.updated_at.as_ref())
    }

    /// The timetable, by start time.
    async fn sessions(&self) -> Result<Vec<EventSession>> {
        Ok(self
            .loaders
            .sessions
            .load_one(self.data.id.clone())
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(EventSession)
            .collect())
    }

    /// Contributions the caller may see: accepted ones for everyone, their own for
    /// submitters, all for the bureau.
    async fn contributions(&self) -> Result<Vec<Contribution>> {
        Ok(self
            .loaders
            .contributions
            .load_one(self.data.id.clone())
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|data| Contribution {
                data,
                loaders: self.loaders.clone(),
            })
            .collect())
    }

    /// Path of the event's iCalendar feed (RFC 5545) on this gateway.
    async fn calendar_url(&self) -> String {
        format!("/calendar/events/{}.ics", self.data.id)
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
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.0.starts_at.as_ref())
    }

    /// End (UTC).
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
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
    pub at: Option<DateTime<Utc>>,
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
    pub at: Option<DateTime<Utc>>,
    /// Note.
    pub note: Option<String>,
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
            .events
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
    async fn registrant(&self) -> Person {
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
    async fn attendee_name(&self) -> &str {
        &self.data.attendee_name
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
    async fn members(&self) -> &[String] {
        &self.data.members
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
    async fn offer_expires_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.offer_expires_at.as_ref())
    }

    /// Optimistic-concurrency version: pass it to `cancelRegistration` and `acceptOffer`.
    async fn version(&self) -> Result<i32> {
        version_out(self.data.version)
    }

    /// When it was made.
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.updated_at.as_ref())
    }

    /// Check-ins, oldest first.
    async fn check_ins(&self) -> Vec<EventCheckIn> {
        self.data
            .check_ins
            .iter()
            .map(|c| EventCheckIn {
                day: date_out(&c.day),
                attendee: c.attendee.clone(),
                at: datetime(c.at.as_ref()),
                by: c.by_subject.clone(),
            })
            .collect()
    }

    /// The audit history, oldest first.
    async fn history(&self) -> Vec<EventRegistrationHistoryEntry> {
        self.data
            .history
            .iter()
            .map(|h| EventRegistrationHistoryEntry {
                action: h.action.clone(),
                from: reg_state_named(&h.from_state),
                to: reg_state_named(&h.to_state),
                actor: Person {
                    subject: h.actor_subject.clone(),
                    name: h.actor_name.clone(),
                },
                at: datetime(h.at.as_ref()),
                note: non_empty(&h.note).map(str::to_owned),
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
            .events
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
    async fn practices(&self) -> Result<Vec<Practice>> {
        Ok(self
            .loaders
            .research
            .load_practices(&self.data.practice_ids)
            .await?
            .into_iter()
            .map(|p| Practice(p, self.loaders.research.clone()))
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
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
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
            .events
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
    async fn created_at(&self) -> Option<DateTime<Utc>> {
        datetime(self.data.created_at.as_ref())
    }

    /// When it last changed.
    async fn updated_at(&self) -> Option<DateTime<Utc>> {
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
    pub registration_opens_at: Option<DateTime<Utc>>,
    /// When registration closes.
    pub registration_closes_at: Option<DateTime<Utc>>,
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
    pub starts_at: DateTime<Utc>,
    /// End.
    pub ends_at: DateTime<Utc>,
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

/// Schedules a lecture request as an event (bureau), within the series' yearly quota.
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
    let found = loaders.events.load_one(id).await?;
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

#[Object]
impl EventsQuery {
    /// Events the caller may see, by start date, as a Relay connection.
    async fn events(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<EventConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListEventsRequest {
            filter: Some(pb::EventFilter {
                kinds: f
                    .kinds
                    .unwrap_or_default()
                    .into_iter()
                    .map(EventKind::to_proto)
                    .collect(),
                states: f
                    .states
                    .unwrap_or_default()
                    .into_iter()
                    .map(EventState::to_proto)
                    .collect(),
                series_id: f.series_id.map(|s| s.0).unwrap_or_default(),
                host_country: f.host_country.unwrap_or_default(),
                from_date: f.from_date.map(|d| d.to_string()).unwrap_or_default(),
                to_date: f.to_date.map(|d| d.to_string()).unwrap_or_default(),
            }),
            page: Some(PageRequest {
                first: first_in(first)?,
                after: after.unwrap_or_default(),
            }),
        };
        let response = read(
            ctx,
            "ListEvents",
            message,
            |mut client, request| async move { client.list_events(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        if response.cursors.len() != response.events.len() {
            return Err(error::internal("ListEvents returned mismatched cursors"));
        }
        let loaders = EventLoaders::new(ctx)?;
        let page_info = page_info(response.page_info, &response.cursors);
        Ok(EventConnection {
            edges: response
                .events
                .into_iter()
                .zip(response.cursors)
                .map(|(data, cursor)| EventEdge {
                    cursor,
                    node: event(data, &loaders),
                })
                .collect(),
            page_info,
            total_count: i32::try_from(response.total_count).unwrap_or(i32::MAX),
        })
    }

    /// One event the caller may see, with its timetable.
    async fn event(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Event>> {
        let fetch = || async {
            Ok(read(
                ctx,
                "GetEvent",
                pb::GetEventRequest { id: id.0.clone() },
                |mut client, request| async move { client.get_event(request).await },
            )
            .await
            .map_err(error::remote)?
            .into_inner())
        };
        let data = match ctx.data_opt::<EntityCache>() {
            Some(entities) => {
                entities
                    .one(EntityKind::Event, caller(ctx), &id.0, fetch)
                    .await?
            }
            None => fetch().await?,
        };
        Ok(Some(event(data, &EventLoaders::new(ctx)?)))
    }

    /// Every series, by code.
    async fn series(&self, ctx: &Context<'_>) -> Result<Vec<EventSeries>> {
        Ok(read(
            ctx,
            "ListSeries",
            pb::ListSeriesRequest {},
            |mut client, request| async move { client.list_series(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner()
        .series
        .into_iter()
        .map(EventSeries)
        .collect())
    }

    /// One registration: the caller's own, or any for the bureau.
    #[graphql(inaccessible)]
    async fn event_registration(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<EventRegistration>> {
        let data = read(
            ctx,
            "GetRegistration",
            pb::GetRegistrationRequest { id: id.0 },
            |mut client, request| async move { client.get_registration(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        Ok(Some(registration(data, &EventLoaders::new(ctx)?)))
    }

    /// Registrations, oldest first: the caller's own, or (bureau) any.
    #[graphql(inaccessible)]
    async fn event_registrations(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventRegistrationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<EventRegistrationConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListRegistrationsRequest {
            filter: Some(pb::RegistrationFilter {
                event_id: f.event_id.map(|e| e.0).unwrap_or_default(),
                states: f
                    .states
                    .unwrap_or_default()
                    .into_iter()
                    .map(EventRegistrationState::to_proto)
                    .collect(),
                mine: f.mine,
            }),
            page: Some(PageRequest {
                first: first_in(first)?,
                after: after.unwrap_or_default(),
            }),
        };
        let response = read(
            ctx,
            "ListRegistrations",
            message,
            |mut client, request| async move { client.list_registrations(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        if response.cursors.len() != response.registrations.len() {
            return Err(error::internal(
                "ListRegistrations returned mismatched cursors",
            ));
        }
        let loaders = EventLoaders::new(ctx)?;
        let page_info = page_info(response.page_info, &response.cursors);
        Ok(EventRegistrationConnection {
            edges: response
                .registrations
                .into_iter()
                .zip(response.cursors)
                .map(|(data, cursor)| EventRegistrationEdge {
                    cursor,
                    node: registration(data, &loaders),
                })
                .collect(),
            page_info,
            total_count: i32::try_from(response.total_count).unwrap_or(i32::MAX),
        })
    }

    /// The caller's own contributions, in every state.
    #[graphql(inaccessible)]
    async fn my_contributions(&self, ctx: &Context<'_>) -> Result<Vec<Contribution>> {
        let message = pb::ListContributionsRequest {
            event_ids: Vec::new(),
            mine: true,
        };
        let loaders = EventLoaders::new(ctx)?;
        Ok(read(
            ctx,
            "ListContributions",
            message,
            |mut client, request| async move { client.list_contributions(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner()
        .contributions
        .into_iter()
        .map(|c| contribution(c, &loaders))
        .collect())
    }

    /// Lecture requests, oldest first: a local official's own local government's, or
    /// (bureau) all.
    #[graphql(inaccessible)]
    async fn lecture_requests(
        &self,
        ctx: &Context<'_>,
        filter: Option<LectureRequestFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<LectureRequestConnection> {
        let f = filter.unwrap_or_default();
        let message = pb::ListLectureRequestsRequest {
            states: f
                .states
                .unwrap_or_default()
                .into_iter()
                .map(LectureRequestState::to_proto)
                .collect(),
            year: f.year.unwrap_or(0),
            page: Some(PageRequest {
                first: first_in(first)?,
                after: after.unwrap_or_default(),
            }),
        };
        let response = read(
            ctx,
            "ListLectureRequests",
            message,
            |mut client, request| async move { client.list_lecture_requests(request).await },
        )
        .await
        .map_err(error::remote)?
        .into_inner();
        if response.cursors.len() != response.lecture_requests.len() {
            return Err(error::internal(
                "ListLectureRequests returned mismatched cursors",
            ));
        }
        let loaders = EventLoaders::new(ctx)?;
        let page_info = page_info(response.page_info, &response.cursors);
        Ok(LectureRequestConnection {
            edges: response
                .lecture_requests
                .into_iter()
                .zip(response.cursors)
                .map(|(data, cursor)| LectureRequestEdge {
                    cursor,
                    node: lecture(data, &loaders),
                })
                .collect(),
            page_info,
            total_count: i32::try_from(response.total_count).unwrap_or(i32::MAX),
        })
    }
}

/// Event mutations (POST only).
#[derive(Default)]
pub struct EventsMutation;

#[Object]
impl EventsMutation {
    /// Creates a series (bureau). Idempotent per key.
    async fn create_event_series(
        &self,
        ctx: &Context<'_>,
        input: CreateEventSeriesInput,
    ) -> Result<EventSeries> {
        let message = pb::CreateSeriesRequest {
            idempotency_key: input.idempotency_key,
            code: input.code,
            kind: input.kind.to_proto(),
            title: text_in(input.title),
            description: text_in(input.description),
            rotation: input.rotation,
            yearly_quota: count_in(input.yearly_quota, "yearlyQuota")?,
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(EventSeries(
            client
                .create_series(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Creates an event in DRAFT (bureau). Idempotent per key.
    async fn create_event(&self, ctx: &Context<'_>, input: CreateEventInput) -> Result<Event> {
        let message = pb::CreateEventRequest {
            idempotency_key: input.idempotency_key,
            series_id: input.series_id.map(|s| s.0).unwrap_or_default(),
            kind: input.kind.map_or(0, EventKind::to_proto),
            title: text_in(input.title),
            description: text_in(input.description),
            host_country: input.host_country,
            host_city: input.host_city,
            host_organization: input.host_organization,
            host_local_government_code: input.host_local_government_code.unwrap_or_default(),
            venue: input.venue,
            time_zone: input.time_zone,
            start_date: input.start_date.to_string(),
            end_date: input.end_date.to_string(),
            working_languages: input.working_languages,
            interpretation_languages: input.interpretation_languages,
            capacity: count_in(Some(input.capacity), "capacity")?,
            registration_opens_at: input.registration_opens_at.map(timestamp),
            registration_closes_at: input.registration_closes_at.map(timestamp),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .create_event(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(event(data, &EventLoaders::new(ctx)?))
    }

    /// Publishes, opens or closes registration, starts, completes or cancels an event
    /// (bureau), given the version the caller saw.
    async fn change_event_state(
        &self,
        ctx: &Context<'_>,
        input: ChangeEventStateInput,
    ) -> Result<Event> {
        let message = pb::TransitionEventRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            action: input.action.to_proto(),
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .transition_event(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(event(data, &EventLoaders::new(ctx)?))
    }

    /// Adds a session to an event's timetable (bureau). Idempotent per key.
    async fn add_event_session(
        &self,
        ctx: &Context<'_>,
        input: AddEventSessionInput,
    ) -> Result<EventSession> {
        let message = pb::AddSessionRequest {
            idempotency_key: input.idempotency_key,
            event_id: input.event_id.0,
            kind: input.kind.to_proto(),
            title: text_in(input.title),
            room: input.room,
            speakers: input
                .speakers
                .into_iter()
                .map(|s| pb::Speaker {
                    name: s.name,
                    affiliation: s.affiliation.unwrap_or_default(),
                })
                .collect(),
            interpretation_languages: input.interpretation_languages,
            starts_at: Some(timestamp(input.starts_at)),
            ends_at: Some(timestamp(input.ends_at)),
        };
        let (mut client, request) = call(ctx, message)?;
        Ok(EventSession(
            client
                .add_session(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Removes a session (bureau); returns its id.
    async fn remove_event_session(&self, ctx: &Context<'_>, id: ID) -> Result<ID> {
        let (mut client, request) = call(ctx, pb::RemoveSessionRequest { id: id.0 })?;
        Ok(ID(client
            .remove_session(request)
            .await
            .map_err(error::remote)?
            .into_inner()
            .id))
    }

    /// Registers the caller (or a delegation): CONFIRMED while seats are free and nobody
    /// waits, else WAITLISTED. Idempotent per key.
    async fn register_for_event(
        &self,
        ctx: &Context<'_>,
        input: RegisterForEventInput,
    ) -> Result<EventRegistration> {
        let message = pb::RegisterRequest {
            idempotency_key: input.idempotency_key,
            event_id: input.event_id.0,
            kind: input.kind.to_proto(),
            attendee_name: input.attendee_name.unwrap_or_default(),
            country: input.country.unwrap_or_default(),
            organization: input.organization.unwrap_or_default(),
            head_of_delegation: input.head_of_delegation.unwrap_or_default(),
            members: input.members,
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .register(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(registration(data, &EventLoaders::new(ctx)?))
    }

    /// Cancels a registration; freed seats are offered to the first in line.
    async fn cancel_registration(
        &self,
        ctx: &Context<'_>,
        input: CancelRegistrationInput,
    ) -> Result<EventRegistration> {
        let message = pb::CancelRegistrationRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            reason: input.reason.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .cancel_registration(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(registration(data, &EventLoaders::new(ctx)?))
    }

    /// Takes the seats offered to the caller's waitlisted registration, before the offer
    /// lapses.
    async fn accept_offer(
        &self,
        ctx: &Context<'_>,
        input: AcceptOfferInput,
    ) -> Result<EventRegistration> {
        let message = pb::AcceptOfferRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .accept_offer(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(registration(data, &EventLoaders::new(ctx)?))
    }

    /// Checks an attendee in on one day of an ongoing event (bureau).
    async fn check_in(&self, ctx: &Context<'_>, input: CheckInInput) -> Result<EventRegistration> {
        let message = pb::CheckInRequest {
            registration_id: input.registration_id.0,
            day: input.day.map(|d| d.to_string()).unwrap_or_default(),
            attendee: input.attendee.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .check_in(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(registration(data, &EventLoaders::new(ctx)?))
    }

    /// Submits a contribution to an event's call for presentations. Idempotent per key.
    async fn submit_contribution(
        &self,
        ctx: &Context<'_>,
        input: SubmitContributionInput,
    ) -> Result<Contribution> {
        let message = pb::SubmitContributionRequest {
            idempotency_key: input.idempotency_key,
            event_id: input.event_id.0,
            title: text_in(input.title),
            abstract_text: text_in(input.abstract_text),
            presenter_name: input.presenter_name.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .submit_contribution(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(contribution(data, &EventLoaders::new(ctx)?))
    }

    /// Accepts (with the best practices it draws on) or rejects a contribution (bureau).
    async fn review_contribution(
        &self,
        ctx: &Context<'_>,
        input: ReviewContributionInput,
    ) -> Result<Contribution> {
        let message = pb::ReviewContributionRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            decision: input.decision.to_proto(),
            note: input.note.unwrap_or_default(),
            practice_ids: input.practice_ids.into_iter().map(|p| p.0).collect(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .review_contribution(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(contribution(data, &EventLoaders::new(ctx)?))
    }

    /// Withdraws the caller's contribution.
    async fn withdraw_contribution(
        &self,
        ctx: &Context<'_>,
        input: WithdrawContributionInput,
    ) -> Result<Contribution> {
        let message = pb::WithdrawContributionRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .withdraw_contribution(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(contribution(data, &EventLoaders::new(ctx)?))
    }

    /// Replaces the best practices an accepted contribution draws on (bureau).
    async fn link_contribution_practices(
        &self,
        ctx: &Context<'_>,
        input: LinkPracticesInput,
    ) -> Result<Contribution> {
        let message = pb::LinkPracticesRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            practice_ids: input.practice_ids.into_iter().map(|p| p.0).collect(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .link_practices(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(contribution(data, &EventLoaders::new(ctx)?))
    }

    /// Asks the bureau for a glocalization lecture. Idempotent per key.
    async fn request_lecture(
        &self,
        ctx: &Context<'_>,
        input: RequestLectureInput,
    ) -> Result<LectureRequest> {
        let message = pb::RequestLectureRequest {
            idempotency_key: input.idempotency_key,
            theme: input.theme,
            preferred_dates: input
                .preferred_dates
                .into_iter()
                .map(|d| d.to_string())
                .collect(),
            venue: input.venue,
            local_government_code: input.local_government_code.unwrap_or_default(),
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .request_lecture(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(lecture(data, &EventLoaders::new(ctx)?))
    }

    /// Schedules a lecture request as a published lecture event (bureau), within the
    /// series' yearly quota.
    async fn schedule_lecture(
        &self,
        ctx: &Context<'_>,
        input: ScheduleLectureInput,
    ) -> Result<ScheduleLecturePayload> {
        let message = pb::ScheduleLectureRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            series_id: input.series_id.0,
            date: input.date.map(|d| d.to_string()).unwrap_or_default(),
            title: input.title.and_then(text_in),
            capacity: count_in(input.capacity, "capacity")?,
            host_city: input.host_city,
        };
        let (mut client, request) = call(ctx, message)?;
        let response = client
            .schedule_lecture(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        let loaders = EventLoaders::new(ctx)?;
        let (Some(l), Some(e)) = (response.lecture_request, response.event) else {
            return Err(error::internal(
                "ScheduleLecture returned no request or event",
            ));
        };
        Ok(ScheduleLecturePayload {
            lecture_request: lecture(l, &loaders),
            event: event(e, &loaders),
        })
    }

    /// Declines a lecture request, with a reason (bureau).
    async fn decline_lecture(
        &self,
        ctx: &Context<'_>,
        input: DeclineLectureInput,
    ) -> Result<LectureRequest> {
        let message = pb::DeclineLectureRequest {
            id: input.id.0,
            version: version_in(input.version, "version")?,
            reason: input.reason,
        };
        let (mut client, request) = call(ctx, message)?;
        let data = client
            .decline_lecture(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(lecture(data, &EventLoaders::new(ctx)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_value_has_its_proto_twin() {
        fn check<T: Copy + PartialEq + std::fmt::Debug>(
            all: &[T],
            to: fn(T) -> i32,
            from: fn(i32) -> Result<T>,
        ) {
            for &v in all {
                assert_ne!(to(v), 0, "{v:?}");
                assert_eq!(from(to(v)).unwrap(), v);
            }
        }
        check(EventKind::ALL, EventKind::to_proto, EventKind::from_proto);
        check(
            EventState::ALL,
            EventState::to_proto,
            EventState::from_proto,
        );
        check(
            EventAction::ALL,
            EventAction::to_proto,
            EventAction::from_proto,
        );
        check(
            EventSessionKind::ALL,
            EventSessionKind::to_proto,
            EventSessionKind::from_proto,
        );
        check(
            EventRegistrationKind::ALL,
            EventRegistrationKind::to_proto,
            EventRegistrationKind::from_proto,
        );
        check(
            EventRegistrationState::ALL,
            EventRegistrationState::to_proto,
            EventRegistrationState::from_proto,
        );
        check(
            ContributionState::ALL,
            ContributionState::to_proto,
            ContributionState::from_proto,
        );
        check(
            ContributionDecision::ALL,
            ContributionDecision::to_proto,
            ContributionDecision::from_proto,
        );
        check(
            LectureRequestState::ALL,
            LectureRequestState::to_proto,
            LectureRequestState::from_proto,
        );
        assert!(EventState::from_proto(0).is_err());
        assert_eq!(
            reg_state_named("OFFERED"),
            Some(EventRegistrationState::Offered)
        );
        assert_eq!(reg_state_named(""), None);
    }

    #[test]
    fn negative_counts_and_versions_name_their_field() {
        let e = count_in(Some(-1), "capacity").unwrap_err();
        assert_eq!(
            e.extensions.as_ref().and_then(|x| x.get("field")).cloned(),
            Some(async_graphql::Value::from("capacity"))
        );
        assert!(version_in(0, "version").is_err());
        assert_eq!(version_in(3, "version").unwrap(), 3);
    }
}
