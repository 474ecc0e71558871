//! The training service's retention job (ADR 0038): a rejected or withdrawn application
//! keeps its applicant's name, grade, answers and documents for
//! `privacy.rejected_application_days` days after its last change; then a pseudonym replaces
//! the name (also on the audit rows the applicant wrote) and the grade, answers and documents
//! go. Nationality, organisation type, local government, state and the reviews' scores stay,
//! so the training report counts as before.

use glocal_kit::outbox::{self, Change};
use glocal_kit::privacy::{RETENTION_BATCH, pseudonym, retention_cutoff};
use serde_json::json;

use super::{Result, TrainingOffice};
use crate::domain::ApplicationState;
use crate::store::privacy as store;

/// The change event of an application whose personal data was removed.
pub const PERSONAL_DATA_EXPIRED: &str = "ApplicationPersonalDataExpired";

/// The change event of an application whose applicant was erased on their request.
pub const APPLICANT_ERASED: &str = "ApplicationApplicantErased";

/// The states whose applications expire: the ones that did not become participants.
const EXPIRING: [ApplicationState; 2] = [ApplicationState::Rejected, ApplicationState::Withdrawn];

impl TrainingOffice {
    /// Removes the personal data of every application rejected or withdrawn more than `days`
    /// days ago that still holds it; answers how many. Each application in its own
    /// transaction with its change event; its documents' objects are removed after the
    /// commit (what fails there, the storage sweeper removes as orphans).
    pub async fn expire_personal_data(&self, days: u32) -> Result<u64> {
        let now = self.now();
        let cutoff = retention_cutoff(now, days, chrono::Duration::zero());
        let states = EXPIRING.map(ApplicationState::as_str);
        let mut expired = 0;
        loop {
            let batch = store::expiring(&self.db, &states, cutoff, RETENTION_BATCH).await?;
            let last = (batch.len() as u64) < RETENTION_BATCH;
            expired += self.remove_each(&batch, PERSONAL_DATA_EXPIRED).await?;
            if last {
                break;
            }
        }
        if expired > 0 {
            tracing::info!(expired, "rejected applications' personal data removed");
        }
        Ok(expired)
    }

    /// Erases `subject` (an approved erasure, ADR 0040): every application they made, in
    /// any state, loses its personal data as retention would remove it, each in its own
    /// transaction with its change event; then a pseudonym replaces them on the audit rows
    /// that still name them. Idempotent: answers how many records changed.
    pub async fn erase_person(&self, subject: &str) -> Result<u64> {
        let mut erased = glocal_kit::privacy::in_batches(
            || async { Ok(store::of_person(&self.db, subject, RETENTION_BATCH).await?) },
            |batch| async move { self.remove_each(&batch, APPLICANT_ERASED).await },
        )
        .await?;
        erased += store::pseudonymise_elsewhere(&self.db, subject, &pseudonym()).await?;
        Ok(erased)
    }

    /// Removes the personal data of each application of `batch` in its own transaction
    /// with a `kind` change event, its documents' objects after the commit (what fails
    /// there, the storage sweeper removes as orphans); answers how many it changed.
    async fn remove_each(&self, batch: &[store::Expiring], kind: &str) -> Result<u64> {
        let now = self.now();
        let mut changed = 0;
        for app in batch {
            let txn = self.db.begin().await?;
            if !store::pseudonymise(&txn, app, &pseudonym(), now).await? {
                continue;
            }
            let documents = match &self.files {
                Some(shelf) => shelf.forget_owners(&txn, &[app.id.to_string()]).await?,
                None => Vec::new(),
            };
            let change = Change::new(
                "Application",
                app.id,
                kind,
                json!({
                    "id": app.id.to_string(),
                    "editionId": app.edition_id.to_string(),
                    "expiredAt": now.to_rfc3339(),
                }),
            )
            .touching("Edition", app.edition_id);
            outbox::append(&txn, &change, now).await?;
            txn.commit().await?;
            if let Some(shelf) = &self.files {
                for file in &documents {
                    shelf.discard(&file.object_key()).await;
                }
            }
            changed += 1;
        }
        Ok(changed)
    }
}

/// Follows the notifier's `PersonErased` events (ADR 0040) and erases each person from the
/// training service, until `shutdown`; its position is kept in the service's database.
pub fn spawn_erasure_follower(
    office: TrainingOffice,
    settings: &glocal_kit::config::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    let db = office.db.clone();
    glocal_kit::privacy::follow_erasures("training", db, settings, shutdown, move |subject| {
        let office = office.clone();
        async move { office.erase_person(&subject).await }
    })
}

/// Runs [`TrainingOffice::expire_personal_data`] every `privacy.retention_interval_secs`
/// (the job `training_retention`) until `shutdown`, unless that interval is 0.
pub fn spawn_retention(
    office: TrainingOffice,
    privacy: &glocal_kit::config::PrivacySettings,
    shutdown: glocal_kit::Shutdown,
) -> Option<tokio::task::JoinHandle<()>> {
    let days = privacy.rejected_application_days;
    glocal_kit::jobs::spawn_every_secs(
        "training_retention",
        privacy.retention_interval_secs,
        shutdown,
        move || {
            let office = office.clone();
            async move { office.expire_personal_data(days).await }
        },
    )
}
