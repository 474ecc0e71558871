//! Apollo Federation v2: the public graph as a subgraph partners compose into their own
//! supergraph (docs/federation.md).
//!
//! - Entities, each with `@key` and `@tag(name: "public")`: `Event(id)`, `Programme(id)`,
//!   `ProgrammeEdition(id)`, `Practice(id)`, `Organisation(id)` and `LocalGovernment(code)`.
//!   `_entities` resolves them as the caller, through the request's batched loaders where
//!   one batched lookup per kind (`BatchGetEvents`, `BatchGetPractices`,
//!   `BatchGetOrganisations`, `BatchGetLocalGovernments`, `BatchGetProgrammes`,
//!   `BatchGetEditions`), however many representations a request carries. An entity the
//!   caller may not see is `null`.
//! - `_service { sdl }` serves the subgraph SDL (`@link` to federation v2.5), unless
//!   `gateway.service_sdl` is off (the default in production): then [`WithoutServiceSdl`]
//!   refuses any document that selects `_service`.
//! - Private operations are `@inaccessible`: the whole mutation root and the query fields
//!   the anonymous public may not read (service requests, applications, registrations,
//!   contributions, lecture requests, routing, departments, `me`, eligibility checks,
//!   stipends). A supergraph keeps them out of its API schema; they stay reachable on our
//!   own `/graphql` for portal clients. `PageInfo` is `@shareable`.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{
    Context, ID, Object, Positioned, Result, ServerError, ServerResult, Variables,
};

use crate::schema::directory::{LocalGovernment, load_local_government};
use crate::schema::events::{Event, load_event};
use crate::schema::research::{Organisation, Practice};
use crate::schema::training::{Programme, ProgrammeEdition};
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::loaders::training::TrainingLoaders;

/// The entity resolvers behind `_entities` (merged into the query root; they add no fields).
#[derive(Default)]
pub struct EntitiesQuery;

#[Object]
impl EntitiesQuery {
    /// An event by id (`BatchGetEvents` for all the representations of a request).
    #[graphql(entity)]
    async fn find_event_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Event>> {
        load_event(ctx, id.0).await
    }

    /// A best practice by id (`BatchGetPractices`).
    #[graphql(entity)]
    async fn find_practice_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Practice>> {
        let loaders = ResearchLoaders::new(ctx)?;
        let found = loaders.practices.load_one(id.0).await?;
        Ok(found.map(|p| Practice(p, loaders)))
    }

    /// An organisation of the partner network by id (`BatchGetOrganisations`).
    #[graphql(entity)]
    async fn find_organisation_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<Organisation>> {
        let loaders = ResearchLoaders::new(ctx)?;
        let found = loaders.organisations.load_one(id.0).await?;
        Ok(found.map(|o| Organisation(o, loaders)))
    }

    /// A local government by standard code (`BatchGetLocalGovernments`).
    #[graphql(entity)]
    async fn find_local_government_by_code(
        &self,
        ctx: &Context<'_>,
        code: String,
    ) -> Result<Option<LocalGovernment>> {
        load_local_government(ctx, &code).await
    }

    /// A training programme by id (`BatchGetProgrammes`).
    #[graphql(entity)]
    async fn find_programme_by_id(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Programme>> {
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders.programmes.load_one(id.0).await?.map(Programme))
    }

    /// An edition of a training programme by id (`BatchGetEditions`, with its sessions).
    #[graphql(entity)]
    async fn find_programme_edition_by_id(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> Result<Option<ProgrammeEdition>> {
        let loaders = TrainingLoaders::new(ctx)?;
        Ok(loaders.edition(id.0, true).await?.map(ProgrammeEdition))
    }
}

/// Refuses every document that selects `_service` (anywhere: the field exists only on the
/// query root, so a selection by that name anywhere, fragments included, asks for it).
#[derive(Debug, Clone, Copy)]
pub struct WithoutServiceSdl;

impl ExtensionFactory for WithoutServiceSdl {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(WithoutServiceSdl)
    }
}

fn selects_service(set: &Positioned<SelectionSet>) -> bool {
    set.node.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            field.node.name.node == "_service" || selects_service(&field.node.selection_set)
        }
        Selection::InlineFragment(fragment) => selects_service(&fragment.node.selection_set),
        Selection::FragmentSpread(_) => false,
    })
}

#[async_graphql::async_trait::async_trait]
impl Extension for WithoutServiceSdl {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let asked = doc
            .operations
            .iter()
            .any(|(_, op)| selects_service(&op.node.selection_set))
            || doc
                .fragments
                .values()
                .any(|f| selects_service(&f.node.selection_set));
        if asked {
            return Err(ServerError::new(
                "`_service` is not served here (gateway.service_sdl is off)",
                None,
            ));
        }
        Ok(doc)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::schema;

    /// The subgraph SDL the gateway serves as `_service { sdl }`.
    pub(crate) async fn subgraph_sdl() -> String {
        let schema = schema::builder().finish();
        let response = schema.execute("{ _service { sdl } }").await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let data = response.data.into_json().unwrap();
        data["_service"]["sdl"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn the_subgraph_declares_entities_and_hides_private_operations() {
        let sdl = subgraph_sdl().await;
        assert!(
            sdl.contains("https://specs.apollo.dev/federation/v2"),
            "{sdl}"
        );
        for (ty, key) in [
            ("Event", "id"),
            ("Programme", "id"),
            ("ProgrammeEdition", "id"),
            ("Practice", "id"),
            ("Organisation", "id"),
            ("LocalGovernment", "code"),
        ] {
            let header = format!("type {ty} @key(fields: \"{key}\") @tag(name: \"public\") {{");
            assert!(sdl.contains(&header), "no `{header}` in the subgraph SDL");
        }
        assert!(sdl.contains("type Mutation @inaccessible {"));
        assert!(sdl.contains("type PageInfo @shareable {"));
        for private in [
            "serviceRequest(id: ID!): ServiceRequest @inaccessible",
            "routingRules: [RoutingRule!]! @inaccessible",
            "me: Me @inaccessible",
        ] {
            assert!(sdl.contains(private), "`{private}` is not @inaccessible");
        }
    }
}
