//! Storage of the training service: sea-orm entities, the schema migrations (PostgreSQL and
//! SQLite alike) and the queries the service runs. Nothing here knows about callers or rules.

pub(crate) mod codec;
pub(crate) mod entities;
pub(crate) mod migration;
pub(crate) mod queries;
pub(crate) mod writes;

/// A stored application, as the queries return it.
pub(crate) type ApplicationRow = entities::application::Model;
/// A stored edition.
pub(crate) type EditionRow = entities::edition::Model;
/// A stored programme.
pub(crate) type ProgrammeRow = entities::programme::Model;
/// A stored review.
pub(crate) type ReviewRow = entities::review::Model;
/// A stored session.
pub(crate) type SessionRow = entities::session::Model;
