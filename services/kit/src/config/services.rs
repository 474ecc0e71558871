//! The sections of the services (`[requests]`, `[training]`, `[events]`, `[research]`,
//! `[notifier]`), their connection pools and what notices say and how they leave
//! (`[notifications]`).

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::Secret;

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
    /// How often the notifier makes the weekly research digests of the last complete
    /// week (s; idempotent, so each week's go out on the first run after it ends); `0`
    /// turns the job off in this process.
    pub digest_interval_secs: u64,
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
            digest_interval_secs: 3_600,
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
