//! The tonic adapter: proto → domain (bad input is BAD_USER_INPUT naming the field), call
//! the service, domain → proto, error → status. No rules live here.

use chrono::NaiveDate;
use glocal_kit::grpc::{bad, caller, from_opt_ts, period_in, period_out, status, ts};
use glocal_proto::common::v1 as common;
use glocal_proto::events::v1 as pb;
use glocal_proto::events::v1::events_service_server::{EventsService, EventsServiceServer};
use tonic::{Request, Response, Status};

use crate::domain::{
    ContributionAction, ContributionDraft, ContributionState, CountryCode, EntityId, EventAction,
    EventDraft, EventKind, EventState, InvalidInput, LectureDraft, LectureState, LocalizedText,
    PracticeIds, RegistrationDraft, RegistrationKind, RegistrationState, SeriesDraft, SessionDraft,
    SessionKind, SpeakerDraft, TextDraft, Version, parse_date,
};
use crate::error::EventsError;
use crate::service::{
    self, EventFilter, EventListParts, EventOffice, LectureFilter, PageRequest, RegistrationFilter,
    ScheduleDraft,
};

/// The gRPC face of [`EventOffice`].
#[derive(Debug, Clone)]
pub struct GrpcService {
    office: EventOffice,
}

impl GrpcService {
    /// Wraps the service.
    pub fn new(office: EventOffice) -> Self {
        GrpcService { office }
    }

    /// The tonic server for this adapter.
    pub fn into_server(self) -> EventsServiceServer<GrpcService> {
        EventsServiceServer::new(self)
    }
}

mod guests;
mod statistics;

type GrpcResult<T> = Result<Response<T>, Status>;

fn id(s: &str, field: &str) -> Result<EntityId, Status> {
    EntityId::parse(s, field).map_err(bad)
}

fn ids(list: &[String], field: &str) -> Result<Vec<EntityId>, Status> {
    list.iter()
        .enumerate()
        .map(|(i, s)| id(s, &format!("{field}[{i}]")))
        .collect()
}

fn version(v: i64) -> Result<Version, Status> {
    Version::parse(v).map_err(bad)
}

fn opt_date(s: &str, field: &str) -> Result<Option<NaiveDate>, Status> {
    if s.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(s, field).map(Some).map_err(bad)
    }
}

fn opt_text(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// The caller's display name, which stands in for a missing attendee or presenter name: a
/// registration or contribution cannot be read without knowing who sends it, so an anonymous
/// one is UNAUTHENTICATED before its fields are looked at (as the service would answer).
fn caller_name(caller: Option<&glocal_kit::Caller>) -> Result<&str, Status> {
    caller
        .map(|c| c.name.as_str())
        .ok_or_else(|| status(EventsError::Unauthenticated))
}

fn text_in(t: Option<common::LocalizedText>) -> TextDraft {
    let t = t.unwrap_or_default();
    TextDraft {
        ko: t.ko,
        en: t.en,
        zh: t.zh,
        ja: t.ja,
    }
}

fn text_out(t: &LocalizedText) -> Option<common::LocalizedText> {
    Some(common::LocalizedText {
        ko: t.ko().to_owned(),
        en: t.en().to_owned(),
        zh: t.zh().to_owned(),
        ja: t.ja().to_owned(),
    })
}

fn page_in(p: Option<common::PageRequest>) -> PageRequest {
    p.map(PageRequest::from).unwrap_or_default()
}

/// Maps a domain enum to its proto enum by name (`EVENT_STATE_` + `PUBLISHED`) and back.
macro_rules! enum_map {
    ($to:ident, $from:ident, $domain:ty, $pb:ty, $prefix:literal) => {
        fn $to(v: $domain) -> i32 {
            <$pb>::from_str_name(&format!(
                concat!($prefix, "{}"),
                v.as_str().to_ascii_uppercase()
            ))
            .map_or(0, |p| p as i32)
        }

        /// `None` for UNSPECIFIED; BAD_USER_INPUT on `field` for an unknown number.
        #[cfg_attr(not(test), allow(dead_code))]
        fn $from(v: i32, field: &str) -> Result<Option<$domain>, Status> {
            if v == 0 {
                return Ok(None);
            }
            <$domain>::ALL
                .iter()
                .copied()
                .find(|d| $to(*d) == v)
                .map(Some)
                .ok_or_else(|| {
                    bad(InvalidInput::localized(
                        field,
                        glocal_kit::i18n::Message::new("input-unknown-value").arg("value", v),
                    ))
                })
        }
    };
}

enum_map!(kind_out, kind_in, EventKind, pb::EventKind, "EVENT_KIND_");
enum_map!(
    state_out,
    state_in,
    EventState,
    pb::EventState,
    "EVENT_STATE_"
);
enum_map!(
    action_out,
    action_in,
    EventAction,
    pb::EventAction,
    "EVENT_ACTION_"
);
enum_map!(
    session_kind_out,
    session_kind_in,
    SessionKind,
    pb::SessionKind,
    "SESSION_KIND_"
);
enum_map!(
    reg_kind_out,
    reg_kind_in,
    RegistrationKind,
    pb::RegistrationKind,
    "REGISTRATION_KIND_"
);
enum_map!(
    reg_state_out,
    reg_state_in,
    RegistrationState,
    pb::RegistrationState,
    "REGISTRATION_STATE_"
);
enum_map!(
    contribution_state_out,
    contribution_state_in,
    ContributionState,
    pb::ContributionState,
    "CONTRIBUTION_STATE_"
);
enum_map!(
    lecture_state_out,
    lecture_state_in,
    LectureState,
    pb::LectureRequestState,
    "LECTURE_REQUEST_STATE_"
);

fn list_in<T>(
    values: &[i32],
    field: &str,
    one: impl Fn(i32, &str) -> Result<Option<T>, Status>,
) -> Result<Vec<T>, Status> {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let f = format!("{field}[{i}]");
            one(*v, &f)?.ok_or_else(|| bad(InvalidInput::new(f, "is unspecified")))
        })
        .collect()
}

fn series_out(s: service::SeriesView) -> pb::Series {
    pb::Series {
        id: s.id.to_string(),
        code: s.code,
        kind: kind_out(s.kind),
        title: text_out(&s.title),
        description: text_out(&s.description),
        rotation: s.rotation,
        yearly_quota: s.yearly_quota,
        period: s.period.map(|p| period_out(&p)),
        next_host_country: s.next_host_country.unwrap_or_default(),
        created_at: Some(ts(s.created_at)),
    }
}

fn event_out(e: service::EventView) -> pb::Event {
    pb::Event {
        id: e.id.to_string(),
        series_id: e.series_id.map(|s| s.to_string()).unwrap_or_default(),
        edition: e.edition,
        kind: kind_out(e.kind),
        title: text_out(&e.title),
        description: text_out(&e.description),
        host_country: e.host_country,
        host_city: e.host_city,
        host_organization: e.host_organization,
        host_local_government_code: e.host_local_government_code.unwrap_or_default(),
        venue: e.venue,
        time_zone: e.time_zone,
        start_date: e.start_date.to_string(),
        end_date: e.end_date.to_string(),
        working_languages: e.working_languages,
        interpretation_languages: e.interpretation_languages,
        capacity: e.capacity,
        seats_taken: e.seats_taken,
        waitlist_length: e.waitlist_length,
        registration_opens_at: e.registration_opens_at.map(ts),
        registration_closes_at: e.registration_closes_at.map(ts),
        state: state_out(e.state),
        version: e.version.get(),
        created_at: Some(ts(e.created_at)),
        updated_at: Some(ts(e.updated_at)),
        registration_open_now: e.registration_open_now,
        utc_offset: e.utc_offset,
        cancel_reason: e.cancel_reason.unwrap_or_default(),
    }
}

fn session_out(s: service::SessionView) -> pb::Session {
    pb::Session {
        id: s.id.to_string(),
        event_id: s.event_id.to_string(),
        kind: session_kind_out(s.kind),
        title: text_out(&s.title),
        room: s.room,
        speakers: s
            .speakers
            .into_iter()
            .map(|(name, affiliation)| pb::Speaker { name, affiliation })
            .collect(),
        interpretation_languages: s.interpretation_languages,
        starts_at: Some(ts(s.starts_at)),
        ends_at: Some(ts(s.ends_at)),
        starts_at_local: s.starts_at_local,
        ends_at_local: s.ends_at_local,
        local_date: s.local_date.to_string(),
    }
}

fn registration_out(r: service::RegistrationView) -> pb::Registration {
    pb::Registration {
        id: r.id.to_string(),
        event_id: r.event_id.to_string(),
        kind: reg_kind_out(r.kind),
        state: reg_state_out(r.state),
        registrant_subject: r.registrant_subject,
        registrant_name: r.registrant_name,
        registrant_org: r.registrant_org,
        attendee_name: r.attendee_name,
        country: r.country.unwrap_or_default(),
        organization: r.organization.unwrap_or_default(),
        members: r.members,
        seats: r.seats,
        waitlist_position: r.waitlist_position.unwrap_or(0),
        offer_expires_at: r.offer_expires_at.map(ts),
        version: r.version.get(),
        created_at: Some(ts(r.created_at)),
        updated_at: Some(ts(r.updated_at)),
        check_ins: r
            .check_ins
            .into_iter()
            .map(|c| pb::CheckInRecord {
                day: c.day.to_string(),
                attendee: c.attendee,
                at: Some(ts(c.at)),
                by_subject: c.by_subject,
            })
            .collect(),
        history: r
            .history
            .into_iter()
            .map(|h| pb::HistoryEntry {
                action: h.action,
                from_state: h.from_state.unwrap_or_default(),
                to_state: h.to_state.unwrap_or_default(),
                actor_subject: h.actor_subject,
                actor_name: h.actor_name,
                at: Some(ts(h.at)),
                note: h.note,
            })
            .collect(),
    }
}

fn contribution_out(c: service::ContributionView) -> pb::Contribution {
    pb::Contribution {
        id: c.id.to_string(),
        event_id: c.event_id.to_string(),
        state: contribution_state_out(c.state),
        title: text_out(&c.title),
        abstract_text: text_out(&c.abstract_text),
        presenter_name: c.presenter_name,
        submitter_subject: c.submitter_subject,
        submitter_org: c.submitter_org,
        practice_ids: c.practice_ids,
        review_note: c.review_note,
        version: c.version.get(),
        created_at: Some(ts(c.created_at)),
        updated_at: Some(ts(c.updated_at)),
    }
}

fn lecture_out(l: service::LectureView) -> pb::LectureRequest {
    pb::LectureRequest {
        id: l.id.to_string(),
        local_government_code: l.local_government_code,
        requester_subject: l.requester_subject,
        requester_name: l.requester_name,
        theme: l.theme,
        preferred_dates: l.preferred_dates.iter().map(ToString::to_string).collect(),
        venue: l.venue,
        year: l.year,
        state: lecture_state_out(l.state),
        event_id: l.event_id.map(|e| e.to_string()).unwrap_or_default(),
        decline_reason: l.decline_reason.unwrap_or_default(),
        version: l.version.get(),
        created_at: Some(ts(l.created_at)),
        updated_at: Some(ts(l.updated_at)),
    }
}

fn reply<T, P>(r: Result<T, EventsError>, out: impl FnOnce(T) -> P) -> GrpcResult<P> {
    r.map(|v| Response::new(out(v))).map_err(status)
}

#[tonic::async_trait]
impl EventsService for GrpcService {
    async fn list_series(
        &self,
        _: Request<pb::ListSeriesRequest>,
    ) -> GrpcResult<pb::ListSeriesResponse> {
        reply(self.office.list_series().await, |s| {
            pb::ListSeriesResponse {
                series: s.into_iter().map(series_out).collect(),
            }
        })
    }

    async fn create_series(&self, req: Request<pb::CreateSeriesRequest>) -> GrpcResult<pb::Series> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = SeriesDraft {
            idempotency_key: m.idempotency_key,
            code: m.code,
            kind: kind_in(m.kind, "kind")?,
            title: text_in(m.title),
            description: text_in(m.description),
            rotation: m.rotation,
            yearly_quota: m.yearly_quota,
            period: m.period.map(period_in),
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office.create_series(caller.as_ref(), new).await,
            series_out,
        )
    }

    async fn create_event(&self, req: Request<pb::CreateEventRequest>) -> GrpcResult<pb::Event> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = EventDraft {
            idempotency_key: m.idempotency_key,
            series_id: m.series_id,
            kind: kind_in(m.kind, "kind")?,
            title: text_in(m.title),
            description: text_in(m.description),
            host_country: m.host_country,
            host_city: m.host_city,
            host_organization: m.host_organization,
            host_local_government_code: m.host_local_government_code,
            venue: m.venue,
            time_zone: m.time_zone,
            start_date: m.start_date,
            end_date: m.end_date,
            working_languages: m.working_languages,
            interpretation_languages: m.interpretation_languages,
            capacity: m.capacity,
            registration_opens_at: from_opt_ts(
                m.registration_opens_at.as_ref(),
                "registrationOpensAt",
            )?,
            registration_closes_at: from_opt_ts(
                m.registration_closes_at.as_ref(),
                "registrationClosesAt",
            )?,
            outside_period: m.outside_period,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office.create_event(caller.as_ref(), new).await,
            event_out,
        )
    }

    async fn get_event(&self, req: Request<pb::GetEventRequest>) -> GrpcResult<pb::Event> {
        let caller = caller(&req)?;
        let id = id(&req.get_ref().id, "id")?;
        reply(self.office.get_event(caller.as_ref(), id).await, event_out)
    }

    async fn batch_get_events(
        &self,
        req: Request<pb::BatchGetEventsRequest>,
    ) -> GrpcResult<pb::BatchGetEventsResponse> {
        let caller = caller(&req)?;
        let ids = ids(&req.get_ref().ids, "ids")?;
        reply(
            self.office.batch_get_events(caller.as_ref(), &ids).await,
            |events| pb::BatchGetEventsResponse {
                events: events.into_iter().map(event_out).collect(),
            },
        )
    }

    async fn list_events(
        &self,
        req: Request<pb::ListEventsRequest>,
    ) -> GrpcResult<pb::ListEventsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let f = m.filter.unwrap_or_default();
        let filter = EventFilter {
            kinds: list_in(&f.kinds, "filter.kinds", kind_in)?,
            states: list_in(&f.states, "filter.states", state_in)?,
            series_id: opt_text(&f.series_id)
                .map(|s| id(&s, "filter.seriesId"))
                .transpose()?,
            host_country: opt_text(&f.host_country)
                .map(|c| CountryCode::parse(&c).map_err(|e| bad(e.at("filter.hostCountry"))))
                .transpose()?,
            from_date: opt_date(&f.from_date, "filter.fromDate")?,
            to_date: opt_date(&f.to_date, "filter.toDate")?,
        };
        let parts = m.mask.map_or(EventListParts::ALL, |mask| EventListParts {
            total_count: !mask.skip_total_count,
            tallies: !mask.skip_tallies,
            contributions: mask.with_contributions,
        });
        reply(
            self.office
                .event_list(caller.as_ref(), filter, page_in(m.page), parts)
                .await,
            |list| pb::ListEventsResponse {
                with_contributions: parts.contributions,
                page_info: Some(list.page.info()),
                total_count: list.page.total_count,
                cursors: list.page.cursors,
                events: list.page.items.into_iter().map(event_out).collect(),
                contributions: list
                    .contributions
                    .into_iter()
                    .map(contribution_out)
                    .collect(),
            },
        )
    }

    async fn transition_event(
        &self,
        req: Request<pb::TransitionEventRequest>,
    ) -> GrpcResult<pb::Event> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let action = action_in(m.action, "action")?
            .ok_or_else(|| bad(InvalidInput::new("action", "is required")))?;
        reply(
            self.office
                .transition_event(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    action,
                    opt_text(&m.reason),
                )
                .await,
            event_out,
        )
    }

    async fn add_session(&self, req: Request<pb::AddSessionRequest>) -> GrpcResult<pb::Session> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let event_id = id(&m.event_id, "eventId")?;
        let new = SessionDraft {
            idempotency_key: m.idempotency_key,
            kind: session_kind_in(m.kind, "kind")?,
            title: text_in(m.title),
            room: m.room,
            speakers: m
                .speakers
                .into_iter()
                .map(|s| SpeakerDraft {
                    name: s.name,
                    affiliation: s.affiliation,
                })
                .collect(),
            interpretation_languages: m.interpretation_languages,
            starts_at: from_opt_ts(m.starts_at.as_ref(), "startsAt")?,
            ends_at: from_opt_ts(m.ends_at.as_ref(), "endsAt")?,
        }
        .parse()
        .map_err(bad)?;
        reply(
            self.office
                .add_session(caller.as_ref(), event_id, new)
                .await,
            session_out,
        )
    }

    async fn remove_session(
        &self,
        req: Request<pb::RemoveSessionRequest>,
    ) -> GrpcResult<pb::RemoveSessionResponse> {
        let caller = caller(&req)?;
        let id = id(&req.get_ref().id, "id")?;
        reply(
            self.office.remove_session(caller.as_ref(), id).await,
            |()| pb::RemoveSessionResponse { id: id.to_string() },
        )
    }

    async fn list_sessions(
        &self,
        req: Request<pb::ListSessionsRequest>,
    ) -> GrpcResult<pb::ListSessionsResponse> {
        let caller = caller(&req)?;
        let ids = ids(&req.get_ref().event_ids, "eventIds")?;
        reply(self.office.sessions(caller.as_ref(), &ids).await, |s| {
            pb::ListSessionsResponse {
                sessions: s.into_iter().map(session_out).collect(),
            }
        })
    }

    async fn register(&self, req: Request<pb::RegisterRequest>) -> GrpcResult<pb::Registration> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let event_id = id(&m.event_id, "eventId")?;
        let new = RegistrationDraft {
            idempotency_key: m.idempotency_key,
            kind: reg_kind_in(m.kind, "kind")?,
            attendee_name: m.attendee_name,
            country: m.country,
            organization: m.organization,
            head_of_delegation: m.head_of_delegation,
            members: m.members,
        }
        .parse(caller_name(caller.as_ref())?)
        .map_err(bad)?;
        reply(
            self.office.register(caller.as_ref(), event_id, new).await,
            registration_out,
        )
    }

    async fn get_registration(
        &self,
        req: Request<pb::GetRegistrationRequest>,
    ) -> GrpcResult<pb::Registration> {
        let caller = caller(&req)?;
        let id = id(&req.get_ref().id, "id")?;
        reply(
            self.office.get_registration(caller.as_ref(), id).await,
            registration_out,
        )
    }

    async fn list_registrations(
        &self,
        req: Request<pb::ListRegistrationsRequest>,
    ) -> GrpcResult<pb::ListRegistrationsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let f = m.filter.unwrap_or_default();
        let filter = RegistrationFilter {
            event_id: opt_text(&f.event_id)
                .map(|s| id(&s, "filter.eventId"))
                .transpose()?,
            states: list_in(&f.states, "filter.states", reg_state_in)?,
            mine: f.mine,
        };
        reply(
            self.office
                .list_registrations(caller.as_ref(), filter, page_in(m.page))
                .await,
            |page| pb::ListRegistrationsResponse {
                page_info: Some(page.info()),
                total_count: page.total_count,
                cursors: page.cursors,
                registrations: page.items.into_iter().map(registration_out).collect(),
            },
        )
    }

    async fn cancel_registration(
        &self,
        req: Request<pb::CancelRegistrationRequest>,
    ) -> GrpcResult<pb::Registration> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .cancel_registration(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    opt_text(&m.reason),
                )
                .await,
            registration_out,
        )
    }

    async fn accept_offer(
        &self,
        req: Request<pb::AcceptOfferRequest>,
    ) -> GrpcResult<pb::Registration> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .accept_offer(caller.as_ref(), id(&m.id, "id")?, version(m.version)?)
                .await,
            registration_out,
        )
    }

    async fn check_in(&self, req: Request<pb::CheckInRequest>) -> GrpcResult<pb::Registration> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .check_in(
                    caller.as_ref(),
                    id(&m.registration_id, "registrationId")?,
                    opt_date(&m.day, "day")?,
                    opt_text(&m.attendee),
                )
                .await,
            registration_out,
        )
    }

    async fn submit_contribution(
        &self,
        req: Request<pb::SubmitContributionRequest>,
    ) -> GrpcResult<pb::Contribution> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let event_id = id(&m.event_id, "eventId")?;
        let new = ContributionDraft {
            idempotency_key: m.idempotency_key,
            title: text_in(m.title),
            abstract_text: text_in(m.abstract_text),
            presenter_name: m.presenter_name,
        }
        .parse(caller_name(caller.as_ref())?)
        .map_err(bad)?;
        reply(
            self.office
                .submit_contribution(caller.as_ref(), event_id, new)
                .await,
            contribution_out,
        )
    }

    async fn review_contribution(
        &self,
        req: Request<pb::ReviewContributionRequest>,
    ) -> GrpcResult<pb::Contribution> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let decision = match pb::ReviewDecision::try_from(m.decision) {
            Ok(pb::ReviewDecision::Accept) => ContributionAction::Accept,
            Ok(pb::ReviewDecision::Reject) => ContributionAction::Reject,
            _ => {
                return Err(bad(InvalidInput::new(
                    "decision",
                    "must be ACCEPT or REJECT",
                )));
            }
        };
        let practices = PracticeIds::parse(&m.practice_ids).map_err(bad)?;
        reply(
            self.office
                .review_contribution(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    decision,
                    m.note,
                    practices,
                )
                .await,
            contribution_out,
        )
    }

    async fn withdraw_contribution(
        &self,
        req: Request<pb::WithdrawContributionRequest>,
    ) -> GrpcResult<pb::Contribution> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .withdraw_contribution(caller.as_ref(), id(&m.id, "id")?, version(m.version)?)
                .await,
            contribution_out,
        )
    }

    async fn link_practices(
        &self,
        req: Request<pb::LinkPracticesRequest>,
    ) -> GrpcResult<pb::Contribution> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let practices = PracticeIds::parse(&m.practice_ids).map_err(bad)?;
        reply(
            self.office
                .link_practices(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    practices,
                )
                .await,
            contribution_out,
        )
    }

    async fn list_contributions(
        &self,
        req: Request<pb::ListContributionsRequest>,
    ) -> GrpcResult<pb::ListContributionsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let ids = ids(&m.event_ids, "eventIds")?;
        reply(
            self.office
                .contributions(caller.as_ref(), &ids, m.mine)
                .await,
            |c| pb::ListContributionsResponse {
                contributions: c.into_iter().map(contribution_out).collect(),
            },
        )
    }

    async fn request_lecture(
        &self,
        req: Request<pb::RequestLectureRequest>,
    ) -> GrpcResult<pb::LectureRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let new = LectureDraft {
            idempotency_key: m.idempotency_key,
            theme: m.theme,
            preferred_dates: m.preferred_dates,
            venue: m.venue,
            local_government_code: m.local_government_code,
        }
        .parse(self.office.bureau_today())
        .map_err(bad)?;
        reply(
            self.office.request_lecture(caller.as_ref(), new).await,
            lecture_out,
        )
    }

    async fn schedule_lecture(
        &self,
        req: Request<pb::ScheduleLectureRequest>,
    ) -> GrpcResult<pb::ScheduleLectureResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let title = text_in(m.title.clone());
        let draft = ScheduleDraft {
            series_id: id(&m.series_id, "seriesId")?,
            date: opt_date(&m.date, "date")?,
            title: m.title.is_some().then_some(title).filter(|t| {
                !(t.ko.trim().is_empty()
                    && t.en.trim().is_empty()
                    && t.zh.trim().is_empty()
                    && t.ja.trim().is_empty())
            }),
            capacity: (m.capacity > 0).then_some(m.capacity),
            host_city: m.host_city,
            beyond_target: m.beyond_target,
        };
        reply(
            self.office
                .schedule_lecture(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    draft,
                )
                .await,
            |(lecture, event)| pb::ScheduleLectureResponse {
                lecture_request: Some(lecture_out(lecture)),
                event: Some(event_out(event)),
            },
        )
    }

    async fn decline_lecture(
        &self,
        req: Request<pb::DeclineLectureRequest>,
    ) -> GrpcResult<pb::LectureRequest> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        reply(
            self.office
                .decline_lecture(
                    caller.as_ref(),
                    id(&m.id, "id")?,
                    version(m.version)?,
                    m.reason,
                )
                .await,
            lecture_out,
        )
    }

    async fn list_lecture_requests(
        &self,
        req: Request<pb::ListLectureRequestsRequest>,
    ) -> GrpcResult<pb::ListLectureRequestsResponse> {
        let caller = caller(&req)?;
        let m = req.into_inner();
        let filter = LectureFilter {
            states: list_in(&m.states, "states", lecture_state_in)?,
            year: (m.year != 0).then_some(m.year),
        };
        reply(
            self.office
                .lecture_requests(caller.as_ref(), filter, page_in(m.page))
                .await,
            |page| pb::ListLectureRequestsResponse {
                page_info: Some(page.info()),
                total_count: page.total_count,
                cursors: page.cursors,
                lecture_requests: page.items.into_iter().map(lecture_out).collect(),
            },
        )
    }

    async fn get_event_statistics(
        &self,
        req: Request<pb::GetEventStatisticsRequest>,
    ) -> GrpcResult<pb::GetEventStatisticsResponse> {
        let caller = caller(&req)?;
        let query = req.into_inner().try_into()?;
        reply(
            self.office.event_statistics(caller.as_ref(), query).await,
            |rows| pb::GetEventStatisticsResponse {
                rows: rows.into_iter().map(statistics::figures_out).collect(),
            },
        )
    }

    async fn register_as_guest(
        &self,
        req: Request<pb::RegisterAsGuestRequest>,
    ) -> GrpcResult<pb::GuestRegistration> {
        guests::register(&self.office, req.into_inner()).await
    }

    async fn confirm_guest_registration(
        &self,
        req: Request<pb::ConfirmGuestRegistrationRequest>,
    ) -> GrpcResult<pb::GuestRegistration> {
        guests::confirm(&self.office, req.into_inner()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_domain_value_has_its_proto_twin_and_back() {
        for &k in EventKind::ALL {
            assert_ne!(kind_out(k), 0, "{k}");
            assert_eq!(kind_in(kind_out(k), "kind").unwrap(), Some(k));
        }
        for &s in EventState::ALL {
            assert_ne!(state_out(s), 0, "{s}");
            assert_eq!(state_in(state_out(s), "s").unwrap(), Some(s));
        }
        for &a in EventAction::ALL {
            assert_ne!(action_out(a), 0, "{a}");
        }
        for &k in SessionKind::ALL {
            assert_ne!(session_kind_out(k), 0, "{k}");
        }
        for &k in RegistrationKind::ALL {
            assert_ne!(reg_kind_out(k), 0, "{k}");
        }
        for &s in RegistrationState::ALL {
            assert_ne!(reg_state_out(s), 0, "{s}");
        }
        for &s in ContributionState::ALL {
            assert_eq!(
                contribution_state_in(contribution_state_out(s), "s").unwrap(),
                Some(s)
            );
        }
        for &s in LectureState::ALL {
            assert_ne!(lecture_state_out(s), 0, "{s}");
        }
        assert_eq!(kind_in(0, "kind").unwrap(), None);
        let e = kind_in(99, "kind").unwrap_err();
        assert_eq!(e.code(), tonic::Code::InvalidArgument);
    }
}
