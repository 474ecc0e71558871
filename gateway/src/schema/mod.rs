//! The public GraphQL schema: one module per domain merged into the query and mutation
//! roots (`requests`, `directory`, `me`, `events`, `research`, `training`, `notifications`, the federation
//! `_entities` lookups, `subscriptions`), and [`common`] for the types they share.
//!
//! Resolvers are thin: input → proto, one call through [`crate::upstream`] (a typed
//! `read`/`call`, or a DataLoader), proto → GraphQL type. Business rules (validation,
//! scoping, transitions) live in the services.
//!
//! The schema is also an Apollo Federation v2 subgraph (see [`federation`]): the mutation
//! root and the private query fields are `@inaccessible`, so a partner's supergraph only
//! exposes public data.

pub mod common;
pub mod directory;
pub mod events;
pub mod federation;
pub mod language;
pub mod me;
pub mod notifications;
pub mod requests;
pub mod research;
pub mod scalars;
pub mod subscriptions;
pub mod training;

use async_graphql::{MergedObject, Schema, SchemaBuilder};

/// The gateway's schema type.
pub type GatewaySchema = Schema<Query, Mutation, subscriptions::Subscription>;

/// The query root.
#[derive(MergedObject, Default)]
pub struct Query(
    requests::RequestsQuery,
    requests::SlaQuery,
    requests::SurveyQuery,
    directory::DirectoryQuery,
    me::MeQuery,
    events::EventsQuery,
    research::ResearchQuery,
    training::TrainingQuery,
    notifications::NotificationsQuery,
    federation::EntitiesQuery,
);

/// The mutation root (POST only). Not part of the partners' federated graph.
#[derive(MergedObject, Default)]
#[graphql(inaccessible)]
pub struct Mutation(
    requests::RequestsMutation,
    requests::SlaMutation,
    requests::SurveyMutation,
    requests::RequestAttachmentsMutation,
    directory::DirectoryMutation,
    events::EventsMutation,
    research::ResearchMutation,
    training::TrainingMutation,
    notifications::NotificationsMutation,
);

/// A schema builder with every type registered and no data attached, serving Apollo
/// Federation's `_service` and `_entities`.
pub fn builder() -> SchemaBuilder<Query, Mutation, subscriptions::Subscription> {
    Schema::build(
        Query::default(),
        Mutation::default(),
        subscriptions::Subscription,
    )
    .enable_federation()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use common::{datetime, timestamp};

    #[test]
    fn timestamps_round_trip() {
        let at = DateTime::from_timestamp(1_790_000_000, 123_000_000).unwrap();
        assert_eq!(datetime(Some(&timestamp(at))), Some(at));
        assert_eq!(datetime(None), None);
    }

    #[test]
    fn sdl_has_the_root_fields_and_docs() {
        let sdl = builder().finish().sdl();
        for name in [
            "serviceRequest(",
            "serviceRequests(",
            "submitServiceRequest(",
            "departments:",
            "me: Me",
            "@oneOf",
        ] {
            assert!(sdl.contains(name), "SDL lacks {name}");
        }
    }
}
