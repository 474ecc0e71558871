//! Reading the services' change events: with Redis, `XREAD BLOCK` on the streams of the
//! services that notices come from (`{prefix}events:requests`, `…:training`,
//! `…:events`, and `…:research` for research subscriptions, ADR 0045), each from the position stored in the notifier's database with the
//! notices of the entry before it (so a restart resumes exactly where the last committed
//! entry ended, never from `$`); without Redis (`glocal dev`) the in-process bus.
//!
//! A stream read for the first time starts at its beginning, skipping entries older than
//! `notifications.max_event_age_hours` (their id's timestamp) so that a new notifier does
//! not mail the streams' whole history. An entry that fails to be handled (database down)
//! is retried with backoff, and nothing after it is read meanwhile.

use std::time::Duration;

use glocal_kit::Shutdown;
use glocal_kit::config::Settings;
use glocal_kit::outbox::{self, OutboxEvent};
use redis::AsyncCommands;
use redis::streams::{StreamReadOptions, StreamReadReply};
use tokio::sync::broadcast;

use crate::domain::select::ChangeEvent;
use crate::service::{Notifier, StreamEntry};

/// The services whose events make notices.
pub const SOURCES: [&str; 4] = ["requests", "training", "events", "research"];

/// Most entries taken per read.
const READ_COUNT: usize = 100;

fn change(event: &OutboxEvent) -> ChangeEvent {
    ChangeEvent {
        id: event.id.clone(),
        service: event.service.clone(),
        event_type: event.event_type.clone(),
        aggregate_id: event.aggregate_id.clone(),
        payload: event.payload_json(),
        occurred_at: event.occurred_at,
    }
}

/// Reads events as `settings` say and hands them to `notifier` until `shutdown`.
pub fn spawn(
    notifier: Notifier,
    settings: &Settings,
    shutdown: Shutdown,
) -> tokio::task::JoinHandle<()> {
    let url = settings.redis.url.expose().to_owned();
    let prefix = settings.redis.key_prefix.clone();
    if url.is_empty() {
        return tokio::spawn(read_bus(notifier, prefix, shutdown));
    }
    let reader = Reader {
        notifier,
        url,
        prefix,
        block: Duration::from_millis(settings.outbox.consumer_block_ms),
        max_backoff: Duration::from_millis(settings.outbox.retry_max_backoff_ms.max(100)),
        max_age: Duration::from_secs(settings.notifications.max_event_age_hours * 3600),
    };
    tokio::spawn(reader.run(shutdown))
}

/// Handles `event`, retrying while the database fails (until `shutdown`); false when
/// stopped first.
async fn handle(
    notifier: &Notifier,
    event: &ChangeEvent,
    entry: Option<StreamEntry<'_>>,
    shutdown: &Shutdown,
) -> bool {
    let mut backoff = Duration::from_millis(100);
    loop {
        match notifier.ingest(event, entry).await {
            Ok(_) => return true,
            Err(error) => {
                tracing::warn!(%error, event_id = %event.id, "change event not handled yet; retrying");
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = shutdown.clone().wait() => return false,
                }
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn read_bus(notifier: Notifier, prefix: String, shutdown: Shutdown) {
    let mut bus = outbox::bus::subscribe();
    loop {
        let message = tokio::select! {
            m = bus.recv() => m,
            () = shutdown.clone().wait() => return,
        };
        match message {
            Ok(m) if *m.prefix == *prefix && SOURCES.contains(&m.event.service.as_str()) => {
                if !handle(&notifier, &change(&m.event), None, &shutdown).await {
                    return;
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(missed)) => {
                tracing::warn!(
                    missed,
                    "change events missed: the notifier fell behind the bus"
                );
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

struct Reader {
    notifier: Notifier,
    url: String,
    prefix: String,
    block: Duration,
    max_backoff: Duration,
    max_age: Duration,
}

/// The milliseconds part of a stream entry id (`1733200000000-0`).
fn entry_millis(id: &str) -> Option<i64> {
    id.split('-').next()?.parse().ok()
}

impl Reader {
    async fn run(self, shutdown: Shutdown) {
        let mut backoff = Duration::from_millis(100);
        let mut failing = false;
        while !shutdown.is_triggered() {
            let outcome = tokio::select! {
                o = self.read(&shutdown) => o,
                () = shutdown.clone().wait() => return,
            };
            match outcome {
                Ok(()) => return,
                Err(error) => {
                    if !failing {
                        tracing::warn!(%error, "change events unreadable; retrying");
                        failing = true;
                    }
                }
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = shutdown.clone().wait() => return,
            }
            backoff = (backoff * 2).min(self.max_backoff);
        }
    }

    /// Connects and reads until an error (or `shutdown`).
    async fn read(
        &self,
        shutdown: &Shutdown,
    ) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        let keys: Vec<String> = SOURCES
            .iter()
            .map(|s| outbox::stream_key(&self.prefix, s))
            .collect();
        let mut ids = Vec::with_capacity(keys.len());
        let mut fresh = Vec::with_capacity(keys.len());
        for key in &keys {
            let stored = self.notifier.position(key).await?;
            fresh.push(stored.is_none());
            ids.push(stored.unwrap_or_else(|| "0-0".to_owned()));
        }
        let client = redis::Client::open(self.url.as_str())?;
        let config = redis::AsyncConnectionConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(2)))
            .set_response_timeout(Some(self.block + Duration::from_secs(5)));
        let mut conn = client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        tracing::info!(streams = keys.len(), "notifier reading change events");
        let options = StreamReadOptions::default()
            .block(usize::try_from(self.block.as_millis()).unwrap_or(usize::MAX))
            .count(READ_COUNT);
        let oldest = chrono::Utc::now().timestamp_millis()
            - i64::try_from(self.max_age.as_millis()).unwrap_or(i64::MAX);
        while !shutdown.is_triggered() {
            let reply: Option<StreamReadReply> = conn.xread_options(&keys, &ids, &options).await?;
            for stream in reply.map(|r| r.keys).unwrap_or_default() {
                let Some(index) = keys.iter().position(|k| *k == stream.key) else {
                    continue;
                };
                let service = SOURCES[index];
                for entry in &stream.ids {
                    let stale =
                        fresh[index] && entry_millis(&entry.id).is_some_and(|ms| ms < oldest);
                    fresh[index] &= stale;
                    let event = OutboxEvent::from_stream_entry(service, entry);
                    match event {
                        Some(event) if !stale => {
                            let at = StreamEntry {
                                stream: &stream.key,
                                id: &entry.id,
                            };
                            if !handle(&self.notifier, &change(&event), Some(at), shutdown).await {
                                return Ok(());
                            }
                        }
                        other => {
                            if other.is_none() {
                                tracing::warn!(service, entry = %entry.id, "malformed change event skipped");
                            }
                            self.notifier.set_position(&stream.key, &entry.id).await?;
                        }
                    }
                    ids[index].clone_from(&entry.id);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_carry_their_time() {
        assert_eq!(entry_millis("1733200000000-3"), Some(1_733_200_000_000));
        assert_eq!(entry_millis("x"), None);
    }
}
