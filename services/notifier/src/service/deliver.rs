//! Sending e-mail, at least once and never twice for one key: the sender takes due
//! deliveries in order, claims each for one attempt (counting it and leasing it, so a
//! sender that dies mid-attempt leaves it to be retried when the lease ends), hands it to
//! the [`Mailer`], and records SENT, or PENDING with the next attempt after an
//! exponential backoff (`retry_base_ms`, doubling, at most `retry_max_ms`), or FAILED
//! after `max_attempts`. Every message carries a Message-ID derived from its idempotency
//! key.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use glocal_kit::Shutdown;
use glocal_kit::config::NotificationSettings;
use sha2::{Digest, Sha256};

use super::{Notifier, Result};
use crate::domain::EmailStatus;
use crate::store;

/// Most deliveries taken per round.
const BATCH: u64 = 50;

/// One message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    /// The recipient's address.
    pub to: String,
    /// Subject line.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// `<…@glocal.notifier>`, the same for every attempt of one delivery.
    pub message_id: String,
}

/// Where messages go (SMTP, a folder of `.eml` files).
#[glocal_kit::component::async_trait]
pub trait Mailer: Send + Sync {
    /// Hands `mail` over; an error (refused, unreachable) is retried later.
    async fn send(&self, mail: &OutgoingMail) -> std::result::Result<(), String>;
}

/// The retry policy of `notifications.*`.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    /// Attempts before FAILED.
    pub max_attempts: u32,
    /// Wait after the first failed attempt.
    pub base: Duration,
    /// Longest wait.
    pub max: Duration,
    /// How long one attempt holds a delivery before another may take it.
    pub lease: Duration,
}

impl Retry {
    /// The policy of `settings`.
    pub fn from_settings(settings: &NotificationSettings) -> Retry {
        Retry {
            max_attempts: settings.max_attempts,
            base: Duration::from_millis(settings.retry_base_ms),
            max: Duration::from_millis(settings.retry_max_ms.max(settings.retry_base_ms)),
            lease: Duration::from_millis(settings.attempt_lease_ms.max(1)),
        }
    }

    /// The wait after the `attempts`-th failed attempt (1-based): base, 2×base, 4×base…
    pub fn backoff(&self, attempts: u32) -> Duration {
        let doublings = attempts.saturating_sub(1).min(20);
        self.base.saturating_mul(1 << doublings).min(self.max)
    }
}

/// The Message-ID of the delivery with idempotency `key`.
pub fn message_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let hex: String = digest.iter().take(16).map(|b| format!("{b:02x}")).collect();
    format!("<{hex}@glocal.notifier>")
}

/// The sender: due deliveries → the mailer.
pub struct Sender {
    notifier: Notifier,
    mailer: Arc<dyn Mailer>,
    retry: Retry,
    poll: Duration,
}

impl Sender {
    /// A sender of `notifier`'s deliveries through `mailer`.
    pub fn new(
        notifier: Notifier,
        mailer: Arc<dyn Mailer>,
        retry: Retry,
        poll: Duration,
    ) -> Sender {
        Sender {
            notifier,
            mailer,
            retry,
            poll,
        }
    }

    /// Attempts every delivery due now (one batch); answers how many were attempted.
    pub async fn send_due(&self) -> Result<usize> {
        let db = self.notifier.db();
        let now = Utc::now();
        let due = store::due_mail(db, now, BATCH).await?;
        let mut attempted = 0;
        for mail in due {
            let lease = Utc::now()
                + chrono::Duration::from_std(self.retry.lease).unwrap_or(chrono::Duration::MAX);
            if !store::claim(db, mail.seq, mail.attempts, lease).await? {
                continue;
            }
            attempted += 1;
            let attempts = u32::try_from(mail.attempts + 1).unwrap_or(u32::MAX);
            let outgoing = OutgoingMail {
                to: mail.address.clone(),
                subject: mail.subject.clone(),
                body: mail.body.clone(),
                message_id: message_id(&mail.key),
            };
            let now = Utc::now();
            match self.mailer.send(&outgoing).await {
                Ok(()) => {
                    store::settle(
                        db,
                        mail.seq,
                        mail.notice_id,
                        EmailStatus::Sent,
                        now,
                        None,
                        now,
                    )
                    .await?;
                    metrics::counter!("notifier_emails_total", "result" => "sent").increment(1);
                    glocal_kit::metrics::notice_delivered("email", true);
                    tracing::info!(delivery = mail.seq, attempts, "e-mail sent");
                }
                Err(error) if attempts >= self.retry.max_attempts => {
                    store::settle(
                        db,
                        mail.seq,
                        mail.notice_id,
                        EmailStatus::Failed,
                        now,
                        Some(error.clone()),
                        now,
                    )
                    .await?;
                    metrics::counter!("notifier_emails_total", "result" => "failed").increment(1);
                    glocal_kit::metrics::notice_delivered("email", false);
                    tracing::error!(delivery = mail.seq, attempts, %error, "e-mail failed for good");
                }
                Err(error) => {
                    let next = now
                        + chrono::Duration::from_std(self.retry.backoff(attempts))
                            .unwrap_or(chrono::Duration::MAX);
                    store::settle(
                        db,
                        mail.seq,
                        mail.notice_id,
                        EmailStatus::Pending,
                        next,
                        Some(error.clone()),
                        now,
                    )
                    .await?;
                    metrics::counter!("notifier_emails_total", "result" => "retry").increment(1);
                    glocal_kit::metrics::notice_delivered("email", false);
                    tracing::warn!(delivery = mail.seq, attempts, %error, "e-mail not sent; will retry");
                }
            }
        }
        Ok(attempted)
    }

    /// Sends until `shutdown`: a full round is followed at once by the next, otherwise
    /// the sender waits `poll_interval_ms`.
    pub async fn run(self, shutdown: Shutdown) {
        loop {
            let wait = match self.send_due().await {
                Ok(n) if n as u64 >= BATCH => Duration::ZERO,
                Ok(_) => self.poll,
                Err(error) => {
                    tracing::warn!(%error, "e-mail round failed; retrying");
                    self.poll.max(Duration::from_secs(1))
                }
            };
            if shutdown.is_triggered() {
                return;
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {}
                () = shutdown.clone().wait() => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let r = Retry {
            max_attempts: 5,
            base: Duration::from_secs(30),
            max: Duration::from_secs(300),
            lease: Duration::from_secs(60),
        };
        let waits: Vec<u64> = (1..=6).map(|n| r.backoff(n).as_secs()).collect();
        assert_eq!(waits, [30, 60, 120, 240, 300, 300]);
    }

    #[test]
    fn message_ids_are_stable_per_key() {
        assert_eq!(message_id("e1:kim:email"), message_id("e1:kim:email"));
        assert_ne!(message_id("e1:kim:email"), message_id("e2:kim:email"));
        assert!(message_id("x").starts_with('<') && message_id("x").ends_with("@glocal.notifier>"));
    }
}
