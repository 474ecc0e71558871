//! glocal-training: Training programmes: from call for applicants to verified certificate.
//! Served over gRPC (`glocal.training.v1.TrainingService`, `FellowshipService`).
//!
//! Layers, as in glocal-requests: `domain` (types that parse, state machines) ← `service`
//! (operations, scoping, transactions) ← `grpc` (the tonic adapter); storage in `store`.
#![warn(missing_docs)]

pub mod demo;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod service;
mod store;

use sea_orm::DatabaseConnection;

pub use error::TrainingError;
pub use service::{Config, TrainingOffice};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.training.v1.TrainingService";

/// The gRPC service of coaching on international exchange (ADR 0050).
pub const COACHING_SERVICE_NAME: &str = "glocal.training.v1.CoachingService";
/// The gRPC service of overseas training's itineraries and trip reports (ADR 0052).
pub const ITINERARY_SERVICE_NAME: &str = "glocal.training.v1.ItineraryService";
/// The gRPC service of the invitation fellowship's own operations (ADR 0051).
pub const FELLOWSHIP_SERVICE_NAME: &str = "glocal.training.v1.FellowshipService";

/// The gRPC service of applications' files (ADR 0026).
pub const FILES_SERVICE_NAME: &str = "glocal.common.v1.FilesService";

/// Brings the database schema up to date (idempotent; on PostgreSQL under the migration
/// lock, so concurrent migrators wait for each other).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), TrainingError> {
    glocal_kit::schema::migrate_locked::<store::migration::Migrator>(db, "training").await?;
    Ok(())
}

/// Checks that the database holds every migration this release needs, changing nothing
/// (what `glocal serve training` runs instead of migrating); newer migrations are tolerated.
pub async fn check_schema(
    db: &DatabaseConnection,
) -> Result<glocal_kit::schema::SchemaStatus, glocal_kit::schema::SchemaError> {
    glocal_kit::schema::check::<store::migration::Migrator>(db, "training").await
}

glocal_kit::component!(
    /// The training service as a [`Component`](glocal_kit::component::Component): what `glocal
    /// serve training`, `glocal migrate`, `glocal seed` and `glocal dev` drive, and what
    /// [`glocal_kit::component::run`] connects to, checks the schema of, and serves.
    TrainingComponent, "training",
    settings: training, metrics: training_listen, gateway: training_url,
    migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
);

/// Serves gRPC over an already migrated database until `shutdown` resolves.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), TrainingError> {
    glocal_kit::outbox::spawn("training", db.clone(), settings, shutdown.clone());
    let probe = db.clone();
    let shelf = glocal_kit::attachments::Shelf::open(settings, "training", service::FILE_TABLE)?;
    let sweeper = shelf.start_sweeper(db.clone(), &settings.storage, shutdown.clone());
    let office =
        TrainingOffice::new(db, Config::from_settings(&settings.training)).with_files(shelf);
    let erasures = service::spawn_erasure_follower(office.clone(), settings, shutdown.clone());
    let retention = service::spawn_retention(office.clone(), &settings.privacy, shutdown.clone());
    let routes = tonic::service::Routes::new(grpc::GrpcService::new(office.clone()).into_server())
        .add_service(grpc::coaching::CoachingGrpc::new(office.clone()).into_server())
        .add_service(grpc::ItineraryGrpc::new(office.clone()).into_server())
        .add_service(grpc::FellowshipGrpc::new(office.clone()).into_server())
        .add_service(glocal_kit::attachments::FilesGrpc::new(office).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "training service listening");
    let served = glocal_kit::grpc::serve_with_database(
        listener,
        routes,
        &[
            SERVICE_NAME,
            COACHING_SERVICE_NAME,
            ITINERARY_SERVICE_NAME,
            FELLOWSHIP_SERVICE_NAME,
            FILES_SERVICE_NAME,
        ],
        &settings.grpc,
        probe,
        shutdown,
    )
    .await;
    if let Some(sweeper) = sweeper {
        sweeper.abort();
    }
    if let Some(retention) = retention {
        retention.abort();
    }
    erasures.abort();
    served?;
    Ok(())
}
