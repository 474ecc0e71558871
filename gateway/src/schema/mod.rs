//! The public GraphQL schema: one module per domain merged into the query and mutation
//! roots (`requests`, `directory`, `me`, `events`, `research`, `training`, `notifications`,
//! `files` of applications and practices, the federation `_entities` lookups,
//! `subscriptions`, the log of staff reads of `personal_data`), [`common`] for the types
//! they share, and the [`gate`] where the edge's refusals of root fields take effect.
//!
//! Resolvers are thin: input → proto, one call through [`crate::upstream`] (a typed
//! `read`/`call`, or a DataLoader), proto → GraphQL type. Business rules (validation,
//! scoping, transitions) live in the services.
//!
//! Two schemas share these types ([`federation`]): the portal's whole schema on `/graphql`
//! ([`builder`]), and the partner graph on `/subgraph` ([`partner_builder`]), an Apollo
//! Federation v2 subgraph without the `@inaccessible` (portal-only) parts: no mutation
//! root, no private query field, no type only they reach.

pub mod common;
pub mod directory;
pub mod directory_admin;
pub mod erasure;
pub mod events;
pub mod federation;
pub mod files;
pub mod gate;
pub mod labels;
pub mod language;
pub mod me;
pub mod notifications;
pub mod personal_data;
pub mod requests;
pub mod research;
pub mod scalars;
pub mod subscriptions;
pub mod training;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};

use federation::{PartnerQuery, PortalQuery};

/// The gateway's schema type (the portal's `/graphql`).
pub type GatewaySchema = Schema<PortalQuery, gate::MutationRoot, subscriptions::Subscription>;

/// The partner graph's schema type (`/subgraph`): queries of public data only.
pub type PartnerSchema = Schema<PartnerQuery, EmptyMutation, EmptySubscription>;

/// The query root.
//
// Every query field of every domain: the root of both graphs, through
// [`federation::Root`].
#[derive(MergedObject, Default)]
pub struct Query(
    requests::RequestsQuery,
    requests::SlaQuery,
    requests::SurveyQuery,
    requests::RequestSearchQuery,
    directory::DirectoryQuery,
    me::MeQuery,
    labels::LabelsQuery,
    events::EventsQuery,
    events::EventStatisticsQuery,
    research::ResearchQuery,
    research::ExchangeProjectQuery,
    training::TrainingQuery,
    training::CoachingQuery,
    training::TrainingStatisticsQuery,
    training::FellowshipQuery,
    notifications::NotificationsQuery,
    notifications::research::ResearchSubscriptionsQuery,
    erasure::ErasureQuery,
    federation::EntitiesQuery,
    personal_data::PersonalDataQuery,
);

/// The mutation root (POST only). Not part of the partners' federated graph.
#[derive(MergedObject, Default)]
#[graphql(inaccessible)]
pub struct Mutation(
    requests::RequestsMutation,
    requests::SlaMutation,
    requests::SurveyMutation,
    requests::RelationsMutation,
    requests::RequestAttachmentsMutation,
    files::FilesMutation,
    directory::DirectoryMutation,
    directory_admin::DirectoryAdminMutation,
    events::EventsMutation,
    events::GuestsMutation,
    research::ResearchMutation,
    research::ExchangeProjectMutation,
    training::TrainingMutation,
    training::CoachingMutation,
    training::ItineraryMutation,
    training::FellowshipMutation,
    notifications::NotificationsMutation,
    notifications::research::ResearchSubscriptionsMutation,
    erasure::ErasureMutation,
);

/// A schema builder with every type registered and no data attached, serving Apollo
/// Federation's `_service` and `_entities`.
pub fn builder() -> SchemaBuilder<PortalQuery, gate::MutationRoot, subscriptions::Subscription> {
    Schema::build(
        PortalQuery::default(),
        gate::MutationRoot::default(),
        subscriptions::Subscription,
    )
    .enable_federation()
}

/// A builder of the partner graph's schema (no data attached), serving `_service` and
/// `_entities`.
pub fn partner_builder() -> SchemaBuilder<PartnerQuery, EmptyMutation, EmptySubscription> {
    Schema::build(PartnerQuery::default(), EmptyMutation, EmptySubscription).enable_federation()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::DateTime;
    use common::{datetime, timestamp};

    #[test]
    fn timestamps_round_trip() {
        let at = scalars::DateTime(DateTime::from_timestamp(1_790_000_000, 123_000_000).unwrap());
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
