//! Apollo Federation v2: the partner graph, a subgraph partners compose into their own
//! supergraph (docs/federation.md), served on `/subgraph` by its own schema.
//!
//! - [`Root`] is the query root of both schemas. `Root<false>` ([`PortalQuery`]) is the
//!   whole query root of the portal's `/graphql`; `Root<true>` ([`PartnerQuery`]) is the
//!   partner graph: when its schema is built, [`partner_registry`] removes every
//!   `@inaccessible` type, field, argument and enum value (the portal-only ones), then the
//!   schema drops every type no public field reaches any more, and every enum and input
//!   type is renamed with the [`PREFIX`] `Glocal`, so a partner's own `Language` or
//!   `EventFilter` does not clash with ours. Its schema has no mutation and no
//!   subscription root.
//! - Entities, each with `@key` and `@tag(name: "public")`: `Event(id)`, `Programme(id)`,
//!   `ProgrammeEdition(id)`, `Practice(id)`, `Organisation(id)` and `LocalGovernment(code)`.
//!   `_entities` resolves them as the caller, through the request's batched loaders: one
//!   batched lookup per kind, however many representations a request carries. It never
//!   fails as a whole: an entity the caller may not see (or that does not exist) is `null`;
//!   a representation that cannot name one (a malformed key such as a non-UUID `Event`
//!   id, no `__typename`, a type that is not an entity, a failed lookup) is `null` with an
//!   error at `["_entities", i]` ([`Root::find_entity`]).
//! - `_service { sdl }` serves the partner graph's SDL (`@link` to federation v2.5) on
//!   `/subgraph`, unless `gateway.service_sdl` is off (the default in production). The
//!   portal's `/graphql` never serves it ([`WithoutServiceSdl`] refuses any document that
//!   selects `_service`), so the whole schema is never handed out as a subgraph.

use std::borrow::Cow;

use async_graphql::parser::types::{ExecutableDocument, Field, Selection, SelectionSet};
use async_graphql::registry::{MetaType, MetaTypeName, Registry};
use async_graphql::resolver_utils::{ContainerType, resolve_container};
use async_graphql::{
    Any, Context, ContextSelectionSet, ErrorExtensions, ID, Object, ObjectType, OutputType,
    PathSegment, Positioned, Result, ServerError, ServerResult, Value,
};
use glocal_kit::error::ErrorCode;

use crate::schema::Query;
use crate::schema::directory::{LocalGovernment, load_local_government};
use crate::schema::events::{Event, load_event};
use crate::schema::research::{Organisation, Practice};
use crate::schema::training::{Programme, ProgrammeEdition};
use crate::upstream::loaders::research::ResearchLoaders;
use crate::upstream::loaders::training::TrainingLoaders;

/// The entity kinds of both graphs, with their key field and whether that key is a UUID.
pub const ENTITIES: [(&str, &str, Key); 6] = [
    ("Event", "id", Key::Uuid),
    ("Programme", "id", Key::Uuid),
    ("ProgrammeEdition", "id", Key::Uuid),
    ("Practice", "id", Key::Uuid),
    ("Organisation", "id", Key::Uuid),
    ("LocalGovernment", "code", Key::Text),
];

/// The shape of an entity's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// An id: a UUID in a string.
    Uuid,
    /// Any non-empty string (a local government's standard code).
    Text,
}

/// The prefix the partner graph puts before the name of each of our enums and input types.
pub const PREFIX: &str = "Glocal";

/// The query root of a graph: the portal's whole root (`Root<false>`) or the partner
/// graph's public part (`Root<true>`). Either way `_entities` answers per item.
#[derive(Default)]
pub struct Root<const PARTNER: bool>(Query);

/// The query root of the portal's `/graphql`.
pub type PortalQuery = Root<false>;

/// The query root of the partner graph on `/subgraph`.
pub type PartnerQuery = Root<true>;

impl<const PARTNER: bool> OutputType for Root<PARTNER> {
    fn type_name() -> Cow<'static, str> {
        Query::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        let name = Query::create_type_info(registry);
        if PARTNER {
            partner_registry(registry);
        }
        name
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<const PARTNER: bool> ContainerType for Root<PARTNER> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        crate::schema::gate::check(ctx)?;
        self.0.resolve_field(ctx).await
    }

    /// One representation of `_entities`: the entity, `null` when the caller may not see
    /// it, or `null` with an error at `["_entities", i]` when the representation names no
    /// entity (malformed or missing key, no `__typename`, not an entity type) or its
    /// lookup failed. Never an error for the whole list.
    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        // `_entities` resolves here, not through `resolve_field`.
        crate::schema::gate::check(ctx)?;
        let found = match malformed(params) {
            Some(error) => Err(error.into_server_error(ctx.item.pos)),
            None => self.0.find_entity(ctx, params).await,
        };
        let error = match found {
            Ok(Some(value)) => return Ok(Some(value)),
            Ok(None) => not_an_entity(params).into_server_error(ctx.item.pos),
            Err(error) => error,
        };
        ctx.add_error(at_item(ctx, params, error));
        Ok(Some(Value::Null))
    }
}

impl<const PARTNER: bool> ObjectType for Root<PARTNER> {}

/// The error of a representation whose key cannot name an entity of its kind, if so.
fn malformed(params: &Value) -> Option<async_graphql::Error> {
    let Value::Object(fields) = params else {
        return Some(bad("a representation must be an object"));
    };
    let Some(Value::String(typename)) = fields.get("__typename") else {
        return Some(bad("a representation needs its `__typename`"));
    };
    let (_, key, shape) = ENTITIES.iter().find(|(t, _, _)| t == typename)?;
    let valid = match (fields.get(*key), shape) {
        (Some(Value::String(v)), Key::Uuid) => uuid::Uuid::parse_str(v.trim()).is_ok(),
        (Some(Value::String(v)), Key::Text) => !v.trim().is_empty(),
        _ => false,
    };
    (!valid).then(|| {
        let expected = match shape {
            Key::Uuid => "an id (UUID)",
            Key::Text => "a non-empty string",
        };
        bad(format!(
            "`{typename}` representations need `{key}`, {expected}"
        ))
    })
}

/// The error of a representation whose `__typename` is not an entity of this graph.
fn not_an_entity(params: &Value) -> async_graphql::Error {
    let typename = match params {
        Value::Object(fields) => match fields.get("__typename") {
            Some(Value::String(t)) => t.as_str(),
            _ => "",
        },
        _ => "",
    };
    let kinds: Vec<&str> = ENTITIES.iter().map(|(t, _, _)| *t).collect();
    bad(format!(
        "`{typename}` is not an entity of this graph (entities: {})",
        kinds.join(", ")
    ))
}

fn bad(message: impl Into<String>) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, ext| {
        ext.set("code", ErrorCode::BadUserInput.as_str());
        ext.set("field", "representations");
    })
}

/// `error` at the path of the representation `params` stands for: `["_entities", i]`
/// (the first one equal to it; equal representations share their answer).
fn at_item(ctx: &Context<'_>, params: &Value, mut error: ServerError) -> ServerError {
    let field = ctx.item.node.response_key().node.to_string();
    let index = ctx
        .param_value::<Vec<Any>>("representations", None)
        .ok()
        .and_then(|(_, all)| all.iter().position(|a| &a.0 == params));
    error.path = match index {
        Some(i) => vec![PathSegment::Field(field), PathSegment::Index(i)],
        None => vec![PathSegment::Field(field)],
    };
    error
}

/// Turns the whole schema's registry into the partner graph's (see the module docs): no
/// `@inaccessible` type, field, argument, input field or enum value, and our enums and
/// input types renamed with [`PREFIX`]. The schema builder then drops every type no
/// remaining field reaches.
pub fn partner_registry(registry: &mut Registry) {
    registry.types.retain(|_, ty| !type_inaccessible(ty));
    for ty in registry.types.values_mut() {
        match ty {
            MetaType::Object { fields, .. } | MetaType::Interface { fields, .. } => {
                fields.retain(|_, f| !f.inaccessible);
                for field in fields.values_mut() {
                    field.args.retain(|_, a| !a.inaccessible);
                }
            }
            MetaType::InputObject { input_fields, .. } => {
                input_fields.retain(|_, f| !f.inaccessible)
            }
            MetaType::Enum { enum_values, .. } => enum_values.retain(|_, v| !v.inaccessible),
            MetaType::Scalar { .. } | MetaType::Union { .. } => {}
        }
    }
    let renamed: Vec<String> = registry
        .types
        .values()
        .filter(|ty| matches!(ty, MetaType::Enum { .. } | MetaType::InputObject { .. }))
        .map(|ty| ty.name().to_owned())
        .filter(|name| !name.starts_with("__") && !name.starts_with(PREFIX))
        .collect();
    for old in renamed {
        rename(registry, &old, &format!("{PREFIX}{old}"));
    }
}

fn type_inaccessible(ty: &MetaType) -> bool {
    match ty {
        MetaType::Scalar { inaccessible, .. }
        | MetaType::Object { inaccessible, .. }
        | MetaType::Interface { inaccessible, .. }
        | MetaType::Union { inaccessible, .. }
        | MetaType::Enum { inaccessible, .. }
        | MetaType::InputObject { inaccessible, .. } => *inaccessible,
    }
}

/// Renames the enum or input type `old` to `new`, and every reference to it.
fn rename(registry: &mut Registry, old: &str, new: &str) {
    let Some(mut ty) = registry.types.remove(old) else {
        return;
    };
    match &mut ty {
        MetaType::Enum { name, .. } | MetaType::InputObject { name, .. } => *name = new.into(),
        _ => return,
    }
    registry.types.insert(new.to_owned(), ty);
    let retype = |ty: &mut String| {
        if MetaTypeName::concrete_typename(ty) == old {
            *ty = ty.replacen(old, new, 1);
        }
    };
    for ty in registry.types.values_mut() {
        match ty {
            MetaType::Object { fields, .. } | MetaType::Interface { fields, .. } => {
                for field in fields.values_mut() {
                    retype(&mut field.ty);
                    field.args.values_mut().for_each(|a| retype(&mut a.ty));
                }
            }
            MetaType::InputObject { input_fields, .. } => {
                input_fields.values_mut().for_each(|f| retype(&mut f.ty))
            }
            _ => {}
        }
    }
    for directive in registry.directives.values_mut() {
        directive.args.values_mut().for_each(|a| retype(&mut a.ty));
    }
}

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
        let found = loaders.practices().load_one(id.0).await?;
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
        let found = loaders.organisations().load_one(id.0).await?;
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
        Ok(loaders.programmes().load_one(id.0).await?.map(Programme))
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
/// query root, so a selection by that name anywhere, fragments included, asks for it),
/// saying why.
#[derive(Debug, Clone, Copy)]
pub struct WithoutServiceSdl(pub &'static str);

impl WithoutServiceSdl {
    /// The portal's `/graphql`: the subgraph is `/subgraph`.
    pub const PORTAL: WithoutServiceSdl =
        WithoutServiceSdl("`_service` is not served on /graphql: the partner graph is /subgraph");
    /// `/subgraph` with `gateway.service_sdl` off.
    pub const OFF: WithoutServiceSdl =
        WithoutServiceSdl("`_service` is not served here (gateway.service_sdl is off)");
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

impl WithoutServiceSdl {
    /// Refuses `doc` when it selects `_service` anywhere, saying why.
    pub fn check(&self, doc: &ExecutableDocument) -> ServerResult<()> {
        let asked = doc
            .operations
            .iter()
            .any(|(_, op)| selects_service(&op.node.selection_set))
            || doc
                .fragments
                .values()
                .any(|f| selects_service(&f.node.selection_set));
        if asked {
            return Err(ServerError::new(self.0, None));
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::schema;

    /// The partner graph's SDL, as `/subgraph` serves it as `_service { sdl }`.
    pub(crate) async fn subgraph_sdl() -> String {
        let schema = schema::partner_builder().finish();
        let response = schema.execute("{ _service { sdl } }").await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        let data = response.data.into_json().unwrap();
        data["_service"]["sdl"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn the_partner_graph_declares_entities_and_has_no_private_part() {
        let sdl = subgraph_sdl().await;
        assert_eq!(sdl, crate::partner_sdl());
        assert!(
            sdl.contains("https://specs.apollo.dev/federation/v2"),
            "{sdl}"
        );
        for (ty, key, _) in ENTITIES {
            let header = format!("type {ty} @key(fields: \"{key}\") @tag(name: \"public\") {{");
            assert!(sdl.contains(&header), "no `{header}` in the subgraph SDL");
        }
        assert!(sdl.contains("type PageInfo @shareable {"));
        for private in [
            "type Mutation",
            " @inaccessible",
            "ServiceRequest",
            "RoutingRule",
            "serviceRequest",
            "\tme: ",
            "type Staff",
            "type Department",
            "type Contact",
            "enum Language",
            "Contribution",
            "TrainingAttendance",
            "Interaction",
        ] {
            assert!(
                !sdl.contains(private),
                "`{private}` is in the partner graph"
            );
        }
        assert!(sdl.contains("name(lang: GlocalLanguage): String!"), "{sdl}");
    }

    /// The object types of the partner graph, as docs/federation.md lists them.
    fn claimed_objects(sdl: &str) -> String {
        let mut objects: Vec<&str> = sdl
            .lines()
            .filter_map(|line| line.strip_prefix("type "))
            .filter_map(|rest| rest.split([' ', '{']).next())
            .filter(|name| *name != "Query" && !name.starts_with('_'))
            .collect();
        objects.sort_unstable();
        let listed: Vec<String> = objects.iter().map(|o| format!("`{o}`")).collect();
        format!("{}\n", listed.join(", "))
    }

    #[test]
    fn docs_list_the_names_the_partner_graph_claims() {
        let sdl = crate::partner_sdl();
        for line in sdl.lines() {
            if let Some(rest) = line
                .strip_prefix("enum ")
                .or_else(|| line.strip_prefix("input "))
            {
                assert!(rest.starts_with(PREFIX), "`{line}` lacks the prefix");
            }
        }
        let docs = include_str!("../../../docs/federation.md");
        let start = "<!-- partner-graph-objects:start -->\n";
        let end = "<!-- partner-graph-objects:end -->";
        let from = docs.find(start).expect("the start marker") + start.len();
        let to = docs.find(end).expect("the end marker");
        assert_eq!(
            &docs[from..to],
            claimed_objects(&sdl),
            "docs/federation.md's list of claimed names is stale"
        );
    }

    #[test]
    fn the_entity_table_is_the_schemas_keys() {
        let sdl = schema::builder()
            .finish()
            .sdl_with_options(async_graphql::SDLExportOptions::new().federation());
        let keyed = sdl.matches("@key(fields:").count();
        assert_eq!(keyed, ENTITIES.len(), "{sdl}");
        for (ty, key, _) in ENTITIES {
            assert!(sdl.contains(&format!("type {ty} @key(fields: \"{key}\")")));
        }
    }

    #[test]
    fn malformed_representations_are_told_apart() {
        let rep = |v: serde_json::Value| Value::from_json(v).unwrap();
        let event = "4b9e7a52-2a62-4d6c-9f0e-8f4f3f0d2a11";
        assert!(
            malformed(&rep(
                serde_json::json!({"__typename": "Event", "id": event})
            ))
            .is_none()
        );
        for wrong in [
            serde_json::json!({"__typename": "Event", "id": "event-legacy-42"}),
            serde_json::json!({"__typename": "Event"}),
            serde_json::json!({"__typename": "Practice", "id": 42}),
            serde_json::json!({"__typename": "LocalGovernment", "code": " "}),
            serde_json::json!({"id": event}),
            serde_json::json!("Event"),
        ] {
            let error = malformed(&rep(wrong.clone())).expect("malformed");
            assert!(!error.message.is_empty(), "{wrong}");
        }
        // Not an entity: left to the entity resolvers, which find none.
        assert!(
            malformed(&rep(
                serde_json::json!({"__typename": "ServiceRequest", "id": "1"})
            ))
            .is_none()
        );
    }
}
