//! Typed, layered configuration: built-in defaults, then an optional TOML file, then
//! `GLOCAL_*` environment variables (`GLOCAL_SECTION__KEY`, e.g. `GLOCAL_GATEWAY__LISTEN`).
//! Unknown keys are rejected; secrets live in [`Secret`] and never print.
//!
//! The environment is passed in as an iterator, so tests never touch the process environment.
//!
//! One file per concern: `secret` (values that never print), `platform` (sections
//! every component reads the same way), `gateway`, `services` (one section per service),
//! and `layers` (how the file and the environment are merged over the defaults).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

mod gateway;
mod layers;
mod platform;
mod portal;
mod secret;
mod services;

pub use gateway::{GatewaySettings, MAX_NAMED_PARTNERS, partner_quotas};
use layers::{merge, set_path, typed_env_value};
pub use platform::{
    AuthSettings, CacheSettings, DEFAULT_TRACE_FILTER, DEV_JWT_SECRET, DevSettings, GrpcSettings,
    LogSettings, MetricsSettings, OutboxSettings, PrivacySettings, RedisSettings, StorageSettings,
    TelemetrySettings,
};
pub use portal::PortalSettings;
pub use secret::Secret;
pub use services::{
    EventsSettings, NotificationSettings, NotifierSettings, PoolSettings, RequestsSettings,
    ResearchSettings, SlaSettings, TrainingSettings,
};

/// Prefix of the environment variables read.
pub const ENV_PREFIX: &str = "GLOCAL_";

/// Prefix of the test harness's variables (`GLOCAL_TEST_DATABASE_URL`, …), which share
/// [`ENV_PREFIX`] but are not settings: the loader passes over them.
pub const TEST_ENV_PREFIX: &str = "GLOCAL_TEST_";

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
    /// Retention of personal data.
    pub privacy: PrivacySettings,
}

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
            privacy: PrivacySettings::default(),
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
        // `GLOCAL_TEST_*` configure the test harness (its servers), not a component.
        let env: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX) && !k.starts_with(TEST_ENV_PREFIX))
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
        let client_id = self.portal.oidc_client_id.trim();
        if self.environment == Environment::Production && client_id.is_empty() {
            return Err(ConfigError::Refused(
                "portal.oidc_client_id must be set in production (people sign in through the OpenID Connect provider of auth.oidc_issuer)",
            ));
        }
        if !client_id.is_empty() {
            let issuer = self.auth.oidc_issuer.trim();
            if !issuer.starts_with("https://") && !issuer.starts_with("http://") {
                return Err(ConfigError::Refused(
                    "portal.oidc_client_id needs auth.oidc_issuer, the provider's http(s) URL",
                ));
            }
            if self.environment == Environment::Production
                && !self.portal.public_url.starts_with("https://")
            {
                return Err(ConfigError::Refused(
                    "portal.public_url must be https:// in production (the provider redirects to it with the sign-in's code)",
                ));
            }
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
        for url in [&g.public_url, &g.portal_url] {
            if !url.trim().is_empty() && !gateway::base_url_ok(url) {
                return Err(ConfigError::Refused(
                    "gateway.public_url and gateway.portal_url must be http(s) URLs without query or fragment",
                ));
            }
        }
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
    fn field_spans_are_off_unless_turned_on() {
        assert!(!Settings::default().telemetry.field_spans);
        let s = Settings::load(None, env(&[("GLOCAL_TELEMETRY__FIELD_SPANS", "true")])).unwrap();
        assert!(s.telemetry.field_spans);
        let err = Settings::load(None, env(&[("GLOCAL_TELEMETRY__FIELD_SPANS", "sometimes")]))
            .unwrap_err();
        assert!(err.to_string().contains("FIELD_SPANS"), "{err}");
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
    fn the_test_harness_variables_are_not_settings() {
        let s = Settings::load(
            None,
            env(&[
                (
                    "GLOCAL_TEST_DATABASE_URL",
                    "postgres://postgres@127.0.0.1/postgres",
                ),
                ("GLOCAL_TEST_REDIS_URL", "redis://127.0.0.1:6379"),
                ("GLOCAL_PRIVACY__FINISHED_REQUEST_DAYS", "30"),
            ]),
        )
        .unwrap();
        assert_eq!(s.privacy.finished_request_days, 30);
        assert_eq!(s.privacy.rejected_application_days, 365);
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

    #[test]
    fn public_and_portal_urls_default_to_the_listen_address_and_are_checked() {
        let s = Settings::default();
        assert_eq!(s.gateway.public_base_url(), "http://127.0.0.1:8080");
        assert_eq!(s.gateway.portal_base_url(), None);
        let s = Settings::load(
            None,
            env(&[
                ("GLOCAL_GATEWAY__PUBLIC_URL", "https://api.example.org/"),
                ("GLOCAL_GATEWAY__PORTAL_URL", "https://portal.example.org"),
            ]),
        )
        .unwrap();
        s.check_gateway().unwrap();
        assert_eq!(s.gateway.public_base_url(), "https://api.example.org");
        assert_eq!(
            s.gateway.portal_base_url().as_deref(),
            Some("https://portal.example.org")
        );
        for bad in ["api.example.org", "ftp://x", "https://x/?a=1", "https://"] {
            let s = Settings::load(None, env(&[("GLOCAL_GATEWAY__PUBLIC_URL", bad)])).unwrap();
            assert!(
                matches!(s.check_gateway(), Err(ConfigError::Refused(_))),
                "{bad}"
            );
        }
    }
}
