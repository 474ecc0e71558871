//! The events query root's resolvers.

use super::*;

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
            mask: Some(list_mask(&ctx.look_ahead())),
        };
        let response = read(
            ctx,
            Events,
            "ListEvents",
            message,
            |mut client, request| async move { client.list_events(request).await },
        )
        .await?
        .into_inner();
        if response.cursors.len() != response.events.len() {
            return Err(error::internal("ListEvents returned mismatched cursors"));
        }
        let loaders = EventLoaders::new(ctx)?;
        // An events service older than the flag sends none and says so: then each event's
        // contributions load as before.
        if response.with_contributions {
            // Their practices are known now: one call for the page, before its nodes resolve.
            if shows_contribution_practices(&ctx.look_ahead()) {
                let ids = response
                    .contributions
                    .iter()
                    .flat_map(|c| c.practice_ids.iter().cloned())
                    .collect();
                loaders.research(ctx)?.prefetch_practices(ids).await;
            }
            let ids = response.events.iter().map(|e| e.id.clone());
            loaders.prime_contributions(ids, response.contributions);
        }
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
        let loaders = EventLoaders::new(ctx)?;
        let data = loaders.event(&id.0).await?;
        Ok(Some(event(data, &loaders)))
    }

    /// Every series, by code.
    async fn series(&self, ctx: &Context<'_>) -> Result<Vec<EventSeries>> {
        Ok(read(
            ctx,
            Events,
            "ListSeries",
            pb::ListSeriesRequest {},
            |mut client, request| async move { client.list_series(request).await },
        )
        .await?
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
            Events,
            "GetRegistration",
            pb::GetRegistrationRequest { id: id.0 },
            |mut client, request| async move { client.get_registration(request).await },
        )
        .await?
        .into_inner();
        Ok(Some(registration(data, &EventLoaders::new(ctx)?)))
    }

    /// Registrations, oldest first: the caller's own, or (bureau) any.
    #[graphql(inaccessible)]
    pub(crate) async fn event_registrations(
        &self,
        ctx: &Context<'_>,
        filter: Option<EventRegistrationFilter>,
        #[graphql(default = 20)] first: Option<i32>,
        after: Option<String>,
    ) -> Result<EventRegistrationConnection> {
        let message = pb::ListRegistrationsRequest {
            filter: Some(filter.unwrap_or_default().into_proto()),
            page: Some(PageRequest {
                first: first_in(first)?,
                after: after.unwrap_or_default(),
            }),
        };
        let response = read(
            ctx,
            Events,
            "ListRegistrations",
            message,
            |mut client, request| async move { client.list_registrations(request).await },
        )
        .await?
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
    pub(crate) async fn my_contributions(&self, ctx: &Context<'_>) -> Result<Vec<Contribution>> {
        let message = pb::ListContributionsRequest {
            event_ids: Vec::new(),
            mine: true,
        };
        let loaders = EventLoaders::new(ctx)?;
        Ok(read(
            ctx,
            Events,
            "ListContributions",
            message,
            |mut client, request| async move { client.list_contributions(request).await },
        )
        .await?
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
            Events,
            "ListLectureRequests",
            message,
            |mut client, request| async move { client.list_lecture_requests(request).await },
        )
        .await?
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

/// What an `events` selection leaves out, so the events service does not query it: the total
/// when `totalCount` is not selected, the registration tallies when no node selects a seat
/// figure (`seatsTaken`, `seatsAvailable`, `waitlistLength`); and it asks for the page's
/// contributions with the page when a node selects `contributions`. Fragments count as
/// selected wherever they are spread.
fn list_mask(connection: &async_graphql::Lookahead<'_>) -> pb::EventListMask {
    let node = connection.field("edges").field("node");
    pb::EventListMask {
        skip_total_count: !connection.field("totalCount").exists(),
        skip_tallies: !["seatsTaken", "seatsAvailable", "waitlistLength"]
            .iter()
            .any(|f| node.field(f).exists()),
        // Read with the page, they cost one query instead of a call and two.
        with_contributions: node.field("contributions").exists(),
    }
}

/// Whether an `events` selection shows its nodes' contributions' practices.
fn shows_contribution_practices(connection: &async_graphql::Lookahead<'_>) -> bool {
    connection
        .field("edges")
        .field("node")
        .field("contributions")
        .field("practices")
        .exists()
}
