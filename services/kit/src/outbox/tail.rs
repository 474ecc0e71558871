//! Watching a service's change events live, for a process-local cache (issue 14, ADR 0055):
//! unlike [`follow`](super::follow), nothing is remembered across restarts and nothing is
//! retried: the watcher reads `{redis.key_prefix}events:{source}` with `XREAD BLOCK` from its
//! newest entry (or the in-process bus without Redis) and tells its handler three things:
//!
//! - [`Tail::Live`]: reading has started (again); whatever happened before is unknown, so a
//!   cache must drop everything it holds and may then serve;
//! - [`Tail::Event`]: one change event, as published;
//! - [`Tail::Lost`]: the stream cannot be read (Redis down, the bus lagged); a cache must stop
//!   serving until the next [`Tail::Live`], because a change could be missed meanwhile.
//!
//! A cache that serves only between `Live` and `Lost`, and drops what an event names, is
//! never staler than the stream's delay.

use std::time::Duration;

use redis::AsyncCommands;
use redis::streams::{StreamRangeReply, StreamReadOptions, StreamReadReply};
use tokio::sync::broadcast;

use super::{OutboxEvent, bus, stream_key};
use crate::config::Settings;
use crate::shutdown::Shutdown;

/// Most entries taken per read.
const READ_COUNT: usize = 100;

/// What a watcher tells its handler.
#[derive(Debug)]
pub enum Tail<'a> {
    /// Reading (re)started: forget everything, then serve.
    Live,
    /// A change event of the watched service.
    Event(&'a OutboxEvent),
    /// Reading stopped: stop serving until the next `Live`.
    Lost,
}

/// Watches `source`'s change events as `settings` say, calling `handle` (which must not block)
/// with what happens, until `shutdown`. `watcher` names it in logs and metrics.
pub fn spawn<H>(
    watcher: &'static str,
    source: &'static str,
    settings: &Settings,
    shutdown: Shutdown,
    handle: H,
) -> tokio::task::JoinHandle<()>
where
    H: Fn(Tail<'_>) + Send + Sync + 'static,
{
    let url = settings.redis.url.expose().to_owned();
    let prefix = settings.redis.key_prefix.clone();
    let block = Duration::from_millis(settings.outbox.consumer_block_ms);
    let max_backoff = Duration::from_millis(settings.outbox.retry_max_backoff_ms.max(100));
    tokio::spawn(async move {
        if url.is_empty() {
            read_bus(&prefix, source, shutdown, &handle).await;
        } else {
            crate::metrics::change_stream_started(watcher);
            let key = stream_key(&prefix, source);
            let mut backoff = Duration::from_millis(100);
            let mut failing = false;
            while !shutdown.is_triggered() {
                let mut live = false;
                let outcome = tokio::select! {
                    o = read_redis(&url, &key, source, block, &handle, &mut live) => o,
                    () = shutdown.clone().wait() => return,
                };
                let Err(error) = outcome;
                crate::metrics::change_stream_error(watcher);
                handle(Tail::Lost);
                if live {
                    failing = false;
                    backoff = Duration::from_millis(100);
                }
                if !failing {
                    tracing::warn!(watcher, %error, "change events unreadable; the cache is bypassed until they are read again");
                    failing = true;
                }
                tokio::select! {
                    () = tokio::time::sleep(backoff) => {}
                    () = shutdown.clone().wait() => return,
                }
                backoff = (backoff * 2).min(max_backoff);
            }
        }
    })
}

async fn read_bus<H>(prefix: &str, source: &str, shutdown: Shutdown, handle: &H)
where
    H: Fn(Tail<'_>),
{
    let mut bus = bus::subscribe();
    handle(Tail::Live);
    loop {
        let message = tokio::select! {
            m = bus.recv() => m,
            () = shutdown.clone().wait() => return,
        };
        match message {
            Ok(m) if *m.prefix == *prefix && m.event.service == source => {
                handle(Tail::Event(&m.event));
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // Missed events: forget everything and go on.
                handle(Tail::Lost);
                handle(Tail::Live);
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

/// Connects and reads from the stream's newest entry until an error.
async fn read_redis<H>(
    url: &str,
    key: &str,
    source: &str,
    block: Duration,
    handle: &H,
    live: &mut bool,
) -> Result<std::convert::Infallible, redis::RedisError>
where
    H: Fn(Tail<'_>),
{
    let mut conn = super::stream_connection(url, block).await?;
    let newest: StreamRangeReply = conn.xrevrange_count(key, "+", "-", 1).await?;
    let mut last = newest
        .ids
        .first()
        .map_or_else(|| "0-0".to_owned(), |e| e.id.clone());
    *live = true;
    handle(Tail::Live);
    let options = StreamReadOptions::default()
        .block(usize::try_from(block.as_millis()).unwrap_or(usize::MAX))
        .count(READ_COUNT);
    loop {
        let reply: Option<StreamReadReply> = conn.xread_options(&[key], &[&last], &options).await?;
        for entry in reply.into_iter().flat_map(|r| r.keys).flat_map(|k| k.ids) {
            if let Some(event) = OutboxEvent::from_stream_entry(source, &entry) {
                handle(Tail::Event(&event));
            }
            last = entry.id;
        }
    }
}
