//! Typed, layered configuration: built-in defaults, then an optional TOML file, then
//! `GLOCAL_*` environment variables (`GLOCAL_SECTION__KEY`, e.g. `GLOCAL_GATEWAY__LISTEN`).
//! Unknown keys are rejected; secrets live in [`Secret`] and never print.
//!
//! The environment is passed in as an iterator, so tests never touch the process environment.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Prefix of the environment variables read.
pub const ENV_PREFIX: &str = "GLOCAL_";

/// A string that must never be printed (database URLs, JWT secrets).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The value, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    /// True when no value is set.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "\"\""
        } else {
            "\"[redacted]\""
        })
    }
}

/// Where the process runs; production turns on JSON logs and refuses dev-only settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// A developer's machine or a test.
    #[default]
    Development,
    /// A real deployment.
    Production,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    Pretty,
    /// One JSON object per line, with trace ids.
    Json,
}

/// Every component's settings; each reads the sections it needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Development or production.
    pub environment: Environment,
    /// Logging.
    pub log: LogSettings,
    /// Identity (dev JWT secret).
    pub auth: AuthSettings,
    /// Redis; absent URL = in-process cache.
    pub redis: RedisSettings,
    /// gRPC server behaviour shared by services.
    pub grpc: GrpcSettings,
    /// The GraphQL gateway.
    pub gateway: GatewaySettings,
    /// The requests service (Online Bureau).
    pub requests: RequestsSettings,
    /// The training programmes service.
    pub training: TrainingSettings,
    /// The events service.
    pub events: EventsSettings,
    /// The research service (best practices, partner network).
    pub research: ResearchSettings,
    /// The notifier service (its database, gRPC and the streams it reads).
    pub notifier: NotifierSettings,
    /// What notices say and how they leave: SMTP, sender, portal links, retries.
    pub notifications: NotificationSettings,
    /// `glocal dev`.
    pub dev: DevSettings,
    /// Prometheus metrics of the gRPC services (the gateway serves `/metrics` itself).
    pub metrics: MetricsSettings,
    /// Trace export (OTLP itself is configured by the standard `OTEL_*` variables).
    pub telemetry: TelemetrySettings,
    /// The outbox relay of every service (outbox rows → Redis Streams) and the gateway's
    /// stream consumer.
    pub outbox: OutboxSettings,
    /// The gateway's entity cache (in-process first level, Redis second level).
    pub cache: CacheSettings,
    /// Object storage of uploaded files (attachments): a folder or an S3-compatible bucket.
    pub storage: StorageSettings,
    /// The portal: the web pages people use, a client of the gateway's `/graphql`.
    pub portal: PortalSettings,
}

/// The portal (`[portal]`): server-rendered pages for officials and bureau staff, talking
/// only to the gateway's public `/graphql` with the signed-in person's token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PortalSettings {
    /// HTTP listen address.
    pub listen: SocketAddr,
    /// Base URL of the gateway (`{gateway_url}/graphql` is called).
    pub gateway_url: String,
    /// Key the session cookie is encrypted and authenticated with (at least 32 bytes);
    /// empty in development = a fixed development key (refused in production).
    pub cookie_key: Secret,
    /// The portal's public base URL (links in notices point here; `https://` makes cookies
    /// `Secure` in development too).
    pub public_url: String,
    /// Deadline of each call to the gateway (ms).
    pub gateway_timeout_ms: u64,
}

impl Default for PortalSettings {
    fn default() -> Self {
        PortalSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 8081)),
            gateway_url: "http://127.0.0.1:8080".into(),
            cookie_key: Secret::default(),
            public_url: "http://127.0.0.1:8081".into(),
            gateway_timeout_ms: 15_000,
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

/// The GraphQL gateway.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GatewaySettings {
    /// HTTP listen address.
    pub listen: SocketAddr,
    /// gRPC endpoint of the requests service.
    pub requests_url: String,
    /// gRPC endpoint of the training service.
    pub training_url: String,
    /// gRPC endpoint of the events service.
    pub events_url: String,
    /// gRPC endpoint of the research service.
    pub research_url: String,
    /// Notifier service URL.
    pub notifier_url: String,
    /// Largest accepted request body in bytes.
    pub max_body_bytes: usize,
    /// Deadline of each gRPC call (ms).
    pub grpc_timeout_ms: u64,
    /// Deadline of a whole HTTP request (ms).
    pub request_timeout_ms: u64,
    /// Serve GraphiQL on GET /graphql; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub graphiql: Option<bool>,
    /// Allow schema introspection; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub introspection: Option<bool>,
    /// Suggest field names in validation errors ("Did you mean …"); unset = on in
    /// development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub field_suggestions: Option<bool>,
    /// Serve the partner graph's SDL as Apollo Federation's `_service { sdl }` on
    /// `/subgraph`; unset = on in development, off in production.
    #[serde(
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub service_sdl: Option<bool>,
    /// Deepest nesting of selections an operation may have.
    pub max_depth: usize,
    /// Highest complexity (selected fields, weighted) an operation may have.
    pub max_complexity: usize,
    /// Most aliased fields one operation may select, fragments counted where spread.
    pub max_aliases: usize,
    /// Longest GraphQL document in bytes, checked before it is parsed.
    pub max_document_bytes: usize,
    /// Most fragment spreads (`...Name`) one document may write.
    pub max_fragment_spreads: usize,
    /// Most directives one document may write.
    pub max_directives: usize,
    /// Most variables one document may define (or one request may send).
    pub max_variables: usize,
    /// Most operations in one batched POST (a JSON array); 0 refuses batches.
    pub max_batch: usize,
    /// Requests per window allowed to one authenticated caller (by subject); 0 = unlimited.
    pub rate_limit_requests: u64,
    /// Requests per window allowed to one anonymous client (by IP); 0 = unlimited.
    pub rate_limit_anonymous_requests: u64,
    /// Length of the rate-limit window (ms).
    pub rate_limit_window_ms: u64,
    /// Requests per window allowed to one partner organisation (a `partner` token, counted
    /// by its organisation claim, every client of the partner together); 0 = unlimited.
    pub rate_limit_partner_requests: u64,
    /// Quotas of named partners, overriding `rate_limit_partner_requests`:
    /// `"<organisation id>=<requests>,…"`. The partners named here are also the only ones
    /// with a label of their own in the metrics (the rest are `other`).
    pub rate_limit_partner_quotas: String,
    /// Deadline of each dependency check of `/readyz` (ms), well under the readiness
    /// probe's timeout so one slow service cannot make the probe time out.
    pub readiness_timeout_ms: u64,
    /// Header that carries the client's address when behind a proxy (e.g.
    /// `x-forwarded-for`, its last entry is used); empty = the TCP peer address.
    pub client_ip_header: String,
    /// How long an automatic persisted query stays stored (seconds).
    pub apq_ttl_secs: u64,
    /// Extra attempts of a failed idempotent read (UNAVAILABLE) to a service.
    pub read_retries: u32,
    /// First backoff before a retried read (ms); doubles each attempt, with jitter.
    pub retry_backoff_ms: u64,
    /// Balance every service URL over all addresses its host resolves to (as if each were
    /// written `dns+http://…`), re-resolving every `client_lb_refresh_ms`.
    pub client_lb: bool,
    /// How often balanced service names are resolved again (ms).
    pub client_lb_refresh_ms: u64,
}

/// A boolean that may also arrive as a string (`"true"`, `"false"`, `"1"`, `"0"`): an
/// optional setting has no default to type an environment variable by.
fn lenient_bool<'de, D>(deserializer: D) -> Result<Option<bool>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Bool(bool),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Bool(b) => Ok(Some(b)),
        Raw::Text(t) => match t.trim() {
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not a boolean"
            ))),
        },
    }
}

impl GatewaySettings {
    /// Whether introspection is on in `environment`: as set, else only in development.
    pub fn introspection_enabled(&self, environment: Environment) -> bool {
        self.introspection
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether GraphiQL is served in `environment`: as set, else only in development.
    pub fn graphiql_enabled(&self, environment: Environment) -> bool {
        self.graphiql
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether validation errors suggest field names in `environment`: as set, else only
    /// in development.
    pub fn field_suggestions_enabled(&self, environment: Environment) -> bool {
        self.field_suggestions
            .unwrap_or(environment == Environment::Development)
    }

    /// Whether `_service { sdl }` serves the schema in `environment`: as set, else only in
    /// development.
    pub fn service_sdl_enabled(&self, environment: Environment) -> bool {
        self.service_sdl
            .unwrap_or(environment == Environment::Development)
    }
}

/// The requests service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RequestsSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`: the serving process's data credentials (no DDL needed).
    pub database_url: Secret,
    /// The URL `glocal migrate` uses (DDL credentials: the migration Job's); empty = `database_url`.
    pub migration_database_url: Secret,
    /// The connection pool of each process serving this service.
    pub pool: PoolSettings,
    /// Days after the final response in which the requester may reopen.
    pub reopen_window_days: u32,
    /// Largest page a list call returns.
    pub max_page_size: u32,
    /// Service levels: working hours and the scheduler that warns and marks breaches.
    pub sla: SlaSettings,
}

/// The requests service's service levels (`[requests.sla]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SlaSettings {
    /// When the bureau's working day opens, `HH:MM` Korea Standard Time.
    pub workday_start: String,
    /// When it closes, `HH:MM` KST (after `workday_start`).
    pub workday_end: String,
    /// Seconds between two runs of the scheduler that sends warnings and marks breaches;
    /// 0 turns it off in this process (another replica's does the work).
    pub scheduler_interval_secs: u64,
    /// Most requests one scheduler run warns or marks per kind.
    pub scheduler_batch: u32,
}

impl Default for SlaSettings {
    fn default() -> Self {
        SlaSettings {
            workday_start: "09:00".into(),
            workday_end: "18:00".into(),
            scheduler_interval_secs: 60,
            scheduler_batch: 100,
        }
    }
}

/// The training programmes service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TrainingSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`: the serving process's data credentials (no DDL needed).
    pub database_url: Secret,
    /// The URL `glocal migrate` uses (DDL credentials: the migration Job's); empty = `database_url`.
    pub migration_database_url: Secret,
    /// The connection pool of each process serving this service.
    pub pool: PoolSettings,
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Default for TrainingSettings {
    fn default() -> Self {
        TrainingSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 50052)),
            database_url: Secret::new("sqlite://.glocal/training.db"),
            migration_database_url: Secret::default(),
            pool: PoolSettings::default(),
            max_page_size: 100,
        }
    }
}

/// The events service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EventsSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`: the serving process's data credentials (no DDL needed).
    pub database_url: Secret,
    /// The URL `glocal migrate` uses (DDL credentials: the migration Job's); empty = `database_url`.
    pub migration_database_url: Secret,
    /// The connection pool of each process serving this service.
    pub pool: PoolSettings,
    /// Largest page a list call returns.
    pub max_page_size: u32,
    /// Minutes an offer of freed seats stays open before the next in line gets it.
    pub offer_ttl_minutes: u32,
    /// Seconds between two sweeps that expire lapsed offers (reads and writes expire them
    /// too; the sweeper only makes the next offer go out without waiting for one).
    pub sweep_interval_secs: u64,
}

impl Default for EventsSettings {
    fn default() -> Self {
        EventsSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 50053)),
            database_url: Secret::new("sqlite://.glocal/events.db"),
            migration_database_url: Secret::default(),
            pool: PoolSettings::default(),
            max_page_size: 100,
            offer_ttl_minutes: 2_880,
            sweep_interval_secs: 60,
        }
    }
}

/// The research service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ResearchSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`: the serving process's data credentials (no DDL needed).
    pub database_url: Secret,
    /// The URL `glocal migrate` uses (DDL credentials: the migration Job's); empty = `database_url`.
    pub migration_database_url: Secret,
    /// The connection pool of each process serving this service.
    pub pool: PoolSettings,
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Default for ResearchSettings {
    fn default() -> Self {
        ResearchSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 50054)),
            database_url: Secret::new("sqlite://.glocal/research.db"),
            migration_database_url: Secret::default(),
            pool: PoolSettings::default(),
            max_page_size: 100,
        }
    }
}

/// The notifier service: turns the services' change events into notices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotifierSettings {
    /// gRPC listen address.
    pub listen: SocketAddr,
    /// `postgres://…` or `sqlite://…`: the serving process's data credentials (no DDL needed).
    pub database_url: Secret,
    /// The URL `glocal migrate` uses (DDL credentials: the migration Job's); empty = `database_url`.
    pub migration_database_url: Secret,
    /// The connection pool of each process serving this service.
    pub pool: PoolSettings,
    /// Largest page a list call returns.
    pub max_page_size: u32,
}

impl Default for NotifierSettings {
    fn default() -> Self {
        NotifierSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 50055)),
            database_url: Secret::new("sqlite://.glocal/notifier.db"),
            migration_database_url: Secret::default(),
            pool: PoolSettings::default(),
            max_page_size: 100,
        }
    }
}

/// A service's PostgreSQL connection pool (`[<service>.pool]`). The defaults keep every
/// replica of every service at its HPA maximum under PostgreSQL's default `max_connections`
/// of 100 (scripts/check-deploy computes it for the chart); SQLite always gets one connection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PoolSettings {
    /// Most connections one process opens.
    pub max_connections: u32,
    /// Connections kept open while idle.
    pub min_connections: u32,
    /// Deadline of opening one connection (ms).
    pub connect_timeout_ms: u64,
    /// Longest wait for a free connection before a call fails (ms).
    pub acquire_timeout_ms: u64,
}

impl Default for PoolSettings {
    fn default() -> Self {
        PoolSettings {
            max_connections: 3,
            min_connections: 1,
            connect_timeout_ms: 5_000,
            acquire_timeout_ms: 10_000,
        }
    }
}

/// Notices: where e-mail goes, who sends it, where links point, how failures are retried.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NotificationSettings {
    /// `smtp://[user:password@]host[:port]` (STARTTLS when offered, `?tls=required` to
    /// insist) or `smtps://…` (TLS from the start); empty: no SMTP.
    pub smtp_url: Secret,
    /// The `From` address of every message.
    pub from: String,
    /// Base URL of the portal; every notice links into it.
    pub portal_url: String,
    /// Folder where each message is written as an `.eml` file instead of being sent (what
    /// `glocal dev` uses); empty: off. Used only when `smtp_url` is empty.
    pub mail_dir: PathBuf,
    /// Attempts per message before it is marked FAILED.
    pub max_attempts: u32,
    /// Wait before the second attempt (ms); doubled for each further one.
    pub retry_base_ms: u64,
    /// Longest wait between two attempts (ms).
    pub retry_max_ms: u64,
    /// How often the sender looks for due messages (ms).
    pub poll_interval_ms: u64,
    /// How long one attempt holds a message before another attempt may take it (ms): a
    /// notifier that dies mid-attempt leaves the message to be retried after this.
    pub attempt_lease_ms: u64,
    /// Events older than this (hours) when first read start no notice (a new notifier
    /// does not mail the streams' whole history).
    pub max_event_age_hours: u64,
}

impl Default for NotificationSettings {
    fn default() -> Self {
        NotificationSettings {
            smtp_url: Secret::default(),
            from: "Glocal <no-reply@glocal.invalid>".into(),
            portal_url: "http://127.0.0.1:8080".into(),
            mail_dir: PathBuf::new(),
            max_attempts: 8,
            retry_base_ms: 30_000,
            retry_max_ms: 3_600_000,
            poll_interval_ms: 1_000,
            attempt_lease_ms: 60_000,
            max_event_age_hours: 24,
        }
    }
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
            sample_interval_ms: 15_000,
        }
    }
}

/// Trace export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TelemetrySettings {
    /// `tracing` filter of the spans exported over OTLP (independent of `log.filter`): the
    /// default adds one span per SQL statement and transaction from sea-orm.
    pub trace_filter: String,
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
    /// How long the gateway's `XREAD BLOCK` waits for new entries (ms).
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
        }
    }
}

/// The secret `glocal dev` signs tokens with unless configured otherwise.
pub const DEV_JWT_SECRET: &str = "glocal-dev-secret-not-for-production";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            environment: Environment::Development,
            log: LogSettings::default(),
            auth: AuthSettings::default(),
            redis: RedisSettings::default(),
            grpc: GrpcSettings::default(),
            gateway: GatewaySettings::default(),
            requests: RequestsSettings::default(),
            training: TrainingSettings::default(),
            events: EventsSettings::default(),
            research: ResearchSettings::default(),
            notifier: NotifierSettings::default(),
            notifications: NotificationSettings::default(),
            dev: DevSettings::default(),
            metrics: MetricsSettings::default(),
            telemetry: TelemetrySettings::default(),
            outbox: OutboxSettings::default(),
            cache: CacheSettings::default(),
            storage: StorageSettings::default(),
            portal: PortalSettings::default(),
        }
    }
}

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

impl Default for GatewaySettings {
    fn default() -> Self {
        GatewaySettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 8080)),
            requests_url: "http://127.0.0.1:50051".into(),
            training_url: "http://127.0.0.1:50052".into(),
            events_url: "http://127.0.0.1:50053".into(),
            research_url: "http://127.0.0.1:50054".into(),
            notifier_url: "http://127.0.0.1:50055".into(),
            max_body_bytes: 256 * 1024,
            grpc_timeout_ms: 5_000,
            request_timeout_ms: 15_000,
            graphiql: None,
            introspection: None,
            field_suggestions: None,
            service_sdl: None,
            max_depth: 16,
            max_complexity: 1_000,
            max_aliases: 30,
            max_document_bytes: 32 * 1024,
            max_fragment_spreads: 256,
            max_directives: 128,
            max_variables: 100,
            max_batch: 10,
            rate_limit_requests: 1_200,
            rate_limit_anonymous_requests: 300,
            rate_limit_window_ms: 60_000,
            rate_limit_partner_requests: 3_000,
            rate_limit_partner_quotas: String::new(),
            readiness_timeout_ms: 1_000,
            client_ip_header: String::new(),
            apq_ttl_secs: 86_400,
            read_retries: 2,
            retry_backoff_ms: 50,
            client_lb: false,
            client_lb_refresh_ms: 10_000,
        }
    }
}

impl Default for RequestsSettings {
    fn default() -> Self {
        RequestsSettings {
            listen: SocketAddr::from(([0, 0, 0, 0], 50051)),
            database_url: Secret::new("sqlite://.glocal/requests.db"),
            migration_database_url: Secret::default(),
            pool: PoolSettings::default(),
            reopen_window_days: 14,
            max_page_size: 100,
            sla: SlaSettings::default(),
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

/// Why configuration could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is not valid TOML.
    #[error("config file {path} is not valid TOML: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Parser message.
        message: String,
    },
    /// An environment variable does not name a setting or has a bad value.
    #[error("environment variable {name}: {message}")]
    Env {
        /// The variable.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The merged settings do not fit the schema (unknown key, wrong type).
    #[error("invalid configuration: {0}")]
    Invalid(String),
    /// A setting is not allowed in this environment.
    #[error("invalid configuration: {0}")]
    Refused(&'static str),
}

impl Settings {
    /// Loads defaults, then `file` (if any), then every `GLOCAL_*` pair of `env`.
    /// `GLOCAL_CONFIG` in `env` names the file when `file` is `None`.
    pub fn load<I>(file: Option<&Path>, env: I) -> Result<Settings, ConfigError>
    where
        I: IntoIterator<Item = (String, String)>,
    {
        let env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX))
            .collect();
        let defaults = toml::Table::try_from(Settings::default())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let mut merged = defaults.clone();

        let config_path = file.map(Path::to_path_buf).or_else(|| {
            env.iter()
                .find(|(k, _)| k == "GLOCAL_CONFIG")
                .map(|(_, v)| PathBuf::from(v))
        });
        if let Some(path) = config_path {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            let table: toml::Table = toml::from_str(&text).map_err(|e| ConfigError::Parse {
                path: path.clone(),
                message: e.message().to_owned(),
            })?;
            merge(&mut merged, table);
        }

        for (name, raw) in &env {
            if name == "GLOCAL_CONFIG" {
                continue;
            }
            let key = name[ENV_PREFIX.len()..].to_ascii_lowercase();
            let path: Vec<&str> = key.split("__").collect();
            if path.iter().any(|p| p.is_empty()) {
                return Err(ConfigError::Env {
                    name: name.clone(),
                    message: "empty key segment".into(),
                });
            }
            let value =
                typed_env_value(&defaults, &path, raw).map_err(|message| ConfigError::Env {
                    name: name.clone(),
                    message,
                })?;
            set_path(&mut merged, &path, value).map_err(|message| ConfigError::Env {
                name: name.clone(),
                message,
            })?;
        }

        let settings: Settings = toml::Value::Table(merged)
            .try_into()
            .map_err(|e: toml::de::Error| ConfigError::Invalid(e.message().to_owned()))?;
        settings.check()?;
        Ok(settings)
    }

    /// Rules that span several settings.
    fn check(&self) -> Result<(), ConfigError> {
        if self.auth.jwt_secret.expose().len() < 16 {
            return Err(ConfigError::Refused(
                "auth.jwt_secret must be at least 16 bytes",
            ));
        }
        if [
            self.requests.max_page_size,
            self.training.max_page_size,
            self.events.max_page_size,
            self.research.max_page_size,
            self.notifier.max_page_size,
        ]
        .contains(&0)
        {
            return Err(ConfigError::Refused(
                "max_page_size must be at least 1 in every service section",
            ));
        }
        for pool in [
            &self.requests.pool,
            &self.training.pool,
            &self.events.pool,
            &self.research.pool,
            &self.notifier.pool,
        ] {
            if pool.max_connections == 0
                || pool.min_connections > pool.max_connections
                || pool.connect_timeout_ms == 0
                || pool.acquire_timeout_ms == 0
            {
                return Err(ConfigError::Refused(
                    "every <service>.pool needs max_connections >= 1, min_connections <= max_connections and timeouts >= 1 ms",
                ));
            }
        }
        if self.outbox.poll_interval_ms == 0
            || self.outbox.batch_size == 0
            || self.outbox.consumer_block_ms == 0
        {
            return Err(ConfigError::Refused(
                "outbox.poll_interval_ms, outbox.batch_size and outbox.consumer_block_ms must be at least 1",
            ));
        }
        let sla = &self.requests.sla;
        let time = |t: &str| chrono::NaiveTime::parse_from_str(t.trim(), "%H:%M").ok();
        match (time(&sla.workday_start), time(&sla.workday_end)) {
            (Some(start), Some(end)) if start < end => {}
            _ => {
                return Err(ConfigError::Refused(
                    "requests.sla.workday_start and workday_end must be HH:MM with start before end",
                ));
            }
        }
        if sla.scheduler_batch == 0 {
            return Err(ConfigError::Refused(
                "requests.sla.scheduler_batch must be at least 1",
            ));
        }
        let n = &self.notifications;
        if n.max_attempts == 0 || n.retry_base_ms == 0 || n.poll_interval_ms == 0 {
            return Err(ConfigError::Refused(
                "notifications.max_attempts, retry_base_ms and poll_interval_ms must be at least 1",
            ));
        }
        let storage = &self.storage;
        if storage.max_file_bytes == 0
            || storage.max_owner_bytes < storage.max_file_bytes
            || storage.max_owner_files == 0
            || storage.link_ttl_secs == 0
            || storage.transfer_timeout_secs == 0
        {
            return Err(ConfigError::Refused(
                "storage.max_file_bytes, max_owner_files, link_ttl_secs and transfer_timeout_secs must be at least 1, and max_owner_bytes at least max_file_bytes",
            ));
        }
        if self.metrics.sample_interval_ms == 0 {
            return Err(ConfigError::Refused(
                "metrics.sample_interval_ms must be at least 1",
            ));
        }
        Ok(())
    }

    /// Rules of a gRPC service's own settings, checked when it starts: production trusts
    /// configured caller-token keys only, and the keys must parse.
    pub fn check_service(&self) -> Result<(), ConfigError> {
        if self.environment == Environment::Production && self.grpc.identity_keys.trim().is_empty()
        {
            return Err(ConfigError::Refused(
                "grpc.identity_keys must list the gateway's public key in production (the development key is public)",
            ));
        }
        crate::identity::Verifier::new(&self.grpc.identity_keys)
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        Ok(())
    }

    /// Rules of the portal's own settings, checked when it starts: production needs its own
    /// cookie key of at least 32 bytes (the development key is public).
    pub fn check_portal(&self) -> Result<(), ConfigError> {
        let key = self.portal.cookie_key.expose();
        if self.environment == Environment::Production && key.is_empty() {
            return Err(ConfigError::Refused(
                "portal.cookie_key must be set in production (the development key is public)",
            ));
        }
        if !key.is_empty() && key.len() < 32 {
            return Err(ConfigError::Refused(
                "portal.cookie_key must be at least 32 bytes",
            ));
        }
        if self.portal.gateway_timeout_ms == 0 {
            return Err(ConfigError::Refused(
                "portal.gateway_timeout_ms must be at least 1",
            ));
        }
        Ok(())
    }

    /// Rules of the gateway's own settings, checked when it starts (not by every
    /// component): production needs an OIDC issuer (development tokens are never accepted
    /// there) and its own caller-signing key, and limits must be usable.
    pub fn check_gateway(&self) -> Result<(), ConfigError> {
        if self.environment == Environment::Production && self.auth.oidc_issuer.trim().is_empty() {
            return Err(ConfigError::Refused(
                "auth.oidc_issuer must be set in production (HS256 development tokens are refused there)",
            ));
        }
        let issuer = self.auth.oidc_issuer.trim();
        if !issuer.is_empty() && !issuer.starts_with("https://") && !issuer.starts_with("http://") {
            return Err(ConfigError::Refused(
                "auth.oidc_issuer must be an http(s) URL",
            ));
        }
        if self.environment == Environment::Production && self.grpc.identity_signing_key.is_empty()
        {
            return Err(ConfigError::Refused(
                "grpc.identity_signing_key must be set in production (the development key is public)",
            ));
        }
        crate::identity::Signer::new(self.grpc.identity_signing_key.expose())
            .map_err(|e| ConfigError::Invalid(e.to_string()))?;
        let g = &self.gateway;
        if g.max_depth == 0 || g.max_complexity == 0 || g.max_document_bytes == 0 {
            return Err(ConfigError::Refused(
                "gateway.max_depth, gateway.max_complexity and gateway.max_document_bytes must be at least 1",
            ));
        }
        if g.rate_limit_window_ms == 0 || g.client_lb_refresh_ms == 0 {
            return Err(ConfigError::Refused(
                "gateway.rate_limit_window_ms and gateway.client_lb_refresh_ms must be at least 1",
            ));
        }
        partner_quotas(&g.rate_limit_partner_quotas).map_err(ConfigError::Invalid)?;
        Ok(())
    }

    /// The log format in effect.
    pub fn log_format(&self) -> LogFormat {
        self.log.format.unwrap_or(match self.environment {
            Environment::Development => LogFormat::Pretty,
            Environment::Production => LogFormat::Json,
        })
    }
}

/// Most partners `gateway.rate_limit_partner_quotas` may name (each is a metrics label).
pub const MAX_NAMED_PARTNERS: usize = 100;

/// Parses `gateway.rate_limit_partner_quotas` (`"<organisation id>=<requests>,…"`, spaces
/// allowed, empty = none) into (organisation id, requests per window) pairs.
pub fn partner_quotas(s: &str) -> Result<Vec<(String, u64)>, String> {
    let mut out: Vec<(String, u64)> = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (org, n) = item.split_once('=').ok_or_else(|| {
            format!(
                "gateway.rate_limit_partner_quotas: `{item}` is not `<organisation id>=<requests>`"
            )
        })?;
        let org = org.trim();
        let n: u64 = n.trim().parse().map_err(|_| {
            format!("gateway.rate_limit_partner_quotas: `{item}` needs a number of requests")
        })?;
        if org.is_empty() || out.iter().any(|(o, _)| o == org) {
            return Err(format!(
                "gateway.rate_limit_partner_quotas: `{item}` names no partner, or one named before"
            ));
        }
        out.push((org.to_owned(), n));
    }
    if out.len() > MAX_NAMED_PARTNERS {
        return Err(format!(
            "gateway.rate_limit_partner_quotas names {} partners; at most {MAX_NAMED_PARTNERS}",
            out.len()
        ));
    }
    Ok(out)
}

fn merge(into: &mut toml::Table, from: toml::Table) {
    for (k, v) in from {
        match (into.get_mut(&k), v) {
            (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Types an environment string by the default value at the same path: numbers and
/// booleans parse, everything else stays a string. Unknown paths are left as strings and
/// rejected later by `deny_unknown_fields`.
fn typed_env_value(
    defaults: &toml::Table,
    path: &[&str],
    raw: &str,
) -> Result<toml::Value, String> {
    let mut node: Option<&toml::Value> = None;
    let mut table = Some(defaults);
    for seg in path {
        node = table.and_then(|t| t.get(*seg));
        table = node.and_then(toml::Value::as_table);
    }
    Ok(match node {
        Some(toml::Value::Integer(_)) => toml::Value::Integer(
            raw.trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not an integer"))?,
        ),
        Some(toml::Value::Boolean(_)) => toml::Value::Boolean(match raw.trim() {
            "true" | "1" => true,
            "false" | "0" => false,
            _ => return Err(format!("`{raw}` is not a boolean")),
        }),
        Some(toml::Value::Float(_)) => toml::Value::Float(
            raw.trim()
                .parse()
                .map_err(|_| format!("`{raw}` is not a number"))?,
        ),
        Some(toml::Value::Table(_)) => return Err("names a section, not a setting".into()),
        _ => toml::Value::String(raw.to_owned()),
    })
}

fn set_path(root: &mut toml::Table, path: &[&str], value: toml::Value) -> Result<(), String> {
    let (last, parents) = path.split_last().ok_or("empty key")?;
    let mut table = root;
    for seg in parents {
        let entry = table
            .entry((*seg).to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        table = entry
            .as_table_mut()
            .ok_or_else(|| format!("`{seg}` is a setting, not a section"))?;
    }
    table.insert((*last).to_owned(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_load() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert_eq!(s, Settings::default());
        assert_eq!(s.log_format(), LogFormat::Pretty);
    }

    #[test]
    fn env_overrides_file_overrides_defaults() {
        let dir = std::env::temp_dir().join(format!("glocal-config-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("glocal.toml");
        std::fs::write(&file, "[gateway]\nmax_body_bytes = 1000\ngrpc_timeout_ms = 7\n[requests]\nreopen_window_days = 3\n").unwrap();
        let s = Settings::load(
            Some(&file),
            env(&[
                ("GLOCAL_GATEWAY__MAX_BODY_BYTES", "2000"),
                ("GLOCAL_GATEWAY__GRAPHIQL", "false"),
                ("PATH", "/bin"),
            ]),
        )
        .unwrap();
        assert_eq!(s.gateway.max_body_bytes, 2000);
        assert_eq!(s.gateway.grpc_timeout_ms, 7);
        assert_eq!(s.gateway.graphiql, Some(false));
        assert_eq!(s.requests.reopen_window_days, 3);
    }

    #[test]
    fn unknown_keys_are_rejected_from_env_and_file() {
        let err = Settings::load(None, env(&[("GLOCAL_GATEWAY__LISTN", "0.0.0.0:1")])).unwrap_err();
        assert!(err.to_string().contains("listn"), "{err}");
        let dir =
            std::env::temp_dir().join(format!("glocal-config-unknown-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("glocal.toml");
        std::fs::write(&file, "[nonsense]\nx = 1\n").unwrap();
        assert!(Settings::load(Some(&file), env(&[])).is_err());
    }

    #[test]
    fn bad_values_name_the_variable() {
        let err =
            Settings::load(None, env(&[("GLOCAL_GATEWAY__MAX_BODY_BYTES", "lots")])).unwrap_err();
        assert!(
            err.to_string().contains("GLOCAL_GATEWAY__MAX_BODY_BYTES"),
            "{err}"
        );
        let err = Settings::load(None, env(&[("GLOCAL_GATEWAY__LISTEN", "nowhere")])).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid(_)), "{err}");
    }

    #[test]
    fn sla_settings_load_from_env_and_refuse_a_backwards_day() {
        let s = Settings::load(
            None,
            env(&[
                ("GLOCAL_REQUESTS__SLA__WORKDAY_START", "08:30"),
                ("GLOCAL_REQUESTS__SLA__SCHEDULER_INTERVAL_SECS", "0"),
            ]),
        )
        .unwrap();
        assert_eq!(s.requests.sla.workday_start, "08:30");
        assert_eq!(s.requests.sla.workday_end, "18:00");
        assert_eq!(s.requests.sla.scheduler_interval_secs, 0);
        for bad in [
            ("GLOCAL_REQUESTS__SLA__WORKDAY_END", "08:00"),
            ("GLOCAL_REQUESTS__SLA__WORKDAY_START", "9 o'clock"),
            ("GLOCAL_REQUESTS__SLA__SCHEDULER_BATCH", "0"),
        ] {
            assert!(
                matches!(
                    Settings::load(None, env(&[bad])),
                    Err(ConfigError::Refused(_))
                ),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn secrets_never_print() {
        let s = Settings::load(
            None,
            env(&[("GLOCAL_REQUESTS__DATABASE_URL", "postgres://u:hunter2@db/x")]),
        )
        .unwrap();
        let printed = format!("{s:?}");
        assert!(!printed.contains("hunter2"));
        assert!(!printed.contains(DEV_JWT_SECRET));
        assert_eq!(
            s.requests.database_url.expose(),
            "postgres://u:hunter2@db/x"
        );
    }

    #[test]
    fn introspection_follows_the_environment_unless_set() {
        let s = Settings::load(None, env(&[])).unwrap();
        assert!(s.gateway.introspection_enabled(Environment::Development));
        assert!(!s.gateway.introspection_enabled(Environment::Production));
        for (raw, expected) in [("true", true), ("0", false), ("false", false)] {
            let s = Settings::load(None, env(&[("GLOCAL_GATEWAY__INTROSPECTION", raw)])).unwrap();
            assert_eq!(s.gateway.introspection, Some(expected), "{raw}");
            assert_eq!(
                s.gateway.introspection_enabled(Environment::Production),
                expected
            );
        }
        assert!(Settings::load(None, env(&[("GLOCAL_GATEWAY__INTROSPECTION", "maybe")])).is_err());
    }

    #[test]
    fn graphiql_suggestions_and_sdl_follow_the_environment_unless_set() {
        type Switch = fn(&GatewaySettings, Environment) -> bool;
        let switches: [(&str, Switch); 3] = [
            (
                "GLOCAL_GATEWAY__GRAPHIQL",
                GatewaySettings::graphiql_enabled,
            ),
            (
                "GLOCAL_GATEWAY__FIELD_SUGGESTIONS",
                GatewaySettings::field_suggestions_enabled,
            ),
            (
                "GLOCAL_GATEWAY__SERVICE_SDL",
                GatewaySettings::service_sdl_enabled,
            ),
        ];
        for (name, enabled) in switches {
            let s = Settings::load(None, env(&[])).unwrap();
            assert!(enabled(&s.gateway, Environment::Development), "{name}");
            assert!(!enabled(&s.gateway, Environment::Production), "{name}");
            let on = Settings::load(None, env(&[(name, "true")])).unwrap();
            assert!(enabled(&on.gateway, Environment::Production), "{name}");
            let off = Settings::load(None, env(&[(name, "false")])).unwrap();
            assert!(!enabled(&off.gateway, Environment::Development), "{name}");
        }
    }

    #[test]
    fn the_gateway_needs_an_oidc_issuer_in_production() {
        let production = env(&[
            ("GLOCAL_ENVIRONMENT", "production"),
            ("GLOCAL_AUTH__JWT_SECRET", "a-real-secret-of-some-length"),
        ]);
        let s = Settings::load(None, production.clone()).unwrap();
        assert!(matches!(s.check_gateway(), Err(ConfigError::Refused(_))));
        let mut with_issuer = production;
        with_issuer.extend(env(&[(
            "GLOCAL_AUTH__OIDC_ISSUER",
            "https://id.example.org/realms/glocal",
        )]));
        let s = Settings::load(None, with_issuer.clone()).unwrap();
        let err = s.check_gateway().unwrap_err();
        assert!(
            err.to_string().contains("grpc.identity_signing_key"),
            "{err}"
        );
        let (private, _) = crate::identity::generate().unwrap();
        with_issuer.push(("GLOCAL_GRPC__IDENTITY_SIGNING_KEY".into(), private));
        let s = Settings::load(None, with_issuer).unwrap();
        s.check_gateway().unwrap();
        let s =
            Settings::load(None, env(&[("GLOCAL_AUTH__OIDC_ISSUER", "id.example.org")])).unwrap();
        assert!(s.check_gateway().is_err());
        Settings::default().check_gateway().unwrap();
    }

    #[test]
    fn production_needs_no_dev_secret_and_logs_json() {
        // Development tokens are neither accepted nor minted in production, so its
        // components start without a JWT secret of their own.
        let s = Settings::load(None, env(&[("GLOCAL_ENVIRONMENT", "production")])).unwrap();
        assert_eq!(s.log_format(), LogFormat::Json);
        assert!(matches!(
            Settings::load(None, env(&[("GLOCAL_AUTH__JWT_SECRET", "short")])),
            Err(ConfigError::Refused(_))
        ));
    }
}
