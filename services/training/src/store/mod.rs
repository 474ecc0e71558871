//! Storage of the training service: sea-orm entities, the schema migrations (PostgreSQL and
//! SQLite alike) and the queries the service runs. Nothing here knows about callers or rules.

pub(crate) mod codec;
pub(crate) mod entities;
pub(crate) mod migration;
pub(crate) mod queries;
pub(crate) mod writes;
