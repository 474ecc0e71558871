//! Timetable: an event's sessions.

use super::{EventOffice, Result, SessionView, bureau, event_visible, viewer};
use crate::domain::{EntityId, NewSession, TimeZone, overlaps, same_room};
use crate::error::EventsError;
use crate::store::queries;
use crate::store::views::{self, event_state, text_of, zone_of};
use crate::store::writes;
use glocal_kit::Caller;
use glocal_kit::outbox::{self, Change};
use serde_json::json;
use std::collections::HashMap;
use uuid::Uuid;

impl EventOffice {
    /// Adds a session to an event's timetable (bureau only). It must fall on the event's
    /// days in its time zone and not overlap another session in the same room.
    pub async fn add_session(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        new: NewSession,
    ) -> Result<SessionView> {
        let actor = bureau(caller, "action-edit-timetables")?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "session", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), true)
                    .await?
                    .ok_or(EventsError::NotFound("event"))?;
                let state = event_state(&row)?;
                if state.is_terminal() {
                    return Err(timetable_closed(state));
                }
                let zone = zone_of(&row)?;
                new.check_within(zone, row.start_date, row.end_date)?;
                let existing = queries::sessions_of(txn, &[row.id]).await?;
                if let Some(clash) = existing.iter().find(|s| {
                    same_room(&s.room, &new.room)
                        && overlaps((s.starts_at, s.ends_at), (new.starts_at, new.ends_at))
                }) {
                    let title = text_of(&clash.title_ko, &clash.title_en, &clash.title_zh, &clash.title_ja);
                    return Err(EventsError::said(
                        glocal_kit::error::ErrorCode::Conflict,
                        "ROOM_TAKEN",
                        glocal_kit::i18n::Message::new("rule-room-taken")
                            .arg("room", &clash.room)
                            .arg("session", title.any())
                            .arg("from", zone.format_local(clash.starts_at))
                            .arg("to", zone.format_local(clash.ends_at)),
                    ));
                }
                writes::insert_session(txn, id, row.id, &new).await?;
                queries::insert_audit(txn, "event", row.id, "add_session", None, None, actor.pair()?, now, &format!("{id} {}", new.title.any())).await?;
                let payload = json!({ "id": id.to_string(), "eventId": row.id.to_string(), "room": new.room });
                outbox::append(txn, &Change::new("Event", row.id, "SessionAdded", payload).touching("EventSession", id), now).await?;
                Ok(())
            })
            .await?;
        let session = queries::find_session(&self.db, id)
            .await?
            .ok_or(EventsError::NotFound("session"))?;
        let event = queries::find_event(&self.db, session.event_id, false)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        views::session_view(session, zone_of(&event)?)
    }

    /// Removes a session (bureau only).
    pub async fn remove_session(&self, caller: Option<&Caller>, id: EntityId) -> Result<()> {
        let actor = bureau(caller, "action-edit-timetables")?;
        let txn = self.db.begin().await?;
        let session = queries::find_session(&txn, id.as_uuid())
            .await?
            .ok_or(EventsError::NotFound("session"))?;
        let row = queries::find_event(&txn, session.event_id, true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        let state = event_state(&row)?;
        if state.is_terminal() {
            return Err(timetable_closed(state));
        }
        let now = self.now();
        queries::delete_session(&txn, session.id).await?;
        queries::insert_audit(
            &txn,
            "event",
            row.id,
            "remove_session",
            None,
            None,
            actor.pair()?,
            now,
            &session.id.to_string(),
        )
        .await?;
        let payload = json!({ "id": session.id.to_string(), "eventId": row.id.to_string() });
        let change = Change::new("Event", row.id, "SessionRemoved", payload)
            .touching("EventSession", session.id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The sessions of the given events the caller may see, by start (one query each for
    /// events and sessions).
    pub async fn sessions(
        &self,
        caller: Option<&Caller>,
        event_ids: &[EntityId],
    ) -> Result<Vec<SessionView>> {
        let viewer = viewer(caller);
        let uuids: Vec<Uuid> = event_ids.iter().map(EntityId::as_uuid).collect();
        let zones: HashMap<Uuid, TimeZone> = queries::find_events(&self.db, &uuids)
            .await?
            .into_iter()
            .filter(|e| event_visible(&viewer, e))
            .map(|e| Ok((e.id, zone_of(&e)?)))
            .collect::<Result<_>>()?;
        let visible: Vec<Uuid> = zones.keys().copied().collect();
        queries::sessions_of(&self.db, &visible)
            .await?
            .into_iter()
            .map(|s| {
                let zone = zones[&s.event_id];
                views::session_view(s, zone)
            })
            .collect()
    }
}

/// CONFLICT `EVENT_ENDED`: an event in the terminal `state` keeps its timetable.
fn timetable_closed(state: impl std::fmt::Display) -> EventsError {
    EventsError::said(
        glocal_kit::error::ErrorCode::Conflict,
        "EVENT_ENDED",
        glocal_kit::i18n::Message::new("rule-timetable-closed").arg("state", state),
    )
}
