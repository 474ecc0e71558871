//! glocal-notifier: turns the services' change events into notices for the people they
//! concern, in each person's language (Korean, English, Chinese, Japanese): e-mail over
//! SMTP (at least once, never twice for one change, recipient and channel; retried with
//! backoff, FAILED after the last try) and an in-app inbox with per-kind preferences.
//! Served over gRPC (`glocal.notifier.v1.NotifierService`).
//!
//! Layers as in the other services: [`domain`] (kinds, languages, who gets what, the
//! templates) ← [`service`] (ingest, inbox, sending) ← [`grpc`]; the [`consumer`] reads the
//! change streams, the [`mailer`] talks SMTP; storage in a private `store` module.
#![warn(missing_docs)]

pub mod consumer;
pub mod demo;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod mailer;
pub mod service;
mod store;

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

pub use error::NotifierError;
pub use service::{Config, Notifier};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.notifier.v1.NotifierService";

/// Brings the database schema up to date (idempotent; on PostgreSQL under the migration
/// lock, so concurrent migrators wait for each other).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), NotifierError> {
    glocal_kit::schema::migrate_locked::<store::migration::Migrator>(db, "notifier").await?;
    Ok(())
}

/// Checks that the database holds every migration this release needs, changing nothing
/// (what `glocal serve notifier` runs instead of migrating); newer migrations are tolerated.
pub async fn check_schema(
    db: &DatabaseConnection,
) -> Result<glocal_kit::schema::SchemaStatus, glocal_kit::schema::SchemaError> {
    glocal_kit::schema::check::<store::migration::Migrator>(db, "notifier").await
}

glocal_kit::component!(
    /// The notifier as a [`Component`](glocal_kit::component::Component): what `glocal serve
    /// notifier`, `glocal migrate`, `glocal seed` and `glocal dev` drive.
    NotifierComponent, "notifier",
    settings: notifier, metrics: notifier_listen, gateway: notifier_url,
    migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
);

/// Serves gRPC over an already migrated database until `shutdown` resolves, reading the
/// change streams, sending e-mail and making the weekly research digests meanwhile.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), NotifierError> {
    glocal_kit::outbox::spawn("notifier", db.clone(), settings, shutdown.clone());
    let probe = db.clone();
    let notifier = Notifier::new(db, Config::from_settings(settings));
    match mailer::LettreMailer::from_settings(&settings.notifications)? {
        Some(mailer) => {
            if let Some(dir) = mailer.folder() {
                tracing::info!(dir = %dir.display(), "e-mail is written to .eml files");
            }
            let sender = service::deliver::Sender::new(
                notifier.clone(),
                Arc::new(mailer),
                service::deliver::Retry::from_settings(&settings.notifications),
                Duration::from_millis(settings.notifications.poll_interval_ms),
            );
            tokio::spawn(sender.run(shutdown.clone()));
        }
        None => tracing::warn!("no notifications.smtp_url nor mail_dir: e-mail stays pending"),
    }
    consumer::spawn(notifier.clone(), settings, shutdown.clone());
    let days = settings.privacy.notice_days;
    let read_log_days = settings.privacy.read_log_days;
    let retained = notifier.clone();
    glocal_kit::jobs::spawn_every_secs(
        "notifier_retention",
        settings.privacy.retention_interval_secs,
        shutdown.clone(),
        move || {
            let notifier = retained.clone();
            async move {
                let now = chrono::Utc::now();
                let notices = notifier.expire_notices(days, now).await?;
                Ok::<_, NotifierError>(notices + notifier.expire_reads(read_log_days, now).await?)
            }
        },
    );
    let digests = notifier.clone();
    glocal_kit::jobs::spawn_every_secs(
        "notifier_research_digest",
        settings.notifications.digest_interval_secs,
        shutdown.clone(),
        move || {
            let notifier = digests.clone();
            async move { notifier.send_research_digests(chrono::Utc::now()).await }
        },
    );
    let routes = tonic::service::Routes::new(grpc::GrpcService::new(notifier).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "notifier listening");
    glocal_kit::grpc::serve_with_database(
        listener,
        routes,
        &[SERVICE_NAME],
        &settings.grpc,
        probe,
        shutdown,
    )
    .await?;
    Ok(())
}
