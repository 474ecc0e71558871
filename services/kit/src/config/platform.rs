//! Sections every component reads the same way: logging, identity, Redis, gRPC servers,
//! object storage, metrics and traces, the outbox relay, the entity cache and `glocal dev`.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::{LogFormat, Secret};

/// How long personal data is kept (`[privacy]`, the Personal Information Protection Act's
/// retention periods): each service's retention job pseudonymises what has expired once a
/// day, keeping aggregates and audit trails (ADR 0038).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PrivacySettings {
    /// Seconds between two runs of each service's retention job; `0` = no job in this
    /// process.
    pub retention_interval_secs: u64,
    /// Days a finished request (closed, rejected, withdrawn, merged) keeps the names of its
    /// requester and of the people who wrote on it.
    pub finished_request_days: u32,
    /// Days a rejected or withdrawn application keeps its applicant's name, grade, answers and
    /// documents.
    pub rejected_application_days: u32,
    /// Days after an event's last day its registrants' names and party members are kept.
    pub past_event_registrant_days: u32,
    /// Days a notice (and the e-mail address it was delivered to) is kept.
    pub notice_days: u32,
    /// Days a record of a staff member's read of personal data is kept (ADR 0039).
    pub read_log_days: u32,
}

impl Default for PrivacySettings {
    fn default() -> Self {
        PrivacySettings {
            retention_interval_secs: 86_400,
            finished_request_days: 1_095,
            rejected_application_days: 365,
            past_event_registrant_days: 365,
            notice_days: 365,
            read_log_days: 730,
        }
    }
}

/// Object storage of uploaded files (`[storage]`), shared by every service that keeps
/// files; each writes under its own prefix (`requests/`, …).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageSettings {
    /// `s3://bucket[/prefix]` for S3-compatible storage, `file:///absolute/folder` or a
    /// plain folder path for the filesystem; empty = the `files` folder under
    /// `dev.data_dir` (refused in production).
    pub url: String,
    /// Endpoint of an S3-compatible server (e.g. `http://minio:9000`); empty = AWS.
    pub endpoint: String,
    /// Region of the bucket.
    pub region: String,
    /// Access key id (secret).
    pub access_key_id: Secret,
    /// Secret access key (secret).
    pub secret_access_key: Secret,
    /// Allow a plain `http://` endpoint (a server inside the cluster).
    pub allow_http: bool,
    /// Largest file accepted, in bytes.
    pub max_file_bytes: u64,
    /// Most bytes all files of one request (application, practice) may add up to.
    pub max_owner_bytes: u64,
    /// Most files one request (application, practice) may carry.
    pub max_owner_files: u32,
    /// Age after which an object without a metadata row is an orphan of a crash and is
    /// removed by the sweeper (seconds); longer than any upload takes.
    pub orphan_grace_secs: u64,
    /// Time between two sweeps for orphans (seconds); 0 = no sweeper in this process.
    pub sweep_interval_secs: u64,
    /// How long an upload or download link the gateway signs stays valid (seconds).
    pub link_ttl_secs: u64,
    /// Deadline of one upload or download through the gateway (seconds).
    pub transfer_timeout_secs: u64,
}

impl Default for StorageSettings {
    fn default() -> Self {
        StorageSettings {
            url: String::new(),
            endpoint: String::new(),
            region: "us-east-1".into(),
            access_key_id: Secret::default(),
            secret_access_key: Secret::default(),
            allow_http: false,
            max_file_bytes: 100 * 1024 * 1024,
            max_owner_bytes: 250 * 1024 * 1024,
            max_owner_files: 50,
            orphan_grace_secs: 6 * 3600,
            sweep_interval_secs: 3600,
            link_ttl_secs: 300,
            transfer_timeout_secs: 1800,
        }
    }
}

/// Logging.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogSettings {
    /// Format; unset = pretty in development, JSON in production.
    pub format: Option<LogFormat>,
    /// `tracing` env-filter directive, e.g. `info,glocal_requests=debug`.
    pub filter: String,
}

/// Identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AuthSettings {
    /// HS256 secret for development tokens. Unused in production, where development tokens
    /// are neither accepted nor minted.
    pub jwt_secret: Secret,
    /// Expected `iss`.
    pub issuer: String,
    /// Expected `aud` (of development and OIDC tokens alike).
    pub audience: String,
    /// Issuer URL of the OpenID Connect provider whose RS256/ES256 tokens the gateway
    /// accepts (its discovery document is `{issuer}/.well-known/openid-configuration`);
    /// empty = no OIDC. Required in production.
    pub oidc_issuer: String,
    /// Least time between two JWKS fetches caused by a token with an unknown `kid` (ms).
    pub jwks_refresh_min_interval_ms: u64,
    /// Age after which the cached JWKS is fetched again on its next use (ms).
    pub jwks_max_age_ms: u64,
    /// Deadline of each request to the OIDC provider (ms).
    pub oidc_timeout_ms: u64,
    /// Clock skew tolerated when checking `exp` and `nbf` (seconds).
    pub leeway_secs: u64,
    /// Claim of OIDC tokens that holds the caller's roles (an array or a space-separated
    /// string; unknown roles are ignored).
    pub roles_claim: String,
    /// Claim of OIDC tokens that holds the caller's organisation code.
    pub org_claim: String,
}

/// Redis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisSettings {
    /// `redis://host:port/db`; empty = in-process cache.
    pub url: Secret,
    /// Prefix of every key this deployment writes.
    pub key_prefix: String,
}

/// gRPC servers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GrpcSettings {
    /// After SIGTERM, how long NOT_SERVING is reported before the listener closes (ms),
    /// so load balancers stop sending new calls.
    pub shutdown_delay_ms: u64,
    /// Deadline for in-flight calls to finish after the listener closes (ms).
    pub drain_timeout_ms: u64,
    /// The gateway's private key signing the caller of every call (secret; base64 of the
    /// 32-byte Ed25519 seed, from `glocal keygen`). Empty: the development key, refused in
    /// production. Only the gateway needs it.
    pub identity_signing_key: Secret,
    /// The public keys a service trusts for caller tokens (base64url, comma-separated; two
    /// while a key is rotated). Empty: the development key, refused in production.
    pub identity_keys: String,
}

/// `glocal dev`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DevSettings {
    /// Folder for the SQLite files.
    pub data_dir: PathBuf,
    /// Load demo data on first start.
    pub demo_data: bool,
}

/// The admin ports: each `glocal serve <component>` answers `GET /metrics` and
/// `GET /healthz` (liveness, off the traffic port) on its own HTTP port.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsSettings {
    /// Serve the metrics port at all (`false` turns every service's metrics listener off).
    pub enabled: bool,
    /// Admin (metrics, liveness) address of `glocal serve gateway`; the gateway also serves
    /// `/metrics` and `/healthz` on its traffic port.
    pub gateway_listen: SocketAddr,
    /// Metrics address of the requests service.
    pub requests_listen: SocketAddr,
    /// Metrics address of the training service.
    pub training_listen: SocketAddr,
    /// Metrics address of the events service.
    pub events_listen: SocketAddr,
    /// Metrics address of the research service.
    pub research_listen: SocketAddr,
    /// Metrics address of the notifier.
    pub notifier_listen: SocketAddr,
    /// Metrics address of `glocal serve portal` (its pages and its calls to the gateway).
    pub portal_listen: SocketAddr,
    /// How often database pool gauges and outbox lag are sampled (ms).
    pub sample_interval_ms: u64,
}

impl Default for MetricsSettings {
    fn default() -> Self {
        MetricsSettings {
            enabled: true,
            gateway_listen: SocketAddr::from(([0, 0, 0, 0], 9090)),
            requests_listen: SocketAddr::from(([0, 0, 0, 0], 9091)),
            training_listen: SocketAddr::from(([0, 0, 0, 0], 9092)),
            events_listen: SocketAddr::from(([0, 0, 0, 0], 9093)),
            research_listen: SocketAddr::from(([0, 0, 0, 0], 9094)),
            notifier_listen: SocketAddr::from(([0, 0, 0, 0], 9095)),
            portal_listen: SocketAddr::from(([0, 0, 0, 0], 9096)),
            sample_interval_ms: 15_000,
        }
    }
}

/// Trace export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySettings {
    /// `tracing` filter of the spans exported over OTLP (independent of `log.filter`): the
    /// default adds one span per SQL statement and transaction from sea-orm (made only when
    /// spans are exported).
    pub trace_filter: String,
    /// One span per resolved GraphQL field in the gateway, under the operation's span: for
    /// debugging only (each costs CPU on every field of every operation). Off by default:
    /// the gateway then traces each operation as one span.
    pub field_spans: bool,
}

/// The outbox relay: each service publishes its unpublished outbox rows, in order, to the
/// Redis Stream `{redis.key_prefix}events:{service}` (or to the in-process bus when
/// `redis.url` is empty), and the gateway reads those streams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OutboxSettings {
    /// Relay the outbox at all (`false` leaves rows unpublished).
    pub enabled: bool,
    /// How often the relay looks for new rows when the last batch was not full (ms).
    pub poll_interval_ms: u64,
    /// Most rows published per batch (one transaction).
    pub batch_size: u32,
    /// Approximate length each stream is trimmed to (`XADD MAXLEN ~`).
    pub stream_maxlen: u64,
    /// Longest wait between two attempts while Redis or the database fails (ms); the wait
    /// starts at `poll_interval_ms` and doubles.
    pub retry_max_backoff_ms: u64,
    /// How long each `XREAD BLOCK` on the change streams waits for new entries (ms): the
    /// gateway's, the services' followers' and their cache watchers'.
    pub consumer_block_ms: u64,
    /// Hours a published outbox row is kept before the relay deletes it (about once an
    /// hour); 0 keeps them for ever.
    pub retention_hours: u64,
}

impl Default for OutboxSettings {
    fn default() -> Self {
        OutboxSettings {
            enabled: true,
            poll_interval_ms: 200,
            batch_size: 100,
            stream_maxlen: 100_000,
            retry_max_backoff_ms: 5_000,
            consumer_block_ms: 5_000,
            retention_hours: 168,
        }
    }
}

/// The gateway's cache of public, read-mostly entities (programmes, editions, events,
/// practices, research areas, organisations, local governments), keyed by id and
/// invalidated by the services' change events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CacheSettings {
    /// Cache entities at all (`false`: every read goes to the services).
    pub enabled: bool,
    /// How long an entity stays in Redis (seconds).
    pub entity_ttl_secs: u64,
    /// Most entries of the gateway's in-process first level (0 turns it off).
    pub local_capacity: usize,
    /// How long an entry stays in the in-process first level (ms).
    pub local_ttl_ms: u64,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            enabled: true,
            entity_ttl_secs: 300,
            local_capacity: 4_096,
            local_ttl_ms: 30_000,
        }
    }
}

/// The default [`TelemetrySettings::trace_filter`].
pub const DEFAULT_TRACE_FILTER: &str =
    "info,sea_orm::driver=trace,sea_orm::database::transaction=trace,h2=off,hyper=off";

impl Default for TelemetrySettings {
    fn default() -> Self {
        TelemetrySettings {
            trace_filter: DEFAULT_TRACE_FILTER.into(),
            field_spans: false,
        }
    }
}

/// The secret `glocal dev` signs tokens with unless configured otherwise.
pub const DEV_JWT_SECRET: &str = "glocal-dev-secret-not-for-production";

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            format: None,
            filter: "info".into(),
        }
    }
}

impl Default for AuthSettings {
    fn default() -> Self {
        AuthSettings {
            jwt_secret: Secret::new(DEV_JWT_SECRET),
            issuer: "glocal-dev".into(),
            audience: "glocal".into(),
            oidc_issuer: String::new(),
            jwks_refresh_min_interval_ms: 30_000,
            jwks_max_age_ms: 3_600_000,
            oidc_timeout_ms: 5_000,
            leeway_secs: 30,
            roles_claim: "roles".into(),
            org_claim: "org".into(),
        }
    }
}

impl Default for RedisSettings {
    fn default() -> Self {
        RedisSettings {
            url: Secret::default(),
            key_prefix: "glocal:".into(),
        }
    }
}

impl Default for GrpcSettings {
    fn default() -> Self {
        GrpcSettings {
            shutdown_delay_ms: 0,
            drain_timeout_ms: 20_000,
            identity_signing_key: Secret::default(),
            identity_keys: String::new(),
        }
    }
}

impl Default for DevSettings {
    fn default() -> Self {
        DevSettings {
            data_dir: PathBuf::from(".glocal"),
            demo_data: true,
        }
    }
}
