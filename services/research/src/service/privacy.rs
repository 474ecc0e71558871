//! Erasing a person from the research service (ADR 0040): on the notifier's `PersonErased`
//! event one pseudonym replaces the person wherever the research service names them (the
//! practices they wrote, versions they edited, profile changes they proposed, interactions
//! they recorded, opportunities they proposed, audit rows), in one transaction, with a change
//! event per practice they wrote so the caches drop the author's name.

use glocal_kit::outbox::{self, Change};
use glocal_kit::privacy::pseudonym;
use serde_json::json;

use super::{Research, Result};
use crate::domain::changes::PRACTICE;
use crate::store::privacy as store;

/// The change event of a practice whose author was erased on their request.
pub const AUTHOR_ERASED: &str = "PracticeAuthorErased";

impl Research {
    /// Erases `subject` (an approved erasure): answers how many rows changed (0 the second
    /// time).
    pub async fn erase_person(&self, subject: &str) -> Result<u64> {
        let now = self.now();
        let tx = self.db.begin().await?;
        let practices = store::practices_by(&tx, subject).await?;
        let changed = store::pseudonymise(&tx, subject, &pseudonym()).await?;
        for id in &practices {
            let change = Change::new(
                PRACTICE,
                id.as_str(),
                AUTHOR_ERASED,
                json!({ "id": id, "erasedAt": now.to_rfc3339() }),
            );
            outbox::append(&tx, &change, now).await?;
        }
        tx.commit().await?;
        Ok(changed)
    }
}

/// Follows the notifier's `PersonErased` events and erases each person from the research
/// service, until `shutdown`; its position is kept in the service's database.
pub fn spawn_erasure_follower(
    research: Research,
    settings: &glocal_kit::config::Settings,
    shutdown: glocal_kit::Shutdown,
) -> tokio::task::JoinHandle<()> {
    let db = research.db.clone();
    glocal_kit::privacy::follow_erasures("research", db, settings, shutdown, move |subject| {
        let research = research.clone();
        async move { research.erase_person(&subject).await }
    })
}
