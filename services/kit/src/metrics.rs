//! Prometheus metrics: one recorder per process, rendered on the gateway's `/metrics` and
//! on each service's metrics port ([`serve`]), plus the samplers every service shares:
//! database pool gauges and outbox lag ([`spawn_database_sampler`]).
//!
//! Metric names (every `_seconds` metric is a histogram with [`BUCKETS`]):
//!
//! | name | labels | what |
//! | --- | --- | --- |
//! | `graphql_operations_total` | `operation`, `outcome` | GraphQL operations (gateway) |
//! | `graphql_operation_duration_seconds` | `operation` | their duration |
//! | `grpc_server_requests_total` | `service`, `method`, `code` | gRPC calls served, by status code |
//! | `grpc_server_request_duration_seconds` | `service`, `method` | their duration |
//! | `db_pool_connections` | `service`, `state` (`idle`, `in_use`) | database pool |
//! | `db_pool_max_connections` | `service` | pool size limit |
//! | `outbox_unpublished` | `service` | outbox rows not yet published |
//! | `outbox_oldest_unpublished_age_seconds` | `service` | age of the oldest of them (0 when none) |
//! | `cache_requests_total` | `layer` (`local`, `shared`), `backend`, `result` (`hit`, `miss`, `error`) | cache reads (see [`crate::cache`]) |
//! | `outbox_published_total` | `service` | outbox rows relayed (see [`crate::outbox`]) |
//! | `outbox_relay_errors_total` | `service` | failed relay rounds (rows stay and are retried) |
//! | `outbox_last_published_timestamp_seconds` | `service` | Unix time of the relay's last published batch ([`outbox_published`]) |
//! | `change_stream_last_event_timestamp_seconds` | `consumer`, `service` | Unix time (the stream entry's) of the newest change event a consumer handled ([`change_stream_event`]) |
//! | `change_stream_read_errors_total` | `consumer` | failed reads of the change streams (Redis down) ([`change_stream_error`]) |
//! | `glocal_job_interval_seconds` | `name` | how often a background job runs ([`Job`]) |
//! | `glocal_job_last_success_timestamp_seconds` | `name` | Unix time of its last successful run |
//! | `glocal_job_runs_total` | `name`, `outcome` (`success`, `failure`) | its runs |
//! | `glocal_notices_sent_total`, `glocal_notices_failed_total` | `channel` | notices delivered / failed ([`notice_delivered`]) |
//!
//! Counters a component may never increment in a healthy run (errors) are created at 0 when the
//! component starts ([`Job::new`], [`change_stream_started`], [`outbox_relay_started`]; these
//! install the recorder first), so alert rules see a series from the start and dashboards do
//! not show "no data".

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use axum::Router;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::shutdown::Shutdown;

/// Histogram buckets of every `_seconds` metric (5 ms to 10 s).
pub const BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The `Content-Type` of the Prometheus text format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process-wide recorder (once) and returns the handle that renders it.
pub fn prometheus() -> PrometheusHandle {
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .map(PrometheusBuilder::build_recorder)
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            // Another recorder may already be installed (e.g. by a test harness); ours
            // still renders what it records.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

/// Every metric of this process in the Prometheus text format.
pub fn render() -> String {
    let handle = prometheus();
    handle.run_upkeep();
    handle.render()
}

/// `GET /metrics`.
async fn metrics_endpoint() -> impl IntoResponse {
    ([(http::header::CONTENT_TYPE, CONTENT_TYPE)], render())
}

/// The metrics port's routes: `GET /metrics` (Prometheus text) and `GET /healthz`
/// (200 while the process runs).
pub fn router() -> Router {
    Router::new()
        .route("/metrics", get(metrics_endpoint))
        .route("/healthz", get(|| async { "ok" }))
}

/// Serves [`router`] on `listener` until `shutdown` resolves.
pub async fn serve(listener: tokio::net::TcpListener, shutdown: Shutdown) -> std::io::Result<()> {
    let _ = prometheus();
    if let Ok(addr) = listener.local_addr() {
        tracing::info!(%addr, "metrics listening");
    }
    axum::serve(listener, router())
        .with_graceful_shutdown(shutdown.wait())
        .await
}

/// Binds `addr` and serves the metrics port in the background until `shutdown`; a bind
/// failure is returned at once (a port conflict is a configuration error).
pub async fn spawn_server(addr: SocketAddr, shutdown: Shutdown) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        if let Err(error) = serve(listener, shutdown).await {
            tracing::warn!(%error, "metrics server stopped");
        }
    });
    Ok(local)
}

/// Seconds since the Unix epoch, now.
fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Records that `service`'s outbox relay published `rows` rows (in one batch) just now:
/// `outbox_published_total` and `outbox_last_published_timestamp_seconds`.
pub fn outbox_published(service: &'static str, rows: u64) {
    metrics::counter!("outbox_published_total", "service" => service).increment(rows);
    metrics::gauge!("outbox_last_published_timestamp_seconds", "service" => service)
        .set(unix_now());
}

/// Creates the relay's counters of `service` at 0 (so `rate()` sees a series before the
/// first publish or failure).
pub fn outbox_relay_started(service: &'static str) {
    let _ = prometheus();
    metrics::counter!("outbox_published_total", "service" => service).increment(0);
    metrics::counter!("outbox_relay_errors_total", "service" => service).increment(0);
}

/// The time a Redis Stream entry id (`<milliseconds>-<sequence>`) was added, in seconds
/// since the Unix epoch (`None` for anything else).
pub fn stream_entry_time(entry_id: &str) -> Option<f64> {
    let (millis, sequence) = entry_id.split_once('-')?;
    sequence.parse::<u64>().ok()?;
    millis.parse::<u64>().ok().map(|ms| ms as f64 / 1000.0)
}

/// Records that `consumer` (e.g. `gateway`, `notifier`) handled `service`'s change event
/// whose stream entry id is `entry_id` (its time is when the relay published it; without
/// an id, e.g. from the in-process bus, now). Compared with
/// `outbox_last_published_timestamp_seconds` it gives the consumer's lag.
pub fn change_stream_event(consumer: &'static str, service: &str, entry_id: Option<&str>) {
    let at = entry_id
        .and_then(stream_entry_time)
        .unwrap_or_else(unix_now);
    metrics::gauge!(
        "change_stream_last_event_timestamp_seconds",
        "consumer" => consumer,
        "service" => service.to_owned()
    )
    .set(at);
}

/// Records a failed read of the change streams by `consumer`.
pub fn change_stream_error(consumer: &'static str) {
    metrics::counter!("change_stream_read_errors_total", "consumer" => consumer).increment(1);
}

/// Records that `consumer` found a gap in a stream it follows: entries it never handled are
/// gone (`change_stream_gaps_total`).
pub fn change_stream_gap(consumer: &'static str) {
    metrics::counter!("change_stream_gaps_total", "consumer" => consumer).increment(1);
}

/// Creates `consumer`'s read-error counter at 0 when it starts reading.
pub fn change_stream_started(consumer: &'static str) {
    let _ = prometheus();
    metrics::counter!("change_stream_read_errors_total", "consumer" => consumer).increment(0);
}

/// Records one notice's delivery on `channel` (e.g. `email`): `glocal_notices_sent_total`
/// when `delivered`, `glocal_notices_failed_total` otherwise (the alert
/// `GlocalNoticesFailing` watches the latter).
pub fn notice_delivered(channel: &'static str, delivered: bool) {
    if delivered {
        metrics::counter!("glocal_notices_sent_total", "channel" => channel).increment(1);
    } else {
        metrics::counter!("glocal_notices_failed_total", "channel" => channel).increment(1);
    }
}

/// A background job's health metrics (the SLA scheduler, the certificate job, the events
/// offer sweeper, …): `glocal_job_interval_seconds`, `glocal_job_runs_total` and
/// `glocal_job_last_success_timestamp_seconds`, labelled `name` (not `job`: Prometheus
/// gives every scraped series a `job` label of its own). The alert
/// `GlocalJobNotRunning` fires when a job has not succeeded for three intervals (plus
/// five minutes), or never since its process started.
///
/// ```
/// let job = glocal_kit::metrics::Job::new("sla_scheduler", std::time::Duration::from_secs(30));
/// // each run:
/// job.succeeded(); // or job.failed()
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Job {
    name: &'static str,
}

impl Job {
    /// Declares the job `name` running every `interval` (its runs counted from 0).
    pub fn new(name: &'static str, interval: Duration) -> Self {
        let _ = prometheus();
        metrics::gauge!("glocal_job_interval_seconds", "name" => name).set(interval.as_secs_f64());
        for outcome in ["success", "failure"] {
            metrics::counter!("glocal_job_runs_total", "name" => name, "outcome" => outcome)
                .increment(0);
        }
        Self { name }
    }

    /// Records a successful run, now.
    pub fn succeeded(&self) {
        metrics::counter!("glocal_job_runs_total", "name" => self.name, "outcome" => "success")
            .increment(1);
        metrics::gauge!("glocal_job_last_success_timestamp_seconds", "name" => self.name)
            .set(unix_now());
    }

    /// Records a failed run.
    pub fn failed(&self) {
        metrics::counter!("glocal_job_runs_total", "name" => self.name, "outcome" => "failure")
            .increment(1);
    }
}

/// Samples `db`'s pool and its `outbox` table every `interval` into the gauges
/// `db_pool_*` and `outbox_*` labelled `service`, until `shutdown`. A service without an
/// outbox table gets pool gauges only.
pub fn spawn_database_sampler(
    service: &'static str,
    db: DatabaseConnection,
    interval: Duration,
    shutdown: Shutdown,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(interval);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut outbox_missing_logged = false;
        loop {
            tokio::select! {
                _ = ticker.tick() => {}
                () = shutdown.clone().wait() => return,
            }
            record_pool(service, &db);
            match outbox_lag(&db).await {
                Ok((count, age)) => {
                    metrics::gauge!("outbox_unpublished", "service" => service).set(count as f64);
                    metrics::gauge!("outbox_oldest_unpublished_age_seconds", "service" => service)
                        .set(age.as_secs_f64());
                }
                Err(error) if !outbox_missing_logged => {
                    outbox_missing_logged = true;
                    tracing::debug!(service, %error, "outbox lag not sampled");
                }
                Err(_) => {}
            }
        }
    })
}

/// Sets the pool gauges of `service` from `db`'s pool.
fn record_pool(service: &'static str, db: &DatabaseConnection) {
    let (size, idle, max) = match db.get_database_backend() {
        DatabaseBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (
                pool.size(),
                pool.num_idle(),
                pool.options().get_max_connections(),
            )
        }
        _ => return,
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(size);
    metrics::gauge!("db_pool_connections", "service" => service, "state" => "idle")
        .set(f64::from(idle));
    metrics::gauge!("db_pool_connections", "service" => service, "state" => "in_use")
        .set(f64::from(size - idle));
    metrics::gauge!("db_pool_max_connections", "service" => service).set(f64::from(max));
}

/// How many outbox rows wait to be published, and how long the oldest has waited.
pub async fn outbox_lag(db: &DatabaseConnection) -> Result<(u64, Duration), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    let row = db
        .query_one_raw(Statement::from_string(
            backend,
            "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE published_at IS NULL",
        ))
        .await?;
    let Some(row) = row else {
        return Ok((0, Duration::ZERO));
    };
    let count = row.try_get::<i64>("", "n")?;
    let oldest = row
        .try_get::<Option<chrono::DateTime<chrono::Utc>>>("", "oldest")
        .ok()
        .flatten()
        .or_else(|| {
            let text = row.try_get::<Option<String>>("", "oldest").ok().flatten()?;
            parse_timestamp(&text)
        });
    let age = oldest
        .and_then(|t| (chrono::Utc::now() - t).to_std().ok())
        .unwrap_or(Duration::ZERO);
    Ok((u64::try_from(count).unwrap_or(0), age))
}

/// A timestamp as SQLite stores it (RFC 3339, or `YYYY-MM-DD HH:MM:SS[.f][+zz:zz]`).
fn parse_timestamp(text: &str) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::parse_from_rfc3339(text)
        .or_else(|_| chrono::DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .map(|t| t.with_timezone(&chrono::Utc))
        .ok()
        .or_else(|| {
            chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.f")
                .ok()
                .map(|t| t.and_utc())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_in_every_stored_form() {
        for text in [
            "2026-01-02T03:04:05Z",
            "2026-01-02 03:04:05+00:00",
            "2026-01-02 03:04:05.123",
        ] {
            assert!(parse_timestamp(text).is_some(), "{text}");
        }
        assert!(parse_timestamp("yesterday").is_none());
    }

    #[test]
    fn stream_entry_ids_give_their_time() {
        assert_eq!(
            stream_entry_time("1700000000123-4"),
            Some(1_700_000_000.123)
        );
        assert_eq!(stream_entry_time("0-0"), Some(0.0));
        assert_eq!(stream_entry_time("1700000000123"), None);
        assert_eq!(stream_entry_time("abc-1"), None);
    }

    #[test]
    fn jobs_report_interval_runs_and_last_success() {
        let _ = prometheus();
        let job = Job::new("kit_metrics_test_job", Duration::from_secs(30));
        let before = render();
        assert!(
            before.contains("glocal_job_interval_seconds{name=\"kit_metrics_test_job\"} 30"),
            "{before}"
        );
        assert!(
            before.contains(
                "glocal_job_runs_total{name=\"kit_metrics_test_job\",outcome=\"failure\"} 0"
            ),
            "{before}"
        );
        assert!(
            !before.contains(
                "glocal_job_last_success_timestamp_seconds{name=\"kit_metrics_test_job\"}"
            ),
            "{before}"
        );
        job.succeeded();
        job.failed();
        let after = render();
        assert!(
            after.contains(
                "glocal_job_runs_total{name=\"kit_metrics_test_job\",outcome=\"success\"} 1"
            ),
            "{after}"
        );
        assert!(
            after.contains(
                "glocal_job_runs_total{name=\"kit_metrics_test_job\",outcome=\"failure\"} 1"
            ),
            "{after}"
        );
        let line = after
            .lines()
            .find(|l| {
                l.starts_with(
                    "glocal_job_last_success_timestamp_seconds{name=\"kit_metrics_test_job\"}",
                )
            })
            .expect("last success");
        let at: f64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!((at - unix_now()).abs() < 60.0, "{line}");
    }

    #[tokio::test]
    async fn outbox_lag_counts_unpublished_rows_and_their_age() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        db.execute_unprepared(
            "CREATE TABLE outbox (seq INTEGER PRIMARY KEY, created_at TEXT NOT NULL, published_at TEXT)",
        )
        .await
        .unwrap();
        assert_eq!(outbox_lag(&db).await.unwrap(), (0, Duration::ZERO));
        let old = (chrono::Utc::now() - chrono::Duration::seconds(120)).to_rfc3339();
        let now = chrono::Utc::now().to_rfc3339();
        db.execute_unprepared(&format!(
            "INSERT INTO outbox (created_at, published_at) VALUES ('{old}', NULL), ('{now}', NULL), ('{old}', '{now}')"
        ))
        .await
        .unwrap();
        let (count, age) = outbox_lag(&db).await.unwrap();
        assert_eq!(count, 2);
        assert!(age >= Duration::from_secs(119), "{age:?}");
    }

    #[tokio::test]
    async fn metrics_port_serves_prometheus_text_and_health() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (trigger, shutdown) = crate::shutdown::channel();
        let server = tokio::spawn(serve(listener, shutdown));
        let _ = prometheus();
        metrics::counter!("kit_metrics_test_total").increment(3);
        let body = http_get(addr, "/metrics").await;
        assert!(body.contains("200 OK"), "{body}");
        assert!(body.contains("text/plain; version=0.0.4"), "{body}");
        assert!(body.contains("kit_metrics_test_total 3"), "{body}");
        assert!(http_get(addr, "/healthz").await.ends_with("ok"));
        trigger.trigger();
        server.await.unwrap().unwrap();
    }

    /// A minimal HTTP/1.0 GET, answering the whole response as text.
    async fn http_get(addr: SocketAddr, path: &str) -> String {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(format!("GET {path} HTTP/1.0\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut out = String::new();
        stream.read_to_string(&mut out).await.unwrap();
        out
    }
}
