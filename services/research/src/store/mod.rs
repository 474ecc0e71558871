//! Storage of the research service: sea-orm entities, the search SQL (per engine), the
//! queries that lock or count, and migrations.

pub(crate) mod entities;
pub(crate) mod migration;
pub(crate) mod queries;
pub(crate) mod search;
