//! The event report's queries (issue 19): the events a report covers, then grouped queries
//! over all of them — registrations per event and state (with their seats; offers that
//! lapsed count as expired, persisted or not), and check-ins per event — so the database
//! counts and nothing but one row per event and state leaves it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait as _,
};
use uuid::Uuid;

use super::entities::{check_in, event, registration};
use super::queries;
use super::views::{corrupt, event_state, text_of, u32_of};
use crate::domain::statistics::{EventFigures, EventStatisticsQuery, StateCount};
use crate::domain::{EntityId, EventKind, RegistrationState};
use crate::error::EventsError;

type Result<T, E = EventsError> = std::result::Result<T, E>;

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX })
}

/// The figures of every event `query` covers at `now`, by start date.
pub(crate) async fn event_figures(
    db: &impl ConnectionTrait,
    query: &EventStatisticsQuery,
    now: DateTime<Utc>,
) -> Result<Vec<EventFigures>> {
    let mut events = event::Entity::find()
        .filter(event::Column::StartDate.gte(query.from))
        .filter(event::Column::StartDate.lte(query.to));
    if let Some(series) = &query.series_id {
        events = events.filter(event::Column::SeriesId.eq(series.as_uuid()));
    }
    let events = events
        .order_by_asc(event::Column::StartDate)
        .order_by_asc(event::Column::Seq)
        .all(db)
        .await?;
    if events.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<Uuid> = events.iter().map(|e| e.id).collect();
    let mut figures = events
        .iter()
        .map(|e| {
            Ok(EventFigures::of(
                EntityId::from(e.id),
                text_of(&e.title_ko, &e.title_en, &e.title_zh, &e.title_ja),
                EventKind::parse(&e.kind).map_err(corrupt)?,
                event_state(e)?,
                e.start_date,
                u32_of(e.capacity),
            ))
        })
        .collect::<Result<Vec<_>>>()?;
    let positions: HashMap<Uuid, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let index = |id: Uuid| positions.get(&id).copied();

    let by_state: Vec<(Uuid, String, i64, Option<i64>)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column(registration::Column::State)
        .column_as(registration::Column::Seq.count(), "registrations")
        .column_as(Expr::col(registration::Column::Seats).sum(), "seats")
        .filter(registration::Column::EventId.is_in(ids.iter().copied()))
        .filter(queries::not_lapsed(now))
        .group_by(registration::Column::EventId)
        .group_by(registration::Column::State)
        .into_tuple()
        .all(db)
        .await?;
    for (event_id, state, registrations, seats) in by_state {
        if let Some(i) = index(event_id) {
            figures[i].count(StateCount {
                state: RegistrationState::parse(&state).map_err(corrupt)?,
                registrations: count(registrations),
                seats: count(seats.unwrap_or(0)),
            });
        }
    }
    // Offers that lapsed and are not yet persisted as such count as expired.
    let lapsed: Vec<(Uuid, i64, Option<i64>)> = registration::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column_as(registration::Column::Seq.count(), "registrations")
        .column_as(Expr::col(registration::Column::Seats).sum(), "seats")
        .filter(registration::Column::EventId.is_in(ids.iter().copied()))
        .filter(queries::lapsed_offers(now))
        .group_by(registration::Column::EventId)
        .into_tuple()
        .all(db)
        .await?;
    for (event_id, registrations, seats) in lapsed {
        if let Some(i) = index(event_id) {
            figures[i].count(StateCount {
                state: RegistrationState::Expired,
                registrations: count(registrations),
                seats: count(seats.unwrap_or(0)),
            });
        }
    }

    let attendance: Vec<(Uuid, i64, i64)> = check_in::Entity::find()
        .select_only()
        .column(registration::Column::EventId)
        .column_as(
            Expr::col((check_in::Entity, check_in::Column::RegistrationId)).count_distinct(),
            "attended",
        )
        .column_as(check_in::Column::Seq.count(), "check_ins")
        .join(JoinType::InnerJoin, check_in::Relation::Registration.def())
        .filter(registration::Column::EventId.is_in(ids.iter().copied()))
        .group_by(registration::Column::EventId)
        .into_tuple()
        .all(db)
        .await?;
    for (event_id, attended, check_ins) in attendance {
        if let Some(i) = index(event_id) {
            figures[i].attended = count(attended);
            figures[i].check_ins = count(check_ins);
        }
    }
    Ok(figures)
}
