//! The gate of the root fields: the refusals the edge decided for one operation
//! ([`RootRefusals`], from the authorization matrix, checked once per operation) take effect
//! where the root types resolve a field ([`check`]), before its resolver runs. The query
//! root ([`crate::schema::federation::Root`]) and the mutation root ([`MutationRoot`]) ask
//! it; nested fields never do. The schema does not know why a field is refused: the edge
//! puts the errors into the operation's data.

use std::borrow::Cow;

use async_graphql::parser::types::Field;
use async_graphql::registry::Registry;
use async_graphql::resolver_utils::{ContainerType, resolve_container_serial};
use async_graphql::{
    Context, ContextSelectionSet, ObjectType, OutputType, Positioned, ServerError, ServerResult,
    Value,
};

use crate::schema::Mutation;

/// The root fields of one operation that fail before they run, by response key, each with
/// its error. Execution data of the operations that have any.
#[derive(Debug, Clone, Default)]
pub struct RootRefusals(Vec<(String, ServerError)>);

impl RootRefusals {
    /// Refuses the root field answered under `key` with `error`.
    pub fn refuse(&mut self, key: &str, error: ServerError) {
        self.0.push((key.to_owned(), error));
    }

    /// The error of the root field answered under `key`, when it is refused.
    pub fn get(&self, key: &str) -> Option<&ServerError> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, e)| e)
    }

    /// True when no root field is refused.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// The refusal of the root field `ctx` resolves, if the edge refused it.
pub fn check(ctx: &Context<'_>) -> ServerResult<()> {
    let Some(refusals) = ctx.data_opt::<RootRefusals>() else {
        return Ok(());
    };
    let field = ctx.field();
    match refusals.get(field.alias().unwrap_or(field.name())) {
        Some(error) => Err(error.clone()),
        None => Ok(()),
    }
}

/// The mutation root: [`Mutation`] behind the [`check`] of each of its fields (same type,
/// same SDL).
#[derive(Default)]
pub struct MutationRoot(Mutation);

impl OutputType for MutationRoot {
    fn type_name() -> Cow<'static, str> {
        Mutation::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Mutation::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container_serial(ctx, self).await
    }
}

impl ContainerType for MutationRoot {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        check(ctx)?;
        self.0.resolve_field(ctx).await
    }
}

impl ObjectType for MutationRoot {}
