//! Events: create, read, list and move events through their life cycle.

use super::{
    Actor, EventFilter, EventList, EventListParts, EventOffice, EventView, Page, PageRequest,
    Result, Viewer, bureau, check_version, decode_event_cursor, event_cursor, event_visible,
    is_bureau, stale, viewer,
};
use crate::domain::{
    EntityId, EventAction, EventKind, EventState, NewEvent, Version, bounded, event_transition,
    lecture_target_allows, quota_allows,
};
use crate::error::EventsError;
use crate::store::EventRow;
use crate::store::queries::{self, EventQuery};
use crate::store::views::{self, event_state, u32_of};
use crate::store::writes;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change, EntityRef};
use glocal_kit::store::Tx;
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

impl EventOffice {
    /// Creates an event in DRAFT (bureau only). An edition of a rotating series must be
    /// hosted by the country whose turn it is; a series' yearly quota and period rule are
    /// respected (an administrator may hold it outside the period: `outside_period`,
    /// audited). Idempotent per key.
    pub async fn create_event(&self, caller: Option<&Caller>, new: NewEvent) -> Result<EventView> {
        let actor = bureau(caller, "action-create-events")?;
        if new.outside_period && !actor.admin {
            return Err(EventsError::only(
                "BUREAU_ADMIN_ONLY",
                "rule-only-bureau-admins",
                "action-override-period",
            ));
        }
        let fingerprint = format!("{new:?}");
        let id = self
            .idempotent(
                &actor,
                "event",
                &new.idempotency_key,
                fingerprint,
                async |txn, now, id| {
                    self.insert_event(txn, &actor, &new, now, id, EventState::Draft, false)
                        .await
                        .map(drop)
                },
            )
            .await?;
        self.event_as(&Some(actor), EntityId::from(id)).await
    }

    /// Inserts an event (rotation, kind and quota checked under the series' row lock). A
    /// lecture series' quota is its yearly target of local governments
    /// ([`lecture_target_allows`]); `beyond_target` (an administrator's decision) lets a
    /// lecture past it. The series' period rule (months, longest duration) holds unless
    /// `new.outside_period` (an administrator's decision, checked by the caller), and the
    /// audit row says when it was set aside. Whether the event went beyond its series' target.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn insert_event(
        &self,
        txn: &Tx,
        actor: &Actor,
        new: &NewEvent,
        now: DateTime<Utc>,
        id: Uuid,
        state: EventState,
        beyond_target: bool,
    ) -> Result<bool> {
        let mut went_beyond = false;
        let mut outside_period = None;
        let (kind, edition) = match new.series_id {
            None => (
                new.kind
                    .ok_or_else(|| EventsError::invalid("kind", "is required"))?,
                0,
            ),
            Some(series_id) => {
                let series = queries::find_series(txn, series_id.as_uuid(), true)
                    .await?
                    .ok_or_else(|| EventsError::invalid("seriesId", "unknown series"))?;
                let kind = views::series_kind(&series)?;
                if new.kind.is_some_and(|k| k != kind) {
                    return Err(EventsError::invalid_said(
                        "kind",
                        glocal_kit::i18n::Message::new("input-series-kind").arg("kind", kind),
                    ));
                }
                let editions = queries::editions_of(txn, &[series.id]).await?;
                let (_, rotation) = views::series_rotation(&series)?;
                let last = views::last_host(&editions, series.id)?;
                rotation
                    .check_turn(last.as_ref(), &new.host_country)
                    .map_err(|e| {
                        EventsError::Refused(glocal_kit::error::Refusal::said(
                            glocal_kit::error::ErrorCode::Conflict,
                            "HOST_OUT_OF_TURN",
                            e.said,
                        ))
                    })?;
                let quota = u32_of(series.yearly_quota);
                let year = new.start_date.year();
                let first = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(new.start_date);
                let last = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(new.start_date);
                if quota > 0 && kind == EventKind::Lecture {
                    let reached = queries::series_local_governments_between(
                        txn,
                        series.id,
                        first,
                        last,
                        EventState::Cancelled.as_str(),
                    )
                    .await?;
                    let host = new
                        .host_local_government_code
                        .as_ref()
                        .map(|c| c.as_str().to_owned())
                        .unwrap_or_default();
                    if !lecture_target_allows(&reached, &host, quota) {
                        if !beyond_target {
                            return Err(EventsError::said(
                                glocal_kit::error::ErrorCode::Conflict,
                                "YEARLY_QUOTA_USED",
                                glocal_kit::i18n::Message::new("rule-lecture-target-reached")
                                    .arg("quota", quota)
                                    .arg("series", &series.code)
                                    .arg("year", year),
                            ));
                        }
                        went_beyond = true;
                    }
                } else if quota > 0 {
                    let used = queries::count_series_events_between(
                        txn,
                        series.id,
                        first,
                        last,
                        EventState::Cancelled.as_str(),
                    )
                    .await?;
                    if !quota_allows(used, quota) {
                        return Err(EventsError::said(
                            glocal_kit::error::ErrorCode::Conflict,
                            "YEARLY_QUOTA_USED",
                            glocal_kit::i18n::Message::new("rule-yearly-quota-used")
                                .arg("quota", quota)
                                .arg("series", &series.code)
                                .arg("year", year),
                        ));
                    }
                }
                if let Some(rule) = views::series_period(&series)?
                    && let Err(breach) = rule.check(new.start_date, new.end_date, 0)
                {
                    if !new.outside_period {
                        return Err(EventsError::said(
                            glocal_kit::error::ErrorCode::Conflict,
                            "OUTSIDE_PERIOD",
                            rule.refusal(breach, &series.code, new.start_date, new.end_date),
                        ));
                    }
                    outside_period = Some(rule);
                }
                let edition = editions.iter().map(|e| e.edition).max().unwrap_or(0) + 1;
                (kind, edition)
            }
        };
        writes::insert_event(txn, id, new, kind, edition, state, now).await?;
        let mut note = if edition > 0 {
            format!("edition {edition}, hosted by {}", new.host_country)
        } else {
            String::new()
        };
        if went_beyond {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str("beyond the series' yearly target of local governments, by an administrator's decision");
        }
        if let Some(rule) = outside_period {
            if !note.is_empty() {
                note.push_str("; ");
            }
            note.push_str(&format!(
                "outside the series' period rule ({rule}), by an administrator's decision"
            ));
        }
        queries::insert_audit(
            txn,
            "event",
            id,
            "create",
            None,
            Some(state.as_str()),
            actor.pair()?,
            now,
            &note,
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "seriesId": new.series_id.map(|s| s.to_string()),
            "edition": edition,
            "kind": kind.as_str(),
            "state": state.as_str(),
            "version": 1,
        });
        let change = Change::new("Event", id, "EventCreated", payload)
            .touching_all(new.series_id.map(|s| EntityRef::new("Series", s)));
        outbox::append(txn, &change, now).await?;
        tracing::info!(
            event_id = %id,
            kind = %kind,
            edition,
            went_beyond,
            outside_period = outside_period.is_some(),
            "event created"
        );
        Ok(went_beyond)
    }

    /// One event the caller may see; NOT_FOUND otherwise (drafts are the bureau's).
    pub async fn get_event(&self, caller: Option<&Caller>, id: EntityId) -> Result<EventView> {
        self.event_as(&viewer(caller), id).await
    }

    pub(super) async fn event_as(&self, viewer: &Viewer, id: EntityId) -> Result<EventView> {
        match queries::find_event(&self.db, id.as_uuid(), false).await? {
            Some(row) if event_visible(viewer, &row) => self
                .event_views(vec![row])
                .await?
                .pop()
                .ok_or(EventsError::NotFound("event")),
            _ => Err(EventsError::NotFound("event")),
        }
    }

    /// Several events in the order asked, leaving out those the caller may not see.
    pub async fn batch_get_events(
        &self,
        caller: Option<&Caller>,
        ids: &[EntityId],
    ) -> Result<Vec<EventView>> {
        let viewer = viewer(caller);
        let uuids: Vec<Uuid> = ids.iter().map(EntityId::as_uuid).collect();
        let rows: Vec<EventRow> = queries::find_events(&self.db, &uuids)
            .await?
            .into_iter()
            .filter(|r| event_visible(&viewer, r))
            .collect();
        let by_id: HashMap<EntityId, EventView> = self
            .event_views(rows)
            .await?
            .into_iter()
            .map(|v| (v.id, v))
            .collect();
        Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
    }

    /// A page of the events the caller may see, by start date.
    pub async fn list_events(
        &self,
        caller: Option<&Caller>,
        filter: EventFilter,
        page: PageRequest,
        parts: EventListParts,
    ) -> Result<Page<EventView>> {
        let parts = EventListParts {
            contributions: false,
            ..parts
        };
        Ok(self.event_list(caller, filter, page, parts).await?.page)
    }

    /// A page of the events the caller may see, by start date, with the contributions the
    /// caller may see of them when `parts` asks (as [`EventOffice::contributions`] would
    /// answer for the page's events, without reading their states again).
    pub async fn event_list(
        &self,
        caller: Option<&Caller>,
        filter: EventFilter,
        page: PageRequest,
        parts: EventListParts,
    ) -> Result<EventList> {
        let viewer = viewer(caller);
        let first = self.page_size(page.first);
        let query = EventQuery {
            include_drafts: is_bureau(&viewer),
            kinds: filter.kinds.iter().map(|k| k.as_str().to_owned()).collect(),
            states: filter
                .states
                .iter()
                .map(|s| s.as_str().to_owned())
                .collect(),
            series_id: filter.series_id.map(|s| s.as_uuid()),
            host_country: filter.host_country.map(|c| c.as_str().to_owned()),
            from_date: filter.from_date,
            to_date: filter.to_date,
            after: decode_event_cursor(page.after.as_deref())?,
            limit: u64::from(first) + 1,
            count: parts.total_count,
        };
        let (mut rows, total_count) = queries::list_events(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(event_cursor).collect();
        let contributions = if parts.contributions {
            self.contributions_of_page(&viewer, &rows).await?
        } else {
            Vec::new()
        };
        let page = Page {
            items: views::event_views(&self.db, rows, self.now(), parts.tallies).await?,
            cursors,
            has_next_page,
            total_count,
        };
        Ok(EventList {
            page,
            contributions,
        })
    }

    pub(super) async fn event_views(&self, rows: Vec<EventRow>) -> Result<Vec<EventView>> {
        views::event_views(&self.db, rows, self.now(), true).await
    }

    /// Moves an event through its life cycle (bureau only); `reason` is required to cancel.
    pub async fn transition_event(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        action: EventAction,
        reason: Option<String>,
    ) -> Result<EventView> {
        let actor = bureau(caller, "action-change-events")?;
        let reason = match (
            action,
            reason.as_deref().map(str::trim).filter(|r| !r.is_empty()),
        ) {
            (EventAction::Cancel, None) => {
                return Err(EventsError::invalid("reason", "is required to cancel"));
            }
            (_, Some(r)) => Some(bounded(r, "reason", 1, 2_000)?),
            (_, None) => None,
        };
        let txn = self.db.begin().await?;
        let row = queries::find_event(&txn, id.as_uuid(), true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        let from = event_state(&row)?;
        let to = event_transition(from, action)?;
        check_version(version, row.version)?;
        let now = self.now();
        let cancel_reason = if action == EventAction::Cancel {
            reason.clone()
        } else {
            row.cancel_reason.clone()
        };
        let Some(written) = writes::change_event(&txn, &row, to, cancel_reason, now).await? else {
            return Err(stale(version, row.version + 1));
        };
        queries::insert_audit(
            &txn,
            "event",
            row.id,
            action.as_str(),
            Some(from.as_str()),
            Some(to.as_str()),
            actor.pair()?,
            now,
            reason.as_deref().unwrap_or_default(),
        )
        .await?;
        let payload = json!({
            "id": row.id.to_string(),
            "action": action.as_str(),
            "fromState": from.as_str(),
            "state": to.as_str(),
            "version": row.version + 1,
        });
        outbox::append(
            &txn,
            &Change::new("Event", row.id, "EventStateChanged", payload),
            now,
        )
        .await?;
        txn.commit().await?;
        tracing::info!(event_id = %row.id, action = action.as_str(), from = %from, to = %to, "event changed");
        self.event_views(vec![written])
            .await?
            .pop()
            .ok_or(EventsError::NotFound("event"))
    }
}
