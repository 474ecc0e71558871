//! Storage: sea-orm entities, the schema migrations (PostgreSQL and SQLite alike) and the
//! queries the service runs, one module per aggregate. Every function takes any connection
//! or transaction (`db: &impl ConnectionTrait`) and speaks domain and view types; nothing
//! here knows about callers or the workflow's rules.

pub(crate) mod activity;
pub(crate) mod attachments;
mod depth_migration;
pub(crate) mod directory;
mod directory_migration;
pub(crate) mod entities;
pub(crate) mod loads;
pub(crate) mod migration;
pub(crate) mod privacy;
pub(crate) mod relations;
pub(crate) mod requests;
pub(crate) mod routing;
pub(crate) mod search;
pub(crate) mod sla;
mod sla_migration;
pub(crate) mod survey;
pub(crate) mod views;
