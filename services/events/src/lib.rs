//! glocal-events: Events: conferences, workshops, forums and lectures, with registration that never overbooks.
//! Served over gRPC (`glocal.events.v1.EventsService`).
//!
//! Layers, as in glocal-requests: `domain` (types that parse, state machines) ← `service`
//! (operations, scoping, transactions) ← `grpc` (the tonic adapter); storage in `store`.
#![warn(missing_docs)]

pub mod demo;
pub mod error;
mod store;

use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;

pub use error::EventsError;

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.events.v1.EventsService";

/// Brings the database schema up to date (idempotent).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), EventsError> {
    store::migration::Migrator::up(db, None).await?;
    Ok(())
}

/// Connects to `settings.events.database_url`, migrates, and serves gRPC on `listener`
/// until `shutdown` resolves.
pub async fn run(
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), EventsError> {
    let db = glocal_kit::db::connect(settings.events.database_url.expose()).await?;
    migrate(&db).await?;
    serve(db, settings, listener, shutdown).await
}

/// Serves gRPC over an already migrated database until `shutdown` resolves.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), EventsError> {
    let _ = db;
    let routes = tonic::service::Routes::default();
    glocal_kit::grpc::serve(listener, routes, &[SERVICE_NAME], &settings.grpc, shutdown).await?;
    Ok(())
}
