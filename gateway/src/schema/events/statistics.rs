//! The bureau's event report, `eventStatistics`: registrations by state and attendance per
//! event. The events service counts; this module only maps its rows.

use async_graphql::{Context, ID, Object, Result};
use glocal_proto::events::v1 as pb;

use super::{EventKind, EventState};
use crate::schema::language::{self, Language};
use crate::schema::scalars::Date;
use crate::upstream::{Events, read};

fn count(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// One event's registrations (by state) and attendance.
pub struct EventStatisticsRow(pb::EventStatisticsRow);

#[Object]
impl EventStatisticsRow {
    /// The event's id.
    async fn event_id(&self) -> ID {
        ID(self.0.event_id.clone())
    }

    /// The event's title in `lang` (default: the request's `Accept-Language`).
    async fn title(&self, ctx: &Context<'_>, lang: Option<Language>) -> String {
        language::pick(self.0.title.as_ref(), language::effective(ctx, lang))
    }

    /// The event's kind.
    async fn kind(&self) -> Result<EventKind> {
        EventKind::from_proto(self.0.kind)
    }

    /// Where the event is.
    async fn state(&self) -> Result<EventState> {
        EventState::from_proto(self.0.state)
    }

    /// The event's first day.
    async fn start_date(&self) -> Option<Date> {
        Date::parse(&self.0.start_date)
    }

    /// The event's seats.
    async fn capacity(&self) -> i32 {
        count(self.0.capacity)
    }

    /// Every registration, in any state.
    async fn registrations(&self) -> i32 {
        let r = &self.0;
        count(
            [
                r.pending,
                r.confirmed,
                r.waitlisted,
                r.offered,
                r.expired,
                r.cancelled,
            ]
            .iter()
            .fold(0u32, |a, n| a.saturating_add(*n)),
        )
    }

    /// Registrations just received.
    async fn pending(&self) -> i32 {
        count(self.0.pending)
    }

    /// Registrations holding their seats.
    async fn confirmed(&self) -> i32 {
        count(self.0.confirmed)
    }

    /// Seats the confirmed registrations hold (a delegation holds one per person).
    async fn confirmed_seats(&self) -> i32 {
        count(self.0.confirmed_seats)
    }

    /// Registrations waiting for seats.
    async fn waitlisted(&self) -> i32 {
        count(self.0.waitlisted)
    }

    /// Registrations offered freed seats.
    async fn offered(&self) -> i32 {
        count(self.0.offered)
    }

    /// Offers that lapsed.
    async fn expired(&self) -> i32 {
        count(self.0.expired)
    }

    /// Cancelled registrations.
    async fn cancelled(&self) -> i32 {
        count(self.0.cancelled)
    }

    /// Registrations with at least one check-in.
    async fn attended(&self) -> i32 {
        count(self.0.attended)
    }

    /// Check-ins over every day and attendee.
    async fn check_ins(&self) -> i32 {
        count(self.0.check_ins)
    }
}

/// The event report's query field.
#[derive(Default)]
pub struct EventStatisticsQuery;

#[Object]
impl EventStatisticsQuery {
    /// Registrations by state and attendance of every event starting between `from` and
    /// `to` (inclusive), of one series when `seriesId` is given, by start date; counted by the
    /// events service. Bureau staff and admins only. BAD_USER_INPUT on `to` when it is
    /// before `from` or the period spans more than ten years.
    #[graphql(inaccessible)]
    async fn event_statistics(
        &self,
        ctx: &Context<'_>,
        from: Date,
        to: Date,
        series_id: Option<ID>,
    ) -> Result<Vec<EventStatisticsRow>> {
        let message = pb::GetEventStatisticsRequest {
            from_date: from.to_string(),
            to_date: to.to_string(),
            series_id: series_id.map(|i| i.0).unwrap_or_default(),
        };
        let response = read(
            ctx,
            Events,
            "GetEventStatistics",
            message,
            |mut client, request| async move { client.get_event_statistics(request).await },
        )
        .await?;
        Ok(response
            .into_inner()
            .rows
            .into_iter()
            .map(EventStatisticsRow)
            .collect())
    }
}
