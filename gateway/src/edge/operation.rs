//! The gateway's one schema extension, [`OperationHooks`]: everything the gateway does around
//! an operation, in one place. async-graphql passes every resolved field through every
//! extension of the schema (a boxed future per extension per field), whether it hooks
//! `resolve` or not, so the parts that work per operation — document limits
//! ([`limits::check_request`]), the operation's span ([`OperationSpan`]), authorization of its
//! root fields ([`OperationAuthorization`]), the refusal of `_service` ([`WithoutServiceSdl`])
//! and the personal-data read log ([`OperationReadLog`]) — live in the same extension as the
//! one part that must see each field ([`http::resolve_field`]): one hop per field, whatever
//! the gateway does per operation (issue 14). Per-field spans, for debugging, stay an
//! extension of their own ([`crate::edge::spans::FieldSpans`]).
//!
//! The parts run in this order: limits, then the span (named from the document the limits
//! parsed), then the read log's data, around parsing (inside the span: `_service`, then the
//! root fields' authorization), validation (inside the span) and execution (marked as
//! started, with the refusals, inside the span, the read log submitted at its end).

use std::sync::Arc;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest,
    NextRequest, NextResolve, NextValidation, ResolveInfo,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{
    Request, Response, ServerError, ServerResult, ValidationResult, Value, Variables,
};

use crate::edge::auth::Identity;
use crate::edge::authz::OperationAuthorization;
use crate::edge::http;
use crate::edge::limits::{self, Limits};
use crate::edge::spans::OperationSpan;
use crate::schema::federation::WithoutServiceSdl;
use crate::schema::personal_data::OperationReadLog;
use crate::upstream::read_log::ReadLog;

/// What the gateway's schema extension does, part by part; [`OperationHooks::default`] only
/// marks execution, codes argument errors, feeds the response cache's collector and traces
/// the operation.
#[derive(Clone, Default)]
pub struct OperationHooks {
    /// Enforce the authorization matrix on the root fields.
    authorize: bool,
    /// The document limits, if checked.
    limits: Option<Limits>,
    /// Where staff reads of personal data go, if logged.
    read_log: Option<ReadLog>,
    /// Refuse documents that select `_service`, saying why.
    without_service_sdl: Option<WithoutServiceSdl>,
}

impl OperationHooks {
    /// With the authorization matrix enforced.
    pub fn authorize(mut self) -> Self {
        self.authorize = true;
        self
    }

    /// With `limits` checked before the document is parsed.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = Some(limits);
        self
    }

    /// With staff reads of personal data logged to `log`.
    pub fn read_log(mut self, log: ReadLog) -> Self {
        self.read_log = Some(log);
        self
    }

    /// With documents that select `_service` refused as `refusal` says.
    pub fn without_service_sdl(mut self, refusal: WithoutServiceSdl) -> Self {
        self.without_service_sdl = Some(refusal);
        self
    }
}

impl ExtensionFactory for OperationHooks {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Operation {
            authorization: self.authorize.then(OperationAuthorization::default),
            limits: self.limits,
            span: OperationSpan::default(),
            reads: self.read_log.clone().map(OperationReadLog::new),
            without_service_sdl: self.without_service_sdl,
        })
    }
}

/// One operation's state for [`OperationHooks`].
struct Operation {
    authorization: Option<OperationAuthorization>,
    limits: Option<Limits>,
    span: OperationSpan,
    reads: Option<OperationReadLog>,
    without_service_sdl: Option<WithoutServiceSdl>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for Operation {
    /// Over HTTP, the whole request: an operation that ended without an outcome (e.g. an
    /// unknown operation name, refused between validation and execution) was rejected.
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        self.span.finish("rejected");
        response
    }

    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Some(limits) = &self.limits {
            limits::check_request(limits, &mut request)?;
        }
        self.span.start(&mut request);
        if let Some(reads) = &self.reads {
            request = reads.prepare(request);
        }
        self.span.within(next.run(ctx, request)).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = self
            .span
            .within(async {
                let doc = next.run(ctx, query, variables).await?;
                if let Some(refusal) = &self.without_service_sdl {
                    refusal.check(&doc)?;
                }
                Ok::<_, ServerError>(doc)
            })
            .await?;
        if let Some(authorization) = &self.authorization {
            let caller = ctx.data_opt::<Identity>().and_then(|i| i.0.as_ref());
            authorization.decide(&doc, variables, caller);
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        self.span.within(next.run(ctx)).await
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        http::mark_executed(ctx);
        let refusals = self
            .authorization
            .as_ref()
            .and_then(|a| a.take(operation_name));
        self.span
            .execute(async {
                let response = match refusals {
                    None => next.run(ctx, operation_name).await,
                    Some(data) => next.run_with_data(ctx, operation_name, data).await,
                };
                // Inside the operation's span, as its own extension was: a full queue's
                // warning belongs to the operation's trace.
                if let Some(reads) = &self.reads {
                    let reader = ctx.data_opt::<Identity>().and_then(|i| i.0.as_ref());
                    reads.submit(reader, operation_name);
                }
                response
            })
            .await
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        http::resolve_field(ctx, info, next).await
    }
}
