//! Registrations: register, the waitlist and its offers, cancel, check in.

use super::{
    EventOffice, Page, PageRequest, RegistrationFilter, RegistrationView, Result, SYSTEM, Viewer,
    bureau, check_version, decode_seq, event_visible, member, registration_visible, seq_cursor,
    stale,
};
use crate::domain::{
    EntityId, EventState, NewRegistration, RegistrationAction, RegistrationState, Version, bounded,
    offer_lapsed, registration_transition,
};
use crate::error::EventsError;
use crate::store::queries::{self, RegistrationQuery};
use crate::store::views::{
    self as views, event_state, from_json, registration_state, u32_of, zone_of,
};
use crate::store::writes::{self, OfferDeadline};
use crate::store::{EventRow, RegistrationRow};
use chrono::{DateTime, NaiveDate, Utc};
use glocal_kit::Caller;
use glocal_kit::error::ErrorCode;
use glocal_kit::i18n::Message;
use glocal_kit::outbox::{self, Change};
use glocal_kit::store::Tx;
use serde_json::json;

impl EventOffice {
    /// Registers the caller (an individual) or a delegation for an event whose registration
    /// is open: CONFIRMED when the seats are free and nobody waits, else WAITLISTED.
    /// Idempotent per key; one active registration per caller and event.
    pub async fn register(
        &self,
        caller: Option<&Caller>,
        event_id: EntityId,
        new: NewRegistration,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let fingerprint = format!("{event_id} {new:?}");
        let id = self
            .idempotent(&actor, "registration", &new.idempotency_key, fingerprint, async |txn, now, id| {
                let row = queries::find_event(txn, event_id.as_uuid(), true)
                    .await?
                    .filter(|r| event_visible(&Some(actor.clone()), r))
                    .ok_or(EventsError::NotFound("event"))?;
                self.settle(txn, &row, now).await?;
                check_open(&row, now)?;
                let seats = new.party.seats();
                if seats > u32_of(row.capacity) {
                    return Err(EventsError::invalid_said(
                        "members",
                        Message::new("input-delegation-larger-than-event")
                            .arg("seats", seats)
                            .arg("capacity", row.capacity),
                    ));
                }
                let active: Vec<&str> = RegistrationState::ALL
                    .iter()
                    .filter(|s| s.is_active())
                    .map(|s| s.as_str())
                    .collect();
                if !queries::registrations_of_registrant(txn, row.id, &actor.subject, &active)
                    .await?
                    .is_empty()
                {
                    return Err(EventsError::Conflict(
                        "you already have a registration for this event".into(),
                    ));
                }
                let (action, to) = admit(txn, &row, seats).await?;
                writes::insert_registration(txn, id, row.id, &new.party, actor.author()?, to, now)
                    .await?;
                let pending = RegistrationState::Pending.as_str();
                queries::insert_audit(txn, "registration", id, "register", None, Some(pending), actor.pair()?, now, &glocal_kit::i18n::Message::new("events-registered-seats").arg("seats", seats).store()).await?;
                queries::insert_audit(txn, "registration", id, action.as_str(), Some(pending), Some(to.as_str()), SYSTEM, now, "").await?;
                let payload = json!({
                    "id": id.to_string(),
                    "eventId": row.id.to_string(),
                    "kind": new.party.kind().as_str(),
                    "state": to.as_str(),
                    "seats": seats,
                    "registrantSubject": actor.subject,
                    "eventTitle": event_title(&row),
                });
                outbox::append(txn, &Change::new("Registration", id, "RegistrationCreated", payload).touching("Event", row.id), now).await?;
                tracing::info!(registration_id = %id, event_id = %row.id, state = %to, seats, "registration created");
                Ok(())
            })
            .await?;
        self.registration_as(&Some(actor), EntityId::from(id)).await
    }

    /// Expires the event's lapsed offers and offers freed seats to the waitlist, in line
    /// order, while the first in line fits. Runs under the event's row lock.
    pub(super) async fn settle(&self, txn: &Tx, row: &EventRow, now: DateTime<Utc>) -> Result<()> {
        let offered =
            queries::registrations_in_state(txn, row.id, RegistrationState::Offered.as_str())
                .await?;
        for reg in offered
            .into_iter()
            .filter(|r| offer_lapsed(r.offer_expires_at, now))
        {
            let to =
                registration_transition(RegistrationState::Offered, RegistrationAction::Expire)?;
            if !writes::change_registration(txn, reg.id, reg.version, to, OfferDeadline::Keep, now)
                .await?
            {
                continue;
            }
            queries::release_seats(txn, row.id, reg.seats).await?;
            let lapsed = reg
                .offer_expires_at
                .map(|t| t.to_rfc3339())
                .unwrap_or_default();
            self.registration_changed(
                txn,
                row,
                &reg,
                RegistrationAction::Expire,
                to,
                SYSTEM,
                now,
                &format!("offer lapsed at {lapsed}"),
            )
            .await?;
        }
        if event_state(row)?.is_terminal() {
            return Ok(());
        }
        let waiting =
            queries::registrations_in_state(txn, row.id, RegistrationState::Waitlisted.as_str())
                .await?;
        for reg in waiting {
            if !queries::take_seats(txn, row.id, reg.seats).await? {
                break;
            }
            let to =
                registration_transition(RegistrationState::Waitlisted, RegistrationAction::Offer)?;
            let expires = now + self.config.offer_ttl;
            let offer = OfferDeadline::Until(expires);
            if !writes::change_registration(txn, reg.id, reg.version, to, offer, now).await? {
                queries::release_seats(txn, row.id, reg.seats).await?;
                continue;
            }
            self.registration_changed(
                txn,
                row,
                &reg,
                RegistrationAction::Offer,
                to,
                SYSTEM,
                now,
                &format!("offer open until {}", expires.to_rfc3339()),
            )
            .await?;
        }
        Ok(())
    }

    /// Audit row and outbox event of a registration's state change (naming the event, so a
    /// notice can say which).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn registration_changed(
        &self,
        txn: &Tx,
        event: &EventRow,
        before: &RegistrationRow,
        action: RegistrationAction,
        to: RegistrationState,
        actor: (&str, &str),
        now: DateTime<Utc>,
        note: &str,
    ) -> Result<()> {
        queries::insert_audit(
            txn,
            "registration",
            before.id,
            action.as_str(),
            Some(&before.state),
            Some(to.as_str()),
            actor,
            now,
            note,
        )
        .await?;
        let payload = json!({
            "id": before.id.to_string(),
            "eventId": before.event_id.to_string(),
            "action": action.as_str(),
            "fromState": before.state,
            "state": to.as_str(),
            "version": before.version + 1,
            "registrantSubject": before.registrant_subject,
            "eventTitle": event_title(event),
            "offerExpiresAt": (action == RegistrationAction::Offer)
                .then(|| (now + self.config.offer_ttl).to_rfc3339()),
        });
        let change = Change::new(
            "Registration",
            before.id,
            "RegistrationStateChanged",
            payload,
        )
        .touching("Event", before.event_id);
        outbox::append(txn, &change, now).await?;
        tracing::info!(registration_id = %before.id, action = action.as_str(), from = %before.state, to = %to, "registration changed");
        Ok(())
    }

    /// Expires every lapsed offer and offers the freed seats to the next in line, one
    /// transaction per event; returns how many events it settled. The sweeper calls this
    /// periodically. Reads never do (they write nothing): they show a lapsed offer as
    /// expired already, from its deadline ([`RegistrationState::as_of`]).
    pub async fn expire_lapsed_offers(&self) -> Result<usize> {
        let now = self.now();
        let events = queries::events_with_lapsed_offers(&self.db, now).await?;
        for id in &events {
            let txn = self.db.begin().await?;
            if let Some(row) = queries::find_event(&txn, *id, true).await? {
                self.settle(&txn, &row, now).await?;
            }
            txn.commit().await?;
        }
        Ok(events.len())
    }

    /// Loads a registration the caller may see, locks its event and settles it; the
    /// registration is re-read after settling.
    pub(super) async fn locked_registration(
        &self,
        txn: &Tx,
        viewer: &Viewer,
        id: EntityId,
        now: DateTime<Utc>,
    ) -> Result<(RegistrationRow, EventRow)> {
        let reg = queries::find_registration(txn, id.as_uuid())
            .await?
            .filter(|r| registration_visible(viewer, r))
            .ok_or(EventsError::NotFound("registration"))?;
        let event = queries::find_event(txn, reg.event_id, true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        self.settle(txn, &event, now).await?;
        let reg = queries::find_registration(txn, reg.id)
            .await?
            .ok_or(EventsError::NotFound("registration"))?;
        Ok((reg, event))
    }

    /// Cancels a registration (its registrant or the bureau); freed seats are offered to
    /// the next in line.
    pub async fn cancel_registration(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
        reason: Option<String>,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let reason = reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(|r| bounded(r, "reason", 1, 2_000))
            .transpose()?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, event) = self.locked_registration(&txn, &viewer, id, now).await?;
        let from = registration_state(&reg)?;
        let to = registration_transition(from, RegistrationAction::Cancel)?;
        check_version(version, reg.version)?;
        if !writes::change_registration(&txn, reg.id, reg.version, to, OfferDeadline::Clear, now)
            .await?
        {
            return Err(stale(version, reg.version + 1));
        }
        if from.holds_seats() {
            queries::release_seats(&txn, event.id, reg.seats).await?;
        }
        self.registration_changed(
            &txn,
            &event,
            &reg,
            RegistrationAction::Cancel,
            to,
            actor.pair()?,
            now,
            reason.as_deref().unwrap_or_default(),
        )
        .await?;
        self.settle(&txn, &event, now).await?;
        txn.commit().await?;
        self.registration_as(&viewer, id).await
    }

    /// The registrant takes the seats offered to them, before the offer lapses.
    pub async fn accept_offer(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
        version: Version,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, event) = self.locked_registration(&txn, &viewer, id, now).await?;
        if reg.registrant_subject != actor.subject {
            return Err(EventsError::Forbidden(
                "only the registrant may accept an offer".into(),
            ));
        }
        let from = registration_state(&reg)?;
        if from == RegistrationState::Expired {
            // Keep the expiry (and the offer to the next in line) that settling just wrote.
            txn.commit().await?;
            return Err(EventsError::said(
                ErrorCode::Conflict,
                "OFFER_LAPSED",
                Message::new("rule-offer-lapsed")
                    .arg("at", reg.offer_expires_at.map(rfc3339).unwrap_or_default()),
            ));
        }
        let to = registration_transition(from, RegistrationAction::Accept)?;
        check_version(version, reg.version)?;
        if !writes::change_registration(&txn, reg.id, reg.version, to, OfferDeadline::Clear, now)
            .await?
        {
            return Err(stale(version, reg.version + 1));
        }
        self.registration_changed(
            &txn,
            &event,
            &reg,
            RegistrationAction::Accept,
            to,
            actor.pair()?,
            now,
            "",
        )
        .await?;
        txn.commit().await?;
        self.registration_as(&viewer, id).await
    }

    /// Checks an attendee of a confirmed registration in on one day of an ongoing event
    /// (bureau only). `day` defaults to today in the event's time zone, `attendee` to the
    /// individual or the head of delegation.
    pub async fn check_in(
        &self,
        caller: Option<&Caller>,
        registration_id: EntityId,
        day: Option<NaiveDate>,
        attendee: Option<String>,
    ) -> Result<RegistrationView> {
        let actor = bureau(caller, "action-check-attendees-in")?;
        let viewer = Some(actor.clone());
        let txn = self.db.begin().await?;
        let now = self.now();
        let (reg, event) = self
            .locked_registration(&txn, &viewer, registration_id, now)
            .await?;
        let state = event_state(&event)?;
        if state != EventState::Ongoing {
            return Err(EventsError::said(
                ErrorCode::Conflict,
                "CHECK_IN_NOT_ONGOING",
                Message::new("rule-check-in-not-ongoing").arg("state", state),
            ));
        }
        if registration_state(&reg)? != RegistrationState::Confirmed {
            return Err(EventsError::said(
                ErrorCode::Conflict,
                "CHECK_IN_NOT_CONFIRMED",
                Message::new("rule-check-in-not-confirmed").arg("state", &reg.state),
            ));
        }
        let zone = zone_of(&event)?;
        let day = day.unwrap_or_else(|| zone.local_date(now));
        if day < event.start_date || day > event.end_date {
            return Err(EventsError::invalid_said(
                "day",
                Message::new("input-day-of-event")
                    .arg("first", event.start_date)
                    .arg("last", event.end_date),
            ));
        }
        let members: Vec<String> = from_json(&reg.members)?;
        let everyone: Vec<&str> = std::iter::once(reg.attendee_name.as_str())
            .chain(members.iter().map(String::as_str))
            .collect();
        let attendee = match attendee.as_deref().map(str::trim).filter(|a| !a.is_empty()) {
            None => reg.attendee_name.clone(),
            Some(a) if everyone.contains(&a) => a.to_owned(),
            Some(_) => {
                return Err(EventsError::invalid(
                    "attendee",
                    "is not on this registration",
                ));
            }
        };
        let already = queries::check_ins_of(&txn, &[reg.id])
            .await?
            .into_iter()
            .any(|c| c.day == day && c.attendee == attendee);
        if already {
            return Err(EventsError::said(
                ErrorCode::Conflict,
                "ALREADY_CHECKED_IN",
                Message::new("rule-already-checked-in")
                    .arg("attendee", &attendee)
                    .arg("day", day),
            ));
        }
        if !writes::insert_check_in(&txn, reg.id, day, &attendee, now, &actor.subject).await? {
            return Err(EventsError::said(
                ErrorCode::Conflict,
                "ALREADY_CHECKED_IN",
                Message::new("rule-already-checked-in")
                    .arg("attendee", &attendee)
                    .arg("day", day),
            ));
        }
        let confirmed = RegistrationState::Confirmed.as_str();
        queries::insert_audit(
            &txn,
            "registration",
            reg.id,
            "check_in",
            Some(confirmed),
            Some(confirmed),
            actor.pair()?,
            now,
            &format!("{attendee} on {day}"),
        )
        .await?;
        let payload = json!({
            "id": reg.id.to_string(),
            "eventId": event.id.to_string(),
            "day": day.to_string(),
            "attendee": attendee,
        });
        let change = Change::new("Registration", reg.id, "AttendeeCheckedIn", payload)
            .touching("Event", event.id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        self.registration_as(&viewer, registration_id).await
    }

    /// One registration: the registrant's own, or any for the bureau; NOT_FOUND otherwise.
    pub async fn get_registration(
        &self,
        caller: Option<&Caller>,
        id: EntityId,
    ) -> Result<RegistrationView> {
        let actor = member(caller)?;
        self.registration_as(&Some(actor), id).await
    }

    pub(super) async fn registration_as(
        &self,
        viewer: &Viewer,
        id: EntityId,
    ) -> Result<RegistrationView> {
        let row = queries::find_registration(&self.db, id.as_uuid())
            .await?
            .filter(|r| registration_visible(viewer, r))
            .ok_or(EventsError::NotFound("registration"))?;
        views::registration_views(&self.db, vec![row], self.now())
            .await?
            .pop()
            .ok_or(EventsError::NotFound("registration"))
    }

    /// A page of registrations, oldest first: the caller's own, or (bureau) any.
    pub async fn list_registrations(
        &self,
        caller: Option<&Caller>,
        filter: RegistrationFilter,
        page: PageRequest,
    ) -> Result<Page<RegistrationView>> {
        let actor = member(caller)?;
        let first = self.page_size(page.first);
        let now = self.now();
        let query = RegistrationQuery {
            registrant: (filter.mine || !actor.bureau).then(|| actor.subject.clone()),
            event_id: filter.event_id.map(|e| e.as_uuid()),
            states: filter.states,
            as_of: now,
            after_seq: decode_seq(page.after.as_deref())?,
            limit: u64::from(first) + 1,
        };
        let (mut rows, total_count) = queries::list_registrations(&self.db, &query).await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        let cursors = rows.iter().map(|r| seq_cursor(r.seq)).collect();
        Ok(Page {
            items: views::registration_views(&self.db, rows, now).await?,
            cursors,
            has_next_page,
            total_count,
        })
    }
}

/// Refuses a registration (CONFLICT `REGISTRATION_NOT_OPEN` / `REGISTRATION_CLOSED`)
/// unless the event takes registrations at `now`.
pub(super) fn check_open(row: &EventRow, now: DateTime<Utc>) -> Result<()> {
    let state = event_state(row)?;
    if state != EventState::RegistrationOpen {
        return Err(EventsError::said(
            ErrorCode::Conflict,
            "REGISTRATION_NOT_OPEN",
            Message::new("rule-registration-not-open").arg("state", state),
        ));
    }
    if let Some(opens) = row.registration_opens_at.filter(|o| now < *o) {
        return Err(EventsError::said(
            ErrorCode::Conflict,
            "REGISTRATION_NOT_OPEN",
            Message::new("rule-registration-opens-at").arg("at", rfc3339(opens)),
        ));
    }
    if let Some(closed) = row.registration_closes_at.filter(|c| now >= *c) {
        return Err(EventsError::said(
            ErrorCode::Conflict,
            "REGISTRATION_CLOSED",
            Message::new("rule-registration-closed-at").arg("at", rfc3339(closed)),
        ));
    }
    Ok(())
}

/// Decides a new registration of `seats` under the event's lock: CONFIRMED (taking the
/// seats with the conditional UPDATE) when they are free and nobody waits, else WAITLISTED.
pub(super) async fn admit(
    txn: &Tx,
    row: &EventRow,
    seats: u32,
) -> Result<(RegistrationAction, RegistrationState)> {
    let nobody_waits =
        queries::registrations_in_state(txn, row.id, RegistrationState::Waitlisted.as_str())
            .await?
            .is_empty();
    Ok(
        if nobody_waits && writes::take_seats(txn, row.id, seats).await? {
            let to =
                registration_transition(RegistrationState::Pending, RegistrationAction::Confirm)?;
            (RegistrationAction::Confirm, to)
        } else {
            let to =
                registration_transition(RegistrationState::Pending, RegistrationAction::Waitlist)?;
            (RegistrationAction::Waitlist, to)
        },
    )
}

/// The event's title in the four languages, as registration change events carry it
/// (`eventTitle`, docs/events.md).
pub(super) fn event_title(event: &EventRow) -> serde_json::Value {
    json!({
        "ko": event.title_ko,
        "en": event.title_en,
        "zh": event.title_zh,
        "ja": event.title_ja,
    })
}

/// A time in a message a person reads: RFC 3339, UTC, to the second.
fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
