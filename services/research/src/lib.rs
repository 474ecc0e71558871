//! glocal-research: the bureau's library of foreign best practices in Korean, English,
//! Chinese and Japanese (a controlled area vocabulary, a review workflow with versions and
//! tombstones, ranked multilingual search with facets) and its partner network
//! (organisations and contacts, sister/friendship-city relationships with an interaction
//! log, opportunities, and the exchange projects grown from them). Served over gRPC
//! (`glocal.research.v1.ResearchService` and `ExchangeProjectService`).
//!
//! Layers, as in glocal-requests: [`domain`] (types that parse, state machines) ←
//! [`service`] (operations, scoping, transactions) ← [`grpc`] (the tonic adapter); storage
//! in a private `store` module (entities, search SQL per engine, migrations).
#![warn(missing_docs)]

pub mod demo;
pub mod domain;
pub mod error;
pub mod grpc;
pub mod service;
mod store;

use sea_orm::DatabaseConnection;

pub use error::ResearchError;
pub use service::{Config, Research};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.research.v1.ResearchService";

/// The gRPC service of exchange projects (ADR 0046).
pub const PROJECTS_SERVICE_NAME: &str = "glocal.research.v1.ExchangeProjectService";

/// The gRPC service of practices' files (ADR 0026).
pub const FILES_SERVICE_NAME: &str = "glocal.common.v1.FilesService";

/// Brings the database schema up to date (idempotent; on PostgreSQL under the migration
/// lock, so concurrent migrators wait for each other) and makes sure the bureau's area
/// vocabulary is there.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), ResearchError> {
    glocal_kit::schema::migrate_locked::<store::migration::Migrator>(db, "research").await?;
    demo::seed_areas(db).await?;
    Ok(())
}

/// Checks that the database holds every migration this release needs, changing nothing
/// (what `glocal serve research` runs instead of migrating); newer migrations are tolerated.
pub async fn check_schema(
    db: &DatabaseConnection,
) -> Result<glocal_kit::schema::SchemaStatus, glocal_kit::schema::SchemaError> {
    glocal_kit::schema::check::<store::migration::Migrator>(db, "research").await
}

glocal_kit::component!(
    /// The research service as a [`Component`](glocal_kit::component::Component): what `glocal
    /// serve research`, `glocal migrate`, `glocal seed` and `glocal dev` drive, and what
    /// [`glocal_kit::component::run`] connects to, checks the schema of, and serves.
    ResearchComponent, "research",
    settings: research, metrics: research_listen, gateway: research_url,
    migrate: migrate, check: check_schema, seed: demo::seed_demo, serve: serve
);

/// Serves gRPC over an already migrated database until `shutdown` resolves.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), ResearchError> {
    glocal_kit::outbox::spawn("research", db.clone(), settings, shutdown.clone());
    let probe = db.clone();
    let shelf = glocal_kit::attachments::Shelf::open(settings, "research", service::FILE_TABLE)?;
    let sweeper = shelf.start_sweeper(db.clone(), &settings.storage, shutdown.clone());
    let research = Research::new(db, Config::from_settings(&settings.research)).with_files(shelf);
    let erasures = service::spawn_erasure_follower(research.clone(), settings, shutdown.clone());
    let routes =
        tonic::service::Routes::new(grpc::GrpcService::new(research.clone()).into_server())
            .add_service(grpc::projects::ProjectsGrpc::new(research.clone()).into_server())
            .add_service(glocal_kit::attachments::FilesGrpc::new(research).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "research service listening");
    let served = glocal_kit::grpc::serve_with_database(
        listener,
        routes,
        &[SERVICE_NAME, PROJECTS_SERVICE_NAME, FILES_SERVICE_NAME],
        &settings.grpc,
        probe,
        shutdown,
    )
    .await;
    if let Some(sweeper) = sweeper {
        sweeper.abort();
    }
    erasures.abort();
    served?;
    Ok(())
}
