//! The lifecycle every gRPC service shares, written once: a [`Component`] names itself,
//! finds its settings, migrates its database (the migration Job, `glocal dev`), checks its
//! schema (`glocal serve`, ADR 0020), seeds demo data and serves; [`run`] is the one path from
//! settings to a serving component (connect, check the schema, serve), and the `glocal`
//! binary drives every service through the trait instead of a `match` per step.

use std::net::SocketAddr;

use sea_orm::DatabaseConnection;
use tokio::net::TcpListener;

use crate::config::{PoolSettings, Secret, Settings};
use crate::schema::SchemaStatus;
use crate::shutdown::Shutdown;

/// The attribute a [`Component`] impl needs (re-exported so services need no dependency).
pub use async_trait::async_trait;

/// A component's failure, whatever its own error type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// One gRPC service with its own database.
#[async_trait::async_trait]
pub trait Component: Send + Sync {
    /// Its short name (`requests`, `training`, …): logs, metrics, outbox stream.
    fn name(&self) -> &'static str;
    /// Its database URL in `settings` (the serving process's data credentials).
    fn database_url<'a>(&self, settings: &'a Settings) -> &'a Secret;
    /// The URL `glocal migrate` uses: `migration_database_url` (DDL credentials) when set,
    /// else the database URL.
    fn migration_database_url<'a>(&self, settings: &'a Settings) -> &'a Secret;
    /// Its connection pool's size and timeouts in `settings`.
    fn pool<'a>(&self, settings: &'a Settings) -> &'a PoolSettings;
    /// Its gRPC listen address in `settings`.
    fn listen(&self, settings: &Settings) -> SocketAddr;
    /// Its metrics listen address in `settings`.
    fn metrics_listen(&self, settings: &Settings) -> SocketAddr;
    /// Points `settings` at a database and a listen address (and the gateway at it), for
    /// `glocal dev`.
    fn configure(&self, settings: &mut Settings, database_url: Secret, listen: SocketAddr);
    /// Brings its schema up to date (idempotent; concurrent callers on PostgreSQL wait for
    /// each other).
    async fn migrate(&self, db: &DatabaseConnection) -> Result<(), BoxError>;
    /// Checks, without changing anything, that its schema holds every migration it needs;
    /// newer migrations it does not know are tolerated and reported.
    async fn check_schema(&self, db: &DatabaseConnection) -> Result<SchemaStatus, BoxError>;
    /// Loads demo data into an empty database; `false` when it already had data.
    async fn seed_demo(&self, db: &DatabaseConnection) -> Result<bool, BoxError>;
    /// Serves gRPC over an already migrated database until `shutdown` resolves.
    async fn serve(
        &self,
        db: DatabaseConnection,
        settings: &Settings,
        listener: TcpListener,
        shutdown: Shutdown,
    ) -> Result<(), BoxError>;
}

/// Connects to `component`'s database, checks that its schema is recent enough (never
/// migrating it: that is the migration Job's), and serves on `listener` until `shutdown`
/// resolves.
pub async fn run(
    component: &dyn Component,
    settings: &Settings,
    listener: TcpListener,
    shutdown: Shutdown,
) -> Result<(), BoxError> {
    let db = crate::db::connect_with(
        component.database_url(settings).expose(),
        component.pool(settings),
    )
    .await?;
    let status = component.check_schema(&db).await?;
    if !status.newer.is_empty() {
        tracing::info!(
            service = component.name(),
            newer = ?status.newer,
            "schema has migrations newer than this release (tolerated)"
        );
    }
    component.serve(db, settings, listener, shutdown).await
}

/// What a service's [`Component`] impl refers to, for [`component!`](crate::component!)
/// expansions.
#[doc(hidden)]
pub mod __macro {
    pub use sea_orm::DatabaseConnection;
    pub use tokio::net::TcpListener;
}

/// A service's [`Component`] impl, from the names that differ between services: its short
/// name, its section in [`Settings`] (`database_url`, `listen`), its fields in
/// `settings.metrics` and `settings.gateway`, and its crate's `migrate`, `seed_demo` and
/// `serve` functions (each returning the service's own error).
///
/// ```text
/// glocal_kit::component!(
///     /// The training service as a component.
///     TrainingComponent, "training",
///     settings: training, metrics: training_listen, gateway: training_url,
///     migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
/// );
/// ```
#[macro_export]
macro_rules! component {
    (
        $(#[$doc:meta])* $ty:ident, $name:literal,
        settings: $section:ident, metrics: $metrics:ident, gateway: $gateway:ident,
        migrate: $migrate:path, check: $check:path, seed: $seed:path, serve: $serve:path $(,)?
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $ty;

        #[$crate::component::async_trait]
        impl $crate::component::Component for $ty {
            fn name(&self) -> &'static str {
                $name
            }

            fn database_url<'a>(
                &self,
                settings: &'a $crate::Settings,
            ) -> &'a $crate::config::Secret {
                &settings.$section.database_url
            }

            fn migration_database_url<'a>(
                &self,
                settings: &'a $crate::Settings,
            ) -> &'a $crate::config::Secret {
                if settings.$section.migration_database_url.is_empty() {
                    &settings.$section.database_url
                } else {
                    &settings.$section.migration_database_url
                }
            }

            fn pool<'a>(
                &self,
                settings: &'a $crate::Settings,
            ) -> &'a $crate::config::PoolSettings {
                &settings.$section.pool
            }

            fn listen(&self, settings: &$crate::Settings) -> ::std::net::SocketAddr {
                settings.$section.listen
            }

            fn metrics_listen(&self, settings: &$crate::Settings) -> ::std::net::SocketAddr {
                settings.metrics.$metrics
            }

            fn configure(
                &self,
                settings: &mut $crate::Settings,
                database_url: $crate::config::Secret,
                listen: ::std::net::SocketAddr,
            ) {
                settings.$section.database_url = database_url;
                settings.$section.listen = listen;
                settings.gateway.$gateway = format!("http://{listen}");
            }

            async fn migrate(
                &self,
                db: &$crate::component::__macro::DatabaseConnection,
            ) -> ::std::result::Result<(), $crate::component::BoxError> {
                Ok($migrate(db).await?)
            }

            async fn check_schema(
                &self,
                db: &$crate::component::__macro::DatabaseConnection,
            ) -> ::std::result::Result<$crate::schema::SchemaStatus, $crate::component::BoxError>
            {
                Ok($check(db).await?)
            }

            async fn seed_demo(
                &self,
                db: &$crate::component::__macro::DatabaseConnection,
            ) -> ::std::result::Result<bool, $crate::component::BoxError> {
                Ok($seed(db).await?)
            }

            async fn serve(
                &self,
                db: $crate::component::__macro::DatabaseConnection,
                settings: &$crate::Settings,
                listener: $crate::component::__macro::TcpListener,
                shutdown: $crate::Shutdown,
            ) -> ::std::result::Result<(), $crate::component::BoxError> {
                Ok($serve(db, settings, listener, shutdown).await?)
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    /// A component that records the steps `run` takes.
    #[derive(Default)]
    struct Recorder(Mutex<Vec<&'static str>>);

    #[async_trait]
    impl Component for Recorder {
        fn name(&self) -> &'static str {
            "recorder"
        }
        fn database_url<'a>(&self, settings: &'a Settings) -> &'a Secret {
            &settings.requests.database_url
        }
        fn migration_database_url<'a>(&self, settings: &'a Settings) -> &'a Secret {
            &settings.requests.database_url
        }
        fn pool<'a>(&self, settings: &'a Settings) -> &'a PoolSettings {
            &settings.requests.pool
        }
        fn listen(&self, settings: &Settings) -> SocketAddr {
            settings.requests.listen
        }
        fn metrics_listen(&self, settings: &Settings) -> SocketAddr {
            settings.metrics.requests_listen
        }
        fn configure(&self, settings: &mut Settings, database_url: Secret, listen: SocketAddr) {
            settings.requests.database_url = database_url;
            settings.requests.listen = listen;
        }
        async fn migrate(&self, _db: &DatabaseConnection) -> Result<(), BoxError> {
            self.0.lock().unwrap().push("migrate");
            Ok(())
        }
        async fn check_schema(&self, _db: &DatabaseConnection) -> Result<SchemaStatus, BoxError> {
            self.0.lock().unwrap().push("check");
            Ok(SchemaStatus {
                applied: 0,
                newer: vec![],
            })
        }
        async fn seed_demo(&self, _db: &DatabaseConnection) -> Result<bool, BoxError> {
            Ok(false)
        }
        async fn serve(
            &self,
            _db: DatabaseConnection,
            _settings: &Settings,
            _listener: TcpListener,
            _shutdown: Shutdown,
        ) -> Result<(), BoxError> {
            self.0.lock().unwrap().push("serve");
            Ok(())
        }
    }

    #[tokio::test]
    async fn run_connects_checks_the_schema_then_serves_without_migrating() {
        let recorder = Recorder::default();
        let mut settings = Settings::default();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        recorder.configure(&mut settings, Secret::new("sqlite::memory:"), addr);
        assert_eq!(recorder.listen(&settings), addr);
        run(&recorder, &settings, listener, crate::shutdown::channel().1)
            .await
            .unwrap();
        assert_eq!(*recorder.0.lock().unwrap(), ["check", "serve"]);
    }

    #[tokio::test]
    async fn an_unusable_database_url_stops_before_checking() {
        let recorder = Recorder::default();
        let mut settings = Settings::default();
        settings.requests.database_url = Secret::new("mysql://nope");
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        assert!(
            run(&recorder, &settings, listener, crate::shutdown::channel().1)
                .await
                .is_err()
        );
        assert!(recorder.0.lock().unwrap().is_empty());
    }
}
