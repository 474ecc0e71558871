//! Following another service's change events (ADR 0040): a service that must act on what
//! another one decided (every service erasing a person once the notifier approved the
//! erasure) reads that service's stream `{redis.key_prefix}events:{source}` with `XREAD
//! BLOCK`, from the position stored in its own database (table `stream_position`, one row
//! per stream), and hands each event of the kinds it follows to its handler. The position
//! moves past an event only once the handler succeeded, so a crash or a database outage
//! handles it again (handlers are idempotent); a handler that fails is retried with backoff
//! and nothing after it is read meanwhile. Without Redis (`glocal dev`) the in-process bus
//! carries the events.
//!
//! A stream read for the first time is read from its beginning. When the stream no longer
//! holds the entry after the stored position (trimmed past it, or Redis lost its data), the
//! follower says so at ERROR level and counts it (`change_stream_gaps_total`): the events
//! in the gap are lost to this service, and the owner's records are the way to replay them.

use std::future::Future;
use std::time::Duration;

use chrono::Utc;
use redis::AsyncCommands;
use redis::streams::{StreamRangeReply, StreamReadOptions, StreamReadReply};
use sea_orm::sea_query::{OnConflict, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, ExprTrait, Statement};
use sea_orm_migration::prelude::{Expr, MigrationName, MigrationTrait, SchemaManager};
use tokio::sync::broadcast;

use super::{OutboxEvent, bus, stream_key};
use crate::config::Settings;
use crate::migration::{a, index, string, table, ts};
use crate::shutdown::Shutdown;

/// The table a following service keeps its positions in.
pub const POSITIONS_TABLE: &str = "stream_position";

/// Most entries taken per read.
const READ_COUNT: usize = 100;

/// What a service follows: whose stream and which kinds of event.
#[derive(Debug, Clone, Copy)]
pub struct Follow {
    /// The following service, for logs (`requests`, `training`…).
    pub follower: &'static str,
    /// The service whose events it reads (`notifier`).
    pub source: &'static str,
    /// The event kinds handed to the handler; the rest is skipped.
    pub kinds: &'static [&'static str],
}

/// The migration that creates [`POSITIONS_TABLE`] in a following service's database.
pub struct PositionsMigration;

impl MigrationName for PositionsMigration {
    fn name(&self) -> &str {
        "m20261204_000002_stream_positions"
    }
}

#[async_trait::async_trait]
impl MigrationTrait for PositionsMigration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(table(
            POSITIONS_TABLE,
            vec![string("stream"), string("last_id"), ts("updated_at")],
        ))
        .await?;
        m.create_index(index(
            POSITIONS_TABLE,
            "stream_position_stream",
            &["stream"],
            true,
        ))
        .await
    }
}

/// The id of the last entry of `stream` this service handled, if any.
pub async fn position(db: &impl ConnectionTrait, stream: &str) -> Result<Option<String>, DbErr> {
    let select = Query::select()
        .column(a("last_id"))
        .from(a(POSITIONS_TABLE))
        .and_where(Expr::col(a("stream")).eq(stream))
        .to_owned();
    let row = db
        .query_one_raw(db.get_database_backend().build(&select))
        .await?;
    row.map(|r| r.try_get::<String>("", "last_id")).transpose()
}

/// Records that this service handled `stream` up to entry `id`.
pub async fn set_position(db: &impl ConnectionTrait, stream: &str, id: &str) -> Result<(), DbErr> {
    let insert = Query::insert()
        .into_table(a(POSITIONS_TABLE))
        .columns([a("stream"), a("last_id"), a("updated_at")])
        .values_panic([stream.into(), id.into(), Utc::now().into()])
        .on_conflict(
            OnConflict::column(a("stream"))
                .update_columns([a("last_id"), a("updated_at")])
                .to_owned(),
        )
        .to_owned();
    let statement: Statement = db.get_database_backend().build(&insert);
    db.execute_raw(statement).await?;
    Ok(())
}

/// Reads `follow.source`'s events as `settings` say and hands those of `follow.kinds` to
/// `handle` until `shutdown`.
pub fn spawn<H, Fut, E>(
    db: DatabaseConnection,
    settings: &Settings,
    follow: Follow,
    shutdown: Shutdown,
    handle: H,
) -> tokio::task::JoinHandle<()>
where
    H: Fn(OutboxEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: std::fmt::Display + Send,
{
    let follower = Follower {
        db,
        follow,
        url: settings.redis.url.expose().to_owned(),
        prefix: settings.redis.key_prefix.clone(),
        block: Duration::from_millis(settings.outbox.consumer_block_ms),
        max_backoff: Duration::from_millis(std::cmp::max(
            settings.outbox.retry_max_backoff_ms,
            100,
        )),
        handle,
    };
    tokio::spawn(async move {
        if follower.url.is_empty() {
            follower.read_bus(shutdown).await;
        } else {
            follower.run(shutdown).await;
        }
    })
}

struct Follower<H> {
    db: DatabaseConnection,
    follow: Follow,
    url: String,
    prefix: String,
    block: Duration,
    max_backoff: Duration,
    handle: H,
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<H, Fut, E> Follower<H>
where
    H: Fn(OutboxEvent) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), E>> + Send,
    E: std::fmt::Display + Send,
{
    fn wanted(&self, event: &OutboxEvent) -> bool {
        self.follow.kinds.contains(&event.event_type.as_str())
    }

    /// Hands `event` to the handler until it succeeds; false when stopped first.
    async fn deliver(&self, event: &OutboxEvent, shutdown: &Shutdown) -> bool {
        let mut backoff = Duration::from_millis(100);
        loop {
            match (self.handle)(event.clone()).await {
                Ok(()) => return true,
                Err(error) => {
                    tracing::warn!(
                        follower = self.follow.follower,
                        event_id = %event.id,
                        kind = %event.event_type,
                        %error,
                        "followed event not handled yet; retrying"
                    );
                    tokio::select! {
                        () = tokio::time::sleep(backoff) => {}
                        () = shutdown.clone().wait() => return false,
                    }
                    backoff = (backoff * 2).min(self.max_backoff);
                }
            }
        }
    }

    async fn read_bus(&self, shutdown: Shutdown) {
        let mut bus = bus::subscribe();
        loop {
            let message = tokio::select! {
                m = bus.recv() => m,
                () = shutdown.clone().wait() => return,
            };
            match message {
                Ok(m)
                    if *m.prefix == *self.prefix
                        && m.event.service == self.follow.source
                        && self.wanted(&m.event) =>
                {
                    if !self.deliver(&m.event, &shutdown).await {
                        return;
                    }
                }
                Ok(_) => {}
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    crate::metrics::change_stream_gap(self.follow.follower);
                    tracing::error!(
                        follower = self.follow.follower,
                        missed,
                        "followed events missed: the follower fell behind the bus"
                    );
                }
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    async fn run(&self, shutdown: Shutdown) {
        let mut backoff = Duration::from_millis(100);
        let mut failing = false;
        while !shutdown.is_triggered() {
            let outcome = tokio::select! {
                o = self.read(&shutdown) => o,
                () = shutdown.clone().wait() => return,
            };
            match outcome {
                Ok(()) => return,
                Err(error) if !failing => {
                    crate::metrics::change_stream_error(self.follow.follower);
                    tracing::warn!(follower = self.follow.follower, %error, "followed stream unreadable; retrying");
                    failing = true;
                }
                Err(_) => crate::metrics::change_stream_error(self.follow.follower),
            }
            tokio::select! {
                () = tokio::time::sleep(backoff) => {}
                () = shutdown.clone().wait() => return,
            }
            backoff = (backoff * 2).min(self.max_backoff);
        }
    }

    /// Connects and reads until an error (or `shutdown`).
    async fn read(&self, shutdown: &Shutdown) -> Result<(), BoxError> {
        let key = stream_key(&self.prefix, self.follow.source);
        let mut last = position(&self.db, &key)
            .await?
            .unwrap_or_else(|| "0-0".to_owned());
        let mut conn = super::stream_connection(&self.url, self.block).await?;
        self.check_gap(&mut conn, &key, &last).await?;
        crate::metrics::change_stream_started(self.follow.follower);
        tracing::info!(
            follower = self.follow.follower,
            stream = %key,
            from = %last,
            "following change events"
        );
        let options = StreamReadOptions::default()
            .block(usize::try_from(self.block.as_millis()).unwrap_or(usize::MAX))
            .count(READ_COUNT);
        while !shutdown.is_triggered() {
            let reply: Option<StreamReadReply> = conn
                .xread_options(&[key.as_str()], &[last.as_str()], &options)
                .await?;
            let entries: Vec<_> = reply
                .map(|r| r.keys)
                .unwrap_or_default()
                .into_iter()
                .flat_map(|k| k.ids)
                .collect();
            let Some(newest) = entries.last().map(|e| e.id.clone()) else {
                continue;
            };
            for entry in &entries {
                match OutboxEvent::from_stream_entry(self.follow.source, entry) {
                    Some(event) if self.wanted(&event) => {
                        if !self.deliver(&event, shutdown).await {
                            return Ok(());
                        }
                        set_position(&self.db, &key, &entry.id).await?;
                    }
                    Some(_) => {}
                    None => tracing::warn!(
                        follower = self.follow.follower,
                        entry = %entry.id,
                        "malformed change event skipped"
                    ),
                }
            }
            set_position(&self.db, &key, &newest).await?;
            crate::metrics::change_stream_event(
                self.follow.follower,
                self.follow.source,
                Some(&newest),
            );
            last = newest;
        }
        Ok(())
    }

    /// Says so when the stream's oldest entry is newer than the one after `last` could be.
    async fn check_gap(
        &self,
        conn: &mut redis::aio::MultiplexedConnection,
        key: &str,
        last: &str,
    ) -> Result<(), BoxError> {
        if last == "0-0" {
            return Ok(());
        }
        let first: StreamRangeReply = conn.xrange_count(key, "-", "+", 1).await?;
        let oldest = first.ids.first().map(|e| e.id.as_str());
        let lost = match oldest {
            // An empty stream behind a stored position: Redis lost it.
            None => true,
            Some(oldest) => entry_after(oldest, last) && !is_next(last, oldest),
        };
        if lost {
            crate::metrics::change_stream_gap(self.follow.follower);
            tracing::error!(
                follower = self.follow.follower,
                stream = %key,
                position = %last,
                oldest = ?oldest,
                "the followed stream no longer holds the entries after this service's position: events in between are lost to it"
            );
        }
        Ok(())
    }
}

/// A stream entry id as its two numbers.
fn entry_id(id: &str) -> Option<(u64, u64)> {
    let (ms, seq) = id.split_once('-')?;
    Some((ms.parse().ok()?, seq.parse().ok()?))
}

/// Whether entry `a` comes after entry `b`.
fn entry_after(a: &str, b: &str) -> bool {
    matches!((entry_id(a), entry_id(b)), (Some(a), Some(b)) if a > b)
}

/// Whether `next` is the very next id after `last` (nothing can lie between them).
fn is_next(last: &str, next: &str) -> bool {
    matches!((entry_id(last), entry_id(next)), (Some((lm, ls)), Some((nm, ns))) if lm == nm && ns == ls + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ids_compare_by_time_then_sequence() {
        assert!(entry_after("2-0", "1-5"));
        assert!(entry_after("1-6", "1-5"));
        assert!(!entry_after("1-5", "1-5"));
        assert!(!entry_after("x", "1-5"));
        assert!(is_next("1-5", "1-6"));
        assert!(!is_next("1-5", "2-0"));
    }
}
