//! The outbox relay: every state change writes an outbox row in its own transaction; this
//! task moves those rows, in `seq` order, to where the gateway reads change events.
//!
//! - With Redis (`redis.url` set) each row becomes one entry of the stream
//!   `{redis.key_prefix}events:{service}` (fields `id`, `aggregate_type`, `aggregate_id`,
//!   `event_type`, `touched` (a JSON array of `{"type","id"}`), `payload`;
//!   `XADD MAXLEN ~ outbox.stream_maxlen`). The row is marked published only
//!   after its `XADD` succeeded, in the same transaction that selected it — on PostgreSQL
//!   with `FOR UPDATE SKIP LOCKED`, so replicas of a service never publish the same row
//!   at the same time. Delivery is at least once: a crash between `XADD` and `COMMIT`
//!   publishes the row again, so consumers dedupe by the event `id`.
//! - Without Redis (`glocal dev`) rows go to the process-wide [`bus`], which the gateway
//!   in the same process subscribes to.
//!
//! When Redis or the database fails, rows stay unpublished and the relay retries with a
//! doubling backoff (up to `outbox.retry_max_backoff_ms`): nothing is lost.

use std::sync::{Arc, OnceLock};

use chrono::{DateTime, Utc};
use std::time::Duration;

use redis::streams::StreamMaxlen;
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, QueryResult, Statement,
    TransactionTrait,
};
use tokio::sync::broadcast;
use tracing::Instrument;

use crate::config::{OutboxSettings, Settings};
use crate::shutdown::Shutdown;

pub mod actor;
pub mod follow;
pub mod tail;
mod write;
pub use actor::ActorLayer;
pub use write::{AggregateId, Change, EntityRef, append, entity};

/// One change event, as a service's outbox row holds it and as it travels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    /// The service that wrote it (`requests`, `training`, `events`, `research`, `notifier`).
    pub service: String,
    /// The event's own id (a UUID): consumers dedupe by it.
    pub id: String,
    /// The type of the changed thing, e.g. `ServiceRequest` (empty for events written
    /// before types existed).
    pub aggregate_type: String,
    /// The id of the changed thing (a request, an event, a practice…).
    pub aggregate_id: String,
    /// What happened, e.g. `ServiceRequestStateChanged`.
    pub event_type: String,
    /// The other entities the change touched, as the service named them.
    pub touched: Vec<EntityRef>,
    /// JSON text with the event's details.
    pub payload: String,
    /// When the service wrote the change (its outbox row's time), which may be well before
    /// the relay published it; `None` for entries written before streams carried it.
    pub occurred_at: Option<DateTime<Utc>>,
}

impl OutboxEvent {
    /// The stream fields of this event, in the order written (`occurred_at` in RFC 3339
    /// with microseconds, empty when unknown).
    pub fn fields(&self) -> [(&'static str, String); 7] {
        [
            ("id", self.id.clone()),
            ("aggregate_type", self.aggregate_type.clone()),
            ("aggregate_id", self.aggregate_id.clone()),
            ("event_type", self.event_type.clone()),
            ("touched", EntityRef::list_json(&self.touched)),
            ("payload", self.payload.clone()),
            (
                "occurred_at",
                self.occurred_at
                    .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
                    .unwrap_or_default(),
            ),
        ]
    }

    /// The event of a stream entry of `service` (`None` when a field is missing; an entry
    /// written before `aggregate_type` and `touched` existed has them empty).
    pub fn from_stream_entry(service: &str, entry: &redis::streams::StreamId) -> Option<Self> {
        Some(OutboxEvent {
            service: service.to_owned(),
            id: entry.get("id")?,
            aggregate_type: entry.get("aggregate_type").unwrap_or_default(),
            aggregate_id: entry.get("aggregate_id")?,
            event_type: entry.get("event_type")?,
            touched: EntityRef::parse_list(&entry.get::<String>("touched").unwrap_or_default()),
            payload: entry.get("payload")?,
            occurred_at: entry
                .get::<String>("occurred_at")
                .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
                .map(|t| t.with_timezone(&Utc)),
        })
    }

    /// Every entity the change touched: its aggregate first, then the others.
    pub fn touches(&self) -> impl Iterator<Item = EntityRef> + '_ {
        std::iter::once(EntityRef::new(&self.aggregate_type, &self.aggregate_id))
            .chain(self.touched.iter().cloned())
    }

    /// The payload as JSON (`Null` when it is not JSON).
    pub fn payload_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.payload).unwrap_or(serde_json::Value::Null)
    }
}

/// How long connecting to Redis or one batch's `XADD`s may take before the round fails
/// (and is retried): the selected rows stay locked meanwhile.
const PUBLISH_DEADLINE: Duration = Duration::from_secs(5);

fn timed_out() -> redis::RedisError {
    redis::RedisError::from((redis::ErrorKind::Io, "Redis did not answer in time"))
}

/// The services that relay an outbox, by the name their stream carries.
pub const SERVICES: [&str; 5] = ["requests", "training", "events", "research", "notifier"];

/// A connection for reading change streams with `XREAD BLOCK` of `block`: it gives up
/// connecting after 2 s and waiting for an answer 5 s after the block, so a hung Redis
/// surfaces as an error the reader retries.
pub async fn stream_connection(
    url: &str,
    block: Duration,
) -> redis::RedisResult<redis::aio::MultiplexedConnection> {
    let config = redis::AsyncConnectionConfig::new()
        .set_connection_timeout(Some(Duration::from_secs(2)))
        .set_response_timeout(Some(block + Duration::from_secs(5)));
    redis::Client::open(url)?
        .get_multiplexed_async_connection_with_config(&config)
        .await
}

/// The Redis Stream of `service`'s events under `prefix`.
pub fn stream_key(prefix: &str, service: &str) -> String {
    format!("{prefix}events:{service}")
}

/// The process-wide in-process bus that carries change events when there is no Redis
/// (`glocal dev`, where every component runs in one process).
pub mod bus {
    use super::*;

    /// One message on the bus: the key prefix of the deployment that sent it (so two
    /// stacks in one process never see each other's events) and the event.
    #[derive(Debug, Clone)]
    pub struct BusMessage {
        /// `redis.key_prefix` of the sender.
        pub prefix: Arc<str>,
        /// The event.
        pub event: Arc<OutboxEvent>,
    }

    /// Messages a slow receiver may fall behind by before it misses some.
    const CAPACITY: usize = 4_096;

    fn sender() -> &'static broadcast::Sender<BusMessage> {
        static BUS: OnceLock<broadcast::Sender<BusMessage>> = OnceLock::new();
        BUS.get_or_init(|| broadcast::channel(CAPACITY).0)
    }

    /// Receives every message sent from now on.
    pub fn subscribe() -> broadcast::Receiver<BusMessage> {
        sender().subscribe()
    }

    /// Sends `event` under `prefix` to every receiver (none listening is fine: without
    /// Redis there is no log to replay from).
    pub fn publish(prefix: &str, event: OutboxEvent) {
        let _ = sender().send(BusMessage {
            prefix: Arc::from(prefix),
            event: Arc::new(event),
        });
    }
}

/// Where the relay sends events.
enum Sink {
    Redis {
        client: Box<redis::Client>,
        conn: Option<redis::aio::ConnectionManager>,
        prefix: String,
        maxlen: usize,
    },
    Bus {
        prefix: String,
    },
}

/// Why a relay round failed (rows stay unpublished and are retried).
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    /// Reading or marking rows failed.
    #[error("outbox database error: {0}")]
    Database(#[from] DbErr),
    /// Redis refused or did not answer.
    #[error("cannot publish to Redis: {0}")]
    Redis(#[from] redis::RedisError),
    /// A row could not be read.
    #[error("outbox row unreadable: {0}")]
    Row(String),
}

/// Moves `service`'s outbox rows out of `db`.
pub struct Relay {
    service: &'static str,
    db: DatabaseConnection,
    sink: Sink,
    settings: OutboxSettings,
}

impl Relay {
    /// A relay of `service`'s outbox in `db`, to Redis when `settings.redis.url` is set,
    /// else to the in-process [`bus`].
    pub fn new(
        service: &'static str,
        db: DatabaseConnection,
        settings: &Settings,
    ) -> Result<Relay, RelayError> {
        let url = settings.redis.url.expose();
        let prefix = settings.redis.key_prefix.clone();
        let sink = if url.is_empty() {
            Sink::Bus { prefix }
        } else {
            Sink::Redis {
                client: Box::new(redis::Client::open(url)?),
                conn: None,
                prefix,
                maxlen: usize::try_from(settings.outbox.stream_maxlen).unwrap_or(usize::MAX),
            }
        };
        Ok(Relay {
            service,
            db,
            sink,
            settings: settings.outbox.clone(),
        })
    }

    /// Publishes up to one batch of unpublished rows; answers how many.
    pub async fn relay_once(&mut self) -> Result<usize, RelayError> {
        let backend = self.db.get_database_backend();
        let limit = self.settings.batch_size;
        match backend {
            DatabaseBackend::Postgres => {
                let txn = self.db.begin().await?;
                let rows = txn
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!(
                            "SELECT seq, CAST(id AS TEXT) AS id, aggregate_type, \
                             CAST(aggregate_id AS TEXT) AS aggregate_id, event_type, touched, payload, created_at FROM outbox WHERE published_at IS NULL \
                             ORDER BY seq LIMIT {limit} FOR UPDATE SKIP LOCKED"
                        ),
                    ))
                    .await?;
                let events = self.decode(&rows)?;
                if events.is_empty() {
                    txn.commit().await?;
                    return Ok(0);
                }
                self.publish(&events).await?;
                mark_published(&txn, backend, &events).await?;
                txn.commit().await?;
                Ok(events.len())
            }
            _ => {
                // SQLite: one embedded process, one connection; no row locks to take.
                let rows = self
                    .db
                    .query_all_raw(Statement::from_string(
                        backend,
                        format!(
                            "SELECT seq, id, aggregate_type, aggregate_id, event_type, touched, payload, created_at FROM outbox \
                             WHERE published_at IS NULL ORDER BY seq LIMIT {limit}"
                        ),
                    ))
                    .await?;
                let events = self.decode(&rows)?;
                if events.is_empty() {
                    return Ok(0);
                }
                self.publish(&events).await?;
                mark_published(&self.db, backend, &events).await?;
                Ok(events.len())
            }
        }
    }

    fn decode(&self, rows: &[QueryResult]) -> Result<Vec<(i64, OutboxEvent)>, RelayError> {
        rows.iter()
            .map(|row| {
                let seq = row
                    .try_get::<i64>("", "seq")
                    .map_err(|e| RelayError::Row(e.to_string()))?;
                Ok((
                    seq,
                    OutboxEvent {
                        service: self.service.to_owned(),
                        id: uuid_text(row, "id")?,
                        aggregate_type: row
                            .try_get::<String>("", "aggregate_type")
                            .map_err(|e| RelayError::Row(e.to_string()))?,
                        aggregate_id: uuid_text(row, "aggregate_id")?,
                        event_type: row
                            .try_get::<String>("", "event_type")
                            .map_err(|e| RelayError::Row(e.to_string()))?,
                        touched: EntityRef::parse_list(
                            &row.try_get::<String>("", "touched")
                                .map_err(|e| RelayError::Row(e.to_string()))?,
                        ),
                        payload: row
                            .try_get::<String>("", "payload")
                            .map_err(|e| RelayError::Row(e.to_string()))?,
                        // Unreadable, the event still goes (consumers then use its
                        // stream entry's time): one odd row must not stop the relay.
                        occurred_at: row.try_get::<DateTime<Utc>>("", "created_at").ok(),
                    },
                ))
            })
            .collect()
    }

    async fn publish(&mut self, events: &[(i64, OutboxEvent)]) -> Result<(), RelayError> {
        match &mut self.sink {
            Sink::Bus { prefix } => {
                for (_, event) in events {
                    bus::publish(prefix, event.clone());
                }
                Ok(())
            }
            Sink::Redis {
                client,
                conn,
                prefix,
                maxlen,
            } => {
                let manager = match conn {
                    Some(manager) => manager.clone(),
                    None => {
                        // One attempt per relay round (the relay's own backoff retries), so
                        // a refused connection or certificate reports its own error rather
                        // than the deadline of the manager's internal retries.
                        let config = redis::aio::ConnectionManagerConfig::new()
                            .set_number_of_retries(0)
                            .set_connection_timeout(Some(PUBLISH_DEADLINE));
                        let manager = tokio::time::timeout(
                            PUBLISH_DEADLINE,
                            client.get_connection_manager_with_config(config),
                        )
                        .await
                        .map_err(|_| timed_out())??;
                        *conn = Some(manager.clone());
                        manager
                    }
                };
                let key = stream_key(prefix, self.service);
                let mut pipe = redis::pipe();
                for (_, event) in events {
                    pipe.xadd_maxlen(&key, StreamMaxlen::Approx(*maxlen), "*", &event.fields())
                        .ignore();
                }
                let mut manager = manager;
                let span = tracing::info_span!(
                    "redis",
                    otel.name = "XADD",
                    otel.kind = "client",
                    db.system = "redis",
                    db.operation = "XADD"
                );
                tokio::time::timeout(PUBLISH_DEADLINE, pipe.query_async::<()>(&mut manager))
                    .instrument(span)
                    .await
                    .map_err(|_| timed_out())??;
                Ok(())
            }
        }
    }

    /// Deletes the rows published more than `outbox.retention_hours` before `now` (none
    /// when it is 0; unpublished rows never); answers how many.
    pub async fn prune_once(&self, now: chrono::DateTime<chrono::Utc>) -> Result<u64, DbErr> {
        let hours = self.settings.retention_hours;
        if hours == 0 {
            return Ok(0);
        }
        let Some(cutoff) = i64::try_from(hours)
            .ok()
            .and_then(chrono::Duration::try_hours)
            .and_then(|age| now.checked_sub_signed(age))
        else {
            return Ok(0);
        };
        let backend = self.db.get_database_backend();
        let placeholder = if backend == DatabaseBackend::Postgres {
            "$1"
        } else {
            "?"
        };
        let done = self
            .db
            .execute_raw(Statement::from_sql_and_values(
                backend,
                format!(
                    "DELETE FROM outbox WHERE published_at IS NOT NULL AND published_at < {placeholder}"
                ),
                [cutoff.into()],
            ))
            .await?;
        Ok(done.rows_affected())
    }

    /// Relays until `shutdown`: a full batch is followed at once by the next, otherwise
    /// the relay waits `poll_interval_ms`; failures back off up to
    /// `retry_max_backoff_ms`. A last round runs after `shutdown` so that the changes of
    /// the final requests leave too. Published rows past `outbox.retention_hours` are pruned
    /// at start and about hourly.
    pub async fn run(mut self, shutdown: Shutdown) {
        let poll = Duration::from_millis(self.settings.poll_interval_ms);
        let max_backoff = Duration::from_millis(self.settings.retry_max_backoff_ms).max(poll);
        let full = usize::try_from(self.settings.batch_size).unwrap_or(usize::MAX);
        let mut backoff = poll;
        let mut failing = false;
        let mut pruned_at: Option<std::time::Instant> = None;
        crate::metrics::outbox_relay_started(self.service);
        loop {
            if pruned_at.is_none_or(|at| at.elapsed() >= Duration::from_secs(3_600)) {
                pruned_at = Some(std::time::Instant::now());
                match self.prune_once(chrono::Utc::now()).await {
                    Ok(0) => {}
                    Ok(rows) => {
                        tracing::info!(service = self.service, rows, "published outbox rows pruned")
                    }
                    Err(error) => {
                        tracing::warn!(service = self.service, %error, "outbox pruning failed; retried in an hour")
                    }
                }
            }
            let wait = match self.relay_once().await {
                Ok(n) => {
                    if failing {
                        tracing::info!(service = self.service, "outbox relay recovered");
                        failing = false;
                    }
                    backoff = poll;
                    if n > 0 {
                        crate::metrics::outbox_published(self.service, n as u64);
                    }
                    if n >= full { Duration::ZERO } else { poll }
                }
                Err(error) => {
                    if !failing {
                        tracing::warn!(service = self.service, %error, "outbox relay failed; rows stay unpublished and are retried");
                        failing = true;
                    }
                    metrics::counter!("outbox_relay_errors_total", "service" => self.service)
                        .increment(1);
                    let wait = backoff;
                    backoff = (backoff * 2).min(max_backoff);
                    wait
                }
            };
            if shutdown.is_triggered() {
                break;
            }
            if !wait.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(wait) => {}
                    () = shutdown.clone().wait() => {}
                }
            }
        }
        if tokio::time::timeout(Duration::from_secs(2), self.relay_once())
            .await
            .is_err()
        {
            tracing::info!(
                service = self.service,
                "outbox relay stopped before its last round finished"
            );
        }
    }
}

/// Whether the relay can start with `settings` (relaying on, a Redis URL this build can use):
/// `glocal serve <service>` checks it before serving, so a service whose change events could
/// never leave is never ready instead of reporting SERVING while events pile up.
pub fn check(settings: &Settings) -> Result<(), RelayError> {
    let url = settings.redis.url.expose();
    if settings.outbox.enabled && !url.is_empty() {
        redis::Client::open(url)?;
    }
    Ok(())
}

/// Starts relaying `service`'s outbox in `db` as `settings` say, until `shutdown`
/// (nothing when `outbox.enabled` is off or the Redis URL is unusable, which is logged;
/// `glocal serve` refuses such a URL up front with [`check`]).
pub fn spawn(
    service: &'static str,
    db: DatabaseConnection,
    settings: &Settings,
    shutdown: Shutdown,
) -> Option<tokio::task::JoinHandle<()>> {
    if !settings.outbox.enabled {
        return None;
    }
    match Relay::new(service, db, settings) {
        Ok(relay) => Some(tokio::spawn(relay.run(shutdown))),
        Err(error) => {
            tracing::error!(service, %error, "outbox relay not started");
            None
        }
    }
}

/// A UUID column as text, whether the backend stores it as `uuid`, text or bytes.
fn uuid_text(row: &QueryResult, column: &str) -> Result<String, RelayError> {
    if let Ok(text) = row.try_get::<String>("", column) {
        return Ok(text);
    }
    row.try_get::<uuid::Uuid>("", column)
        .map(|u| u.to_string())
        .map_err(|e| RelayError::Row(format!("{column}: {e}")))
}

/// Marks `events`' rows published now.
async fn mark_published<C: ConnectionTrait>(
    c: &C,
    backend: DatabaseBackend,
    events: &[(i64, OutboxEvent)],
) -> Result<(), DbErr> {
    let seqs: Vec<String> = events.iter().map(|(seq, _)| seq.to_string()).collect();
    let placeholder = if backend == DatabaseBackend::Postgres {
        "$1"
    } else {
        "?"
    };
    c.execute_raw(Statement::from_sql_and_values(
        backend,
        format!(
            "UPDATE outbox SET published_at = {placeholder} WHERE seq IN ({})",
            seqs.join(", ")
        ),
        [chrono::Utc::now().into()],
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Secret;
    use crate::testing::{TestDatabase, redis_prefix, redis_url};
    use redis::AsyncCommands;

    const CREATE_POSTGRES: &str = "CREATE TABLE outbox (seq BIGSERIAL PRIMARY KEY, id UUID NOT NULL UNIQUE, \
        aggregate_id UUID NOT NULL, event_type VARCHAR NOT NULL, payload TEXT NOT NULL, \
        created_at TIMESTAMPTZ NOT NULL, published_at TIMESTAMPTZ NULL, \
        aggregate_type VARCHAR NOT NULL DEFAULT '', touched TEXT NOT NULL DEFAULT '[]')";
    const CREATE_SQLITE: &str = "CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, id uuid_text NOT NULL UNIQUE, \
        aggregate_id uuid_text NOT NULL, event_type varchar NOT NULL, payload text NOT NULL, \
        created_at timestamp_with_timezone_text NOT NULL, published_at timestamp_with_timezone_text NULL, \
        aggregate_type varchar NOT NULL DEFAULT '', touched text NOT NULL DEFAULT '[]')";

    async fn insert(db: &DatabaseConnection, aggregate: uuid::Uuid, n: i32) {
        let change = Change::new(
            "Thing",
            aggregate,
            "ThingChanged",
            serde_json::json!({ "n": n }),
        )
        .touching("Event", format!("ev{n}"));
        append(db, &change, written_at(n)).await.unwrap();
    }

    /// When the test's row `n` was written (its service's time).
    fn written_at(n: i32) -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::parse_from_rfc3339("2026-12-01T01:00:00.123456Z")
            .unwrap()
            .with_timezone(&chrono::Utc)
            + chrono::Duration::seconds(i64::from(n))
    }

    fn settings(redis: &str, prefix: &str) -> Settings {
        let mut s = Settings::default();
        s.redis.url = Secret::new(redis);
        s.redis.key_prefix = prefix.to_owned();
        s.outbox.batch_size = 2;
        s
    }

    async fn unpublished(db: &DatabaseConnection) -> u64 {
        crate::metrics::outbox_lag(db).await.unwrap().0
    }

    #[tokio::test]
    async fn rows_go_to_the_redis_stream_in_order_and_are_marked_published() {
        let pg = TestDatabase::postgres().await;
        let db = crate::db::connect(&pg.url).await.unwrap();
        db.execute_unprepared(CREATE_POSTGRES).await.unwrap();
        let aggregate = uuid::Uuid::new_v4();
        for n in 0..3 {
            insert(&db, aggregate, n).await;
        }
        let prefix = redis_prefix();
        let mut relay =
            Relay::new("requests", db.clone(), &settings(&redis_url(), &prefix)).unwrap();
        assert_eq!(relay.relay_once().await.unwrap(), 2, "one batch at a time");
        assert_eq!(relay.relay_once().await.unwrap(), 1);
        assert_eq!(relay.relay_once().await.unwrap(), 0);
        assert_eq!(unpublished(&db).await, 0);

        let client = redis::Client::open(redis_url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let key = stream_key(&prefix, "requests");
        let entries: redis::streams::StreamRangeReply = conn.xrange_all(&key).await.unwrap();
        let events: Vec<OutboxEvent> = entries
            .ids
            .iter()
            .map(|e| OutboxEvent::from_stream_entry("requests", e).unwrap())
            .collect();
        assert_eq!(events.len(), 3);
        assert!(
            events
                .iter()
                .all(|e| e.aggregate_id == aggregate.to_string())
        );
        let ns: Vec<i64> = events
            .iter()
            .map(|e| e.payload_json()["n"].as_i64().unwrap())
            .collect();
        assert_eq!(ns, [0, 1, 2]);
        assert!(events.iter().all(|e| e.aggregate_type == "Thing"));
        // Each carries when its service wrote it, not when it was relayed.
        let written: Vec<_> = events.iter().map(|e| e.occurred_at).collect();
        assert_eq!(
            written,
            (0..3).map(|n| Some(written_at(n))).collect::<Vec<_>>()
        );
        let touched: Vec<Vec<EntityRef>> = events.iter().map(|e| e.touched.clone()).collect();
        assert_eq!(
            touched,
            (0..3)
                .map(|n| vec![EntityRef::new("Event", format!("ev{n}"))])
                .collect::<Vec<_>>()
        );
        let _: () = conn.del(&key).await.unwrap();
    }

    #[tokio::test]
    async fn published_rows_older_than_the_retention_are_pruned_and_unpublished_ones_never() {
        let pg = TestDatabase::postgres().await;
        let db = crate::db::connect(&pg.url).await.unwrap();
        db.execute_unprepared(CREATE_POSTGRES).await.unwrap();
        for n in 0..4 {
            insert(&db, uuid::Uuid::new_v4(), n).await;
        }
        // Two published 10 days ago, one published an hour ago, one unpublished.
        db.execute_unprepared(
            "UPDATE outbox SET published_at = now() - interval '10 days' WHERE seq IN (SELECT seq FROM outbox ORDER BY seq LIMIT 2); \
             UPDATE outbox SET published_at = now() - interval '1 hour' WHERE seq = (SELECT max(seq) - 1 FROM outbox)",
        )
        .await
        .unwrap();
        let mut s = settings(&redis_url(), &redis_prefix());
        s.outbox.retention_hours = 7 * 24;
        let relay = Relay::new("requests", db.clone(), &s).unwrap();
        assert_eq!(relay.prune_once(chrono::Utc::now()).await.unwrap(), 2);
        assert_eq!(crate::testing::count_rows(&db, "outbox").await, 2);
        assert_eq!(unpublished(&db).await, 1);
        assert_eq!(relay.prune_once(chrono::Utc::now()).await.unwrap(), 0);
        s.outbox.retention_hours = 0;
        let keep = Relay::new("requests", db.clone(), &s).unwrap();
        let later = chrono::Utc::now() + chrono::Duration::days(365);
        assert_eq!(
            keep.prune_once(later).await.unwrap(),
            0,
            "0 keeps every row"
        );
    }

    #[tokio::test]
    async fn with_redis_down_rows_stay_unpublished() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(CREATE_SQLITE).await.unwrap();
        insert(&db, uuid::Uuid::new_v4(), 1).await;
        // Nothing listens on port 1.
        let mut relay =
            Relay::new("events", db.clone(), &settings("redis://127.0.0.1:1", "x:")).unwrap();
        assert!(relay.relay_once().await.is_err());
        assert_eq!(unpublished(&db).await, 1);
    }

    #[tokio::test]
    async fn without_redis_rows_go_to_the_in_process_bus() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(CREATE_SQLITE).await.unwrap();
        let aggregate = uuid::Uuid::new_v4();
        insert(&db, aggregate, 7).await;
        let prefix = redis_prefix();
        let mut bus = bus::subscribe();
        let mut relay = Relay::new("research", db.clone(), &settings("", &prefix)).unwrap();
        assert_eq!(relay.relay_once().await.unwrap(), 1);
        assert_eq!(unpublished(&db).await, 0);
        let message = loop {
            let m = bus.recv().await.unwrap();
            if *m.prefix == *prefix {
                break m;
            }
        };
        assert_eq!(message.event.service, "research");
        assert_eq!(message.event.aggregate_id, aggregate.to_string());
        assert_eq!(message.event.payload_json()["n"], 7);
        assert_eq!(message.event.aggregate_type, "Thing");
        assert_eq!(message.event.event_type, "ThingChanged");
        assert_eq!(message.event.occurred_at, Some(written_at(7)));
        assert_eq!(message.event.touched, [EntityRef::new("Event", "ev7")]);
        assert_eq!(
            message.event.touches().collect::<Vec<_>>(),
            [
                EntityRef::new("Thing", aggregate),
                EntityRef::new("Event", "ev7")
            ]
        );
    }

    #[tokio::test]
    async fn the_task_relays_until_shutdown() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(CREATE_SQLITE).await.unwrap();
        let prefix = redis_prefix();
        let mut s = settings("", &prefix);
        s.outbox.poll_interval_ms = 10;
        let (trigger, shutdown) = crate::shutdown::channel();
        let task = spawn("training", db.clone(), &s, shutdown).unwrap();
        insert(&db, uuid::Uuid::new_v4(), 1).await;
        for _ in 0..200 {
            if unpublished(&db).await == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert_eq!(unpublished(&db).await, 0);
        trigger.trigger();
        task.await.unwrap();
    }
}
