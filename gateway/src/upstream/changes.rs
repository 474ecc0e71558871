//! The services' change events, as the gateway receives them: one task per gateway reads
//! every service's Redis Stream (`{redis.key_prefix}events:{service}`, `XREAD BLOCK` from
//! the last entry it saw), or the in-process bus when there is no Redis (`glocal dev`),
//! and turns each event into
//!
//! - cache invalidations ([`EntityCache::invalidate`], [`ResponseCache::invalidate`]), so
//!   an edit is visible on the next read, on every replica (each reads every stream);
//! - a message on the [`ChangeHub`], which live subscriptions listen to.
//!
//! Reading resumes where the replicas left off: after each batch a replica records the last
//! entry it applied of each stream in the hash `{redis.key_prefix}gateway:changes:applied`,
//! and a replica that starts reads every stream from there, so a change published while no
//! replica was reading is still applied. When the record cannot prove that nothing was
//! missed — there is none (first start, or Redis lost its data: a restart without
//! persistence, a flush), the stream was trimmed or deleted past it, or the stream is older
//! than a position this replica already read (entries lost) — the replica drops every
//! cached entity before the cache serves, and starts from each stream's newest entry: nothing
//! stale outlives a gap.
//!
//! Delivery is at least once (the relay may publish a row twice), so events are deduped
//! by id. While the streams cannot be read (Redis down) the entity cache is suspended
//! ([`Cache::suspend`](glocal_kit::cache::Cache::suspend)): deletes would be missed, so
//! every read goes to the services. When reading works again every cached entity is
//! dropped first (what changed meanwhile may still wait in a service's outbox), then the
//! cache resumes; reading resumes from the last entry seen, so the events published
//! meanwhile still reach the subscriptions.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use glocal_kit::Shutdown;
use glocal_kit::config::Settings;
use glocal_kit::outbox::{self, OutboxEvent};
use glocal_kit::shutdown::ShutdownTrigger;
use redis::AsyncCommands;
use redis::streams::{StreamRangeReply, StreamReadOptions, StreamReadReply};
use tokio::sync::broadcast;
use tracing::Instrument;

use crate::upstream::entity_cache::EntityCache;
use crate::upstream::responses::ResponseCache;

/// Events a slow subscriber may fall behind by before it misses some.
const HUB_CAPACITY: usize = 1_024;

/// How many recent event ids are remembered to drop duplicates.
const DEDUPE_WINDOW: usize = 10_000;

/// Most entries taken from the streams per read.
const READ_COUNT: usize = 256;

/// The change events of every service, for live subscriptions (schema data; cheap to
/// clone). It closes when the gateway starts draining or stops.
#[derive(Clone, Debug)]
pub struct ChangeHub {
    sender: broadcast::Sender<Arc<OutboxEvent>>,
    stop: Shutdown,
    closing: Shutdown,
}

impl ChangeHub {
    /// Receives every event from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<OutboxEvent>> {
        self.sender.subscribe()
    }

    /// Resolves when the gateway starts draining or stops (subscriptions then complete, and
    /// new ones complete at once).
    pub async fn stopped(&self) {
        tokio::select! {
            () = self.stop.clone().wait() => {}
            () = self.closing.clone().wait() => {}
        }
    }

    /// Hands `event` to the subscribers.
    fn publish(&self, event: Arc<OutboxEvent>) {
        let _ = self.sender.send(event);
    }
}

/// Keeps the consumer running; dropping it stops the consumer and completes every
/// subscription.
#[derive(Debug)]
pub struct ConsumerHandle(#[allow(dead_code)] ShutdownTrigger);

/// The hash where the replicas record the last entry applied of each stream.
pub fn applied_key(prefix: &str) -> String {
    format!("{prefix}gateway:changes:applied")
}

/// Starts the consumer of `settings`' streams (or bus), invalidating `entities` and
/// publishing to the returned hub until the handle is dropped; the hub closes early when
/// `closing` resolves (the gateway drains).
pub fn start(
    settings: &Settings,
    entities: EntityCache,
    responses: Arc<ResponseCache>,
    closing: Shutdown,
) -> (ChangeHub, ConsumerHandle) {
    let (trigger, stop) = glocal_kit::shutdown::channel();
    let hub = ChangeHub {
        sender: broadcast::channel(HUB_CAPACITY).0,
        stop: stop.clone(),
        closing,
    };
    let consumer = Consumer {
        hub: hub.clone(),
        entities,
        responses,
        seen: Dedupe::default(),
        stale: false,
    };
    let url = settings.redis.url.expose().to_owned();
    let prefix = settings.redis.key_prefix.clone();
    if url.is_empty() {
        tokio::spawn(consumer.read_bus(prefix, stop));
    } else {
        // Until the streams are read, deletes could be missed.
        consumer.entities.cache().suspend();
        let block = Duration::from_millis(settings.outbox.consumer_block_ms);
        let max_backoff = Duration::from_millis(settings.outbox.retry_max_backoff_ms.max(100));
        tokio::spawn(consumer.read_redis(url, prefix, block, max_backoff, stop));
    }
    (hub, ConsumerHandle(trigger))
}

/// Event ids seen recently.
#[derive(Default)]
struct Dedupe {
    ids: HashSet<String>,
    order: VecDeque<String>,
}

impl Dedupe {
    /// True the first time `id` is seen (within the window).
    fn first(&mut self, id: &str) -> bool {
        if self.ids.contains(id) {
            return false;
        }
        if self.order.len() >= DEDUPE_WINDOW
            && let Some(old) = self.order.pop_front()
        {
            self.ids.remove(&old);
        }
        self.ids.insert(id.to_owned());
        self.order.push_back(id.to_owned());
        true
    }
}

struct Consumer {
    hub: ChangeHub,
    entities: EntityCache,
    responses: Arc<ResponseCache>,
    seen: Dedupe,
    /// Events may have been missed: drop every cached entity before resuming.
    stale: bool,
}

impl Consumer {
    async fn handle(&mut self, event: OutboxEvent, entry_id: Option<&str>) {
        glocal_kit::metrics::change_stream_event("gateway", &event.service, entry_id);
        if !self.seen.first(&event.id) {
            metrics::counter!("gateway_change_events_total", "service" => event.service.clone(), "result" => "duplicate").increment(1);
            return;
        }
        metrics::counter!("gateway_change_events_total", "service" => event.service.clone(), "result" => "applied").increment(1);
        tracing::debug!(service = %event.service, event_type = %event.event_type, aggregate_id = %event.aggregate_id, "change event");
        self.entities.invalidate(&event).await;
        self.responses.invalidate(&event).await;
        self.hub.publish(Arc::new(event));
    }

    /// Without Redis: the in-process bus, filtered to this deployment's prefix.
    async fn read_bus(mut self, prefix: String, stop: Shutdown) {
        let mut bus = outbox::bus::subscribe();
        loop {
            let message = tokio::select! {
                message = bus.recv() => message,
                () = stop.clone().wait() => return,
            };
            match message {
                Ok(m) if *m.prefix == *prefix => self.handle((*m.event).clone(), None).await,
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    tracing::warn!(
                        missed,
                        "change events missed: the gateway fell behind the bus"
                    );
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// With Redis: `XREAD BLOCK` on every service's stream, reconnecting with backoff.
    async fn read_redis(
        mut self,
        url: String,
        prefix: String,
        block: Duration,
        max_backoff: Duration,
        stop: Shutdown,
    ) {
        let keys: Vec<String> = outbox::SERVICES
            .iter()
            .map(|s| outbox::stream_key(&prefix, s))
            .collect();
        let mut last: Option<Vec<String>> = None;
        let initial_backoff = Duration::from_millis(100);
        let mut backoff = initial_backoff;
        let mut failing = false;
        glocal_kit::metrics::change_stream_started("gateway");
        while !stop.is_triggered() {
            let mut connected = false;
            let outcome = tokio::select! {
                outcome = self.read_streams(&url, &prefix, &keys, &mut last, block, &mut connected) => outcome,
                () = stop.clone().wait() => return,
            };
            let Err(error) = outcome else { continue };
            glocal_kit::metrics::change_stream_error("gateway");
            self.entities.cache().suspend();
            self.stale = true;
            if connected {
                failing = false;
                backoff = initial_backoff;
            }
            if !failing {
                tracing::warn!(%error, "change events unreadable; retrying (entity cache suspended)");
                failing = true;
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = stop.clone().wait() => return,
            }
            backoff = (backoff * 2).min(max_backoff);
        }
    }

    /// Connects and reads until an error: the first read starts after each stream's
    /// recorded position (see the module docs for a gap), later ones after the last entry
    /// seen; the positions are recorded after every batch.
    async fn read_streams(
        &mut self,
        url: &str,
        prefix: &str,
        keys: &[String],
        last: &mut Option<Vec<String>>,
        block: Duration,
        connected: &mut bool,
    ) -> redis::RedisResult<()> {
        let mut conn = outbox::stream_connection(url, block).await?;
        let applied = applied_key(prefix);
        let recorded: HashMap<String, String> = conn.hgetall(&applied).await?;
        // No record at all: the first replica ever, or Redis lost its data.
        let mut gap = recorded.is_empty();
        let mine = last.take();
        let mut ids = Vec::with_capacity(keys.len());
        for (i, key) in keys.iter().enumerate() {
            let from = mine
                .as_ref()
                .map(|ids| ids[i].clone())
                .or_else(|| recorded.get(key).cloned());
            match from {
                Some(id) if !lost_after(&mut conn, key, &id).await? => ids.push(id),
                _ => {
                    gap = true;
                    let newest: StreamRangeReply = conn.xrevrange_count(key, "+", "-", 1).await?;
                    ids.push(
                        newest
                            .ids
                            .first()
                            .map_or_else(|| "0-0".to_owned(), |e| e.id.clone()),
                    );
                }
            }
        }
        if gap {
            metrics::counter!("gateway_change_stream_gaps_total").increment(1);
            tracing::warn!("change events may have been missed; dropping every cached entity");
            self.stale = true;
        }
        let fields: Vec<(&String, &String)> = keys.iter().zip(&ids).collect();
        conn.hset_multiple::<_, _, _, ()>(&applied, &fields).await?;
        *last = Some(ids.clone());
        *connected = true;
        if self.stale {
            self.entities.flush().await?;
            self.responses.flush().await;
            self.stale = false;
        }
        tracing::info!(streams = keys.len(), "reading change events");
        // The backlog first, without blocking; the cache serves again once it is applied.
        let mut caught_up = false;
        let blocking = StreamReadOptions::default()
            .block(usize::try_from(block.as_millis()).unwrap_or(usize::MAX))
            .count(READ_COUNT);
        let backlog = StreamReadOptions::default().count(READ_COUNT);
        loop {
            let options = if caught_up { &blocking } else { &backlog };
            let span = tracing::debug_span!(
                "redis",
                otel.name = "XREAD",
                otel.kind = "client",
                db.system = "redis",
                db.operation = "XREAD"
            );
            let reply: Option<StreamReadReply> = conn
                .xread_options(keys, &ids, options)
                .instrument(span)
                .await?;
            let streams = reply.map(|r| r.keys).unwrap_or_default();
            let read = !streams.is_empty();
            if !read && !caught_up {
                caught_up = true;
                self.entities.cache().resume();
            }
            for stream in streams {
                let Some(index) = keys.iter().position(|k| *k == stream.key) else {
                    continue;
                };
                let service = outbox::SERVICES[index];
                for entry in &stream.ids {
                    ids[index].clone_from(&entry.id);
                    match OutboxEvent::from_stream_entry(service, entry) {
                        Some(event) => self.handle(event, Some(&entry.id)).await,
                        None => {
                            tracing::warn!(service, entry = %entry.id, "malformed change event skipped");
                        }
                    }
                }
                *last = Some(ids.clone());
            }
            if read {
                let fields: Vec<(&String, &String)> = keys.iter().zip(&ids).collect();
                conn.hset_multiple::<_, _, _, ()>(&applied, &fields).await?;
            }
        }
    }
}

/// A stream entry id as (milliseconds, sequence).
fn entry_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-').unwrap_or((id, "0"));
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// True when `a` comes after `b` (unparsable ids count as after: a gap is assumed).
fn after(a: &str, b: &str) -> bool {
    match (entry_id(a), entry_id(b)) {
        (Some(a), Some(b)) => a > b,
        _ => true,
    }
}

/// Whether entries of `key` after `position` may be gone: its newest id is older than
/// `position` (Redis lost entries), it no longer exists or is empty though entries were added
/// after `position`, entries after `position` were deleted (`max-deleted-entry-id`), or it
/// was trimmed past `position` (its first entry is after it and entries were removed).
async fn lost_after(
    conn: &mut redis::aio::MultiplexedConnection,
    key: &str,
    position: &str,
) -> redis::RedisResult<bool> {
    let read_nothing = entry_id(position) == Some((0, 0));
    let info: redis::RedisResult<HashMap<String, redis::Value>> = redis::cmd("XINFO")
        .arg("STREAM")
        .arg(key)
        .query_async(conn)
        .await;
    let info = match info {
        Ok(info) => info,
        Err(error)
            if error.kind() == redis::ErrorKind::Server(redis::ServerErrorKind::ResponseError) =>
        {
            // No such stream: a gap unless nothing had been read from it.
            return Ok(!read_nothing);
        }
        Err(error) => return Err(error),
    };
    let text = |name: &str| -> Option<String> {
        info.get(name)
            .and_then(|v| redis::from_redis_value_ref::<String>(v).ok())
    };
    let number = |name: &str| -> Option<u64> {
        info.get(name)
            .and_then(|v| redis::from_redis_value_ref::<u64>(v).ok())
    };
    let newest = text("last-generated-id").unwrap_or_else(|| "0-0".to_owned());
    if after(position, &newest) {
        return Ok(true);
    }
    if text("max-deleted-entry-id").is_some_and(|deleted| after(&deleted, position)) {
        return Ok(true);
    }
    let length = number("length").unwrap_or(0);
    if length == 0 {
        return Ok(after(&newest, position));
    }
    let removed = number("entries-added").is_none_or(|added| added > length);
    let first = info.get("first-entry").and_then(|v| match v {
        redis::Value::Array(entry) => entry
            .first()
            .and_then(|id| redis::from_redis_value_ref::<String>(id).ok()),
        _ => None,
    });
    Ok(removed && first.is_some_and(|first| after(&first, position)))
}
