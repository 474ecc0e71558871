//! Storage of the events service: sea-orm entities, queries and migrations.

pub(crate) mod migration;
