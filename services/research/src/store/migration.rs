//! Schema migrations (PostgreSQL and SQLite alike).

use sea_orm_migration::prelude::*;

/// Every migration of the research service, in order.
pub(crate) struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![]
    }
}
