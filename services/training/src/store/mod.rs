//! Storage of the training service: sea-orm entities, queries and migrations.

pub(crate) mod migration;
