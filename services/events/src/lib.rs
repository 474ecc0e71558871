//! glocal-events: the bureau's conferences, workshops, forums and glocalization lectures.
//! Series with host rotations and yearly quotas; events with a timetable, a call for
//! presentations, registration by individuals and delegations that never overbooks (with a
//! waitlist and expiring offers) and per-day check-in; lecture requests from local
//! governments. Served over gRPC (`glocal.events.v1.EventsService`).
//!
//! Layers, as in glocal-requests: [`domain`] (types that parse, state machines) ←
//! [`service`] (operations, scoping, transactions) ← [`grpc`] (the tonic adapter); storage
//! in a private `store` module (sea-orm entities, queries, migrations for PostgreSQL and
//! SQLite).
#![warn(missing_docs)]

pub mod demo;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod service;
mod store;

use sea_orm::DatabaseConnection;

pub use error::EventsError;
pub use service::{Config, EventOffice};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.events.v1.EventsService";

/// Brings the database schema up to date (idempotent; on PostgreSQL under the migration
/// lock, so concurrent migrators wait for each other).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), EventsError> {
    glocal_kit::schema::migrate_locked::<store::migration::Migrator>(db, "events").await?;
    Ok(())
}

/// Checks that the database holds every migration this release needs, changing nothing
/// (what `glocal serve events` runs instead of migrating); newer migrations are tolerated.
pub async fn check_schema(
    db: &DatabaseConnection,
) -> Result<glocal_kit::schema::SchemaStatus, glocal_kit::schema::SchemaError> {
    glocal_kit::schema::check::<store::migration::Migrator>(db, "events").await
}

glocal_kit::component!(
    /// The events service as a [`Component`](glocal_kit::component::Component): what `glocal
    /// serve events`, `glocal migrate`, `glocal seed` and `glocal dev` drive, and what
    /// [`glocal_kit::component::run`] connects to, checks the schema of, and serves.
    EventsComponent, "events",
    settings: events, metrics: events_listen, gateway: events_url,
    migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
);

/// Serves gRPC over an already migrated database until `shutdown` resolves, with the
/// sweeper that expires lapsed offers and the retention job of personal data running beside
/// it (stopped by the same signal).
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), EventsError> {
    glocal_kit::outbox::spawn("events", db.clone(), settings, shutdown.clone());
    let probe = db.clone();
    let config = Config::from_settings(&settings.events);
    let office = EventOffice::new(db, config);
    let erasures = service::spawn_erasure_follower(office.clone(), settings, shutdown.clone());
    let sweeper = service::spawn_sweeper(office.clone(), config.sweep_interval, shutdown.clone());
    let retention = service::spawn_retention(office.clone(), &settings.privacy, shutdown.clone());
    let routes = tonic::service::Routes::new(grpc::GrpcService::new(office).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "events service listening");
    let served = glocal_kit::grpc::serve_with_database(
        listener,
        routes,
        &[SERVICE_NAME],
        &settings.grpc,
        probe,
        shutdown,
    )
    .await;
    if served.is_err() {
        sweeper.abort();
    }
    let _ = sweeper.await;
    if let Some(retention) = retention {
        retention.abort();
    }
    erasures.abort();
    served?;
    Ok(())
}
