//! glocal-requests: the Online Bureau. Local governments submit service requests around the
//! clock; the service registers, routes and assigns them at once, tracks responses through
//! the bureau's workflow, and owns the directory (local governments, departments, staff)
//! and the routing table. Served over gRPC (`glocal.requests.v1.RequestsService`).
//!
//! Layers: [`domain`] (types that parse, the state machine) ← [`service`] (operations,
//! scoping, transactions) ← [`grpc`] (the tonic adapter); storage lives in a private
//! `store` module (sea-orm entities, queries, migrations for PostgreSQL and SQLite).
#![warn(missing_docs)]

pub mod demo;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod service;
mod store;

use sea_orm::DatabaseConnection;

pub use error::RequestsError;
pub use service::{Config, OnlineBureau};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.requests.v1.RequestsService";

/// The gRPC service of requests' files (attachments), kit's `FilesService` (ADR 0030).
pub const FILES_SERVICE_NAME: &str = "glocal.common.v1.FilesService";

/// The gRPC service of request search (ADR 0025).
pub const SEARCH_SERVICE_NAME: &str = "glocal.requests.v1.RequestSearchService";

/// The gRPC service of the directory's administration (ADR 0035).
pub const DIRECTORY_SERVICE_NAME: &str = "glocal.requests.v1.DirectoryAdminService";

/// Imports the local-government list (`glocal import local-governments`, ADR 0035) into
/// an already migrated database: the changes made, or on a dry run the changes it would
/// make.
pub async fn import_local_governments(
    db: DatabaseConnection,
    csv: &str,
    dry_run: bool,
) -> Result<service::ImportReport, service::ImportError> {
    OnlineBureau::new(db, Config::default())
        .import_local_governments(csv, dry_run)
        .await
}

/// Brings the database schema up to date (idempotent; on PostgreSQL under the migration
/// lock, so concurrent migrators wait for each other).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), RequestsError> {
    glocal_kit::schema::migrate_locked::<store::migration::Migrator>(db, "requests").await?;
    Ok(())
}

/// Checks that the database holds every migration this release needs, changing nothing
/// (what `glocal serve requests` runs instead of migrating); newer migrations are tolerated.
pub async fn check_schema(
    db: &DatabaseConnection,
) -> Result<glocal_kit::schema::SchemaStatus, glocal_kit::schema::SchemaError> {
    glocal_kit::schema::check::<store::migration::Migrator>(db, "requests").await
}

glocal_kit::component!(
    /// The requests service as a [`Component`](glocal_kit::component::Component): what `glocal
    /// serve requests`, `glocal migrate`, `glocal seed` and `glocal dev` drive, and what
    /// [`glocal_kit::component::run`] connects to, checks the schema of, and serves.
    RequestsComponent, "requests",
    settings: requests, metrics: requests_listen, gateway: requests_url,
    migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
);

/// Serves gRPC over an already migrated database until `shutdown` resolves, with the
/// service-level scheduler (warnings, breaches) beside it unless configured off.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), RequestsError> {
    glocal_kit::outbox::spawn("requests", db.clone(), settings, shutdown.clone());
    let probe = db.clone();
    let config = Config::from_settings(&settings.requests);
    let shelf = glocal_kit::attachments::Shelf::open(settings, "requests", service::FILE_TABLE)?;
    let sweeper = shelf.start_sweeper(db.clone(), &settings.storage, shutdown.clone());
    let bureau = OnlineBureau::new(db, config).with_shelf(shelf);
    let erasures = service::spawn_erasure_follower(bureau.clone(), settings, shutdown.clone());
    let reference_watch = service::spawn_reference_watch(&bureau, settings, shutdown.clone());
    let scheduler = config
        .scheduler_interval
        .map(|every| service::spawn_sla_scheduler(bureau.clone(), every, shutdown.clone()));
    let retention = service::spawn_retention(bureau.clone(), &settings.privacy, shutdown.clone());
    let routes = tonic::service::Routes::new(grpc::GrpcService::new(bureau.clone()).into_server())
        .add_service(grpc::attachments::RequestFiles::new(bureau.clone()).into_server())
        .add_service(grpc::search::SearchGrpc::new(bureau.clone()).into_server())
        .add_service(grpc::directory::DirectoryGrpc::new(bureau).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "requests service listening");
    let served = glocal_kit::grpc::serve_with_database(
        listener,
        routes,
        &[
            SERVICE_NAME,
            FILES_SERVICE_NAME,
            SEARCH_SERVICE_NAME,
            DIRECTORY_SERVICE_NAME,
        ],
        &settings.grpc,
        probe,
        shutdown,
    )
    .await;
    if let Some(scheduler) = scheduler {
        if served.is_err() {
            scheduler.abort();
        }
        let _ = scheduler.await;
    }
    if let Some(sweeper) = sweeper {
        sweeper.abort();
    }
    if let Some(retention) = retention {
        retention.abort();
    }
    erasures.abort();
    reference_watch.abort();
    served?;
    Ok(())
}
