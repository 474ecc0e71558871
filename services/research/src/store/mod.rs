//! Storage of the research service: sea-orm entities, queries and migrations.

pub(crate) mod migration;
