//! glocal-research: the bureau's library of foreign best practices in Korean, English,
//! Chinese and Japanese (a controlled area vocabulary, a review workflow with versions and
//! tombstones, ranked multilingual search with facets) and its partner network
//! (organisations and contacts, sister/friendship-city relationships with an interaction
//! log, opportunities). Served over gRPC (`glocal.research.v1.ResearchService`).
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
use sea_orm_migration::MigratorTrait;

pub use error::ResearchError;
pub use service::{Config, Research};

/// The gRPC service name, as health checks and reflection report it.
pub const SERVICE_NAME: &str = "glocal.research.v1.ResearchService";

/// Brings the database schema up to date (idempotent) and makes sure the bureau's area
/// vocabulary is there.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), ResearchError> {
    store::migration::Migrator::up(db, None).await?;
    demo::seed_areas(db).await?;
    Ok(())
}

/// The research service as a [`Component`](glocal_kit::component::Component): what `glocal
/// serve research`, `glocal migrate`, `glocal seed` and `glocal dev` drive, and what
/// [`glocal_kit::component::run`] connects, migrates and serves.
#[derive(Debug, Clone, Copy, Default)]
pub struct ResearchComponent;

#[glocal_kit::component::async_trait]
impl glocal_kit::component::Component for ResearchComponent {
    fn name(&self) -> &'static str {
        "research"
    }

    fn database_url<'a>(
        &self,
        settings: &'a glocal_kit::Settings,
    ) -> &'a glocal_kit::config::Secret {
        &settings.research.database_url
    }

    fn listen(&self, settings: &glocal_kit::Settings) -> std::net::SocketAddr {
        settings.research.listen
    }

    fn metrics_listen(&self, settings: &glocal_kit::Settings) -> std::net::SocketAddr {
        settings.metrics.research_listen
    }

    fn configure(
        &self,
        settings: &mut glocal_kit::Settings,
        database_url: glocal_kit::config::Secret,
        listen: std::net::SocketAddr,
    ) {
        settings.research.database_url = database_url;
        settings.research.listen = listen;
        settings.gateway.research_url = format!("http://{listen}");
    }

    async fn migrate(
        &self,
        db: &DatabaseConnection,
    ) -> Result<(), glocal_kit::component::BoxError> {
        Ok(migrate(db).await?)
    }

    async fn seed_demo(
        &self,
        db: &DatabaseConnection,
    ) -> Result<bool, glocal_kit::component::BoxError> {
        Ok(demo::seed_demo(db).await?)
    }

    async fn serve(
        &self,
        db: DatabaseConnection,
        settings: &glocal_kit::Settings,
        listener: tokio::net::TcpListener,
        shutdown: glocal_kit::Shutdown,
    ) -> Result<(), glocal_kit::component::BoxError> {
        Ok(serve(db, settings, listener, shutdown).await?)
    }
}

/// Serves gRPC over an already migrated database until `shutdown` resolves.
pub async fn serve(
    db: DatabaseConnection,
    settings: &glocal_kit::Settings,
    listener: tokio::net::TcpListener,
    shutdown: glocal_kit::Shutdown,
) -> Result<(), ResearchError> {
    glocal_kit::outbox::spawn("research", db.clone(), settings, shutdown.clone());
    let research = Research::new(db, Config::from_settings(&settings.research));
    let routes = tonic::service::Routes::new(grpc::GrpcService::new(research).into_server());
    tracing::info!(addr = ?listener.local_addr().ok(), "research service listening");
    glocal_kit::grpc::serve(listener, routes, &[SERVICE_NAME], &settings.grpc, shutdown).await?;
    Ok(())
}
