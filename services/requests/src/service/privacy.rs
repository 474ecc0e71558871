//! The requests service's retention job (ADR 0038): a finished request keeps the names of its
//! requester for `privacy.finished_request_days` days after its last change (never less than
//! the reopen window), then one pseudonym replaces them on the request, the requester's
//! messages, history rows and rating. States, dates, types, local governments, ratings and
//! the history's actions stay, so reports and the audit trail read as before.

use glocal_kit::outbox::{self, Change as OutboxChange};
use glocal_kit::privacy::{RETENTION_BATCH, pseudonym, retention_cutoff};
use serde_json::json;

use super::{OnlineBureau, Result};
use crate::domain::RequestState;
use crate::domain::changes::{SERVICE_REQUEST, request_touches};
use crate::store::privacy as store;

/// The change event of a request whose requester was pseudonymised.
pub const PERSONAL_DATA_EXPIRED: &str = "ServiceRequestPersonalDataExpired";

/// The change event of a request whose requester was erased on their request (ADR 0040).
pub const REQUESTER_ERASED: &str = "ServiceRequestRequesterErased";

/// The states in which a request is finished for retention.
const FINISHED: [RequestState; 4] = [
    RequestState::Closed,
    RequestState::Withdrawn,
    RequestState::Rejected,
    RequestState::Merged,
];

impl OnlineBureau {
    /// Pseudonymises the requester of every request finished more than `days` days ago (and
    /// more than the reopen window) that still names them; answers how many. Each request in
    /// its own transaction with its change event, so a failure loses nothing and the next run
    /// goes on where this one stopped.
    pub async fn expire_personal_data(&self, days: u32) -> Result<u64> {
        let now = self.now();
        let cutoff = retention_cutoff(now, days, self.config.reopen_window);
        let mut expired = 0;
        loop {
            let batch = store::expiring(&self.db, &FINISHED, cutoff, RETENTION_BATCH).await?;
            let last = (batch.len() as u64) < RETENTION_BATCH;
            expired += self
                .pseudonymise_each(&batch, PERSONAL_DATA_EXPIRED)
                .await?;
            if last {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "finished requests' personal data pseudonymised");
        }
        Ok(expired)
    }

    /// Erases `subject` (an approved erasure, ADR 0040): every request they made, in any
    /// state, gets a pseudonym for them as retention would give it, each in its own
    /// transaction with its change event; then one more pseudonym replaces them wherever
    /// they still appear (messages, history rows and ratings on other requests).
    /// Idempotent: answers how many records changed (0 the second time).
    pub async fn erase_person(&self, subject: &str) -> Result<u64> {
        let mut erased = glocal_kit::privacy::in_batches(
            || store::of_person(&self.db, subject, RETENTION_BATCH),
            |batch| async move { self.pseudonymise_each(&batch, REQUESTER_ERASED).await },
        )
        .await?;
        erased += store::pseudonymise_elsewhere(&self.db, subject, &pseudonym()).await?;
        Ok(erased)
    }

    /// Pseudonymises each request of `batch` in its own transaction with a `kind` change
    /// event; answers how many it changed (one changed meanwhile is skipped).
    async fn pseudonymise_each(&self, batch: &[store::Expiring], kind: &str) -> Result<u64> {
        let now = self.now();
        let mut changed = 0;
        for request in batch {
            let tx = self.db.begin().await?;
            let alias = pseudonym();
            if !store::pseudonymise(&tx, request, &alias, now).await? {
                continue;
            }
            let change = OutboxChange::new(
                SERVICE_REQUEST,
                request.id.as_uuid(),
                kind,
                json!({
                    "id": request.id.as_uuid().to_string(),
                    "localGovernmentCode": request.local_government_code,
                    "expiredAt": now.to_rfc3339(),
                }),
            )
            .touching_all(request_touches(
                &request.local_government_code,
                request.department_code.as_deref(),
                request.assignee_id.as_deref(),
                None,
            ));
            outbox::append(&tx, &change, now).await?;
            tx.commit().await?;
            changed += 1;
        }
        Ok(changed)
    }
}

/// Follows the notifier's `PersonErased` events (ADR 0040) and erases each person from the
/// requests service, until `shutdown`; its position is kept in the service's database.
pub fn spawn_erasure_follower(
    bureau: OnlineBureau,
    settings: &glocal_kit::config::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    let db = bureau.db.clone();
    glocal_kit::privacy::follow_erasures("requests", db, settings, shutdown, move |subject| {
        let bureau = bureau.clone();
        async move { bureau.erase_person(&subject).await }
    })
}

/// Runs [`OnlineBureau::expire_personal_data`] every `privacy.retention_interval_secs` (the
/// job `requests_retention`) until `shutdown`, unless that interval is 0.
pub fn spawn_retention(
    bureau: OnlineBureau,
    privacy: &glocal_kit::config::PrivacySettings,
    shutdown: glocal_kit::Shutdown,
) -> Option<tokio::task::JoinHandle<()>> {
    let days = privacy.finished_request_days;
    glocal_kit::jobs::spawn_every_secs(
        "requests_retention",
        privacy.retention_interval_secs,
        shutdown,
        move || {
            let bureau = bureau.clone();
            async move { bureau.expire_personal_data(days).await }
        },
    )
}
