//! The events mutation root's resolvers (POST only).

use super::*;
use crate::upstream::loaders::research::ResearchLoaders;

/// The ids of the best practices a contribution is to draw on, each one the research
/// service shows the caller (ADR 0029). Cross-service links are ids the gateway resolves,
/// so the gateway resolves these before the events service records them: an id nobody
/// can follow is refused (BAD_USER_INPUT on `practiceIds[i]`, `input-practice-unknown`)
/// and nothing is written. The events service keeps its own rules (shape, at most 20,
/// accepted contributions only).
async fn known_practices(ctx: &Context<'_>, ids: Vec<ID>) -> Result<Vec<String>> {
    let ids: Vec<String> = ids.into_iter().map(|p| p.0.trim().to_owned()).collect();
    if ids.is_empty() || ids.len() > 20 {
        // None to check, or too many: the events service says so.
        return Ok(ids);
    }
    let found = ResearchLoaders::new(ctx)?.load_practices(&ids).await?;
    let unknown = ids
        .iter()
        .enumerate()
        .find(|(_, id)| !found.iter().any(|p| p.id.eq_ignore_ascii_case(id)));
    match unknown {
        None => Ok(ids),
        Some((i, id)) => {
            let said = glocal_kit::i18n::Message::new("input-practice-unknown").arg("id", id);
            Err(error::bad_input_said(&said, &format!("practiceIds[{i}]")))
        }
    }
}

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
            period: input.period.map(|p| p.to_proto("period")).transpose()?,
        };
        let (mut client, request) = call(ctx, Events, message)?;
        Ok(EventSeries(
            client
                .create_series(request)
                .await
                .map_err(error::remote)?
                .into_inner(),
        ))
    }

    /// Creates an event in DRAFT (bureau). Idempotent per key. An edition outside its
    /// series' period rule is CONFLICT `OUTSIDE_PERIOD`, unless an administrator creates it
    /// `outsidePeriod`.
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
            outside_period: input.outside_period,
        };
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, pb::RemoveSessionRequest { id: id.0 })?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
            practice_ids: known_practices(ctx, input.practice_ids).await?,
        };
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
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
            practice_ids: known_practices(ctx, input.practice_ids).await?,
        };
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
        let data = client
            .request_lecture(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(lecture(data, &EventLoaders::new(ctx)?))
    }

    /// Schedules a lecture request as a published lecture event (bureau). A lecture
    /// series' yearly quota is a target of distinct local governments: another lecture for
    /// a local government already reached that year always fits; one more local
    /// government past the target is CONFLICT `YEARLY_QUOTA_USED`, unless an administrator
    /// schedules it `beyondTarget`.
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
            beyond_target: input.beyond_target,
        };
        let (mut client, request) = call(ctx, Events, message)?;
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
        let (mut client, request) = call(ctx, Events, message)?;
        let data = client
            .decline_lecture(request)
            .await
            .map_err(error::remote)?
            .into_inner();
        Ok(lecture(data, &EventLoaders::new(ctx)?))
    }
}
