//! Storage: sea-orm entities, the schema migrations (PostgreSQL and SQLite alike), the
//! queries and writes the service runs, and how rows read back as views. Nothing here knows
//! about callers or the rules.

pub(crate) mod entities;
pub(crate) mod guests;
pub(crate) mod migration;
pub(crate) mod privacy;
pub(crate) mod queries;
pub(crate) mod statistics;
pub(crate) mod views;
pub(crate) mod writes;

/// A stored event.
pub(crate) type EventRow = entities::event::Model;
/// A stored registration.
pub(crate) type RegistrationRow = entities::registration::Model;
/// A stored contribution.
pub(crate) type ContributionRow = entities::contribution::Model;
/// A stored lecture request.
pub(crate) type LectureRow = entities::lecture_request::Model;
/// A stored idempotency key.
pub(crate) type IdempotencyRow = entities::idempotency::Model;
