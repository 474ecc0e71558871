//! Storage of the training service: sea-orm entities, the schema migrations (PostgreSQL and
//! SQLite alike), the queries the service runs (`queries`), the writes it makes from domain
//! values (`writes`) and the mapping between rows and domain values (`codec`). Nothing here
//! knows about callers or rules; the `service` modules never name a sea-orm type.

pub(crate) mod coaching;
pub(crate) mod codec;
pub(crate) mod entities;
pub(crate) mod itinerary;
pub(crate) mod migration;
pub(crate) mod privacy;
pub(crate) mod queries;
pub(crate) mod statistics;
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
