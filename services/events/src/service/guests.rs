//! Guest registration (ADR 0049): an anonymous visitor asks for a seat at a public forum;
//! the notifier e-mails them a token (from the `GuestRegistrationRequested` change event);
//! confirming with it makes an ordinary registration under the event's lock, by the same
//! capacity and waitlist rules as any other ([`super::registrations::admit`]). The spam
//! limits and the rules are the domain's ([`crate::domain::GuestLimits`],
//! [`crate::domain::GuestRefusal`]).

use chrono::{DateTime, Utc};
use glocal_kit::error::ErrorCode;
use glocal_kit::outbox::{self, Change};
use glocal_kit::store::Tx;
use serde_json::json;
use uuid::Uuid;

use super::registrations::{admit, check_open, event_title};
use super::{EventOffice, Result, SYSTEM, event_visible};
use crate::domain::{
    EntityId, EventKind, GuestRefusal, GuestState, GuestToken, NewGuest, Party, RegistrationState,
    open_to_guests,
};
use crate::error::EventsError;
use crate::store::EventRow;
use crate::store::guests::{self, GuestRequestRow};
use crate::store::queries;
use crate::store::writes::{self, Author};

/// A guest's request as the guest (or the bureau) sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestRequestView {
    /// The request.
    pub id: EntityId,
    /// The event.
    pub event_id: EntityId,
    /// Where it is (a lapsed pending request reads EXPIRED).
    pub state: GuestState,
    /// Until when the token is valid.
    pub expires_at: DateTime<Utc>,
    /// The registration made on confirmation.
    pub registration_id: Option<EntityId>,
    /// That registration's state (CONFIRMED or WAITLISTED) when just confirmed.
    pub registration_state: Option<RegistrationState>,
    /// The guest's subject (`guest:<uuid>`, the same for every request of one address).
    pub guest_subject: Option<String>,
}

fn refused(r: GuestRefusal, limits: &crate::domain::GuestLimits) -> EventsError {
    let code = match r {
        GuestRefusal::Honeypot => ErrorCode::BadUserInput,
        GuestRefusal::NotOpenToGuests => ErrorCode::Forbidden,
        GuestRefusal::TokenUnknown => ErrorCode::NotFound,
        _ => ErrorCode::Conflict,
    };
    EventsError::said(code, r.reason(), r.message(limits))
}

impl EventOffice {
    /// Maps a domain refusal to the service error (stable reason, catalogue message).
    pub fn guest_refusal(&self, r: GuestRefusal) -> EventsError {
        refused(r, &self.guests)
    }

    /// Records an anonymous guest's request for a seat at a forum whose registration is
    /// open: PENDING_CONFIRMATION, holding no seat, with a fresh token whose hash only is
    /// stored; the change event `GuestRegistrationRequested` carries the token to the
    /// notifier, which e-mails it in the guest's language. Refused (nothing written) when
    /// the event takes no guests, the address already registered or waits for the event,
    /// or the address's or event's pending limit is reached.
    pub async fn register_guest(
        &self,
        event_id: EntityId,
        guest: NewGuest,
    ) -> Result<GuestRequestView> {
        Ok(self.request_guest_seat(event_id, guest).await?.0)
    }

    /// [`EventOffice::register_guest`], also answering the token (the demo data confirms
    /// one guest with it; callers never see it).
    pub(crate) async fn request_guest_seat(
        &self,
        event_id: EntityId,
        guest: NewGuest,
    ) -> Result<(GuestRequestView, GuestToken)> {
        let token = GuestToken::generate()
            .map_err(|e| EventsError::Corrupt(format!("no randomness: {e}")))?;
        let txn = self.db.begin().await?;
        let now = self.now();
        // The event's lock serialises the event's pending limit and duplicate check.
        let row = queries::find_event(&txn, event_id.as_uuid(), true)
            .await?
            .filter(|r| event_visible(&None, r))
            .ok_or(EventsError::NotFound("event"))?;
        let kind = EventKind::parse(&row.kind).map_err(|e| EventsError::Corrupt(e.to_string()))?;
        if !open_to_guests(kind) {
            return Err(self.guest_refusal(GuestRefusal::NotOpenToGuests));
        }
        self.settle(&txn, &row, now).await?;
        check_open(&row, now)?;
        let email = guest.email.as_str();
        let (of_email, of_event, both) = guests::pending_counts(&txn, email, row.id, now).await?;
        if both > 0 || self.guest_registered(&txn, email, row.id).await? {
            return Err(self.guest_refusal(GuestRefusal::Duplicate));
        }
        self.guests
            .admit(of_email, of_event)
            .map_err(|r| self.guest_refusal(r))?;
        let id = Uuid::now_v7();
        let expires_at = now + self.guests.token_ttl;
        let subject = match guests::guest_by_email(&txn, email).await? {
            Some(g) => g.subject,
            None => format!("guest:{}", Uuid::new_v4()),
        };
        guests::insert_request(
            &txn,
            id,
            row.id,
            &subject,
            &guest,
            &token.hash(),
            expires_at,
            now,
        )
        .await?;
        let pending = GuestState::PendingConfirmation.as_str();
        queries::insert_audit(
            &txn,
            "guest_registration",
            id,
            "request",
            None,
            Some(pending),
            SYSTEM,
            now,
            "",
        )
        .await?;
        let payload = json!({
            "id": id.to_string(),
            "eventId": row.id.to_string(),
            "state": pending,
            "eventTitle": event_title(&row),
            "guestName": guest.name,
            "guest": { "subject": subject, "email": email, "locale": guest.language },
            "token": token.expose(),
            "expiresAt": expires_at.to_rfc3339(),
        });
        let change = Change::new(
            "GuestRegistration",
            id,
            "GuestRegistrationRequested",
            payload,
        )
        .touching("Event", row.id);
        outbox::append(&txn, &change, now).await?;
        txn.commit().await?;
        tracing::info!(guest_registration_id = %id, event_id = %row.id, "guest registration requested");
        let view = GuestRequestView {
            id: EntityId::from(id),
            event_id: EntityId::from(row.id),
            state: GuestState::PendingConfirmation,
            expires_at,
            registration_id: None,
            registration_state: None,
            guest_subject: Some(subject),
        };
        Ok((view, token))
    }

    /// Confirms a guest's request with the token they were e-mailed: under the event's lock
    /// the guest's person record is found or made (one per address, subject
    /// `guest:<uuid>`) and an individual registration is made for them, CONFIRMED when
    /// seats are free and nobody waits, else WAITLISTED; never overbooking. An unknown or
    /// used token is NOT_FOUND `GUEST_TOKEN_INVALID`, a lapsed one CONFLICT
    /// `GUEST_TOKEN_EXPIRED`; nothing is written then.
    pub async fn confirm_guest(&self, token: &GuestToken) -> Result<GuestRequestView> {
        let hash = token.hash();
        let txn = self.db.begin().await?;
        let now = self.now();
        let Some(found) = guests::request_by_token(&txn, &hash).await? else {
            return Err(self.guest_refusal(GuestRefusal::TokenUnknown));
        };
        let row = queries::find_event(&txn, found.event_id, true)
            .await?
            .ok_or(EventsError::NotFound("event"))?;
        // Re-read under the lock: a twin confirmation may have gone first.
        let req = guests::find_request(&txn, found.id)
            .await?
            .ok_or_else(|| self.guest_refusal(GuestRefusal::TokenUnknown))?;
        match stored_state(&req)?.as_of(req.expires_at, now) {
            GuestState::PendingConfirmation => {}
            GuestState::Expired => return Err(self.guest_refusal(GuestRefusal::TokenExpired)),
            GuestState::Confirmed => return Err(self.guest_refusal(GuestRefusal::TokenUnknown)),
        }
        self.settle(&txn, &row, now).await?;
        check_open(&row, now)?;
        let guest = guests::guest_for(&txn, &req, now).await?;
        let active: Vec<&str> = RegistrationState::ALL
            .iter()
            .filter(|s| s.is_active())
            .map(|s| s.as_str())
            .collect();
        if !queries::registrations_of_registrant(&txn, row.id, &guest.subject, &active)
            .await?
            .is_empty()
        {
            return Err(self.guest_refusal(GuestRefusal::Duplicate));
        }
        let party = Party::Individual {
            attendee: req.name.clone(),
        };
        let (action, to) = admit(&txn, &row, 1).await?;
        let reg_id = Uuid::now_v7();
        let author = Author {
            subject: &guest.subject,
            name: &req.name,
            org: &req.affiliation,
        };
        writes::insert_registration(&txn, reg_id, row.id, &party, author, to, now).await?;
        if !guests::mark_confirmed(&txn, req.id, reg_id, now).await? {
            return Err(self.guest_refusal(GuestRefusal::TokenUnknown));
        }
        self.guest_confirmed(
            &txn,
            &row,
            &req,
            &guest.subject,
            reg_id,
            action.as_str(),
            to,
            now,
        )
        .await?;
        txn.commit().await?;
        Ok(GuestRequestView {
            id: EntityId::from(req.id),
            event_id: EntityId::from(row.id),
            state: GuestState::Confirmed,
            expires_at: req.expires_at,
            registration_id: Some(EntityId::from(reg_id)),
            registration_state: Some(to),
            guest_subject: Some(guest.subject),
        })
    }

    /// The audit rows and change events of a confirmation: the request's, and the new
    /// registration's (`RegistrationCreated`, with the guest's address and language so the
    /// notifier can tell them: `guest {subject, email, locale}`).
    #[allow(clippy::too_many_arguments)]
    async fn guest_confirmed(
        &self,
        txn: &Tx,
        row: &EventRow,
        req: &GuestRequestRow,
        subject: &str,
        reg_id: Uuid,
        action: &str,
        to: RegistrationState,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let pending = GuestState::PendingConfirmation.as_str();
        let confirmed = GuestState::Confirmed.as_str();
        let guest = (subject, req.name.as_str());
        queries::insert_audit(
            txn,
            "guest_registration",
            req.id,
            "confirm",
            Some(pending),
            Some(confirmed),
            guest,
            now,
            "",
        )
        .await?;
        let before = RegistrationState::Pending.as_str();
        queries::insert_audit(
            txn,
            "registration",
            reg_id,
            "register",
            None,
            Some(before),
            guest,
            now,
            "",
        )
        .await?;
        queries::insert_audit(
            txn,
            "registration",
            reg_id,
            action,
            Some(before),
            Some(to.as_str()),
            SYSTEM,
            now,
            "",
        )
        .await?;
        let payload = json!({
            "id": reg_id.to_string(),
            "eventId": row.id.to_string(),
            "kind": "INDIVIDUAL",
            "state": to.as_str(),
            "seats": 1,
            "registrantSubject": subject,
            "eventTitle": event_title(row),
            "guestRegistrationId": req.id.to_string(),
            "guest": { "subject": subject, "email": req.email, "locale": req.language },
        });
        let change = Change::new("Registration", reg_id, "RegistrationCreated", payload)
            .touching("Event", row.id);
        outbox::append(txn, &change, now).await?;
        tracing::info!(registration_id = %reg_id, event_id = %row.id, state = %to, "guest registration confirmed");
        Ok(())
    }

    /// Whether the guest with this address holds an active registration of the event.
    async fn guest_registered(&self, txn: &Tx, email: &str, event_id: Uuid) -> Result<bool> {
        let Some(g) = guests::guest_by_email(txn, email).await? else {
            return Ok(false);
        };
        let active: Vec<&str> = RegistrationState::ALL
            .iter()
            .filter(|s| s.is_active())
            .map(|s| s.as_str())
            .collect();
        Ok(
            !queries::registrations_of_registrant(txn, event_id, &g.subject, &active)
                .await?
                .is_empty(),
        )
    }

    /// Persists the expiry of every pending guest request past its deadline and blanks
    /// what it held about the person; the sweeper calls this. Reads never need it (a lapsed
    /// request reads EXPIRED, and the limits count only unexpired ones).
    pub async fn expire_guest_requests(&self) -> Result<u64> {
        let txn = self.db.begin().await?;
        let n = guests::expire_lapsed(&txn, self.now()).await?;
        txn.commit().await?;
        if n > 0 {
            tracing::info!(expired = n, "unconfirmed guest registrations expired");
        }
        Ok(n)
    }
}

fn stored_state(req: &GuestRequestRow) -> Result<GuestState> {
    GuestState::parse(&req.state).map_err(|e| EventsError::Corrupt(e.to_string()))
}
