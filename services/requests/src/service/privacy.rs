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
            for request in &batch {
                let tx = self.db.begin().await?;
                let alias = pseudonym();
                if !store::pseudonymise(&tx, request, &alias, now).await? {
                    continue;
                }
                let change = OutboxChange::new(
                    SERVICE_REQUEST,
                    request.id.as_uuid(),
                    PERSONAL_DATA_EXPIRED,
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
                expired += 1;
            }
            if last {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "finished requests' personal data pseudonymised");
        }
        Ok(expired)
    }
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
