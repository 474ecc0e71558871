//! The events service's retention job (ADR 0038): the people of a registration (who
//! registered, the attendee or a delegation's head and members, their check-ins) are named
//! for `privacy.past_event_registrant_days` days after the event's last day, then pseudonyms
//! replace them. Seats, states, countries, organisations and check-in days stay, so the
//! event report counts as before.

use glocal_kit::outbox::{self, Change};
use glocal_kit::privacy::{RETENTION_BATCH, pseudonym, retention_cutoff};
use serde_json::json;

use super::{EventOffice, Result};
use crate::store::privacy::{self as store, Aliases};

/// The change event of a registration whose people were pseudonymised.
pub const PERSONAL_DATA_EXPIRED: &str = "RegistrationPersonalDataExpired";

/// The change event of a registration whose registrant was erased on their request.
pub const REGISTRANT_ERASED: &str = "RegistrationRegistrantErased";

impl EventOffice {
    /// Pseudonymises the people of every registration of an event that ended more than
    /// `days` days ago and still names them; answers how many registrations. Each in its own
    /// transaction with its change event, so a failure loses nothing and the next run goes
    /// on where this one stopped.
    pub async fn expire_personal_data(&self, days: u32) -> Result<u64> {
        let now = self.now();
        let before = retention_cutoff(now, days, chrono::Duration::zero()).date_naive();
        let mut expired = 0;
        loop {
            let batch = store::expiring(&self.db, before, RETENTION_BATCH).await?;
            let last = (batch.len() as u64) < RETENTION_BATCH;
            expired += self
                .pseudonymise_each(&batch, PERSONAL_DATA_EXPIRED)
                .await?;
            if last {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "past events' registrants pseudonymised");
        }
        Ok(expired)
    }

    /// Erases `subject` (an approved erasure, ADR 0040): every registration they made, of
    /// any event, gets pseudonyms as retention would give them, each in its own transaction
    /// with its change event; then one more pseudonym replaces them wherever else they are
    /// named (contributions, lecture requests, check-ins they recorded, audit rows); a
    /// guest's person record and requests are deleted.
    /// Idempotent: answers how many records changed.
    pub async fn erase_person(&self, subject: &str) -> Result<u64> {
        let mut erased = glocal_kit::privacy::in_batches(
            || async { Ok(store::of_person(&self.db, subject, RETENTION_BATCH).await?) },
            |batch| async move { self.pseudonymise_each(&batch, REGISTRANT_ERASED).await },
        )
        .await?;
        erased += store::pseudonymise_elsewhere(&self.db, subject, &pseudonym()).await?;
        // A guest (ADR 0049): their person record and their requests, by address.
        erased += crate::store::guests::erase_guest(&self.db, subject).await?;
        Ok(erased)
    }

    /// Pseudonymises the people of each registration of `batch` in its own transaction with
    /// a `kind` change event; answers how many it changed.
    async fn pseudonymise_each(&self, batch: &[store::Expiring], kind: &str) -> Result<u64> {
        let now = self.now();
        let mut changed = 0;
        for reg in batch {
            let aliases = Aliases {
                registrant: pseudonym(),
                attendee: pseudonym(),
                members: reg.members.iter().map(|_| pseudonym()).collect(),
            };
            let txn = self.db.begin().await?;
            if !store::pseudonymise(&txn, reg, &aliases, now).await? {
                continue;
            }
            let change = Change::new(
                "Registration",
                reg.id,
                kind,
                json!({
                    "id": reg.id.to_string(),
                    "eventId": reg.event_id.to_string(),
                    "expiredAt": now.to_rfc3339(),
                }),
            )
            .touching("Event", reg.event_id);
            outbox::append(&txn, &change, now).await?;
            txn.commit().await?;
            changed += 1;
        }
        Ok(changed)
    }
}

/// Follows the notifier's `PersonErased` events (ADR 0040) and erases each person from the
/// events service, until `shutdown`; its position is kept in the service's database.
pub fn spawn_erasure_follower(
    office: EventOffice,
    settings: &glocal_kit::config::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    let db = office.db.clone();
    glocal_kit::privacy::follow_erasures("events", db, settings, shutdown, move |subject| {
        let office = office.clone();
        async move { office.erase_person(&subject).await }
    })
}

/// Runs [`EventOffice::expire_personal_data`] every `privacy.retention_interval_secs` (the
/// job `events_retention`) until `shutdown`, unless that interval is 0.
pub fn spawn_retention(
    office: EventOffice,
    privacy: &glocal_kit::config::PrivacySettings,
    shutdown: glocal_kit::Shutdown,
) -> Option<tokio::task::JoinHandle<()>> {
    let days = privacy.past_event_registrant_days;
    glocal_kit::jobs::spawn_every_secs(
        "events_retention",
        privacy.retention_interval_secs,
        shutdown,
        move || {
            let office = office.clone();
            async move { office.expire_personal_data(days).await }
        },
    )
}
